"""``python -m pipeline.bench formats [--fixtures DIR] [--runs N]``: every input format against its gold.

Runs the pipeline once over the format fixtures (``tests/fixtures/formats``, written by
``tests/fixtures/make_formats.py``: the seeds' lists as .xlsx, .xls, .et, .ods, .csv, .html,
.mht, .htm fragments, .doc, .wps, .rtf, .odt, .ofd), scores each fixture against its own gold
file (``gold/<fixture>.json``) with ``pipeline.evaluate.score`` and prints per format (the
file's suffix): items recovered, code F1, precision of the codes not flagged for review, and
the reading speed of the format's extractor (``extractors.extract_rows``, files per second,
median of ``--runs`` timed passes after one warm-up) beside the DOCX reader on the DOCX
fixtures (``tests/fixtures/*.docx``). Targets: recovered >= 0.99, F1 >= 0.98, unflagged
precision >= 0.995; a format below one is marked ``BELOW``.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pipeline.dataset.tables import load
from pipeline.evaluate.score import Score, load_gold, score_items
from pipeline.runner.runner import RunOptions, run

__all__ = ["TARGETS", "bench_formats", "format_of", "main"]

REPO = Path(__file__).resolve().parents[2]
DEFAULT_FIXTURES = REPO / "tests" / "fixtures" / "formats"
DOCX_FIXTURES = REPO / "tests" / "fixtures"
TARGETS = {"recovered": 0.99, "f1": 0.98, "unflagged_precision": 0.995}


def format_of(path: Path | str) -> str:
    """The format a fixture stands for: its suffix (``x.fragment.htm`` -> ``htm``)."""
    return Path(path).suffix.lstrip(".").lower()


def _files_per_second(paths: list[Path], runs: int) -> float | None:
    """Files read per second (files refused here, e.g. .doc without LibreOffice, left out); None if none is read."""
    from extractors import extract_rows
    from pipeline.core.errors import PipelineError

    readable = []
    for p in paths:
        try:
            list(extract_rows(p, p.name))   # the warm-up
            readable.append(p)
        except PipelineError:
            continue
    if not readable:
        return None

    def once() -> float:
        start = time.perf_counter()
        for p in readable:
            list(extract_rows(p, p.name))
        return time.perf_counter() - start

    return len(readable) / statistics.median(once() for _ in range(max(1, runs)))


def bench_formats(fixtures: Path = DEFAULT_FIXTURES, catalog_dir: Path = REPO / "raw" / "catalog",
                  runs: int = 3) -> dict[str, dict]:
    """Per format: files, Score (summed over its fixtures), files/s (None: refused here), refused messages;
    plus "docx (reader)"."""
    golds = load_gold(fixtures / "gold")
    files = sorted(fixtures / g["source"] for g in golds.values() if (fixtures / g["source"]).exists())
    with tempfile.TemporaryDirectory() as tmp:
        report = run(files, RunOptions(out_dir=Path(tmp), catalog_dir=catalog_dir, root=fixtures, use_cache=False))
        frames = load(tmp)
    items, catalog_rows = frames["items"], frames["catalog_rows"]
    results: dict[str, dict] = {}
    for path in files:
        entry = results.setdefault(format_of(path), {"files": [], "score": Score(), "refused": []})
        entry["files"].append(path)
        predicted = items[items["source"] == path.name].reset_index(drop=True)
        rows = catalog_rows[catalog_rows["source"] == path.name]
        entry["score"] = entry["score"] + score_items(predicted, golds[path.name + ".json"], rows)
    for message in report.refused:
        for fmt, entry in results.items():
            if any(f"] {p.name}: " in message for p in entry["files"]):
                entry["refused"].append(message)
    for entry in results.values():
        entry["files_per_s"] = _files_per_second(entry["files"], runs)
    docx = sorted(DOCX_FIXTURES.glob("*.docx"))
    results["docx (reader)"] = {"files": docx, "score": None, "refused": [], "files_per_s": _files_per_second(docx, runs)}
    return results


def _line(fmt: str, entry: dict) -> str:
    s: Score | None = entry["score"]
    speed = f"{entry['files_per_s']:8.1f} files/s" if entry["files_per_s"] is not None else "  not read here"
    if s is None:
        return f"{fmt:<14} {len(entry['files']):>3} files  {'':<62}{speed}"
    below = [k for k, v in (("recovered", s.recovered_share), ("f1", s.f1),
                            ("unflagged_precision", s.unflagged_precision)) if v < TARGETS[k]]
    catalog = f"  catalog rows {s.catalog_recovered}/{s.catalog_gold}" if s.catalog_gold else ""
    return (f"{fmt:<14} {len(entry['files']):>3} files  recovered {s.recovered:>4}/{s.gold_items:<4} "
            f"({s.recovered_share:6.2%})  F1 {s.f1:.3f}  unflagged P {s.unflagged_precision:.3f}  {speed}"
            f"{catalog}{'  BELOW: ' + ', '.join(below) if below else ''}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench formats", description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--catalog", type=Path, default=REPO / "raw" / "catalog")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    results = bench_formats(args.fixtures, args.catalog, args.runs)
    for fmt, entry in results.items():
        print(_line(fmt, entry))
        for message in entry["refused"]:
            print(f"    refused: {message}")
    return 0
