"""``python -m pipeline.bench layouts [--half tune|held|all]``: the reader on many physical layouts of the seeds' lists.

The layout-variation generator (``tests/variants/make_layouts.py``) renders the gold content
of every seed list in many layouts (column orders, header synonyms, dropped/extra/merged
columns, two-row and missing headers, title-only bundles, traditional characters, text
dialects, line endings, DOCX and PDF), each variant in a family, each family in the tuning
or the held-back half (fixed in the generator, before any tuning). This runs the pipeline
over them and prints, per family and per half: items recovered, code F1, precision of
codes not flagged for review, documents refused; and, in the same run, the naive baseline
(each mention's raw text given the best WRatio national name, always accepted).
"""
from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from pipeline.bench.accuracy import baseline_codes
from pipeline.catalog.reference import load_catalog
from pipeline.dataset.tables import load
from pipeline.evaluate.score import Score, load_gold, score_dataset, score_items
from pipeline.runner.runner import RunOptions, discover_inputs, run

__all__ = ["layouts", "main"]

REPO = Path(__file__).resolve().parents[2]
GENERATOR = REPO / "tests" / "variants" / "make_layouts.py"


def generate(out: Path, only: str = "") -> list[dict]:
    """Run the generator into ``out``; the variants' table (file, list, family, half, description)."""
    cmd = [sys.executable, str(GENERATOR), str(out)] + (["--only", only] if only else [])
    subprocess.run(cmd, check=True, cwd=REPO, capture_output=True)
    with (out / "variants.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def layouts(work: Path, catalog_dir: Path, half: str = "all", only: str = "") -> dict:
    variants = [v for v in generate(work, only) if half == "all" or v["half"] == half]
    docs = work / "docs"
    keep = {v["file"] for v in variants}
    inputs = [p for p in discover_inputs(docs, catalog_dir) if p.name in keep]
    report = run(inputs, RunOptions(out_dir=work / "out", catalog_dir=catalog_dir, root=docs, use_cache=False))
    frames = load(work / "out")
    golds = load_gold(work / "gold")
    _, ours = score_dataset(frames["items"], frames["catalog_rows"], golds)
    base_items = baseline_codes(frames["items"], load_catalog(catalog_dir))
    _, base = score_dataset(base_items, frames["catalog_rows"], golds)
    refused = set(frames["documents"].query("status == 'refused'")["source"])
    for v in variants:       # a document with nothing read still has its gold to miss
        gold = golds.get(Path(v["file"]).stem + ".json")
        if v["file"] not in ours and gold is not None:
            ours[v["file"]] = base[v["file"]] = score_items(frames["items"].iloc[:0], gold,
                                                           frames["catalog_rows"].iloc[:0])
    groups: dict[tuple[str, str], dict] = defaultdict(lambda: {"ours": Score(), "base": Score(), "n": 0, "refused": 0})
    for v in variants:
        for key in ((v["half"], v["family"]), (v["half"], "ALL")):
            g = groups[key]
            g["n"] += 1
            g["refused"] += v["file"] in refused
            g["ours"] = g["ours"] + ours.get(v["file"], Score())
            g["base"] = g["base"] + base.get(v["file"], Score())
    missing = [v["file"] for v in variants if v["file"] not in ours]
    return {"groups": dict(groups), "report": report, "per_file": ours, "variants": variants, "unscored": missing}


def _line(name: str, g: dict) -> str:
    s, b = g["ours"], g["base"]
    return (f"{name:<34} n {g['n']:>3}  refused {g['refused']:>2}  items {s.recovered_share:7.2%}  F1 {s.f1:.3f}  "
            f"unflagged P {s.unflagged_precision:.3f} ({s.unflagged_correct}/{s.unflagged_predicted})  "
            f"catalog rows {s.catalog_recovered}/{s.catalog_gold}  | baseline F1 {b.f1:.3f} P {b.precision:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench layouts", description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("tune", "held", "all"), default="all")
    parser.add_argument("--only", default="", help="families, comma-separated (default: all)")
    parser.add_argument("--catalog", type=Path, default=Path("raw/catalog"))
    parser.add_argument("--workdir", type=Path, help="keep the variants and the dataset here")
    parser.add_argument("--worst", type=int, default=0, help="also list the N worst variants")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        result = layouts(work, args.catalog, args.half, args.only)
    for (half, family), g in sorted(result["groups"].items(), key=lambda kv: (kv[0][0], kv[0][1] == "ALL", kv[0][1])):
        print(_line(f"{half}/{family}", g))
    if result["unscored"]:
        print(f"not scored (no gold matched): {', '.join(result['unscored'][:10])}")
    if args.worst:
        worst = sorted(result["per_file"].items(), key=lambda kv: (kv[1].recovered_share, kv[1].f1))[:args.worst]
        for name, s in worst:
            print(f"  {name:<48} items {s.recovered}/{s.gold_items}  F1 {s.f1:.3f}  unflagged P {s.unflagged_precision:.3f}")
    return 0
