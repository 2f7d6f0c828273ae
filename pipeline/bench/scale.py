"""``python -m pipeline.bench scale``: cold, warm and one-changed runs on generated corpora, kept out of pytest.

For each size, a generated corpus (``pipeline.bench.corpus``) run through the CLI in a fresh
process: cold (no cache), warm (nothing changed), one changed file; wall time (median of
``--repeat`` runs, cold runs ``--cold-repeat`` times), peak memory (ru_maxrss of the run's
process and of its largest worker), and code F1 against the corpus gold. With ``--match``,
then the matching throughput on the largest corpus (``pipeline.bench.match``).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from pipeline.bench.corpus import make_corpus
from pipeline.bench.machine import machine
from pipeline.bench.match import print_throughput
from pipeline.dataset.tables import load
from pipeline.evaluate.score import load_gold, score_dataset

__all__ = ["scale", "main"]

REPO = Path(__file__).resolve().parents[2]
_MEASURED_RUN = """
import json, resource, sys
from pipeline.cli import main
code = main(sys.argv[1:])
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("@@" + json.dumps({"code": code, "self_kib": me, "children_kib": kids}))
"""


def _run(docs: Path, out: Path, catalog: Path, *extra: str) -> dict:
    """One CLI run in a fresh process: wall seconds and peak memory (KiB)."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _MEASURED_RUN, "run", str(docs), "--root", str(docs),
                           "--catalog", str(catalog), "--out", str(out), *extra],
                          cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - started
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("@@")), None)
    if line is None:
        raise RuntimeError(f"the run failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    figures = json.loads(line[2:])
    figures["wall"] = wall
    figures["summary"] = proc.stdout.splitlines()[0]
    return figures


def _touch_one(docs: Path, n: int) -> None:
    """Change one text document's bytes (a trailing line), a different one each time."""
    texts = sorted(docs.glob("*.txt"))
    path = texts[n % len(texts)]
    path.write_bytes(path.read_bytes() + f"\n附：修订{n}\n".encode("utf-8"))


def _f1(out: Path, gold_dir: Path) -> tuple[float, float]:
    frames = load(out)
    total, _ = score_dataset(frames["items"], frames["catalog_rows"], load_gold(gold_dir))
    return total.f1, total.recovered_share


def scale(sizes: list[int], workdir: Path, catalog: Path, repeat: int, cold_repeat: int, seed: int = 0) -> list[dict]:
    print(machine(), flush=True)
    rows = []
    for n in sizes:
        corpus = workdir / f"corpus_{n}"
        if not (corpus / "docs").exists() or len(list((corpus / "docs").iterdir())) != n:
            started = time.perf_counter()
            make_corpus(n, corpus, seed=seed)
            print(f"[{n}] corpus generated in {time.perf_counter() - started:.1f} s", flush=True)
        docs, out = corpus / "docs", workdir / f"out_{n}"
        colds = []
        if cold_repeat == 0 and not out.exists():
            cold_repeat = 1          # 0 means: reuse the dataset (and cache) of an earlier cold run
        for _ in range(cold_repeat):
            subprocess.run(["rm", "-rf", str(out)], check=True)
            colds.append(_run(docs, out, catalog))
            print(f"[{n}] cold {colds[-1]['wall']:.2f} s  {colds[-1]['summary']}", flush=True)
        warms = [_run(docs, out, catalog) for _ in range(repeat)]
        f1, recovered = _f1(out, corpus / "gold")
        changed = []
        for k in range(repeat):
            _touch_one(docs, k)
            changed.append(_run(docs, out, catalog))
        last = (colds or warms)[-1]
        row = {"docs": n, "mentions": int(last["summary"].split(" item mentions")[0].split()[-1]),
               "cold_s": statistics.median(r["wall"] for r in colds) if colds else float("nan"),
               "warm_s": statistics.median(r["wall"] for r in warms),
               "one_changed_s": statistics.median(r["wall"] for r in changed),
               "peak_main_mib": max(r["self_kib"] for r in colds + warms + changed) / 1024,
               "peak_worker_mib": max(r["children_kib"] for r in colds + warms + changed) / 1024,
               "f1": f1, "recovered": recovered, "runs": f"cold x{cold_repeat}, warm x{repeat}, changed x{repeat}"}
        print(f"[{n}] " + "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()),
              flush=True)
        rows.append(row)
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        print(f"growth {a['docs']} -> {b['docs']} docs (x{b['docs'] / a['docs']:.1f}): cold x{b['cold_s'] / a['cold_s']:.2f}, "
              f"warm x{b['warm_s'] / a['warm_s']:.2f}, one changed x{b['one_changed_s'] / a['one_changed_s']:.2f}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench scale", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/renshe-bench"))
    parser.add_argument("--repeat", type=int, default=3, help="warm and one-changed runs per size (median)")
    parser.add_argument("--cold-repeat", type=int, default=1, help="cold runs per size (median)")
    parser.add_argument("--catalog", type=Path, default=Path("raw/catalog"))
    parser.add_argument("--match", action="store_true", help="then the matching throughput on the largest corpus")
    args = parser.parse_args(argv)
    scale(args.sizes, args.workdir, args.catalog.resolve(), args.repeat, args.cold_repeat)
    if args.match:
        n = max(args.sizes)
        print_throughput(args.workdir / f"out_{n}", args.workdir / f"corpus_{n}" / "gold", args.catalog.resolve(), 40)
    return 0
