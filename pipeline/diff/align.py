"""Align two lists on meaning: bundles by their national bundle, scenarios by code and name.

Steps, in order:

1. ``national_bundle_keys(catalog_bundles)``: the ten national bundles of ``bundles.tsv``
   and their local renamings as name keys -> ``N<no>``. A name wins over an alias; an
   alias cluster that contains exactly one *other* bundle's name is taken to belong to
   that bundle (and said so in a warning), since such a row was evidently shifted.
2. ``bundle_identity(name, keys)``: a printed bundle name -> ``N<no>`` or ``""``, trying
   the whole name, then without ``“一件事”`` and without parentheticals, then each
   parenthetical on its own ("单位就业（员工录用）").
3. ``pair_bundles(local, baseline, keys)``: pairs of bundle numbers: same national
   bundle first, then local bundles by name similarity (rapidfuzz >= BUNDLE_FUZZY).
4. ``pair_scenarios(local, baseline)``: within one bundle pair, scenarios by name key,
   then by name similarity, where the same scenario number lowers the bar.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from normalizers.repair_text import name_key, strip_parentheticals
from pipeline.core.i18n import t

__all__ = ["BundleKeys", "national_bundle_keys", "bundle_identity", "pair_bundles", "pair_scenarios",
           "BUNDLE_FUZZY", "SCENARIO_FUZZY", "SCENARIO_FUZZY_SAME_NO"]

# Bundle names of the seeds that are renamings score >= 80 against their national name or an
# alias (企业招聘用工/企业招用员工: 83); unrelated bundle names of the seeds stay below 60.
BUNDLE_FUZZY = 80
# Scenario names that denote the same scenario in the seeds score >= 75 (企业招用/企业招聘…: 88);
# with the same scenario number a lower bar is accepted, since numbering follows the national
# list (高校毕业生就业服务/高校毕业生求职招聘服务: 70; 人员做失业登记/就业困难人员失业: 53), while
# different scenarios under the same number stay below 50 (创业实体申领一次性创业补贴/小微企业和个体工商户: 42).
SCENARIO_FUZZY = 75
SCENARIO_FUZZY_SAME_NO = 50

_ONE_THING = re.compile(r"[“\"']?一件事[”\"']?$")
_PARENS = re.compile(r"（([^（）]*)）")


@dataclass(frozen=True)
class BundleKeys:
    by_key: dict[str, str]                 # name key -> "N<no>"
    names: dict[str, str]                  # "N<no>" -> national name
    warnings: tuple[str, ...] = ()


def national_bundle_keys(bundles: tuple[tuple[str, str, tuple[str, ...]], ...]) -> BundleKeys:
    """``catalog.bundles`` (no, name, aliases) -> lookup of name keys. See step 1."""
    names = {f"N{no}": name for no, name, _ in bundles}
    name_owner = {name_key(name): f"N{no}" for no, name, _ in bundles}
    by_key: dict[str, str] = dict(name_owner)
    warnings = []
    for no, name, aliases in bundles:
        owner = f"N{no}"
        others = sorted({name_owner[k] for k in (name_key(a) for a in aliases) if k in name_owner} - {owner})
        if len(others) == 1:
            warnings.append(t("bundles.tsv: the aliases of bundle {no} {name} ({aliases}) include the name of bundle "
                              "{other} {other_name}; they are read as that bundle's aliases", no=no, name=name,
                              aliases="；".join(aliases), other=others[0][1:], other_name=names[others[0]])
                            + " — " + t("fix the row in raw/catalog/bundles.tsv"))
            owner = others[0]
        for alias in aliases:
            by_key.setdefault(name_key(alias), owner)
    return BundleKeys(by_key, names, tuple(warnings))


def _name_variants(name: str) -> list[str]:
    key = name_key(name)
    variants = [key, name_key(_ONE_THING.sub("", key))]
    bare = name_key(strip_parentheticals(name))
    variants.append(name_key(_ONE_THING.sub("", bare)))
    variants += [name_key(inner) for inner in _PARENS.findall(name.replace("(", "（").replace(")", "）"))]
    return [v for v in dict.fromkeys(variants) if v]


def bundle_identity(name: str, keys: BundleKeys) -> str:
    """A printed bundle name -> ``N<no>`` of its national bundle, or ``""``.

    >>> bundle_identity("事业单位工作人员管理“一件事”", keys)   # doctest: +SKIP
    'N6'
    """
    for variant in _name_variants(str(name)):
        if variant in keys.by_key:
            return keys.by_key[variant]
    best, best_score = "", 0.0
    for variant in _name_variants(str(name)):
        for key, owner in keys.by_key.items():
            score = fuzz.ratio(variant, key)
            if score > best_score:
                best, best_score = owner, score
    return best if best_score >= BUNDLE_FUZZY else ""


def _greedy(scored: list[tuple[float, str, str]]) -> list[tuple[str, str, float]]:
    """Best-first one-to-one pairing of (score, left, right); ties broken by the ids."""
    used_l, used_r, pairs = set(), set(), []
    for score, left, right in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if left not in used_l and right not in used_r:
            used_l.add(left)
            used_r.add(right)
            pairs.append((left, right, score))
    return pairs


def pair_bundles(local: dict[str, str], baseline: dict[str, str],
                 keys: BundleKeys) -> tuple[list[tuple[str, str, str]], list[str], list[str]]:
    """``{bundle_no: name}`` of each side -> (pairs (local_no, baseline_no, how), local only, baseline only).

    ``how`` is ``national N<no>`` or ``name similarity <score>``.
    """
    lid = {no: bundle_identity(n, keys) for no, n in local.items()}
    bid = {no: bundle_identity(n, keys) for no, n in baseline.items()}
    scored = [(1000.0, lno, bno) for lno, li in lid.items() for bno, bi in bid.items() if li and li == bi]
    pairs = [(l, b, f"national {lid[l]}") for l, b, _ in _greedy(scored)]
    rest_l = [no for no in local if no not in {p[0] for p in pairs}]
    rest_b = [no for no in baseline if no not in {p[1] for p in pairs}]
    fuzzy = []
    for lno in rest_l:
        for bno in rest_b:
            if lid[lno] and bid[bno]:
                continue            # two different national bundles are never the same
            score = max((fuzz.ratio(a, b) for a in _name_variants(local[lno]) for b in _name_variants(baseline[bno])),
                        default=0.0)   # a bundle without a name (a scan's name cell read as nothing) pairs by no name
            if score >= BUNDLE_FUZZY:
                fuzzy.append((score, lno, bno))
    pairs += [(l, b, f"name similarity {s:.0f}") for l, b, s in _greedy(fuzzy)]
    paired_l, paired_b = {p[0] for p in pairs}, {p[1] for p in pairs}
    return (sorted(pairs, key=lambda p: _no_sort(p[0])),
            sorted((n for n in local if n not in paired_l), key=_no_sort),
            sorted((n for n in baseline if n not in paired_b), key=_no_sort))


def _no_sort(no: str) -> tuple:
    # parts and the text apart: "1" and "1-1" (numbers a scan's OCR can give) must compare without a str/int clash
    return tuple(int(p) if p.isdigit() else 10**6 for p in re.split(r"[-.]", str(no))), str(no)


def _suffix(code: str) -> str:
    return str(code).split("-")[-1] if "-" in str(code) else ""


def pair_scenarios(local: dict[str, str], baseline: dict[str, str]) -> tuple[list[tuple[str, str, str]], list[str], list[str]]:
    """``{scenario_code: name}`` of each side -> (pairs (local, baseline, how), local only, baseline only)."""
    scored = []
    for lc, ln in local.items():
        for bc, bn in baseline.items():
            lk, bk = name_key(ln), name_key(bn)
            if lk and lk == bk:
                scored.append((200.0, lc, bc))
                continue
            score = fuzz.ratio(lk, bk)
            same_no = _suffix(lc) != "" and _suffix(lc) == _suffix(bc)
            if score >= SCENARIO_FUZZY or (same_no and score >= SCENARIO_FUZZY_SAME_NO):
                scored.append((score + (50 if same_no else 0), lc, bc))
    pairs = []
    for lc, bc, score in _greedy(scored):
        how = "same name" if score >= 200 else f"name similarity {fuzz.ratio(name_key(local[lc]), name_key(baseline[bc])):.0f}"
        if _suffix(lc) and _suffix(lc) == _suffix(bc) and score < 200:
            how += ", same number"
        pairs.append((lc, bc, how))
    paired_l, paired_b = {p[0] for p in pairs}, {p[1] for p in pairs}
    return (sorted(pairs, key=lambda p: _no_sort(p[0])),
            sorted((c for c in local if c not in paired_l), key=_no_sort),
            sorted((c for c in baseline if c not in paired_b), key=_no_sort))
