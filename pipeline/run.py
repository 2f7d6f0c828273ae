"""The run: read every input, match every mention, write the dataset.

``run(inputs, options) -> RunReport`` is the library entry; the CLI is a thin layer
over it. A file that cannot be read is recorded (status ``refused`` and the reason in
``documents.csv``) and the run goes on; the report lists every problem, sorted.

Steps: ``discover_inputs`` -> per file, ``entry_key`` (bytes, name, manifest row, catalog
fingerprint, code version) -> cached rows, or ``process_file`` in a worker process
(catalog, prose model and match memo loaded once per worker) -> ``frames_from_rows`` in
file order -> ``write_tables`` into a staging folder -> ``Staging.commit``. Results do not
depend on how files are scheduled over workers: rows are gathered in sorted file order.
Building on the run that wrote ``out/`` (``pipeline.previous_run``): when its files, catalog
and code are these, nothing is read or written; when only some files changed, the rows of
the others come from its tables, its CSV chunks are copied (``pipeline.write_csv``) and its
diffs linked (``pipeline.write_diffs.DiffReuse``) — the bytes are those of a full run.
"""
from __future__ import annotations

import csv
import hashlib
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline.cache import ResultCache, code_version, entry_key
from pipeline.catalog import Catalog, load_catalog, read_tsv
from pipeline.limits import Limits
from pipeline.match_batch import MatchMemo
from pipeline.read_document import read_document
from pipeline.records import Extraction, Match
from pipeline.previous_run import PreviousRun
from pipeline.write_csv import CsvReuse
from pipeline.write_dataset import CACHE_DIR_NAME, Staging, file_rows, frames_from_rows, write_tables
from pipeline.write_diffs import DiffReuse, write_all_diffs

__all__ = ["RunOptions", "RunReport", "run", "discover_inputs", "process_file", "DEFAULT_RAW"]

DEFAULT_RAW = Path("raw")
_SKIP_NAMES = {"manifest.tsv", "README.md", ".gitkeep"}
# below this many files to read, a worker pool costs more (start-up, loading) than it saves
_POOL_FROM = 8


@dataclass(frozen=True)
class RunOptions:
    out_dir: Path = Path("out")
    catalog_dir: Path = DEFAULT_RAW / "catalog"
    root: Path = DEFAULT_RAW          # provenance file names are relative to this folder
    manifest: Path | None = None      # default: <root>/manifest.tsv when it exists
    limits: Limits = Limits()         # per-file size, pages, unpacked bytes, seconds (pipeline.limits)
    password: str | None = None       # opens encrypted PDFs
    cache_dir: Path | None = None     # default: <out_dir>/.cache (kept with the dataset)
    use_cache: bool = True
    jobs: int = 0                     # worker processes; 0 = one per core
    progress: bool = False            # progress bar on a terminal, a few plain lines otherwise


@dataclass(frozen=True)
class RunReport:
    documents: int
    mentions: int
    needs_review: int
    refused: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    out_dir: str = ""
    reused: int = 0                   # files whose cached result was used

    @property
    def exit_code(self) -> int:
        return 1 if self.refused else 0

    def summary(self) -> str:
        lines = [f"{self.documents} documents ({self.reused} unchanged, from the cache), {self.mentions} item "
                 f"mentions, {self.needs_review} flagged for review -> {self.out_dir}"]
        lines += [f"warning: {w}" for w in self.warnings]
        lines += [f"refused: {r}" for r in self.refused]
        return "\n".join(lines)


def discover_inputs(root: Path, catalog_dir: Path) -> list[Path]:
    """Every document under ``root`` except the catalog folder and the manifest, sorted."""
    skip = {catalog_dir.resolve(), (root / "catalog").resolve()}
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name in _SKIP_NAMES or path.name.startswith("."):
            continue
        if skip & set(path.resolve().parents):
            continue
        found.append(path)
    return found


