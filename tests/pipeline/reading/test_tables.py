"""The layout reader (``pipeline.reading.tables``): header cells -> fields and list kind, rows -> records."""
from __future__ import annotations

import pytest

from pipeline.core.records import Provenance, Row
from pipeline.evaluate.score import gold_items
from pipeline.reading.layout import ReadingContext, read_layout
from pipeline.reading.tables import read_table
from tests.pipeline.reading.conftest import seed_gold, seed_tables


@pytest.mark.parametrize("cells, kind, fields", [
    (("序号", "主题名称", "具体场景", "必做事项", "情形事项", "备注"), "bundle",
     ["no", "bundle_name", "scenario", "required", "situational", "notes"]),
    (("序 号", "主题 名称", "具体\n场景", "必做事项", "情形事项"), "bundle",
     ["no", "bundle_name", "scenario", "required", "situational"]),
    (("序號", "主題名稱", "具體場景", "必做事項", "情形事項", "備註"), "bundle",
     ["no", "bundle_name", "scenario", "required", "situational", "notes"]),
    (("序号", "事项名称", "当前规定的办结时限", "提速后办结时限", "承办单位"), "speedup",
     ["no", "item", "current_limit", "target_limit", "unit"]),
    (("序号", "事项名称", "对接渠道"), "hotlist", ["no", "item", "channels"]),
    (("序\n号", "业务分类", "事项名称（主项）", "事项名称（子项）", "办理内容", "服务对象"), "catalog",
     ["no", "category", "main", "sub", "content", "target"]),
    (("序号", "事项名称(主项)", "事项名称(子项)"), "catalog", ["no", "main", "sub"]),
], ids=["the 青岛 header", "words broken by spaces and line breaks", "traditional characters",
        "a speed-up list with its unit", "a hot list", "a catalog with 序 and 号 on two lines",
        "half-width brackets"])
def test_header_cells_give_fields_and_list_kind(cells, kind, fields):
    layout = read_layout([Row(Provenance("a.txt", table=1, row=1), cells)], ReadingContext())
    assert (layout.kind, layout.fields) == (kind, fields)


def test_a_header_read_by_ocr_with_one_slip_still_names_its_field():
    layout = read_layout([Row(Provenance("a.txt", table=1, row=1), ("序号", "事项名称主项）", "事项名称（子项）"))],
                         ReadingContext())
    assert layout.fields == ["no", "main", "sub"] and layout.columns[1].how.startswith("header~")


def test_a_header_word_of_two_fields_is_decided_by_the_cells_below_it(catalog):
    """In the 白银 list 服务事项 holds the items and 打包事项 a scope; elsewhere 打包事项 holds the items."""
    rows = seed_tables("001")[0]
    layout = read_layout(rows, ReadingContext(catalog.headers, catalog.index))
    assert layout.fields[:4] == ["no", "items", "bundle_name", "scope"]
    assert layout.columns[1].how.startswith("header of 2 fields")


def test_a_table_whose_header_names_no_list_is_skipped_with_a_warning_naming_its_cells():
    rows = [Row(Provenance("a.txt", table=1, row=1), ("姓名", "电话")),
            Row(Provenance("a.txt", table=1, row=2), ("张三", "123"))]
    result = read_table(rows)
    assert result.kind == "" and not result.mentions
    assert result.warnings == ["a.txt, table 1, row 1: table header not recognised (姓名 | 电话); header cells not "
                               "placed: 姓名; the table was skipped (a new header word can be added to "
                               "raw/catalog/header_words.tsv)"]


def _context(stem: str) -> ReadingContext:
    from pipeline.catalog.reference import load_catalog
    from pipeline.reading.document import reading_context
    from tests.conftest import CATALOG
    from tests.pipeline.reading.conftest import seed_rows
    return reading_context(seed_rows(stem), load_catalog(CATALOG))


def _counts(result) -> dict:
    return {"bundles": len(result.bundles), "scenarios": len(result.scenarios), "mentions": len(result.mentions),
            "catalog_rows": len(result.catalog_entries)}


