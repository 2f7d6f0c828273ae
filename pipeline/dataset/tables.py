"""Records -> the published tables in ``out/`` (CSV with BOM and Parquet), and back (``load``).

Steps: ``file_rows`` turns one file's extraction and matches into plain row tuples per
table (done in the worker processes, and what the cache keeps) -> ``frames_from_rows``
gathers them column by column into DataFrames with the dtypes of ``pipeline.dataset.schema``
-> ``write_tables`` writes every table, its JSON Schema and the data dictionary into the
staging folder (``pipeline.dataset.staging``) that the run then swaps in. No timestamps or
machine paths go into data files.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from pipeline.core.records import Extraction, Match
from pipeline.dataset.csv_chunks import CsvReuse, source_spans, write_csv
from pipeline.dataset.schema import TABLES, data_dictionary, schema_bytes, table

__all__ = ["TABLES", "TABLE_NAMES", "BASE_TABLES", "file_rows", "frames_from_rows", "write_tables", "load",
           "load_table", "records"]

TABLE_NAMES = tuple(t.name for t in TABLES)
BASE_TABLES = ("documents", "bundles", "scenarios", "items", "catalog_rows")   # the rest are views over items


def _mention_id(m) -> str:
    key = "|".join([m.where.file, m.list_kind, m.bundle_no, m.scenario_code, m.role, str(m.seq), m.text,
                    str(m.where.table), str(m.where.row), str(m.where.cell), str(m.start)])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _item_row(doc, r: Match) -> tuple:
    m = r.mention
    return (_mention_id(m), m.where.file, m.list_kind, doc.region, doc.region_code, doc.province, doc.level,
            m.bundle_no, m.bundle_name, m.scenario_code, m.scenario_name, m.role, m.seq, m.printed, m.text, m.unit,
            ";".join(m.printed_codes), ";".join(r.codes), r.canonical_id, r.canonical_name, r.method,
            float(r.score), bool(r.needs_review), r.reason,
            ";".join(f"{c.item_id}={c.score:.1f}" for c in r.candidates), m.current_limit, m.target_limit,
            ";".join(m.channels), m.where.page, m.where.table, m.where.row, m.where.cell, m.where.line,
            m.start, m.end)


def file_rows(extraction: Extraction, matches: tuple[Match, ...]) -> dict[str, list[tuple]]:
    """One file's rows per base table, as tuples in the column order of ``pipeline.dataset.schema``."""
    d = extraction.document
    return {
        "documents": [(d.file, d.title, d.region, d.region_code, d.province, d.level, ";".join(d.list_kinds), d.status,
                       d.message, d.sha256, len(extraction.bundles), len(matches),
                       len(extraction.catalog_entries))],
        "bundles": [(b.where.file, b.no, b.name, b.lead_unit, ";".join(b.partner_units), b.time_limit, b.method,
                     b.where.page, b.where.table, b.where.row, b.where.line) for b in extraction.bundles],
        "scenarios": [(s.where.file, s.bundle_no, s.code, s.name, "\n".join(s.notes), s.where.page, s.where.table,
                       s.where.row, s.where.line) for s in extraction.scenarios],
        "items": [_item_row(d, r) for r in matches],
        "catalog_rows": [(c.where.file, c.no, c.category, c.main, c.sub, c.content, c.target, c.where.page,
                          c.where.table, c.where.row, c.where.line) for c in extraction.catalog_entries],
    }


def records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")``, column by column (Arrow-backed columns box each value slowly there:
    0.17 s for the documents of 3,000 files)."""
    if not len(frame):
        return []
    names = list(frame.columns)
    return [dict(zip(names, values)) for values in zip(*(frame[n].tolist() for n in names))]


def _view(items: pd.DataFrame, name: str, kind: str) -> pd.DataFrame:
    spec = table(name)
    return items.loc[items["list_kind"] == kind, spec.names].reset_index(drop=True)


# rows gathered as Python objects before they are packed into typed (Arrow-backed) columns
_PACK_EVERY = 20_000


class _Columns:
    """One table's values, column-wise: Python lists packed into typed Series every _PACK_EVERY rows."""

    def __init__(self, name: str) -> None:
        self.spec = table(name)
        self.lists: list[list] = [[] for _ in self.spec.columns]
        self.packed: list[list[pd.Series]] = [[] for _ in self.spec.columns]

    def add(self, rows: list) -> None:
        for row in rows:
            for col, value in zip(self.lists, row):
                col.append(value)
        if len(self.lists[0]) >= _PACK_EVERY:
            self._pack()

    def _pack(self) -> None:
        for i, column in enumerate(self.spec.columns):
            self.packed[i].append(pd.Series(self.lists[i], dtype=column.pandas_dtype))
            self.lists[i] = []

    def frame(self) -> pd.DataFrame:
        self._pack()
        data = {c.name: pd.concat(parts, ignore_index=True).astype(c.pandas_dtype)
                for c, parts in zip(self.spec.columns, self.packed)}
        frame = pd.DataFrame(data, columns=self.spec.names)
        return frame.sort_values(list(self.spec.sort_by), kind="mergesort").reset_index(drop=True)


