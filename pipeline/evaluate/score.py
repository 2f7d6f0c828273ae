"""Score a dataset against gold labels: the one scorer that tests and the benchmark share.

Alignment: a gold item and a predicted mention align when they sit in the same list
kind, bundle number, scenario code and role, and their texts agree (same
``name_key``, else rapidfuzz ratio >= TEXT_AGREE; each mention used once).

Figures:
- items recovered: aligned gold items / gold items (ambiguous ones included);
- code precision = sum |P ∩ (codes ∪ also_ok)| / sum |P|, recall = sum |P ∩ codes| / sum |codes|,
  over non-ambiguous gold items; predicted mentions aligned to nothing count in precision;
- unflagged precision: the same precision over mentions not flagged for review;
- forced: gold says "no code" (codes and also_ok empty, not ambiguous) yet codes were given.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

from normalizers.repair_text import name_key
from pipeline.dataset.tables import records

__all__ = ["Score", "score_items", "score_dataset", "load_gold", "gold_items", "pick_gold", "TEXT_AGREE"]

# Printed typos the gold corrects (养老保险关转移接续 -> 关系转移接续) still count as recovered.
TEXT_AGREE = 90


@dataclass(frozen=True)
class Score:
    gold_items: int = 0
    recovered: int = 0
    recovered_strict: int = 0
    predicted_codes: int = 0
    correct_codes: int = 0
    gold_codes: int = 0
    found_codes: int = 0
    unflagged_predicted: int = 0
    unflagged_correct: int = 0
    forced: int = 0
    forced_unflagged: int = 0
    catalog_gold: int = 0
    catalog_recovered: int = 0

    def __add__(self, other: "Score") -> "Score":
        return Score(*(a + b for a, b in zip(self.__dict__.values(), other.__dict__.values())))

    @property
    def recovered_share(self) -> float:
        return self.recovered / self.gold_items if self.gold_items else 1.0

    @property
    def precision(self) -> float:
        return self.correct_codes / self.predicted_codes if self.predicted_codes else 1.0

    @property
    def recall(self) -> float:
        return self.found_codes / self.gold_codes if self.gold_codes else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def unflagged_precision(self) -> float:
        return self.unflagged_correct / self.unflagged_predicted if self.unflagged_predicted else 1.0

    def as_dict(self) -> dict[str, float]:
        figures = {k: v for k, v in self.__dict__.items()}
        figures.update(recovered_share=self.recovered_share, precision=self.precision, recall=self.recall,
                       f1=self.f1, unflagged_precision=self.unflagged_precision)
        return figures


def load_gold(folder: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.json"))}


def gold_items(gold: dict) -> list[dict]:
    """Flat gold rows: list_kind, bundle_no, scenario_code, role, text, codes, also_ok, ambiguous."""
    rows = []
    for b in gold.get("bundles", []):
        for s in b["scenarios"]:
            for it in s["items"]:
                rows.append(dict(list_kind="bundle", bundle_no=b["no"], scenario_code=s["code"], role=it["role"],
                                 text=it["text"], codes=it["codes"], also_ok=it["also_ok"], ambiguous=it["ambiguous"]))
    for kind in ("speedup", "hotlist"):
        for it in gold.get(kind, []):
            rows.append(dict(list_kind=kind, bundle_no=it["no"], scenario_code="", role="item", text=it["text"],
                             codes=it["codes"], also_ok=it["also_ok"], ambiguous=it["ambiguous"]))
    return rows


def pick_gold(source: str, predicted: pd.DataFrame, golds: dict[str, dict]) -> dict | None:
    """The gold file for one source: same stem, else the gold whose items overlap the prediction most."""
    stem = Path(source).stem
    for gold in golds.values():
        if Path(gold["source"]).stem == stem:
            return gold
    keys = {name_key(t) for t in predicted["item_text"]}
    best, best_overlap = None, 0
    for gold in golds.values():
        overlap = len(keys & {name_key(g["text"]) for g in gold_items(gold)})
        if gold.get("catalog_rows") and "catalog" in source:
            overlap += 1
        if overlap > best_overlap:
            best, best_overlap = gold, overlap
    return best


def _split(codes) -> set[str]:
    return {c for c in str(codes).split(";") if c and c != "nan"} if codes is not None else set()


def score_items(predicted: pd.DataFrame, gold: dict, catalog_rows: pd.DataFrame | None = None) -> Score:
    """Score one document's predicted mentions (rows of items.csv) against its gold labels.

    Mentions of catalog-list rows are left out: the gold labels a catalog list by its rows
    (``catalog_rows``), not by codes. The rows are handled as plain records (a national
    corpus has a million mentions: pandas row by row took a quarter of an hour).
    """
    columns = ["list_kind", "bundle_no", "scenario_code", "role", "item_text", "codes", "needs_review"]
    mentions = [r for r in records(predicted[columns]) if r["list_kind"] != "catalog"]
    keys = [name_key(r["item_text"]) for r in mentions]
    golds = gold_items(gold)
    used: set[int] = set()
    pairs: list[tuple[dict, dict | None, bool]] = []
    groups: dict[tuple, list[int]] = {}
    for i, r in enumerate(mentions):
        groups.setdefault((r["list_kind"], r["bundle_no"], r["scenario_code"], r["role"]), []).append(i)
    for g in golds:
        group = groups.get((g["list_kind"], g["bundle_no"], g["scenario_code"], g["role"]), [])
        gk = name_key(g["text"])
        found = next((i for i in group if i not in used and keys[i] == gk), None)
        strict = found is not None
        if found is None:
            scored = [(score, i) for i in group if i not in used
                      for score in [fuzz.ratio(gk, keys[i])] if score >= TEXT_AGREE]
            found = max(scored)[1] if scored else None
        if found is not None:
            used.add(found)
        pairs.append((g, mentions[found] if found is not None else None, strict))
    s = dict(gold_items=len(golds))
    s["recovered"] = sum(1 for _, p, _ in pairs if p is not None)
    s["recovered_strict"] = sum(1 for _, _, strict in pairs if strict)
    for key in ("predicted_codes", "correct_codes", "gold_codes", "found_codes", "unflagged_predicted",
                "unflagged_correct", "forced", "forced_unflagged"):
        s[key] = 0
    for g, p, _ in pairs:
        if g["ambiguous"]:
            continue
        codes, ok = set(g["codes"]), set(g["codes"]) | set(g["also_ok"])
        got = _split(p["codes"]) if p is not None else set()
        flagged = bool(p["needs_review"]) if p is not None else True
        s["predicted_codes"] += len(got)
        s["correct_codes"] += len(got & ok)
        s["gold_codes"] += len(codes)
        s["found_codes"] += len(got & codes)
        if not flagged:
            s["unflagged_predicted"] += len(got)
            s["unflagged_correct"] += len(got & ok)
        if not ok and got:
            s["forced"] += 1
            s["forced_unflagged"] += 0 if flagged else 1
    for i, r in enumerate(mentions):
        if i in used:   # aligned (to a scored or an ambiguous gold item)
            continue
        got = _split(r["codes"])
        s["predicted_codes"] += len(got)
        if not r["needs_review"]:
            s["unflagged_predicted"] += len(got)
    if catalog_rows is not None and gold.get("catalog_rows"):
        fields = ("no", "category", "main", "sub", "content", "target")
        want = {tuple(name_key(r[k]) for k in fields) for r in gold["catalog_rows"]}
        have = {tuple(name_key(str(r[k])) for k in fields) for r in records(catalog_rows[list(fields)])}
        s["catalog_gold"], s["catalog_recovered"] = len(want), len(want & have)
    return Score(**s)


def score_dataset(items: pd.DataFrame, catalog_rows: pd.DataFrame, golds: dict[str, dict]) -> tuple[Score, dict[str, Score]]:
    """Score every source of a dataset (its ``items`` and ``catalog_rows`` tables) against its gold.

    Returns the total and the score per source; sources without a gold file are left out.
    """
    total, per_doc = Score(), {}
    rows_of = dict(iter(catalog_rows.groupby("source")))
    items_of = dict(iter(items.groupby("source")))
    empty = items.iloc[:0]
    for source in sorted(set(items_of) | set(rows_of)):
        predicted = items_of.get(source, empty).reset_index(drop=True)
        gold = pick_gold(source, predicted, golds)
        if gold is None:
            continue
        per_doc[source] = score_items(predicted, gold, rows_of.get(source, catalog_rows.iloc[:0]))
        total = total + per_doc[source]
    return total, per_doc
