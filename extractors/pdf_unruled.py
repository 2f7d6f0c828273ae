"""Tables printed without ruling lines: columns from the word positions, rows from where they start.

Steps, in order:
1. ``_find_header``: the first printed line whose pieces (text apart by gaps of ``column_gap``
   points or more) are mostly short labels naming fields, no row number or scenario code among
   them; lines right below it that hold no number, start under its columns and make its words
   no worse carry the rest of wrapped header cells. On a page that may continue the table of
   the page before, a header of word parts only ("…单位…" in running text) below the first
   line that goes on with that table's columns is no header. Page numbers are set aside.
2. ``table_lines``: the lines of the table, down to a line that is running text (one piece
   reaching over several columns) or a gap wider than any between the table's rows.
3. ``column_starts``: the header's pieces start the columns; a table continuing on a page
   without its header takes the columns of the page before, and so does a header repeated with
   two words fused over columns the page leaves empty.
4. ``lines_to_rows``: a line starts a row when it has text in the first column, a scenario
   code ("1-2…"), or stands further below the line above than lines of one cell do (unless it
   goes on in the one column that held text on the line above: a blank line in a cell); other
   lines go on in the cells of the row above (wrapped cells). A piece reaching over a column's
   start is cut there. A column's right edge is where its longest line ends (a closing mark
   hanging over the next column's start left out); a cell's printed lines are joined later like a ruled cell's
   (``lines_to_text``: a line that reached the edge wrapped).
"""
from __future__ import annotations

import re
import statistics
from bisect import bisect_right

from extractors.page_tables import PAGE_NUMBER, PageTable
from extractors.pdf_lines import Cell, Line, split_at_gaps
from pipeline.core.cell_kinds import SCENARIO
from pipeline.core.header_words import HeaderVocabulary

__all__ = ["words_to_table"]

_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
# A line this much further below the one above than the usual line step starts a new row.
_ROW_GAP = 1.35


# A header cell is a short label: no sentence punctuation, no list marker (running text in a cell
# that happens to hold a word part, "2.社保经办机构、公共就" (机构), is no header word).
_NOT_A_LABEL = re.compile(r"[，。；、：]|^\s*(\d{1,2}\s*[.、．]|[①-⑳]|（\d{1,2}）)")


def _header_strength(pieces: list[Line], headers: HeaderVocabulary) -> int:
    """2: most pieces are labels naming a field, one of them a whole header word; 1: the same with
    word parts only (序 / 主题事项 / 办理场景 …); 0: no header."""
    if any(_NUMBER.match(p.text) or SCENARIO.match(p.text) for p in pieces):
        return 0      # a row number or a scenario code: a row of the table ("16 | … | 单位")
    found = [headers.lookup(p.text) for p in pieces if not _NOT_A_LABEL.search(p.text)]
    hits = sum(1 for fields, _how, _score in found if fields)
    if len(pieces) < 2 or hits < 2 or hits * 3 < len(pieces) * 2:
        return 0
    return 2 if any(fields and how != "part" for fields, how, _score in found) else 1


def _find_header(pieces: list[list[Line]], headers: HeaderVocabulary, continuing: int | None) -> int | None:
    """The line where the header starts. Below the first line that goes on with the table of the
    page before (``continuing``), a header of word parts only is a body line whose text holds parts
    ("（含机关事业单位基本养" holds 单位): the page continues that table."""
    for i in range(len(pieces)):
        strength = max(_header_strength(pieces[i], headers),
                       _header_strength(_stacked(pieces[i:i + _HEADER_WRAPS]), headers))
        if strength == 2 or (strength == 1 and (continuing is None or i <= continuing)):
            return i
    return None


