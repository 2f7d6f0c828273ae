"""What the run that wrote ``out/`` read, kept in ``out/.cache/run.json``, so the next run can build on it.

The record holds the run's key (files, catalog, code), its report, per file its cache key
and figures (mentions, flagged, warnings, refusal), the SHA-256 of every table's Parquet
file, and where each chunk of every CSV file lies (``pipeline.dataset.csv_chunks``). With it:
- nothing changed and ``out/`` is whole: the run returns the recorded report at once;
- some files changed: the rows of the unchanged ones are taken from the previous tables
  (``base_frames``, after checking the Parquet files are the ones written) instead of
  being read and gathered again, and their CSV chunks are copied.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.files import atomic_write_bytes, file_digest
from pipeline.dataset.staging import CACHE_DIR_NAME, owned_files

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PreviousRun", "RUN_RECORD"]

RUN_RECORD = "run.json"


@dataclass
class PreviousRun:
    out_dir: Path
    key: str = ""
    report: dict = field(default_factory=dict)
    files: dict[str, dict] = field(default_factory=dict)       # rel -> key, mentions, needs_review, warnings, refused
    tables: dict[str, str] = field(default_factory=dict)       # table name -> sha256 of its Parquet file
    csv_chunks: dict[str, list] = field(default_factory=dict)  # table name -> [[digest, offset, length], ...]

    @classmethod
    def read(cls, out_dir: Path) -> "PreviousRun":
        """The record of ``out_dir``; an empty one when it is missing, damaged or ``out_dir`` is not whole."""
        out_dir = Path(out_dir)
        try:
            data = json.loads((out_dir / CACHE_DIR_NAME / RUN_RECORD).read_text(encoding="utf-8"))
            if not all((out_dir / name).exists() for name in owned_files()):
                return cls(out_dir)
            return cls(out_dir, str(data["key"]), dict(data["report"]), dict(data.get("files", {})),
                       dict(data.get("tables", {})), dict(data.get("csv_chunks", {})))
        except (OSError, ValueError, KeyError, TypeError):
            return cls(out_dir)

    def report_if_unchanged(self, run_key: str) -> dict | None:
        if not self.key or self.key != run_key:
            return None
        return {**self.report, "refused": tuple(self.report["refused"]), "warnings": tuple(self.report["warnings"])}

    def unchanged(self, rels: list[str], keys: list[str]) -> set[str]:
        """The files read with the same cache key by the previous run."""
        return {rel for rel, key in zip(rels, keys) if (self.files.get(rel) or {}).get("key") == key}

    def base_frames(self) -> dict[str, pd.DataFrame] | None:
        """The previous run's base tables (the unchanged files' rows are taken from them by ``frames_from_rows``);
        None when a Parquet file is not the one written."""
        from pipeline.dataset.tables import BASE_TABLES, load_table   # pandas: not needed by an unchanged run
        frames = {}
        for name in BASE_TABLES:
            path = self.out_dir / f"{name}.parquet"
            try:
                if self.tables.get(name) != file_digest(path):
                    return None
                frame = load_table(path, name)
            except (OSError, ValueError):
                return None
            frames[name] = frame
        return frames

    def save(self, folder: Path, key: str, report: dict, files: dict[str, dict], csv_chunks: dict[str, list]) -> None:
        """Write the record of the run whose dataset is in ``folder`` (the staging folder)."""
        from pipeline.dataset.tables import BASE_TABLES
        tables = {name: file_digest(Path(folder) / f"{name}.parquet") for name in BASE_TABLES}
        data = {"key": key, "report": report, "files": files, "tables": tables, "csv_chunks": csv_chunks}
        (Path(folder) / CACHE_DIR_NAME).mkdir(exist_ok=True)
        atomic_write_bytes(Path(folder) / CACHE_DIR_NAME / RUN_RECORD,
                           json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
