"""Tables in plain text, in the dialects users produce: delimited rows, space-aligned columns, cell streams.

Each dialect has a finder, ``*_table_at(lines, i, headers) -> end | None`` (the table that
starts at line ``i`` and ends before line ``end``, or None when no table of that dialect
starts there), and a reader, ``*_rows(lines, start, end, rel, table, headers)``, yielding
`Row`s with the line each row starts on. None of them needs a header row; a header found
with the vocabulary only helps to tell the width (cell streams) or the columns (aligned).

- delimited: tab, comma, semicolon or bar; Excel's quoting ("a cell\\nwith breaks") through
  the csv module; a table is at least two records of two fields or more;
- aligned: a header line whose words stand apart by runs of spaces; columns start where the
  header's words start (display width: a CJK character is two columns); a line whose first
  column is empty and holds no scenario code ("1-2") continues the row above: a wrap where
  the line above filled its column, a new line of the cell where it did not;
- stream: three or more header words on lines of their own (one at least a whole word, not
  parts; no numbered headings such as "三、服务对象"); then every cell on its own
  lines (a numbered line "2." after "1." continues its cell; a blank line is an empty cell,
  or ends a row when the rows are apart by blank lines).
"""
from __future__ import annotations

import csv
import re
import unicodedata
from typing import Iterator

from extractors.cell_streams import UNSURE_CELL, Unit, one_row, segment, units_of
from pipeline.core.cell_kinds import CIRCLED, NUMBER, SCENARIO, ColumnKind, column_kind, line_kind
from pipeline.core.header_words import HeaderVocabulary
from pipeline.core.records import Provenance, Row

__all__ = ["delimited_table_at", "delimited_rows", "aligned_table_at", "aligned_rows", "stream_table_at",
           "stream_rows", "DELIMITERS"]

DELIMITERS = ("\t", ",", ";", "|")
_CELL_PER_LINE = re.compile(r"^[ \u3000]*\t[^\t]*$")
_SECTION_BREAK = re.compile(r"^\s*附件\s*\d")
_GAP = re.compile(r"\S( {2,}|\u3000+)(?=\S)")
_RULE = re.compile(r"^[\s\-—=_─━+|]+$")
_MARKER = re.compile(r"^\s*[（(]?(\d{1,2})[)）.、．]")
_TITLE_WORDS = re.compile(r"清单|目录|通知|一览表")     # a title line naming 提速, not a header cell
_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+|\d{1,2})\s*[、.．]")


# --- delimited ------------------------------------------------------------------------

def _records(lines: list[str], start: int, delimiter: str):
    """(first line, fields, line after it) of the csv records from ``start`` on (a quoted cell may
    span lines)."""
    reader = csv.reader((line + "\n" for line in lines[start:]), delimiter=delimiter, strict=False)
    line = start
    try:
        for record in reader:
            yield line, record, start + reader.line_num
            line = start + reader.line_num
    except csv.Error:
        return


def _delimited_end(lines: list[str], start: int, delimiter: str) -> tuple[int, int]:
    """(end line, records of two fields or more) of a delimited table starting at ``start``."""
    end, wide, blanks = start, 0, 0
    for line, record, after in _records(lines, start, delimiter):
        if not any(f.strip() for f in record):
            blanks += 1
            if blanks > 3:
                break
            continue
        if len(record) < 2 or (delimiter == "\t" and _CELL_PER_LINE.match(lines[line])):
            break
        blanks = 0
        wide += 1
        end = after
    return end, wide


def delimited_table_at(lines: list[str], i: int, headers: HeaderVocabulary) -> tuple[int, str] | None:
    """(end, delimiter) of a delimited table starting at line ``i``."""
    line = lines[i]
    for delimiter in DELIMITERS:
        if delimiter not in line or (delimiter == "\t" and _CELL_PER_LINE.match(line)):
            continue
        end, wide = _delimited_end(lines, i, delimiter)
        widths = [len(r) for _, r, _ in _records(lines[:end], i, delimiter) if any(f.strip() for f in r)]
        if wide < 2 or not widths:
            continue
        modal = max(set(widths), key=widths.count)
        # a comma or semicolon inside running text is common: ask for a steady width there
        steady = widths.count(modal) / len(widths)
        if delimiter != "\t" and (modal < 3 or steady < 0.6):
            continue
        return end, delimiter
    return None


def delimited_rows(lines: list[str], start: int, end: int, rel: str, table: int, delimiter: str) -> Iterator[Row]:
    """The table's rows; records before the first of two filled cells or more (a title exported
    with the sheet: "附件1,,,,,") are running text."""
    row_no = 0
    header: tuple[str, ...] | None = None
    for line, record, _ in _records(lines[:end], start, delimiter):
        if not any(f.strip() for f in record):
            continue
        cells = tuple(f.rstrip("\n") for f in record)
        if not row_no and sum(1 for f in cells if f.strip()) == 1:
            yield Row(Provenance(rel, line=line + 1), (next(f for f in cells if f.strip()),))
            continue
        if header is not None and cells == header:
            continue          # the header repeated at a page break
        header = header or cells
        row_no += 1
        yield Row(Provenance(rel, table=table, row=row_no, line=line + 1), cells)


