"""``python -m pipeline.bench formats``: every format fixture scored against its gold, with reading speed."""
from __future__ import annotations

import pytest

from pipeline.bench.formats import TARGETS, bench_formats, format_of


def test_format_of_a_fixture_is_its_suffix():
    assert [format_of(n) for n in ("a.xlsx", "b.fragment.htm", "c.1.csv", "D.MHT")] == ["xlsx", "htm", "csv", "mht"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return bench_formats(runs=1)


def test_the_bench_scores_every_format_and_times_the_docx_reader(results):
    assert {"xlsx", "xls", "et", "ods", "csv", "html", "htm", "mht", "doc", "wps", "rtf", "odt"} <= set(results)
    assert results["docx (reader)"]["files_per_s"] > 0 and results["xlsx"]["files_per_s"] > 0


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "et", "ods", "html", "htm", "mht"])
def test_formats_read_without_libreoffice_meet_the_targets(results, fmt):
    s = results[fmt]["score"]
    assert not results[fmt]["refused"]
    assert s.recovered_share >= TARGETS["recovered"] and s.f1 >= TARGETS["f1"], s.as_dict()
    assert s.unflagged_precision >= TARGETS["unflagged_precision"] and s.forced == 0, s.as_dict()
    assert s.catalog_recovered == s.catalog_gold


@pytest.mark.parametrize("fmt", ["doc", "wps", "rtf", "odt"])
def test_formats_read_through_libreoffice_meet_the_targets(results, fmt):
    from extractors.office import find_soffice
    if find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    s = results[fmt]["score"]
    assert not results[fmt]["refused"]
    assert s.recovered_share >= TARGETS["recovered"] and s.f1 >= TARGETS["f1"], s.as_dict()
    assert s.unflagged_precision >= TARGETS["unflagged_precision"], s.as_dict()


def test_csv_read_by_the_text_reader_meets_the_targets(results):
    s = results["csv"]["score"]
    assert not results["csv"]["refused"]
    assert s.recovered_share >= TARGETS["recovered"] and s.f1 >= TARGETS["f1"], s.as_dict()
    assert s.unflagged_precision >= TARGETS["unflagged_precision"] and s.catalog_recovered == s.catalog_gold
