"""Word and PDF renderings of every seed list give the same accuracy as the text exports (issue #3)."""
from __future__ import annotations

import json

import pytest

from pipeline.evaluate.score import score_items
from tests.conftest import CATALOG, REPO

FIXTURES = REPO / "tests" / "fixtures"
RENDERINGS = sorted(p for p in FIXTURES.glob("*.docx")) + sorted(
    p for p in FIXTURES.glob("*.pdf") if p.with_name(p.name[:-4] + ".docx").exists())


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    from pipeline.dataset.tables import load
    from pipeline.runner.runner import RunOptions, run
    out = tmp_path_factory.mktemp("fixtures_out")
    report = run(RENDERINGS, RunOptions(out_dir=out, catalog_dir=CATALOG, root=FIXTURES))
    return report, load(out)


@pytest.mark.parametrize("path", RENDERINGS, ids=[p.name for p in RENDERINGS])
def test_rendering_meets_the_floors(fixture_run, golds, path):
    report, frames = fixture_run
    assert not report.refused
    made_from = json.loads(path.with_name(path.name + ".expected.json").read_text(encoding="utf-8"))["made_from"]
    gold = golds[made_from]
    items = frames["items"][frames["items"]["source"] == path.name].reset_index(drop=True)
    rows = frames["catalog_rows"][frames["catalog_rows"]["source"] == path.name]
    s = score_items(items, gold, rows)
    assert s.recovered_share >= 0.99, s.as_dict()
    assert s.f1 >= 0.98, s.as_dict()
    assert s.unflagged_precision >= 0.995, s.as_dict()
    assert s.forced == 0
    assert s.catalog_recovered == s.catalog_gold
    if path.suffix == ".pdf" and len(items):
        assert set(items["page"]) - {0}, "PDF mentions carry their page"
