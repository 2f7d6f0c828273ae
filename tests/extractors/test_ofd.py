"""OFD extractor (GB/T 33190) on the fixtures generated from the seeds, plus package quirks."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from extractors import extract_rows, sniff_format
from extractors.ofd import debug_pages
from pipeline.core.errors import HostileInput, LimitExceeded, UnreadableInput
from pipeline.core.limits import Deadline, Limits
from tests.extractors.expected_rows import tables_of
from tests.extractors.formats_fixtures import assert_rows_as_expected, format_fixtures, story

OFD = format_fixtures(".ofd")


def test_every_seed_has_an_ofd():
    assert len(OFD) == 5


@pytest.mark.parametrize("fixture", OFD, ids=story)
def test_rows_equal_the_generator_cell_by_cell(fixture: Path):
    assert_rows_as_expected(fixture, extract_rows(fixture, fixture.name))


@pytest.mark.parametrize("fixture", OFD, ids=story)
def test_the_format_is_told_by_the_bytes(fixture: Path, tmp_path: Path):
    misnamed = tmp_path / "list.zip"
    misnamed.write_bytes(fixture.read_bytes())
    assert sniff_format(misnamed) == "ofd"


def test_a_table_running_over_pages_is_one_table_with_its_header_once_and_pages_kept():
    fixture = next(p for p in OFD if p.name.startswith("catalog"))
    assert len(debug_pages(fixture)) > 1
    rows = list(extract_rows(fixture, fixture.name))
    table = [r for r in rows if r.where.table == 1]
    assert [r.where.row for r in table] == list(range(1, len(table) + 1))
    assert sum(1 for r in table if r.cells[0] == "序号") == 1
    assert len({r.where.page for r in table}) > 1 and all(r.where.page for r in rows)


def _ofd(tmp_path: Path, content: str, name: str = "a.ofd", extra: dict | None = None) -> Path:
    ns = "http://www.ofdspec.org/2016"
    parts = {"OFD.xml": f'<ofd:OFD xmlns:ofd="{ns}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
                        "</ofd:DocBody></ofd:OFD>",
             "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{ns}"><ofd:Pages><ofd:Page ID="1" '
                                   'BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>',
             "Doc_0/Pages/Page_0/Content.xml": f'<ofd:Page xmlns:ofd="{ns}"><ofd:Content><ofd:Layer ID="2">{content}'
                                               "</ofd:Layer></ofd:Content></ofd:Page>", **(extra or {})}
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for part, data in parts.items():
            zf.writestr(part, data)
    return path


def _text(x: float, y: float, text: str, delta: str = "") -> str:
    d = f' DeltaX="{delta}"' if delta else ""
    return (f'<ofd:TextObject ID="9" Boundary="{x} {y} 100 5" Size="3"><ofd:TextCode X="0" Y="3"{d}>{text}'
            "</ofd:TextCode></ofd:TextObject>")


def _box(x0, y0, x1, y1) -> str:
    return (f'<ofd:PathObject ID="8" Boundary="{x0} {y0} {x1 - x0} {y1 - y0}"><ofd:AbbreviatedData>M 0 0 L '
            f"{x1 - x0} 0 L {x1 - x0} {y1 - y0} L 0 {y1 - y0} C</ofd:AbbreviatedData></ofd:PathObject>")


def test_ruled_cells_merged_by_a_missing_rule_give_none(tmp_path: Path):
    content = (_box(10, 10, 30, 20) + _box(30, 10, 60, 20) + _box(10, 20, 30, 40) + _box(30, 20, 60, 30)
               + _box(30, 30, 60, 40) + _text(11, 11, "序号") + _text(31, 11, "事项名称") + _text(11, 21, "1")
               + _text(31, 21, "社保查询") + _text(31, 31, "待遇查询"))
    assert tables_of(extract_rows(_ofd(tmp_path, content), "a.ofd"))[1] == [
        ["序号", "事项名称"], ["1", "社保查询"], [None, "待遇查询"]]


def test_text_outside_tables_is_running_text_in_reading_order(tmp_path: Path):
    content = _text(10, 30, "附件1") + _text(10, 10, "关于公布清单的通知") + _text(60, 10, "（第二段）", "g 4 3")
    rows = list(extract_rows(_ofd(tmp_path, content), "a.ofd"))
    assert [(r.where.page, r.where.line, r.cells[0]) for r in rows] == [(1, 1, "关于公布清单的通知 （第二段）"),
                                                                        (1, 2, "附件1")]


def test_entity_declarations_are_refused(tmp_path: Path):
    path = _ofd(tmp_path, "", extra={})
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("Doc_0/Res/x.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
    with pytest.raises(HostileInput, match=r"part Doc_0/Res/x\.xml declares a DOCTYPE"):
        list(extract_rows(path, "a.ofd"))


def test_a_damaged_page_is_refused_with_the_file_named(tmp_path: Path):
    path = _ofd(tmp_path, "<ofd:TextObject")
    with pytest.raises(UnreadableInput, match=r"the OFD document is damaged \(XMLSyntaxError"):
        list(extract_rows(path, "raw/a.ofd"))


def test_text_over_the_cell_limit_is_refused(tmp_path: Path):
    content = "".join(_text(10, 5 + i, f"行{i}") for i in range(50))
    path = _ofd(tmp_path, content)
    with pytest.raises(LimitExceeded, match=r"the text of the OFD \(up to page 1\) spans 50 cells, more than the limit "
                                            r"of 10"):
        list(extract_rows(path, "a.ofd", deadline=Deadline(Limits(max_cells=10), "a.ofd")))
