"""DOCX extractor on the fixtures generated from the seeds, plus the quirks of Word files."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document

from extractors import extract_rows as extract_any
from extractors.docx import DocxSettings, extract_rows
from pipeline.core.errors import ConfigError, HostileInput, UnreadableInput
from tests.extractors.expected_rows import (
    FIXTURES,
    assert_tables_match,
    expected_rows,
    fixtures_with_expectations,
    story,
    tables_of,
)

DOCX = fixtures_with_expectations(".docx")


def test_every_seed_has_a_docx_fixture():
    assert {expected_rows(p)["made_from"][:3] for p in DOCX} == {"000", "001", "002", "003", "004"}


@pytest.mark.parametrize("fixture", DOCX, ids=story)
def test_table_rows_match_the_generator_cell_by_cell(fixture: Path):
    assert_tables_match(fixture, extract_rows(fixture, fixture.name))


@pytest.mark.parametrize("fixture", DOCX, ids=story)
def test_paragraphs_outside_tables_are_kept_in_order(fixture: Path):
    rows = list(extract_rows(fixture, fixture.name))
    assert [r.cells[0] for r in rows if r.where.table == 0] == expected_rows(fixture)["text"]
    lines = [r.where.line for r in rows if r.where.table == 0]
    assert lines == sorted(lines) and all(n > 0 for n in lines)


@pytest.mark.parametrize("fixture", DOCX, ids=story)
def test_rows_are_numbered_from_the_header_in_document_order(fixture: Path):
    rows = list(extract_rows(fixture, "raw/x.docx"))
    for number, table in tables_of(rows).items():
        numbers = [r.where.row for r in rows if r.where.table == number]
        assert numbers == list(range(1, len(table) + 1))
    assert all(r.where.file == "raw/x.docx" and r.where.page == 0 for r in rows)
    tables_seen = [r.where.table for r in rows if r.where.table]
    assert tables_seen == sorted(tables_seen)


def test_automatic_numbers_are_not_invented_but_items_stay_apart():
    fixture = FIXTURES / "bundle_qingdao_merged_cells.docx"
    header, first = tables_of(extract_rows(fixture, fixture.name))[1][:2]
    assert first[header.index("必做事项")] == "职工参保登记\n缴费人员增减申报\n就业登记\n劳动合同新订备案"


def _table_doc(path: Path, rows: list[list[str]]) -> Document:
    doc = Document()
    doc.add_paragraph("附件1")
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    return doc


def test_horizontal_merge_in_the_middle_gives_text_once(tmp_path: Path):
    doc = _table_doc(tmp_path / "a.docx", [["序号", "事项名称", "对接渠道"], ["1", "社保查询", "APP"]])
    table = doc.tables[0]
    table.cell(1, 1).merge(table.cell(1, 2))
    doc.save(tmp_path / "a.docx")
    rows = tables_of(extract_rows(tmp_path / "a.docx", "a.docx"))[1]
    assert rows[1] == ["1", "社保查询\nAPP", None]


def test_header_typed_again_and_table_cut_in_two_are_one_table(tmp_path: Path):
    header = ["序号", "事项名称", "对接渠道"]
    doc = _table_doc(tmp_path / "b.docx", [header, ["1", "社保查询", "APP"], header, ["2", "退休待遇查询", "APP"]])
    doc.add_paragraph("")
    second = doc.add_table(rows=2, cols=3)
    for c, text in enumerate(header + ["3", "职业年金查询", "小程序"]):
        second.cell(c // 3, c % 3).text = text
    doc.save(tmp_path / "b.docx")
    tables = tables_of(extract_rows(tmp_path / "b.docx", "b.docx"))
    assert list(tables) == [1]
    assert [r[0] for r in tables[1]] == ["序号", "1", "2", "3"]


def test_cut_tables_stay_apart_when_joining_is_switched_off(tmp_path: Path):
    header = ["序号", "事项名称"]
    doc = _table_doc(tmp_path / "c.docx", [header, ["1", "社保查询"]])
    second = doc.add_table(rows=2, cols=2)
    for c, text in enumerate(header + ["2", "职业年金查询"]):
        second.cell(c // 2, c % 2).text = text
    doc.save(tmp_path / "c.docx")
    assert len(tables_of(extract_rows(tmp_path / "c.docx", "c.docx", DocxSettings(join_split_tables=False)))) == 2


def test_the_dispatcher_reads_a_docx_by_its_bytes_whatever_its_name(tmp_path: Path):
    misnamed = tmp_path / "list.txt"
    shutil.copy(FIXTURES / "bundle_qingdao_merged_cells.docx", misnamed)
    assert tables_of(extract_any(misnamed, "list.txt"))[1][0][0] == "序号"


def test_external_entities_are_not_resolved(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    source = FIXTURES / "prose_zibo_numbered_items.docx"
    with zipfile.ZipFile(source) as zin:
        parts = {name: zin.read(name) for name in zin.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    head, rest = xml.split("?>", 1)
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    parts["word/document.xml"] = (head + "?>" + doctype + rest.replace("二、联办事项", "二、联办事项&xxe;", 1)).encode()
    target = tmp_path / "xxe.docx"
    with zipfile.ZipFile(target, "w") as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    import docx  # the parser python-docx uses does not resolve them either (second line of defence)
    text = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert "TOP-SECRET" not in text and "二、联办事项" in text
    with pytest.raises(HostileInput, match=r"part word/document.xml declares a DOCTYPE"):
        list(extract_rows(target, "xxe.docx"))   # and we refuse the file before parsing it


def test_a_damaged_word_file_is_refused_with_the_file_named(tmp_path: Path):
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("[Content_Types].xml", "<Types")
        z.writestr("word/document.xml", "<w:document")
    with pytest.raises(UnreadableInput) as err:
        list(extract_rows(broken, "raw/broken.docx"))
    assert err.value.where == "raw/broken.docx"
    assert "save it again as .docx" in err.value.hint


@pytest.mark.parametrize("bad", [{"max_columns": 0}, {"max_columns": "9"}, {"join_split_tables": "yes"}],
                         ids=["no columns", "columns as text", "join as text"])
def test_bad_settings_are_named(bad: dict):
    with pytest.raises(ConfigError, match=next(iter(bad))):
        DocxSettings(**bad)
