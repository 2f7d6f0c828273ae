"""List markers OCR misses, found in the page image (used by `extractors.ocr`).

- ``mark_circled_number``: a ring at a line start (①, which chi_sim reads as 人/候/G@)
  becomes ①; ``number_circles`` numbers them ①②③… in reading order within a cell;
- ``restore_list_dot``: the full stop of "2." (or the dash of "6-3") that Tesseract skipped
  is put back when the image shows it.
"""
from __future__ import annotations

import statistics
from dataclasses import replace

import cv2
import numpy as np

from extractors.ocr.chars import OcrChar, is_wide
from extractors.ocr.image import find_ring
from extractors.pdf_lines import Line

__all__ = ["mark_circled_number", "restore_list_dot", "number_circles"]

_RING = "\u2460"   # ①; numbered in reading order per cell by number_circles


def mark_circled_number(group: list[OcrChar], image: np.ndarray, height: int | None = None) -> list[OcrChar]:
    """A line starting with a circled number: the characters Tesseract read in its ring become ①.
    ``height``: the line's, when the characters are not the whole line (Tesseract read only its lead:
    digits and full stops are lower than the line)."""
    top, bottom = min(c.box[1] for c in group), max(c.box[3] for c in group)
    h = int(statistics.median(c.box[3] - c.box[1] for c in group))
    # chi_sim stretches some boxes to 1.5 line heights ("档案…(流动人员)"): then the median overstates the
    # line and a ring of one line height looked too small; the box read in the ring is the better measure
    h = min(h, max(group[0].box[3] - group[0].box[1], int(RING_LINE_SHARE * h))) if height is None else height
    x0 = group[0].box[0]
    ring = find_ring(image, (x0 - h // 4, top - h // 4, x0 + h + h // 4, bottom + h // 4), 0.7 * h)
    if ring is None:
        return group
    inside = [c for c in group if ring[0] <= (c.box[0] + c.box[2]) / 2 <= ring[2]]
    if not inside:
        return group
    marker = OcrChar(_RING, ring, min(c.confidence for c in inside), inside[0].word, inside[0].line)
    return [marker] + [c for c in group if c not in inside]


RING_LINE_SHARE = 0.6   # the first box may lower the line height this far; rings missed at h 51 and 61 had boxes of 40


def restore_list_dot(group: list[OcrChar], image: np.ndarray) -> list[OcrChar]:
    """"2办理工资手续" -> "2.办理工资手续", "63符合" -> "6-3符合" when the mark is on the paper.

    chi_sim often skips the small full stop after a list number, or the dash of a scenario
    code, and the number then reads as no label. Right of the leading digits, the image is
    searched for a small blob left of the next character's ink: low in the line it is a
    full stop, mid-height and flat a dash (between two digits only).
    """
    if len(group) >= 3 and group[0].text.isdigit() and group[1].text.isdigit() and is_wide(group[2].text):
        found = _mark_after(group[0], image)   # "63符合": a dash between the digits?
        if found and found[0] == "-":
            return group[:1] + [found[1]] + group[1:]
    n = 0
    while n < len(group) and n < 2 and group[n].text.isdigit():
        n += 1
    if not n or n >= len(group) or not is_wide(group[n].text):
        return group
    found = _mark_after(group[n - 1], image)
    if found and found[0] == ".":
        return group[:n] + [found[1]] + group[n:]
    return group


def _mark_after(digit: OcrChar, image: np.ndarray) -> tuple[str, OcrChar] | None:
    """The small mark printed right after a digit: ("." or "-", the mark), or None."""
    x0, top, _, bottom = digit.box
    h = bottom - top
    y0 = max(0, top - h // 10)
    region = (image[y0:bottom + h // 6, x0:digit.box[2] + h] < 128).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    blobs = sorted((tuple(int(v) for v in stats[k][:4]) for k in range(1, count)), key=lambda b: b[0])
    body = next((b for b in blobs if b[3] >= 0.5 * h and b[0] <= 0.4 * h), None)
    if body is None:
        return None
    right = [b for b in blobs if b[0] >= body[0] + body[2] - 1]
    if not right:
        return None
    bx, by, bw, bh = right[0]
    if bw > 0.45 * h or bh > 0.35 * h:
        return None
    mid = y0 + by + bh / 2 - top
    if bw >= 1.5 * bh and 0.3 * h <= mid <= 0.75 * h:
        mark = "-"
    elif mid >= 0.6 * h:
        mark = "."
    else:
        return None
    box = (x0 + bx, y0 + by, x0 + bx + bw, y0 + by + bh)
    return mark, OcrChar(mark, box, digit.confidence, digit.word, digit.line)


def number_circles(lines: list[Line]) -> list[Line]:
    """①①① -> ①②③ in reading order (Word numbers circled lists per cell)."""
    n = 0
    out = []
    for ln in lines:
        if ln.text.startswith(_RING):
            n += 1
            ln = replace(ln, text=chr(0x2460 + min(n, 20) - 1) + ln.text[1:])   # its reading's confidence kept
        out.append(ln)
    return out
