"""Tables printed without ruling lines: columns from the word positions, rows from where they start.

Steps, in order:
1. ``find_header``: the first printed line whose pieces (text apart by gaps of ``column_gap``
   points or more) are mostly header words; lines right below it that hold no number and
   start under its columns carry the rest of wrapped header cells.
2. ``table_lines``: the lines of the table, down to a line that is running text (one piece
   reaching over several columns) or a gap wider than any between the table's rows.
3. ``column_starts``: the header's pieces start the columns; a table continuing on a page
   without its header takes the columns of the page before.
4. ``lines_to_rows``: a line starts a row when it has text in the first column, a scenario
   code ("1-2…"), or stands further below the line above than lines of one cell do; other
   lines go on in the cells of the row above (wrapped cells). A column's right edge is where
   its longest line ends; a cell's printed lines are joined later like a ruled cell's
   (``lines_to_text``: a line that reached the edge wrapped).
"""
from __future__ import annotations

import re
import statistics
from bisect import bisect_right

from extractors.page_tables import PageTable
from extractors.pdf_lines import Cell, Line, split_at_gaps
from pipeline.core.cell_kinds import SCENARIO
from pipeline.core.header_words import HeaderVocabulary

__all__ = ["words_to_table"]

_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
# A line this much further below the one above than the usual line step starts a new row.
_ROW_GAP = 1.35


def _is_header(pieces: list[Line], headers: HeaderVocabulary) -> bool:
    hits = sum(1 for p in pieces if headers.lookup(p.text)[0])
    return len(pieces) >= 2 and hits >= 2 and hits * 3 >= len(pieces) * 2


def words_to_table(lines: list[Line], page_no: int, column_gap: float, headers: HeaderVocabulary,
                   columns_before: list[float] | None = None) -> tuple[PageTable | None, list[Line]]:
    """The table among a page's printed lines, and the lines left outside it."""
    pieces = [split_at_gaps(ln, column_gap) for ln in lines]
    start = next((i for i, p in enumerate(pieces) if _is_header(p, headers)
                  or _is_header(_stacked(pieces[i:i + _HEADER_WRAPS]), headers)), None)
    header_lines = 1
    if start is not None:
        columns = [p.x0 for p in pieces[start]]
        while start + header_lines < len(lines) and _continues_header(pieces[start + header_lines], columns):
            header_lines += 1
    elif columns_before:
        columns = columns_before
        start = next((i for i, p in enumerate(pieces) if len(p) >= 2 and _aligned(p, columns, column_gap)), None)
        header_lines = 0
        if start is None:
            return None, lines
    else:
        return None, lines
    end = _table_end(lines, pieces, start + max(header_lines, 1), columns, column_gap)
    if header_lines:
        columns = _with_open_gaps(columns, lines[start:end], column_gap)
    body = lines[start + header_lines:end]
    rows: list[list[Cell | None]] = []
    if header_lines:
        rows.append(_cells(columns, [p for ps in pieces[start:start + header_lines] for p in ps], column_gap))
    step = _line_step(body)
    previous: Line | None = None
    for k, ln in enumerate(body):
        parts = pieces[start + header_lines + k]
        cells = _cells(columns, parts, column_gap)
        first_col = bool(cells[0].lines)
        coded = any(SCENARIO.match(p.text) for p in parts)
        apart = previous is not None and ln.top - previous.top > _ROW_GAP * step
        if rows and len(rows) > (1 if header_lines else 0) and not (first_col or coded or apart):
            for old, new in zip(rows[-1], cells):
                old.lines += new.lines
        else:
            rows.append(cells)
        previous = ln
    if not rows:
        return None, lines
    _set_right_edges(rows)
    bbox = (min(ln.x0 for ln in lines[start:end]), lines[start].top, max(ln.x1 for ln in lines[start:end]),
            lines[end - 1].top)
    table = PageTable(page_no, bbox, rows, [page_no] * len(rows), {0}, ruled=False)
    table.columns = columns
    return table, lines[:start] + lines[end:]


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
    """A column's right edge is where its longest printed line ends: lines that reach it wrapped."""
    for c in range(len(rows[0])):
        right = max((ln.x1 for row in rows[1:] if row[c] is not None for ln in row[c].lines), default=None)
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


def _cut_at_columns(part: Line, columns: list[float], gap: float) -> list[Line]:
    """A piece reaching over a column's start, with a gap right before a character at that
    start, is two cells' text (a cell filled to its edge)."""
    for c in columns[1:]:
        if not part.x0 < c - gap / 2 < part.x1:
            continue
        for k in range(1, len(part.boxes)):
            x0 = part.boxes[k][0]
            if abs(x0 - c) <= gap / 2 and x0 - part.boxes[k - 1][1] >= _NARROW_GAP:
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
        if len(parts) == 1 and len(columns) > 1:
            p = parts[0]
            spans = sum(1 for c in columns[1:] if p.x0 < c - gap < p.x1)
            if spans >= 2 or (spans and p.x0 <= columns[0] + gap and len(p.text) > 40):
                return k
    return len(lines)
