"""``python -m pipeline.bench accuracy [INPUT ...] [--gold DIR]``: the pipeline scored against gold labels.

Runs the pipeline on the inputs (default: the seeds under raw/) into a
temporary folder, scores it against the gold labels with ``pipeline.evaluate.score``, and
prints, in the same run, the same figures for
- a naive baseline: each mention's raw cell text given the best rapidfuzz WRatio
  national catalog name, always accepted;
- the matcher without the curated alias and local-item tables (national names only),
  to show how much of the result those tables carry.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from normalizers.match_catalog import build_index, match
from pipeline.catalog.reference import load_catalog
from pipeline.core.records import Mention, Provenance
from pipeline.dataset.tables import load
from pipeline.evaluate.score import Score, load_gold, score_dataset
from pipeline.runner.runner import RunOptions, discover_inputs, run

__all__ = ["accuracy", "main"]

DEFAULT_GOLD = Path(__file__).resolve().parents[3] / "shared" / "gold"


def baseline_codes(items: pd.DataFrame, catalog) -> pd.DataFrame:
    """The naive baseline: each mention's raw text given the best WRatio national name, always accepted."""
    names = [i.name for i in catalog.items if i.code]
    codes = [i.code for i in catalog.items if i.code]
    best = [process.extractOne(t, names, scorer=fuzz.WRatio) for t in items["raw_text"]]
    return items.assign(codes=[codes[b[2]] if b else "" for b in best], needs_review=False)


def accuracy(inputs: list[Path], catalog_dir: Path, gold_dir: Path, root: Path) -> dict[str, object]:
    golds = load_gold(gold_dir)
    with tempfile.TemporaryDirectory() as tmp:
        report = run(inputs, RunOptions(out_dir=Path(tmp), catalog_dir=catalog_dir, root=root))
        frames = load(tmp)
    items, catalog_rows = frames["items"], frames["catalog_rows"]
    catalog = load_catalog(catalog_dir)
    ours, per_doc = score_dataset(items, catalog_rows, golds)
    base, _ = score_dataset(baseline_codes(items, catalog), catalog_rows, golds)
    national_only = _rematch(items, catalog, build_index([i for i in catalog.items if i.code], []))
    plain, _ = score_dataset(national_only, catalog_rows, golds)
    return {"report": report, "ours": ours, "per_doc": per_doc, "baseline": base, "national_only": plain}


def _rematch(items: pd.DataFrame, catalog, index) -> pd.DataFrame:
    """Re-match every mention with another index (the mentions are rebuilt from items rows)."""
    codes, flags = [], []
    for row in items.itertuples(index=False):
        mention = Mention(Provenance(row.source), row.list_kind, int(row.seq), row.raw_text, row.item_text,
                          printed_codes=tuple(c for c in str(row.code_as_written).split(";") if c and c != "nan"),
                          bundle_no=str(row.bundle_no), bundle_name=str(row.bundle_name),
                          scenario_code=str(row.scenario_code), scenario_name=str(row.scenario_name), role=row.role)
        r = match(mention, index)
        codes.append(";".join(r.codes))
        flags.append(r.needs_review)
    return items.assign(codes=codes, needs_review=flags)


def _fmt(name: str, s: Score) -> str:
    return (f"{name:<26} items {s.recovered:>4}/{s.gold_items:<4} ({s.recovered_share:6.2%}, strict "
            f"{s.recovered_strict})  P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  "
            f"unflagged P {s.unflagged_precision:.3f} ({s.unflagged_correct}/{s.unflagged_predicted})  "
            f"forced {s.forced} (unflagged {s.forced_unflagged})  catalog rows {s.catalog_recovered}/{s.catalog_gold}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench accuracy", description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", type=Path)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--catalog", type=Path, default=Path("raw/catalog"))
    parser.add_argument("--root", type=Path, default=Path("raw"))
    args = parser.parse_args(argv)
    inputs = args.inputs or discover_inputs(args.root, args.catalog)
    files = [p for i in inputs for p in (discover_inputs(i, args.catalog) if i.is_dir() else [i])]
    result = accuracy(files, args.catalog, args.gold, args.root if not args.inputs else Path("."))
    for source, s in sorted(result["per_doc"].items()):
        print(_fmt(source[-28:], s))
    print(_fmt("ALL (this pipeline)", result["ours"]))
    print(_fmt("baseline WRatio raw text", result["baseline"]))
    print(_fmt("national names only", result["national_only"]))
    return 0
