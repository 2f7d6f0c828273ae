"""Split a cell into item mentions, and read the list markers, codes and units they carry.

``split_cell`` cuts a cell into groups of item spans:
- HTML fragments (``<ol>``, ``<p>``) open a new group each (seed exports of web pages
  flatten several scenarios into one row, one ``<ol>`` per scenario);
- a list numbered afresh from 1 opens a new group too;
- within a group, items start at list markers ("1." "1、" "①" "(1)" "1 "), or at each
  line when the cell has one item per line; a line that only continues the item above
  (an open parenthesis, a "（承办：…）" annotation) is joined to it.

``parse_item`` reads one printed item: list numbers fused with codes ("1 1. 1.5职工参保登记",
"⑥2. 4. 2就业登记", "10 01. 1.5…"), the handling unit "（承办：…）", codes printed inside
"X（含1.6. 10A；1.6. 13B）", and returns the text with all of them removed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["ItemSpan", "ParsedItem", "split_cell", "parse_item", "normalize_code", "split_compound"]

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚"
_DOT = r"[.．]"
# A list marker at the start of a line: "1." "1、" "①" "(1)" or a bare number followed by a space.
# "1." before a digit is the start of a code ("1.1.5"); "1、" is a marker whatever follows.
# OCR of scans: "@" is how chi_sim reads a circled number it cannot place ("@3.4.1档案…"), and a
# comma before a Chinese character is the full stop of a label ("4，社会保障卡注销").
_OCR_LABEL = r"@(?=[ \t]*\d)|\d{1,2}[，,](?=[\u3400-\u9fff])"
_LINE_MARKER = re.compile(
    rf"^[ \t]*(?:[{_CIRCLED}]|\d{{1,2}}[ \t]*(?:、|[.．](?![ \t]*\d))|\d{{1,2}}(?=[ \t])|[(（]\d{{1,2}}[)）]|{_OCR_LABEL})")
# An inline marker "2. " inside a flattened cell, after whitespace or at the start.
_INLINE_MARKER = re.compile(r"(?:(?<=\s)|^)(\d{1,2})[ \t]*(?:、|[.．](?![ \t]*\d))[ \t]*")
# A list number run into the code after it, when a PDF font lacks ⑪…⑳ and prints 11…20: the
# national codes' first part is one digit (1.x.x … 5.x.x), so "113.4.1" is 11 and 3.4.1.
_FUSED_NUMBER = re.compile(r"^[ \t]*(\d{1,2})(?=[1-9][.．][ \t]?\d{1,2}(?:[.．][ \t]?\d{1,2})?[\u3400-\u9fff《（(])")
_SPACED_MARKER = re.compile(r"(?:(?<=\s)|^)(\d{1,2})[ \t]+(?=[^\d\s]|\d{1,2}[.．])")
_HTML_TAG = re.compile(r"<\s*(/?)\s*(ol|ul|li|p|br|div|span)\b[^>]*>", re.I)
_GROUP_OPENERS = {"ol", "ul", "p"}

_CODE = re.compile(rf"(\d{{1,2}})[ \t]*{_DOT}[ \t]*(\d{{1,2}})(?:[ \t]*{_DOT}[ \t]*(\d{{1,2}}))?")
_LEAD_MARKER = re.compile(rf"^[ \t]*(?:([{_CIRCLED}])|(\d{{1,2}})[ \t]*(?:、|[.．](?![ \t]*\d))|(\d{{1,2}})[ \t]+(?=\S)|[(（](\d{{1,2}})[)）]"
                          rf"|@(?=[ \t]*\d)|(\d{{1,2}})[，,](?=[\u3400-\u9fff]))[ \t]*")
# The opening bracket is optional: OCR loses it before 承 ("（流动人员）承办：人才交流股）"), or
# reads it as "{" or "〈"; it drops the colon or reads it as "；" ("（承办人才交流股）", "（承办；就业服务中心）").
# （承办：…） — or its closing bracket lost at the end of the item (a PDF cell clips it)
_UNIT = re.compile(r"[（({〈]?[ \t]*承[办辦](?:部门|部門|单位|單位)?[ \t]*[：:∶；;]?[ \t]*([^（）()]*)(?:[）)]|$)")
# ".办理开除备案": the full stop of a list label whose number OCR lost
_LOST_NUMBER = re.compile(r"^[.．](?=[\u3400-\u9fff])")
_INNER_CODE = re.compile(rf"(?<=[含；;、，,（(])[ \t]*{_CODE.pattern}[ \t]*(?=\D)")


@dataclass(frozen=True, slots=True)
class ItemSpan:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class ParsedItem:
    text: str                    # printed text without markers, codes and unit (not yet repaired)
    list_no: str = ""
    code_as_written: str = ""    # the leading code, normalised ("1.1.5"; "1.5" when truncated)
    codes: tuple[str, ...] = ()  # every code printed in the item, leading one first
    unit: str = ""


def normalize_code(parts: tuple[str | None, ...]) -> str:
    """Code parts joined with dots: leading zeros dropped, full-width digits read as ASCII.

    Total: a part without digits (or ``None``) is skipped, so no string makes it raise.

    >>> normalize_code(("01", "１", None, "5"))
    '1.1.5'
    """
    out = []
    for part in parts:
        digits = "".join(str(unicodedata.decimal(ch)) for ch in (part or "") if ch.isdecimal())
        if digits:
            out.append(digits.lstrip("0") or "0")
    return ".".join(out)


def split_cell(cell: str | None) -> list[list[ItemSpan]]:
    """Groups of item spans of one cell (offsets index the cell as printed)."""
    if not cell or not cell.strip():
        return []
    groups: list[list[ItemSpan]] = []
    for start, end, from_html in _windows(cell):
        for group in _split_window(cell, start, end, from_html):
            if group:
                groups.append(group)
    return groups


def _windows(cell: str) -> list[tuple[int, int, bool]]:
    """Cut the cell at HTML group openers; tags themselves are left out."""
    tags = list(_HTML_TAG.finditer(cell))
    if not tags:
        return [(0, len(cell), False)]
    windows: list[tuple[int, int, bool]] = []
    pos = 0
    for tag in tags:
        if tag.start() > pos:
            windows.append((pos, tag.start(), True))
        pos = tag.end()
        if tag.group(1) == "" and tag.group(2).lower() in _GROUP_OPENERS:
            windows.append((-1, -1, True))  # group break
    if pos < len(cell):
        windows.append((pos, len(cell), True))
    # merge consecutive windows that have no group break between them
    merged: list[tuple[int, int, bool]] = []
    current: list[tuple[int, int]] = []
    for s, e, _ in windows + [(-1, -1, True)]:
        if s < 0:
            if current:
                text_windows = [(a, b) for a, b in current if cell[a:b].strip()]
                if text_windows:
                    merged.append((text_windows[0][0], text_windows[-1][1], True))
                current = []
        else:
            current.append((s, e))
    return merged


def _split_window(cell: str, start: int, end: int, from_html: bool) -> list[list[ItemSpan]]:
    seg = cell[start:end]
    # strip inner tags (e.g. <li>) from consideration by replacing them with spaces of equal length
    masked = _HTML_TAG.sub(lambda m: " " * len(m.group(0)), seg)
    if "\n" in masked.strip():
        return _split_lines(masked, start, cell)
    return _split_inline(masked, start, from_html, cell)


def _split_lines(seg: str, base: int, cell: str) -> list[list[ItemSpan]]:
    groups: list[list[tuple[int, int]]] = [[]]
    pos = 0
    last_no = 0
    for line in seg.split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        if not line.strip():
            continue
        marker = _LINE_MARKER.match(line)
        current = groups[-1]
        if marker is None and current and _continues(seg[current[-1][0]:current[-1][1]], line):
            current[-1] = (current[-1][0], line_end)
            continue
        number = _marker_number(line) if marker else None
        if number == 1 and last_no >= 1 and current:
            groups.append([])
        if number is not None:
            last_no = number
        groups[-1].append((line_start, line_end))
    return [[_span(cell, base + s, base + e) for s, e in g] for g in groups if g]


def _continues(previous: str, line: str) -> bool:
    """Only a "（承办：…）" annotation continues the item above (or its tail "办：…" when a scan's
    OCR took the wrap after "（承" for a paragraph end): in Word and PDF cells every line break
    is a paragraph, and an unclosed bracket is a printing slip, not a wrap."""
    return re.match(r"^(?:[（({〈][ \t]*承[办辦]|[办辦][ \t]*[：:∶])", line.strip()) is not None


def _marker_number(line: str) -> int | None:
    m = _LEAD_MARKER.match(line)
    if not m:
        return None
    if m.group(1):
        return _CIRCLED.index(m.group(1)) + 1
    digits = m.group(2) or m.group(3) or m.group(4) or m.group(5)
    return int(digits) if digits else None


def _semicolons(seg: str) -> list[int]:
    """Positions of "；" outside brackets: items of a one-line cell joined by them ("（含A；B）" stays whole).

    A "；" inside a bracket left open is a cut too when the list's next marker follows it
    ("（3）…（含…（含…；…）；（4）…": a printed bracket the text never closes)."""
    out, depth = [], 0
    unclosed = sum(seg.count(c) for c in "（(【[") > sum(seg.count(c) for c in "）)】]")
    last = _marker_number(seg.lstrip()) if unclosed else None
    for i, ch in enumerate(seg):
        if ch in "（(【[":
            depth += 1
        elif ch in "）)】]":
            depth = max(0, depth - 1)
        elif ch in "；;" and seg[i + 1:].strip():
            number = _marker_number(seg[i + 1:].lstrip())
            if depth == 0 or (number is not None and last is not None and number == last + 1):
                out.append(i)
                depth = 0
                last = number if number is not None else last
    return out


def _split_at_semicolons(seg: str, base: int, cell: str, cuts: list[int]) -> list[list[ItemSpan]]:
    groups: list[list[ItemSpan]] = [[]]
    starts = [0] + [c + 1 for c in cuts]
    ends = cuts + [len(seg)]
    for s, e in zip(starts, ends):
        part = seg[s:e]
        if not part.strip():
            continue
        if _marker_number(part.lstrip()) == 1 and groups[-1]:
            groups.append([])      # a list numbered afresh: the next group
        groups[-1].append(_span(cell, base + s, base + e))
    return [g for g in groups if g]


def _split_inline(seg: str, base: int, from_html: bool, cell: str) -> list[list[ItemSpan]]:
    cuts = _semicolons(seg)
    if cuts and not from_html:
        return _split_at_semicolons(seg, base, cell, cuts)
    markers = []
    expected = 1
    for m in _INLINE_MARKER.finditer(seg):
        number = int(m.group(1))
        # a window may open mid-list ("<p>2. …</p>"): its first marker counts whatever its number
        if number == expected or (number == 1 and markers) or (not markers and not seg[:m.start()].strip()):
            markers.append((m.start(), number))
            expected = number + 1
    if not markers:
        markers = _spaced_markers(seg)
    if not markers:
        if from_html:
            return [[_span(cell, base + m.start(), base + m.end()) for m in re.finditer(r"\S+", seg)]]
        return [[_span(cell, base, base + len(seg))]]
    groups: list[list[ItemSpan]] = []
    head = seg[:markers[0][0]]
    if head.strip():
        groups.append([_span(cell, base, base + markers[0][0])])
    for i, (pos, number) in enumerate(markers):
        end = markers[i + 1][0] if i + 1 < len(markers) else len(seg)
        if number == 1 or not groups:
            groups.append([])
        groups[-1].append(_span(cell, base + pos, base + end))
    return groups


def _spaced_markers(seg: str) -> list[tuple[int, int]]:
    """Numbers followed by a space only ("1 职工参保登记 2 就业登记": a copied list that lost its
    dots): markers only when they open the text and run 1, 2, 3 … with nothing out of turn."""
    found = [(m.start(), int(m.group(1))) for m in _SPACED_MARKER.finditer(seg)]
    markers: list[tuple[int, int]] = []
    for pos, number in found:
        if number == len(markers) + 1:
            markers.append((pos, number))
    if len(markers) < 2 or seg[:markers[0][0]].strip():
        return []
    return markers


def _span(cell: str, start: int, end: int) -> ItemSpan:
    text = cell[start:end]
    lead = len(text) - len(text.lstrip())
    trail = len(text.rstrip())
    return ItemSpan(start + lead, start + trail, text.strip())


def parse_item(printed: str) -> ParsedItem:
    """Remove list markers, codes and unit from one printed item.

    >>> parse_item("1 1. 1.5职工参保登记（承办：社保中心参保登记股）")
    ParsedItem(text='职工参保登记', list_no='1', code_as_written='1.1.5', codes=('1.1.5',), unit='社保中心参保登记股')
    """
    text = _HTML_TAG.sub(" ", printed).replace("\n", "")
    list_no = ""
    fused = _FUSED_NUMBER.match(text)
    if fused:                        # "113.4.1档案…": list number 11 run into the code 3.4.1
        list_no, text = fused.group(1), text[fused.end(1):]
    while True:
        m = _LEAD_MARKER.match(text)
        if not m or _CODE.match(text.lstrip()) and not m.group(3) and not m.group(1):
            break
        if not list_no:
            list_no = str(_marker_number(text) or "")
        text = text[m.end():]
    text = _LOST_NUMBER.sub("", text.lstrip(" \t）)】]"))
    codes: list[str] = []
    code_as_written = ""
    lead = _CODE.match(text.lstrip())
    if lead and not re.match(r"[ \t]*(?:%|个(?:工作)?日|个月|日|天|年|号)", text.lstrip()[lead.end():]):
        code_as_written = normalize_code(lead.groups())
        codes.append(code_as_written)
        text = text.lstrip()[lead.end():]
    units = [u.strip() for u in _UNIT.findall(text)]
    text = _UNIT.sub("", text)
    for m in _INNER_CODE.finditer(text):
        code = normalize_code(m.groups())
        if code not in codes:
            codes.append(code)
    text = _INNER_CODE.sub("", text)
    return ParsedItem(text=text.strip(), list_no=list_no, code_as_written=code_as_written,
                      codes=tuple(codes), unit="、".join(u for u in units if u))


_COMPOUND = re.compile(r"^(?P<head>[^（(]+)[（(]含(?P<body>.+?)[）)]?$")


def split_compound(text: str) -> tuple[str, tuple[str, ...]]:
    """"X（含A；B；C）" -> ("X", ("A", "B", "C")); other text -> (text, ()).

    Parts are separated by "；" (a "、" separates parts only when the text has no "；").
    """
    m = _COMPOUND.match(text)
    if not m:
        return text, ()
    body = m.group("body")
    if body.endswith(("）", ")")) and body.count("（") < body.count("）"):
        body = body[:-1]
    separator = "；" if ("；" in body or ";" in body) else "、"
    parts = tuple(p.strip() for p in re.split(rf"[{separator};]", body) if p.strip())
    return m.group("head").strip(), parts
