"""Rows of the real seeds, as their extractor gives them, and their gold labels."""
from __future__ import annotations

import json
from itertools import groupby

import pytest

from extractors import extract_rows
from tests.conftest import GOLD, RAW


def seed_rows(stem: str) -> list:
    path = next(RAW.glob(f"{stem}*.txt"))
    return list(extract_rows(path, path.name))


def seed_tables(stem: str) -> list[list]:
    """The seed's tables, each its rows in order (header first)."""
    rows = sorted((r for r in seed_rows(stem) if r.where.table), key=lambda r: (r.where.table, r.where.row))
    return [list(g) for _, g in groupby(rows, key=lambda r: r.where.table)]


def seed_gold(stem: str) -> dict:
    path = next(GOLD.glob(f"{stem}*.json"), None)
    if path is None:
        pytest.skip(f"gold labels not found at {GOLD}")
    return json.loads(path.read_text(encoding="utf-8"))
