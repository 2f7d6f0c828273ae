"""Names run together: catalog names of a list that one mention holds end to end.

A copy that cut cells where the page wrapped them (a PDF viewer's copy, a PDF without ruling
lines, a whitespace-aligned export) joins a line to the next when it fills the column: an item
whose name fills the width exactly is then joined to the item below it
("职工提前退休（退职）申请特殊工种提前退休资格核准"). Such a text is no name of the catalog, but it
is several, end to end; each part is then an item. Pure function of the text and the catalog index.

>>> from normalizers.match_catalog import build_index
>>> from pipeline.core.records import CatalogItem
>>> index = build_index([CatalogItem("1.6.3", "职工提前退休（退职）申请", "1.6.3", ""),
...                      CatalogItem("1.6.5", "特殊工种提前退休资格核准", "1.6.5", "")], [])
>>> text = "职工提前退休（退职）申请特殊工种提前退休资格核准"
>>> [text[a:b] for a, b in split_run_on(text, index)]
['职工提前退休（退职）申请', '特殊工种提前退休资格核准']
>>> split_run_on("职工提前退休（退职）申请", index)
[]
"""
from __future__ import annotations

from normalizers.match_catalog import CatalogIndex
from normalizers.repair_text import key_positions

__all__ = ["split_run_on", "is_known_name", "MIN_PART", "MAX_PARTS"]

# Name-key characters of each part: shorter known names (就业, 社保) run into longer ones by chance.
MIN_PART = 4
# Parts one text may hold; the longest part tried (name-key characters).
MAX_PARTS = 4
_LONGEST = 40


def split_run_on(text: str, index: CatalogIndex) -> list[tuple[int, int]]:
    """Spans (start, end in ``text``) of the catalog names or aliases ``text`` runs together, when
    ``text`` itself is none and 2 to ``MAX_PARTS`` of them cover it whole; else ``[]``."""
    if "；" in text or "含" in text:
        return []      # a compound ("X（含A；B）") is split by split_compound, a list of parts by its "；"
    positions = key_positions(text)
    key = "".join(text[i] for i in positions)
    n = len(key)
    exact, aliases = index.exact, index.aliases
    if n < 2 * MIN_PART or n > MAX_PARTS * _LONGEST or key in exact or key in aliases:
        return []
    # fewest parts covering key[:j], grown forward from the positions reached (a local name that
    # opens with no known name costs one look per length)
    best: list[tuple[tuple[int, int], ...] | None] = [None] * (n + 1)
    best[0] = ()
    for i in range(n - MIN_PART + 1):
        before = best[i]
        if before is None or len(before) >= MAX_PARTS:
            continue
        for j in range(i + MIN_PART, min(n, i + _LONGEST) + 1):
            part = key[i:j]
            if (part in exact or part in aliases) and (best[j] is None or len(before) + 1 < len(best[j])):
                best[j] = before + ((i, j),)
    parts = best[n]
    if not parts or len(parts) < 2:
        return []
    return [(positions[i], positions[j - 1] + 1) for i, j in parts]


def _known(key: str, index: CatalogIndex) -> bool:
    return key in index.exact or key in index.aliases


def is_known_name(text: str, index: CatalogIndex) -> bool:
    """Is the (repaired) text a name or an alias of the catalog, as ``name_key`` compares them?"""
    return _known("".join(text[i] for i in key_positions(text)), index)
