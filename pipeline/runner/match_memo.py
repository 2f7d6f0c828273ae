"""Match many mentions at once: repeated mentions are matched once.

``match`` (normalizers.match_catalog) reads from a mention only its repaired text, its
printed codes, its list kind, its bundle and scenario names and whether OCR was unsure;
everything else is carried along. So mentions that agree on those (``match_key``) get the
same answer, and ``MatchMemo`` computes it once and re-attaches each mention
(``dataclasses.replace``). The results are exactly those of calling ``match`` per mention
(tested); across a national corpus, where cities repeat the same names, most mentions are
repeats.

    >>> memo = MatchMemo(catalog.index)
    >>> matches = memo.match_all(extraction.mentions)
"""
from __future__ import annotations

from typing import Iterable

from normalizers.match_catalog import OCR_CHECKED, OCR_UNSURE, CatalogIndex, match
from pipeline.core.records import Match, Mention

__all__ = ["match_key", "MatchMemo"]


def match_key(mention: Mention) -> tuple:
    """The parts of a mention that ``match`` reads."""
    return (mention.text, mention.printed_codes, mention.list_kind, mention.bundle_name, mention.scenario_name,
            mention.ocr_confidence < OCR_UNSURE, mention.ocr_confidence < OCR_CHECKED)


class MatchMemo:
    """Answers of ``match`` for one catalog index, keyed by ``match_key``; lives as long as a worker."""

    def __init__(self, index: CatalogIndex) -> None:
        self.index = index
        self._answers: dict[tuple, Match] = {}
        self.hits = 0
        self.misses = 0

    def match(self, mention: Mention) -> Match:
        key = match_key(mention)
        answer = self._answers.get(key)
        if answer is None:
            self.misses += 1
            answer = self._answers[key] = match(mention, self.index)
            return answer
        self.hits += 1
        # dataclasses.replace(answer, mention=mention), spelled out: it is the hot path
        return Match(mention, answer.codes, answer.canonical_id, answer.canonical_name, answer.method, answer.score,
                     answer.reason, answer.needs_review, answer.candidates)

    def match_all(self, mentions: Iterable[Mention]) -> tuple[Match, ...]:
        return tuple(self.match(m) for m in mentions)
