"""The run as users meet it: CLI, determinism, bad files among good ones."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from pipeline.cli import main
from tests.conftest import CATALOG, RAW


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_runs_give_identical_bytes(tmp_path):
    """Every file, the cache's included, apart from what only this file system knows: the size, modification
    time and inode of each CSV file in the run record and of each input in inputs.json (so that the next run
    need not hash them)."""
    args = ["run", "--catalog", str(CATALOG), "--root", str(RAW)]
    assert main(args + ["--out", str(tmp_path / "a")]) == 0
    assert main(args + ["--out", str(tmp_path / "b")]) == 0
    a, b = _bytes(tmp_path / "a"), _bytes(tmp_path / "b")
    assert a.keys() == b.keys()
    record, inputs = ".cache/run.json", ".cache/inputs.json"
    assert {k: v for k, v in a.items() if k not in (record, inputs)} == {
        k: v for k, v in b.items() if k not in (record, inputs)}
    digests = [{rel: entry[3] for rel, entry in json.loads(x[inputs])["files"].items()} for x in (a, b)]
    assert digests[0] == digests[1] and len(digests[0]) == 5
    runs = [json.loads(x[record]) for x in (a, b)]
    signatures = [{table: r["csv_chunks"][table].pop("file") for table in r["csv_chunks"]} for r in runs]
    assert runs[0] == runs[1]
    assert signatures[0].keys() == signatures[1].keys() and all(len(s) == 3 for s in signatures[0].values())


def test_unreadable_file_is_reported_and_the_rest_processed(tmp_path, capsys):
    root = tmp_path / "raw"
    root.mkdir()
    shutil.copy(RAW / "000_7dd4aa0705870e63.txt", root / "qingdao.txt")
    (root / "empty list.txt").write_bytes(b"")
    (root / "garbage.txt").write_bytes(bytes(range(256)) * 8)
    code = main(["run", "--catalog", str(CATALOG), "--root", str(root), "--out", str(tmp_path / "out")])
    assert code == 1
    printed = capsys.readouterr().out
    assert "拒收：[E100] empty list.txt：文件是空的" in printed
    assert "garbage.txt" in printed
    import pandas as pd
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", encoding="utf-8-sig").set_index("source")
    assert docs.loc["qingdao.txt", "status"] == "ok"
    assert docs.loc["empty list.txt", "status"] == "refused"
    assert docs.loc["garbage.txt", "status"] == "refused"
    items = pd.read_csv(tmp_path / "out" / "items.csv", encoding="utf-8-sig")
    assert (items["source"] == "qingdao.txt").sum() == 160


def test_table_without_known_header_is_refused_with_a_hint(tmp_path):
    from pipeline.catalog.reference import load_catalog
    from pipeline.reading.document import read_document
    path = tmp_path / "unknown.txt"
    path.write_text("附件1\n某某清单\n\t甲\n\t乙\n\n\t1\n\t职工参保登记\n", encoding="utf-8")
    extraction = read_document(path, "unknown.txt", load_catalog(CATALOG))
    assert extraction.document.status == "refused"
    assert extraction.document.message.startswith("[E300] unknown.txt: no bundle, speed-up, hot or catalog list")


def test_encodings_read_alike(tmp_path):
    from extractors.txt import extract_rows
    text = (RAW / "000_7dd4aa0705870e63.txt").read_text(encoding="utf-8")
    variants = {"utf8.txt": text.encode("utf-8"), "bom.txt": text.encode("utf-8-sig"),
                "gb18030.txt": text.encode("gb18030"), "utf16.txt": text.encode("utf-16")}
    rows = {}
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
        rows[name] = [r.cells for r in extract_rows(tmp_path / name, "x")]
    assert all(r == rows["utf8.txt"] for r in rows.values())


def test_manifest_overrides_detected_region(tmp_path):
    root = tmp_path / "raw"
    root.mkdir()
    shutil.copy(RAW / "004_eaa179039b1c9c6b.txt", root / "catalog list.txt")
    (root / "manifest.tsv").write_text("file\tregion\tprovince\tlevel\ncatalog list.txt\t济南市\t山东省\tcity\n",
                                       encoding="utf-8")
    assert main(["run", "--catalog", str(CATALOG), "--root", str(root), "--out", str(tmp_path / "out")]) == 0
    import pandas as pd
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", encoding="utf-8-sig")
    assert docs.loc[0, ["source", "region", "province", "level"]].tolist() == ["catalog list.txt", "济南市", "山东省", "city"]


def test_explain_shows_header_fields_and_each_match(capsys):
    assert main(["explain", str(RAW / "001_d4e3f231794595e4.txt"), "--catalog", str(CATALOG)]) == 0
    shown = capsys.readouterr().out
    assert ("table 2: speedup (time-limit columns); header rows 1; 序号=no (header) | 事项名称=item (header) | "
            "当前规定的办结时限=current_limit (header)") in shown
    assert "打包事项=scope (header of 2 fields, content 0.00, items taken by column 2)" in shown
    assert "bundle 9 - item: 遗属待遇申领（养老保险） -> 1.6.8 [code 100]" in shown
    assert "region '白银市白银区' (甘肃省, district, code 620402)" in shown


def test_a_bad_number_of_jobs_is_a_usage_error_naming_the_option(tmp_path, capsys):
    for bad in ("0", "-2", "two"):
        assert main(["run", str(RAW / "001_d4e3f231794595e4.txt"), "--catalog", str(CATALOG), "--root", str(RAW),
                     "--out", str(tmp_path / "out"), "--jobs", bad]) == 2
        assert f"--jobs: '{bad}' is not a number of worker processes" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
