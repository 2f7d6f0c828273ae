"""Title and region of a document, from its running text.

``detect_title``: the first block of running-text lines that is not an attachment
mark ("附件1"), a document number ("鲁人社字〔2020〕200号") or a salutation; a block ends
at a blank line, at a line that reads as a sentence or a footnote (ends in 。, starts with 注/说明/备注)
and at the first table row below it.
``locate_region``: the evidence, in order: the places the title names (the most specific one; a name
two places share, such as 朝阳区, is decided by the parent or province named beside it, the issuer's
province or the places the text names); else the issuer of the document number (淄人社函 -> 淄博市,
decided the same way when the abbreviation is shared, 青人社 -> 青岛市 or 青海省); else the place the
text names most often. A name that context does not decide is reported with its candidates instead
of being guessed (``RegionFinding.candidates``). The manifest in ``raw/`` overrides all of this.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from normalizers.repair_text import to_simplified
from pipeline.catalog.gazetteer import Form, Gazetteer, Place
from pipeline.core.records import Row

__all__ = ["detect_title", "detect_region", "locate_region", "RegionFinding"]

_LEVEL_RANK = {"district": 3, "city": 2, "province": 1}
_DOC_NO = r"[\u4e00-\u9fff]{1,8}[〔\[［(（【]\d{4}[〕\]］)）】]\s*\d+\s*号"
_SKIP_LINE = re.compile(r"^\s*(附件\s*\d*[:：]?|%s|\(此件.*\)|（此件.*）|\[bookmark.*)\s*$" % _DOC_NO)
# the issuer's own number stands on a line of its own (a number cited in a sentence is another's)
_DOC_NUMBER = re.compile(r"^\s*([\u4e00-\u9fff]{2,8}?)[〔\[［(（【]\d{4}[〕\]］)）】]\s*\d+\s*号\s*(?:签发人.*)?$", re.M)
# a line that is no part of a title: a footnote or note, or a sentence
_NOT_TITLE = re.compile(r"^\s*(注|说明|备注|附注|\*\s*注|（注|\(注)|[。；;]\s*$")


def detect_title(rows: list[Row]) -> str:
    """Join the first block of title lines (markdown ``**`` removed)."""
    first_table = min((r.where.line for r in rows if r.where.table and r.where.line), default=0)
    lines = [(r.where.line, (r.cells[0] or "").strip()) for r in rows if r.where.table == 0]
    block: list[str] = []
    last_line = None
    for line_no, text in lines:
        if block and first_table and line_no > first_table:
            break                                    # a title does not run on past the table under it
        if not text or _SKIP_LINE.match(text):
            if block:
                break
            continue
        if block and last_line is not None and line_no - last_line > 1:
            break
        if text.endswith(("：", ":")) or len(text) > 60 or _NOT_TITLE.search(text):
            if block:
                break
            continue
        block.append(text.strip("* "))
        last_line = line_no
        if len(block) >= 4:
            break
    return "".join(block)


@dataclass(frozen=True)
class RegionFinding:
    """Where a document is from and how that was found."""

    place: Place | None
    evidence: str = ""                    # title | issuer | text | "" (nothing found)
    form: str = ""                        # the words that named it (青岛, 淄人社函)
    candidates: tuple[Place, ...] = ()    # when the words name several places and context did not decide

    @property
    def ambiguous(self) -> bool:
        return self.place is None and len(self.candidates) > 1

    @property
    def common_province_code(self) -> str:
        """The province code all candidates share ("" when they differ): the province is known even
        when the region itself is not."""
        codes = {c.province_code for c in self.candidates}
        return next(iter(codes)) if len(codes) == 1 else ""


def detect_region(title: str, rows: list[Row], gazetteer: Gazetteer) -> Place | None:
    """The place a document is from (``locate_region(...).place``)."""
    return locate_region(title, rows, gazetteer).place


def locate_region(title: str, rows: list[Row], gazetteer: Gazetteer) -> RegionFinding:
    """The place a document is from; traditional characters (白銀區) are read as simplified (白银区)."""
    title = to_simplified(title)
    head = to_simplified("\n".join((r.cells[0] or "") for r in rows[:12] if r.where.table == 0))
    text = to_simplified("\n".join((c or "") for r in rows for c in r.cells))
    issuer_form, issuer = _issuer(head, gazetteer)
    title_hits = gazetteer.scan(title)
    text_hits = gazetteer.scan(text)
    issuer_provinces = {p.province_code for p in issuer}
    context = _Context(_named(title_hits), _named(text_hits), issuer_provinces if len(issuer_provinces) == 1 else set())
    if title_hits:
        decided = [(context.decide(forms), start, title[start:end]) for start, end, forms in title_hits]
        places, _, form = max(decided, key=lambda d: (max(_LEVEL_RANK.get(p.level, 0) for p in d[0]), -d[1]))
        if len(places) == 1:
            return RegionFinding(places[0], "title", form)
        return RegionFinding(None, "title", form, tuple(sorted(places, key=lambda p: p.code)))
    if issuer:
        places = context.decide(tuple(Form(issuer_form, "issuer", p) for p in issuer))
        if len(places) == 1:
            return RegionFinding(places[0], "issuer", issuer_form)
        return RegionFinding(None, "issuer", issuer_form, tuple(sorted(places, key=lambda p: p.code)))
    counts: Counter[Place] = Counter()
    for _, _, forms in text_hits:
        places = context.decide(forms)
        if len(places) == 1:
            counts[places[0]] += 1
    if not counts:
        return RegionFinding(None)
    place = max(counts.items(), key=lambda kv: (kv[1], _LEVEL_RANK.get(kv[0].level, 0), kv[0].name))[0]
    return RegionFinding(place, "text", place.name)


def _named(hits) -> set[str]:
    """Codes of the places the hits name for sure (a name two places share is no context for either)."""
    return {forms[0].place.code for _, _, forms in hits if len({f.place for f in forms}) == 1 and forms[0].place.code}


def _issuer(head: str, gazetteer: Gazetteer) -> tuple[str, tuple[Place, ...]]:
    """The document number's issuer abbreviation and the places it may stand for (longest prefix wins)."""
    for m in _DOC_NUMBER.finditer(head):
        word = m.group(1)
        matching = [(prefix, region) for prefix, region in gazetteer.doc_number_prefixes if word.startswith(prefix)]
        if not matching:
            continue
        longest = max(len(prefix) for prefix, _ in matching)
        places = {gazetteer.by_name(region) for prefix, region in matching if len(prefix) == longest}
        places.discard(None)
        if places:
            return word, tuple(sorted(places, key=lambda p: (p.code, p.name)))
    return "", ()


