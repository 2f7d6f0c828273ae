"""Records -> the published tables in ``out/`` (CSV with BOM and Parquet), and ``load``.

Every table is sorted by provenance, written to a temporary file beside its target
and renamed into place, so an interrupted run leaves the previous files whole.
No timestamps or machine paths go into data files.
"""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path

import pandas as pd

from pipeline.records import Extraction, Match

__all__ = ["TABLES", "write_dataset", "load", "items_frame", "atomic_write_bytes"]

TABLES = ("documents", "bundles", "scenarios", "items", "catalog_rows")

ITEM_COLUMNS = [
    "mention_id", "source", "list_kind", "region", "province", "level", "bundle_no", "bundle_name",
    "scenario_code", "scenario_name", "role", "seq", "raw_text", "item_text", "unit", "code_as_written",
    "codes", "canonical_id", "canonical_name", "method", "score", "needs_review", "reason", "candidates",
    "current_limit", "target_limit", "channels", "page", "table", "row", "cell", "line", "start", "end",
]


def _mention_id(m) -> str:
    key = "|".join([m.where.file, m.list_kind, m.bundle_no, m.scenario_code, m.role, str(m.seq), m.text,
                    str(m.where.table), str(m.where.row), str(m.where.cell), str(m.start)])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def items_frame(results: list[tuple[Extraction, tuple[Match, ...]]]) -> pd.DataFrame:
    rows = []
    for extraction, matches in results:
        doc = extraction.document
        for r in matches:
            m = r.mention
            rows.append({
                "mention_id": _mention_id(m), "source": m.where.file, "list_kind": m.list_kind,
                "region": doc.region, "province": doc.province, "level": doc.level,
                "bundle_no": m.bundle_no, "bundle_name": m.bundle_name, "scenario_code": m.scenario_code,
                "scenario_name": m.scenario_name, "role": m.role, "seq": m.seq, "raw_text": m.printed,
                "item_text": m.text, "unit": m.unit, "code_as_written": ";".join(m.printed_codes),
                "codes": ";".join(r.codes), "canonical_id": r.canonical_id, "canonical_name": r.canonical_name,
                "method": r.method, "score": float(r.score), "needs_review": bool(r.needs_review),
                "reason": r.reason,
                "candidates": ";".join(f"{c.item_id}={c.score:.1f}" for c in r.candidates),
                "current_limit": m.current_limit, "target_limit": m.target_limit,
                "channels": ";".join(m.channels), "page": m.where.page, "table": m.where.table,
                "row": m.where.row, "cell": m.where.cell, "line": m.where.line, "start": m.start, "end": m.end,
            })
    frame = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    return frame.sort_values(["source", "table", "row", "cell", "line", "start", "seq", "mention_id"],
                             kind="mergesort").reset_index(drop=True)


def _documents_frame(results) -> pd.DataFrame:
    rows = [{"source": e.document.file, "title": e.document.title, "region": e.document.region,
             "province": e.document.province, "level": e.document.level,
             "list_kinds": ";".join(e.document.list_kinds), "status": e.document.status,
             "message": e.document.message, "sha256": e.document.sha256,
             "bundles": len(e.bundles), "mentions": len(m), "catalog_rows": len(e.catalog_entries)}
            for e, m in results]
    return pd.DataFrame(rows, columns=["source", "title", "region", "province", "level", "list_kinds", "status",
                                       "message", "sha256", "bundles", "mentions", "catalog_rows"])


def _bundles_frame(results) -> pd.DataFrame:
    rows = [{"source": b.where.file, "bundle_no": b.no, "bundle_name": b.name, "lead_unit": b.lead_unit,
             "partner_units": ";".join(b.partner_units), "time_limit": b.time_limit, "method": b.method,
             "table": b.where.table, "row": b.where.row, "line": b.where.line, "page": b.where.page}
            for e, _ in results for b in e.bundles]
    return pd.DataFrame(rows, columns=["source", "bundle_no", "bundle_name", "lead_unit", "partner_units",
                                       "time_limit", "method", "page", "table", "row", "line"])


def _scenarios_frame(results) -> pd.DataFrame:
    rows = [{"source": s.where.file, "bundle_no": s.bundle_no, "scenario_code": s.code, "scenario_name": s.name,
             "notes": "\n".join(s.notes), "page": s.where.page, "table": s.where.table, "row": s.where.row,
             "line": s.where.line}
            for e, _ in results for s in e.scenarios]
    return pd.DataFrame(rows, columns=["source", "bundle_no", "scenario_code", "scenario_name", "notes",
                                       "page", "table", "row", "line"])


def _catalog_frame(results) -> pd.DataFrame:
    rows = [{"source": c.where.file, "no": c.no, "category": c.category, "main": c.main, "sub": c.sub,
             "content": c.content, "target": c.target, "page": c.where.page, "table": c.where.table,
             "row": c.where.row, "line": c.where.line}
            for e, _ in results for c in e.catalog_entries]
    return pd.DataFrame(rows, columns=["source", "no", "category", "main", "sub", "content", "target",
                                       "page", "table", "row", "line"])


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _write_frame(frame: pd.DataFrame, out_dir: Path, name: str) -> None:
    text = frame.to_csv(index=False, lineterminator="\n", float_format="%.1f")
    atomic_write_bytes(out_dir / f"{name}.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow")
    atomic_write_bytes(out_dir / f"{name}.parquet", buffer.getvalue())


def write_dataset(results, catalog, out_dir: Path) -> dict[str, pd.DataFrame]:
    frames = {
        "documents": _documents_frame(results), "bundles": _bundles_frame(results),
        "scenarios": _scenarios_frame(results), "items": items_frame(results),
        "catalog_rows": _catalog_frame(results),
    }
    for name, frame in frames.items():
        _write_frame(frame, Path(out_dir), name)
    return frames


def load(out_dir: str | Path = "out") -> dict[str, pd.DataFrame]:
    """The published tables as DataFrames, read from Parquet (``pipeline.load("out")``)."""
    out_dir = Path(out_dir)
    return {name: pd.read_parquet(out_dir / f"{name}.parquet") for name in TABLES
            if (out_dir / f"{name}.parquet").exists()}