def _gold_counts(gold: dict, kind: str) -> dict:
    if kind == "catalog":   # each row's service item is a mention too
        return {"bundles": 0, "scenarios": 0, "mentions": len(gold["catalog_rows"]),
                "catalog_rows": len(gold["catalog_rows"])}
    if kind == "bundle":
        return {"bundles": len(gold["bundles"]), "scenarios": sum(len(b["scenarios"]) for b in gold["bundles"]),
                "mentions": sum(1 for g in gold_items(gold) if g["list_kind"] == "bundle"), "catalog_rows": 0}
    return {"bundles": 0, "scenarios": 0, "mentions": len(gold[kind]), "catalog_rows": 0}


@pytest.mark.parametrize("stem, table, kind", [
    ("000", 1, "bundle"), ("001", 1, "bundle"), ("001", 2, "speedup"),
    ("002", 1, "bundle"), ("002", 2, "speedup"), ("002", 3, "hotlist"), ("004", 1, "catalog"),
], ids=lambda v: str(v))
def test_every_seed_table_gives_the_bundles_scenarios_and_items_of_its_gold(stem, table, kind):
    result = read_table(seed_tables(stem)[table - 1], _context(stem))
    assert result.kind == kind
    assert _counts(result) == _gold_counts(seed_gold(stem), kind)


def test_mentions_keep_the_cell_they_were_printed_in_and_their_offsets():
    rows = seed_tables("000")[0]
    cells = {(r.where.row, c): text for r in rows for c, text in enumerate(r.cells, 1)}
    for m in read_table(rows, _context("000")).mentions:
        assert m.where.cell and m.printed in cells[(m.where.row, m.where.cell)]
        assert cells[(m.where.row, m.where.cell)][m.start:m.end] == m.printed


def test_flattened_rows_holding_several_scenarios_are_split_as_the_gold_has_them():
    gold = seed_gold("002")
    result = read_table(seed_tables("002")[0], _context("002"))
    want = {(b["no"], s["code"]) for b in gold["bundles"] for s in b["scenarios"]}
    assert {(s.bundle_no, s.code) for s in result.scenarios} == want


def test_the_service_items_of_a_catalog_list_are_mentions_of_kind_catalog():
    gold = seed_gold("004")
    result = read_table(seed_tables("004")[0], _context("004"))
    subs = [r["sub"] or r["main"] for r in gold["catalog_rows"]]
    assert [m.list_kind for m in result.mentions] == ["catalog"] * len(subs)
    assert [m.printed for m in result.mentions] == subs


def test_a_table_continued_without_a_header_inside_a_bundle_keeps_its_first_rows():
    """A DOCX table that goes on after a page break without a header, starting inside a bundle
    (its 序号/主题名称 cells empty): its first rows belong to the bundle still open before it."""
    from dataclasses import replace as _replace

    from pipeline.catalog.reference import load_catalog
    from pipeline.reading.document import rows_to_extraction
    from tests.conftest import CATALOG
    rows = seed_tables("000")[0]
    whole = read_table(rows, _context("000"))
    header = tuple((c or "").strip() for c in rows[0].cells)
    middle = len(rows) // 2
    cut = next(i for i in range(middle, len(rows)) if not (rows[i].cells[0] or "").strip()
               and not (rows[i].cells[1] or "").strip() and tuple((c or "").strip() for c in rows[i].cells) != header)
    second = [Row(_replace(r.where, table=2, row=k), r.cells) for k, r in enumerate(rows[cut:], 1)]
    extraction = rows_to_extraction(rows[:cut] + second, "a.txt", load_catalog(CATALOG))
    assert [(m.bundle_no, m.scenario_code, m.role, m.text) for m in extraction.mentions] == \
        [(m.bundle_no, m.scenario_code, m.role, m.text) for m in whole.mentions]
    assert len(extraction.bundles) == len(whole.bundles)
    assert not any("skipped" in w for w in extraction.warnings)


