"""Spreadsheet extractor (.xlsx, .xls, .et, .ods) on the fixtures generated from the seeds, plus workbook quirks."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from extractors import extract_rows, sniff_format
from extractors.sheets import SheetSettings, cell_text, debug_sheets
from pipeline.core.errors import (
    ConfigError,
    EncryptedInput,
    HostileInput,
    LimitExceeded,
    UnreadableInput,
)
from pipeline.core.limits import Deadline, Limits
from tests.extractors.formats_fixtures import (
    FORMATS_DIR,
    assert_rows_as_expected,
    format_fixtures,
    story,
)

SHEETS = format_fixtures(".xlsx", ".xls", ".et", ".ods")


def test_every_seed_has_a_workbook_in_each_format():
    for suffix in (".xlsx", ".xls", ".et", ".ods"):
        assert len([p for p in SHEETS if p.suffix == suffix]) == 5, suffix


@pytest.mark.parametrize("fixture", SHEETS, ids=story)
def test_rows_equal_the_generator_cell_by_cell(fixture: Path):
    assert_rows_as_expected(fixture, extract_rows(fixture, fixture.name))


@pytest.mark.parametrize("fixture", SHEETS, ids=story)
def test_the_format_is_told_by_the_bytes(fixture: Path, tmp_path: Path):
    misnamed = tmp_path / "list.txt"
    misnamed.write_bytes(fixture.read_bytes())
    assert sniff_format(misnamed) == {".et": "xls"}.get(fixture.suffix, fixture.suffix[1:])


@pytest.mark.parametrize("fixture", [p for p in SHEETS if p.name.startswith("bundle_baiyin")], ids=story)
def test_provenance_names_the_sheet_and_the_cell(fixture: Path):
    rows = list(extract_rows(fixture, "raw/x" + fixture.suffix))
    table_rows = [r for r in rows if r.where.table]
    first, second = table_rows[0], next(r for r in table_rows if r.where.table == 2)
    assert (first.where.page, first.sheet, first.refs[:2], first.where.row) == (1, "附件1", ("附件1!A3", "附件1!B3"), 1)
    assert (second.where.page, second.sheet, second.refs[0]) == (2, "附件2", "附件2!A3")
    title = rows[0]
    assert (title.where.table, title.where.line, title.refs) == (0, 1, ("附件1!A1",))
    assert all(r.where.file == "raw/x" + fixture.suffix and len(r.refs) == len(r.cells) for r in rows)


@pytest.mark.parametrize("fixture", [p for p in SHEETS if p.name.startswith("bundle_qingdao")], ids=story)
def test_a_hidden_sheet_is_skipped_and_said_so(fixture: Path):
    rows = list(extract_rows(fixture, fixture.name))
    assert not any("不应读到" in (c or "") for r in rows for c in r.cells)
    assert rows[0].notes == (f"{fixture.name}: sheet '数据透视' is hidden and was not read — unhide it in Excel/WPS "
                             f"if it holds a list",)
    assert all(not r.notes for r in rows[1:])
    assert [s["visible"] for s in debug_sheets(fixture)] == ["Visible", "Hidden"]


def _workbook(tmp_path: Path, build, name: str = "w.xlsx") -> Path:
    wb = Workbook()
    build(wb.active)
    path = tmp_path / name
    wb.save(path)
    return path


def test_merged_cells_keep_their_text_top_left_and_none_elsewhere(tmp_path: Path):
    def build(ws):
        for row in (["序号", "事项名称", "对接渠道"], [1, "社保查询", "APP"], [None, "待遇查询", None]):
            ws.append(row)
        ws.merge_cells("A2:A3")
        ws.merge_cells("C2:C3")
    rows = [r.cells for r in extract_rows(_workbook(tmp_path, build), "w.xlsx")]
    assert rows == [("序号", "事项名称", "对接渠道"), ("1", "社保查询", "APP"), (None, "待遇查询", None)]


@pytest.mark.parametrize("value, fmt, text", [
    (3.0, "", "3"), (0.1, "", "0.1"), (2.5, "0.00", "2.50"), (1234567.0, "#,##0", "1,234,567"),
    (0.25, "0%", "25%"), (0.125, "0.0%", "12.5%"), (True, "", "TRUE"),
    (dt.date(2020, 12, 31), "", "2020-12-31"), (dt.date(2020, 12, 31), 'yyyy"年"m"月"d"日"', "2020年12月31日"),
    (dt.date(2020, 1, 5), "yyyy/m/d", "2020/1/5"), (dt.datetime(2020, 1, 2, 8, 30), "yyyy-mm-dd h:mm", "2020-01-02 8:30"),
    (dt.datetime(2020, 1, 2, 8, 30), "", "2020-01-02 08:30:00"), (dt.time(9, 5), "h:mm", "9:05"),
    (dt.date(2020, 12, 31), 'm"月"d"日"', "12月31日"), ("a\r\nb", "", "a\nb"), (None, "", ""),
], ids=lambda v: repr(v))
def test_numbers_and_dates_as_printed(value, fmt, text):
    assert cell_text(value, fmt) == text


def test_number_formats_of_the_file_are_used(tmp_path: Path):
    def build(ws):
        ws.append(["序号", "时限", "日期"])
        ws.append([1, 0.5, dt.date(2020, 12, 31)])
        ws["B2"].number_format = "0%"
        ws["C2"].number_format = 'yyyy"年"m"月"d"日"'
    rows = [r.cells for r in extract_rows(_workbook(tmp_path, build), "w.xlsx")]
    assert rows[1] == ("1", "50%", "2020年12月31日")


def test_a_sheet_one_column_wide_is_running_text(tmp_path: Path):
    rows = list(extract_rows(FORMATS_DIR / "prose_zibo_numbered_items.xlsx", "z.xlsx"))
    assert all(r.where.table == 0 for r in rows) and rows[0].cells == ("关于启用“就业一件事”数字化便民应用的通知",)


def test_a_sparse_sheet_spanning_the_grid_is_refused_before_it_is_laid_out(tmp_path: Path):
    def build(ws):
        ws["A1"], ws["XFD1048576"] = "序号", "x"
    path = _workbook(tmp_path, build)
    with pytest.raises(LimitExceeded, match=r"sheet 'Sheet' \(A1:XFD1048576\) spans 17179869184 cells, more than the "
                                            r"limit of 1000000"):
        list(extract_rows(path, "w.xlsx"))


def test_a_smaller_cell_limit_refuses_a_real_list():
    path = FORMATS_DIR / "catalog_social_insurance_merged_categories.xlsx"
    with pytest.raises(LimitExceeded, match=r"spans \d+ cells, more than the limit of 100 — .*--max-cells"):
        list(extract_rows(path, "c.xlsx", deadline=Deadline(Limits(max_cells=100), "c.xlsx")))


def test_a_password_protected_workbook_is_named_as_such(tmp_path: Path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile
    out = io.BytesIO()
    with (FORMATS_DIR / "bundle_qingdao_merged_cells.xlsx").open("rb") as fh:
        OOXMLFile(fh).encrypt("secret", out)
    path = tmp_path / "locked.xlsx"
    path.write_bytes(out.getvalue())
    with pytest.raises(EncryptedInput, match="password protected"):
        list(extract_rows(path, "locked.xlsx"))
    assert msoffcrypto


def _rezip(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    change(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return target


def test_a_damaged_sheet_is_refused_with_the_file_named(tmp_path: Path):
    def cut(parts):
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:300]
    path = _rezip(FORMATS_DIR / "bundle_qingdao_merged_cells.xlsx", tmp_path / "d.xlsx", cut)
    with pytest.raises(UnreadableInput, match=r"the workbook is damaged") as err:
        list(extract_rows(path, "raw/d.xlsx"))
    assert err.value.where == "raw/d.xlsx" and "save it again" in err.value.hint


@pytest.mark.parametrize("fixture, part", [("bundle_qingdao_merged_cells.xlsx", "xl/worksheets/sheet1.xml"),
                                           ("bundle_qingdao_merged_cells.ods", "content.xml")], ids=["xlsx", "ods"])
def test_xml_entity_declarations_are_refused_before_parsing(fixture, part, tmp_path: Path):
    def add(parts):
        xml = parts[part].decode("utf-8")
        head, rest = xml.split("?>", 1) if "?>" in xml else ("", xml)
        doctype = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        parts[part] = ((head + "?>" if head else "") + doctype + rest).encode()
    path = _rezip(FORMATS_DIR / fixture, tmp_path / fixture, add)
    with pytest.raises(HostileInput, match=rf"part {part} declares a DOCTYPE or XML entities"):
        list(extract_rows(path, fixture))


def test_an_ods_row_repeated_a_million_times_is_refused(tmp_path: Path):
    def repeat(parts):
        xml = parts["content.xml"].decode("utf-8")
        parts["content.xml"] = xml.replace("<table:table-row", '<table:table-row table:number-rows-repeated="1000000"',
                                           1).encode()
    path = _rezip(FORMATS_DIR / "bundle_qingdao_merged_cells.ods", tmp_path / "r.ods", repeat)
    with pytest.raises(LimitExceeded, match="more than the limit of 1000000"):
        list(extract_rows(path, "r.ods"))


def test_bad_settings_are_named():
    with pytest.raises(ConfigError, match="title_rows"):
        SheetSettings(title_rows=-1)


def test_a_hidden_sheet_is_said_in_the_documents_status():
    from pipeline.catalog.reference import load_catalog
    from pipeline.reading.document import read_document
    from tests.conftest import CATALOG, REPO
    path = REPO / "tests" / "fixtures" / "formats" / "bundle_baiyin_codes_units_landscape.xlsx"
    doc = read_document(path, path.name, load_catalog(CATALOG)).document
    assert doc.status == "warning"
    assert "sheet '数据透视' is hidden and was not read" in doc.message
