"""Every seed against its gold labels, with the floors issue #2 sets."""
from __future__ import annotations

import pytest

from pipeline.evaluate.score import Score, pick_gold, score_items

SEEDS = ["000_7dd4aa0705870e63.txt", "001_d4e3f231794595e4.txt", "002_82660bfd3293e404.txt",
         "003_c341546b877d9344.txt", "004_eaa179039b1c9c6b.txt"]


def _score(seed_run, golds, source) -> Score:
    _, frames, _ = seed_run
    items = frames["items"][frames["items"]["source"] == source].reset_index(drop=True)
    gold = pick_gold(source, items, golds)
    assert gold is not None, f"no gold for {source}"
    return score_items(items, gold, frames["catalog_rows"][frames["catalog_rows"]["source"] == source])


@pytest.mark.parametrize("source", SEEDS, ids=["qingdao bundle list", "baiyin bundles and speed-up",
                                                "shandong flattened notice", "zibo prose lists",
                                                "service catalog"])
def test_seed_meets_the_floors(seed_run, golds, source):
    s = _score(seed_run, golds, source)
    assert s.recovered_share >= 0.99, s.as_dict()
    assert s.f1 >= 0.98, s.as_dict()
    assert s.unflagged_precision >= 0.995, s.as_dict()
    assert s.forced == 0, s.as_dict()


def test_all_104_catalog_rows(seed_run, golds):
    s = _score(seed_run, golds, "004_eaa179039b1c9c6b.txt")
    assert (s.catalog_recovered, s.catalog_gold) == (104, 104)


def test_documents_know_their_region(seed_run, golds):
    _, frames, _ = seed_run
    docs = frames["documents"].set_index("source")
    for gold in golds.values():
        row = docs.loc[gold["source"]]
        assert (row["region"], row["province"], row["level"]) == (gold["region"], gold["province"], gold["level"])
        assert row["title"] == gold["title"]


def test_list_kinds_found(seed_run):
    _, frames, _ = seed_run
    kinds = dict(zip(frames["documents"]["source"], frames["documents"]["list_kinds"]))
    assert kinds == {
        "000_7dd4aa0705870e63.txt": "bundle", "001_d4e3f231794595e4.txt": "bundle;speedup",
        "002_82660bfd3293e404.txt": "bundle;hotlist;speedup", "003_c341546b877d9344.txt": "bundle",
        "004_eaa179039b1c9c6b.txt": "catalog"}


def test_speedup_limits_kept_as_printed(seed_run, golds):
    _, frames, _ = seed_run
    items = frames["items"]
    for gold in golds.values():
        for row in gold["speedup"]:
            got = items[(items["source"] == gold["source"]) & (items["list_kind"] == "speedup")
                        & (items["bundle_no"] == row["no"])]
            assert len(got) == 1
            assert got.iloc[0]["current_limit"] == row["current_limit"]
            assert got.iloc[0]["target_limit"] == row["target_limit"]
