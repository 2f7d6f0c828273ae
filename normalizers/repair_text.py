"""Text repair: pure ``str -> str`` functions, one concern each, composed in one order.

Each repair is idempotent and total (no string makes it raise). ``repair`` applies
them in this order:

1. ``normalize_width``   NFKC (full-width digits/letters -> ASCII), Chinese punctuation
                         kept full-width: （）；：，
2. ``to_simplified``     traditional -> simplified characters (OpenCC t2s)
3. ``join_broken_words`` stray spaces and line breaks inside Chinese words removed
4. ``fix_ocr_slips``     variants and OCR slips OpenCC leaves alone (髙, 中请, —次性 …)
5. ``collapse_repeated_head``  "养老保险关系转移接续养老保险关系转移接续（含…" -> one head

>>> repair("髙等学校等毕业生接收手续 办理")
'高等学校等毕业生接收手续办理'
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "repair", "normalize_width", "to_simplified", "fix_ocr_slips",
    "join_broken_words", "collapse_repeated_head", "name_key", "key_positions", "strip_parentheticals",
]

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "（）《》“”‘’、，。；：！？【】〔〕"

# ASCII punctuation that Chinese lists print full-width; NFKC turns them ASCII, we turn them back.
_TO_FULLWIDTH = str.maketrans({"(": "（", ")": "）", ";": "；", ":": "：", ",": "，", "?": "？", "!": "！", "∶": "："})

# Slips that OpenCC does not know: character variants and OCR confusions seen in scans.
# Keys must not occur in correct text (each was checked against the catalog names).
_OCR_SLIPS = (
    ("髙", "高"),
    ("遺", "遗"),
    ("中请", "申请"),
    ("—次性", "一次性"),
    ("－次性", "一次性"),
    ("凖", "准"),
    ("廸", "迪"),
    ("専", "专"),
    ("険", "险"),
    ("労", "劳"),
    ("働", "动"),
    # chi_sim reads 申 as 电 in these (scanned fixtures, issue 8); the phrases never occur as printed
    ("增减电报", "增减申报"),
    ("补缴电报", "补缴申报"),
    # look-alike characters chi_sim confuses on the 200/300 dpi scans (issue 8), in pairs that are no words
    ("电请", "申请"),
    ("退体", "退休"),
    ("稿岗", "稳岗"),
)


def normalize_width(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_TO_FULLWIDTH)
    return text.replace("\u3000", " ").replace("\xa0", " ")


@lru_cache(maxsize=1)
def _converter():
    import opencc  # opencc-python-reimplemented
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    if text.isascii():
        return text
    return _converter().convert(text)


def fix_ocr_slips(text: str) -> str:
    for wrong, right in _OCR_SLIPS:
        if wrong in text:
            text = text.replace(wrong, right)
    return text


_SPACE_IN_WORD = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}])[ \t\n\r]+(?=[{_CJK}{_CJK_PUNCT}])")
_SPACE_BEFORE_CJK = re.compile(rf"(?<=[0-9%])[ \t]+(?=[{_CJK}])")


def join_broken_words(text: str) -> str:
    """Remove whitespace between Chinese characters ("转 移接续" -> "转移接续"); trim."""
    text = _SPACE_IN_WORD.sub("", text)
    text = _SPACE_BEFORE_CJK.sub("", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


_REPEATED_HEAD = re.compile(rf"^([{_CJK}]{{4,}}?)\1+(?=[（{_CJK}]|$)")


def collapse_repeated_head(text: str) -> str:
    """A head printed twice by a copy slip is printed once."""
    return _REPEATED_HEAD.sub(r"\1", text)


# Repairs are pure, and a corpus repeats its texts (every city prints the same catalog names, every
# cell is repaired again by the layout reader, the splitter and the matcher): at 300 generated
# documents repair was called 298,000 times and OpenCC took a third of the reading time. A bounded
# memo of the answers (a few MB per process) changes no answer.
_MEMO = 1 << 16


@lru_cache(maxsize=_MEMO)
def repair(text: str) -> str:
    """All repairs in order. Idempotent: ``repair(repair(s)) == repair(s)``."""
    if not text:
        return ""
    # Words are joined before slips are fixed ("维护中 请"); a slip fixed can in turn make a
    # head repeat, so the chain runs until nothing changes (twice for every seed line).
    for _ in range(4):
        before = text
        for step in (normalize_width, to_simplified, join_broken_words, fix_ocr_slips, collapse_repeated_head):
            text = step(text)
        if text == before:
            break
    return text


_PAREN = re.compile(r"（[^（）]*）")


def strip_parentheticals(text: str) -> str:
    """Remove balanced （…） groups, innermost first: "社会保障卡申领（成年人）" -> "社会保障卡申领"."""
    previous = None
    while previous != text:
        previous = text
        text = _PAREN.sub("", text)
    return text


_KEY_DROP = re.compile(r"[\s《》“”\"'‘’·•．.。，,、；;：:！!？?\-—_/]")


@lru_cache(maxsize=_MEMO)
def name_key(text: str) -> str:
    """The comparison key of a name: repaired, without spaces and punctuation except parentheses."""
    return _KEY_DROP.sub("", repair(text))


def key_positions(repaired: str) -> list[int]:
    """Where the characters of ``name_key`` stand in a text already repaired (``repair`` is idempotent):
    ``"".join(repaired[i] for i in key_positions(repaired)) == name_key(repaired)``.

    >>> key_positions("《就业》 登记")
    [1, 2, 5, 6]
    """
    return [i for i, ch in enumerate(repaired) if not _KEY_DROP.match(ch)]
