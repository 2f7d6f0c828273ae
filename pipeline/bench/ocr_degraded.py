"""``python -m pipeline.bench ocr --degraded``: OCR on scans as users have them, tuning and held-back halves.

The scans come from ``tests/variants/make_scans.py`` (families of degradations, each in the
tune or the held half, fixed before tuning). Every scan is read by OCR twice in the same run:
with PP-OCR where it is installed (``OcrSettings(engines="auto")``) and by Tesseract alone
(``engines="tesseract"``, the path before PP-OCR); both go through the same reading and
matching as a run, and are scored against the gold labels (`pipeline.evaluate.score`):
items recovered, code F1, precision of the codes not flagged for review, flagged share.

Reported per family, and per group of the held half: scans at 300 dpi, at 200 dpi, phone
photos; seconds per page (median over files, ``--workers`` files at a time: 2 = both cores
busy), by the clock and in CPU time (the reading process and the Tesseract processes it ran:
on a machine shared with other work the clock says little, the CPU time what a page costs),
all files and per group, with the machine's load while it ran; a calibration table (cell confidence bucket -> share of cells read wrong, the cells where nothing was read counted apart, against the
born-digital fixture's expected rows); and, with ``--sweep``, the review thresholds
(`normalizers.match_catalog.OCR_UNSURE`, ``OCR_CHECKED``) tried on the half measured.

Readings are kept in ``--work DIR`` (default: a folder in the system temp dir), keyed by the
code version, so that a second run (another ``--half``, ``--sweep``) does not OCR again.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUCKETS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 1.01)

__all__ = ["read_scan_rows", "score_rows", "main"]


def read_scan_rows(job: tuple[str, str, str, bool]) -> tuple[list, float, int, float | None]:
    """(rows, seconds, pages, CPU seconds) of one scan read with ``engines`` ("auto" or "tesseract"); cached in
    ``work`` (``any_version``: the newest reading kept, whatever code made it). CPU seconds: of this process
    and of the processes it waited for (Tesseract), None in a reading kept by a bench that did not count them."""
    path, engines, work, any_version = job
    from extractors.ocr.read_scan import OcrSettings, extract_rows
    cached = Path(work) / f"{Path(path).stem}.{engines}.{_reader_version()}.pkl"
    older = sorted(Path(work).glob(f"{Path(path).stem}.{engines}.*.pkl"), key=lambda p: p.stat().st_mtime)
    if any_version and older:
        cached = older[-1]
    if cached.exists():
        kept = pickle.loads(cached.read_bytes())
        return kept if len(kept) == 4 else (*kept, None)
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(path)
    pages = len(doc)
    doc.close()
    cpu, start = _cpu_seconds(), time.perf_counter()
    rows = list(extract_rows(Path(path), Path(path).name, OcrSettings(engines=engines)))
    result = (rows, time.perf_counter() - start, pages, _cpu_seconds() - cpu)
    cached.write_bytes(pickle.dumps(result))
    return result


def _cpu_seconds() -> float:
    """User and system CPU seconds of this process (all its threads) and of its children waited for."""
    import resource
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _median(values: list) -> str:
    values = [v for v in values if v is not None]
    return f"{statistics.median(values):.2f}" if values else "n/a"


def _reader_version() -> str:
    """Hash of the code that makes the rows (the extractors), not of matching: thresholds can be
    tried without reading the scans again."""
    import hashlib
    digest = hashlib.sha256()
    for path in sorted((REPO / "extractors").rglob("*.py")) + [REPO / "pipeline" / "core" / "records.py"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def score_rows(rows: list, rel: str, gold: dict, catalog, unsure: float | None = None, checked: float | None = None):
    """Score of one scan's rows through reading and matching, with the review thresholds given
    (None: those of `normalizers.match_catalog`)."""
    from normalizers.match_catalog import OCR_CHECKED, OCR_UNSURE, match, ocr_needs_review
    from pipeline.dataset.tables import file_rows, frames_from_rows
    from pipeline.evaluate.score import score_items
    from pipeline.reading.document import rows_to_extraction
    from pipeline.core.errors import PipelineError
    try:
        extraction = rows_to_extraction(rows, rel, catalog)
    except PipelineError:   # no list found in what OCR read: nothing recovered
        return score_items(frames_from_rows([])["items"], gold)
    unsure = OCR_UNSURE if unsure is None else unsure
    checked = OCR_CHECKED if checked is None else checked
    matches = []
    for m in extraction.mentions:
        base = match(replace(m, ocr_confidence=1.0), catalog.index)   # the flag without OCR's doubt
        flag = base.needs_review or (base.method != "review" and ocr_needs_review(m.ocr_confidence, base.method,
                                                                                  unsure, checked))
        matches.append(replace(base, mention=m, needs_review=flag))
    frames = frames_from_rows([file_rows(extraction, tuple(matches))])
    return score_items(frames["items"], gold, frames["catalog_rows"])


def _cells(rows: list, fixture: str) -> list[tuple[float | None, bool]]:
    """(confidence, read wrong?) of every non-empty expected table cell of the fixture; confidence None where
    nothing was read (the row or the cell is missing, or empty: an empty cell's confidence is 1.0, nothing in it
    being doubtful, and it says nothing about how well text was read)."""
    from extractors.ocr.fuse import _same
    want = json.loads((REPO / "tests" / "fixtures" / (fixture + ".expected.json")).read_text(encoding="utf-8"))
    got: dict[int, list] = {}
    for row in rows:
        if row.where.table:
            got.setdefault(row.where.table, []).append(row)
    out = []
    for table in want["tables"]:
        have = got.get(table["table"], [])
        for r, want_row in enumerate(table["rows"]):
            row = have[r] if r < len(have) else None
            for c, text in enumerate(want_row):
                if not text or not text.strip():
                    continue
                if row is None or c >= len(row.cells) or not (row.cells[c] or "").strip():
                    out.append((None, True))   # nothing read: no confidence to calibrate
                    continue
                conf = row.confidences[c] if c < len(row.confidences) and row.confidences[c] is not None else 1.0
                out.append((conf, _same(row.cells[c] or "", text) < 1.0))
    return out


def _fmt(s) -> str:
    flagged = 1 - s.unflagged_predicted / s.predicted_codes if s.predicted_codes else 0.0
    return (f"items {s.recovered:>4}/{s.gold_items:<4} {s.recovered_share:7.2%}  code F1 {s.f1:.3f}  "
            f"unflagged P {s.unflagged_precision:.3f} ({s.unflagged_correct}/{s.unflagged_predicted})  "
            f"flagged {flagged:5.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench ocr --degraded", description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("tune", "held", "all"), default="held")
    parser.add_argument("--only", default="", help="families, comma-separated")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "renshe-ocr-degraded")
    parser.add_argument("--no-tesseract-only", action="store_true", help="skip the Tesseract-only reading")
    parser.add_argument("--sweep", action="store_true", help="try review thresholds on the half measured")
    parser.add_argument("--any-version", action="store_true",
                        help="use readings kept by an earlier version of the reader (to try thresholds)")
    parser.add_argument("--base-only", action="store_true",
                        help="only the Baiyin scan of each family (printed codes; half the pages)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from extractors.ocr.ppocr import ppocr_available
    from pipeline.catalog.reference import load_catalog
    from pipeline.evaluate.score import Score, load_gold
    from tests.variants.make_scans import FAMILIES, write_family
    from pipeline.bench.accuracy import DEFAULT_GOLD
    names = [n for n, f in FAMILIES.items() if (args.half == "all" or f.half == args.half)
             and (not args.only or n in args.only.split(","))]
    args.work.mkdir(parents=True, exist_ok=True)
    scans = {n: write_family(n, args.work / "scans")[:1 if args.base_only else None] for n in names}
    engines = (["auto"] if ppocr_available() else []) + ([] if args.no_tesseract_only else ["tesseract"])
    jobs = [(str(p), e, str(args.work), args.any_version) for n in names for p, _, _ in scans[n] for e in engines]
    load_before = os.getloadavg()
    with ProcessPoolExecutor(args.workers) as pool:
        read = dict(zip([(j[0], j[1]) for j in jobs], pool.map(read_scan_rows, jobs)))
    load_after = os.getloadavg()
    catalog = load_catalog(REPO / "raw" / "catalog")
    golds = load_gold(DEFAULT_GOLD)
    label = {"auto": "PP-OCR + Tesseract", "tesseract": "Tesseract alone"}
    groups: dict[tuple[str, str], Score] = {}
    speeds: dict[tuple[str, str], list[tuple[float, float | None]]] = {}   # (group, engine) -> (s, CPU s) per page
    cells: dict[str, list] = {e: [] for e in engines}
    for n in names:
        fam = FAMILIES[n]
        group = "phone" if fam.kind == "phone" else f"{fam.dpi} dpi"
        for e in engines:
            total = Score()
            for path, made_from, fixture in scans[n]:
                rows, seconds, pages, cpu = read[(str(path), e)]
                total = total + score_rows(rows, path.name, golds[made_from], catalog)
                speeds.setdefault((group, e), []).append((seconds / pages, None if cpu is None else cpu / pages))
                cells[e] += _cells(rows, fixture)
            groups[(group, e)] = groups.get((group, e), Score()) + total
            print(f"{fam.half:<5}{n:<22}{group:<9}{label[e]:<20}{_fmt(total)}")
    print()
    for (group, e), s in sorted(groups.items()):
        print(f"{args.half:<5}{group:<9}{label[e]:<20}{_fmt(s)}")
    print(f"\nseconds/page, median over files ({args.workers} files at a time; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; {os.cpu_count()} cores): clock, CPU")
    for e in engines:
        for group in sorted({g for g, _ in speeds}) + ["all"]:
            per = [v for (g, e2), vs in speeds.items() if e2 == e and group in (g, "all") for v in vs]
            if per:
                print(f"  {label[e]:<20}{group:<9}clock {_median([s for s, _ in per]):>6} (slowest "
                      f"{max(s for s, _ in per):.2f})  CPU {_median([c for _, c in per]):>6}  ({len(per)} files)")
    for e in engines:
        print(f"\ncalibration ({args.half} half, {label[e]}): cell confidence -> share of cells read wrong")
        for lo, hi in zip(BUCKETS, BUCKETS[1:]):
            sel = [wrong for conf, wrong in cells[e] if conf is not None and lo <= conf < hi]
            if sel:
                print(f"  [{lo:.2f}, {min(hi, 1.0):.2f}{']' if hi > 1 else ')'}  {len(sel):>5} cells  "
                      f"{sum(sel) / len(sel):6.1%} wrong")
        print(f"  nothing read  {sum(conf is None for conf, _ in cells[e]):>5} cells (row or cell missing, or empty)")
    if args.sweep and "auto" in engines:
        print(f"\nreview thresholds ({args.half} half, PP-OCR + Tesseract): unsure, checked -> all scans")
        for unsure in (0.3, 0.4, 0.5, 0.6, 0.7):
            for checked in (unsure, 0.8, 0.9, 0.95):
                if checked < unsure:
                    continue
                total = Score()
                for n in names:
                    for path, made_from, _ in scans[n]:
                        total = total + score_rows(read[(str(path), "auto")][0], path.name, golds[made_from], catalog,
                                                   unsure, checked)
                print(f"  {unsure:.2f} {checked:.2f}  {_fmt(total)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
