"""OCR characters: Tesseract's hOCR -> characters on the page -> printed lines, without dust.

Steps, in order (used by `extractors.ocr`):
1. ``parse_hocr``: every character with its box, its word and the word's confidence.
2. ``unstack_chars``: characters read in the stacked image, moved back to the page.
3. ``drop_chars_without_ink``, ``drop_speck_words``: characters read on blank paper, and
   words of punctuation read poorly (specks), go.
4. ``chars_to_line``: the characters of one text line -> a printed `Line` (PDF points) and
   its confidence; quotes that cannot end or start a line, and dots and short poorly read
   words standing far apart at either end, are dropped first.
"""
from __future__ import annotations

import html
import re
import statistics
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

import cv2
import numpy as np

from extractors.ocr.image import Block
from extractors.pdf_lines import Line

__all__ = ["OcrChar", "parse_hocr", "unstack_chars", "drop_chars_without_ink", "drop_speck_words", "chars_to_line",
           "DUST_CONFIDENCE", "LOOSE_GAP", "LOOSE_CONFIDENCE", "is_wide", "has_text"]

_LINE_CLASSES = ("ocr_line", "ocr_header", "ocr_textfloat", "ocr_caption")
_HOCR = re.compile(r"<span class='(?P<cls>ocr_\w+|ocrx_word|ocrx_cinfo)'[^>]*?title=['\"](?P<title>[^'\"]*)['\"]>"
                   r"(?P<text>[^<]*)")


@dataclass(frozen=True)
class OcrChar:
    text: str
    box: tuple[int, int, int, int]   # pixels on the straightened page
    confidence: float                # of the word it belongs to, 0..1
    word: int                        # word number on the page
    line: int                        # Tesseract text line number on the page
    cell: tuple | None = None        # (table index, GridCell) it was read in; None outside tables


def unstack_chars(chars: list[OcrChar], blocks: list[Block]) -> list[OcrChar]:
    """Characters read in the stacked image, moved back to their place on the page."""
    tops = [b.stack_top for b in blocks]
    out = []
    for ch in chars:
        cy = (ch.box[1] + ch.box[3]) / 2
        k = bisect_right(tops, cy) - 1
        if k < 0:
            continue
        block = blocks[k]
        if cy > block.stack_top + block.box[3] - block.box[1]:
            continue   # in the white gap below the block
        dx, dy = block.box[0] - block.stack_left, block.box[1] - block.stack_top
        x0, y0, x1, y1 = ch.box
        # chi_sim sometimes stretches a box to the end of the line: keep it in its block, about square
        x1 = min(x1, x0 + int(1.3 * (y1 - y0)) + 2, block.stack_left + block.box[2] - block.box[0])
        out.append(OcrChar(ch.text, (x0 + dx, y0 + dy, max(x0 + 1, x1) + dx, y1 + dy), ch.confidence, ch.word,
                           ch.line, block.cell))
    return out


def parse_hocr(text: str) -> list[OcrChar]:
    """Characters from Tesseract's hOCR with ``hocr_char_boxes``."""
    out: list[OcrChar] = []
    line = word = 0
    wconf = 0.0
    for m in _HOCR.finditer(text):
        cls, title = m.group("cls"), m.group("title")
        if cls in _LINE_CLASSES:
            line += 1
        elif cls == "ocrx_word":
            word += 1
            found = re.search(r"x_wconf (\d+(?:\.\d+)?)", title)
            wconf = float(found.group(1)) / 100 if found else 0.0
        elif cls == "ocrx_cinfo":
            found = re.search(r"x_bboxes (\d+) (\d+) (\d+) (\d+)", title)
            char = html.unescape(m.group("text"))
            if found and char.strip():
                out.append(OcrChar(char, tuple(int(v) for v in found.groups()), wconf, word, line))
    return out


def drop_chars_without_ink(chars: list[OcrChar], image: np.ndarray) -> list[OcrChar]:
    """Without characters Tesseract saw on blank paper (a “ or ” before a cell's first line):
    no ink in the part of their box that the next character of the line does not share.

    When that part is a sliver (under ``OWN_SHARE`` of the box), the whole box is looked at:
    chi_sim's boxes of digits and full stops are loose, the "3" of "3.3.2" got a box that
    the "." after it overlapped but for 4 px of white, and the digit was dropped. A box
    squeezed to a sliver is looked at up to the next character. A box reaching past the page's
    edge (chi_sim stretches boxes) is looked at on the page."""
    ink = cv2.integral((image < 128).astype(np.uint8))
    height, width = image.shape[:2]
    out = []
    for k, ch in enumerate(chars):
        x0, y0, x1, y1 = ch.box
        x0, x1, y0, y1 = max(0, x0), min(width, x1), max(0, y0), min(height, y1)
        following = chars[k + 1] if k + 1 < len(chars) and chars[k + 1].line == ch.line else None
        if following is not None and x0 < following.box[0] < x1 and following.box[0] - x0 >= OWN_SHARE * (x1 - x0):
            x1 = following.box[0]
        elif following is not None and x1 - x0 < THIN_BOX * (y1 - y0) and following.box[0] > x1:
            x1 = following.box[0]   # a box squeezed to a line ("；" 1 px wide): its ink is in the gap after it
        if x1 > x0 and y1 > y0 and ink[y1, x1] - ink[y0, x1] - ink[y1, x0] + ink[y0, x0] == 0:
            continue
        out.append(ch)
    return out


