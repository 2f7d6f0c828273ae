"""``python -m pipeline.bench scale``: cold, warm and one-changed runs on generated corpora, kept out of pytest.

For each size, a generated corpus (``pipeline.bench.corpus``) run through the CLI in a fresh
process: cold (no cache), warm (nothing changed), one changed file; wall time (median of
``--repeat`` runs, cold runs ``--cold-repeat`` times), seconds per stage of the run (start,
read, write, diff, commit: ``RunReport.stages``), peak memory (ru_maxrss of the run's process
and of its largest worker), and code F1 against the corpus gold; then the growth from the
smallest to the largest size, of each kind of run and of each stage. ``--base-commit REV``
measures the code of another commit (a git worktree of it) on the same corpora in the same
run, each size right after this tree's. With ``--match``, then the matching throughput on
the largest corpus (``pipeline.bench.match``).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from pipeline.bench.corpus import make_corpus
from pipeline.bench.machine import machine
from pipeline.bench.match import print_throughput
from pipeline.evaluate.score import load_gold, score_dataset

__all__ = ["scale", "main"]

REPO = Path(__file__).resolve().parents[2]
# One CLI run, measured in its own process: exit code, peak memory of the process and of its largest
# worker, and the seconds per stage the run reports (RunReport.stages; none on a tree without them).
_MEASURED_RUN = """
import json, resource, sys
import pipeline.runner.runner as runner
stages = {}
_run = runner.run
def run(*args, **kwargs):
    report = _run(*args, **kwargs)
    stages.update(getattr(report, "stages", {}) or {})
    return report
runner.run = run
from pipeline.cli import main
code = main(sys.argv[1:])
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("@@" + json.dumps({"code": code, "self_kib": me, "children_kib": kids, "stages": stages}))
"""
STAGES = ("start", "read", "write", "diff", "commit")


def _run(tree: Path, docs: Path, out: Path, catalog: Path, *extra: str) -> dict:
    """One CLI run of the code in ``tree``, in a fresh process: wall seconds, peak memory (KiB), stages."""
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(tree), "RENSHE_LANG": "en"}   # the summary is parsed: English
    proc = subprocess.run([sys.executable, "-c", _MEASURED_RUN, "run", str(docs), "--root", str(docs),
                           "--catalog", str(catalog), "--out", str(out), *extra],
                          cwd=tree, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("@@")), None)
    if line is None:
        raise RuntimeError(f"the run failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    figures = json.loads(line[2:])
    figures["wall"] = wall
    figures["summary"] = " ".join(ln for ln in proc.stdout.splitlines()[:2] if not ln.startswith("@@"))
    return figures


def _touch_one(docs: Path, n: int) -> None:
    """Change one text document's bytes (a trailing line), a different one each time."""
    texts = sorted(docs.glob("*.txt"))
    path = texts[n % len(texts)]
    path.write_bytes(path.read_bytes() + f"\n附：修订{n}\n".encode("utf-8"))


def _f1(out: Path, gold_dir: Path) -> tuple[float, float]:
    # the tables as written (an older commit's lack columns added since, such as region_code)
    items, rows = (pd.read_parquet(out / f"{name}.parquet") for name in ("items", "catalog_rows"))
    total, _ = score_dataset(items, rows, load_gold(gold_dir))
    return total.f1, total.recovered_share


def _stage_text(runs: list[dict]) -> str:
    """Median seconds per stage over ``runs`` ("" when the tree reports none)."""
    if not runs or not any(r.get("stages") for r in runs):
        return ""
    names = [n for n in STAGES if any(n in r.get("stages", {}) for r in runs)]
    return ", ".join(f"{n} {statistics.median(r.get('stages', {}).get(n, 0.0) for r in runs):.2f}" for n in names)


