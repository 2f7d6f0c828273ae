"""Second readings for OCR: number columns read again as digits, unsure lines at another scale.

Steps, in order (used by `extractors.ocr.read_page` after the first reading of a page):
1. ``find_number_columns``: a table column most of whose cells the first reading gave as a
   bare number (序号: "1", "12") is a number column; its other short cells are numbers
   misread ("直" for 4, "工" for 1, "21，", nothing at all).
2. ``reread_cells``: those cells, every one of the column but its header, are stacked and
   read again in one Tesseract call (``--psm 6``) with a digits-only whitelist; a cell the
   second reading gives as a number takes that reading instead of the first.
3. ``reread_unsure_lines``: the lines of cells with a word read with low confidence are
   stacked, resized (another resolution gives chi_sim another chance: "人员和死亡" is read
   "人员死亡"), and read again in one call; per line the reading with the higher mean
   confidence stays.
"""
from __future__ import annotations

import re
from dataclasses import replace

import cv2
import numpy as np

from extractors.ocr.chars import unstack_chars
from extractors.ocr.image import Box, GridTable, stack_boxes

__all__ = ["cell_texts", "find_number_columns", "number_column_cells", "reread_cells", "renumber", "block_index", "reread_unsure_lines", "NUMBER_SHARE",
           "UNSURE_WORD"]

_NUMBER = re.compile(r"\d{1,4}")
# of a column's inked cells below the header; the 序号 columns of the scans read 85-100% as numbers, but a
# page with two bundles of a bundle list has only two, one of them misread ("3", "直"): in the first column, half will do
NUMBER_SHARE = 0.5
_MAX_SHORT = 3       # a misread number is at most this many characters ("21，", "10.", "直")


def cell_texts(chars: list) -> dict[tuple, str]:
    """(table, cell) -> the text of the characters read in it."""
    texts: dict[tuple, str] = {}
    for ch in chars:
        if ch.cell is not None:
            texts[ch.cell] = texts.get(ch.cell, "") + ch.text
    return texts


def find_number_columns(chars: list, boxes: list[Box], texts: dict[tuple, str] | None = None) -> list[Box]:
    """The boxes (from `page_boxes`) of the number-column cells worth reading again, see step 1.

    ``chars`` are the first reading's characters (with ``cell``); a cell whose first reading
    has two or more CJK characters (the header 序号) is never read again. ``texts``: the cells'
    texts instead of ``chars``' (where Tesseract read only the leads of some lines).
    """
    texts = cell_texts(chars) if texts is None else texts
    out: list[Box] = []
    for column in _number_columns(texts, boxes):
        out += [box for box in column if not _NUMBER.fullmatch(texts.get(box[4], ""))
                and len(texts.get(box[4], "")) <= _MAX_SHORT and _cjk_count(texts.get(box[4], "")) < 2]
    return out


def number_column_cells(chars: list, boxes: list[Box], texts: dict[tuple, str] | None = None) -> set[tuple]:
    """Every (table, cell) of a number column (step 1) but its header: read by Tesseract's digits,
    not by PP-OCR (`extractors.ocr.fuse`). ``texts``: as for ``find_number_columns``."""
    texts = cell_texts(chars) if texts is None else texts
    return {box[4] for column in _number_columns(texts, boxes) for box in column}


def _number_columns(texts: dict[tuple, str], boxes: list[Box]) -> list[list[Box]]:
    columns: dict[tuple[int, int], list[Box]] = {}
    for box in boxes:
        if box[4] is None:
            continue
        t, cell = box[4]
        if cell.col == cell.col_end and cell.row > 0:
            columns.setdefault((t, cell.col), []).append(box)
    out = []
    for column in columns.values():
        cells = {box[4] for box in column}
        numbers = sum(1 for c in cells if _NUMBER.fullmatch(texts.get(c, "")))
        first = column[0][4][1].col == 0
        if numbers < (1 if first else 2) or numbers < NUMBER_SHARE * len(cells):
            continue
        out.append(column)
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


UNSURE_WORD = 0.5    # a cell line with a word read below this confidence is read again (13 of 171 lines of a catalog page)


def block_index(chars: list, boxes: list[Box]) -> dict[int, list]:
    """The first reading's characters of table cells, by the box (index into ``boxes``) they were read in."""
    by_cell: dict[tuple, list[int]] = {}
    for k, box in enumerate(boxes):
        if box[4] is not None:
            by_cell.setdefault(box[4], []).append(k)
    out: dict[int, list] = {}
    for ch in chars:
        cy = (ch.box[1] + ch.box[3]) / 2
        k = next((k for k in by_cell.get(ch.cell, ()) if boxes[k][1] <= cy < boxes[k][3]), None)
        if k is not None:
            out.setdefault(k, []).append(ch)
    return out


def reread_unsure_lines(image: np.ndarray, chars: list, boxes: list[Box], tables: list[GridTable], dpi: int,
                        scale: float, read) -> list:
    """Cell lines with a poorly read word (not bare numbers: step 2 had them), read again with
    the image resized by ``scale``, in one call (``read(stack_image) -> characters``); per line
    the reading with the higher mean confidence (over its characters) stays (step 3)."""
    first = block_index(chars, boxes)
    unsure = sorted(k for k, group in first.items() if min(c.confidence for c in group) < UNSURE_WORD
                    and not _NUMBER.fullmatch("".join(c.text for c in group)))
    if not unsure:
        return chars
    stack, blocks = stack_boxes(image, [boxes[k] for k in unsure], tables, dpi)
    small = cv2.resize(stack, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    back = 1 / scale
    read_again = [replace(c, box=tuple(int(round(v * back)) for v in c.box)) for c in read(small)]
    second = block_index(unstack_chars(read_again, blocks), boxes)
    words, lines = max((c.word for c in chars), default=0), max((c.line for c in chars), default=0)
    drop, add = set(), []
    for k in unsure:
        new = second.get(k)
        if new and _score(new) > _score(first[k]):
            drop |= {id(c) for c in first[k]}
            add += new
    if not add:
        return chars
    return [c for c in chars if id(c) not in drop] + renumber(add, words, lines)


def _score(group: list) -> float:
    return sum(c.confidence for c in group) / len(group)
