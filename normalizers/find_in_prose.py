"""Find item mentions in prose with a spaCy pipeline (``spacy.blank("zh")``, no model).

The blank Chinese pipeline segments on characters, so catalog names are found on
characters, never hidden by word boundaries (jieba cuts 城乡居民|养老保险…, 申请书 …).
The ``catalog_mentions`` component marks:
- ``ITEM``: every clause of an enumeration ("包括A、B、C。"), split on 、；。;
- ``CATALOG``: outside enumerations, every catalog name or alias found verbatim.
Found mentions become ``doc.ents`` so ``spacy.displacy.render(doc, style="ent")``
shows a reviewer what was found in a notice.

>>> nlp = build_prose_nlp(["就业登记"])
>>> [e.text for e in nlp("包括单位就业登记、个人住房公积金账户设立。").ents]
['单位就业登记', '个人住房公积金账户设立']
"""
from __future__ import annotations

import re
from typing import Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

__all__ = ["build_prose_nlp", "CatalogMentions", "render_mentions"]

_ENUMERATION = re.compile(r"(?:包括|包含)[:：∶]?(?P<body>[^。\n]+)")
# separators outside brackets only: "统筹地区以外交通、食宿费申领（含A、B）" keeps its inner 、
_CLAUSE_SPLIT = re.compile(r"[、；;。，,](?![^（(]*[）)])")


class CatalogMentions:
    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names: list[str] = []
        self.add_names(names)

    def add_names(self, names: Iterable[str]) -> None:
        self.names = sorted(set(self.names) | {n for n in names if len(n) >= 3}, key=lambda n: (-len(n), n))
        self._pattern = re.compile("|".join(re.escape(n) for n in self.names)) if self.names else None

    def __call__(self, doc: Doc) -> Doc:
        spans: list[tuple[int, int, str]] = []
        text = doc.text
        for m in _ENUMERATION.finditer(text):
            pos = m.start("body")
            for clause in _CLAUSE_SPLIT.split(m.group("body")):
                stripped = clause.strip()
                if 2 <= len(stripped) <= 40:
                    start = pos + clause.index(stripped)
                    spans.append((start, start + len(stripped), "ITEM"))
                pos += len(clause) + 1
        if self._pattern is not None:
            for m in self._pattern.finditer(text):
                if not any(s <= m.start() < e or s < m.end() <= e for s, e, _ in spans):
                    spans.append((m.start(), m.end(), "CATALOG"))
        ents: list[Span] = []
        for start, end, label in sorted(spans):
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is not None and not any(span.start < e.end and e.start < span.end for e in ents):
                ents.append(span)
        doc.ents = ents
        return doc


@Language.factory("catalog_mentions")
def _make_catalog_mentions(nlp: Language, name: str) -> CatalogMentions:
    return CatalogMentions()


def build_prose_nlp(names: Iterable[str]) -> Language:
    """A blank Chinese pipeline whose ``catalog_mentions`` component knows ``names``."""
    nlp = spacy.blank("zh")
    component = nlp.add_pipe("catalog_mentions")
    component.add_names(names)
    return nlp


def render_mentions(nlp: Language, text: str) -> str:
    """HTML (displaCy) marking every mention found in ``text``, for a reviewer to look at."""
    from spacy import displacy
    return displacy.render(nlp(text), style="ent", page=True, jupyter=False,
                           options={"colors": {"ITEM": "#ffe08a", "CATALOG": "#a6e3a1"}})
