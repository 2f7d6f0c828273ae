"""Content-hash cache of per-file results (extraction and matching, as dataset rows).

A file's entry is keyed by ``entry_key``: the file's bytes, its name relative to the
input root, its manifest row, the catalog fingerprint (every ``*.tsv`` of the catalog
folder, review decisions included) and the code version (``code_version``: a hash of the
project's ``.py`` sources). Change any of them and the file is read again.

Entries are zlib-compressed JSON (sorted keys), so the same result gives the same bytes.
They are written atomically; an entry that cannot be read is treated as a miss.
``ResultCache(read_dirs, write_dir)``: look up in ``read_dirs`` (e.g. the previous
``out/.cache``), keep every entry this run used in ``write_dir`` (hard links for hits), so
the cache holds exactly what the last run used.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import zlib
from pathlib import Path

from pipeline.core.files import file_signature

__all__ = ["ResultCache", "InputDigests", "entry_key", "code_version"]

_PACKAGES = ("pipeline", "extractors", "normalizers")
# Tools beside the run that cannot change a file's result: editing them keeps the cache.
_NOT_IN_RUN = ("pipeline/bench/", "pipeline/evaluate/", "pipeline/review/", "pipeline/cli.py",
               "pipeline/__main__.py", "pipeline/explain.py")


def code_version(project: Path | None = None) -> str:
    """Hash of the ``.py`` files of the project's packages (names and bytes), tools aside."""
    project = Path(project) if project else Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for package in _PACKAGES:
        for path in sorted((project / package).rglob("*.py")):
            if path.relative_to(project).as_posix().startswith(_NOT_IN_RUN):
                continue
            digest.update(path.relative_to(project).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def entry_key(content: str, rel: str, manifest_row: dict | None, catalog_fingerprint: str, code: str) -> str:
    """The cache key of one file: ``content`` (the SHA-256 of its bytes, ``InputDigests``) and what else decides
    its result."""
    digest = hashlib.sha256()
    for part in (rel.encode(), json.dumps(manifest_row or {}, sort_keys=True, ensure_ascii=False).encode(),
                 catalog_fingerprint.encode(), code.encode(), content.encode()):
        digest.update(part + b"\0")
    return digest.hexdigest()


class InputDigests:
    """The SHA-256 of each input's bytes, hashed again only when the file's size, modification time or inode
    changed since the run that wrote ``FILE`` (3,000 unchanged lists: 80 MB not read again).

    The record is about this file system, so it is kept apart from the run's other records, which are
    the same bytes on any machine. A file modified less than ``RACY_NS`` before the record was taken is
    hashed whatever its times say: it may have changed again within the same tick of the clock.
    """

    FILE = "inputs.json"
    RACY_NS = 2_000_000_000

    def __init__(self, folder: Path | None) -> None:
        self.started_ns = time.time_ns()
        self.files: dict[str, list] = {}
        self._previous: dict[str, list] = {}
        self._checked_ns = 0
        if folder is not None:
            try:
                data = json.loads((Path(folder) / self.FILE).read_text(encoding="utf-8"))
                self._previous, self._checked_ns = dict(data["files"]), int(data["checked_ns"])
            except (OSError, ValueError, KeyError, TypeError):
                pass

    def digest(self, path: Path, rel: str) -> str:
        signature = file_signature(path)
        if signature is None:           # gone, or no regular file: read as empty (and refused as such)
            return hashlib.sha256(b"").hexdigest()
        old = self._previous.get(rel)
        if (isinstance(old, list) and len(old) == 4 and old[:3] == signature
                and signature[1] < self._checked_ns - self.RACY_NS):
            digest = str(old[3])
        else:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        self.files[rel] = [*signature, digest]
        return digest

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"checked_ns": self.started_ns, "files": self.files}, sort_keys=True, separators=(",", ":"))
        (folder / self.FILE).write_text(text, encoding="utf-8")


class ResultCache:
    def __init__(self, read_dirs: list[Path], write_dir: Path | None) -> None:
        self.read_dirs = [Path(d) for d in read_dirs]
        self.write_dir = Path(write_dir) if write_dir else None
        self._made: set[Path] = set()      # folders of write_dir made by this run (one mkdir each, not one per entry)

    def _path(self, folder: Path, key: str) -> Path:
        # 16 folders, not 256: a run makes its cache folder anew, and 256 mkdirs cost 0.15 s
        return folder / key[:1] / f"{key}.json.z"

    def has(self, key: str) -> bool:
        return any(self._path(folder, key).exists() for folder in self.read_dirs)

    def get(self, key: str):
        """The stored payload, or None."""
        for folder in self.read_dirs:
            path = self._path(folder, key)
            try:
                payload = json.loads(zlib.decompress(path.read_bytes()).decode("utf-8"))
            except (OSError, ValueError, zlib.error):
                continue
            self._keep(path, key)
            return payload
        return None

    def keep(self, key: str) -> None:
        """Carry the entry over into ``write_dir`` without reading it (a file whose rows are reused)."""
        for folder in self.read_dirs:
            if self._keep(self._path(folder, key), key):
                return

    def _keep(self, path: Path, key: str) -> bool:
        """Link (or copy) entry ``path`` into ``write_dir``; False when there is no such entry."""
        if self.write_dir is None:
            return path.exists()
        target = self._path(self.write_dir, key)
        if target == path:
            return True
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        try:
            os.link(path, target)
        except FileExistsError:
            pass
        except FileNotFoundError:
            return False
        except OSError:
            try:
                self._write(target, path.read_bytes())
            except OSError:
                return False
        return True

    def put(self, key: str, payload) -> None:
        if self.write_dir is None:
            return
        data = zlib.compress(json.dumps(payload, ensure_ascii=False, sort_keys=True,
                                        separators=(",", ":")).encode("utf-8"), 6)
        self._write(self._path(self.write_dir, key), data)

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