def load_manifest(path: Path | None) -> dict[str, dict[str, str]]:
    """manifest.tsv: file, region, province, level, title, baseline (any may be empty)."""
    if path is None or not path.exists():
        return {}
    return {row["file"]: row for row in read_tsv(path) if row.get("file")}


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def process_file(path: Path, rel: str, catalog: Catalog, manifest: dict, nlp, limits: Limits = Limits(),
                 password: str | None = None, memo: MatchMemo | None = None) -> tuple[Extraction, tuple[Match, ...]]:
    """Read and match one file (pure apart from reading it); ``memo`` answers repeated mentions."""
    extraction = read_document(path, rel, catalog, manifest, nlp, limits=limits, password=password)
    memo = memo or MatchMemo(catalog.index)
    return extraction, memo.match_all(extraction.mentions)


class _Worker:
    """What one process needs to read files: catalog, prose model and match memo, loaded once."""

    def __init__(self, catalog_dir: Path, manifest: dict, limits: Limits = Limits(), password: str | None = None) -> None:
        from normalizers.find_in_prose import build_prose_nlp
        self.catalog = load_catalog(catalog_dir, load_decisions(catalog_dir))
        self.nlp = build_prose_nlp(self.catalog.names_and_aliases())
        self.memo = MatchMemo(self.catalog.index)
        self.manifest, self.limits, self.password = manifest, limits, password

    def payload(self, path: Path, rel: str) -> dict:
        extraction, matches = process_file(path, rel, self.catalog, self.manifest, self.nlp, self.limits,
                                           self.password, self.memo)
        doc = extraction.document
        return {"rows": file_rows(extraction, matches), "warnings": list(extraction.warnings),
                "refused": doc.message if doc.status == "refused" else "",
                "needs_review": sum(1 for m in matches if m.needs_review)}


# The worker process's state, set once by the pool initializer (one per process, never shared).
_WORKER: list[_Worker] = []


def _init_worker(catalog_dir: Path, manifest: dict, limits: Limits, password: str | None) -> None:
    _WORKER[:] = [_Worker(catalog_dir, manifest, limits, password)]


def _work(task: tuple[str, str, str, ResultCache | None]) -> dict:
    path, rel, key, cache = task
    payload = _WORKER[0].payload(Path(path), rel)
    if cache is not None:
        cache.put(key, payload)
    return payload


def _read_all(tasks: list[tuple[str, str, str, ResultCache | None]], options: RunOptions, manifest: dict):
    """Payloads of the files to read, in task order, in a pool when there are enough of them."""
    jobs = options.jobs or os.cpu_count() or 1
    if jobs == 1 or len(tasks) < _POOL_FROM:
        if tasks:
            _init_worker(options.catalog_dir, manifest, options.limits, options.password)
        try:
            yield from map(_work, tasks)
        finally:
            _WORKER.clear()
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=_init_worker,
                             initargs=(options.catalog_dir, manifest, options.limits, options.password)) as pool:
        yield from pool.map(_work, tasks, chunksize=4)


