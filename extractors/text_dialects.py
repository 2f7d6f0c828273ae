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
from pipeline.core.cell_kinds import CIRCLED, NUMBER, SCENARIO, ColumnKind, column_kind, line_kind, marker_number
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


_PAGE_NUMBER = re.compile(r"^\s*(?:[-－—–]\s*\d{1,3}\s*[-－—–]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|"
                          r"\d{1,3}\s*/\s*\d{1,3}|[Pp]age\s*\d{1,3}(?:\s*of\s*\d{1,3})?)\s*$")
# A line that cannot start a cell: it continues the line above (closing bracket or punctuation).
_CONTINUES = re.compile(r"^\s*[）)，,、。；;：:]")


def _furniture(lines: list[str], start: int, end: int, header: list[str]) -> frozenset[int]:
    """Lines of a cell stream that are page furniture, not cells: page numbers ("- 3 -", "第3页") and
    the header printed again at the top of each page."""
    out: set[int] = set()
    k = start
    width = len(header)
    while k < end:
        if _PAGE_NUMBER.match(lines[k]):
            out.add(k)
        elif width and [x.strip() for x in lines[k:k + width]] == header:
            out.update(range(k, k + width))
            k += width
            continue
        k += 1
    return frozenset(out)


def _open_bracket(text: str) -> bool:
    return text.count("（") + text.count("(") > text.count("）") + text.count(")")


_TELLING_KINDS = {"none", "time", "channel", "unit", "role"}
# Shapes a line holds whole: one after another, they are two cells, not a wrapped one.
_WHOLE_KINDS = {"none", "time", "role"}
# A wrapped copy: at least this many lines break inside a bracket or before punctuation.
_WRAP_EVIDENCE = 3
# A column's wrap width is the widest display width (give or take the one column a CJK character
# leaves) that at least this share of its lines fills: the width the copy cut them at.
_FULL_SHARE = 0.12


def _wrapped_lines(lines: list[str], start: int, end: int, skip: frozenset[int],
                   rows: list[list[list[Unit]]]) -> frozenset[int]:
    """Lines that the next line continues, in a copy that cut every cell where the page wrapped it
    (a PDF viewer's or a narrow web page's copy: one visual line per line).

    The copy is taken as wrapped when lines break inside brackets or before punctuation (no cell
    starts with "）" or "，"). Then each column's wrap width is the width most of its long lines
    fill (from a first reading); a line that fills it, or leaves a bracket open, continues onto
    the next line unless that one starts a list item, a scenario code or a number."""
    texts = [(k, lines[k].strip()) for k in range(start, end) if k not in skip]
    evidence = sum(1 for (_, a), (_, b) in zip(texts, texts[1:])
                   if a and b and (_open_bracket(a) or _CONTINUES.match(b)))
    if evidence < _WRAP_EVIDENCE:
        return frozenset()
    nxt = {k: (texts[n + 1][1] if n + 1 < len(texts) else "") for n, (k, _) in enumerate(texts)}
    order = [k for k, _ in texts]
    pos = {k: n for n, k in enumerate(order)}
    firsts = sorted((u.line, c) for row in rows for c, cell in enumerate(row) for u in cell)
    column: dict[int, int] = {}
    for (line, c), (after, _) in zip(firsts, firsts[1:] + [(end, 0)]):
        column.update((k, c) for k in order[pos[line]:pos.get(after, len(order))])
    ceiling: dict[int, int] = {}
    for c in set(column.values()):
        widths = [_width(lines[k].strip()) for k, col in column.items() if col == c and lines[k].strip()]
        for w in sorted(set(widths), reverse=True):
            if w >= 6 and sum(1 for x in widths if w - 1 <= x <= w) >= max(2, _FULL_SHARE * len(widths)):
                ceiling[c] = w
                break
    out: set[int] = set()
    for k, text in texts:
        more = nxt[k]
        if not text or not more or _MARKER.match(more) or more[0] in CIRCLED or SCENARIO.match(more) \
                or NUMBER.match(more):
            continue
        if _CONTINUES.match(more) or _open_bracket(text):
            out.add(k)
            continue
        # a line of another telling shape (无, a time limit, a channel, a unit) starts the next cell, and
        # so does a whole time limit after a whole time limit (规定时限 "45个工作日", 提速后 "15个工作日")
        kind = line_kind(more)
        if kind in _TELLING_KINDS and (kind != line_kind(text) or kind in _WHOLE_KINDS):
            continue
        full = k in column and column[k] in ceiling and _width(text) >= ceiling[column[k]] - 1
        if full and not text.endswith("。"):
            out.add(k)
    return frozenset(out)


