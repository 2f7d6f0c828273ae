"""The run: read every input, match every mention, write the dataset and the diffs.

``run(inputs, options) -> RunReport`` is the library entry; the CLI is a thin layer
over it. A file that cannot be read is recorded (status ``refused`` and the reason in
``documents.csv``) and the run goes on; the report lists every problem, sorted.

Steps: ``discover_inputs`` -> per file, ``entry_key`` (the bytes' SHA-256, hashed again only where the
file's size, time or inode changed: ``InputDigests``; name, manifest row, catalog
fingerprint, code version, the OCR engines available) -> cached rows, or ``process_file`` in a worker process
(``pipeline.runner.workers``) -> ``frames_from_rows`` in file order -> ``write_tables`` and
``write_all_diffs`` into a staging folder -> ``Staging.commit``. Results do not depend on how
files are scheduled over workers: rows are gathered in sorted file order.
Building on the run that wrote ``out/`` (``pipeline.runner.previous_run``): when its files,
catalog and code are these, nothing is read or written; when only some files changed, the
rows of the others come from its tables, its CSV chunks are copied
(``pipeline.dataset.csv_chunks``) and its diffs linked (``pipeline.diff.write.DiffReuse``) —
the bytes are those of a full run.
"""
from __future__ import annotations

import hashlib
import os
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from extractors.dispatch import available_engines
from pipeline.catalog.decisions import load_decisions
from pipeline.catalog.manifest import load_manifest
from pipeline.catalog.reference import catalog_fingerprint, load_catalog
from pipeline.core.files import default_catalog_dir
from pipeline.core.i18n import DEFAULT_LANG, N_, Translator, t, wording_version
from pipeline.core.limits import Limits
from pipeline.dataset.staging import CACHE_DIR_NAME, Staging
from pipeline.runner.cache import InputDigests, ResultCache, code_version, entry_key
from pipeline.runner.previous_run import PreviousRun
from pipeline.runner.progress import Progress

__all__ = ["RunOptions", "RunReport", "run", "discover_inputs", "DiscoveredInputs", "SKIPPED_KINDS", "DEFAULT_RAW"]

DEFAULT_RAW = Path("raw")
_SKIP_NAMES = {"manifest.tsv", "README.md", ".gitkeep"}


@dataclass(frozen=True)
class RunOptions:
    out_dir: Path = Path("out")
    catalog_dir: Path = field(default_factory=default_catalog_dir)
    root: Path = DEFAULT_RAW          # provenance file names are relative to this folder
    manifest: Path | None = None      # default: <root>/manifest.tsv when it exists
    limits: Limits = Limits()         # per-file size, pages, unpacked bytes, seconds (pipeline.core.limits)
    password: str | None = None       # opens encrypted PDFs
    cache_dir: Path | None = None     # default: <out_dir>/.cache (kept with the dataset)
    use_cache: bool = True
    jobs: int = 0                     # worker processes; 0 = one per core
    progress: bool = False            # progress bar on a terminal, a few plain lines otherwise
    lang: str = DEFAULT_LANG          # language of what people read: diffs (.md/.xlsx), the report, progress


