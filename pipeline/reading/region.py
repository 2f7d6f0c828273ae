"""Title and region of a document, from its running text.

``detect_title``: the first block of running-text lines that is not an attachment
mark ("附件1"), a document number ("鲁人社字〔2020〕200号") or a salutation.
``detect_region``: the most specific gazetteer place named in the title; else the
issuer abbreviation of the document number (淄人社函 -> 淄博市); else the place the
text names most often. The manifest in ``raw/`` overrides all of this.
"""
from __future__ import annotations

import re
from collections import Counter

from normalizers.repair_text import to_simplified
from pipeline.catalog.gazetteer import Gazetteer, Place
from pipeline.core.records import Row

__all__ = ["detect_title", "detect_region"]

_LEVEL_RANK = {"district": 3, "city": 2, "province": 1}
_SKIP_LINE = re.compile(r"^\s*(附件\s*\d*[:：]?|[\u4e00-\u9fff]{1,6}〔\d{4}〕\d+号|\(此件.*\)|（此件.*）|\[bookmark.*)\s*$")
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{2,6})[字函发办]*〔\d{4}〕\d+号")


def detect_title(rows: list[Row]) -> str:
    """Join the first block of title lines (markdown ``**`` removed)."""
    lines = [(r.where.line, (r.cells[0] or "").strip()) for r in rows if r.where.table == 0]
    block: list[str] = []
    last_line = None
    for line_no, text in lines:
        if not text or _SKIP_LINE.match(text):
            if block:
                break
            continue
        if block and last_line is not None and line_no - last_line > 1:
            break
        if text.endswith(("：", ":")) or len(text) > 60:
            if block:
                break
            continue
        block.append(text.strip("* "))
        last_line = line_no
        if len(block) >= 4:
            break
    return "".join(block)


def detect_region(title: str, rows: list[Row], gazetteer: Gazetteer) -> Place | None:
    """The place a document is from; traditional characters (白銀區) are read as simplified (白银区)."""
    title = to_simplified(title)
    hits = gazetteer.find(title)
    if hits:
        return max(hits, key=lambda h: (_LEVEL_RANK[h[1].level], -h[0]))[1]
    head = to_simplified("\n".join((r.cells[0] or "") for r in rows[:12] if r.where.table == 0))
    for m in _DOC_NUMBER.finditer(head):
        for prefix, region in gazetteer.doc_number_prefixes:
            if m.group(1).startswith(prefix):
                return gazetteer.by_name(region)
    text = to_simplified("\n".join((c or "") for r in rows for c in r.cells))
    counts = Counter(p for _, p in gazetteer.find(text))
    if not counts:
        return None
    return max(counts.items(), key=lambda kv: (kv[1], _LEVEL_RANK[kv[0].level], kv[0].name))[0]
