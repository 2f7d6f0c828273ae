"""A table's CSV file written in chunks of whole documents, so a later run can copy the unchanged ones.

Every table is sorted by ``source`` first and a row's CSV text depends on that row alone, so
the file is its header followed by the text of consecutive groups of documents. A group
ends after a document whose name hashes to 0 modulo ``CHUNK_EVERY`` (content-defined: adding
or removing a document touches only its own group). A chunk is named by the cache keys of
its documents; when the previous file (checked against its recorded SHA-256) has a chunk of
that name, its bytes are copied instead of rendered. The bytes are those of a single
``DataFrame.to_csv`` of the whole table (UTF-8 with BOM, ``\\n``, floats ``%.1f``).
"""
from __future__ import annotations

import hashlib
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.core.files import file_digest

__all__ = ["write_csv", "CsvReuse", "source_spans", "CHUNK_EVERY"]

CHUNK_EVERY = 32
_BOM = b"\xef\xbb\xbf"


class CsvReuse:
    """The previous run's CSV files and chunk records, and the cache keys of this run's files."""

    def __init__(self, previous_out: Path | None, records: dict[str, dict], source_keys: dict[str, str]) -> None:
        self.previous_out = Path(previous_out) if previous_out else None
        self.records = records            # table -> {"sha256": ..., "chunks": [[name, offset, length], ...]}
        self.source_keys = source_keys
        self.copied = 0

    def old_chunks(self, table: str) -> tuple[Path, dict[str, tuple[int, int]]] | None:
        record = self.records.get(table)
        if self.previous_out is None or not isinstance(record, dict):
            return None
        path = self.previous_out / f"{table}.csv"
        try:
            if file_digest(path) != record.get("sha256"):
                return None
        except OSError:
            return None
        return path, {name: (offset, length) for name, offset, length in record.get("chunks", [])}


def _csv_text(frame: pd.DataFrame, header: bool = False) -> bytes:
    return frame.to_csv(index=False, header=header, lineterminator="\n", float_format="%.1f").encode("utf-8")


def source_spans(sources: pd.Series) -> list[tuple[str, int, int]]:
    """(source, first row, end row) of each run of equal sources, in order (a table sorted by source)."""
    codes, names = pd.factorize(sources, sort=False)
    if len(codes) == 0:
        return []
    starts = np.concatenate(([0], np.flatnonzero(np.diff(codes)) + 1))
    ends = np.append(starts[1:], len(codes))
    return [(names[codes[a]], int(a), int(b)) for a, b in zip(starts, ends)]


def _chunks(sources: pd.Series, keys: dict[str, str]) -> list[tuple[int, int, str | None]]:
    """(first row, end row, chunk name or None when a document has no cache key) of each chunk."""
    spans = source_spans(sources)
    chunks, first, digest, known = [], 0, hashlib.sha256(), True
    for i, (name, _, end) in enumerate(spans):
        key = keys.get(name)
        known = known and key is not None
        digest.update(f"{name}\0{key}\n".encode("utf-8"))
        ends_chunk = int.from_bytes(hashlib.sha1(name.encode("utf-8")).digest()[:4], "big") % CHUNK_EVERY == 0
        if ends_chunk or i == len(spans) - 1:
            chunks.append((spans[first][1], end, digest.hexdigest() if known else None))
            first, digest, known = i + 1, hashlib.sha256(), True
    return chunks


def write_csv(frame: pd.DataFrame, path: Path, table: str, reuse: CsvReuse | None = None) -> dict:
    """Write ``frame`` (sorted by source first) to ``path``; returns its record for the next run."""
    old = reuse.old_chunks(table) if reuse is not None else None
    keys = reuse.source_keys if reuse is not None else {}
    digest, chunks = hashlib.sha256(), []
    with open(path, "wb") as out, ExitStack() as stack:
        previous = stack.enter_context(open(old[0], "rb")) if old else None

        def put(data: bytes) -> int:
            offset = out.tell()
            out.write(data)
            digest.update(data)
            return offset

        put(_BOM + _csv_text(frame.iloc[:0], header=True))
        for start, stop, name in _chunks(frame["source"], keys):
            data = None
            if previous is not None and name in old[1]:
                offset, length = old[1][name]
                previous.seek(offset)
                data = previous.read(length)
                if len(data) == length and reuse is not None:
                    reuse.copied += 1
                else:
                    data = None
            if data is None:
                data = _csv_text(frame.iloc[start:stop])
            offset = put(data)
            if name is not None:
                chunks.append([name, offset, len(data)])
    return {"sha256": digest.hexdigest(), "chunks": chunks}
