"""``raw/manifest.tsv``: per input file, the region, province, level, title or baseline that override detection."""
from __future__ import annotations

from pathlib import Path

from pipeline.catalog.reference import read_tsv

__all__ = ["load_manifest"]


def load_manifest(path: Path | None) -> dict[str, dict[str, str]]:
    """manifest.tsv: file, region, province, level, title, baseline (any may be empty)."""
    if path is None or not path.exists():
        return {}
    return {row["file"]: row for row in read_tsv(path) if row.get("file")}
