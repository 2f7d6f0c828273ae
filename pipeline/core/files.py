"""File helpers every stage uses: atomic writes, hard links with a copy fallback, SHA-256 of a file."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["atomic_write_bytes", "link_or_copy", "file_digest", "shipped_catalog_dir", "default_catalog_dir"]


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
