"""Tables without ruling lines read into the cells of the same table exported with Word's tabs.

The tables are the gold content of the seeds, laid out by the layout-variation generator
(tests/variants/make_layouts.py, the tune family ``pdf_unruled_wraps``): cells wrapping over
2-4 lines, columns set 3 points apart, the header on the first page only. Each PDF is read by
``extractors.pdf`` and compared, row by row, with the text export of the same table read by
``extractors.txt``. Punctuation and spaces are left out of the comparison: a word processor
prints the same text, a PDF's hanging marks aside.
"""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from extractors.pdf import extract_rows
from extractors.pdf_lines import Line
from extractors.pdf_unruled import words_to_table
from extractors.txt import lines_to_rows
from pipeline.core.header_words import HeaderVocabulary
from tests.variants import make_layouts as ml

HEADERS = HeaderVocabulary.default()
SOURCES = {s.list_id: s for s in ml.SOURCES}


def _plain(cells) -> tuple[str, ...]:
    # the PDF renderer numbers paragraphs past ⑩ "11", "12" as seed 001 prints them; the text export ⑪, ⑫
    texts = [re.sub(r"[\s，。、；：（）()“”]", "", c or "") for c in cells]
    return tuple(re.sub("[⑪-⑳]", lambda m: str(ord(m.group()) - ord("⑪") + 11), t) for t in texts)


def _pdf_rows(spec, seed_golds, tmp_path):
    name, _, write = ml.realize(spec, seed_golds)
    write(tmp_path / name)
    return [_plain(r.cells) for r in extract_rows(tmp_path / name, name, headers=HEADERS) if r.where.table]


def _text_rows(spec, seed_golds, tmp_path):
    name, _, write = ml.realize(replace(spec, fmt="word_tabs", opts={}), seed_golds)
    write(tmp_path / name)
    lines = (tmp_path / name).read_text(encoding="utf-8").splitlines()
    return [_plain(r.cells) for r in lines_to_rows(lines, name, headers=HEADERS) if r.where.table]


# (list, variant of pdf_unruled_wraps): 0 = 10pt type, columns 3pt apart, header on every page;
# 1 = equal widths, header on the first page only; 2 = 7.5pt type, text repeated in every row
CASES = [("000-bundle", 0), ("001-bundle", 0), ("002-bundle", 0), ("000-bundle", 1), ("001-bundle", 1),
         ("002-bundle", 1), ("001-speedup", 1), ("002-hotlist", 1), ("002-bundle", 2), ("004-catalog", 2)]


@pytest.mark.parametrize("list_id,idx", CASES, ids=[f"{lst}-variant{i}" for lst, i in CASES])
def test_an_unruled_pdf_reads_into_the_rows_of_the_tab_export(seed_golds, list_id, idx, tmp_path):
    spec = ml.FAMILIES["pdf_unruled_wraps"](SOURCES[list_id])[idx]
    got, expected = _pdf_rows(spec, seed_golds, tmp_path), _text_rows(spec, seed_golds, tmp_path)
    if spec.src.seed == "002" and expected and len(got) == len(expected):
        # seed 002's note below the table ("注：…") ends the text export's last cell; the PDF prints it below
        note = [c for c, (a, b) in enumerate(zip(got[-1], expected[-1])) if a != b]
        if len(note) == 1 and expected[-1][note[0]].startswith(got[-1][note[0]] + "注"):
            expected[-1] = got[-1]
    assert got == expected


def _printed(text: str, x0: float, top: float, width: float = 10.0) -> Line:
    return Line(text, x0, x0 + width * len(text), top, [(x0 + i * width, x0 + (i + 1) * width) for i in range(len(text))])


def _line(*pieces: Line) -> Line:
    boxes = [b for p in pieces for b in p.boxes]
    return Line("".join(p.text for p in pieces), boxes[0][0], boxes[-1][1], pieces[0].top, boxes)


def test_a_page_continuing_a_table_is_not_headed_by_a_body_line_holding_word_parts():
    """Seed 002 on a page after the header's: the cells of one printed line hold "单位" and "事项"
    (header word parts) in running text; the page continues the table of the page before."""
    columns = [100.0, 200.0, 400.0]
    lines = [_line(_printed("3", 100.0, 10.0), _printed("失业", 200.0, 10.0), _printed("1.失业登记", 400.0, 10.0)),
             _line(_printed("（含机关事业单位", 200.0, 22.0), _printed("项业务中相应事项", 400.0, 22.0)),
             _line(_printed("4", 100.0, 40.0), _printed("高校毕业生求职", 200.0, 40.0), _printed("1.职业介绍", 400.0, 40.0))]
    table, outside = words_to_table(lines, 2, 8.0, HEADERS, columns_before=columns)
    assert table is not None and table.columns == columns and not outside
    assert [[" ".join(ln.text for ln in c.lines) for c in row] for row in table.rows] == [
        ["3", "失业 （含机关事业单位", "1.失业登记 项业务中相应事项"], ["4", "高校毕业生求职", "1.职业介绍"]]


def test_a_header_of_word_parts_still_heads_a_table_on_its_first_page():
    """序 / 主题事项 / 办理场景 (word parts only, no whole header word) head a table with no table before."""
    lines = [_line(_printed("序", 100.0, 10.0), _printed("主题事项", 130.0, 10.0), _printed("办理场景", 300.0, 10.0)),
             _line(_printed("1", 100.0, 22.0), _printed("企业招用员工", 130.0, 22.0), _printed("1-1企业招用", 300.0, 22.0))]
    table, _ = words_to_table(lines, 1, 8.0, HEADERS)
    assert table is not None and [c.lines[0].text for c in table.rows[0]] == ["序", "主题事项", "办理场景"]


def test_a_closing_bracket_hanging_over_the_next_cells_start_is_cut_there():
    """"（退职）" printed to its cell's edge: the "）" reaches over the next column's "1.", the two
    cells' text is still cut at that column's start, and the column ends where the "）" starts."""
    left, right = _printed("1.职工提前退休（退职）", 100.0, 22.0), _printed("1.养老保险待遇发放", 205.0, 22.0)
    lines = [_line(_printed("序号", 60.0, 10.0), _printed("必做事项", 100.0, 10.0), _printed("情形事项", 205.0, 10.0)),
             _line(_printed("1", 60.0, 22.0), left, right),
             _line(_printed("申请", 100.0, 34.0), _printed("账户维护申请", 205.0, 34.0))]
    table, _ = words_to_table(lines, 1, 8.0, HEADERS)
    body = [[" ".join(ln.text for ln in c.lines) for c in row] for row in table.rows[1:]]
    assert body == [["1", "1.职工提前退休（退职） 申请", "1.养老保险待遇发放 账户维护申请"]]
    assert table.rows[1][1].x1 == left.boxes[-1][0]
