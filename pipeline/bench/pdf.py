"""Benchmark of the PDF stage against plain pdfplumber and camelot, on the PDF fixtures.

    python -m pipeline.bench.pdf [--runs 5] [--fixtures tests/fixtures]

Every extractor reads the same PDFs (the fixtures with an ``.expected.json``) in the same
run: one untimed warm-up, then ``--runs`` timed passes; speed is total pages / median time.
Accuracy compares every table row found with the generator's expected rows:
- rows exact: share of expected rows found with every cell identical (as a multiset, so
  order and table boundaries do not matter; a repeated header or a row cut in two is lost);
- cells exact: share of expected (column, text) pairs found, ``None`` for merged positions;
- extra rows: rows found that are not expected ones (repeated headers, cut rows).
camelot needs the optional group ``bench`` (``pip install -e '.[bench]'``); without it its
line says so.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Sequence

__all__ = ["main", "run_benchmark", "score_tables", "BenchResult"]

Table = list[list[str | None]]
DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"


class BenchResult(dict):
    """name, pages, pages_per_s, median_s, rows_exact, cells_exact, extra_rows (or error)."""


def ours(path: Path) -> list[Table]:
    from extractors.pdf import extract_rows

    tables: dict[int, Table] = {}
    for row in extract_rows(path, path.name):
        if row.where.table:
            tables.setdefault(row.where.table, []).append(list(row.cells))
    return list(tables.values())


def plain_pdfplumber(path: Path) -> list[Table]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [t for page in pdf.pages for t in page.extract_tables()]


def camelot_lattice(path: Path) -> list[Table]:
    import camelot

    return [t.df.values.tolist() for t in camelot.read_pdf(str(path), flavor="lattice", pages="all")]


EXTRACTORS: dict[str, Callable[[Path], list[Table]]] = {
    "ours (extractors.pdf)": ours,
    "pdfplumber extract_tables()": plain_pdfplumber,
    "camelot lattice": camelot_lattice,
}


def score_tables(got: Sequence[Table], want: Sequence[Table]) -> tuple[float, float, int]:
    """(rows exact, cells exact, extra rows) of the tables found against the expected tables."""
    got_rows = Counter(tuple(r) for t in got for r in t)
    want_rows = Counter(tuple(r) for t in want for r in t)
    got_cells = Counter((c, v) for t in got for r in t for c, v in enumerate(r))
    want_cells = Counter((c, v) for t in want for r in t for c, v in enumerate(r))
    rows_ok = sum((got_rows & want_rows).values())
    cells_ok = sum((got_cells & want_cells).values())
    extra = sum((got_rows - want_rows).values())
    return rows_ok / max(1, sum(want_rows.values())), cells_ok / max(1, sum(want_cells.values())), extra


def _pdf_fixtures(folder: Path) -> list[tuple[Path, list[Table]]]:
    out = []
    for path in sorted(folder.glob("*.pdf")):
        expected = folder / (path.name + ".expected.json")
        if expected.exists():
            out.append((path, [t["rows"] for t in json.loads(expected.read_text(encoding="utf-8"))["tables"]]))
    return out


def _page_count(path: Path) -> int:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def run_benchmark(folder: Path = DEFAULT_FIXTURES, runs: int = 5) -> list[BenchResult]:
    """Time and score every extractor on the PDF fixtures of ``folder``."""
    fixtures = _pdf_fixtures(folder)
    pages = sum(_page_count(p) for p, _ in fixtures)
    results = []
    for name, extract in EXTRACTORS.items():
        try:
            found = [extract(p) for p, _ in fixtures]          # warm-up, and the output scored
        except ImportError as err:
            results.append(BenchResult(name=name, error=f"not installed ({err.name}): pip install -e '.[bench]'"))
            continue
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            for p, _ in fixtures:
                extract(p)
            times.append(time.perf_counter() - start)
        got = [t for tables in found for t in tables]
        want = [t for _, tables in fixtures for t in tables]
        rows_ok, cells_ok, extra = score_tables(got, want)
        median = statistics.median(times)
        results.append(BenchResult(name=name, pages=pages, median_s=median, pages_per_s=pages / median,
                                   rows_exact=rows_ok, cells_exact=cells_ok, extra_rows=extra))
    return results


def render(results: list[BenchResult], runs: int) -> str:
    lines = [f"{'extractor':30} {'pages':>5} {'median s':>9} {'pages/s':>8} {'rows exact':>10} "
             f"{'cells exact':>11} {'extra rows':>10}"]
    for r in results:
        if "error" in r:
            lines.append(f"{r['name']:30} {r['error']}")
            continue
        lines.append(f"{r['name']:30} {r['pages']:5d} {r['median_s']:9.3f} {r['pages_per_s']:8.2f} "
                     f"{r['rows_exact']:10.1%} {r['cells_exact']:11.1%} {r['extra_rows']:10d}")
    by = {r["name"]: r for r in results if "error" not in r}
    mine = by.get("ours (extractors.pdf)")
    lines.append(f"(median of {runs} timed runs after one warm-up)")
    if mine and "camelot lattice" in by:
        lines.append(f"speed ours / camelot lattice: {mine['pages_per_s'] / by['camelot lattice']['pages_per_s']:.2f}x"
                     " (target >= 3x)")
    if mine and "pdfplumber extract_tables()" in by:
        lines.append(f"time ours / plain extract_tables(): "
                     f"{mine['median_s'] / by['pdfplumber extract_tables()']['median_s']:.2f}x (target <= 1.5x)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.bench pdf", description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per extractor (default 5)")
    ap.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES, help="folder with PDFs and expected rows")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    print(render(run_benchmark(args.fixtures, args.runs), args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
