"""The dataset as a product: schema generated from the column spec, dtypes on load, atomic out/."""
from __future__ import annotations

import json

import jsonschema
import pandas as pd
import pytest

import pipeline
from pipeline.dataset.schema import TABLES, data_dictionary, json_schema, schema_bytes
from pipeline.dataset.staging import Staging
from pipeline.dataset.tables import load
from tests.conftest import REPO


@pytest.mark.parametrize("t", TABLES, ids=lambda t: f"{t.name} schema is what the spec generates")
def test_committed_schema_matches_the_spec(t):
    assert (REPO / "out" / "schema" / f"{t.name}.schema.json").read_bytes() == schema_bytes(t)


def test_committed_data_dictionary_matches_the_spec():
    assert (REPO / "out" / "README.md").read_text(encoding="utf-8") == data_dictionary()


def test_every_table_is_written_with_its_schema(seed_run):
    _, _, out = seed_run
    for t in TABLES:
        assert (out / f"{t.name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        assert (out / f"{t.name}.parquet").exists()
        assert (out / "schema" / f"{t.name}.schema.json").read_bytes() == schema_bytes(t)


@pytest.mark.parametrize("t", TABLES, ids=lambda t: f"{t.name} loads with the declared dtypes")
def test_load_gives_declared_columns_and_dtypes(seed_run, t):
    _, _, out = seed_run
    frame = pipeline.load(out)[t.name]
    assert list(frame.columns) == t.names
    assert {c: str(d) for c, d in frame.dtypes.items()} == {
        c.name: str(pd.Series([], dtype=c.pandas_dtype).dtype) for c in t.columns}


@pytest.mark.parametrize("t", TABLES, ids=lambda t: f"{t.name} rows validate against its JSON Schema")
def test_rows_validate_against_the_json_schema(seed_run, t):
    _, frames, _ = seed_run
    validator = jsonschema.Draft202012Validator(json_schema(t))
    rows = json.loads(frames[t.name].to_json(orient="records", force_ascii=False))
    assert all(validator.is_valid(r) for r in rows)
    bad = dict(rows[0]) if rows else {c.name: "" for c in t.columns}
    bad["unexpected column"] = 1
    assert not validator.is_valid(bad)


def test_speedup_and_hotlist_are_the_items_of_their_kind(seed_run):
    _, frames, _ = seed_run
    items = frames["items"]
    speedup, hotlist = frames["speedup"], frames["hotlist"]
    assert len(speedup) == (items["list_kind"] == "speedup").sum() > 0
    assert len(hotlist) == (items["list_kind"] == "hotlist").sum() > 0
    assert (speedup["target_limit"] != "").any() and (speedup["current_limit"] != "").any()
    assert (hotlist["channels"] != "").all()
    assert set(speedup["mention_id"]) <= set(items["mention_id"])


def test_commit_keeps_files_it_does_not_own_and_drops_stale_tables(tmp_path):
    out = tmp_path / "out"
    (out / "diffs").mkdir(parents=True)
    (out / "diffs" / "a.csv").write_text("x", encoding="utf-8")
    (out / "review.xlsx").write_bytes(b"wb")
    (out / "items.csv").write_text("old", encoding="utf-8")
    staging = Staging(out)
    (staging.path / "items.csv").write_text("new", encoding="utf-8")
    staging.commit()
    assert (out / "items.csv").read_text(encoding="utf-8") == "new"
    assert (out / "review.xlsx").read_bytes() == b"wb"
    assert (out / "diffs" / "a.csv").read_text(encoding="utf-8") == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_stale_staging_folder_is_cleared_and_the_old_folder_restored(tmp_path):
    out = tmp_path / "out"
    (tmp_path / ".out.staging").mkdir()
    (tmp_path / ".out.staging" / "half.csv").write_text("half", encoding="utf-8")
    (tmp_path / ".out.old").mkdir()
    (tmp_path / ".out.old" / "items.csv").write_text("whole", encoding="utf-8")
    staging = Staging(out)
    assert (out / "items.csv").read_text(encoding="utf-8") == "whole"
    assert list(staging.path.iterdir()) == []
    staging.abandon()
    assert load(out) == {}


def test_a_big_previous_folder_is_deleted_apart_and_a_cut_short_deletion_finished(tmp_path, monkeypatch):
    import time

    import pipeline.dataset.staging as staging_module
    monkeypatch.setattr(staging_module, "DELETE_APART_FROM", 3)
    out = tmp_path / "out"
    (out / "diffs").mkdir(parents=True)
    for n in range(5):
        (out / "diffs" / f"{n}.json").write_text("old", encoding="utf-8")
    (out / "items.csv").write_text("old", encoding="utf-8")
    staging = Staging(out)
    (staging.path / "items.csv").write_text("new", encoding="utf-8")
    staging.commit()
    assert (out / "items.csv").read_text(encoding="utf-8") == "new"
    assert (out / "diffs" / "4.json").read_text(encoding="utf-8") == "old"      # carried over, not lost
    deadline = time.monotonic() + 30
    while len(list(tmp_path.iterdir())) > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    (tmp_path / ".out.trash.99").mkdir()                # a deletion a kill cut short
    (tmp_path / ".out.trash.99" / "half.csv").write_text("half", encoding="utf-8")
    Staging(out).abandon()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_report_folder_is_the_new_runs_alone(tmp_path):
    """Every run writes the whole report: the page of a list no longer read is not carried over."""
    out = tmp_path / "out"
    (out / "report").mkdir(parents=True)
    (out / "report" / "淄博市.html").write_text("old", encoding="utf-8")
    (out / "diffs").mkdir()
    (out / "diffs" / "on-demand.md").write_text("kept", encoding="utf-8")
    staging = Staging(out)
    (staging.path / "report").mkdir()
    (staging.path / "report" / "index.html").write_text("new", encoding="utf-8")
    staging.commit()
    assert sorted(p.name for p in (out / "report").iterdir()) == ["index.html"]
    assert (out / "diffs" / "on-demand.md").read_text(encoding="utf-8") == "kept"


@pytest.mark.parametrize("name", ["documents", "items"])
def test_records_are_the_rows_as_to_dict_gives_them(seed_run, name):
    from pipeline.dataset.tables import records
    _, frames, _ = seed_run
    frame = frames[name].fillna("")
    assert records(frame) == frame.to_dict("records") and len(records(frame)) > 0


@pytest.mark.parametrize("dropped", [{2}, {0, 2, 4}, {0}, {4}, {3, 4}],
                         ids=["one source", "every other source", "the first", "the last", "the last two"])
@pytest.mark.parametrize("in_base", [True, False], ids=["changed", "added"])
def test_merging_by_source_sliced_or_taken_gives_what_gathering_all_rows_gives(seed_run, monkeypatch, dropped,
                                                                                in_base, tmp_path):
    """The rows of a changed (or added) file put back among the unchanged ones' rows: the same table, and the
    same Parquet bytes, whether the ranges are sliced (a few) or taken in one take (many)."""
    import pipeline.dataset.tables as tables
    _, frames, _ = seed_run
    items = frames["items"]
    sources = sorted(items["source"].unique())
    changed = {sources[i] for i in dropped}
    new = items[items["source"].isin(changed)].reset_index(drop=True)
    keep = set(sources) - changed
    base = items if in_base else items[~items["source"].isin(changed)].reset_index(drop=True)
    sliced = tables._merge_by_source(base, keep, new)
    monkeypatch.setattr(tables, "_SLICED_UP_TO", 0)
    taken = tables._merge_by_source(base, keep, new)
    assert sliced.equals(items) and taken.equals(items)
    sliced.to_parquet(tmp_path / "sliced.parquet", index=False)
    items.to_parquet(tmp_path / "whole.parquet", index=False)
    assert (tmp_path / "sliced.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()
