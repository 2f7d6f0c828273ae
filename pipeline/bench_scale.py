"""Scale benchmarks (``python -m pipeline.bench scale|match``), kept out of pytest.

scale: for each size, a generated corpus (``pipeline.make_corpus``) run through the CLI in
a fresh process: cold (no cache), warm (nothing changed), one changed file; wall time
(median of ``--repeat`` runs, cold runs ``--cold-repeat`` times), peak memory (ru_maxrss of
the run's process and of its largest worker), and code F1 against the corpus gold.

match: matching throughput on every mention of a run's items table, rebuilt as `Mention`s
and shared over 2 worker processes as a run's workers hold them after extraction: each loads
the catalog and its share, then on a common start signal matches them with the full matcher
(``MatchMemo``: code, exact, alias, compound, fuzzy, context; a repeated mention is matched
once) and sends the answers back; rate = mentions / wall seconds from the start signal to the
last answer received. Beside it, in the same run, a plain
``process.extractOne(text, names, scorer=fuzz.WRatio)`` loop over a sample of documents on 2
workers, and the code accuracy of both on that sample.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

__all__ = ["scale", "match_throughput", "machine"]

REPO = Path(__file__).resolve().parent.parent
_MEASURED_RUN = """
import json, resource, sys
from pipeline.cli import main
code = main(sys.argv[1:])
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("@@" + json.dumps({"code": code, "self_kib": me, "children_kib": kids}))
"""


def machine() -> str:
    return (f"machine: nproc {os.cpu_count()}, python {platform.python_version()} ({platform.machine()}), "
            f"{platform.system()} {platform.release()}")


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
    from pipeline.score import Score, load_gold, pick_gold, score_items
    from pipeline.write_dataset import load
    frames = load(out)
    golds, total = load_gold(gold_dir), Score()
    catalog_rows = dict(iter(frames["catalog_rows"].groupby("source")))
    empty = frames["items"].iloc[:0]
    by_source = dict(iter(frames["items"].groupby("source")))
    for source in sorted(set(by_source) | set(catalog_rows)):   # one pass; bench._score_all filters per source
        predicted = by_source.get(source, empty).reset_index(drop=True)
        gold = pick_gold(source, predicted, golds)
        if gold is not None:
            total = total + score_items(predicted, gold, catalog_rows.get(source))
    return total.f1, total.recovered_share


def scale(sizes: list[int], workdir: Path, catalog: Path, repeat: int, cold_repeat: int, seed: int = 0) -> list[dict]:
    from pipeline.make_corpus import make_corpus
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


# --- matching throughput ----------------------------------------------------------------

def _mentions(items: pd.DataFrame) -> list:
    from pipeline.records import Mention, Provenance
    return [Mention(Provenance(r.source, r.page, r.table, r.row, r.cell, r.line), r.list_kind, int(r.seq),
                    r.raw_text, r.item_text, r.start, r.end,
                    printed_codes=tuple(c for c in str(r.code_as_written).split(";") if c),
                    bundle_no=r.bundle_no, bundle_name=r.bundle_name, scenario_code=r.scenario_code,
                    scenario_name=r.scenario_name, role=r.role, unit=r.unit, current_limit=r.current_limit,
                    target_limit=r.target_limit, channels=tuple(c for c in r.channels.split(";") if c))
            for r in items.itertuples(index=False)]


_STATE: list = []


def _init(catalog_dir: str) -> None:
    from pipeline.catalog import load_catalog
    from pipeline.match_batch import MatchMemo
    from pipeline.run import load_decisions
    catalog = load_catalog(Path(catalog_dir), load_decisions(Path(catalog_dir)))
    _STATE[:] = [catalog, MatchMemo(catalog.index),
                 [i.name for i in catalog.items if i.code], [i.code for i in catalog.items if i.code]]


def _shard(out: str, part: int, parts: int) -> list:
    from pipeline.write_dataset import load_table
    items = load_table(Path(out) / "items.parquet", "items")
    return _mentions(items.iloc[part::parts])


def _matcher(out: str, part: int, parts: int, catalog_dir: str, conn) -> None:
    """One worker: load the catalog and its share of mentions (as a run's worker has them after
    extraction), say ready, wait for go, match them all, send back the answers and its seconds."""
    _init(catalog_dir)
    mentions = _shard(out, part, parts)
    conn.send(len(mentions))
    conn.recv()
    started = time.perf_counter()
    matches = _STATE[1].match_all(mentions)
    took = time.perf_counter() - started
    conn.send(([(";".join(r.codes), r.needs_review) for r in matches], took, _STATE[1].misses))
    conn.close()


def _ours_on_workers(out: Path, catalog: Path, workers: int) -> tuple[list, float, float, int]:
    """Answers in items-table order, wall seconds from go to the last answer received, the slowest
    worker's own matching seconds, and how many distinct mentions were matched (memo misses)."""
    import multiprocessing as mp
    ctx = mp.get_context("spawn")
    pipes, procs = [], []
    for part in range(workers):
        mine, theirs = ctx.Pipe()
        proc = ctx.Process(target=_matcher, args=(str(out), part, workers, str(catalog), theirs))
        proc.start()
        pipes.append(mine)
        procs.append(proc)
    sizes = [conn.recv() for conn in pipes]
    started = time.perf_counter()
    for conn in pipes:
        conn.send("go")
    replies = [conn.recv() for conn in pipes]
    wall = time.perf_counter() - started
    for proc in procs:
        proc.join()
    answers: list = [None] * sum(sizes)
    for part, (got, _, _) in enumerate(replies):
        answers[part::workers] = got
    return answers, wall, max(t for _, t, _ in replies), sum(m for _, _, m in replies)


