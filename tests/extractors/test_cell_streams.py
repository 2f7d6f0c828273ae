"""Web copies of the seeds' tables read into the cells of the same table exported with Word's
tabs: one cell per line (``extractors.cell_streams`` finds where each cell ends), or one row per
line with cells apart by runs of spaces (``text_dialects.aligned_rows``, not aligned).

The tables are the gold content of the seeds, laid out by the layout-variation generator
(tests/variants/make_layouts.py) in their native and in a permuted column order.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from extractors.cell_streams import UNSURE_CELL, segment, units_of
from extractors.txt import lines_to_rows
from pipeline.core.cell_kinds import column_kind, line_kind
from pipeline.core.header_words import HeaderVocabulary
from tests.variants import make_layouts as ml

HEADERS = HeaderVocabulary.default()
SOURCES = {s.list_id: s for s in ml.SOURCES}


def _render(spec: ml.Spec, seed_golds: dict, tmp_path) -> tuple[str, str]:
    """(file name, text) of the spec's document."""
    name, _, write = ml.realize(spec, seed_golds)
    path = tmp_path / name
    write(path)
    return name, path.read_bytes().decode("utf-8")


def _table_rows(spec: ml.Spec, seed_golds: dict, tmp_path) -> list:
    """The rows of the spec's first table, as the text reader reads them."""
    name, text = _render(spec, seed_golds, tmp_path)
    return [r for r in lines_to_rows(text.splitlines(), name, headers=HEADERS) if r.where.table == 1]


def _cells(cells) -> tuple[str, ...]:
    texts = [" ".join((c or "").split()) for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    return tuple(texts)


CASES = [("000-bundle", None), ("002-bundle", None), ("002-bundle", 1), ("001-bundle", None), ("001-bundle", 1), ("001-speedup", None), ("002-speedup", 2),
         ("002-hotlist", None), ("004-catalog", None), ("004-catalog", 2)]


@pytest.mark.parametrize("mode", ["cells", "cells_gap", "spaces"])
@pytest.mark.parametrize("list_id,permutation", CASES)
def test_a_web_copy_reads_into_the_cells_of_the_tab_export(seed_golds, list_id, permutation, mode, tmp_path):
    src = SOURCES[list_id]
    cols = ml._permute(src, permutation) if permutation is not None else None
    tabs = ml.Spec(src, "web_copy_columns", 10, "", fmt="word_tabs", cols=cols)  # a tune family; one family: one region
    web = replace(tabs, fmt="web", opts={"mode": mode, "gap": "   "})
    expected = [_cells(r.cells) for r in _table_rows(tabs, seed_golds, tmp_path)]
    rows = _table_rows(web, seed_golds, tmp_path)
    got = [_cells(r.cells) for r in rows]
    # a note printed below the table ("注：…") ends the tab export's last cell; here it is a row of
    # its own, or text after the table: the last row is compared without it
    assert len(expected) > 3 and len(expected) <= len(got) <= len(expected) + 1
    got = got[:len(expected)]
    last_got, last_expected = got[-1], expected[-1]
    if mode == "cells_gap":
        last_got, last_expected = [c for c in last_got if c], [c for c in last_expected if c]
    assert all(a == b for a, b in zip(last_got[:-1], last_expected)) and last_got[0] == last_expected[0]
    expected, got = expected[:-1], got[:-1]
    if mode in ("cells", "spaces"):
        assert got == expected
        return
    # Empty cells are dropped: compare what is printed, in order. Where a dropped cell leaves two
    # readings (one cell of two lines, or two cells), a row may differ, but then it says it is unsure.
    printed = lambda row: tuple(c for c in row if c)  # noqa: E731
    wrong = [(e, g) for e, g in zip(expected, got) if printed(e) != printed(g)]
    unflagged = [(e, g) for e, g, r in zip(expected, got, rows) if printed(e) != printed(g)
                 and UNSURE_CELL not in r.confidences]
    assert not unflagged, unflagged[:2]
    assert len(wrong) <= 0.05 * len(rows), wrong[:2]


def test_two_lists_side_by_side_with_an_empty_cell_dropped_are_flagged_unsure(seed_golds, tmp_path):
    """Seed 000's rows copied without their empty cells: where 必做事项 ends and 情形事项 begins is
    no longer printed; those cells are read as unsure (their names go to review), the others not."""
    src = SOURCES["000-bundle"]
    spec = ml.Spec(src, "web_copy_columns", 11, "", fmt="web", opts={"mode": "cells_gap"})
    rows = _table_rows(spec, seed_golds, tmp_path)[1:]
    unsure = [r for r in rows if UNSURE_CELL in r.confidences]
    assert 0 < len(unsure) < len(rows)
    header = ["序号", "主题名称", "具体场景", "必做事项", "情形事项", "备注"]
    flagged = {header[c] for r in unsure for c, v in enumerate(r.confidences) if v == UNSURE_CELL}
    assert flagged <= {"必做事项", "情形事项", "备注"} and {"必做事项", "情形事项"} <= flagged


def test_numbered_lines_stay_in_one_cell_and_a_new_list_starts_a_new_one():
    lines = ["1", "①职工参保登记", "②就业登记", "①档案的接收和转递", "②存档人员党员组织关系的接转", "社保中心"]
    groups = [column_kind(f) for f in (("no",), ("required",), ("situational",), ("lead",))]
    rows, unsure, used = segment(units_of(lines, 0, len(lines)), groups)
    assert used == 4
    assert [["\n".join(u.text for u in c) for c in row] for row in rows] == [
        ["1", "①职工参保登记\n②就业登记", "①档案的接收和转递\n②存档人员党员组织关系的接转", "社保中心"]]
    assert unsure == [set()]


@pytest.mark.parametrize("text,kind", [
    ("12", "number"), ("1-2企业招用流动人员", "scenario"), ("15个工作日", "time"), ("即时办结", "time"),
    ("①职工参保登记", "marked"), ("2.如涉及失业保险金停发，应一并办理。", "clause"),
    ("1 1.1.5职工参保登记", "marked"), ("1.1.5职工参保登记", "code"), ("社保中心、就业服务中心", "unit"),
    ("国家政务服务平台", "channel"), ("无", "none"), ("现场办理。在政务大厅窗口。", "sentence"),
    ("企业招用员工", "short")])
def test_line_kinds(text, kind):
    assert line_kind(text) == kind


def test_the_names_of_an_unsure_cell_go_to_review(seed_golds, tmp_path):
    """Where a dropped empty cell leaves the end of a list unsure, its names are flagged for review
    (they are read right; their role is the guess), whatever they matched."""
    import pandas as pd

    from pipeline import RunOptions, run
    from tests.conftest import CATALOG
    src = SOURCES["000-bundle"]
    spec = ml.Spec(src, "web_copy_columns", 11, "", fmt="web", opts={"mode": "cells_gap"})
    name, _ = _render(spec, seed_golds, tmp_path)
    unsure = {(str(r.where.row), str(c)) for r in _table_rows(spec, seed_golds, tmp_path)
              for c, v in enumerate(r.confidences, 1) if v == UNSURE_CELL}
    run([tmp_path / name], RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=tmp_path, jobs=1,
                                      use_cache=False))
    items = pd.read_csv(tmp_path / "out" / "items.csv", dtype=str, keep_default_na=False)
    in_unsure = items[[(r, c) in unsure for r, c in zip(items["row"], items["cell"])]]
    assert len(in_unsure) > 10 and (in_unsure["needs_review"] == "True").all()


