"""PDF extractor on the LibreOffice PDFs generated from the seeds, the unruled table, scans and locks."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors import extract_rows as extract_any
from extractors.pdf import PdfSettings, extract_rows
from extractors.pdf_lines import Cell, Line, lines_to_text
from pipeline.core.errors import ConfigError, UnreadableInput
from tests.extractors.expected_rows import (
    FIXTURES,
    assert_tables_match,
    expected_rows,
    fixtures_with_expectations,
    squeeze,
    story,
    tables_of,
)

PDF = fixtures_with_expectations(".pdf")


def test_every_seed_has_a_pdf_fixture_and_some_run_over_several_pages():
    assert {expected_rows(p)["made_from"][:3] for p in PDF} >= {"000", "001", "002", "003", "004"}
    pages = {p.name: max(r.where.page for r in extract_rows(p, p.name)) for p in PDF}
    assert sum(1 for n in pages.values() if n >= 5) >= 3, pages


@pytest.mark.parametrize("fixture", PDF, ids=story)
def test_table_rows_match_the_generator_cell_by_cell(fixture: Path):
    assert_tables_match(fixture, extract_rows(fixture, fixture.name))


@pytest.mark.parametrize("fixture", PDF, ids=story)
def test_text_outside_tables_is_kept(fixture: Path):
    # Printed lines, not paragraphs: a long paragraph comes as several lines, so compare the text.
    rows = list(extract_rows(fixture, fixture.name))
    assert squeeze(r.cells[0] for r in rows if r.where.table == 0) == squeeze(expected_rows(fixture)["text"])


@pytest.mark.parametrize("fixture", PDF, ids=story)
def test_rows_carry_their_page_and_are_numbered_from_the_header(fixture: Path):
    rows = list(extract_rows(fixture, "raw/x.pdf"))
    assert all(r.where.file == "raw/x.pdf" and r.where.page >= 1 for r in rows)
    for number, table in tables_of(rows).items():
        mine = [r for r in rows if r.where.table == number]
        assert [r.where.row for r in mine] == list(range(1, len(table) + 1))
        assert [r.where.page for r in mine] == sorted(r.where.page for r in mine)


def test_header_repeated_on_every_page_is_given_once():
    fixture = FIXTURES / "bundle_qingdao_merged_cells.pdf"
    rows = list(extract_rows(fixture, fixture.name))
    assert len({r.where.page for r in rows}) >= 4
    assert sum(1 for r in rows if r.cells[:2] == ("序号", "主题名称")) == 1


def test_a_scanned_pdf_without_ocr_installed_is_refused_saying_how_to_install_it(monkeypatch):
    ocr = pytest.importorskip("extractors.ocr")   # with the OCR extra: pretend Tesseract is missing
    monkeypatch.setattr(ocr, "tesseract_available", lambda lang="chi_sim": False)
    with pytest.raises(UnreadableInput) as err:   # the dispatcher, which hands scans to OCR when it can run
        list(extract_any(FIXTURES / "scanned_page_without_text.pdf", "raw/青岛/附件1.pdf"))
    assert err.value.code == "E120"  # NeedsOcr, a kind of UnreadableInput
    assert err.value.where == "raw/青岛/附件1.pdf"
    assert "scanned PDF" in err.value.message and "OCR" in err.value.hint


def test_an_encrypted_pdf_is_refused_clearly():
    with pytest.raises(UnreadableInput) as err:
        list(extract_rows(FIXTURES / "encrypted.pdf", "raw/locked.pdf"))
    assert "encrypted" in err.value.message and err.value.where == "raw/locked.pdf"


def test_a_truncated_pdf_is_refused_with_the_file_named(tmp_path: Path):
    cut = tmp_path / "cut.pdf"
    cut.write_bytes((FIXTURES / "table_without_ruling_lines.pdf").read_bytes()[:400])
    with pytest.raises(UnreadableInput) as err:
        list(extract_rows(cut, "raw/cut.pdf"))
    assert err.value.where == "raw/cut.pdf" and "damaged" in err.value.hint


def _cell(*lines: tuple[str, float], x0: float = 0.0, x1: float = 100.0) -> Cell:
    """A cell 100 pt wide (text from 5 to 95) holding lines of 10-pt characters (5 pt for ASCII)."""
    out = []
    for text, start in lines:
        boxes, x = [], start
        for ch in text:
            w = 5.0 if ch.isascii() else 10.0
            boxes.append((x, x + w))
            x += w
        out.append(Line(text, start, x, 0.0, boxes, 10.0))
    return Cell(x0, x1, out)


@pytest.mark.parametrize("lines, want", [
    ([("职工参保登记缴费人", 5.0), ("员增减申报", 5.0)], "职工参保登记缴费人员增减申报"),
    ([("职工参保登记", 5.0), ("就业登记", 5.0)], "职工参保登记\n就业登记"),
    ([("1.要同步办理养老保", 5.0), ("险、工伤保险", 5.0)], "1.要同步办理养老保险、工伤保险"),
    ([("1.职工参保登记缴费", 5.0), ("2.就业登记", 5.0)], "1.职工参保登记缴费\n2.就业登记"),
    ([("①失业保险关系转移接", 5.0), ("②就业登记", 5.0)], "①失业保险关系转移接\n②就业登记"),
    ([("自受理材料材料起15", 5.0), ("个工作日内办结", 5.0)], "自受理材料材料起15个工作日内办结"),
    ([("see the national", 5.0), ("catalog", 5.0)], "see the national catalog"),
    ([(".办理开除备案手续", 5.0), ("2.办理减人手续", 5.0)], ".办理开除备案手续\n2.办理减人手续"),
    ([("1.职工正常退休申请", 5.0), (".达到法定退休年龄", 5.0)], "1.职工正常退休申请\n.达到法定退休年龄"),
    ([("3.工伤保险待遇变更", 5.0), ("4，社会保障卡注销", 5.0)], "3.工伤保险待遇变更\n4，社会保障卡注销"),
], ids=["CJK soft wrap joined without a space", "short line ends a paragraph",
        "punctuation that cannot start a line pulls a character down", "next list number starts a new item",
        "next circled number starts a new item", "a number kept with the character after it",
        "Latin words wrapped get their space back", "a list number after one OCR lost starts a new item",
        "a list label whose number OCR lost starts a new item", "a label whose full stop OCR read as a comma"])
def test_printed_lines_of_a_cell_are_joined_as_written(lines, want):
    assert lines_to_text(_cell(*lines), pad=5.0) == want


@pytest.mark.parametrize("bad", [{"wrap_slack": -1}, {"column_gap": "8"}, {"line_tolerance": True}],
                         ids=["negative slack", "gap as text", "tolerance as a flag"])
def test_bad_settings_are_named(bad: dict):
    with pytest.raises(ConfigError, match=next(iter(bad))):
        PdfSettings(**bad)


def _pdf_line(text: str, x1: float, top: float):
    """A PDF text line of 10-point characters set from x = 0 (``extractors.pdf_lines.Line``)."""
    from extractors.pdf_lines import Line
    return Line(text, 0.0, x1, top, [(i * 10.0, i * 10.0 + 10.0) for i in range(len(text))])


def test_a_line_opening_with_the_next_list_number_run_into_a_code_starts_a_new_item():
    """After "⑩…" a font without ⑪ prints "113.4.1…": a new item, although the line above filled its room."""
    from extractors.pdf_lines import Cell, lines_to_text

    cell = Cell(0.0, 200.0, [_pdf_line("⑩2.7.4高校毕业生社保补贴申领（承办：人才交流股）", 199.0, 0.0),
                             _pdf_line("113.4.1档案的接收和转递（流动人员）", 195.0, 12.0),
                             _pdf_line("（承办：人才交流股）", 100.0, 24.0)])
    assert lines_to_text(cell, pad=1.0) == ("⑩2.7.4高校毕业生社保补贴申领（承办：人才交流股）\n"
                                            "113.4.1档案的接收和转递（流动人员）（承办：人才交流股）")


def test_a_line_opening_with_the_next_list_number_run_into_a_name_starts_a_new_item():
    """Seed 001's bundle 6 without ruling lines (tests/variants/make_layouts.py, pdf_unruled_wraps): after
    "111.3.1…" the item 12 has no code and the font drops the space after its number, "12养老保险…":
    a new item, although the line above filled its room. Below 11 a number before a name is no label."""
    from extractors.pdf_lines import Cell, lines_to_text

    cell = Cell(0.0, 200.0, [_pdf_line("⑩1.1.5职工参保登记（承办：社保中心参保登记股）", 180.0, 0.0),
                             _pdf_line("111.3.1缴费人员增减申报（承办：社保中心参保登记股）", 199.0, 12.0),
                             _pdf_line("12养老保险关系转移接续", 120.0, 24.0)])
    assert lines_to_text(cell, pad=1.0) == ("⑩1.1.5职工参保登记（承办：社保中心参保登记股）\n"
                                            "111.3.1缴费人员增减申报（承办：社保中心参保登记股）\n12养老保险关系转移接续")
    cell = Cell(0.0, 200.0, [_pdf_line("3.自受理材料起", 199.0, 0.0), _pdf_line("4个工作日内办结", 120.0, 12.0)])
    assert lines_to_text(cell, pad=1.0) == "3.自受理材料起4个工作日内办结"


def _printed(text: str, x0: float, top: float, width: float = 10.0):
    from extractors.pdf_lines import Line
    boxes = [(x0 + i * width, x0 + (i + 1) * width) for i in range(len(text))]
    return Line(text, x0, boxes[-1][1], top, boxes)


def test_a_cell_filled_to_its_edge_ends_where_the_next_column_starts():
    """Seed 002's 情形事项 cell printed without ruling lines runs to 6 points short of 职责分工's
    column (less than a column gap): the piece is cut at the column's start, not read as one cell."""
    from extractors.pdf_unruled import _cells
    left = _printed("1.档案的接收和转递（流动人员）", 417.0, 228.0, 7.8)
    right = _printed("事业管理处牵头，工", 548.0, 228.0, 8.4)
    whole = _printed("x", 0, 228.0)
    whole.text, whole.x0, whole.x1, whole.boxes = left.text + right.text, left.x0, right.x1, left.boxes + right.boxes
    cells = _cells([57.0, 92.0, 168.0, 271.0, 417.0, 548.0, 638.0], [whole], gap=8.0)
    assert [[ln.text for ln in c.lines] for c in cells[4:6]] == [["1.档案的接收和转递（流动人员）"], ["事业管理处牵头，工"]]