def _plain(texts: list[str]) -> list[str]:
    from rapidfuzz import fuzz, process
    names, codes = _STATE[2], _STATE[3]
    return [codes[b[2]] if (b := process.extractOne(t, names, scorer=fuzz.WRatio)) else "" for t in texts]


def match_throughput(out: Path, gold_dir: Path, catalog: Path, workers: int = 2, sample_docs: int = 40) -> dict:
    """The full matcher over every mention of ``out``'s items table on ``workers`` processes (each
    matching its share, as a run's workers do) beside a plain WRatio loop over a sample, same run."""
    from normalizers.match_catalog import match
    from pipeline.bench import _score_all
    from pipeline.match_batch import match_key
    from pipeline.score import load_gold
    from pipeline.write_dataset import load
    ours, ours_wall, ours_s, misses = _ours_on_workers(out, catalog, workers)
    frames = load(out)
    items = frames["items"]
    sources = sorted(set(items["source"]))[:sample_docs]
    sample = items[items["source"].isin(sources)].reset_index(drop=True)
    texts = list(sample["raw_text"])
    th = (len(texts) + workers - 1) // workers
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(str(catalog),)) as pool:
        list(pool.map(_plain, [[t] for t in texts[:workers]]))          # start-up and catalog load done
        started = time.perf_counter()
        plain = [x for part in pool.map(_plain, [texts[i:i + th] for i in range(0, len(texts), th)]) for x in part]
        plain_s = time.perf_counter() - started
    _init(str(catalog))
    mentions = _mentions(items)
    check = mentions[::max(1, len(mentions) // 3000)]
    same = all(r == match(m, _STATE[0].index) for m, r in zip(check, _STATE[1].match_all(check)))
    golds = load_gold(gold_dir)
    rows = frames["catalog_rows"][frames["catalog_rows"]["source"].isin(sources)]
    our_codes = dict(zip(items["mention_id"], (c for c, _ in ours)))
    ours_score, _ = _score_all(sample.assign(codes=[our_codes[m] for m in sample["mention_id"]]), rows, golds)
    plain_score, _ = _score_all(sample.assign(codes=plain, needs_review=False), rows, golds)
    return {"mentions": len(mentions), "distinct_mentions": len({match_key(m) for m in mentions}),
            "matched_fresh": misses, "ours_per_s": len(mentions) / ours_wall, "ours_wall_s": ours_wall,
            "ours_per_s_in_workers": len(mentions) / ours_s, "plain_mentions": len(texts),
            "plain_per_s": len(texts) / plain_s, "plain_s": plain_s, "ratio": (len(mentions) / ours_wall) / (len(texts) / plain_s),
            "same_as_match": same, "sample_docs": len(sources),
            "ours_f1": ours_score.f1, "plain_f1": plain_score.f1,
            "ours_precision": ours_score.precision, "plain_precision": plain_score.precision}