# --- space-aligned --------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fields_at(line: str) -> list[tuple[int, str]]:
    """(display column, text) of each run of text set apart by two spaces or more."""
    out, col, k = [], 0, 0
    for m in re.finditer(r"\S+(?: \S+)*", line.replace("\u3000", "  ")):
        col += _width(line[k:m.start()])
        out.append((col, m.group()))
        col += _width(m.group())
        k = m.end()
    return out


def aligned_table_at(lines: list[str], i: int, headers: HeaderVocabulary) -> int | None:
    """End of a space-aligned table whose header line is line ``i``."""
    head = _fields_at(lines[i])
    if len(head) < 2 or "\t" in lines[i] or not _GAP.search(lines[i]):
        return None
    if sum(1 for _, text in head if headers.lookup(text)[0]) < 2:
        return None
    end, blanks = i + 1, 0
    for k in range(i + 1, len(lines)):
        line = lines[k]
        if not line.strip():
            blanks += 1
            if blanks > 1:
                break
            continue
        if _SECTION_BREAK.match(line) or (not line.startswith(" ") and not _GAP.search(line) and not _RULE.match(line)):
            break
        blanks = 0
        end = k + 1
    return end if end > i + 1 else None


def aligned_rows(lines: list[str], start: int, end: int, rel: str, table: int,
                 headers: HeaderVocabulary | None = None) -> Iterator[Row]:
    head = _fields_at(lines[start])
    starts = [col for col, _ in head]
    body = [k for k in range(start + 1, end) if lines[k].strip() and not _RULE.match(lines[k])]
    if not _share_aligned(lines[start + 1:end], starts):
        # cells apart by runs of spaces but not aligned (a web page copied as text): a line is a row
        yield Row(Provenance(rel, table=table, row=1, line=start + 1), tuple(text for _, text in head))
        kinds = [_column_kind(text, headers) for _, text in head]
        unit = _gap_unit([lines[k] for k in body])
        for row_no, k in enumerate(body, 2):
            cells, unsure = _cut_at_gaps(lines[k], kinds, unit)
            yield Row(Provenance(rel, table=table, row=row_no, line=k + 1), tuple(cells),
                      confidences=tuple(UNSURE_CELL if c in unsure else None for c in range(len(cells)))
                      if unsure else ())
        return
    pieces = [(k, _cut_at(lines[k], starts)) for k in body]
    room = _column_room(starts, [cells for _, cells in pieces])
    rows: list[tuple[int, list[str], list[str]]] = [(start, [text for _, text in head], [""] * len(starts))]
    for k, cells in pieces:
        first = next((c for c in cells if c), "")
        if len(rows) > 1 and not cells[0] and not SCENARIO.match(first):
            line, texts, last = rows[-1]           # the row above goes on: its cells' next lines
            rows[-1] = (line, [_join(t, c, _width(lst) >= room[i]) for i, (t, c, lst) in
                               enumerate(zip(texts, cells, last))], [c or lst for c, lst in zip(cells, last)])
            continue
        rows.append((k, cells, list(cells)))
    for row_no, (k, cells, _) in enumerate(rows, 1):
        yield Row(Provenance(rel, table=table, row=row_no, line=k + 1), tuple(cells))


def _column_kind(header: str, headers: HeaderVocabulary | None) -> ColumnKind:
    fields, how, score = (headers or HeaderVocabulary.default()).lookup(header)
    return column_kind(fields, weak=how == "part" or score < 0.9)


def _column_room(starts: list[int], rows: list[list[str]]) -> list[int]:
    """Display width a column's text fills before it wraps: up to the next column, less the gap;
    for the last column, the widest line printed in it."""
    room = [nxt - col - 2 for col, nxt in zip(starts, starts[1:])]
    room.append(max((_width(cells[-1]) for cells in rows if cells and cells[-1]), default=0))
    return [max(2, r - 1) for r in room]


def _join(above: str, more: str, full: bool = False) -> str:
    """A cell's next line: a wrap when the line above filled the column (and the next one starts no
    list item), else a line of its own."""
    if not more:
        return above
    if not above:
        return more
    wrapped = full and not (_MARKER.match(more) or more[0] in CIRCLED)
    return above + ("" if wrapped else "\n") + more


def _share_aligned(lines: list[str], starts: list[int]) -> bool:
    hits = total = 0
    for line in lines:
        for col, _ in _fields_at(line):
            total += 1
            hits += col in starts
    return total > 0 and hits / total >= 0.7


def _cut_at(line: str, starts: list[int]) -> list[str]:
    cells = [""] * len(starts)
    for col, text in _fields_at(line):
        c = max((k for k, s in enumerate(starts) if s <= col), default=0)
        cells[c] = (cells[c] + " " + text).strip() if cells[c] else text
    return cells


_RUN = re.compile(r"(?: {2,}|\u3000+)")


