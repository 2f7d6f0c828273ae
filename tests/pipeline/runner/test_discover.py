"""Input discovery: notes, data and images beside the lists are skipped and said so, not refused as bad lists."""
from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.cli import main
from pipeline.core.i18n import Translator
from pipeline.runner.runner import RunReport, discover_inputs
from tests.conftest import CATALOG, RAW

SEED = RAW / "004_eaa179039b1c9c6b.txt"


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "raw"
    (root / "青岛").mkdir(parents=True)
    shutil.copy(SEED, root / "青岛" / "附件1.txt")
    (root / "青岛" / "说明.md").write_text("# 收到的文件\n", encoding="utf-8")
    (root / "青岛" / "meta.json").write_text("{}", encoding="utf-8")
    (root / "青岛" / "照片.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(64))
    (root / "青岛" / "扫描件.png").write_bytes((RAW.parent / "tests" / "fixtures" / "prose_zibo_numbered_items.pdf")
                                             .read_bytes())   # a PDF under an image's name is still a document
    return root


def test_files_that_are_no_document_are_skipped_with_what_they_are(tmp_path: Path):
    root = _folder(tmp_path)
    found = discover_inputs(root, CATALOG)
    assert [p.relative_to(root).as_posix() for p in found] == ["青岛/扫描件.png", "青岛/附件1.txt"]
    assert found.skipped == ("青岛/meta.json (data, not a list)", "青岛/照片.jpg (an image, not a list)",
                             "青岛/说明.md (notes, not a list)")


def test_the_run_summary_lists_the_skipped_files_and_refuses_none_of_them(tmp_path: Path, capsys):
    root = _folder(tmp_path)
    code = main(["run", "--root", str(root), "--catalog", str(CATALOG), "--out", str(tmp_path / "out"), "--no-cache"])
    printed = capsys.readouterr().out.splitlines()
    assert code == 0
    assert [line for line in printed if line.startswith("跳过：")] == [
        "跳过：青岛/meta.json（数据，不是清单）", "跳过：青岛/照片.jpg（图片，不是清单）",
        "跳过：青岛/说明.md（说明文字，不是清单）"]
    assert not [line for line in printed if line.startswith("拒收：")]
    assert "跳过 3 个（不是清单）" in printed[0]


def test_a_report_without_skipped_files_prints_as_before():
    report = RunReport(documents=1, mentions=2, needs_review=0, out_dir="out")
    assert report.skipped == () and "跳过" not in report.summary()
    assert "skipped" not in report.summary(Translator("en"))
