"""Reading files in worker processes: each loads the catalog, the prose model and a match memo once.

``process_file`` reads and matches one file; ``FileReader`` holds what a process needs for
that; ``read_all`` yields the payloads (dataset rows and figures) of many files in task
order, in the run's ``WorkerPool`` when there are enough of them (the pool then makes the diffs).
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pipeline.catalog.decisions import load_decisions
from pipeline.catalog.reference import Catalog, load_catalog
from pipeline.core.limits import Limits
from pipeline.core.records import Extraction, Match
from pipeline.dataset.tables import file_rows
from pipeline.reading.document import read_document
from pipeline.runner.cache import ResultCache
from pipeline.runner.match_memo import MatchMemo

__all__ = ["process_file", "FileReader", "read_all", "WorkerPool"]

# below this many files to read, a worker pool costs more (start-up, loading) than it saves
POOL_FROM = 8


def process_file(path: Path, rel: str, catalog: Catalog, manifest: dict, nlp, limits: Limits = Limits(),
                 password: str | None = None, memo: MatchMemo | None = None) -> tuple[Extraction, tuple[Match, ...]]:
    """Read and match one file (pure apart from reading it); ``memo`` answers repeated mentions."""
    extraction = read_document(path, rel, catalog, manifest, nlp, limits=limits, password=password)
    memo = memo or MatchMemo(catalog.index)
    return extraction, memo.match_all(extraction.mentions)


class FileReader:
    """What one process needs to read files: catalog, prose model and match memo, loaded once."""

    def __init__(self, catalog_dir: Path, manifest: dict, limits: Limits = Limits(), password: str | None = None,
                 catalog: Catalog | None = None) -> None:
        # ``catalog``: the one this process loaded already from ``catalog_dir`` (the main process's)
        self.catalog = catalog or load_catalog(catalog_dir, load_decisions(catalog_dir))
        self.nlp = LazyProseModel(self.catalog.names_and_aliases())
        self.memo = MatchMemo(self.catalog.index)
        self.manifest, self.limits, self.password = manifest, limits, password

    def payload(self, path: Path, rel: str) -> dict:
        extraction, matches = process_file(path, rel, self.catalog, self.manifest, self.nlp, self.limits,
                                           self.password, self.memo)
        doc = extraction.document
        return {"rows": file_rows(extraction, matches), "warnings": list(extraction.warnings),
                "refused": doc.message if doc.status == "refused" else "",
                "needs_review": sum(1 for m in matches if m.needs_review)}


class LazyProseModel:
    """The prose model (``build_prose_nlp``), built when the first prose sentence is read.

    Most lists have no sentence that names items, and importing spaCy and building the model
    take longer (about 1.5 s) than reading one file: a run that reads one changed file, or an
    explain of a table, should not pay it. Called like the model: ``nlp(text) -> Doc``.
    """

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self._nlp = None

    def __call__(self, text: str):
        if self._nlp is None:
            from normalizers.find_in_prose import build_prose_nlp
            self._nlp = build_prose_nlp(self.names)
        return self._nlp(text)


# The worker process's state, set once by the pool initializer (one per process, never shared):
# the reader's arguments, and the reader itself once a file is to be read (a pool that only
# makes diffs never loads the prose model).
_WORKER_ARGS: list[tuple] = []
_WORKER: list[FileReader] = []


def _init_worker(catalog_dir: Path, manifest: dict, limits: Limits, password: str | None) -> None:
    _WORKER_ARGS[:] = [(catalog_dir, manifest, limits, password)]
    _WORKER.clear()


def _work(task: tuple[str, str, str, ResultCache | None]) -> dict:
    path, rel, key, cache = task
    if not _WORKER:
        _WORKER.append(FileReader(*_WORKER_ARGS[0]))
    payload = _WORKER[0].payload(Path(path), rel)
    if cache is not None:
        cache.put(key, payload)
    return payload


class WorkerPool:
    """The worker processes of one run, shared by its stages (reading, then diffs); started at first use.

    ``executor()`` is None when the run is to stay in one process (``jobs`` 1); ``close()`` ends
    the processes. ``jobs`` 0 = one per core.
    """

    def __init__(self, jobs: int, catalog_dir: Path, manifest: dict, limits: Limits, password: str | None,
                 catalog: Catalog | None = None) -> None:
        self.jobs = jobs or os.cpu_count() or 1
        self.args = (catalog_dir, manifest, limits, password)
        self.catalog = catalog       # loaded by the main process: files read there use it
        self._pool: ProcessPoolExecutor | None = None

    def executor(self) -> ProcessPoolExecutor | None:
        if self.jobs == 1:
            return None
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_init_worker, initargs=self.args)
        return self._pool

    @property
    def started(self) -> bool:
        """True once the processes exist (forked at the executor's first task, all at once)."""
        return self._pool is not None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_all(tasks: list[tuple[str, str, str, ResultCache | None]], pool: WorkerPool):
    """Payloads of the files to read, in task order, in the pool's workers when there are enough of them.

    ``tasks``: (path, name relative to the root, cache key, cache or None).
    """
    executor = pool.executor() if len(tasks) >= POOL_FROM else None
    if executor is None:
        if tasks:
            _init_worker(*pool.args)
            _WORKER.append(FileReader(*pool.args, catalog=pool.catalog))
        try:
            yield from map(_work, tasks)
        finally:
            _WORKER.clear()
        return
    yield from executor.map(_work, tasks, chunksize=4)