def test_a_row_opening_with_a_scenario_code_at_a_page_top_is_a_row_of_its_own():
    """Seed 002's scenario 5-3 starts a page of a table without ruling lines (no 序号: the bundle's
    number stands on its first row only): it is not the rest of 5-2 cut by the page break."""
    from extractors.page_tables import PageTable, _continues_cut_row
    from extractors.pdf_lines import Cell

    def row(*texts):
        return [Cell(x, x + 100.0, [_printed(t, x, 0.0)] if t else []) for x, t in zip((0.0, 100.0, 200.0), texts)]

    table = PageTable(1, (0, 0, 300, 100), [row("序号", "具体场景", "必做事项"), row("5", "5-2事业单位工作人员调入", "1.办理人员增加")],
                      [1, 1], {0}, ruled=False)
    assert not _continues_cut_row(table, row("", "5-3事业单位工作人员调出", "1.办理事业单位减人手续"), key=0)
    assert _continues_cut_row(table, row("", "", "2.核定工资待遇"), key=0)


def _joined(*pieces):
    """One printed line made of pieces (as chars_to_lines gives a line whose gaps are narrow)."""
    from extractors.pdf_lines import Line
    boxes = [b for p in pieces for b in p.boxes]
    return Line("".join(p.text for p in pieces), boxes[0][0], boxes[-1][1], pieces[0].top, boxes)