def run(inputs: list[Path], options: RunOptions = RunOptions()) -> RunReport:
    catalog = load_catalog(options.catalog_dir, load_decisions(options.catalog_dir))
    manifest = load_manifest(options.manifest or options.root / "manifest.tsv")
    staging = Staging(options.out_dir)
    try:
        cache = _cache(options, staging) if options.use_cache else None
        # what else decides a file's result: the code, the limits and (its hash) the password
        code = hashlib.sha256(f"{code_version()}|{options.limits!r}|{_digest(options.password)}".encode()).hexdigest()
        files = sorted(((p, _relative(p, options.root)) for p in inputs), key=lambda f: (f[1], str(f[0])))
        order = [rel for _, rel in files]
        keys = [entry_key(path.read_bytes() if path.is_file() else b"", rel, manifest.get(rel), catalog.fingerprint,
                          code) for path, rel in files]
        run_key = _run_key(order, keys, catalog.fingerprint, code)
        # the run that wrote out/ builds the next one, unless the cache lives elsewhere (it may serve several out/)
        previous = PreviousRun.read(options.out_dir) if cache is not None and options.cache_dir is None else None
        unchanged = previous.report_if_unchanged(run_key) if previous else None
        if unchanged is not None:       # same files, catalog and code as the run that wrote out/
            return RunReport(**unchanged, out_dir=str(options.out_dir), reused=len(order))
        kept = previous.unchanged(order, keys) if previous else set()
        base = previous.base_frames(kept) if kept else None
        if base is None:
            kept = set()
        for rel, key in zip(order, keys):
            if rel in kept:
                cache.keep(key)
        stored = {i for i, key in enumerate(keys) if order[i] not in kept and cache is not None and cache.has(key)}
        tasks = [(str(path), rel, key, cache) for i, ((path, rel), key) in enumerate(zip(files, keys))
                 if i not in stored and rel not in kept]
        progress = _Progress(len(files) - len(kept), options.progress)
        fresh = _read_all(tasks, options, manifest)
        figures_of: dict[str, dict] = {rel: previous.files[rel] for rel in kept}
        fallback: list[_Worker] = []

        def payloads():
            for i, rel in enumerate(order):
                if rel in kept:
                    continue
                payload = cache.get(keys[i]) if i in stored else next(fresh)
                if payload is None:    # an entry that vanished or was damaged since: read the file here
                    fallback[:] = fallback or [_Worker(options.catalog_dir, manifest, options.limits, options.password)]
                    payload = fallback[0].payload(files[i][0], files[i][1])
                    cache.put(keys[i], payload)
                figures_of[rel] = {"key": keys[i], "mentions": len(payload["rows"]["items"]),
                                   "needs_review": payload["needs_review"], "warnings": payload["warnings"],
                                   "refused": payload["refused"]}
                progress.step()
                yield payload["rows"]

        frames = frames_from_rows(payloads(), base)
        progress.close()
        file_keys = dict(zip(order, keys))
        csv_reuse = CsvReuse(options.out_dir if kept else None, previous.csv_chunks if previous else {}, file_keys)
        csv_records = write_tables(frames, staging.path, csv_reuse)
        # diffs are reused from the out/ they were written to
        reuse = DiffReuse(options.out_dir, file_keys) if previous is not None else None
        diff_warnings = write_all_diffs(staging.path, frames, catalog, manifest, reuse)
        per_file = [figures_of[rel] for rel in order]
        figures = dict(documents=len(order), mentions=sum(f["mentions"] for f in per_file),
                       needs_review=sum(f["needs_review"] for f in per_file),
                       refused=tuple(sorted(f["refused"] for f in per_file if f["refused"])),
                       warnings=tuple(sorted({*(w for f in per_file for w in f["warnings"]), *diff_warnings})))
        if previous is not None:
            previous.save(staging.path, run_key, figures, figures_of, csv_records)
        staging.commit()
    finally:
        staging.abandon()
    return RunReport(**figures, out_dir=str(options.out_dir), reused=len(stored) + len(kept))


def _digest(secret: str | None) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest() if secret is not None else ""


def _run_key(rels: list[str], keys: list[str], catalog_fingerprint: str, code: str) -> str:
    digest = hashlib.sha256(f"{catalog_fingerprint}\0{code}\0".encode())
    for rel, key in zip(rels, keys):
        digest.update(f"{rel}\0{key}\n".encode())
    return digest.hexdigest()


def _cache(options: RunOptions, staging: Staging) -> ResultCache:
    if options.cache_dir is not None:
        return ResultCache([options.cache_dir], options.cache_dir)
    return ResultCache([Path(options.out_dir) / CACHE_DIR_NAME], staging.path / CACHE_DIR_NAME)


class _Progress:
    """tqdm bar on a terminal; otherwise a plain line at every tenth (CI logs stay short)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done, self.bar = total, 0, None
        self.enabled = enabled and total > 0
        if self.enabled and sys.stderr.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="file", file=sys.stderr)

    def step(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update()
        elif self.enabled and (self.done == self.total or self.done % max(1, self.total // 10) == 0):
            print(f"read {self.done}/{self.total} files", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def load_decisions(catalog_dir: Path) -> dict[tuple[str, str], str]:
    """Accepted review decisions: (text key, context) -> item id(s) or "none"; last one wins."""
    path = Path(catalog_dir) / "decisions.tsv"
    if not path.exists():
        return {}
    decisions: dict[tuple[str, str], str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            decisions[(row["text_key"], row["context"])] = row["decision_id"]
    return decisions
