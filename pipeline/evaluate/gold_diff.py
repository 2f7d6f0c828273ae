"""The diff computed from gold labels alone, and its agreement with the pipeline's diff.

``gold_frames(gold) -> frames``: one gold JSON (``../shared/gold/*.json``) -> the dataset's
tables (``documents``, ``bundles``, ``scenarios``, ``items``) for that document, so that
``diff_lists`` runs on it unchanged. Items take their gold ``codes`` ("a+b" for several);
items without codes get ``local_id(text)``; gold ``ambiguous`` items count as flagged for
review (no one could map them for sure), like the pipeline's ``needs_review``.

``agreement(pipeline_diff, gold_diff) -> Agreement``: findings compared on what they are
about — section, kind, bundle, scenario codes, item — never on wording or provenance.
Findings that are ``unsure`` on either side are set apart, not counted as disagreements.

Tests and the benchmark share this; tests guard the figures, the report states them.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from normalizers.match_catalog import local_id
from pipeline.diff.findings import Finding, ListDiff

__all__ = ["gold_frames", "finding_key", "Agreement", "agreement"]


def gold_frames(gold: dict) -> dict[str, pd.DataFrame]:
    source = gold["source"]
    kinds = [k for k in ("bundle", "hotlist", "speedup")
             if (gold.get("bundles") if k == "bundle" else gold.get(k))]
    documents = pd.DataFrame([{"source": source, "title": gold.get("title", ""), "region": gold.get("region", ""),
                               "province": gold.get("province", ""), "level": gold.get("level", ""),
                               "list_kinds": ";".join(kinds), "status": "ok"}])
    bundles, scenarios, items = [], [], []
    where = {"page": 0, "table": 0, "row": 0, "cell": 0, "line": 0}

    def item(kind: str, bundle: dict | None, scenario: dict | None, it: dict, seq: int) -> dict:
        codes = list(it.get("codes") or [])
        return {"source": source, "list_kind": kind, "bundle_no": bundle["no"] if bundle else it.get("no", ""),
                "bundle_name": bundle["name"] if bundle else "",
                "scenario_code": scenario["code"] if scenario else "", "scenario_name": scenario["name"] if scenario else "",
                "role": it.get("role", "item"), "seq": seq, "raw_text": it["text"], "item_text": it["text"],
                "codes": ";".join(codes), "canonical_id": "+".join(codes) if codes else local_id(it["text"]),
                "canonical_name": it["text"], "needs_review": bool(it.get("ambiguous")), "candidates": "",
                "current_limit": it.get("current_limit", ""), "target_limit": it.get("target_limit", ""),
                "channels": ";".join(it.get("channels", [])), **where}
    for b in gold.get("bundles", []):
        bundles.append({"source": source, "bundle_no": b["no"], "bundle_name": b["name"], **where})
        for s in b.get("scenarios", []):
            if s.get("code"):
                scenarios.append({"source": source, "bundle_no": b["no"], "scenario_code": s["code"],
                                  "scenario_name": s["name"], **where})
            items += [item("bundle", b, s, it, n) for n, it in enumerate(s.get("items", []), start=1)]
    for kind in ("speedup", "hotlist"):
        items += [item(kind, None, None, it, n) for n, it in enumerate(gold.get(kind, []), start=1)]
    return {"documents": documents, "bundles": pd.DataFrame(bundles), "scenarios": pd.DataFrame(scenarios),
            "items": pd.DataFrame(items)}


def _code(label: str) -> str:
    return label if label.startswith("(") else label.split(" ", 1)[0]


def finding_key(f: Finding) -> tuple[str, ...]:
    """What a finding is about: (section, kind, bundle, local scenario code, baseline scenario code, item)."""
    kind = f.unsure_of if f.kind == "unsure" else f.kind
    return (f.section, kind, f.bundle, _code(f.local_scenario), _code(f.baseline_scenario), f.item_id)


@dataclass(frozen=True)
class Agreement:
    agreed: tuple[tuple[str, ...], ...]
    pipeline_only: tuple[tuple[str, ...], ...]
    gold_only: tuple[tuple[str, ...], ...]
    set_apart_unsure: tuple[tuple[str, ...], ...]     # unsure on either side

    @property
    def share(self) -> float:
        """Agreed / all findings that are sure on both sides (1.0 when there are none)."""
        total = len(self.agreed) + len(self.pipeline_only) + len(self.gold_only)
        return len(self.agreed) / total if total else 1.0

    def as_dict(self) -> dict:
        return {"agreed": len(self.agreed), "pipeline_only": len(self.pipeline_only),
                "gold_only": len(self.gold_only), "unsure_set_apart": len(self.set_apart_unsure),
                "share": round(self.share, 4)}


def agreement(pipeline: ListDiff, gold: ListDiff, sections: tuple[str, ...] = ("bundle", "scenario", "item")) -> Agreement:
    p = {finding_key(f): f for f in pipeline.findings if f.section in sections}
    g = {finding_key(f): f for f in gold.findings if f.section in sections}
    unsure = {k for k, f in p.items() if f.kind == "unsure"} | {k for k, f in g.items() if f.kind == "unsure"}
    sure_p, sure_g = set(p) - unsure, set(g) - unsure
    return Agreement(tuple(sorted(sure_p & sure_g)), tuple(sorted(sure_p - sure_g)), tuple(sorted(sure_g - sure_p)),
                     tuple(sorted(unsure)))
