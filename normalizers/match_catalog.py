"""Map a mention onto the canonical catalog: an ordered ladder, first rung that decides wins.

Rungs: review decision -> printed code (trusted only when the name beside it agrees)
-> exact name -> alias -> compound "X（含A；B）" (each part on its own) -> name without
parentheses -> fuzzy (rapidfuzz, guarded against insurance/agency/action conflicts)
-> none. Whenever several items share the winning name (求职创业补贴申领 is 2.6.4 for
就业困难人员 and 2.7.3 for 高校毕业生) the context (bundle and scenario names) decides.

"Not in the catalog" is an honest answer: ``codes == ()`` with a stable ``X-`` id.
Proposing candidates (``rank_candidates``) is kept apart from choosing (``match``).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from normalizers.repair_text import name_key, strip_parentheticals
from normalizers.split_mentions import split_compound
from pipeline.core.i18n import t
from pipeline.core.records import Candidate, CatalogItem, Match, Mention

__all__ = ["CatalogIndex", "build_index", "match", "rank_candidates", "local_id", "decision_key", "ocr_needs_review",
           "OCR_UNSURE", "OCR_CHECKED", "OCR_CHECKED_METHODS"]

# Fuzzy thresholds, chosen on the seeds' 482 mentions (python -m pipeline.bench accuracy):
# at >= 92 with a margin of 4 over the next item no accepted match was wrong; 80-92 holds
# right and wrong matches alike, so it goes to review with the best code kept as a suggestion.
FUZZY_ACCEPT = 92
FUZZY_MARGIN = 4
FUZZY_SUGGEST = 80
# A printed code is trusted when its catalog name and the printed name agree this well.
CODE_NAME_AGREE = 75

_CODE = re.compile(r"[1-4]\.\d{1,2}\.\d{1,2}")   # a catalog code (fullmatch), or one inside a text (search)
_CHANNEL_WORDS = re.compile(r"(网上|线上|在线|掌上|功能)")
# Words that must not differ between a mention and the item it is matched to.
_EXCLUSIVE_GROUPS = (
    ("养老", "医疗", "工伤", "失业", "生育"),
    ("高校毕业生", "就业困难人员"),
    ("申领", "查询", "打印"),
)
_MUST_SHARE = ("医疗", "医保", "公积金", "查询", "打印", "证明", "年金", "考试", "邮寄")


@dataclass(frozen=True)
class CatalogIndex:
    items: dict[str, CatalogItem]
    exact: dict[str, tuple[str, ...]]          # name_key -> item ids
    loose: dict[str, tuple[str, ...]]          # name_key without parentheses -> item ids
    aliases: dict[str, tuple[str, ...]]        # name_key of alias -> item ids
    decisions: dict[tuple[str, str], str] = field(default_factory=dict)   # (key, context) -> id or "none"
    unsure_aliases: frozenset[str] = frozenset()   # alias keys whose target is only a default
    choices: tuple[str, ...] = ()              # fuzzy choice keys
    choice_ids: tuple[str, ...] = ()


def local_id(text: str) -> str:
    """Stable id of an item without a national code: ``X-`` + 8 hex digits of its name key."""
    return "X-" + hashlib.sha1(name_key(text).encode("utf-8", "surrogatepass")).hexdigest()[:8]


def decision_key(mention: Mention) -> tuple[str, str]:
    """Review decisions apply to the same repaired text in the same context, in any city."""
    return name_key(mention.text), mention.list_kind + ":" + name_key(mention.bundle_name)


def build_index(items: list[CatalogItem], aliases: list[tuple[str, str, bool]],
                decisions: dict[tuple[str, str], str] | None = None) -> CatalogIndex:
    """``aliases`` are (alias, item id, is_unsure) triples; ids must be in ``items``."""
    by_id = {item.item_id: item for item in items}
    exact: dict[str, list[str]] = {}
    loose: dict[str, list[str]] = {}
    for item in sorted(items):
        exact.setdefault(name_key(item.name), []).append(item.item_id)
        loose.setdefault(name_key(strip_parentheticals(item.name)), []).append(item.item_id)
    alias_map: dict[str, list[str]] = {}
    unsure = set()
    for alias, target, is_unsure in sorted(aliases):
        alias_map.setdefault(name_key(alias), []).append(target)
        if is_unsure:
            unsure.add(name_key(alias))
    choices = sorted({(k, i) for k, ids in list(exact.items()) + list(alias_map.items()) for i in ids})
    return CatalogIndex(
        by_id, {k: tuple(v) for k, v in exact.items()}, {k: tuple(v) for k, v in loose.items()},
        {k: tuple(v) for k, v in alias_map.items()}, dict(decisions or {}), frozenset(unsure),
        tuple(k for k, _ in choices), tuple(i for _, i in choices))


def rank_candidates(text: str, index: CatalogIndex, limit: int = 5) -> list[Candidate]:
    """Best catalog items for ``text`` by fuzzy score, conflicts removed, one entry per item."""
    key = _CHANNEL_WORDS.sub("", name_key(text))
    if not key:
        return []
    loose_key = name_key(strip_parentheticals(text))
    hits = process.extract(key, index.choices, scorer=fuzz.WRatio, limit=limit * 4)
    if loose_key and loose_key != key:
        hits += process.extract(loose_key, index.choices, scorer=fuzz.WRatio, limit=limit * 4)
    best: dict[str, Candidate] = {}
    for choice, score, pos in hits:
        item_id = index.choice_ids[pos]
        if _conflicts(key, choice):
            continue
        if item_id not in best or score > best[item_id].score:
            best[item_id] = Candidate(item_id, index.items[item_id].name, round(float(score), 1))
    return sorted(best.values(), key=lambda c: (-c.score, c.item_id))[:limit]


def _conflicts(mention_key: str, candidate_key: str) -> bool:
    for group in _EXCLUSIVE_GROUPS:
        mine = {w for w in group if w in mention_key}
        theirs = {w for w in group if w in candidate_key}
        if mine and theirs and not mine & theirs:
            return True
    return any(w in mention_key and w not in candidate_key for w in _MUST_SHARE)


def match(mention: Mention, index: CatalogIndex) -> Match:
    """The ladder (see module docstring). Total: every mention gets a Match."""
    text = mention.text
    if not name_key(text):
        return _result(mention, index, (), "none", 0, "the mention has no text", True)
    decided = index.decisions.get(decision_key(mention))
    if decided is not None:
        ids = () if decided == "none" else tuple(decided.split("+"))
        return _result(mention, index, ids, "review", 100, t("a reviewer decided this text in this context"), False)
    by_code = _by_printed_code(mention, index)
    if by_code is not None:
        return by_code
    return _by_name(mention, index, text, allow_compound=True)


def _by_name(mention: Mention, index: CatalogIndex, text: str, allow_compound: bool) -> Match:
    key = name_key(text)
    for method, table, score in (("exact", index.exact, 100), ("alias", index.aliases, 98)):
        if key in table:
            return _decide(mention, index, table[key], method, score, t("exact name match") if method == "exact" else t("alias name match"))
    if allow_compound:
        compound = _by_compound(mention, index, text)
        if compound is not None:
            return compound
    loose = name_key(strip_parentheticals(text))
    if loose in index.loose:
        return _decide(mention, index, index.loose[loose], "exact", 95,
                       t("the name matches once the parenthesised qualifier is left out"))
    candidates = rank_candidates(text, index)
    if candidates:
        top = candidates[0]
        runner = next((c.score for c in candidates[1:] if index.items[c.item_id].code != index.items[top.item_id].code), 0)
        tied = [c.item_id for c in candidates if c.score == top.score]
        if top.score >= FUZZY_ACCEPT and top.score - runner >= FUZZY_MARGIN:
            return _decide(mention, index, tuple(tied), "fuzzy", top.score,
                           t("close to '{name}' ({score})", name=top.name, score=f"{top.score:.0f}"), candidates=candidates)
        if top.score >= FUZZY_SUGGEST:
            result = _decide(mention, index, tuple(tied), "fuzzy", top.score,
                             t("probably '{name}' ({score}), not sure enough", name=top.name, score=f"{top.score:.0f}"), candidates=candidates)
            return _flag(result)
    reason = (t("not in the catalog: no name or alias is close (closest: '{name}' {score})",
                name=candidates[0].name, score=f"{candidates[0].score:.0f}") if candidates
              else t("not in the catalog: no name or alias is close"))
    return _result(mention, index, (), "none", 0, reason,
                   True, candidates=tuple(candidates))


def _by_printed_code(mention: Mention, index: CatalogIndex) -> Match | None:
    codes = [c for c in mention.printed_codes if _CODE.fullmatch(c)]
    if not codes:
        return None
    head, parts = split_compound(mention.text)
    names = list(parts) if len(parts) == len(codes) else [head if parts else mention.text] * len(codes)
    agreed = []
    for code, name in zip(codes, names):
        item = index.items.get(code)
        if item is None or not _names_agree(name, item.name):
            return None   # fall back to the name; the reason records why
        agreed.append(code)
    other = _CODE.search(mention.text)
    if other is not None:   # "劳动用工备案 21.3.5社会保险费…": the next item's marker was misread and its line joined
        return _result(mention, index, tuple(agreed), "code", 100,
                       t("printed code {codes} agrees with the name beside it, but the text holds another code "
                         "({other}): two items run together?", codes="、".join(agreed), other=other.group()), True)
    return _result(mention, index, tuple(agreed), "code", 100,
                   t("printed code {codes} agrees with the name beside it", codes="、".join(agreed)), False)


def _names_agree(printed: str, catalog: str) -> bool:
    a, b = name_key(printed), name_key(catalog)
    if not a:
        return True
    la, lb = name_key(strip_parentheticals(printed)), name_key(strip_parentheticals(catalog))
    return a == b or la == lb or fuzz.ratio(a, b) >= CODE_NAME_AGREE or fuzz.partial_ratio(la, lb) >= 90


def _by_compound(mention: Mention, index: CatalogIndex, text: str) -> Match | None:
    head, parts = split_compound(text)
    if not parts:
        return None
    results = [_by_name(mention, index, part, allow_compound=False) for part in parts]
    codes = tuple(dict.fromkeys(c for r in results for c in r.codes))
    if not codes:
        return None
    unsure = any(r.needs_review or not r.codes for r in results)
    result = _result(mention, index, codes, "compound", min(r.score for r in results),
                     t("'{head}' lists {n} items: {parts}", head=head, n=len(parts),
                       parts="；".join(f"{p} -> {r.canonical_id}" for p, r in zip(parts, results))),
                     unsure)
    return result


def _decide(mention: Mention, index: CatalogIndex, ids: tuple[str, ...], method: str, score: float,
            reason: str, candidates: list[Candidate] = ()) -> Match:
    """One id wins outright; several ids sharing the name are told apart by context."""
    ids = tuple(dict.fromkeys(ids))
    if len(ids) == 1:
        needs_review = method == "alias" and name_key(mention.text) in index.unsure_aliases
        return _result(mention, index, ids, method, score, reason, needs_review, tuple(candidates))
    context = name_key(mention.bundle_name + mention.scenario_name)
    fitting = [i for i in ids if _qualifier(index.items[i].name) and _qualifier(index.items[i].name) in context]
    if len(fitting) == 1:
        return _result(mention, index, tuple(fitting), "context", score,
                       t("{reason}; the bundle '{bundle}' decides between {ids}", reason=reason, bundle=mention.bundle_name,
                         ids=" and ".join(ids)), False,
                       tuple(candidates))
    return _result(mention, index, (), method, score,
                   t("{reason}, but it names {ids} and the context does not decide", reason=reason, ids=" and ".join(ids)), True,
                   tuple(Candidate(i, index.items[i].name, score) for i in ids))


def _qualifier(name: str) -> str:
    m = re.search(r"（([^（）]+)）$", name)
    return name_key(m.group(1)) if m else ""


# OCR text (`Mention.ocr_confidence` < 1) is flagged for review below OCR_UNSURE whatever it matched, and
# below OCR_CHECKED unless the domain checked the reading: a printed code that agrees with the name beside
# it, or a name read exactly as the catalog (or an alias) has it. Tried on the tuning half of the degraded
# scans (python -m pipeline.bench ocr --degraded --half tune --sweep; tests/variants/make_scans.py): every
# pair from 0.3-0.7 (unsure) and up to 0.95 (checked) gave the same figures there (the mentions read wrong
# were read with confidence >= 0.95, or not found at all), so the values set beforehand stay; the held-back
# half is what the README reports.
OCR_UNSURE = 0.5
OCR_CHECKED = 0.8
OCR_CHECKED_METHODS = ("code", "exact", "alias", "compound")


def ocr_needs_review(confidence: float, method: str, unsure: float = OCR_UNSURE, checked: float = OCR_CHECKED) -> bool:
    """Is a mention read by OCR with ``confidence`` (0..1) and matched by ``method`` to be reviewed?"""
    return confidence < unsure or (confidence < checked and method not in OCR_CHECKED_METHODS)


def _flag(result: Match) -> Match:
    return replace(result, needs_review=True)


def _result(mention: Mention, index: CatalogIndex, ids: tuple[str, ...], method: str, score: float,
            reason: str, needs_review: bool, candidates: tuple[Candidate, ...] = ()) -> Match:
    codes = tuple(index.items[i].code for i in ids if i in index.items and index.items[i].code)
    if len(ids) == 1 and ids[0] in index.items:
        canonical_id, canonical_name = ids[0], index.items[ids[0]].name
    elif codes:
        canonical_id = "+".join(codes)
        canonical_name = "；".join(index.items[c].name for c in codes)
    else:
        canonical_id, canonical_name = local_id(mention.text), ""
    if method != "review" and ocr_needs_review(mention.ocr_confidence, method):
        needs_review = True
    return Match(mention, codes, canonical_id, canonical_name, method, round(float(score), 1), reason,
                 needs_review, tuple(candidates))
