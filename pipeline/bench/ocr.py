"""OCR benchmark: ``python -m pipeline.bench.ocr [SCAN ...] [--workers 2] [--chars] [--engines auto|tesseract]``.

``--degraded [--half tune|held|all] [--sweep]``: the degraded scans of ``tests/variants/make_scans.py``
against the gold, PP-OCR beside Tesseract alone (`pipeline.bench.ocr_degraded`).

speed: every page of the scans (default: tests/fixtures/scans/*.scan300.pdf) is read by
`extractors.ocr.read_page` (render, deskew, grid, one Tesseract call for the page and at most
two small ones for second readings, placing characters),
``--workers`` pages at a time (2 = both cores of the reference machine busy); prints the
median and the slowest seconds per page, and pages per second overall.
--chars: also the character accuracy of the table cells against the expected rows of the
born-digital fixture each scan was made from (tests/fixtures/scans/manifest.json):
1 - Levenshtein distance / expected length, spaces and line breaks ignored.
Item-level accuracy against the gold labels: ``python -m pipeline.bench accuracy SCAN ...``.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

__all__ = ["time_page", "char_accuracy", "main"]

SCANS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "scans"


def time_page(job: tuple[str, int, str]) -> float:
    """Seconds to read one page (path, 1-based page number, engines); the PP-OCR engine is made
    before the clock starts (a run makes it once per file)."""
    import pypdfium2 as pdfium

    from extractors.ocr.ppocr import make_engine
    from extractors.ocr.read_scan import OcrSettings, read_page
    path, page_no, engines = job
    engine = make_engine() if engines == "auto" else None
    doc = pdfium.PdfDocument(path)
    try:
        start = time.perf_counter()
        read_page(doc[page_no - 1], page_no, OcrSettings(engines=engines), path, engine)
        return time.perf_counter() - start
    finally:
        doc.close()


def char_accuracy(path: str) -> tuple[int, int]:
    """(characters expected, edit distance) over the table cells of one scan."""
    from rapidfuzz.distance import Levenshtein

    from extractors.ocr.read_scan import extract_rows
    scan = Path(path)
    source = json.loads((scan.parent / "manifest.json").read_text(encoding="utf-8"))[scan.name]["from"]
    want = json.loads((scan.parent.parent / (source + ".expected.json")).read_text(encoding="utf-8"))
    got: dict[int, list] = {}
    for row in extract_rows(scan, scan.name):
        if row.where.table:
            got.setdefault(row.where.table, []).append(row.cells)
    total = errors = 0
    for table in want["tables"]:
        rows = got.get(table["table"], [])
        for r, want_row in enumerate(table["rows"]):
            got_row = rows[r] if r < len(rows) else [None] * len(want_row)
            for a, b in zip(list(got_row) + [None] * len(want_row), want_row):
                a, b = _squeeze(a), _squeeze(b)
                total += len(b)
                errors += min(len(b), Levenshtein.distance(a, b))
    return total, errors


def _squeeze(text: str | None) -> str:
    return "".join((text or "").split())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--degraded" in argv:
        from pipeline.bench import ocr_degraded
        return ocr_degraded.main([a for a in argv if a != "--degraded"])
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench ocr", description=__doc__.splitlines()[0])
    parser.add_argument("scans", nargs="*", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chars", action="store_true", help="also measure character accuracy of table cells")
    parser.add_argument("--engines", choices=("auto", "tesseract"), default="auto")
    args = parser.parse_args(argv)
    scans = [str(p) for p in (args.scans or sorted(SCANS.glob("*.scan300.pdf")))]
    import pypdfium2 as pdfium
    jobs = []
    for path in scans:
        doc = pdfium.PdfDocument(path)
        jobs += [(path, n, args.engines) for n in range(1, len(doc) + 1)]
        doc.close()
    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        seconds = list(pool.map(time_page, jobs))
    wall = time.perf_counter() - start
    print(f"{len(jobs)} pages, {args.workers} at a time: median {statistics.median(seconds):.2f} s/page, "
          f"slowest {max(seconds):.2f} s, overall {len(jobs) / wall:.2f} pages/s ({wall:.1f} s)")
    if args.chars:
        with ProcessPoolExecutor(args.workers) as pool:
            results = list(pool.map(char_accuracy, scans))
        for path, (total, errors) in zip(scans, results):
            print(f"{Path(path).name:<56} char accuracy {1 - errors / max(total, 1):.3f} ({total} chars)")
        total, errors = sum(t for t, _ in results), sum(e for _, e in results)
        print(f"{'ALL':<56} char accuracy {1 - errors / max(total, 1):.3f} ({total} chars)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
