"""Printed lines of a PDF: characters -> lines (with their ends) -> the text of a cell.

Steps: ``chars_to_lines`` groups characters into printed lines that remember where each
character stands; ``split_at_gaps`` cuts a line at wide gaps (tables without ruling
lines); ``lines_to_text`` joins a cell's lines, telling soft wraps from paragraph ends.
Used by `extractors.pdf`; pure functions over pdfplumber's character dicts.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["Line", "Cell", "chars_to_lines", "split_at_gaps", "lines_to_text", "list_label"]

_CLOSING = set("，。、；：！？）」』”’》〉】,.;:!?)%")
_OPENING = set("（「『“‘《〈【(")
@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    boxes: list[tuple[float, float]]   # x0, x1 of every character of ``text``
    size: float = 10.0
    page: int = 0
    # OCR only: how sure the reading is (0..1) and which engine(s) read it (`extractors.ocr`); they
    # travel with the line (a circled number renumbered, a row joined over a page break keep them)
    confidence: float | None = None
    engine: str = ""

    def width_of(self, n: int) -> float:
        return sum(b - a for a, b in self.boxes[:n])


@dataclass
class Cell:
    x0: float
    x1: float
    lines: list[Line] = field(default_factory=list)


def chars_to_lines(chars: list[dict], line_tolerance: float = 3.0, space_gap: float = 3.0) -> list[Line]:
    """Printed lines, top to bottom, from characters (each line keeps its ends and char widths)."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and abs(ch["top"] - lines[-1][0]["top"]) <= line_tolerance:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    out = []
    for group in lines:
        group.sort(key=lambda c: c["x0"])
        text, boxes, prev = "", [], None
        for ch in group:
            if prev is not None and ch["x0"] - prev["x1"] > space_gap:
                text += " "
                boxes.append((prev["x1"], ch["x0"]))
            text += ch["text"]
            boxes.append((ch["x0"], ch["x1"]))
            prev = ch
        out.append(Line(text, group[0]["x0"], group[-1]["x1"], group[0]["top"], boxes,
                         group[0]["bottom"] - group[0]["top"]))
    return out


def split_at_gaps(line: Line, gap: float) -> list[Line]:
    """Pieces of a printed line between horizontal gaps of at least ``gap`` points."""
    pieces: list[Line] = []
    text, boxes = "", []
    for ch, box in zip(line.text, line.boxes):
        if ch == " ":
            continue
        if boxes and box[0] - boxes[-1][1] >= gap:
            pieces.append(Line(text, boxes[0][0], boxes[-1][1], line.top, boxes, line.size, line.page))
            text, boxes = "", []
        text, boxes = text + ch, boxes + [box]
    if boxes:
        pieces.append(Line(text, boxes[0][0], boxes[-1][1], line.top, boxes, line.size, line.page))
    return pieces


def lines_to_text(cell: Cell, pad: float, slack: float = 0.5) -> str:
    """Join a cell's printed lines: soft wraps without a space between CJK, paragraph ends with "\\n".

    A line is soft-wrapped when the next line's first character would not have fitted in the
    room left, unless the next line starts the next list label ("2." after "1.", "③" after "②",
    "113.4.1…" after "⑩": the number 11 run into a code) or a new list ("1." after any label),
    or any list label after a paragraph whose label lost its number (".办理开除备案", read by OCR).
    """
    text, label = "", None
    right = cell.x1 - pad
    for k, line in enumerate(cell.lines):
        next_label = list_label(line.text)
        if next_label is None and _LOST_LABEL.match(line.text):
            next_label = _LOST
        if k:
            prev = cell.lines[k - 1]
            wrapped = right - prev.x1 < _first_unit_width(line) + slack * line.size
            if next_label is None and label is not None and label != _LOST and _fused_label(line.text, label + 1):
                next_label = label + 1
            follows = next_label == _LOST or next_label is not None and \
                (label == _LOST or label is not None and next_label in (label + 1, 1))
            if wrapped and not follows:
                text += _wrap_joiner(prev.text, line.text)
            else:
                text += "\n"
                label = next_label if next_label is not None else label
        else:
            label = next_label
        text += line.text
    return text


# "4，社会保障卡注销": OCR reads the full stop of a label as a comma; before a Chinese character it is a label too
_LABEL = re.compile(r"^(\d{1,2})(?:[.．、](?!\d)|[，,](?=[\u3400-\u9fff]))")
# A line starting ".办理…": a list label whose number OCR lost (no line of Chinese text starts with a full
# stop): it starts a paragraph, and so does any list label after it.
_LOST_LABEL = re.compile(r"^[.．](?=[\u3400-\u9fff])")
_LOST = -1


def list_label(text: str) -> int | None:
    """The number of a list label that starts ``text`` ("3." -> 3, "③" -> 3), else None."""
    if text[:1] and "\u2460" <= text[0] <= "\u2473":
        return ord(text[0]) - 0x2460 + 1
    m = _LABEL.match(text)
    return int(m.group(1)) if m else None


def _fused_label(text: str, number: int) -> bool:
    """Does the line open with the next list number run into a code ("113.4.1…" after ⑩: a font
    without ⑪ prints 11), or, from 11 on, into the name of an item without a code ("12养老保险…"
    after "111.3.1…": the space after the number lost)?"""
    if not text.startswith(str(number)):
        return False
    rest = text[len(str(number)):]
    return bool(_CODE_START.match(rest)) or (number >= 11 and bool(_NAME_START.match(rest)))


_NAME_START = re.compile(r"[\u3400-\u9fff《（(]")
_CODE_START = re.compile(r"[1-9][.．][ \t]?\d{1,2}(?:[.．][ \t]?\d{1,2})?[\u3400-\u9fff《（(]")


def _first_unit_width(line: Line) -> float:
    """Width of what could not be put at the end of the line before (a char and its punctuation)."""
    n = 1
    if line.text[:1] in _OPENING:
        n = 2
    elif line.text[:1].isascii() and line.text[:1].isalnum():
        while n < len(line.text) and line.text[n].isascii() and (line.text[n].isalnum() or line.text[n] in ".-/"):
            n += 1
    while n < len(line.text) and line.text[n] in _CLOSING:
        n += 1
    return line.width_of(n)


def _wrap_joiner(before: str, after: str) -> str:
    wide = {"W", "F"}
    if not before or not after or unicodedata.east_asian_width(before[-1]) in wide \
            or unicodedata.east_asian_width(after[0]) in wide:
        return ""
    return " "