def test_columns_set_closer_than_the_column_gap_are_found_from_gaps_open_down_the_table():
    """Seed 000's header in a tightly set unruled table: 序号 and 主题名称 4 points apart print as one
    piece "序号主题名称"; the strip between them stays open on every line below and two lines start
    right after it, so it parts two columns; a narrow gap inside one cell's line does not."""
    from extractors.pdf_unruled import words_to_table
    from pipeline.core.header_words import HeaderVocabulary
    lines = [_joined(_printed("序号", 100.0, 10.0), _printed("主题名称", 124.0, 10.0)),
             _joined(_printed("1", 100.0, 22.0), _printed("企业招用员工", 124.0, 22.0)),
             _joined(_printed("2", 100.0, 34.0), _printed("企业与员工解除终止劳动合同", 124.0, 34.0)),
             _joined(_printed("3", 100.0, 46.0), _printed("失业", 124.0, 46.0), _printed("服务", 148.0, 46.0))]
    lines[0] = _joined(lines[0], _printed("必做事项", 400.0, 10.0))
    lines[1] = _joined(lines[1], _printed("职工参保登记", 400.0, 22.0))
    table, _ = words_to_table(lines, 1, 8.0, HeaderVocabulary.default())
    assert table is not None and table.columns == [100.0, 124.0, 400.0]
    assert [[" ".join(ln.text for ln in c.lines) for c in row] for row in table.rows][:2] == [
        ["序号", "主题名称", "必做事项"], ["1", "企业招用员工", "职工参保登记"]]


def test_a_header_whose_narrow_cells_wrap_over_lines_is_found_from_the_lines_stacked():
    """Seed 001's header in narrow unruled columns: 序/号 and 办理时/限 wrap, so the first printed
    line alone holds one header word; read with the lines below it, it is the header."""
    from extractors.pdf_unruled import words_to_table
    from pipeline.core.header_words import HeaderVocabulary
    lines = [_joined(_printed("序", 100.0, 10.0), _printed("服务事项", 130.0, 10.0), _printed("办理时", 300.0, 10.0)),
             _joined(_printed("号", 100.0, 22.0), _printed("限", 300.0, 22.0)),
             _joined(_printed("1", 100.0, 40.0), _printed("职工参保登记", 130.0, 40.0), _printed("5个工作", 300.0, 40.0)),
             _joined(_printed("日", 300.0, 52.0)),
             _joined(_printed("2", 100.0, 70.0), _printed("就业登记", 130.0, 70.0), _printed("即时办结", 300.0, 70.0))]
    table, _ = words_to_table(lines, 1, 8.0, HeaderVocabulary.default())
    assert table is not None
    assert [["".join(ln.text for ln in c.lines) for c in row] for row in table.rows] == [
        ["序号", "服务事项", "办理时限"], ["1", "职工参保登记", "5个工作日"], ["2", "就业登记", "即时办结"]]
