"""Incremental and parallel runs: the cache, the worker pool and batch matching change nothing."""
from __future__ import annotations

import shutil
from pathlib import Path

from normalizers.match_catalog import match
from pipeline.reading.document import read_document
from pipeline.runner.match_memo import MatchMemo
from pipeline.runner.runner import RunOptions, discover_inputs, run
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


def _diff_inodes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in sorted((out / "diffs").iterdir()) if p.suffix in (".json", ".md", ".xlsx")}


def _page_inodes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in sorted((out / "report").iterdir())}


def test_diffs_whose_inputs_did_not_change_are_reused_and_equal_a_fresh_run(tmp_path):
    root = _root(tmp_path)
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)
    run(discover_inputs(root, CATALOG), options)
    before, pages = _diff_inodes(tmp_path / "out"), _page_inodes(tmp_path / "out")
    assert {"青岛市.json", "淄博市.xlsx", "白银市白银区.md"} <= set(before)

    zibo = root / "003_c341546b877d9344.txt"    # a city list: only its own diff is made again
    zibo.write_text(zibo.read_text(encoding="utf-8").replace("就业登记", "就业登记、失业登记", 1), encoding="utf-8")
    run(discover_inputs(root, CATALOG), options)
    after = _diff_inodes(tmp_path / "out")
    remade = sorted(name for name in before if after[name] != before[name])
    assert remade == ["淄博市.json", "淄博市.md", "淄博市.xlsx"]
    pages_after = _page_inodes(tmp_path / "out")     # the report: that city's page and the index, no other
    assert sorted(name for name in pages if pages_after[name] != pages[name]) == ["index.html", "淄博市.html"]
    run(discover_inputs(root, CATALOG), RunOptions(out_dir=tmp_path / "fresh", catalog_dir=CATALOG, root=root,
                                                   use_cache=False))
    assert _bytes(tmp_path / "out") == _bytes(tmp_path / "fresh")

    province = root / "002_82660bfd3293e404.txt"   # the baseline of 青岛 and 淄博: both are compared again
    province.write_bytes(province.read_bytes() + "\n附：修订\n".encode("utf-8"))
    run(discover_inputs(root, CATALOG), options)
    again = _diff_inodes(tmp_path / "out")
    assert sorted(name for name in after if again[name] != after[name]) == [
        "淄博市.json", "淄博市.md", "淄博市.xlsx", "青岛市.json", "青岛市.md", "青岛市.xlsx"]


def test_new_wording_remakes_every_diff_and_page_but_reads_no_file_again(tmp_path, monkeypatch):
    """Translations and report templates are not in the code's hash; a change of them is not served stale."""
    import pipeline.diff.write as write
    import pipeline.runner.runner as runner
    root = _root(tmp_path)
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)
    run(discover_inputs(root, CATALOG), options)
    diffs, pages = _diff_inodes(tmp_path / "out"), _page_inodes(tmp_path / "out")
    for module in (write, runner):
        monkeypatch.setattr(module, "wording_version", lambda: "a new .mo or template")
    report = run(discover_inputs(root, CATALOG), options)
    assert report.reused == 5
    after, pages_after = _diff_inodes(tmp_path / "out"), _page_inodes(tmp_path / "out")
    assert [n for n in diffs if after[n] == diffs[n]] == [] and [n for n in pages if pages_after[n] == pages[n]] == []


def test_a_changed_file_reuses_the_other_files_rows_and_csv_chunks_and_equals_a_fresh_run(tmp_path, monkeypatch):
    import pipeline.dataset.csv_chunks as write_csv
    monkeypatch.setattr(write_csv, "CHUNK_EVERY", 1)     # every document its own chunk, so chunks get copied
    copied = []
    original = write_csv.write_csv

    def counting(frame, path, table, reuse=None):
        record = original(frame, path, table, reuse)
        copied.append(reuse.copied if reuse is not None else 0)
        return record
    monkeypatch.setattr("pipeline.dataset.tables.write_csv", counting)
    root = _root(tmp_path)
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)
    run(discover_inputs(root, CATALOG), options)
    assert copied[-1] == 0
    zibo = root / "003_c341546b877d9344.txt"
    zibo.write_text(zibo.read_text(encoding="utf-8").replace("就业登记", "就业登记、失业登记", 1), encoding="utf-8")
    report = run(discover_inputs(root, CATALOG), options)
    assert report.reused == 4 and copied[-1] >= 4     # the other files' chunks of several tables were copied
    run(discover_inputs(root, CATALOG), RunOptions(out_dir=tmp_path / "fresh", catalog_dir=CATALOG, root=root,
                                                   use_cache=False))
    assert _bytes(tmp_path / "out") == _bytes(tmp_path / "fresh")


