"""Diff one local list against a baseline list (a city's against its province's).

Input: the dataset's tables (``documents``, ``bundles``, ``scenarios``, ``items``) of the
two documents, as ``DocFrames`` (or ``DocRecords``, their rows as dicts); output: a ``ListDiff``
with sorted ``Finding`` records.

Steps: ``pair_bundles`` (national bundle, else name similarity) -> bundle findings ->
per bundle pair ``pair_scenarios`` (or the whole bundle when a side lists no scenarios) ->
item findings by canonical unit (a compound "1.6.10+1.6.13" counts code by code) ->
speed-up findings (missing, added, limits compared with ``time_limits``) -> hot list
findings. A finding that involves a mention flagged ``needs_review`` (on its own side, or
a flagged mention on the other side that lists the item among its candidates) is reported
as ``unsure`` with ``unsure_of`` naming what it would otherwise be.
"""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.i18n import N_, t
from pipeline.diff.align import (
    BundleKeys,
    bundle_identity,
    pair_bundles,
    pair_scenarios,
)
from pipeline.diff.findings import DocFrames, DocRecords, Finding, ListDiff, Side, doc_records
from pipeline.diff.findings import natural_key as _no_key
from pipeline.diff.time_limits import compare_limits, parse_limit

__all__ = ["diff_lists", "Finding", "ListDiff", "DocFrames", "DocRecords"]

_COMPARED_ROLES = {"required", "situational"}


def _side(row: dict, text_col: str) -> Side:
    return Side(str(row["source"]), *(int(row.get(c, 0) or 0) for c in ("page", "table", "row", "cell", "line")),
                text=str(row.get(text_col, "")))


def _units(canonical_id: str) -> list[str]:
    return [u for u in str(canonical_id).split("+") if u]


