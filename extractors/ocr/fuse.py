"""Two readings of one printed line -> one text, which engine gave what, and a confidence that means something.

Steps, in order (used by `extractors.ocr.read_scan.chars_to_tables` when PP-OCR is installed):
1. ``split_lead``: a line's lead (list markers, circled numbers, 序号 digits, printed codes:
   "①1.10.1", "2.", "6-3") and its body (the words after it).
2. ``fuse_line``: the lead as Tesseract read it (PP-OCR's character set lacks ⑤⑥⑦⑨–⑳ and
   fuses them into the code after them: "⑤1.10.1" -> "51.10.1"; the rings are found in the
   image, `extractors.ocr.marks`), the body as PP-OCR read it (99.9% of characters right
   against 98.5%, TOOLCHAIN.md). The confidence combines both engines' scores with their
   agreement: the bodies' similarity and whether the leads give the same digits. Marks PP-OCR
   read before the code Tesseract read (what is left of a ring: "d01.1.5…") go, and the line
   is unsure. A line PP-OCR read surely is read by Tesseract only at its lead
   (`extractors.ocr.lead`): then its confidence is PP-OCR's score with the leads' check.
3. ``check_list_numbers``: the domain's own check inside a cell: list numbers run 1, 2, 3 (and
   circled ①②③); a line whose number breaks the run, or a cell whose numbers repeat, gets at
   most ``BROKEN_SEQUENCE``.
Confidences are 0..1; `normalizers.match_catalog` flags a mention for review below its
thresholds (calibrated with ``python -m pipeline.bench ocr --degraded``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

__all__ = ["split_lead", "fuse_line", "Fused", "check_list_numbers", "BROKEN_SEQUENCE", "ALONE", "LEAD_DISAGREES",
           "JUNK_LEAD", "SUREST"]

# circled numbers, digits, the dots/commas/dashes between them and spaces, at the start of a line
_LEAD = re.compile(r"^[\s\u2460-\u2473]*(?:\d+\s*(?:[.．、,，\-－]\s*(?=\d|[\u3400-\u9fff(（《“\"]))?)*[\s.．、]*")
_WIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ";": "；", ",": "，", "\"": "”", "'": "’", "“": "”",
                        "‘": "’", "—": "一", "-": "一"})

# Set before the degraded scans were measured (pipeline.bench ocr --degraded); the tune half's sweep of the
# review thresholds showed the wrong readings above all of these, so they were not moved:
ALONE = 0.7            # a line only one engine read: at most this (no second opinion)
LEAD_DISAGREES = 0.5   # the leads give other digits (a code or list number read two ways): at most this
BROKEN_SEQUENCE = 0.5  # see check_list_numbers
JUNK_LEAD = 0.4        # PP-OCR read marks before the code Tesseract read ("d01.1.5…" for "④1.1.5…": a ring it
                       # misread): the marks go, and the line is unsure whatever matched (below OCR_UNSURE)
SUREST = 0.999         # OCR is never as sure as a text layer (1.0 means "not read by OCR", `Mention.ocr_confidence`)


@dataclass(frozen=True)
class Fused:
    text: str
    confidence: float
    engine: str        # "ppocr", "tesseract" or "ppocr+tesseract" (lead by Tesseract, body by PP-OCR)


def split_lead(text: str) -> tuple[str, str]:
    """(lead, body): "①1.1.5职工参保登记" -> ("①1.1.5", "职工参保登记"); "2.就业登记" -> ("2.", "就业登记")."""
    m = _LEAD.match(text)
    cut = m.end() if m else 0
    return text[:cut], text[cut:]


def _digits(lead: str) -> str:
    return "".join(c for c in lead if c in "0123456789")   # "①".isdigit() is True


def _same(a: str, b: str) -> float:
    """Similarity 0..1 of two bodies, punctuation widths and spaces aside."""
    a, b = "".join(a.translate(_WIDTH).split()), "".join(b.translate(_WIDTH).split())
    if not a and not b:
        return 1.0
    return fuzz.ratio(a, b) / 100


def fuse_line(tesseract: str, tess_conf: float, ppocr: str, pp_score: float, whole: bool = True) -> Fused:
    """One line read by both engines (either text may be ""), see step 2.

    ``whole``: False when Tesseract read only the line's lead, or nothing of it (PP-OCR read the line
    surely: `extractors.ocr.lead`): the words are PP-OCR's and so is the confidence, with the check of
    the leads (a lead PP-OCR read that Tesseract did not confirm is unsure); what Tesseract read past
    the lead is a sliver of the next character and goes.

    >>> fuse_line("①1.10.1社会保摩卡申领", 0.9, "51.10.1社会保障卡申领", 0.99).text
    '①1.10.1社会保障卡申领'
    >>> fuse_line("①1.10.1", 0.9, "51.10.1社会保障卡申领", 0.99, whole=False)
    Fused(text='①1.10.1社会保障卡申领', confidence=0.99, engine='ppocr+tesseract')
    """
    tesseract, ppocr = _ones(tesseract.strip()), ppocr.strip()
    if not whole:
        tesseract = split_lead(tesseract)[0].strip()
    ppocr, junk = _drop_junk_before_lead(split_lead(tesseract)[0], ppocr)
    if not ppocr:
        return Fused(tesseract, min(tess_conf, ALONE), "tesseract")
    if not tesseract and whole:
        return Fused(ppocr, min(pp_score, ALONE), "ppocr")
    if not tesseract:
        unconfirmed = bool(_digits(split_lead(ppocr)[0]))
        return Fused(ppocr, min(round(min(pp_score, LEAD_DISAGREES) if unconfirmed else pp_score, 3), SUREST),
                     "ppocr")
    t_lead, t_body = split_lead(tesseract)
    p_lead, p_body = split_lead(ppocr)
    t_digits, p_digits = _digits(t_lead), _digits(p_lead)
    circled = any("\u2460" <= c <= "\u2473" for c in t_lead)
    if t_lead.strip():
        rings = "".join(c for c in t_lead if "\u2460" <= c <= "\u2473")
        p_plain = "".join(c for c in p_lead if not "\u2460" <= c <= "\u2473").lstrip()
        # PP-OCR fuses a circled number it lacks into the code after it ("⑤1.10.1" -> "51.10.1")
        fused = circled and p_digits != t_digits and p_digits.endswith(t_digits) and \
            0 < len(p_digits) - len(t_digits) <= 2
        if fused:
            extra = len(p_digits) - len(t_digits)
            p_plain = _drop_digits(p_plain, extra)
        leads_agree = t_digits == p_digits or fused
        # the same digits: PP-OCR's punctuation (it reads the full stop of "2." that Tesseract skips, "①11.5"),
        # the rings as found in the image; Tesseract lost the digits ("① .职工…" for "①1.1.5职工…"): PP-OCR's
        # digits after the rings, but unsure (leads_agree stays False)
        lead = rings + p_plain if leads_agree or (not t_digits and p_digits) else t_lead
    else:
        lead = p_lead
        leads_agree = not p_digits
    body = p_body if p_body.strip() else t_body
    agreement = _same(t_body, p_body) if whole else 1.0
    confidence = pp_score * agreement ** 2
    if agreement == 1.0 and whole:
        confidence = max(confidence, tess_conf)
    if not leads_agree:
        confidence = min(confidence, LEAD_DISAGREES)
    if junk:
        confidence = min(confidence, JUNK_LEAD)
    engine = "ppocr+tesseract" if lead.strip() else "ppocr"
    if not p_body.strip():
        engine = "tesseract"
    sep = " " if lead and body and lead[-1].isdigit() and body[0].isdigit() else ""
    return Fused(lead + sep + body, min(round(confidence, 3), SUREST), engine)


# chi_sim reads the 1 of a code as I, l or | ("7-I正常退休" for "7-1 正常退休", tune half, stamp_300dpi): after a
# digit and the dot or dash of a code, at a line's start, such a letter is the digit
_ONE_AS_LETTER = re.compile(r"^([\s\u2460-\u2473]*(?:\d+\s*[.．\-－]\s*)+)[Il|](?=[\s\d.．\-－]|[\u3400-\u9fff])")


def _ones(text: str) -> str:
    """``text`` with the letters of its lead that stand for 1 made 1 (see ``_ONE_AS_LETTER``)."""
    for _ in range(3):
        fixed = _ONE_AS_LETTER.sub(lambda m: m.group(1) + "1", text, count=1)
        if fixed == text:
            break
        text = fixed
    return text


def _drop_junk_before_lead(t_lead: str, ppocr: str) -> tuple[str, bool]:
    """(PP-OCR's text, were marks dropped?): a few marks that are not words (no CJK) before the code or
    number Tesseract read at the line's start ("d01.1.5职工…" against "④1.1.5职工…") are what is left of
    a ring or a speck; they go, and the line is unsure (``JUNK_LEAD``)."""
    core = "".join(c for c in t_lead if not "\u2460" <= c <= "\u2473").strip().rstrip(".．、 ")
    if not _digits(core) or _digits(split_lead(ppocr)[0]):
        return ppocr, False
    at = ppocr.find(core, 0, len(core) + _JUNK_MAX)
    if at <= 0 or re.search(r"[\u3400-\u9fff]", ppocr[:at]):
        return ppocr, False
    return ppocr[at:], True


_JUNK_MAX = 4   # marks at most before the code


def _drop_digits(lead: str, n: int) -> str:
    """``lead`` without its first ``n`` digits (those PP-OCR made of a circled number)."""
    k = 0
    while n and k < len(lead):
        if lead[k] in "0123456789":
            n -= 1
        k += 1
    return lead[k:]


def check_list_numbers(texts: list[str]) -> list[bool]:
    """Per line of a cell: does its list number (if any) break the run 1, 2, 3 (or ①②③) of the cell?

    >>> check_list_numbers(["1.职工参保登记", "2.就业登记", "2.劳动用工备案"])
    [False, False, True]

    The first number may be any (a cell going on from the page before starts at "5.").
    """
    from extractors.pdf_lines import list_label
    out, last = [], None
    for text in texts:
        label = list_label(text)
        if label is None:
            out.append(False)
            continue
        broken = last is not None and label != last + 1   # a cell cut by a page break may start at 5.
        out.append(bool(broken))
        last = label
    return out