OWN_SHARE = 0.5   # see drop_chars_without_ink; the dropped digits' own part was 4-5 px of 20-40
THIN_BOX = 0.25   # of the box height: "；" got boxes 1 px wide at 300 dpi


DUST_CONFIDENCE = 0.3   # "、" alone scores 0.3-0.6 on the scans; specks read as "，" or "'" score lower


def drop_speck_words(chars: list[OcrChar], min_confidence: float) -> list[OcrChar]:
    """Without words of punctuation only read with low confidence: specks and dust ("，，", "'")."""
    words: dict[int, list[OcrChar]] = {}
    for ch in chars:
        words.setdefault(ch.word, []).append(ch)
    dust = {w for w, group in words.items()
            if group[0].confidence < min_confidence and not has_text("".join(c.text for c in group))}
    return [ch for ch in chars if ch.word not in dust]


def is_wide(char: str) -> bool:
    """CJK characters and punctuation: their ink leaves wide gaps ("二 、"), spaces between them are rare."""
    return unicodedata.east_asian_width(char[:1]) in ("W", "F")


def has_text(text: str) -> bool:
    return any(c.isalnum() for c in text)


_NEVER_FIRST = set("”’\"'")   # Chinese typesetting never starts a line with a closing quote
_NEVER_LAST = set("“‘")        # nor ends one with an opening quote: read there, they are dust


_DOTS = set(".,·'`、")


def _without_loose_dots(group: list[OcrChar]) -> list[OcrChar]:
    """Without dots standing apart at either end of a line ('. 附件1 . .'): specks, not text."""
    h = max(c.box[3] - c.box[1] for c in group)
    while len(group) > 1 and group[0].text in _DOTS and group[1].box[0] - group[0].box[2] > 0.5 * h:
        group = group[1:]
    while len(group) > 1 and group[-1].text in _DOTS and group[-1].box[0] - group[-2].box[2] > 0.5 * h:
        group = group[:-1]
    return group


LOOSE_GAP = 2.0           # line heights; words of a line stand 0-0.5 apart, specks read as "1" "|" 四 3-25 (200 dpi scans)
LOOSE_CONFIDENCE = 0.65   # those specks score 0.0-0.6; a real short word read that far out scores higher
_LOOSE_CHARS = 2


def _without_loose_words(group: list[OcrChar]) -> list[OcrChar]:
    """Without short, poorly read words standing far apart at either end of a line
    ("6.个人住房公积金账户设立      1", "|      附件1"): specks and scanner dust."""
    words: list[list[OcrChar]] = []
    for ch in group:
        if words and words[-1][-1].word == ch.word:
            words[-1].append(ch)
        else:
            words.append([ch])
    h = max(c.box[3] - c.box[1] for c in group)

    def loose(word: list[OcrChar], gap: int) -> bool:
        return len(word) <= _LOOSE_CHARS and word[0].confidence < LOOSE_CONFIDENCE and gap > LOOSE_GAP * h

    while len(words) > 1 and loose(words[-1], words[-1][0].box[0] - words[-2][-1].box[2]):
        words.pop()
    while len(words) > 1 and loose(words[0], words[1][0].box[0] - words[0][-1].box[2]):
        words.pop(0)
    return [c for w in words for c in w]


def chars_to_line(group: list[OcrChar], page_no: int, scale: float, space_share: float) -> tuple[Line, float]:
    """One printed `Line` (PDF points: ``scale`` = 72 / dpi) from the characters Tesseract read as one line,
    and its mean word confidence; a gap wider than ``space_share`` of the line height is a space."""
    # Tesseract's reading order, not the boxes' order: the box of a "-" can start left of the digit before it
    while len(group) > 1 and group[0].text in _NEVER_FIRST:
        group = group[1:]
    while len(group) > 1 and group[-1].text in _NEVER_LAST:
        group = group[:-1]
    group = _without_loose_dots(_without_loose_words(_without_loose_dots(group)))
    size = statistics.median(c.box[3] - c.box[1] for c in group) if len(group) > 2 else \
        max(c.box[3] - c.box[1] for c in group)
    text, boxes, prev = "", [], None
    for ch in group:
        wide = prev is not None and is_wide(prev.text) or is_wide(ch.text)
        if prev is not None and ch.box[0] - prev.box[2] > space_share * size * (3 if wide else 1):
            text += " "
            boxes.append((prev.box[2] * scale, ch.box[0] * scale))
        text += ch.text
        boxes.append((ch.box[0] * scale, ch.box[2] * scale))
        prev = ch
    top = round(min(c.box[1] for c in group) * scale, 2)
    words = {c.word: c.confidence for c in group}
    line = Line(text, boxes[0][0], boxes[-1][1], top, boxes, size * scale, page_no)
    return line, sum(words.values()) / len(words)
