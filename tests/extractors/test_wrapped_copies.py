"""Tables copied out of a PDF viewer or a narrow web page: one visual line per line (cells cut
where the page wrapped them), page numbers and the header again on each page.

The copies are the gold content of the seeds laid out by the layout-variation generator
(tests/variants/make_layouts.py, tune family ``viewer_copy``). Where such a copy leaves a cell's
end to a guess, the row's names must go to review (``UNSURE_CELL``): these tests check that on
every row a guess would put under the wrong bundle or cut short.
"""
from __future__ import annotations

import re

import pytest

from extractors.cell_streams import UNSURE_CELL
from extractors.txt import lines_to_rows
from pipeline.core.cell_kinds import SCENARIO
from pipeline.core.header_words import HeaderVocabulary
from tests.variants import make_layouts as ml

HEADERS = HeaderVocabulary.default()
SOURCES = {s.list_id: s for s in ml.SOURCES}


def _rows(list_id: str, idx: int, seed_golds, tmp_path):
    spec = ml.FAMILIES["viewer_copy"](SOURCES[list_id])[idx]
    name, _, write = ml.realize(ml._marker_variety(spec), seed_golds)
    write(tmp_path / name)
    lines = (tmp_path / name).read_text(encoding="utf-8").splitlines()
    return [r for r in lines_to_rows(lines, name, headers=HEADERS) if r.where.table and r.where.row > 1]


CASES = [("000-bundle", 0), ("002-bundle", 0), ("000-bundle", 1), ("001-bundle", 1), ("002-bundle", 1)]


@pytest.mark.parametrize("list_id,idx", CASES, ids=[f"{lst}-variant{i}" for lst, i in CASES])
def test_a_row_of_a_wrapped_copy_is_a_guess_where_its_shapes_disagree(seed_golds, list_id, idx, tmp_path):
    """A row cut short by the table's end, or whose scenario code ("3-2…") does not go on with the
    number printed above it (2: the row of bundle 3 was lost in a misreading), is a guess in
    every cell."""
    widths: dict[int, int] = {}
    number = ""
    for row in _rows(list_id, idx, seed_golds, tmp_path):
        width = widths.setdefault(row.where.table, len(row.cells))
        cells = [c or "" for c in row.cells]
        short = len(cells) < width
        code = SCENARIO.match(cells[2]) if len(cells) > 2 else None
        if cells[0].strip().isdigit():
            number = cells[0].strip()
        elif code and number and re.match(r"\s*(\d+)", code.group()).group(1) != number or short:
            assert row.confidences and all(c == UNSURE_CELL for c in row.confidences), row
    assert widths


def test_the_wrapped_copies_of_the_tune_half_give_these_guesses(seed_golds, tmp_path):
    """The rule above is met by rows the copies really give (not only by rows that never occur)."""
    found = 0
    for list_id, idx in CASES:
        widths: dict[int, int] = {}
        for r in _rows(list_id, idx, seed_golds, tmp_path):
            found += len(r.cells) < widths.setdefault(r.where.table, len(r.cells))
    assert found >= 1


def test_two_whole_time_limits_one_after_the_other_are_two_cells(seed_golds, tmp_path):
    """Seed 001's speed-up list copied from a narrow web page, empty cells dropped (viewer_copy, variant
    1): "45个工作日" then "15个工作日" are the current and the promised limit, not one wrapped cell."""
    rows = _rows("001-speedup", 1, seed_golds, tmp_path)
    row = next(r for r in rows if r.cells[0] == "2")
    assert row.cells[2:4] == ("45个工作日", "15个工作日")