def _measure(tree: Path, label: str, n: int, corpus: Path, out: Path, catalog: Path, repeat: int,
             cold_repeat: int, touch_from: int = 0) -> dict:
    docs = corpus / "docs"
    colds = []
    if cold_repeat == 0 and not out.exists():
        cold_repeat = 1          # 0 means: reuse the dataset (and cache) of an earlier cold run
    for _ in range(cold_repeat):
        subprocess.run(["rm", "-rf", str(out)], check=True)
        colds.append(_run(tree, docs, out, catalog))
        print(f"[{label} {n}] cold {colds[-1]['wall']:.2f} s  {colds[-1]['summary']}", flush=True)
    warms = [_run(tree, docs, out, catalog) for _ in range(repeat)]
    f1, recovered = _f1(out, corpus / "gold")
    changed = []
    for k in range(repeat):
        _touch_one(docs, touch_from + k)
        changed.append(_run(tree, docs, out, catalog))
    last = (colds or warms)[-1]
    row = {"tree": label, "docs": n, "mentions": int(re.search(r"(\d+) item mentions", last["summary"]).group(1)),
           "cold_s": statistics.median(r["wall"] for r in colds) if colds else float("nan"),
           "warm_s": statistics.median(r["wall"] for r in warms),
           "one_changed_s": statistics.median(r["wall"] for r in changed),
           "peak_main_mib": max(r["self_kib"] for r in colds + warms + changed) / 1024,
           "peak_worker_mib": max(r["children_kib"] for r in colds + warms + changed) / 1024,
           "f1": f1, "recovered": recovered, "runs": f"cold x{cold_repeat}, warm x{repeat}, changed x{repeat}"}
    print(f"[{label} {n}] " + "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                        for k, v in row.items() if k != "tree"), flush=True)
    for kind, runs in (("cold", colds), ("warm", warms), ("one changed", changed)):
        text = _stage_text(runs)
        if text:
            print(f"[{label} {n}] stages {kind}: {text} s", flush=True)
    row["stages"] = {kind: {name: statistics.median(r.get("stages", {}).get(name, 0.0) for r in runs)
                            for name in STAGES} for kind, runs in (("cold", colds), ("warm", warms),
                                                                   ("one_changed", changed)) if runs}
    return row


def _growth(rows: list[dict]) -> None:
    a, b = rows[0], rows[-1]
    label = rows[0]["tree"]
    print(f"[{label}] growth {a['docs']} -> {b['docs']} docs (x{b['docs'] / a['docs']:.1f}): "
          f"cold x{b['cold_s'] / a['cold_s']:.2f}, warm x{b['warm_s'] / a['warm_s']:.2f}, "
          f"one changed x{b['one_changed_s'] / a['one_changed_s']:.2f}", flush=True)
    for kind in ("cold", "warm", "one_changed"):
        sa, sb = a.get("stages", {}).get(kind, {}), b.get("stages", {}).get(kind, {})
        parts = [f"{name} x{sb[name] / sa[name]:.1f}" for name in STAGES
                 if sa.get(name, 0.0) >= 0.005 and name in sb]
        if parts:
            print(f"[{label}] growth of stages, {kind.replace('_', ' ')}: " + ", ".join(parts), flush=True)


def _base_tree(rev: str, workdir: Path) -> Path:
    """A git worktree of commit ``rev`` (checked out afresh), to measure beside this tree."""
    tree = workdir / f"tree_{rev}"
    subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], capture_output=True)
    subprocess.run(["rm", "-rf", str(tree)], check=True)
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), rev], check=True,
                   capture_output=True)
    return tree


def scale(sizes: list[int], workdir: Path, catalog: Path, repeat: int, cold_repeat: int, seed: int = 0,
          base_commit: str | None = None) -> list[dict]:
    """Measure this tree (and the tree of ``base_commit``, same corpora, same run) at each size."""
    print(machine(), flush=True)
    workdir.mkdir(parents=True, exist_ok=True)
    trees = [(REPO, "this")]
    if base_commit:
        trees.append((_base_tree(base_commit, workdir), base_commit))
    rows: dict[str, list[dict]] = {label: [] for _, label in trees}
    try:
        for n in sizes:
            corpus = workdir / f"corpus_{n}"
            if not (corpus / "docs").exists() or len(list((corpus / "docs").iterdir())) != n:
                started = time.perf_counter()
                make_corpus(n, corpus, seed=seed)
                print(f"[{n}] corpus generated in {time.perf_counter() - started:.1f} s", flush=True)
            for t, (tree, label) in enumerate(trees):
                out = workdir / (f"out_{n}" if tree == REPO else f"out_{n}_{label}")
                rows[label].append(_measure(tree, label, n, corpus, out, catalog, repeat, cold_repeat, t * repeat))
        if len(sizes) >= 2:
            for _, label in trees:
                _growth(rows[label])
    finally:
        for tree, _ in trees[1:]:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], capture_output=True)
    return [r for _, label in trees for r in rows[label]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench scale", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/renshe-bench"))
    parser.add_argument("--repeat", type=int, default=3, help="warm and one-changed runs per size (median)")
    parser.add_argument("--cold-repeat", type=int, default=1, help="cold runs per size (median)")
    parser.add_argument("--catalog", type=Path, default=Path("raw/catalog"))
    parser.add_argument("--base-commit", metavar="REV",
                        help="also measure the code of this commit (a git worktree), on the same corpora in the same run")
    parser.add_argument("--match", action="store_true", help="then the matching throughput on the largest corpus")
    args = parser.parse_args(argv)
    scale(args.sizes, args.workdir.resolve(), args.catalog.resolve(), args.repeat, args.cold_repeat,
          base_commit=args.base_commit)
    if args.match:
        n = max(args.sizes)
        print_throughput(args.workdir / f"out_{n}", args.workdir / f"corpus_{n}" / "gold", args.catalog.resolve(), 40)
    return 0
