"""The layout reader's evidence: header words, cell content, and the two combined (``pipeline.reading.layout``)."""
from __future__ import annotations

import pytest

from pipeline.core.records import Provenance, Row
from pipeline.reading.layout import content_scores, list_kind, read_layout
from tests.pipeline.reading.conftest import seed_tables


def _context(catalog, title: str = "") -> ReadingContext:
    from dataclasses import replace

    from pipeline.reading.document import reading_context
    return replace(reading_context([], catalog), title=title)


def _rows(*cells_per_row) -> list[Row]:
    return [Row(Provenance("a.txt", table=1, row=i), tuple(cells)) for i, cells in enumerate(cells_per_row, 1)]


@pytest.mark.parametrize("texts, field", [
    (["1", "2", "3", "4"], "no"),
    (["1-1企业招用高校毕业生", "1-2企业招用流动人员"], "scenario"),
    (["15个工作日", "即时办结", "3个工作日"], "time_limit"),
    (["“爱山东”APP、国家政务服务平台", "省政府门户网站、微信小程序"], "channels"),
    (["社保中心", "就业服务中心、人才交流股"], "unit"),
    (["必办", "必办", "选办"], "role"),
    (["职工参保登记", "就业登记", "失业登记"], "item"),
    (["1.职工参保登记\n2.就业登记", "1.失业登记\n2.职业介绍"], "items"),
], ids=["sequence numbers", "scenario codes", "time limits", "channels", "units", "role words",
        "one catalog name per cell", "several catalog names per cell"])
def test_a_column_of_cells_is_recognised_by_what_they_hold(texts, field, catalog):
    scores = content_scores(texts, _context(catalog))
    assert max(scores, key=scores.get) == field and scores[field] >= 0.9


def test_without_a_header_row_the_columns_of_a_real_list_come_from_their_content(catalog):
    rows = seed_tables("000")[0][1:]          # the 青岛 table without its header row
    layout = read_layout(rows, _context(catalog))
    assert layout.header_rows == () and layout.kind == "bundle"
    assert layout.fields[:5] == ["no", "bundle_name", "scenario", "required", "situational"]
    assert all(c.how.startswith("content") for c in layout.columns[:5])
    assert "no header row" in layout.warnings[0]


def test_without_a_header_row_a_catalog_is_told_by_its_hierarchy(catalog):
    """Seed 004's catalog without its header row: 主项 repeats down the rows, 子项 varies, 业务分类
    repeats more still; nothing names them but that shape (the names are local, not national)."""
    rows = next(t for t in seed_tables("004") if len(t) > 50)[1:]
    layout = read_layout(rows, _context(catalog))
    assert layout.header_rows == () and layout.kind == "catalog"
    assert layout.fields == ["no", "category", "main", "sub", "content", "target"]
    assert "repeat" in layout.columns[2].how
    assert "descriptions" in layout.columns[4].how and "few short values" in layout.columns[5].how


def test_without_a_header_row_a_catalog_with_merged_cells_is_told_by_its_hierarchy(catalog):
    """Seed 004's catalog as a Word table without a header row (tests/variants/make_layouts.py, the tune
    family catalog_headerless): 业务分类 and 主项 are merged cells, printed once over their rows, so
    the empty cells below a name are that name going on."""
    from pathlib import Path
    import json, tempfile

    from extractors.docx import extract_rows
    from tests.conftest import GOLD
    from tests.variants import make_layouts as ml
    if not GOLD.exists():
        pytest.skip(f"gold labels not found at {GOLD}")
    golds = {p.name[:3]: json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))}
    src = next(s for s in ml.SOURCES if s.list_id == "004-catalog")
    spec = ml.FAMILIES["catalog_headerless"](src)[1]
    with tempfile.TemporaryDirectory() as tmp:
        name, _, write = ml.realize(spec, golds)
        write(Path(tmp) / name)
        rows = [r for r in extract_rows(Path(tmp) / name, name) if r.where.table == 1]
    layout = read_layout(rows, _context(catalog))
    assert layout.header_rows == () and layout.kind == "catalog"
    assert layout.fields == ["no", "category", "main", "sub", "content", "target"]


def test_an_unknown_header_word_is_decided_by_content_and_a_known_one_by_its_word(catalog):
    rows = _rows(("序号", "办件名目", "法定期限"), ("1", "职工参保登记", "20个工作日"), ("2", "就业登记", "即时办结"))
    layout = read_layout(rows, _context(catalog))
    assert layout.fields == ["no", "item", "current_limit"]
    assert [c.how.split()[0] for c in layout.columns] == ["header", "content", "header"]
    assert layout.kind == "speedup"


def test_telling_content_overrules_a_header_word_and_says_so(catalog):
    rows = _rows(("序号", "事项名称", "事项类型"), ("1", "失业登记", "必办"), ("2", "职业介绍", "选办"))
    layout = read_layout(rows, _context(catalog, "失业服务“一件事”事项清单"))
    assert layout.fields == ["no", "item", "role"] and layout.kind == "bundle"
    assert "the header '事项类型' says category but its cells look like role" in layout.warnings[0]


@pytest.mark.parametrize("fields, title, kind", [
    (["no", "item", "channels"], "", "hotlist"),
    (["no", "item"], "热门高频事项清单", "hotlist"),
    (["no", "item"], "“提速办”服务事项清单", "speedup"),
    (["no", "item", "unit"], "企业员工入职“一件事”事项清单", "bundle"),
    (["no", "item", "time_limit"], "", "speedup"),
    (["no", "main", "sub"], "", "catalog"),
    (["no", "item"], "", "catalog"),
    (["notes"], "“打包一件事”清单", ""),
], ids=["a channels column", "hot in the title", "speed-up in the title", "one bundle named in the title",
        "an item and a time limit", "main and sub items", "a plain list of service items", "no column of items"])
def test_the_list_kind_comes_from_the_columns_and_the_title(fields, title, kind):
    assert list_kind(fields, title)[0] == kind
