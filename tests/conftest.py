"""Shared fixtures: the repository's paths and one pipeline run over the real seeds."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "raw"
CATALOG = RAW / "catalog"
GOLD = REPO.parent / "shared" / "gold"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def catalog():
    from pipeline.catalog.reference import load_catalog
    return load_catalog(CATALOG)


@pytest.fixture(scope="session")
def golds() -> dict:
    from pipeline.evaluate.score import load_gold
    if not GOLD.exists():
        pytest.skip(f"gold labels not found at {GOLD}")
    return load_gold(GOLD)


@pytest.fixture(scope="session")
def seed_golds(golds) -> dict:
    """The seeds' gold labels by seed number ("000" …), as the layout generator (tests/variants) wants them."""
    return {name[:3]: gold for name, gold in golds.items()}


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory):
    """The pipeline run once over the seeds in raw/; returns (report, frames, out_dir)."""
    from pipeline.dataset.tables import load
    from pipeline.runner.runner import RunOptions, discover_inputs, run
    out = tmp_path_factory.mktemp("out")
    report = run(discover_inputs(RAW, CATALOG), RunOptions(out_dir=out, catalog_dir=CATALOG, root=RAW))
    return report, load(out), out
