"""Which provincial list a local list is compared with: by province code, and why there is none."""
from __future__ import annotations

import pandas as pd

from pipeline.diff.baseline import resolve_baseline


def _docs(*rows):
    cols = ["source", "title", "region", "region_code", "province", "level", "list_kinds", "status"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols)


def test_the_baseline_is_found_by_province_code_even_when_the_names_are_written_differently():
    docs = _docs(("p.txt", "山东清单", "山东省", "370000", "山东", "province", "bundle", "ok"),
                 ("q.txt", "青岛清单", "青岛市", "370200", "山东省", "city", "bundle", "ok"),
                 ("g.txt", "甘肃清单", "甘肃省", "620000", "甘肃省", "province", "bundle", "ok"))
    local = docs.iloc[1].to_dict()
    assert resolve_baseline(local, docs).source == "p.txt"


def test_a_list_without_a_region_is_told_why_it_has_no_baseline():
    docs = _docs(("p.txt", "山东清单", "山东省", "370000", "山东省", "province", "bundle", "ok"),
                 ("x.txt", "清单", "", "", "", "", "bundle", "warning"))
    baseline = resolve_baseline(docs.iloc[1].to_dict(), docs)
    assert baseline.source is None
    assert baseline.how.startswith("no baseline: no region was found for this list")
    assert "raw/manifest.tsv" in baseline.how


def test_a_list_whose_region_is_unsure_within_one_province_is_compared_with_that_province():
    docs = _docs(("p.txt", "山东清单", "山东省", "370000", "山东省", "province", "bundle", "ok"),
                 ("x.txt", "清单", "", "", "山东省", "", "bundle", "warning"))
    assert resolve_baseline(docs.iloc[1].to_dict(), docs).source == "p.txt"