def test_a_previous_table_that_was_edited_is_not_built_on(tmp_path):
    root = _root(tmp_path)
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)
    run(discover_inputs(root, CATALOG), options)
    import pandas as pd
    items = pd.read_parquet(tmp_path / "out" / "items.parquet")
    items.loc[0, "item_text"] = "edited by hand"
    items.to_parquet(tmp_path / "out" / "items.parquet", index=False)
    zibo = root / "003_c341546b877d9344.txt"
    zibo.write_bytes(zibo.read_bytes() + "\n附：修订\n".encode("utf-8"))
    run(discover_inputs(root, CATALOG), options)
    run(discover_inputs(root, CATALOG), RunOptions(out_dir=tmp_path / "fresh", catalog_dir=CATALOG, root=root,
                                                   use_cache=False))
    assert _bytes(tmp_path / "out") == _bytes(tmp_path / "fresh")


def test_another_language_rewrites_what_people_read_and_reuses_every_file(tmp_path):
    root = _root(tmp_path)
    options = dict(catalog_dir=CATALOG, root=root, jobs=1)
    run(discover_inputs(root, CATALOG), RunOptions(out_dir=tmp_path / "out", **options))
    chinese = _bytes(tmp_path / "out")
    report = run(discover_inputs(root, CATALOG), RunOptions(out_dir=tmp_path / "out", lang="en", **options))
    english = _bytes(tmp_path / "out")
    assert report.reused == 5                                  # no file is read again for another language
    changed = sorted(name for name in chinese if chinese[name] != english[name])
    assert changed == sorted(n for n in chinese if n.startswith("report/") or n.endswith((".md", ".xlsx"))
                             and n.startswith("diffs/"))       # the dataset, its README and the JSON stay
    assert "Audit report" in english["report/index.html"].decode("utf-8")
    run(discover_inputs(root, CATALOG), RunOptions(out_dir=tmp_path / "fresh", lang="en", **options))
    assert _bytes(tmp_path / "fresh") == english               # the same bytes as a fresh run in English


def test_a_scan_refused_for_want_of_ocr_is_read_once_ocr_is_installed(tmp_path, monkeypatch):
    """The cache key names the OCR engines available: the cached refusal is not served again."""
    import types

    import pandas as pd

    import extractors.dispatch as dispatch
    import pipeline.runner.runner as runner
    from extractors import pdf
    root = tmp_path / "raw"
    root.mkdir()
    shutil.copy(REPO / "tests" / "fixtures" / "scanned_page_without_text.pdf", root / "scan.pdf")
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)

    def status() -> str:
        docs = pd.read_csv(tmp_path / "out" / "documents.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        return docs.set_index("source").loc["scan.pdf", "status"]

    monkeypatch.setattr(runner, "available_engines", lambda: ())
    monkeypatch.setattr(dispatch, "ocr_reader", lambda: None)
    assert run([root / "scan.pdf"], options).refused and status() == "refused"
    # OCR installed: here a stand-in that reads the born-digital list the scan could have been made of
    born_digital = REPO / "tests" / "fixtures" / "prose_zibo_numbered_items.pdf"
    fake = types.SimpleNamespace(extract_rows=lambda path, rel, **kw: pdf.extract_rows(born_digital, rel))
    monkeypatch.setattr(runner, "available_engines", lambda: ("ppocr", "tesseract"))
    monkeypatch.setattr(dispatch, "ocr_reader", lambda: fake)
    report = run([root / "scan.pdf"], options)
    assert not report.refused and report.reused == 0 and status() in ("ok", "warning")


def _change_the_zibo_list(root: Path) -> None:
    zibo = root / "003_c341546b877d9344.txt"
    zibo.write_text(zibo.read_text(encoding="utf-8").replace("就业登记", "就业登记、失业登记", 1), encoding="utf-8")


def _assert_equals_a_fresh_run(tmp_path: Path, root: Path) -> None:
    run(discover_inputs(root, CATALOG), RunOptions(out_dir=tmp_path / "fresh", catalog_dir=CATALOG, root=root,
                                                   use_cache=False))
    assert _bytes(tmp_path / "out") == _bytes(tmp_path / "fresh")


def test_csv_chunks_copied_without_copy_file_range_give_the_same_bytes(tmp_path, monkeypatch):
    """Where the kernel cannot copy a range of a file (other systems), the chunks are copied by reading them."""
    import os
    import pipeline.dataset.csv_chunks as csv_chunks
    monkeypatch.setattr(csv_chunks, "CHUNK_EVERY", 1)
    monkeypatch.delattr(os, "copy_file_range", raising=False)
    root = _root(tmp_path)
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)
    run(discover_inputs(root, CATALOG), options)
    _change_the_zibo_list(root)
    run(discover_inputs(root, CATALOG), options)
    _assert_equals_a_fresh_run(tmp_path, root)


