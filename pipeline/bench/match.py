"""``python -m pipeline.bench match OUT --gold GOLD``: matching throughput, kept out of pytest.

Every mention of a run's items table, rebuilt as `Mention`s and shared over 2 worker
processes as a run's workers hold them after extraction: each loads the catalog and its
share, then on a common start signal matches them with the full matcher (``MatchMemo``: code,
exact, alias, compound, fuzzy, context; a repeated mention is matched once) and sends the
answers back; rate = mentions / wall seconds from the start signal to the last answer
received. Beside it, in the same run, a plain ``process.extractOne(text, names,
scorer=fuzz.WRatio)`` loop over a sample of documents on 2 workers, and the code accuracy of
both on that sample.
"""
from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from normalizers.match_catalog import match
from pipeline.bench.machine import machine
from pipeline.catalog.decisions import load_decisions
from pipeline.catalog.reference import load_catalog
from pipeline.core.records import Mention, Provenance
from pipeline.dataset.tables import load, load_table
from pipeline.evaluate.score import load_gold, score_dataset
from pipeline.runner.match_memo import MatchMemo, match_key

__all__ = ["match_throughput", "print_throughput", "main"]


def _mentions(items: pd.DataFrame) -> list:
    return [Mention(Provenance(r.source, r.page, r.table, r.row, r.cell, r.line), r.list_kind, int(r.seq),
                    r.raw_text, r.item_text, r.start, r.end,
                    printed_codes=tuple(c for c in str(r.code_as_written).split(";") if c),
                    bundle_no=r.bundle_no, bundle_name=r.bundle_name, scenario_code=r.scenario_code,
                    scenario_name=r.scenario_name, role=r.role, unit=r.unit, current_limit=r.current_limit,
                    target_limit=r.target_limit, channels=tuple(c for c in r.channels.split(";") if c))
            for r in items.itertuples(index=False)]


_STATE: list = []


def _init(catalog_dir: str) -> None:
    catalog = load_catalog(Path(catalog_dir), load_decisions(Path(catalog_dir)))
    _STATE[:] = [catalog, MatchMemo(catalog.index),
                 [i.name for i in catalog.items if i.code], [i.code for i in catalog.items if i.code]]


def _shard(out: str, part: int, parts: int) -> list:
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
    names, codes = _STATE[2], _STATE[3]
    return [codes[b[2]] if (b := process.extractOne(t, names, scorer=fuzz.WRatio)) else "" for t in texts]


def match_throughput(out: Path, gold_dir: Path, catalog: Path, workers: int = 2, sample_docs: int = 40) -> dict:
    """The full matcher over every mention of ``out``'s items table on ``workers`` processes (each
    matching its share, as a run's workers do) beside a plain WRatio loop over a sample, same run."""
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
    ours_score, _ = score_dataset(sample.assign(codes=[our_codes[m] for m in sample["mention_id"]]), rows, golds)
    plain_score, _ = score_dataset(sample.assign(codes=plain, needs_review=False), rows, golds)
    return {"mentions": len(mentions), "distinct_mentions": len({match_key(m) for m in mentions}),
            "matched_fresh": misses, "ours_per_s": len(mentions) / ours_wall, "ours_wall_s": ours_wall,
            "ours_per_s_in_workers": len(mentions) / ours_s, "plain_mentions": len(texts),
            "plain_per_s": len(texts) / plain_s, "plain_s": plain_s, "ratio": (len(mentions) / ours_wall) / (len(texts) / plain_s),
            "same_as_match": same, "sample_docs": len(sources),
            "ours_f1": ours_score.f1, "plain_f1": plain_score.f1,
            "ours_precision": ours_score.precision, "plain_precision": plain_score.precision}


def print_throughput(out: Path, gold: Path, catalog: Path, sample_docs: int) -> None:
    print(machine())
    figures = match_throughput(out, gold, catalog, sample_docs=sample_docs)
    print("match: " + "  ".join(f"{k} {v:,.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench match", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a dataset folder written by a run over a generated corpus")
    parser.add_argument("--gold", type=Path, required=True, help="the corpus's gold folder")
    parser.add_argument("--catalog", type=Path, default=Path("raw/catalog"))
    parser.add_argument("--sample-docs", type=int, default=40, help="documents for the plain loop and accuracy")
    args = parser.parse_args(argv)
    print_throughput(args.out, args.gold, args.catalog, args.sample_docs)
    return 0