@dataclass(frozen=True)
class RunReport:
    documents: int
    mentions: int
    needs_review: int
    refused: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    out_dir: str = ""
    reused: int = 0                   # files whose cached result was used
    skipped: tuple[str, ...] = ()     # files beside the lists that are no document (notes, JSON, images …)
    report: str = ""                  # the HTML audit report's index page, when one was written
    # seconds per stage of this run (start, read, write, diff, commit), for benchmarks; not part of its result
    stages: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def exit_code(self) -> int:
        return 1 if self.refused else 0

    def summary(self, tr: Translator | None = None) -> str:
        """What the run did, in plain words, in ``tr``'s language (Chinese without one).

        >>> print(RunReport(5, 586, 12, out_dir="out", report="out/report/index.html").summary(Translator("en")))
        5 files: 5 read, none refused.
        586 item mentions, 12 flagged for review.
        Dataset in out, report: out/report/index.html
        """
        tr = tr or Translator()
        counts = [tr.t("{n} read", n=self.documents - len(self.refused))]
        counts.append(tr.t("{n} refused", n=len(self.refused)) if self.refused else tr.t("none refused"))
        if self.skipped:
            counts.append(tr.t("{n} skipped (not lists)", n=len(self.skipped)))
        if self.reused:
            counts.append(tr.t("{n} of them taken from the cache (unchanged since the last run)", n=self.reused))
        lines = [tr.t("{files}: {counts}.", files=tr.t("{n} files", n=self.documents), counts=tr.t(", ").join(counts)),
                 tr.t("{mentions} item mentions, {flagged} flagged for review.", mentions=self.mentions,
                      flagged=self.needs_review)]
        lines.append(tr.t("Dataset in {out}, report: {report}", out=self.out_dir, report=self.report)
                     if self.report else tr.t("Dataset in {out}", out=self.out_dir))
        lines += [tr.t("warning: {text}", text=tr(w)) for w in self.warnings]
        lines += [tr.t("refused: {text}", text=tr(r)) for r in self.refused]
        lines += [tr.t("skipped: {text}", text=tr(s)) for s in self.skipped]
        return "\n".join(lines)


def discover_inputs(root: Path, catalog_dir: Path) -> list[Path]:
    """Every document under ``root`` except the catalog folder and the manifest, sorted.

    Files that are no kind of document the tool reads (notes, JSON, images … beside the lists:
    ``SKIPPED_KINDS``, told by the name unless the leading bytes are a document's) are left out;
    the list returned names them, with what they are, in its ``skipped`` (``DiscoveredInputs``)
    and the run's report lists them.
    """
    skip = {os.path.realpath(catalog_dir), os.path.realpath(root / "catalog")}
    found = DiscoveredInputs()
    skipped = []
    paths = []
    for top, dirs, names in os.walk(root, followlinks=True):
        # the catalog folder is pruned as a folder (resolving every file's path cost 0.5 s on 3,000 files)
        dirs[:] = [d for d in dirs if not _inside(os.path.realpath(os.path.join(top, d)), skip)]
        for name in names:
            path = os.path.join(top, name)
            if os.path.islink(path) and _inside(os.path.realpath(path), skip):
                continue
            paths.append(Path(path))
    for path in sorted(paths):
        if not path.is_file() or path.name in _SKIP_NAMES or path.name.startswith("."):
            continue
        what = SKIPPED_KINDS.get(path.suffix.lower())
        if what and not _starts_like_a_document(path):
            skipped.append(t("{name} ({what}, not a list)", name=relative_name(path, root), what=what))
            continue
        found.append(path)
    found.skipped = tuple(skipped)
    return found


def _inside(real: str, folders: set[str]) -> bool:
    return any(real == f or real.startswith(f + os.sep) for f in folders)


# name suffix -> what such a file is; discovery leaves these out (a file given by name is still read)
SKIPPED_KINDS = {
    **{s: N_("notes") for s in (".md", ".markdown", ".rst", ".log", ".org")},
    **{s: N_("data") for s in (".json", ".jsonl", ".yaml", ".yml", ".toml", ".ini", ".parquet", ".sqlite", ".db")},
    **{s: N_("an image") for s in (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".svg", ".heic",
                               ".ico")},
    **{s: N_("audio or video") for s in (".mp3", ".mp4", ".wav", ".m4a", ".mov", ".avi")},
    **{s: N_("a program or script") for s in (".py", ".sh", ".bat", ".exe", ".dll", ".js", ".css")},
}
_DOCUMENT_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"{\\rtf")


def _starts_like_a_document(path: Path) -> bool:
    """True when the bytes are a document's whatever the name says (a PDF saved as .png is read)."""
    try:
        with path.open("rb") as fh:
            return fh.read(8).startswith(_DOCUMENT_MAGIC)
    except OSError:
        return False


class DiscoveredInputs(list):
    """The input files found (a list of paths), and ``skipped``: the files left out, each with what it is."""

    skipped: tuple[str, ...] = ()