def frames_from_rows(per_file: Iterable[dict[str, list[tuple]]], base: dict[str, pd.DataFrame] | None = None,
                     keep: set[str] | None = None) -> dict[str, pd.DataFrame]:
    """All files' rows -> one DataFrame per table (column-wise and packed, so rows are not kept as objects).

    ``base``: tables of an earlier run (the unchanged files of an incremental run), of which the rows
    of the sources in ``keep`` (all, when None) are taken; the result is what gathering all files'
    rows would give, since tables sort by source first.
    """
    columns = {n: _Columns(n) for n in BASE_TABLES}
    for rows in per_file:
        for name in BASE_TABLES:
            columns[name].add(rows[name])
    frames = {name: columns.pop(name).frame() for name in BASE_TABLES}
    if base is not None:
        for name in BASE_TABLES:
            assert table(name).sort_by[0] == "source"
            frames[name] = _merge_by_source(base[name], keep, frames[name])
    frames["speedup"] = _view(frames["items"], "speedup", "speedup")
    frames["hotlist"] = _view(frames["items"], "hotlist", "hotlist")
    return {name: frames[name] for name in TABLE_NAMES}


def _merge_by_source(base: pd.DataFrame, keep: set[str] | None, new: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``base`` whose source is in ``keep``, and all of ``new``, in source order.

    Both are sorted by source and a source lies wholly in one of them, so the result is their
    runs of rows put in source order. Runs that follow each other in one table join into a
    range; a few ranges (a run with some files changed) are sliced and put together without
    copying (the Arrow-backed columns keep the slices as chunks), many are taken in one take.
    """
    runs = [(s, a, b) for s, a, b in source_spans(base["source"]) if keep is None or s in keep]
    runs += [(s, a + len(base), b + len(base)) for s, a, b in source_spans(new["source"])]
    runs.sort(key=lambda r: r[0])
    ranges: list[list[int]] = []
    for _, a, b in runs:
        if ranges and ranges[-1][1] == a and a != len(base):    # a range lies in one of the two tables
            ranges[-1][1] = b
        else:
            ranges.append([a, b])
    if len(ranges) <= _SLICED_UP_TO:
        parts = [base.iloc[a:b] if a < len(base) else new.iloc[a - len(base):b - len(base)] for a, b in ranges]
        return pd.concat(parts or [base.iloc[:0]], ignore_index=True)
    order = np.concatenate([np.arange(a, b) for a, b in ranges])
    return pd.concat([base, new], ignore_index=True).take(order).reset_index(drop=True)


# more ranges than this are taken (one copy) rather than kept as that many chunks
_SLICED_UP_TO = 64


def write_tables(frames: dict[str, pd.DataFrame], folder: Path, csv_reuse: CsvReuse | None = None) -> dict[str, dict]:
    """Every table, its JSON Schema and the data dictionary, into ``folder`` (a staging folder).

    Returns each CSV file's chunk record (``pipeline.dataset.csv_chunks``) for the next run. The frames
    are only read: a run writes them in a thread while it makes the diffs from them.
    """
    folder = Path(folder)
    (folder / "schema").mkdir(parents=True, exist_ok=True)
    records = {}
    for t in TABLES:
        frames[t.name].to_parquet(folder / f"{t.name}.parquet", index=False, engine="pyarrow")
        records[t.name] = write_csv(frames[t.name], folder / f"{t.name}.csv", t.name, csv_reuse)
        (folder / "schema" / f"{t.name}.schema.json").write_bytes(schema_bytes(t))
    (folder / "README.md").write_bytes(data_dictionary().encode("utf-8"))
    return records


def load(out_dir: str | Path = "out") -> dict[str, pd.DataFrame]:
    """The published tables as DataFrames with the declared dtypes (``pipeline.load("out")``)."""
    out_dir = Path(out_dir)
    return {t.name: load_table(out_dir / f"{t.name}.parquet", t.name) for t in TABLES
            if (out_dir / f"{t.name}.parquet").exists()}


def load_table(path: Path, name: str) -> pd.DataFrame:
    t = table(name)
    return pd.read_parquet(path).astype({c.name: c.pandas_dtype for c in t.columns})[t.names]
