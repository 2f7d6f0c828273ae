"""Steps on page tables that the PDF and OCR extractors share.

A ``PageTable`` is one table as printed on a page: rows of ``Cell``s (``None`` where a
merged cell covers the position), each cell its printed lines. Steps, in order:
``stitch_page_breaks`` joins a table that goes on over a page break (``drop_repeated_headers``,
then a row cut by the break is joined to the row above) -> ``fill_merged`` gives each cell's
text, with empty cells at a page top in merged columns read as covered (``None``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extractors.pdf_lines import Cell, lines_to_text, list_label
from pipeline.core.cell_kinds import SCENARIO

__all__ = ["PAGE_NUMBER", "PageTable", "stitch_page_breaks", "drop_repeated_headers", "fill_merged"]

# a line holding only a page number ("- 3 -"), dropped from running text
PAGE_NUMBER = re.compile(r"^[\s\-—–－·]*\d{1,4}[\s\-—–－·]*$")


@dataclass
class PageTable:
    page: int
    bbox: tuple[float, float, float, float]
    rows: list[list[Cell | None]]
    row_pages: list[int]
    page_tops: set[int] = field(default_factory=set)   # indexes of rows printed first on a page
    ruled: bool = True
    columns: list[float] = field(default_factory=list)  # column starts of a table without ruling lines
    end_page: int = 0     # the last page it goes on to (a page holding only the rest of a cut row adds no row)


def stitch_page_breaks(items: list[tuple[int, float, object]]) -> list[object]:
    """Join tables that go on over a page break; drop their repeated headers; join cut rows."""
    out: list[object] = []
    for _, _, item in items:
        prev = out[-1] if out else None
        if isinstance(item, PageTable) and isinstance(prev, PageTable) \
                and item.page == max(prev.row_pages[-1], prev.end_page) + 1 \
                and len(item.rows[0]) == len(prev.rows[0]) and item.ruled == prev.ruled:
            _append_continued(prev, drop_repeated_headers(prev, item))
            continue
        out.append(item)
    return out


def drop_repeated_headers(first: PageTable, more: PageTable) -> PageTable:
    """The continuation without the header row printed again at the top of its page."""
    if more.rows and _plain(more.rows[0]) == _plain(first.rows[0]):
        more.rows, more.row_pages = more.rows[1:], more.row_pages[1:]
    return more


def _append_continued(table: PageTable, more: PageTable) -> None:
    table.end_page = max(table.end_page, more.page)
    if not more.rows:
        return
    top = more.rows[0]
    if len(table.rows) > 1 and _continues_cut_row(table, top, _key_column(table.rows[1:] + more.rows)):
        _join_cut_row(table, top)
        more.rows, more.row_pages = more.rows[1:], more.row_pages[1:]
    if more.rows:
        table.page_tops.add(len(table.rows))
    table.rows += more.rows
    table.row_pages += more.row_pages


def _continues_cut_row(table: PageTable, top: list[Cell | None], key: int) -> bool:
    """Is the first row on the new page the rest of the last row of the page before?

    No when a cell opens with a scenario code. Yes when it has text but none in the columns up
    to the key column (a new row names itself there), or when each of its cells with text goes on from the cell above: that
    cell's last printed line was full (cut mid-paragraph), or the new text starts with the
    next list label ("4." after "3.").
    """
    filled = [c for c, cell in enumerate(top) if cell is not None and cell.lines]
    if not filled or any(SCENARIO.match(top[c].lines[0].text) for c in filled):
        return False           # a scenario code ("5-3…") names a row of its own
    if all(cell is not None and not cell.lines for cell in top[:key + 1]):
        return True
    pads = _column_pads(table)
    for c in filled:
        above = _anchor_above(table, c)
        if above is None or not above.lines:
            return False
        last = above.lines[-1]
        labels = [n for n in map(list_label, (ln.text for ln in above.lines)) if n is not None]
        next_label = labels and list_label(top[c].lines[0].text) == labels[-1] + 1
        if above.x1 - pads[c] - last.x1 >= last.size and not next_label:
            return False
    return True


def _anchor_above(table: PageTable, c: int) -> Cell | None:
    r = len(table.rows) - 1
    while r > 0 and table.rows[r][c] is None:
        r -= 1
    return table.rows[r][c]


def _key_column(rows: list[list[Cell | None]]) -> int:
    """The leftmost column never covered by a merge: each row has its own cell there."""
    width = len(rows[0]) if rows else 1
    for c in range(width):
        if all(row[c] is not None for row in rows if any(x is not None for x in row[1:])):
            return c
    return 0


def _join_cut_row(table: PageTable, top: list[Cell | None]) -> None:
    for c, cell in enumerate(top):
        if cell is None or not cell.lines:
            continue
        target = _anchor_above(table, c)   # text of a merged cell goes to its first row
        if target is not None:
            shift = target.x0 - cell.x0
            target.lines += [replace(ln, x0=ln.x0 + shift, x1=ln.x1 + shift,
                                     boxes=[(a + shift, b + shift) for a, b in ln.boxes])
                             for ln in cell.lines]


def fill_merged(table: PageTable, settings) -> list[list[str | None]]:
    """Cell texts; empty cells at a page top in columns that use vertical merges become None.

    ``settings``: the extractor's settings (`PdfSettings`, `OcrSettings`); its ``wrap_slack`` tells
    a soft wrap from a paragraph end.
    """
    merge_cols = {c for row in table.rows[1:] for c, cell in enumerate(row)
                  if cell is None and any(x is not None for x in row[1:])}
    pads = _column_pads(table)
    out = []
    for r, row in enumerate(table.rows):
        texts = [None if cell is None else lines_to_text(cell, pads[c], settings.wrap_slack) for c, cell in enumerate(row)]
        if r in table.page_tops and r > 0:
            texts = [None if (c in merge_cols and t == "") else t for c, t in enumerate(texts)]
        out.append(texts)
    return out


def _column_pads(table: PageTable) -> list[float]:
    pads = [1_000.0] * len(table.rows[0])
    for row in table.rows:
        for c, cell in enumerate(row):
            if cell is not None and cell.lines:
                pads[c] = min(pads[c], min(ln.x0 for ln in cell.lines) - cell.x0)
    return [0.0 if p == 1_000.0 else max(p, 0.0) for p in pads]


def _plain(row: list[Cell | None]) -> tuple[str, ...]:
    return tuple("".join(ln.text for ln in cell.lines).replace(" ", "") if cell else "" for cell in row)