def _gap_unit(lines: list[str]) -> int:
    """The commonest run of spaces between cells: the copy's separator (a longer run skips a cell)."""
    runs = [len(m.group()) for line in lines for m in _RUN.finditer(line.strip())]
    return max(set(runs), key=lambda r: (runs.count(r), -r)) if runs else 2


def _cut_at_gaps(line: str, kinds: list[ColumnKind], unit: int) -> tuple[list[str], set[int]]:
    """Cells apart by runs of spaces, not aligned, and the columns whose cell is a guess. A run of
    two separators or more stands for the empty cells between (leading runs for leading cells);
    when the count does not come out at the table's width, each part goes where it fits best."""
    width = len(kinds)
    text = line.rstrip().replace("\u3000", "  ")
    parts = [m for m in re.finditer(r"\S+(?: \S+)*", text)]
    cells: list[str] = []
    before = 0
    for m in parts:
        cells += [""] * max(0, round((m.start() - before) / unit) - (1 if before else 0))
        cells.append(m.group())
        before = m.end()
    if len(cells) <= width:
        return cells + [""] * (width - len(cells)), set()
    units = [Unit(0, m.group(), tuple(line_kind(p) for p in [m.group()])) for m in parts]
    score, placed, unsure = one_row(units, kinds)
    return ["\n".join(u.text for u in cell) for cell in placed], unsure


# --- cell streams ---------------------------------------------------------------------

def _header_like(line: str) -> bool:
    text = line.strip()
    return bool(text) and len(text) <= 14 and "\t" not in line and not _HEADING.match(line) \
        and not _TITLE_WORDS.search(line) and not NUMBER.match(text) and not text.endswith("。")


def stream_table_at(lines: list[str], i: int, headers: HeaderVocabulary) -> int | None:
    """Width of a cell stream whose header starts at line ``i`` (one header word per line), or None.

    The header is the run of short lines from ``i``, the first a header word; an unknown word
    inside it is kept (a column the vocabulary does not know). Where the run ends is less sure:
    the first cells are short lines too, and may hold a word part (事业单位社会保险登记 holds
    单位). A blank line after the run ends the header (rows apart by blank lines); else, with a
    序号 column, the header ends where the first row's 序号 cell, "1", falls in its place; else
    unknown lines at the run's end are the first cells."""
    looked: list[tuple[tuple[str, ...], str]] = []
    k = i
    while k < len(lines) and _header_like(lines[k]):
        fields, how, _ = headers.lookup(lines[k])
        looked.append((fields, how))
        k += 1
    whole = [n for n, (_, how) in enumerate(looked) if how in ("exact", "fuzzy")]
    if not whole or not looked[0][0]:
        return None
    widths = range(len(looked), max(3, whole[-1] + 1) - 1, -1)
    width = None
    if k < len(lines) and not lines[k].strip():
        width = len(looked)
    else:
        numbered = [w for w in widths if any(f[:1] == ("no",) for f, _ in looked[:w])]
        for w in numbered:
            p = next(n for n, (f, _) in enumerate(looked[:w]) if f[:1] == ("no",))
            if i + w + p < len(lines) and lines[i + w + p].strip() in ("1", "1.", "1、"):
                width = w
                break
        if width is None:
            width = len(looked)
            while width > 0 and not looked[width - 1][0]:
                width -= 1
    known = sum(1 for f, _ in looked[:width] if f)
    return width if width >= 3 and known * 3 >= width * 2 else None


def _stream_end(lines: list[str], start: int) -> int:
    blanks = 0
    for k in range(start, len(lines)):
        if not lines[k].strip():
            blanks += 1
            if blanks > 6:
                return k - blanks + 1
            continue
        if _SECTION_BREAK.match(lines[k]):
            return k
        blanks = 0
    return len(lines)


def stream_rows(lines: list[str], start: int, width: int, rel: str, table: int,
                headers: HeaderVocabulary) -> tuple[Iterator[Row], int]:
    """The rows of a cell stream and the line it ends before (cells found by ``cell_streams.segment``)."""
    end = _stream_end(lines, start + width)
    while end > start + width and not lines[end - 1].strip():
        end -= 1
    header = [lines[start + c].strip() for c in range(width)]
    looked = [headers.lookup(h) for h in header]
    groups = [column_kind(fields, weak=how == "part" or score < 0.9) for fields, how, score in looked]
    units = units_of(lines, start + width, end)
    rows, unsure, used = segment(units, groups)
    if used < len(units):
        end = units[used].line

    def generate() -> Iterator[Row]:
        yield Row(Provenance(rel, table=table, row=1, line=start + 1), tuple(header))
        for row_no, (cells, doubts) in enumerate(zip(rows, unsure), 2):
            first = next((c[0].line for c in cells if c), start + width)
            # a cell whose end is a guess is read as unsure as a poor OCR reading: its names go to review
            sure = tuple(UNSURE_CELL if c in doubts else None for c in range(width)) if doubts else ()
            yield Row(Provenance(rel, table=table, row=row_no, line=first + 1),
                      tuple("\n".join(u.text for u in c) for c in cells), confidences=sure)
    return generate(), end
