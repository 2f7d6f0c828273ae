"""Second readings for OCR: the cells of a number column read again, as digits only.

Steps, in order (used by `extractors.ocr.read_page` after the first reading of a page):
1. ``find_number_columns``: a table column most of whose cells the first reading gave as a
   bare number (序号: "1", "12") is a number column; its other short cells are numbers
   misread ("直" for 4, "工" for 1, "21，", nothing at all).
2. ``reread_cells``: those cells, every one of the column but its header, are stacked and
   read again in one Tesseract call (``--psm 6``) with a digits-only whitelist; a cell the
   second reading gives as a number takes that reading instead of the first.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from extractors.ocr_chars import unstack_chars
from extractors.ocr_image import Box, GridTable, stack_boxes

__all__ = ["find_number_columns", "reread_cells", "renumber", "NUMBER_SHARE"]

_NUMBER = re.compile(r"\d{1,4}")
# of a column's inked cells below the header; the 序号 columns of the scans read 85-100% as numbers, but a
# page with two bundles of a bundle list has only two, one of them misread ("3", "直"): in the first column, half will do
NUMBER_SHARE = 0.5
_MAX_SHORT = 3       # a misread number is at most this many characters ("21，", "10.", "直")


def find_number_columns(chars: list, boxes: list[Box]) -> list[Box]:
    """The boxes (from `page_boxes`) of the number-column cells worth reading again, see step 1.

    ``chars`` are the first reading's characters (with ``cell``); a cell whose first reading
    has two or more CJK characters (the header 序号) is never read again.
    """
    texts: dict[tuple, str] = {}
    for ch in chars:
        if ch.cell is not None:
            texts[ch.cell] = texts.get(ch.cell, "") + ch.text
    columns: dict[tuple[int, int], list[Box]] = {}
    for box in boxes:
        if box[4] is None:
            continue
        t, cell = box[4]
        if cell.col == cell.col_end and cell.row > 0:
            columns.setdefault((t, cell.col), []).append(box)
    out: list[Box] = []
    for column in columns.values():
        cells = {box[4] for box in column}
        numbers = sum(1 for c in cells if _NUMBER.fullmatch(texts.get(c, "")))
        first = column[0][4][1].col == 0
        if numbers < (1 if first else 2) or numbers < NUMBER_SHARE * len(cells):
            continue
        out += [box for box in column if not _NUMBER.fullmatch(texts.get(box[4], ""))
                and len(texts.get(box[4], "")) <= _MAX_SHORT and _cjk_count(texts.get(box[4], "")) < 2]
    return out


def _cjk_count(text: str) -> int:
    return sum(1 for c in text if "\u3400" <= c <= "\u9fff")


def reread_cells(image: np.ndarray, boxes: list[Box], tables: list[GridTable], dpi: int, read) -> dict[tuple, list]:
    """Per (table, cell): the characters of a digits-only second reading that gave a number (step 2).

    ``read(stack_image) -> characters`` runs Tesseract with the digits whitelist (see
    `extractors.ocr.read_page_chars`); the characters come back with the cell they were read in.
    """
    if not boxes:
        return {}
    stack, blocks = stack_boxes(image, boxes, tables, dpi)
    found: dict[tuple, list] = {}
    for ch in unstack_chars(read(stack), blocks):
        found.setdefault(ch.cell, []).append(ch)
    return {cell: group for cell, group in found.items() if _NUMBER.fullmatch("".join(c.text for c in group))}


def renumber(chars: list, start_word: int, start_line: int) -> list:
    """Characters of a second reading with word and line numbers after those of the first."""
    return [replace(ch, word=ch.word + start_word, line=ch.line + start_line) for ch in chars]