@dataclass(frozen=True)
class _Context:
    """What the rest of the document says, to choose among places that share a name."""

    title_codes: set[str]
    text_codes: set[str]
    issuer_provinces: set[str]

    def score(self, form: Form) -> float:
        p = form.place
        ancestors = {p.parent, p.province_code} - {p.code, ""}
        score = 0.0
        if ancestors & self.title_codes:
            score += 4
        if p.province_code in self.issuer_provinces:
            score += 2
        if ancestors & self.text_codes:
            score += 1
        if p.code in self.text_codes or p.code in self.title_codes:
            score += 1                    # the place itself is named elsewhere (青岛市人力资源和社会保障局)
        inside = p.code[:2] if p.level == "province" else p.code[:4] if p.level == "city" else ""
        if inside and p.code and any(c.startswith(inside) and c != p.code for c in self.text_codes | self.title_codes):
            score += 1                    # a place inside it is named (西宁市 for 青海省)
        if form.kind != "former":
            score += 0.5                  # a current name before a former one
        return score

    def decide(self, forms: tuple[Form, ...]) -> tuple[Place, ...]:
        """The one place the forms most likely denote, or every place tied for it."""
        places: dict[Place, float] = {}
        for form in forms:
            places[form.place] = max(places.get(form.place, -1.0), self.score(form))
        top = max(places.values())
        # a tie stays a tie (甘人社 with 甘肃省 and 甘南州 both named: the province's notice or 甘南's?): flagged,
        # not guessed
        return tuple(p for p, s in places.items() if s == top)
