"""Catalog names run together by a wrapped copy, split again; real names left whole."""
from __future__ import annotations

from normalizers.repair_text import repair
from normalizers.split_run_on import split_run_on
from pipeline.evaluate.score import gold_items


def test_names_run_together_by_a_wrapped_export_are_split(catalog):
    """Seed 002's scenario 7-3 as a whitespace-aligned export wraps it (tests/variants/make_layouts.py,
    whitespace_aligned): 职工提前退休（退职）申请 fills its column's width exactly, so the export's
    reader joins the next two lines to it."""
    text = "职工提前退休（退职）申请特殊工种提前退休资格核准劳动合同终止备案"
    assert [text[a:b] for a, b in split_run_on(text, catalog.index)] == [
        "职工提前退休（退职）申请", "特殊工种提前退休资格核准", "劳动合同终止备案"]


def test_no_item_of_the_seeds_gold_is_split(catalog, golds):
    """Every item a careful reader sees in the seeds (local names, compounds （含…；…）, items of other
    agencies) stays one item."""
    split = [g["text"] for gold in golds.values() for g in gold_items(gold)
             if split_run_on(repair(g["text"]), catalog.index)]
    assert split == []


def test_a_name_with_a_short_known_name_inside_is_not_split(catalog):
    """就业 or 社保 inside a longer local name are not names run together (parts need 4 characters)."""
    assert split_run_on("社保卡就业登记", catalog.index) == []
    assert split_run_on("就业登记", catalog.index) == []