def test_a_csv_file_edited_by_hand_is_not_copied_from(tmp_path, monkeypatch):
    """items.csv opened and saved in a spreadsheet program: its chunks are not the ones recorded."""
    import pipeline.dataset.csv_chunks as csv_chunks
    monkeypatch.setattr(csv_chunks, "CHUNK_EVERY", 1)
    root = _root(tmp_path)
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)
    run(discover_inputs(root, CATALOG), options)
    items = tmp_path / "out" / "items.csv"
    data = items.read_bytes()
    items.write_bytes(data.replace("社会保障卡".encode(), "社保卡卡卡".encode()))   # same length, other bytes
    assert len(items.read_bytes()) == len(data) and items.read_bytes() != data
    _change_the_zibo_list(root)
    run(discover_inputs(root, CATALOG), options)
    _assert_equals_a_fresh_run(tmp_path, root)


def test_a_diff_whose_file_was_deleted_from_out_is_made_again(tmp_path):
    """The reused diffs are linked by a thread; one whose file is gone from out/diffs/ is made again, the rest
    are still linked, and the result is a fresh run's."""
    root = _root(tmp_path)
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)
    run(discover_inputs(root, CATALOG), options)
    (tmp_path / "out" / "diffs" / "青岛市.md").unlink()
    before = _diff_inodes(tmp_path / "out")
    _change_the_zibo_list(root)
    run(discover_inputs(root, CATALOG), options)
    after = _diff_inodes(tmp_path / "out")
    assert "青岛市.md" in after and after["白银市白银区.md"] == before["白银市白银区.md"]
    assert after["青岛市.json"] != before["青岛市.json"]         # made again with its .md, not linked
    _assert_equals_a_fresh_run(tmp_path, root)


def test_inputs_unchanged_since_the_last_run_are_not_read_again_and_a_rewritten_one_is(tmp_path, monkeypatch):
    """Inputs whose size, time and inode are those recorded (and not modified just before) keep their digest;
    one rewritten with other bytes of the same length is hashed again and read again."""
    import os
    import time
    root = _root(tmp_path)
    an_hour_ago = time.time() - 3600
    for path in root.iterdir():
        os.utime(path, (an_hour_ago, an_hour_ago))
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)
    run(discover_inputs(root, CATALOG), options)
    read = []
    original = Path.read_bytes

    def counting(self):
        if self.parent == root:
            read.append(self.name)
        return original(self)
    monkeypatch.setattr(Path, "read_bytes", counting)
    assert run(discover_inputs(root, CATALOG), options).reused == 5 and read == []
    zibo = root / "003_c341546b877d9344.txt"
    data = zibo.read_bytes()
    read.clear()
    zibo.write_bytes(data.replace("就业登记".encode(), "失业登记".encode(), 1))   # same size, just now
    assert len(zibo.read_bytes()) == len(data)
    read.clear()
    report = run(discover_inputs(root, CATALOG), options)
    assert report.reused == 4 and "003_c341546b877d9344.txt" in read
    monkeypatch.setattr(Path, "read_bytes", original)
    _assert_equals_a_fresh_run(tmp_path, root)


def test_a_file_added_after_the_others_is_in_the_tables_and_the_result_equals_a_fresh_run(tmp_path):
    """A new list whose name sorts after every other: its rows follow the unchanged files' rows."""
    root = _root(tmp_path)
    options = RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=root)
    run(discover_inputs(root, CATALOG), options)
    shutil.copy(root / "000_7dd4aa0705870e63.txt", root / "zzz_added.txt")
    report = run(discover_inputs(root, CATALOG), options)
    assert report.reused == 5 and report.documents == 6
    import pipeline
    assert "zzz_added.txt" in set(pipeline.load(tmp_path / "out")["items"]["source"])
    _assert_equals_a_fresh_run(tmp_path, root)
