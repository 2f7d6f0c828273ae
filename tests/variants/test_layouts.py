"""The layout reader on the generated layouts of the seeds' lists: floors per half.

The floors guard what was measured (``python -m pipeline.bench layouts``); the tuning half was
tuned on, the held-back half never was; its floors are the issue's targets, which the third
stage's single held measurement met (web copies still lowest: see the issue note).
"""
from __future__ import annotations

import pytest

from pipeline.bench.layouts import layouts
from tests.conftest import CATALOG, GOLD


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    if not GOLD.exists():
        pytest.skip(f"gold labels not found at {GOLD}")
    return layouts(tmp_path_factory.mktemp("layouts"), CATALOG, "all")


def _half(result, half):
    return result["groups"][(half, "ALL")]


def test_every_list_is_rendered_in_at_least_40_layouts(result):
    per_list = {}
    for v in result["variants"]:
        per_list[v["list"]] = per_list.get(v["list"], 0) + 1
    assert len(per_list) == 7 and min(per_list.values()) >= 40, per_list


def test_the_halves_are_split_by_family(result):
    halves = {}
    for v in result["variants"]:
        halves.setdefault(v["family"], set()).add(v["half"])
    assert all(len(h) == 1 for h in halves.values())
    assert {h for hs in halves.values() for h in hs} == {"tune", "held"}


@pytest.mark.parametrize("half, recovered, f1, unflagged, refused", [
    # tune: measured 0.942 / 0.944 / 0.990 with the families added at the second tuning stage
    # (pdf_unruled_wraps, viewer_copy, docx_continued; viewer_copy is read poorly: see the issue note),
    # then 0.960 / 0.970 / 0.999 once wrapped cell streams were rejoined and their guesses flagged;
    # third stage (session s22, family catalog_headerless added): 0.986 / 0.986 / 1.000;
    # held: from the single held measurement of the third stage, 0.983 / 0.989 / 1.000 (the second
    # stage's 0.965 / 0.979 / 0.999): the targets are the floors
    ("tune", 0.98, 0.98, 0.998, 0),
    ("held", 0.98, 0.97, 0.995, 0),
])
def test_floors(result, half, recovered, f1, unflagged, refused):
    g = _half(result, half)
    s = g["ours"]
    assert s.recovered_share >= recovered and s.f1 >= f1 and s.unflagged_precision >= unflagged, s.as_dict()
    assert g["refused"] <= refused
    assert s.f1 > g["base"].f1 + 0.1     # well above the naive baseline measured in the same run
