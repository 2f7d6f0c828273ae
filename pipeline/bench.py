"""Benchmarks: ``python -m pipeline.bench accuracy [INPUT ...] [--gold DIR]``.

accuracy: runs the pipeline on the inputs (default: the seeds under raw/) into a
temporary folder, scores it against the gold labels with ``pipeline.score``, and
prints, in the same run, the same figures for
- a naive baseline: each mention's raw cell text given the best rapidfuzz WRatio
  national catalog name, always accepted;
- the matcher without the curated alias and local-item tables (national names only),
  to show how much of the result those tables carry.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from normalizers.match_catalog import build_index, match
from pipeline.catalog import load_catalog
from pipeline.run import RunOptions, discover_inputs, run
from pipeline.score import Score, load_gold, pick_gold, score_items
from pipeline.write_dataset import load

__all__ = ["accuracy", "main"]

DEFAULT_GOLD = Path(__file__).resolve().parent.parent.parent / "shared" / "gold"


def _score_all(items: pd.DataFrame, catalog_rows: pd.DataFrame, golds: dict) -> tuple[Score, dict[str, Score]]:
    total, per_doc = Score(), {}
    sources = sorted(set(items["source"]) | set(catalog_rows["source"]))
    for source in sources:
        predicted = items[items["source"] == source].reset_index(drop=True)
        gold = pick_gold(source, predicted, golds)
        if gold is None:
            continue
        s = score_items(predicted, gold, catalog_rows[catalog_rows["source"] == source])
        per_doc[source] = s
        total = total + s
    return total, per_doc


def _baseline(items: pd.DataFrame, catalog) -> pd.DataFrame:
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
    ours, per_doc = _score_all(items, catalog_rows, golds)
    base, _ = _score_all(_baseline(items, catalog), catalog_rows, golds)
    national_only = _rematch(items, catalog, build_index([i for i in catalog.items if i.code], []))
    plain, _ = _score_all(national_only, catalog_rows, golds)
    return {"report": report, "ours": ours, "per_doc": per_doc, "baseline": base, "national_only": plain}


def _rematch(items: pd.DataFrame, catalog, index) -> pd.DataFrame:
    """Re-match every mention with another index (the mentions are rebuilt from items rows)."""
    from pipeline.records import Mention, Provenance
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
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    acc = sub.add_parser("accuracy", help="score the pipeline against the gold labels")
    acc.add_argument("inputs", nargs="*", type=Path)
    acc.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    acc.add_argument("--catalog", type=Path, default=Path("raw/catalog"))
    acc.add_argument("--root", type=Path, default=Path("raw"))
    _add_scale_parsers(sub)
    args = parser.parse_args(argv)
    if args.command in ("scale", "match"):
        return _scale_commands(args)
    inputs = args.inputs or discover_inputs(args.root, args.catalog)
    files = [p for i in inputs for p in (discover_inputs(i, args.catalog) if i.is_dir() else [i])]
    result = accuracy(files, args.catalog, args.gold, args.root if not args.inputs else Path("."))
    for source, s in sorted(result["per_doc"].items()):
        print(_fmt(source[-28:], s))
    print(_fmt("ALL (this pipeline)", result["ours"]))
    print(_fmt("baseline WRatio raw text", result["baseline"]))
    print(_fmt("national names only", result["national_only"]))
    return 0


def _add_scale_parsers(sub) -> None:
    scale = sub.add_parser("scale", help="cold, warm and one-changed runs on generated corpora (pipeline.bench_scale)")
    scale.add_argument("--sizes", type=int, nargs="+", default=[300, 3000])
    scale.add_argument("--workdir", type=Path, default=Path("/tmp/renshe-bench"))
    scale.add_argument("--repeat", type=int, default=3, help="warm and one-changed runs per size (median)")
    scale.add_argument("--cold-repeat", type=int, default=1, help="cold runs per size (median)")
    scale.add_argument("--catalog", type=Path, default=Path("raw/catalog"))
    scale.add_argument("--match", action="store_true", help="then the matching throughput on the largest corpus")
    match_ = sub.add_parser("match", help="matching throughput on a run's mentions vs a plain WRatio loop")
    match_.add_argument("out", type=Path, help="a dataset folder written by a run over a generated corpus")
    match_.add_argument("--gold", type=Path, required=True, help="the corpus's gold folder")
    match_.add_argument("--catalog", type=Path, default=Path("raw/catalog"))
    match_.add_argument("--sample-docs", type=int, default=40, help="documents for the plain loop and accuracy")


def _scale_commands(args) -> int:
    from pipeline import bench_scale
    if args.command == "scale":
        bench_scale.scale(args.sizes, args.workdir, args.catalog.resolve(), args.repeat, args.cold_repeat)
        if not args.match:
            return 0
        n = max(args.sizes)
        out, gold = args.workdir / f"out_{n}", args.workdir / f"corpus_{n}" / "gold"
        catalog, sample = args.catalog.resolve(), 40
    else:
        out, gold, catalog, sample = args.out, args.gold, args.catalog, args.sample_docs
    print(bench_scale.machine())
    figures = bench_scale.match_throughput(out, gold, catalog, sample_docs=sample)
    print("match: " + "  ".join(f"{k} {v:,.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
