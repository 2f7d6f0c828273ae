"""Bundles listed in running text (``pipeline.reading.prose``), on the 淄博 notice (seed 003)."""
from __future__ import annotations

from normalizers.find_in_prose import build_prose_nlp
from normalizers.repair_text import name_key
from pipeline.reading.prose import read_prose
from tests.pipeline.reading.conftest import seed_gold, seed_rows


def test_the_numbered_lists_of_the_notice_give_its_two_bundles_and_their_items(catalog):
    gold = seed_gold("003")
    result = read_prose(seed_rows("003"), build_prose_nlp(catalog.names_and_aliases()))
    assert [b.no for b in result.bundles] == [b["no"] for b in gold["bundles"]]
    got = {(m.bundle_no, name_key(m.text)) for m in result.mentions}
    want = {(b["no"], name_key(it["text"])) for b in gold["bundles"] for s in b["scenarios"] for it in s["items"]}
    assert got == want


def test_text_in_tables_is_no_prose():
    rows = [r for r in seed_rows("000")]
    assert read_prose(rows).mentions == []
