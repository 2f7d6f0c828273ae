"""The catalog ships with the tool: a run from any folder finds it; ``--catalog`` still overrides."""
from __future__ import annotations

from pipeline.cli import main
from pipeline.core.files import default_catalog_dir, shipped_catalog_dir
from tests.conftest import RAW


def test_the_shipped_catalog_is_raw_catalog_of_the_checkout():
    assert shipped_catalog_dir() == (RAW / "catalog").resolve()


def test_a_folder_without_raw_catalog_gets_the_shipped_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert default_catalog_dir() == shipped_catalog_dir()


def test_a_run_from_another_folder_reads_with_the_shipped_catalog(tmp_path, monkeypatch, capsys):
    seed = next(RAW.glob("003*.txt"))
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(seed), "--root", str(seed.parent), "--out", "out", "--no-cache", "--jobs", "1"]) == 0
    text = (tmp_path / "out" / "documents.csv").read_text(encoding="utf-8-sig")
    assert "淄博市,370300,山东省,city" in text


def test_catalog_overrides_the_shipped_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(next(RAW.glob("003*.txt"))), "--catalog", str(tmp_path / "none"), "--out", "o"]) == 2
    assert "缺少目录文件 national.tsv" in capsys.readouterr().err
