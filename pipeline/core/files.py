"""File helpers every stage uses: atomic writes, hard links with a copy fallback, SHA-256 of a file."""
from __future__ import annotations

import hashlib
import os
import queue
import shutil
import stat
import tempfile
import threading
from pathlib import Path

__all__ = ["atomic_write_bytes", "link_or_copy", "BackgroundLinks", "file_signature", "file_digest", "shipped_catalog_dir", "default_catalog_dir"]


def atomic_write_bytes(path: Path, data: bytes, sync: bool = True) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    ``sync=False`` leaves out the fsync: for files in a staging folder, which is synced whole
    before it is swapped in (``pipeline.dataset.staging``).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def link_or_copy(src, dst) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


class BackgroundLinks:
    """Hard links (copies where a link cannot be made) made by a thread while the caller goes on: a link
    waits on the file system, not on the interpreter (8,500 diff files of a national run: 0.15 s).

    ``add(source, target, tag)``; ``close()`` waits for them all and returns the tags of those whose
    source was missing, sorted; any other error is raised there.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._missing: set = set()
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._work, name="renshe-links", daemon=True)
        self._thread.start()

    def add(self, source: str, target: str, tag=None) -> None:
        self._queue.put((source, target, tag))

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            source, target, tag = item
            try:
                link_or_copy(source, target)
            except FileNotFoundError:
                self._missing.add(tag)
            except OSError as err:
                self._error = self._error or err

    def close(self) -> list:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return sorted(self._missing)


def file_signature(path) -> list[int] | None:
    """Size, modification time (ns) and inode of the regular file ``path`` (None: no such file): an edit, a
    rewrite or a copy changes one of them, so a record of them tells a file unchanged without hashing it."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino] if stat.S_ISREG(st.st_mode) else None


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shipped_catalog_dir() -> Path:
    """The catalog folder this tool ships: ``raw/catalog/`` of a source checkout (the source of truth),
    else the copy a wheel installs as package data (``pipeline/shipped_catalog/``)."""
    package = Path(__file__).resolve().parents[1]
    for folder in (package.parent / "raw" / "catalog", package / "shipped_catalog"):
        if (folder / "national.tsv").is_file():
            return folder
    return package.parent / "raw" / "catalog"


def default_catalog_dir(local: Path = Path("raw") / "catalog") -> Path:
    """``--catalog`` when none is given: ``raw/catalog/`` under the current folder when there is one
    (a project of its own), else the shipped catalog, so a run works from any folder."""
    return local if (local / "national.tsv").is_file() else shipped_catalog_dir()
