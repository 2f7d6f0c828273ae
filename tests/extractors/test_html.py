"""Web page extractor (.html, .htm fragments, .mht archives) on the fixtures generated from the seeds, plus page quirks."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from extractors import extract_rows, sniff_format
from pipeline.core.errors import LimitExceeded, UnreadableInput
from pipeline.core.limits import Deadline, Limits
from tests.extractors.expected_rows import tables_of
from tests.extractors.formats_fixtures import (
    FORMATS_DIR,
    assert_rows_as_expected,
    format_fixtures,
    story,
)

PAGES = format_fixtures(".html", ".htm", ".mht")


def test_every_seed_has_a_web_page_and_there_is_an_archive_and_a_fragment():
    assert len([p for p in PAGES if p.suffix == ".html"]) == 5
    assert {p.suffix for p in PAGES} == {".html", ".htm", ".mht"}


@pytest.mark.parametrize("fixture", PAGES, ids=story)
def test_rows_equal_the_generator_cell_by_cell(fixture: Path):
    assert_rows_as_expected(fixture, extract_rows(fixture, fixture.name))


@pytest.mark.parametrize("fixture", PAGES, ids=story)
def test_the_format_is_told_by_the_bytes(fixture: Path, tmp_path: Path):
    misnamed = tmp_path / "list.doc"
    misnamed.write_bytes(fixture.read_bytes())
    assert sniff_format(misnamed) == ("mht" if fixture.suffix == ".mht" else "html")


def _page(tmp_path: Path, body: str, head: str = "", name: str = "p.html", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode(encoding))
    return path


def _rows(path: Path, **kw):
    return list(extract_rows(path, path.name, **kw))


def test_rowspan_and_colspan_leave_none_on_the_covered_positions(tmp_path: Path):
    body = ("<table><tr><th>序号</th><th>主题名称</th><th>必做事项</th></tr>"
            "<tr><td rowspan='2'>1</td><td rowspan=2>企业招用员工</td><td>就业登记</td></tr><tr><td>参保登记</td></tr>"
            "<tr><td colspan='3'>备注：以新要求为准</td></tr></table>")
    assert tables_of(_rows(_page(tmp_path, body)))[1] == [
        ["序号", "主题名称", "必做事项"], ["1", "企业招用员工", "就业登记"], [None, None, "参保登记"],
        ["备注：以新要求为准", None, None]]


def test_br_and_p_inside_cells_are_line_breaks_and_nbsp_a_space(tmp_path: Path):
    body = ("<table><tr><td>序号</td><td>事项名称</td></tr>"
            "<tr><td>1</td><td><p>职工参保登记</p>\n<p>就业&nbsp;登记</p></td></tr>"
            "<tr><td>2</td><td>社保查询<br>待遇  查询<br/></td></tr></table>")
    assert tables_of(_rows(_page(tmp_path, body)))[1][1:] == [["1", "职工参保登记\n就业 登记"], ["2", "社保查询\n待遇 查询"]]


def test_a_page_laid_out_in_a_table_gives_its_nested_table_alone(tmp_path: Path):
    body = ("<table><tr><td><h2>青岛市人社服务清单</h2><table><tr><td>序号</td><td>事项名称</td></tr>"
            "<tr><td>1</td><td>社保查询</td></tr></table><p>发布日期：2020-12-31</p></td></tr></table>")
    rows = _rows(_page(tmp_path, body))
    assert tables_of(rows) == {1: [["序号", "事项名称"], ["1", "社保查询"]]}
    assert [r.cells[0] for r in rows if r.where.table == 0] == ["青岛市人社服务清单", "发布日期：2020-12-31"]


def test_title_headings_lists_and_paragraphs_are_running_text(tmp_path: Path):
    body = ("<h1>关于公布打包一件事清单的通知</h1><p>附件1</p><p>说明：<br>1.单位就业登记<br>2.社保卡申领</p>"
            "<ol start='3'><li>档案接收</li><li>失业登记</li></ol><ul><li>备注</li></ul>")
    rows = _rows(_page(tmp_path, body, "<title>某市人社局</title>"))
    assert [r.cells[0] for r in rows] == ["某市人社局", "关于公布打包一件事清单的通知", "附件1", "说明：", "1.单位就业登记",
                                          "2.社保卡申领", "3.档案接收", "4.失业登记", "备注"]
    assert [r.where.line for r in rows] == list(range(1, 10)) and all(r.where.table == 0 for r in rows)


def test_scripts_and_styles_are_never_read(tmp_path: Path):
    body = "<script>document.write('<table><tr><td>序号</td><td>x</td></tr></table>')</script><p>正文</p><style>p{}</style>"
    assert [r.cells for r in _rows(_page(tmp_path, body))] == [("正文",)]


def test_entity_declarations_expand_nothing_and_read_no_file(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    laughs = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    page = (f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY l0 "哈"> {laughs} <!ENTITY xxe SYSTEM "file://{secret}">]>'
            "<html><body><p>甲&xxe;乙&l9;丙</p><table><tr><td>序号</td><td>事项名称</td></tr></table></body></html>")
    path = tmp_path / "e.html"
    path.write_text(page, encoding="utf-8")
    started = time.monotonic()
    rows = _rows(path)
    text = "".join(c or "" for r in rows for c in r.cells)
    assert "TOP-SECRET" not in text and "哈哈" not in text and "甲" in text
    assert time.monotonic() - started < 2


def test_a_gbk_page_is_decoded_by_its_declared_charset(tmp_path: Path):
    path = _page(tmp_path, "<p>就业登记</p>", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
                 encoding="gbk")
    assert _rows(path)[0].cells == ("就业登记",)


def test_a_page_without_a_table_gives_only_running_text(tmp_path: Path):
    rows = _rows(_page(tmp_path, "<p>本页没有表格</p>"))
    assert [(r.where.table, r.cells) for r in rows] == [(0, ("本页没有表格",))]


def test_a_page_with_no_text_is_refused(tmp_path: Path):
    path = tmp_path / "empty.html"
    path.write_text("<html>   </html>", encoding="utf-8")
    assert _rows(path) == []


def test_a_web_archive_without_a_page_is_refused(tmp_path: Path):
    path = tmp_path / "a.mht"
    path.write_bytes(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n"
                     b"Content-Type: image/gif\r\n\r\nGIF89a\r\n--b--\r\n")
    with pytest.raises(UnreadableInput, match=r"holds no HTML page"):
        _rows(path)


def test_tables_over_the_cell_limit_are_refused(tmp_path: Path):
    rows = "".join(f"<tr><td>{i}</td><td>x</td></tr>" for i in range(60))
    path = _page(tmp_path, f"<table>{rows}</table>")
    with pytest.raises(LimitExceeded, match=r"the tables of the web page .* spans 120 cells, more than the limit of 100"):
        _rows(path, deadline=Deadline(Limits(max_cells=100), path.name))


def test_a_giant_colspan_is_capped(tmp_path: Path):
    path = _page(tmp_path, "<table><tr><td>序号</td><td colspan='100000000'>事项名称</td></tr></table>")
    assert len(tables_of(_rows(path))[1][0]) == 1001


def test_fixture_dir_exists():
    assert FORMATS_DIR.is_dir()
