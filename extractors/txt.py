"""TXT extractor: a text export of a Word/PDF/web/spreadsheet list -> `Row`s.

Steps, in order:
1. ``decode_bytes``: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030, Big5;
   a decoding that yields private-use or control characters is rejected. LF, CRLF and CR
   line ends are all read.
2. ``lines_to_rows`` cuts the lines into regions, each in the dialect it is written in (the
   dialect is detected, never assumed):
   - *cell-per-line* tables (Word exports: each cell starts with a tab on its own line, its
     further lines follow without a tab); the row width comes from the header words, or,
     without a header, from the count of tab-led lines between row boundaries;
   - *delimited* tables (one row per line, or per record when Excel quoted a cell holding
     line breaks): tab, comma, semicolon or bar, read with the csv module, no header needed;
   - *space-aligned* tables (columns padded with spaces, or cells apart by runs of spaces):
     columns from the header line's positions, wrapped cells joined to their row;
   - *cell streams* (a table copied out of a web page: each cell on its own line): the
     header's lines give the width, numbered lines continue their cell;
   - running text (titles, prose, numbered lists).
3. ``drop_repeated_headers``: the header repeated at every page break is removed (the first
   header of a table is kept as row 1).
4. Running text becomes one single-cell `Row` per non-blank line (``table=0``).

Text stays as printed: repair happens in normalizers.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pipeline.core.i18n import t
from pipeline.core.errors import UnreadableInput
from extractors.text_dialects import (aligned_rows, aligned_table_at, delimited_rows, delimited_table_at,
                                      stream_rows, stream_table_at)
from pipeline.core.header_words import HeaderVocabulary
from pipeline.core.records import Provenance, Row

__all__ = ["extract_rows", "decode_bytes", "TxtSettings"]

_CELL_START = re.compile(r"^[ \u3000]*\t")
_SECTION_BREAK = re.compile(r"^\s*附件\s*\d")


@dataclass(frozen=True)
class TxtSettings:
    """Tunables of the TXT extractor.

    blank_lines_end_table: a line without a leading tab that follows at least this
        many blank lines ends a cell-per-line table (cells hold at most 3 blank
        lines in the seeds; 001's table ends after 4).
    """

    blank_lines_end_table: int = 4

    def __post_init__(self) -> None:
        if not isinstance(self.blank_lines_end_table, int) or self.blank_lines_end_table < 1:
            raise ValueError(
                f"blank_lines_end_table must be a whole number >= 1, not {self.blank_lines_end_table!r}")


def decode_bytes(data: bytes, name: str = "") -> str:
    """Decode a text file whose encoding nobody told us.

    >>> decode_bytes("序号".encode("gb18030"))
    '序号'
    """
    if not data.strip():
        raise UnreadableInput(t("the file is empty"), where=name,
                              hint=t("check that the right file was exported"))
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        for enc in ("utf-16-le", "utf-16-be"):
            text = _try_decode(data, enc)
            if text is not None and _looks_like_text(text):
                return text
        raise UnreadableInput(t("the file holds binary data, not text"), where=name,
                              hint=t("give the original DOCX/PDF, or re-export it as text"))
    for enc in ("utf-8-sig", "utf-16", "gb18030", "big5"):
        if enc == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        text = _try_decode(data, enc)
        if text is not None and _looks_like_text(text):
            return text
    raise UnreadableInput(t("the text is in none of UTF-8, UTF-16, GB18030 or Big5"), where=name,
                          hint=t("re-save it as UTF-8"))


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_like_text(text: str) -> bool:
    bad = 0
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Co" or (cat == "Cc" and ch not in "\t\n\r\f"):
            bad += 1
    # GB18030 decodes almost any byte string; garbage shows as private-use/control characters.
    return bad <= max(2, len(text) // 1000)


def extract_rows(path: Path, rel: str, settings: TxtSettings = TxtSettings(), *,
                 headers: HeaderVocabulary | None = None) -> Iterator[Row]:
    """Read one TXT file and yield its rows, tables first-come, text lines as ``table=0``."""
    text = decode_bytes(path.read_bytes(), rel)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    yield from lines_to_rows(lines, rel, settings, headers or HeaderVocabulary.default())


def lines_to_rows(lines: list[str], rel: str, settings: TxtSettings = TxtSettings(),
                  headers: HeaderVocabulary | None = None) -> Iterator[Row]:
    """Rows of every region of the text, each in its dialect (module docstring, step 2)."""
    headers = headers or HeaderVocabulary.default()
    table_no = 0
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if _CELL_START.match(line) and _cell_table_at(lines, i, headers):
            table_no += 1
            end = _cell_table_end(lines, i, settings)
            yield from cells_to_rows(lines_to_cells(lines, i, end), rel, table_no, headers)
            i = end
            continue
        delimited = delimited_table_at(lines, i, headers)
        if delimited:
            table_no += 1
            end, delimiter = delimited
            yield from delimited_rows(lines, i, end, rel, table_no, delimiter)
            i = end
            continue
        end = aligned_table_at(lines, i, headers)
        if end:
            table_no += 1
            yield from aligned_rows(lines, i, end, rel, table_no, headers)
            i = end
            continue
        width = stream_table_at(lines, i, headers)
        if width:
            table_no += 1
            rows, end = stream_rows(lines, i, width, rel, table_no, headers)
            yield from rows
            i = end
            continue
        yield Row(Provenance(rel, line=i + 1), (line,))
        i += 1


# --- cell-per-line tables --------------------------------------------------------------

@dataclass(frozen=True)
class _Cell:
    text: str
    line: int          # 1-based line of the cell start
    after_blank: bool  # a blank line precedes the cell start (candidate row boundary)


def _cell_table_at(lines: list[str], start: int, headers: HeaderVocabulary) -> bool:
    """Does a cell-per-line table start at ``start``: a header, or tab-led lines enough for rows?"""
    if _cell_header_at(lines, start, headers):
        return True
    led = sum(1 for line in lines[start:start + 200] if _CELL_START.match(line))
    return led >= 6


def _cell_header_at(lines: list[str], start: int, headers: HeaderVocabulary) -> bool:
    cells = []
    i = start
    while i < len(lines) and len(cells) < 12 and _CELL_START.match(lines[i]):
        cells.append(lines[i].split("\t", 1)[1])
        i += 1
        # a header cell may wrap ("序\n号")
        while i < len(lines) and lines[i].strip() and not _CELL_START.match(lines[i]) and len(lines[i]) <= 4:
            cells[-1] += lines[i]
            i += 1
    return headers.is_header(tuple(cells))


def _cell_table_end(lines: list[str], start: int, settings: TxtSettings) -> int:
    blanks = 0
    for i in range(start, len(lines)):
        line = lines[i]
        if not line.strip() and not _CELL_START.match(line):
            blanks += 1
            continue
        if not _CELL_START.match(line) and (
                blanks >= settings.blank_lines_end_table or _SECTION_BREAK.match(line)):
            return i
        blanks = 0
    return len(lines)


def lines_to_cells(lines: list[str], start: int, end: int) -> list[_Cell]:
    """Cells of a cell-per-line table: a tab-led line opens a cell, other lines continue it."""
    cells: list[_Cell] = []
    parts: list[str] = []
    cell_line = 0
    blank_before = False
    pending_blank = False
    for i in range(start, end):
        line = lines[i]
        if _CELL_START.match(line):
            if cell_line:
                cells.append(_Cell(_join_cell(parts), cell_line, blank_before))
            parts = [line.split("\t", 1)[1]]
            cell_line = i + 1
            blank_before = pending_blank
            pending_blank = False
        elif not line.strip():
            pending_blank = True
            if cell_line:
                parts.append("")
        else:
            pending_blank = False
            if cell_line:
                parts.append(line)
    if cell_line:
        cells.append(_Cell(_join_cell(parts), cell_line, blank_before))
    return cells


def _join_cell(parts: list[str]) -> str:
    return "\n".join(parts).strip("\n")


def cells_to_rows(cells: list[_Cell], rel: str, table: int, headers: HeaderVocabulary) -> Iterator[Row]:
    """Group cells into rows of the header's width.

    A blank line before a tab-led line is a likely row boundary; blocks between
    such boundaries are gathered until they fill a row. Blocks of empty cells that
    would overflow a row are layout debris (empty table rows) and are dropped.
    """
    width = _header_width(cells, headers) or _width_from_boundaries(cells)
    blocks: list[list[_Cell]] = []
    for cell in cells:
        if not blocks or cell.after_blank:
            blocks.append([])
        blocks[-1].append(cell)

    row_no = 0
    seen_header = False
    acc: list[_Cell] = []
    for block in blocks:
        queue = list(block)
        while queue:
            if len(acc) + len(queue) <= width:
                acc.extend(queue)
                queue = []
            elif acc and all(not c.text.strip() for c in acc):
                acc = []   # debris: empty cells that do not make a row
                continue
            else:
                take = width - len(acc)
                acc.extend(queue[:take])
                queue = queue[take:]
            if len(acc) == width:
                texts = tuple(c.text for c in acc)
                if headers.is_header(texts):
                    if not seen_header:
                        seen_header = True
                        row_no += 1
                        yield Row(Provenance(rel, table=table, row=row_no, line=acc[0].line), texts)
                else:
                    row_no += 1
                    yield Row(Provenance(rel, table=table, row=row_no, line=acc[0].line), texts)
                acc = []
    if acc and any(c.text.strip() for c in acc):
        texts = tuple(c.text for c in acc) + ("",) * (width - len(acc))
        row_no += 1
        yield Row(Provenance(rel, table=table, row=row_no, line=acc[0].line), texts)


def _header_width(cells: list[_Cell], headers: HeaderVocabulary) -> int:
    """Cells of the header row: the one-line cells before the first row boundary (a blank line
    before a tab-led line), when two of them at least are header words; 0 otherwise."""
    block = []
    for cell in cells:
        if block and cell.after_blank:
            break
        if "\n" in cell.text.strip():
            return 0
        block.append(cell)
    hits = sum(1 for cell in block if headers.lookup(cell.text)[0])
    return len(block) if hits >= 2 and len(block) <= 16 else 0


def _width_from_boundaries(cells: list[_Cell]) -> int:
    """Without a header: every row has the same number of cells, and a blank line before a
    tab-led line often starts a row; the widest count that most such boundaries fall on."""
    marks, count = [], 0
    for cell in cells:
        if cell.after_blank and count:
            marks.append(count)
        count += 1
    marks.append(count)
    best, best_share = 1, 0.0
    for width in range(2, 13):
        share = sum(1 for m in marks if m % width == 0) / len(marks)
        if share >= best_share * 1.0 - 1e-9 and share >= 0.6:
            best, best_share = width, max(share, best_share)
    return best
