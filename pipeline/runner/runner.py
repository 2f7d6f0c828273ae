"""The run: read every input, match every mention, write the dataset and the diffs.

``run(inputs, options) -> RunReport`` is the library entry; the CLI is a thin layer
over it. A file that cannot be read is recorded (status ``refused`` and the reason in
``documents.csv``) and the run goes on; the report lists every problem, sorted.

Steps: ``discover_inputs`` -> per file, ``entry_key`` (bytes, name, manifest row, catalog
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
from dataclasses import dataclass
from pathlib import Path

from extractors.dispatch import available_engines
from pipeline.catalog.decisions import load_decisions
from pipeline.catalog.manifest import load_manifest
from pipeline.catalog.reference import load_catalog
from pipeline.core.limits import Limits
from pipeline.dataset.csv_chunks import CsvReuse
from pipeline.dataset.staging import CACHE_DIR_NAME, Staging
from pipeline.dataset.tables import frames_from_rows, write_tables
from pipeline.diff.write import DiffReuse, write_all_diffs
from pipeline.runner.cache import ResultCache, code_version, entry_key
from pipeline.runner.previous_run import PreviousRun
from pipeline.runner.progress import Progress
from pipeline.runner.workers import FileReader, read_all

__all__ = ["RunOptions", "RunReport", "run", "discover_inputs", "DiscoveredInputs", "SKIPPED_KINDS", "DEFAULT_RAW"]

DEFAULT_RAW = Path("raw")
_SKIP_NAMES = {"manifest.tsv", "README.md", ".gitkeep"}


@dataclass(frozen=True)
class RunOptions:
    out_dir: Path = Path("out")
    catalog_dir: Path = DEFAULT_RAW / "catalog"
    root: Path = DEFAULT_RAW          # provenance file names are relative to this folder
    manifest: Path | None = None      # default: <root>/manifest.tsv when it exists
    limits: Limits = Limits()         # per-file size, pages, unpacked bytes, seconds (pipeline.core.limits)
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
    skipped: tuple[str, ...] = ()     # files beside the lists that are no document (notes, JSON, images …)

    @property
    def exit_code(self) -> int:
        return 1 if self.refused else 0

    def summary(self) -> str:
        lines = [f"{self.documents} documents ({self.reused} unchanged, from the cache), {self.mentions} item "
                 f"mentions, {self.needs_review} flagged for review -> {self.out_dir}"]
        lines += [f"warning: {w}" for w in self.warnings]
        lines += [f"refused: {r}" for r in self.refused]
        lines += [f"skipped: {s}" for s in self.skipped]
        return "\n".join(lines)


def discover_inputs(root: Path, catalog_dir: Path) -> list[Path]:
    """Every document under ``root`` except the catalog folder and the manifest, sorted.

    Files that are no kind of document the tool reads (notes, JSON, images … beside the lists:
    ``SKIPPED_KINDS``, told by the name unless the leading bytes are a document's) are left out;
    the list returned names them, with what they are, in its ``skipped`` (``DiscoveredInputs``)
    and the run's report lists them.
    """
    skip = {catalog_dir.resolve(), (root / "catalog").resolve()}
    found = DiscoveredInputs()
    skipped = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name in _SKIP_NAMES or path.name.startswith("."):
            continue
        if skip & set(path.resolve().parents):
            continue
        what = SKIPPED_KINDS.get(path.suffix.lower())
        if what and not _starts_like_a_document(path):
            skipped.append(f"{relative_name(path, root)} ({what}, not a list)")
            continue
        found.append(path)
    found.skipped = tuple(skipped)
    return found


# name suffix -> what such a file is; discovery leaves these out (a file given by name is still read)
SKIPPED_KINDS = {
    **{s: "notes" for s in (".md", ".markdown", ".rst", ".log", ".org")},
    **{s: "data" for s in (".json", ".jsonl", ".yaml", ".yml", ".toml", ".ini", ".parquet", ".sqlite", ".db")},
    **{s: "an image" for s in (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".svg", ".heic",
                               ".ico")},
    **{s: "audio or video" for s in (".mp3", ".mp4", ".wav", ".m4a", ".mov", ".avi")},
    **{s: "a program or script" for s in (".py", ".sh", ".bat", ".exe", ".dll", ".js", ".css")},
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
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def run(inputs: list[Path], options: RunOptions = RunOptions()) -> RunReport:
    catalog = load_catalog(options.catalog_dir, load_decisions(options.catalog_dir))
    manifest = load_manifest(options.manifest or options.root / "manifest.tsv")
    staging = Staging(options.out_dir)
    try:
        cache = _cache(options, staging) if options.use_cache else None
        # what else decides a file's result: the code, the limits, (its hash) the password and the OCR engines
        # that can run here (a scan refused without OCR is read once OCR is installed, not served from the cache)
        code = hashlib.sha256(f"{code_version()}|{options.limits!r}|{_digest(options.password)}|"
                              f"{'+'.join(available_engines())}".encode()).hexdigest()
        files = sorted(((p, relative_name(p, options.root)) for p in inputs), key=lambda f: (f[1], str(f[0])))
        order = [rel for _, rel in files]
        keys = [entry_key(path.read_bytes() if path.is_file() else b"", rel, manifest.get(rel), catalog.fingerprint,
                          code) for path, rel in files]
        run_key = _run_key(order, keys, catalog.fingerprint, code)
        # the run that wrote out/ builds the next one, unless the cache lives elsewhere (it may serve several out/)
        previous = PreviousRun.read(options.out_dir) if cache is not None and options.cache_dir is None else None
        unchanged = previous.report_if_unchanged(run_key) if previous else None
        if unchanged is not None:       # same files, catalog and code as the run that wrote out/
            return RunReport(**unchanged, out_dir=str(options.out_dir), reused=len(order), skipped=_skipped(inputs))
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
        progress = Progress(len(files) - len(kept), options.progress)
        fresh = read_all(tasks, options.jobs, options.catalog_dir, manifest, options.limits, options.password)
        figures_of: dict[str, dict] = {rel: previous.files[rel] for rel in kept}
        fallback: list[FileReader] = []

        def payloads():
            for i, rel in enumerate(order):
                if rel in kept:
                    continue
                payload = cache.get(keys[i]) if i in stored else next(fresh)
                if payload is None:    # an entry that vanished or was damaged since: read the file here
                    fallback[:] = fallback or [FileReader(options.catalog_dir, manifest, options.limits, options.password)]
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
    return RunReport(**figures, out_dir=str(options.out_dir), reused=len(stored) + len(kept), skipped=_skipped(inputs))


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