# --- a copy wrapped one visual line per line (seed 000's rows, cut as a PDF viewer copies them) ---

_WRAPPED = ["附件1", "青岛市人社服务“打包一件事”清单", "序号", "主题名称", "具体场景", "必做事项", "情形事项", "备注",
            "1", "企业招用员", "工", "1-1企业招用高校", "毕业生", "①职工参保登记", "②缴费人员增减申报", "③就业登记",
            "④劳动合同新订备案", "", "1.要同步办理养老保险、", "工伤保险、失业保险缴费", "人员增加。",
            "", "", "1-2企业招用流动", "人员", "①职工参保登记", "②缴费人员增减申报", "③就业登记", "④劳动合同新订备案",
            "①档案的接收和转递（", "流动人员）", "②存档人员党员组织关", "系的接转", "",
            "- 2 -", "序号", "主题名称", "具体场景", "必做事项", "情形事项", "备注",
            "", "", "1-3企业招用其他", "人员", "①职工参保登记", "②缴费人员增减申报", "养老保险关系转移接",
            "续（含城镇职工基本", "养老保险关系转移接续申请", "）", ""]


def _stream_cells(lines):
    from extractors.text_dialects import stream_rows, stream_table_at
    from pipeline.core.header_words import HeaderVocabulary
    headers = HeaderVocabulary.default()
    width = stream_table_at(lines, 2, headers)
    rows, _ = stream_rows(lines, 2, width, "x.txt", 1, headers)
    return list(rows)[1:]


def test_a_wrapped_copy_is_rejoined_and_its_page_furniture_left_out():
    rows = _stream_cells(_WRAPPED)
    cells = [(c, r.confidences[k] if r.confidences else None) for r in rows for k, c in enumerate(r.cells)]
    lines = [line for c, _ in cells for line in c.split("\n")]
    # a line broken inside a bracket is one line with the next
    assert "①档案的接收和转递（流动人员）" in lines
    assert not any("序号" in c or "- 2 -" in c for c, _ in cells)
    assert any("养老保险关系转移接续（含城镇职工基本" in line for line in lines)


def test_a_copy_not_wrapped_is_read_as_before():
    """Without lines broken inside brackets or before punctuation nothing is rejoined."""
    lines = [x for x in _WRAPPED if x not in ("流动人员）", "续（含城镇职工基本", "）", "人员增加。")]
    lines = [x.replace("（", "") for x in lines]
    from extractors.text_dialects import _wrapped_lines
    assert _wrapped_lines(lines, 8, len(lines), frozenset(), []) == frozenset()


def test_a_row_whose_number_cell_is_no_number_is_a_guess_and_so_are_the_rows_under_it():
    from extractors.cell_streams import Unit
    from extractors.text_dialects import _wrapped_doubts

    def u(text):
        return [Unit(0, text, (line_kind(text),))] if text else []
    groups = [column_kind(f) for f in (("no",), ("bundle_name",), ("scenario",), ("required",))]
    rows = [[u("系的接转"), u("企业招用员工"), u("1-1企业招用高校毕业生"), u("①职工参保登记")],
            [u(""), u(""), u("1-2企业招用流动人员"), u("①职工参保登记")],
            [u("2"), u("企业与员工解除终止劳动合同"), u("2-1企业与普通职工解除终止劳动合同"), u("①缴费人员增减申报")]]
    doubts = _wrapped_doubts(rows, [set(), set(), set()], groups)
    assert doubts[0] == doubts[1] == {0, 1, 2, 3} and doubts[2] == set()
