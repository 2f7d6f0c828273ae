"""Helpers shared by the extractor tests: the fixtures generated from the seeds and their expected rows."""
from __future__ import annotations

import json
import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def expected_rows(fixture: Path) -> dict:
    """The expectation written by tests/fixtures/make_fixtures.py next to ``fixture``."""
    return json.loads((fixture.parent / (fixture.name + ".expected.json")).read_text(encoding="utf-8"))


def fixtures_with_expectations(suffix: str) -> list[Path]:
    return sorted(p for p in FIXTURES.glob(f"*{suffix}") if (FIXTURES / (p.name + ".expected.json")).exists())


def story(path: Path) -> str:
    """A fixture's name as a phrase, for test ids."""
    return path.stem.replace("_", " ")


def tables_of(rows) -> dict[int, list[list[str | None]]]:
    tables: dict[int, list[list[str | None]]] = {}
    for row in rows:
        if row.where.table:
            tables.setdefault(row.where.table, []).append(list(row.cells))
    return tables


def first_difference(got: list[list[str | None]], want: list[list[str | None]]) -> str:
    """A readable account of the first cell that differs, or "" when the tables are equal."""
    for r, (g, w) in enumerate(zip(got, want), 1):
        if len(g) != len(w):
            return f"row {r}: {len(g)} cells, expected {len(w)}\n  got:  {g}\n  want: {w}"
        for c, (a, b) in enumerate(zip(g, w)):
            if a != b:
                return f"row {r}, column {c + 1} ({want[0][c]!r}):\n  got:  {a!r}\n  want: {b!r}"
    if len(got) != len(want):
        return f"{len(got)} rows, expected {len(want)}; first extra/missing: {(got + want)[min(len(got), len(want))]}"
    return ""


def squeeze(texts) -> str:
    return re.sub(r"\s", "", "".join(texts))


def assert_tables_match(fixture: Path, rows) -> None:
    """Every table of ``rows`` equals the generator's expectation, cell by cell."""
    want = expected_rows(fixture)
    got = tables_of(rows)
    assert sorted(got) == [t["table"] for t in want["tables"]]
    for table in want["tables"]:
        diff = first_difference(got[table["table"]], table["rows"])
        assert not diff, f"{fixture.name}, table {table['table']}: {diff}"
