"""What Tesseract reads of a page whose words PP-OCR read: the leads of lines, and what PP-OCR was unsure of.

Steps, in order (used by `extractors.ocr.read_scan.read_page` after PP-OCR read every cell line):
1. ``tesseract_parts``: per line box (`extractors.ocr.image.page_boxes`) what Tesseract is to read:
   - the whole box: text outside tables (PP-OCR does not read it), a line PP-OCR read nothing
     of, or one with a character it read with less than ``PP_SURE`` probability (then both
     engines' agreement says how sure the line is, `extractors.ocr.fuse.fuse_line`);
   - only its lead (``lead_box``) and ``CONTEXT`` characters after it: a line PP-OCR read surely
     that starts with list markers, digits or a code ("①1.1.5", "2.", "12"), or with a ring in
     the image (a circled number PP-OCR's character set lacks): Tesseract's reading of the lead is
     the one kept (`extractors.ocr.fuse`), and it is a few characters of the line;
   - nothing: a line PP-OCR read surely without a lead.
   Tesseract reads words at about 2 ms of CPU a character (chi_sim, one call per page); reading
   all of every line was 1.9 s of a 300-dpi page's 5.3 s.
2. ``lead_box``: where the part ends, from where PP-OCR read its characters (`extractors.ocr.ppocr.PpLine.xs`),
   moved to the nearest white gap between inked columns.
"""
from __future__ import annotations

import numpy as np

from extractors.ocr.fuse import split_lead
from extractors.ocr.image import Box, find_ring
from extractors.ocr.ppocr import PpLine, ink_span

__all__ = ["tesseract_parts", "lead_box", "PP_SURE", "CONTEXT"]

# A line with a character PP-OCR read below this probability is read by Tesseract too. On two pages of four
# scans of the tuning half 90% of the lines (79% of the characters) were read at least this surely.
PP_SURE = 0.9
# Characters of the words Tesseract reads after a lead (their reading is not used): a lead read alone, two or three
# characters without context, came out with a digit more ("95." for "5.", tune half, tilt_3deg) and its full stop
# is put back only before a wide character (`extractors.ocr.marks.restore_list_dot`)
CONTEXT = 2
_SNAP = 0.4   # of the line height: how far from where PP-OCR put the lead's end a white gap is looked for


def tesseract_parts(image: np.ndarray, boxes: list[Box], pp: dict[int, PpLine], dpi: int) -> tuple[list[Box], set[int]]:
    """(the boxes Tesseract reads, the indices into ``boxes`` of lines it reads only part of, or none of), see step 1."""
    parts: list[Box] = []
    partial: set[int] = set()
    for k, box in enumerate(boxes):
        line = pp.get(k)
        if box[4] is None or line is None or not line.text.strip() or min(line.probs, default=0.0) < PP_SURE:
            parts.append(box)
            continue
        lead = lead_box(image, box, line, dpi)
        if lead is None:
            partial.add(k)
        elif lead[2] < box[2]:
            parts.append(lead)
            partial.add(k)
        else:
            parts.append(box)
    return parts, partial


def lead_box(image: np.ndarray, box: Box, line: PpLine, dpi: int) -> Box | None:
    """The part of a line box holding its lead (step 2); the whole box when the line is all lead ("12",
    "1.1.5"); None without a lead."""
    a, b, c, d, cell = box
    ink = (image[b:d, a:c] < 128)
    inked = ink.any(axis=0)
    cols, rows = np.nonzero(inked)[0], np.nonzero(ink.any(axis=1))[0]
    span = ink_span(a, c, cols, dpi) if cell is not None else None
    if span is None:
        return None
    h = int(rows[-1] - rows[0] + 1)
    x0 = a + int(cols[0])
    ring = find_ring(image, (x0 - h // 4, b + int(rows[0]) - h // 4, x0 + h + h // 4, b + int(rows[-1]) + 1 + h // 4),
                     0.7 * h)
    lead = split_lead(line.text)[0].rstrip()
    if not lead and ring is None:
        return None
    upto = len(lead) + CONTEXT   # characters PP-OCR read that Tesseract reads too
    if upto >= len(line.text.rstrip()) or len(line.xs) != len(line.text):
        return box
    end = span[0] + (span[1] - span[0]) * (line.xs[upto - 1] + line.xs[upto]) / 2
    if ring is not None:
        end = max(end, ring[2] + 1)
    # the box ends in the white gap: a sliver of the next character would be read as one more digit ("1" or "l")
    stop = min(c, a + _white_gap(inked, end - a, _SNAP * h) + 1)
    return (a, b, stop, d, cell) if stop < c else box


def _white_gap(inked: np.ndarray, at: float, reach: float) -> int:
    """The column nearest ``at`` (within ``reach``) without ink, or ``at`` itself."""
    lo, hi = max(0, int(at - reach)), min(len(inked), int(at + reach) + 1)
    white = np.nonzero(~inked[lo:hi])[0] + lo
    if not len(white):
        return int(round(at))
    return int(white[np.argmin(np.abs(white - at))])