def test_a_mention_read_by_ocr_takes_the_confidence_of_its_own_line_not_its_cells():
    """One misread line of a cell of many items makes that item unsure, not the others (Row.line_confidences)."""
    from dataclasses import replace
    rows = seed_tables("000")[0]
    unsure: dict[tuple, tuple[int, int]] = {}   # (row, cell) -> the second printed line's [start, end)

    def spans(row, c, text):
        out, pos, seen = [], 0, 0
        for k, part in enumerate((text or "").split("\n")):
            begin = pos + (1 if k else 0)
            pos = begin + len(part)
            seen += bool(part)
            if part and seen == 2:
                unsure[(row, c)] = (begin, pos)
            out.append((pos, 0.3 if part and seen == 2 else 0.99))
        return tuple(out)

    ocr_rows = [replace(r, confidences=tuple(0.9 for _ in r.cells),
                        line_confidences=tuple(spans(r.where.row, c, t) for c, t in enumerate(r.cells, 1)))
                for r in rows]
    mentions = read_table(ocr_rows, _context("000")).mentions
    on = [m for m in mentions if (m.where.row, m.where.cell) in unsure
          and unsure[(m.where.row, m.where.cell)][0] <= m.start < unsure[(m.where.row, m.where.cell)][1]]
    off = [m for m in mentions if m not in on and m.end <= unsure.get((m.where.row, m.where.cell), (10**6,))[0]]
    assert on and off
    assert all(m.ocr_confidence == 0.3 for m in on)
    assert all(m.ocr_confidence == 0.99 for m in off)
    without = read_table([replace(r, confidences=tuple(0.9 for _ in r.cells)) for r in rows], _context("000"))
    assert {m.ocr_confidence for m in without.mentions} == {0.9}, "no lines known: the cell's confidence"


def test_names_a_wrapped_export_ran_together_are_items_again_in_sequence(catalog, tmp_path):
    """Seed 002 as a whitespace-aligned export with wrapped cells (tests/variants/make_layouts.py, the
    tune family whitespace_aligned): 职工提前退休（退职）申请 fills its column, the next lines were
    joined to it. Read with the catalog, scenario 7-3 has the gold's items, their offsets in the cell,
    and sequence numbers 1, 2, 3 … in order."""
    import json

    from extractors.txt import lines_to_rows
    from tests.conftest import GOLD
    from tests.variants import make_layouts as ml
    if not GOLD.exists():
        pytest.skip(f"gold labels not found at {GOLD}")
    golds = {p.name[:3]: json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))}
    src = next(s for s in ml.SOURCES if s.list_id == "002-bundle")
    spec = ml._marker_variety(ml.FAMILIES["whitespace_aligned"](src)[0])
    name, gold, write = ml.realize(spec, golds)
    write(tmp_path / name)
    rows = [r for r in lines_to_rows((tmp_path / name).read_text(encoding="utf-8").splitlines(), name,
                                     headers=catalog.headers) if r.where.table == 1]
    mentions = read_table(rows, ReadingContext(catalog.headers, catalog.index)).mentions
    got = [m for m in mentions if m.scenario_code == "7-3"]
    want = [it["text"] for b in gold["bundles"] for s in b["scenarios"] if s["code"] == "7-3" for it in s["items"]]
    assert [m.text for m in got] == want
    assert [m.seq for m in got] == list(range(got[0].seq, got[0].seq + len(got)))
    cells = {(r.where.row, c): text for r in rows for c, text in enumerate(r.cells, 1)}
    assert all(cells[(m.where.row, m.where.cell)][m.start:m.end] == m.printed for m in got)


def test_a_name_a_wrapped_copy_left_in_two_lines_is_one_item_again(catalog):
    """A PDF viewer's copy cut 存档人员党员组织关系的接转 (seed 000, 1-2) where the page wrapped it and
    its reader did not join the lines: neither line is a name, the two together are one."""
    def row(n, *cells):
        return Row(Provenance("x.txt", table=1, row=n), cells)
    rows = [row(1, "序号", "主题名称", "具体场景", "必做事项", "情形事项"),
            row(2, "1", "企业招用员工", "1-2企业招用流动人员", "职工参保登记\n缴费人员增减申报",
                "档案的接收和转递（流动人员）\n存档人员党员组织关\n系的接转")]
    mentions = read_table(rows, ReadingContext(catalog.headers, catalog.index)).mentions
    assert [(m.role, m.text, m.seq) for m in mentions] == [
        ("required", "职工参保登记", 1), ("required", "缴费人员增减申报", 2),
        ("situational", "档案的接收和转递（流动人员）", 3), ("situational", "存档人员党员组织关系的接转", 4)]
    cell = rows[1].cells[4]
    assert cell[mentions[-1].start:mentions[-1].end] == mentions[-1].printed == "存档人员党员组织关\n系的接转"