def relative_name(path: Path, root: Path) -> str:
    """The name a file has in the dataset: its path relative to ``root``, else its file name."""
    return relative_names([path], root)[0]


def relative_names(paths: list[Path], root: Path) -> list[str]:
    """``relative_name`` of each path, symlinks resolved; a folder is resolved once for all its files
    (``Path.resolve`` per file cost 0.65 s of a 3,000-file run that reads nothing)."""
    real_root = os.path.realpath(root)
    folders: dict[str, str] = {}
    names = []
    for path in paths:
        full = os.path.abspath(path)
        parent, name = os.path.split(full)
        if parent not in folders:
            folders[parent] = os.path.realpath(parent)
        real = os.path.realpath(full) if os.path.islink(full) else os.path.join(folders[parent], name)
        try:
            rel = os.path.relpath(real, real_root)
        except ValueError:          # another drive
            rel = os.pardir
        outside = rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel)
        names.append(Path(path).name if outside else Path(rel).as_posix())
    return names


def run(inputs: list[Path], options: RunOptions = RunOptions()) -> RunReport:
    clock = _Clock()
    fingerprint = catalog_fingerprint(options.catalog_dir)     # the catalog itself is loaded when files are read
    manifest = load_manifest(options.manifest or options.root / "manifest.tsv")
    staging = Staging(options.out_dir)
    pool = background = None
    try:
        cache = _cache(options, staging) if options.use_cache else None
        # what else decides a file's result: the code, the limits, (its hash) the password and the OCR engines
        # that can run here (a scan refused without OCR is read once OCR is installed, not served from the cache)
        code = hashlib.sha256(f"{code_version()}|{options.limits!r}|{_digest(options.password)}|"
                              f"{'+'.join(available_engines())}".encode()).hexdigest()
        files = sorted(zip(inputs, relative_names(list(inputs), options.root)), key=lambda f: (f[1], str(f[0])))
        order = [rel for _, rel in files]
        # the run that wrote out/ builds the next one, unless the cache lives elsewhere (it may serve several out/)
        builds_on_out = cache is not None and options.cache_dir is None
        contents = InputDigests(Path(options.out_dir) / CACHE_DIR_NAME if builds_on_out else None)
        keys = [entry_key(contents.digest(path, rel), rel, manifest.get(rel), fingerprint, code) for path, rel in files]
        run_key = _run_key(order, keys, fingerprint, f"{code}|{options.lang}|{wording_version()}")
        previous = PreviousRun.read(options.out_dir) if builds_on_out else None
        unchanged = previous.report_if_unchanged(run_key) if previous else None
        if unchanged is not None:       # same files, catalog and code as the run that wrote out/
            clock.lap("start")
            return RunReport(**unchanged, out_dir=str(options.out_dir), reused=len(order), skipped=_skipped(inputs),
                             stages=clock.stages, report=_report_path(options.out_dir))
        # files and tables are read and written in a thread beside the interpreter's work: Arrow decodes and
        # encodes Parquet without holding it, and a run that reads a few files leaves the other core idle
        background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="renshe-tables")
        kept = previous.unchanged(order, keys) if previous else set()
        base_read = background.submit(previous.base_frames) if kept else None
        # imported here, not above: an unchanged run returns before it needs them, and importing
        # pandas and the readers takes longer than all the rest of such a run
        from pipeline.dataset.csv_chunks import CsvReuse
        from pipeline.dataset.tables import frames_from_rows, write_tables
        from pipeline.diff.write import DiffReuse, write_all_diffs
        from pipeline.report.html import ReportReuse, write_report
        from pipeline.runner.workers import FileReader, WorkerPool, read_all

        catalog = load_catalog(options.catalog_dir, load_decisions(options.catalog_dir))
        pool = WorkerPool(options.jobs, options.catalog_dir, manifest, options.limits, options.password, catalog)
        base = base_read.result() if base_read is not None else None
        if base is None:
            kept = set()
        stored = {i for i, key in enumerate(keys) if order[i] not in kept and cache is not None and cache.has(key)}
        tasks = [(str(path), rel, key, cache) for i, ((path, rel), key) in enumerate(zip(files, keys))
                 if i not in stored and rel not in kept]
        tr = Translator(options.lang)
        progress = Progress(len(files) - len(kept), options.progress, tr)
        clock.lap("start")
        fresh = read_all(tasks, pool)
        figures_of: dict[str, dict] = {rel: previous.files[rel] for rel in kept}
        fallback: list[FileReader] = []

        def payloads():
            for i, rel in enumerate(order):
                if rel in kept:
                    continue
                payload = cache.get(keys[i]) if i in stored else next(fresh)
                if payload is None:    # an entry that vanished or was damaged since: read the file here
                    fallback[:] = fallback or [FileReader(options.catalog_dir, manifest, options.limits, options.password,
                                                             catalog)]
                    payload = fallback[0].payload(files[i][0], files[i][1])
                    cache.put(keys[i], payload)
                figures_of[rel] = {"key": keys[i], "mentions": len(payload["rows"]["items"]),
                                   "needs_review": payload["needs_review"], "warnings": payload["warnings"],
                                   "refused": payload["refused"]}
                progress.step()
                yield payload["rows"]

        frames = frames_from_rows(payloads(), base, kept)
        progress.close()
        clock.lap("read")
        file_keys = dict(zip(order, keys))
        csv_reuse = CsvReuse(options.out_dir if kept else None, previous.csv_chunks if previous else {}, file_keys)
        # the worker processes are started (forked) before the thread works, or after it is done: a fork copies
        # the locks a running thread holds, and the processes would wait on them for ever
        kept_entries = background.submit(lambda: [cache.keep(key) for rel, key in zip(order, keys) if rel in kept])
        tables_written = background.submit(write_tables, frames, staging.path, csv_reuse)
        clock.lap("write")

        def diff_pool():
            if not pool.started:
                wait([kept_entries, tables_written])
            return pool.executor()
        # diffs are reused from the out/ they were written to; the staging folder is synced whole at commit
        reuse = DiffReuse(options.out_dir, file_keys, options.lang) if previous is not None else None
        diff_warnings = write_all_diffs(staging.path, frames, catalog, manifest, reuse, tr, diff_pool, sync=False)
        pages = ReportReuse(options.out_dir, reuse.page_keys()) if reuse is not None else None
        write_report(staging.path, frames, catalog, tr, pages, sync=False)
        clock.lap("diff")
        per_file = [figures_of[rel] for rel in order]
        figures = dict(documents=len(order), mentions=sum(f["mentions"] for f in per_file),
                       needs_review=sum(f["needs_review"] for f in per_file),
                       refused=tuple(sorted(f["refused"] for f in per_file if f["refused"])),
                       warnings=tuple(sorted({*(w for f in per_file for w in f["warnings"]), *diff_warnings})))
        csv_records = tables_written.result()
        kept_entries.result()
        clock.lap("write")
        if previous is not None:
            previous.save(staging.path, run_key, figures, figures_of, csv_records)
            contents.save(staging.path / CACHE_DIR_NAME)
        staging.commit()
        clock.lap("commit")
    finally:
        if background is not None:          # nothing is left writing into the staging folder it abandons
            background.shutdown(wait=True, cancel_futures=True)
        if pool is not None:
            pool.close()
        staging.abandon()
    return RunReport(**figures, out_dir=str(options.out_dir), reused=len(stored) + len(kept), skipped=_skipped(inputs),
                     stages=clock.stages, report=_report_path(options.out_dir))


class _Clock:
    """Seconds per stage: ``lap(name)`` books the time since the last lap to ``name``."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = self.stages.get(name, 0.0) + now - self._last
        self._last = now


def _report_path(out_dir) -> str:
    path = Path(out_dir) / "report" / "index.html"      # pipeline.report.html.REPORT_FOLDER (not imported: pandas)
    return str(path) if path.is_file() else ""


def _skipped(inputs) -> tuple[str, ...]:
    """What ``discover_inputs`` left out of ``inputs`` (nothing for a plain list of paths)."""
    return tuple(sorted(getattr(inputs, "skipped", ())))


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