def _index_units(items: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in items:
        for unit in _units(row["canonical_id"]):
            out.setdefault(unit, []).append(row)
    return out


def _candidate_ids(row: dict) -> set[str]:
    ids = set(_units(row["canonical_id"]))
    ids |= {c.split("=")[0] for c in str(row.get("candidates", "")).split(";") if c}
    return ids


@dataclass(frozen=True)
class _Scope:
    """One place where items are compared: a scenario pair or a whole bundle pair."""

    section: str
    bundle: str
    bundle_name: str
    local_bundle: str
    baseline_bundle: str
    local_scenario: str
    baseline_scenario: str
    local_at: tuple[Side, ...] = ()
    baseline_at: tuple[Side, ...] = ()


def _compare_units(scope: _Scope, local: list[dict], base: list[dict], names: dict[str, str],
                   limits: bool = False) -> list[Finding]:
    lu, bu = _index_units(local), _index_units(base)
    l_flagged = [r for r in local if r["needs_review"]]
    b_flagged = [r for r in base if r["needs_review"]]
    findings = []
    for unit in sorted(set(lu) | set(bu), key=_no_key):
        lrows, brows = lu.get(unit, []), bu.get(unit, [])
        name = names.get(unit) or str((brows or lrows)[0]["item_text"])
        common = dict(section=scope.section, bundle=scope.bundle, bundle_name=scope.bundle_name,
                      local_bundle=scope.local_bundle, baseline_bundle=scope.baseline_bundle,
                      local_scenario=scope.local_scenario, baseline_scenario=scope.baseline_scenario,
                      item_id=unit, item_name=name, local_context=scope.local_at, baseline_context=scope.baseline_at,
                      local=tuple(sorted(_side(r, "raw_text") for r in lrows)),
                      baseline=tuple(sorted(_side(r, "raw_text") for r in brows)))
        own_flag = any(r["needs_review"] for r in lrows + brows)
        if not lrows or not brows:
            kind = "missing" if not lrows else "added"
            other = l_flagged if not lrows else b_flagged
            doubt = [r for r in other if unit in _candidate_ids(r)]
            detail = (t("{name} ({unit}) is in the baseline but not in the local list", name=name, unit=unit)
                      if kind == "missing" else
                      t("{name} ({unit}) is in the local list but not in the baseline", name=name, unit=unit))
            if own_flag or doubt:
                why = (t("a mention of it is flagged for review") if own_flag else
                       t("the flagged local mention '{text}' may be it", text=doubt[0]['item_text']) if not lrows
                       else t("the flagged baseline mention '{text}' may be it", text=doubt[0]['item_text']))
                detail = t("{detail}; unsure: {why}", detail=detail, why=why)
                findings.append(Finding(kind="unsure", unsure_of=kind, detail=detail, **common))
            else:
                findings.append(Finding(kind=kind, detail=detail, **common))
            continue
        if limits:
            findings += _compare_limits(common, lrows[0], brows[0], own_flag)
            continue
        lroles = sorted({r["role"] for r in lrows})
        broles = sorted({r["role"] for r in brows})
        if set(lroles) <= _COMPARED_ROLES and set(broles) <= _COMPARED_ROLES and lroles != broles:
            detail = t("{name} ({unit}) is {baseline_roles} in the baseline, {local_roles} locally", name=name,
                       unit=unit, baseline_roles="/".join(broles), local_roles="/".join(lroles))
            kind = "unsure" if own_flag else "role_changed"
            findings.append(Finding(kind=kind, unsure_of="role_changed" if own_flag else "",
                                    local_role=";".join(lroles), baseline_role=";".join(broles),
                                    detail=t("{detail}; unsure: {why}", detail=detail,
                                             why=t("a mention is flagged for review")) if own_flag else detail,
                                    **common))
    return findings


def _compare_limits(common: dict, lrow: dict, brow: dict, flagged: bool) -> list[Finding]:
    local, base = parse_limit(lrow["target_limit"]), parse_limit(brow["target_limit"])
    verdict = compare_limits(local, base)
    if verdict not in ("slower", "no_promise", "not_comparable"):
        return []
    words = {"slower": t("the local promise is slower than the baseline target"),
             "no_promise": t("the baseline sets a numeric target, the local list promises none"),
             "not_comparable": t("the two limits cannot be compared reliably")}
    detail = t("{name} ({unit}): {verdict} (local '{local}' = {local_reading}; baseline '{baseline}' = "
               "{baseline_reading})", name=common['item_name'], unit=common['item_id'], verdict=words[verdict],
               local=local.printed, local_reading=local.describe(), baseline=base.printed,
               baseline_reading=base.describe())
    if flagged:
        detail = t("{detail}; unsure: {why}", detail=detail, why=t("a mention is flagged for review"))
    return [Finding(kind="unsure" if flagged else verdict, unsure_of=verdict if flagged else "",
                    local_limit=local.printed, baseline_limit=base.printed, local_reading=local.describe(),
                    baseline_reading=base.describe(), detail=detail, **common)]


def _label(no: str, name: str) -> str:
    return f"{no} {name}".strip()


def _bundle_findings(local: DocRecords, base: DocRecords, keys: BundleKeys, names: dict[str, str],
                     aligned: list[dict]) -> list[Finding]:
    lb = {str(r["bundle_no"]): r for r in local.bundles}
    bb = {str(r["bundle_no"]): r for r in base.bundles}
    pairs, only_l, only_b = pair_bundles({k: str(r["bundle_name"]) for k, r in lb.items()},
                                         {k: str(r["bundle_name"]) for k, r in bb.items()}, keys)
    findings = []
    for no, side, rows, kind in [(n, "local", lb, "added") for n in only_l] + [(n, "base", bb, "missing") for n in only_b]:
        r = rows[no]
        nat = bundle_identity(str(r["bundle_name"]), keys)
        key = nat or ("L" if side == "local" else "B") + no
        label = _label(no, str(r["bundle_name"]))
        items = (local if side == "local" else base).items
        n_items = sum(1 for i in items if i["list_kind"] == "bundle" and i["bundle_no"] == no)
        findings.append(Finding(
            section="bundle", kind=kind, bundle=key, bundle_name=keys.names.get(nat, str(r["bundle_name"])),
            local_bundle=label if side == "local" else "", baseline_bundle=label if side == "base" else "",
            detail=(t("bundle {label} ({n} item mentions) is only in the local list", label=label, n=n_items)
                    if side == "local" else
                    t("bundle {label} ({n} item mentions) is only in the baseline", label=label, n=n_items)),
            local=(_side(r, "bundle_name"),) if side == "local" else (),
            baseline=(_side(r, "bundle_name"),) if side == "base" else ()))
    for lno, bno, how in pairs:
        lrow, brow = lb[lno], bb[bno]
        key = how.split()[1] if how.startswith("national") else "L" + lno
        bname = keys.names.get(key, str(lrow["bundle_name"]))
        lbl, bbl = _label(lno, str(lrow["bundle_name"])), _label(bno, str(brow["bundle_name"]))
        aligned.append(dict(level="bundle", bundle=key, local=lbl, baseline=bbl, how=how))
        findings += _scenario_findings(local, base, lno, bno,
                                       _Scope("item", key, bname, lbl, bbl, "", "", (_side(lrow, "bundle_name"),),
                                              (_side(brow, "bundle_name"),)),
                                       names, aligned)
    return findings


def _scenario_findings(local: DocRecords, base: DocRecords, lno: str, bno: str, scope: _Scope,
                       names: dict[str, str], aligned: list[dict]) -> list[Finding]:
    def rows(doc: DocRecords, no: str) -> tuple[dict, list[dict]]:
        it = [r for r in doc.items if r["list_kind"] == "bundle" and r["bundle_no"] == no]
        named = {str(r["scenario_code"]): r for r in doc.scenarios if r["bundle_no"] == no and str(r["scenario_code"])}
        return named, it
    lsc, litems = rows(local, lno)
    bsc, bitems = rows(base, bno)
    if not lsc or not bsc:
        whole = t("(whole bundle)")
        s = _Scope("item", scope.bundle, scope.bundle_name, scope.local_bundle, scope.baseline_bundle, whole, whole,
                   scope.local_at, scope.baseline_at)
        aligned.append(dict(level="scenario", bundle=scope.bundle, local=whole, baseline=whole,
                            how=t("compared bundle-wide: {why}",
                                  why=t("neither side lists scenarios") if not lsc and not bsc
                                  else t("the local list lists no scenarios") if not lsc
                                  else t("the baseline lists no scenarios"))))
        return _compare_units(s, litems, bitems, names)
    pairs, only_l, only_b = pair_scenarios({c: str(r["scenario_name"]) for c, r in lsc.items()},
                                           {c: str(r["scenario_name"]) for c, r in bsc.items()})
    findings = []
    for code, rowset, kind in [(c, lsc, "added") for c in only_l] + [(c, bsc, "missing") for c in only_b]:
        r = rowset[code]
        label = _label(code, str(r["scenario_name"]))
        findings.append(Finding(
            section="scenario", kind=kind, bundle=scope.bundle, bundle_name=scope.bundle_name,
            local_bundle=scope.local_bundle, baseline_bundle=scope.baseline_bundle,
            local_scenario=label if kind == "added" else "", baseline_scenario=label if kind == "missing" else "",
            detail=(t("scenario {label} is only in the local list", label=label) if kind == "added"
                    else t("scenario {label} is only in the baseline", label=label)),
            local=(_side(r, "scenario_name"),) if kind == "added" else (),
            baseline=(_side(r, "scenario_name"),) if kind == "missing" else (),
            local_context=scope.local_at, baseline_context=scope.baseline_at))
    for lc, bc, how in pairs:
        ll, bl = _label(lc, str(lsc[lc]["scenario_name"])), _label(bc, str(bsc[bc]["scenario_name"]))
        aligned.append(dict(level="scenario", bundle=scope.bundle, local=ll, baseline=bl, how=how))
        s = _Scope("item", scope.bundle, scope.bundle_name, scope.local_bundle, scope.baseline_bundle, ll, bl,
                   (_side(lsc[lc], "scenario_name"),), (_side(bsc[bc], "scenario_name"),))
        findings += _compare_units(s, [r for r in litems if r["scenario_code"] == lc],
                                   [r for r in bitems if r["scenario_code"] == bc], names)
    return findings


def diff_lists(local: DocFrames | DocRecords, base: DocFrames | DocRecords, keys: BundleKeys, names: dict[str, str],
               baseline_how: str = "") -> ListDiff:
    """Every finding of ``local`` against ``base``; ``names`` maps canonical ids to catalog names.

    Either side may be given as ``DocRecords`` (``doc_records``), e.g. a baseline prepared once for
    the many local lists compared with it.
    """
    local, base = doc_records(local), doc_records(base)
    findings: list[Finding] = []
    aligned: list[dict] = []
    notes: list[str] = []
    lk, bk = local.list_kinds(), base.list_kinds()
    for kind, title in (("bundle", N_("bundle list")), ("speedup", N_("speed-up list")), ("hotlist", N_("hot list"))):
        if kind in lk and kind not in bk:
            notes.append(t("the baseline {source} has no {title}; the local {title} is not compared",
                           source=base.source, title=title))
        elif kind in bk and kind not in lk:
            notes.append(t("the local document {source} has no {title}; the baseline's is not compared",
                           source=local.source, title=title))
    if "bundle" in lk and "bundle" in bk:
        findings += _bundle_findings(local, base, keys, names, aligned)
    for kind in ("speedup", "hotlist"):
        if kind in lk and kind in bk:
            scope = _Scope(kind, "", "", "", "", "", "")
            findings += _compare_units(scope, [r for r in local.items if r["list_kind"] == kind],
                                       [r for r in base.items if r["list_kind"] == kind], names, limits=kind == "speedup")
    return ListDiff(local.document, base.document, baseline_how, tuple(sorted(findings, key=Finding.sort_key)),
                    tuple(notes), tuple(aligned))
