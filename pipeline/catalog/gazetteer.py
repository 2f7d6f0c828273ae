"""The gazetteer: places lists are issued by (``regions.tsv``) and document-number issuers
(``doc_number_prefixes.tsv``), and where a text names them."""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Place", "Gazetteer"]


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    short: str
    province: str
    level: str


@dataclass(frozen=True)
class Gazetteer:
    places: tuple[Place, ...]
    doc_number_prefixes: tuple[tuple[str, str], ...] = ()

    def by_name(self, name: str) -> Place | None:
        return next((p for p in self.places if p.name == name), None)

    def find(self, text: str) -> list[tuple[int, Place]]:
        """(position, place) for every place named in ``text``; a longer name hides shorter ones inside it."""
        hits: list[tuple[int, int, Place]] = []
        for place in self.places:
            for name in {place.name, place.short}:
                if len(name) < 2:
                    continue
                for m in re.finditer(re.escape(name), text):
                    hits.append((m.start(), m.end(), place))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        kept: list[tuple[int, int, Place]] = []
        for start, end, place in hits:
            if any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in kept):
                continue
            kept.append((start, end, place))
        return [(s, p) for s, _, p in kept]