def _wrapped_doubts(rows: list[list[list[Unit]]], unsure: list[set[int]], groups: list[ColumnKind],
                    apart: bool = False) -> list[set[int]]:
    """Per row of a wrapped copy, the columns whose cell is a guess (``_row_doubts``); a row that
    leaves its number, name or scenario cell empty takes them from the row above, and with them
    their doubt: its names are then a guess too (the bundle they belong to is). ``apart``: the
    copy dropped empty cells and wrapped the rest: every row is a guess throughout."""
    out = []
    carried = {c: False for c, g in enumerate(groups) if g.group in _FILLED_DOWN}
    no_col = next((c for c, g in enumerate(groups) if g.group == "no"), None)
    scen_col = next((c for c, g in enumerate(groups) if g.group == "scenario"), None)
    number = ""        # the row number printed last: a scenario code below it must go on with it
    for cells, doubts in zip(rows, unsure):
        mine = _row_doubts(cells, groups)
        if apart:         # neither where a wrapped cell ends nor which cell is left out is printed
            mine = set(range(len(cells)))
        if no_col is not None and no_col < len(cells) and cells[no_col]:
            number = re.sub(r"\D", "", cells[no_col][0].text)
        elif scen_col is not None and scen_col < len(cells) and cells[scen_col] and number:
            code = SCENARIO.match(cells[scen_col][0].text)
            if code and re.match(r"\s*(\d+)", code.group()).group(1) != number:
                mine = set(range(len(cells)))   # "3-2…" under the number 2: the row of 3 was lost
        broken = len(mine) == len(cells)
        doubts = doubts | mine
        for c in carried:
            if c < len(cells) and cells[c]:
                carried[c] = broken
        if any(carried.values()):
            doubts = set(range(len(cells)))
        out.append(doubts)
    return out


_FILLED_DOWN = {"no", "name", "scenario"}


def _row_doubts(cells: list[list[Unit]], groups: list[ColumnKind]) -> set[int]:
    """Columns of a row of a wrapped copy whose cells are a guess. Where a wrapped cell ends is
    read from the fit of its lines, so the row is checked against what its shapes must say: a
    number column holds a number, a scenario column a scenario code of that number; else every
    cell of the row is a guess. Two list columns side by side, one of them empty, are both a
    guess (which one the copy left empty is not printed)."""
    texts = ["\n".join(u.text for u in cell) for cell in cells]
    no = [t for t, g in zip(texts, groups) if g.group == "no" and t]
    scen = [t for t, g in zip(texts, groups) if g.group == "scenario" and t]
    if any(not NUMBER.match(t) for t in no) or any(not SCENARIO.match(t) for t in scen) or (
            no and scen and re.match(r"\s*(\d+)", scen[0]).group(1) != re.sub(r"\D", "", no[0])):
        return set(range(len(cells)))
    out: set[int] = set()
    # the first name column (a bundle's name) holds one name, which its wrapped lines spell
    named = {next((c for c, g in enumerate(groups) if g.group == "name"), -1)}
    for c in range(1, len(cells)):
        if groups[c - 1].group == groups[c].group == "items" and bool(texts[c - 1]) != bool(texts[c]):
            out |= {c - 1, c}
    for c, (text, g) in enumerate(zip(texts, groups)):
        if text and g.group in _NAMES and c not in named and not _whole_names(text):
            out.add(c)
        # a cell that opens with a scrap of a line (业生, 的接转) is the end of the cell before
        first = text.split("\n", 1)[0]
        if c and first and _width(first) <= _SCRAP and not (_MARKER.match(first) or first[0] in CIRCLED
                                                             or NUMBER.match(first) or line_kind(first) == "none"):
            out |= {c - 1, c}
    return out


_NAMES = {"items", "item", "name"}
_SCRAP = 6          # display width of a line too short to stand as a cell of names


def _whole_names(text: str) -> bool:
    """Do a cell's lines stand as whole names: one line with a printed code, or lines each opening
    with a list marker in sequence from 1 (where a wrapped line ends is then printed)?"""
    parts = text.split("\n")
    if len(parts) == 1 and line_kind(parts[0]) in ("code", "none"):
        return True
    numbers = [marker_number(p) for p in parts]
    return numbers == list(range(1, len(parts) + 1))


# Readings of a wrapped copy: each tells the columns' wrap widths (and so the wrapped lines) better.
# Measured on the tune family viewer_copy: 2 readings 61% of items, 4 readings 71%, 6 no more.
_READINGS = 4


def stream_rows(lines: list[str], start: int, width: int, rel: str, table: int,
                headers: HeaderVocabulary) -> tuple[Iterator[Row], int]:
    """The rows of a cell stream and the line it ends before (cells found by ``cell_streams.segment``)."""
    end = _stream_end(lines, start + width)
    while end > start + width and not lines[end - 1].strip():
        end -= 1
    header = [lines[start + c].strip() for c in range(width)]
    looked = [headers.lookup(h) for h in header]
    groups = [column_kind(fields, weak=how == "part" or score < 0.9) for fields, how, score in looked]
    skip = _furniture(lines, start + width, end, header)
    units = units_of(lines, start + width, end, skip=skip)
    rows, unsure, used = segment(units, groups)
    wraps = _wrapped_lines(lines, start + width, end, skip, rows)
    for _ in range(_READINGS):    # each reading tells the columns' wrap widths better
        if not wraps:
            break
        units = units_of(lines, start + width, end, skip=skip, wraps=wraps)
        rows, unsure, used = segment(units, groups)
        again = _wrapped_lines(lines, start + width, end, skip, rows) | wraps
        if again == wraps:
            break
        wraps = again
    if wraps:
        # rows apart by blank lines (one blank line a row): the copy dropped empty cells, and
        # which cell a row left out is not printed
        blanks = [n for n, u in enumerate(units[:used]) if not u.text]
        apart = len(blanks) >= 0.8 * len(rows) and all(b - a > 1 for a, b in zip(blanks, blanks[1:]))
        unsure = _wrapped_doubts(rows, unsure, groups, apart)
    # a row the table's end cut short (the stream ended inside it): where its cells end is a guess
    unsure = [set(range(width)) if len(cells) < width else doubts for cells, doubts in zip(rows, unsure)]
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
