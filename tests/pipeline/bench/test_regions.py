"""Region detection on generated titles and issuers (``pipeline.bench.regions``): floors the bench reports above."""
from __future__ import annotations

from pipeline.bench.regions import generate_cases, measure
from pipeline.catalog.reference import read_tsv
from tests.conftest import RAW


def test_every_prefecture_and_a_county_sample_are_found_and_right(catalog):
    cases = generate_cases(catalog.gazetteer, read_tsv(RAW / "catalog" / "divisions.tsv"), counties=40, seed=3)
    table = measure(catalog.gazetteer, cases)
    assert sum(1 for v, _, _ in cases if v == "city: full name") == 333
    for variant, c in table.items():
        assert c["wrong"] / c["n"] <= 0.01, variant                  # measured 0 (county short 0) with 300 counties
        assert (c["right"] + c["flagged"]) / c["n"] >= 0.99, variant   # the rest is flagged, never guessed
    assert table["city: issuer prefix"]["right"] / table["city: issuer prefix"]["n"] >= 0.9   # measured 0.949