def words_to_table(lines: list[Line], page_no: int, column_gap: float, headers: HeaderVocabulary,
                   columns_before: list[float] | None = None) -> tuple[PageTable | None, list[Line]]:
    """The table among a page's printed lines, and the lines left outside it."""
    folio = [ln for k, ln in enumerate(lines) if k in (0, len(lines) - 1) and PAGE_NUMBER.match(ln.text)]
    lines = [ln for ln in lines if not any(ln is f for f in folio)]
    pieces = [split_at_gaps(ln, column_gap) for ln in lines]
    continuing = None
    if columns_before:
        continuing = next((i for i, p in enumerate(pieces) if _goes_on(p, columns_before, column_gap)), None)
    start = _find_header(pieces, headers, continuing)
    header_lines = 1
    if start is not None:
        columns = [p.x0 for p in pieces[start]]
        head = [p.text for p in pieces[start]]
        while start + header_lines < len(lines) and _continues_header(pieces[start + header_lines], columns) \
                and _completes_header(pieces[start + header_lines], columns, head, headers):
            header_lines += 1
    elif continuing is not None:
        columns, start, header_lines = columns_before, continuing, 0
    else:
        return None, lines + folio
    end = _table_end(lines, pieces, start + max(header_lines, 1), columns, column_gap)
    if header_lines and columns_before and len(columns_before) > len(columns) and all(
            any(abs(x - c) <= column_gap for c in columns_before) for x in columns):
        # the header repeated on a page, two of its words fused ("序号主题名称") over columns the
        # page leaves empty (merged cells printed on the page before): the columns of that page
        columns = list(columns_before)
    if header_lines:
        columns = _with_open_gaps(columns, lines[start:end], column_gap)
    body = lines[start + header_lines:end]
    rows: list[list[Cell | None]] = []
    if header_lines:
        rows.append(_cells(columns, [p for ps in pieces[start:start + header_lines] for p in ps], column_gap))
    step = _line_step(body)
    previous: Line | None = None
    filled_before: set[int] = set()
    for k, ln in enumerate(body):
        parts = pieces[start + header_lines + k]
        cells = _cells(columns, parts, column_gap)
        filled = {c for c, cell in enumerate(cells) if cell.lines}
        first_col = 0 in filled
        coded = any(SCENARIO.match(p.text) for p in parts)
        # further below than lines of one cell are: a new row, unless the line goes on in the one
        # column that held text on the line above (a blank line inside a cell, or a cell's
        # paragraph after a line ending in a mark that hung past the edge)
        apart = previous is not None and ln.top - previous.top > _ROW_GAP * step and not (
            len(filled) == 1 and filled <= filled_before)
        if rows and len(rows) > (1 if header_lines else 0) and not (first_col or coded or apart):
            for old, new in zip(rows[-1], cells):
                old.lines += new.lines
        else:
            rows.append(cells)
        previous, filled_before = ln, filled
    if not rows:
        return None, lines + folio
    _set_right_edges(rows)
    bbox = (min(ln.x0 for ln in lines[start:end]), lines[start].top, max(ln.x1 for ln in lines[start:end]),
            lines[end - 1].top)
    table = PageTable(page_no, bbox, rows, [page_no] * len(rows), {0}, ruled=False)
    table.columns = columns
    return table, lines[:start] + lines[end:] + folio


# A vertical strip this wide (as a share of the type size) that no character of the table's lines
# touches, from its header down, parts two columns, however narrow the gap a full cell leaves.
_OPEN_GAP = 0.3
# ... when this many of the table's lines start a character right after it (a column's start).
_STARTS_THERE = 2


def _with_open_gaps(columns: list[float], lines: list[Line], gap: float) -> list[float]:
    """The header's column starts, and the starts of columns whose gap stays open down the whole
    table though narrower than ``gap`` (cells set close together: a header of short words fused,
    "序号事项名称")."""
    boxes = sorted(b for ln in lines for ch, b in zip(ln.text, ln.boxes) if ch.strip())
    if len(lines) < 3 or not boxes:
        return columns
    size = statistics.median(ln.size for ln in lines)
    starts: list[float] = []
    right = boxes[0][1]
    for x0, x1 in boxes[1:]:
        if x0 - right >= _OPEN_GAP * size:
            starts.append(x0)
        right = max(right, x1)
    out = list(columns)
    for x in starts:
        if any(abs(x - c) <= gap / 2 for c in out):
            continue
        aligned = sum(1 for ln in lines if any(abs(b[0] - x) < 0.5 for b in ln.boxes))
        if aligned >= _STARTS_THERE:
            out.append(x)
    return sorted(out)


def _set_right_edges(rows: list[list[Cell | None]]) -> None:
    """A column's right edge is where its longest printed line ends: lines that reach it wrapped.
    A line reaching over the next column's start ends in a mark hanging past its cell's edge
    ("（退职）" over the next cell's "1."): it counts up to where that mark starts."""
    for c in range(len(rows[0])):
        cells = [row[c] for row in rows[1:] if row[c] is not None]
        right = max((ln.x1 if ln.x1 <= cell.x1 or not ln.boxes else ln.boxes[-1][0]
                     for cell in cells for ln in cell.lines), default=None)
        if right is None:
            continue
        for row in rows:
            if row[c] is not None:
                row[c].x1 = right


# A header cell may wrap over this many printed lines (narrow columns: 序/号, 办理时/限).
_HEADER_WRAPS = 3


def _stacked(pieces: list[list[Line]]) -> list[Line]:
    """The first line's pieces with the text of the lines below that go on under them (a header
    whose cells wrap: "办理时" over "限" reads "办理时限")."""
    if not pieces or any(re.search(r"\d", p.text) for p in pieces[0]):
        return []    # a line holding numbers is a row of the table, not the top of its header
    out = [Line(p.text, p.x0, p.x1, p.top, list(p.boxes), p.size, p.page) for p in pieces[0]]
    columns = [p.x0 for p in out]
    for parts in pieces[1:]:
        if not _continues_header(parts, columns):
            break
        for part in parts:
            under = next((p for p in out if abs(p.x0 - part.x0) < 1.0), None)
            if under is not None:
                under.text += part.text
    return out


