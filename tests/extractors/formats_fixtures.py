"""The format fixtures (tests/fixtures/formats, written by tests/fixtures/make_formats.py) and their expectations."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.extractors.expected_rows import first_difference, tables_of

FORMATS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def format_fixtures(*suffixes: str) -> list[Path]:
    """Fixtures whose name ends in one of ``suffixes`` and that have a table expectation."""
    return sorted(p for p in FORMATS_DIR.iterdir() if p.name.endswith(suffixes) and not p.name.endswith(".json")
                  and "tables" in _expected(p))


def _expected(path: Path) -> dict:
    exp = path.parent / (path.name + ".expected.json")
    return json.loads(exp.read_text(encoding="utf-8")) if exp.exists() else {}


def expected_of(path: Path) -> dict:
    return _expected(path)


def assert_rows_as_expected(path: Path, rows) -> None:
    """Tables cell for cell and running text line for line, as the generator wrote them."""
    rows = list(rows)
    want = _expected(path)
    got = tables_of(rows)
    assert sorted(got) == [t["table"] for t in want["tables"]], path.name
    for table in want["tables"]:
        diff = first_difference(got[table["table"]], table["rows"])
        assert not diff, f"{path.name}, table {table['table']}: {diff}"
    assert [r.cells[0] for r in rows if r.where.table == 0] == want["text"], path.name


def story(path: Path) -> str:
    return path.name.replace("_", " ")


needs_libreoffice = pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                                       reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
