"""The header vocabulary: which words head which column, and whether a row is a header row.

The words are data (``raw/catalog/header_words.tsv``: word, field, source; every row says
where the word was seen), loaded once into a `HeaderVocabulary` that every reader shares: the
text and PDF extractors find header rows with it, the layout reader maps header cells to
fields. Words are compared as ``header_key`` gives them: NFKC, no spaces, line breaks or
quote marks, full-width brackets. A word may name several fields (打包事项 holds the items in
one list and a scope in another): ``lookup`` gives them all, commonest first, and the layout
reader lets the column's content decide. A word written ``*时限`` is a part: it names the
field of a header that contains it and matched no word; parts are tried in file order, so
the qualifiers (承诺, 必办, 主题) come before the heads they qualify (时限, 事项).

>>> v = HeaderVocabulary.from_rows([("序号", "no", "seeds"), ("事项名称", "item", "seeds"), ("*时限", "time_limit", "")])
>>> v.lookup("序 号"), v.lookup("事项名称主项"), v.lookup("承诺办理时限")[:2]
((('no',), 'exact', 1.0), ((), '', 0.0), (('time_limit',), 'part'))
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from pipeline.core.files import shipped_catalog_dir

__all__ = ["HeaderVocabulary", "header_key", "DEFAULT_HEADER_WORDS", "FIELDS_READ"]

DEFAULT_HEADER_WORDS = shipped_catalog_dir() / "header_words.tsv"
# Fields the list readers use; the vocabulary also knows columns they leave alone (basis, fee, …).
FIELDS_READ = ("no", "bundle_name", "scenario", "required", "situational", "items", "item", "role", "scope",
               "notes", "duty", "method", "process", "time_limit", "current_limit", "target_limit", "lead",
               "partners", "unit", "channels", "category", "main", "sub", "content", "target")
# rapidfuzz ratio from which a header read with a slip (OCR drops a bracket: "事项名称主项）" scores 93)
# still names the word's field; below it, "事项名称" and "事项名称（主项）" (ratio 80) stay apart.
HEADER_SIMILARITY = 85
_PART_SCORE = 0.7


def header_key(text: str | None) -> str:
    """The cell text as a header word: NFKC, no spaces, line breaks or quote marks, full-width brackets.

    >>> header_key(" 序 号 ")
    '序号'
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\s\"“”'‘’「」]", "", text)
    return text.replace("(", "（").replace(")", "）")


@dataclass(frozen=True)
class HeaderVocabulary:
    words: dict[str, tuple[str, ...]]       # header key -> fields, commonest first
    parts: tuple[tuple[str, str], ...] = ()  # (part, field), in file order: the first found names the field

    @classmethod
    def from_rows(cls, rows) -> "HeaderVocabulary":
        """From (word, field, source) rows, in file order (a word's first field is its commonest)."""
        words: dict[str, list[str]] = {}
        parts: list[tuple[str, str]] = []
        for word, field_, _source in rows:
            if word.startswith("*"):
                parts.append((header_key(word[1:]), field_))
                continue
            fields = words.setdefault(header_key(word), [])
            if field_ not in fields:
                fields.append(field_)
        return cls({k: tuple(v) for k, v in words.items()}, tuple(parts))

    @classmethod
    def load(cls, path: Path) -> "HeaderVocabulary":
        with Path(path).open(encoding="utf-8-sig", newline="") as fh:
            return cls.from_rows((r["word"], r["field"], r.get("source", "")) for r in csv.DictReader(fh, delimiter="\t"))

    @staticmethod
    def default() -> "HeaderVocabulary":
        """The vocabulary shipped in ``raw/catalog/`` (for readers called without a catalog)."""
        return _default()

    def lookup(self, text: str | None) -> tuple[tuple[str, ...], str, float]:
        """(fields, how, score) the header text names: exact, fuzzy (score = ratio / 100) or part; ((), "", 0)."""
        key = header_key(text)
        if not key:
            return (), "", 0.0
        if key in self.words:
            return self.words[key], "exact", 1.0
        if len(key) >= 4:
            best = process.extractOne(key, self.words.keys(), scorer=fuzz.ratio, score_cutoff=HEADER_SIMILARITY)
            if best is not None:
                return self.words[best[0]], "fuzzy", round(best[1] / 100, 2)
        if len(key) <= 20:
            for part, field_ in self.parts:       # in file order: qualifiers (承诺, 必办) before heads (时限, 事项)
                if part in key:
                    return (field_,), "part", _PART_SCORE
        return (), "", 0.0

    def is_header_word(self, text: str | None) -> bool:
        return header_key(text) in self.words

    def is_header(self, cells) -> bool:
        """True when at least two cells, and most non-empty ones, are header words."""
        keys = [header_key(c) for c in cells if c and c.strip()]
        hits = sum(1 for k in keys if k in self.words)
        return hits >= 2 and hits * 2 >= len(keys)


@lru_cache(maxsize=1)
def _default() -> HeaderVocabulary:
    return HeaderVocabulary.load(DEFAULT_HEADER_WORDS)