def _continues_header(parts: list[Line], columns: list[float]) -> bool:
    """A line under the header that goes on with its wrapped cells: no numbers, under its columns."""
    if not parts or any(_NUMBER.match(p.text) or SCENARIO.match(p.text) for p in parts):
        return False
    return all(len(p.text) <= 8 and any(abs(p.x0 - c) < 30 for c in columns) for p in parts)


# How well a text names a field: a whole word, a word read with a slip, a word part, nothing.
_RANK = {"exact": 3, "fuzzy": 2, "part": 1, "": 0}


def _completes_header(parts: list[Line], columns: list[float], head: list[str], headers: HeaderVocabulary) -> bool:
    """Does the line go on with the header's wrapped words ("打包“一件事”名" + "称", "序" + "号")?
    Not when it makes a header word worse: a header repeated on a page is followed by the end
    of a cell cut by the page break ("服务事项" + "股）"). ``head`` (texts per column) grows."""
    joined = list(head)
    for part in parts:
        c = min(range(len(columns)), key=lambda i: abs(columns[i] - part.x0))
        before = headers.lookup(joined[c])[1]
        joined[c] += part.text
        if _RANK[headers.lookup(joined[c])[1]] < _RANK[before]:
            return False
    head[:] = joined
    return True


def _goes_on(parts: list[Line], columns: list[float], gap: float) -> bool:
    """A line that goes on with a table of these columns: two pieces or more at its column starts,
    or one piece at a start that stays inside its column (the tall cell of a row cut by the
    page break, alone on the page's first lines)."""
    if not parts or not _aligned(parts, columns, gap):
        return False
    if len(parts) >= 2:
        return True
    p = parts[0]
    return not any(p.x0 + gap < c < p.x1 for c in columns)


def _aligned(parts: list[Line], columns: list[float], gap: float) -> bool:
    return all(any(abs(p.x0 - c) <= gap for c in columns) for p in parts)


def _cells(columns: list[float], parts: list[Line], gap: float) -> list[Cell]:
    cells = [Cell(x, columns[i + 1] if i + 1 < len(columns) else 10_000.0) for i, x in enumerate(columns)]
    for part in (p for whole in parts for p in _cut_at_columns(whole, columns, gap)):
        cells[max(0, bisect_right(columns, part.x0 + gap / 2) - 1)].lines.append(part)
    return cells


# A gap this wide (points) before a character that stands at a column's start ends the cell
# before it: a full cell leaves less than a column gap to the next.
_NARROW_GAP = 1.5
# Boxes overlapping by more than this (points) belong to two lines of text set side by side.
_OVERLAP = 0.5
# A character within this of a column's start (cells' text starts at the same padding) ...
_EXACT = 0.5
# ... after a gap this wide starts that column's cell (letters of one line abut: gap 0).
_SLIVER = 0.3


def _cut_at_columns(part: Line, columns: list[float], gap: float) -> list[Line]:
    """A piece reaching over a column's start, with a gap right before a character at that
    start, is two cells' text (a cell filled to its edge)."""
    for c in columns[1:]:
        if not part.x0 < c - gap / 2 < part.x1:
            continue
        for k in range(1, len(part.boxes)):
            x0 = part.boxes[k][0]
            apart = x0 - part.boxes[k - 1][1]
            # an overlap is two cells too: a closing bracket hangs past its cell's edge ("）" of
            # "（退职）" reaching over the "1." that starts the next cell)
            # a character standing exactly at the start needs only a sliver of a gap: letters of
            # one line abut (a 7.5pt bracket hanging into the padding leaves 1.4pt)
            at_start = abs(x0 - c) <= _EXACT and apart >= _SLIVER
            if abs(x0 - c) <= gap / 2 and (at_start or apart >= _NARROW_GAP or apart < -_OVERLAP):
                left = Line(part.text[:k], part.x0, part.boxes[k - 1][1], part.top, part.boxes[:k], part.size,
                            part.page)
                right = Line(part.text[k:], x0, part.x1, part.top, part.boxes[k:], part.size, part.page)
                return [left] + _cut_at_columns(right, columns, gap)
    return [part]


def _line_step(lines: list[Line]) -> float:
    gaps = [b.top - a.top for a, b in zip(lines, lines[1:]) if b.top > a.top]
    return statistics.median(gaps) if gaps else 15.0


def _table_end(lines: list[Line], pieces: list[list[Line]], first: int, columns: list[float], gap: float) -> int:
    """The first line after the table: running text reaching over columns, or a wide vertical gap."""
    step = _line_step(lines[first:first + 40])
    for k in range(first, len(lines)):
        parts = pieces[k]
        if k > first and lines[k].top - lines[k - 1].top > 4 * step:
            return k
        if len(columns) > 1:   # a cell filled to its edge runs into the next one: cut there first
            parts = [q for p in parts for q in _cut_at_columns(p, columns, gap)]
        if len(parts) == 1 and len(columns) > 1:
            p = parts[0]
            spans = sum(1 for c in columns[1:] if p.x0 < c - gap and c < p.x1)
            if spans >= 2 or (spans and p.x0 <= columns[0] + gap and len(p.text) > 40):
                return k
    return len(lines)
