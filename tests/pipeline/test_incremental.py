"""Incremental and parallel runs: the cache, the worker pool and batch matching change nothing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from normalizers.match_catalog import match
from pipeline.match_batch import MatchMemo
from pipeline.read_document import read_document
from pipeline.run import RunOptions, discover_inputs, run

from tests.conftest import CATALOG, RAW, REPO

FIXTURES = REPO / "tests" / "fixtures"


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".cache" not in p.parts}


def _root(tmp_path: Path, with_docx: bool = False) -> Path:
    root = tmp_path / "raw"
    root.mkdir()
    for path in sorted(RAW.glob("*.txt")):
        shutil.copy(path, root / path.name)
    if with_docx:
        for path in sorted(FIXTURES.glob("*.docx")):
            shutil.copy(path, root / path.name)
    return root


def test_batch_matching_equals_matching_each_mention(catalog):
    memo = MatchMemo(catalog.index)
    mentions = [m for path in sorted(RAW.glob("*.txt")) for m in read_document(path, path.name, catalog).mentions]
    mentions += mentions[:50]   # the same mentions again: answered from the memo
    assert list(memo.match_all(mentions)) == [match(m, catalog.index) for m in mentions]
    assert memo.hits >= 50 and memo.misses < len(mentions)


def test_warm_run_reuses_every_file_and_writes_the_same_bytes(tmp_path):
    root = _root(tmp_path)
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)
    first = run(discover_inputs(root, CATALOG), options)
    cold = _bytes(tmp_path / "out")
    second = run(discover_inputs(root, CATALOG), options)
    assert (first.reused, second.reused) == (0, 5)
    assert _bytes(tmp_path / "out") == cold
    assert sorted(p.name for p in (tmp_path / "out" / ".cache").rglob("*.json.z")).__len__() == 5


def test_a_changed_file_is_read_again_and_the_result_equals_a_fresh_run(tmp_path):
    root = _root(tmp_path)
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)
    run(discover_inputs(root, CATALOG), options)
    changed = root / "003_c341546b877d9344.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("就业登记", "就业登记、失业登记", 1), encoding="utf-8")
    report = run(discover_inputs(root, CATALOG), options)
    assert report.reused == 4
    fresh = RunOptions(out_dir=tmp_path / "fresh", catalog_dir=CATALOG, root=root, use_cache=False)
    run(discover_inputs(root, CATALOG), fresh)
    assert _bytes(tmp_path / "out") == _bytes(tmp_path / "fresh")
    assert len(list((tmp_path / "out" / ".cache").rglob("*.json.z"))) == 5   # the stale entry is gone


def test_a_catalog_change_invalidates_every_entry(tmp_path):
    root = _root(tmp_path)
    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG, catalog)
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=catalog, root=root)
    run(discover_inputs(root, catalog), options)
    with (catalog / "aliases.tsv").open("a", encoding="utf-8") as fh:
        fh.write("社保登记新办\t1.1.5\ttest: a new alias\n")
    assert run(discover_inputs(root, catalog), options).reused == 0


def test_worker_pool_gives_the_same_bytes_as_one_process(tmp_path):
    root = _root(tmp_path, with_docx=True)
    inputs = discover_inputs(root, CATALOG)
    assert len(inputs) >= 8   # enough for the pool to be used
    for name, jobs in (("one", 1), ("two", 2)):
        run(inputs, RunOptions(out_dir=tmp_path / name, catalog_dir=CATALOG, root=root, jobs=jobs, use_cache=False))
    assert _bytes(tmp_path / "one") == _bytes(tmp_path / "two")


def test_explicit_cache_folder_is_used_across_output_folders(tmp_path):
    root = _root(tmp_path)
    cache = tmp_path / "cache"
    run(discover_inputs(root, CATALOG), RunOptions(out_dir=tmp_path / "a", catalog_dir=CATALOG, root=root,
                                                   cache_dir=cache))
    report = run(discover_inputs(root, CATALOG), RunOptions(out_dir=tmp_path / "b", catalog_dir=CATALOG,
                                                            root=root, cache_dir=cache))
    assert report.reused == 5 and not (tmp_path / "b" / ".cache").exists()
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")


def test_nothing_changed_leaves_out_untouched_until_a_table_is_missing(tmp_path):
    root = _root(tmp_path)
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)
    first = run(discover_inputs(root, CATALOG), options)
    stamp = (tmp_path / "out" / "items.csv").stat().st_mtime_ns
    again = run(discover_inputs(root, CATALOG), options)
    assert (tmp_path / "out" / "items.csv").stat().st_mtime_ns == stamp
    assert (again.documents, again.mentions, again.warnings) == (first.documents, first.mentions, first.warnings)
    cold = _bytes(tmp_path / "out")
    (tmp_path / "out" / "hotlist.csv").unlink()
    assert run(discover_inputs(root, CATALOG), options).reused == 5
    assert _bytes(tmp_path / "out") == cold


def test_a_damaged_cache_entry_is_read_again(tmp_path):
    root = _root(tmp_path)
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)
    run(discover_inputs(root, CATALOG), options)
    cold = _bytes(tmp_path / "out")
    entry = sorted((tmp_path / "out" / ".cache").rglob("*.json.z"))[0]
    entry.write_bytes(b"not zlib")
    (tmp_path / "out" / ".cache" / "run.json").unlink()
    run(discover_inputs(root, CATALOG), options)
    assert _bytes(tmp_path / "out") == cold
