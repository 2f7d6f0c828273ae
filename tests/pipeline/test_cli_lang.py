"""The command line in Chinese (the default) and in English (--lang en, RENSHE_LANG=en): the exact words of
the run summary, a warning, an error with its hint, the progress lines and the review workbook's header."""
from __future__ import annotations

import shutil

import openpyxl
import pytest

from pipeline.cli import main
from pipeline.review.export import sheet_named
from tests.conftest import CATALOG, RAW

SHANDONG = "002_82660bfd3293e404.txt"      # the provincial list: one warning (a cell in a column of its own)

EXPECTED = {
    "zh": {
        "summary": ["共 2 个文件：读取 1 个，拒收 1 个。", "共 198 处事项，14 处待复核。"],
        "warning": "警告：002_82660bfd3293e404.txt，表 1，第 14 行，源文第 104 行，第 4 格：“小微企业申请创业担保贷款”"
                   "单独成列；按场景 6-3 的情形事项读取",
        "error": "拒收：[E100] 空白.txt：文件是空的 —— 请确认导出的是正确的文件",
        "progress": "已读取 2/2 个文件",
        "sheet": "复核",
        "header": ["key", "来源文件", "页", "表", "行", "格", "源行", "清单类型", "“一件事”", "场景", "类别", "原文",
                   "修正后的文字", "匹配结果", "理由", "建议", "候选 1", "候选 2", "候选 3", "此前的决定", "决定"],
        "usage": "[E400] 不提供语言“fr” —— 请从以下选择：en, zh",
    },
    "en": {
        "summary": ["2 files: 1 read, 1 refused.", "198 item mentions, 14 flagged for review."],
        "warning": "warning: 002_82660bfd3293e404.txt, table 1, row 14, line 104, cell 4: '小微企业申请创业担保贷款' "
                   "stands in a column of its own; read as a situational item of scenario 6-3",
        "error": "refused: [E100] 空白.txt: the file is empty — check that the right file was exported",
        "progress": "read 2/2 files",
        "sheet": "review",
        "header": ["key", "source file", "page", "table", "row", "cell", "line", "list kind", "bundle", "scenario",
                   "role", "as printed", "repaired text", "matched", "reason", "suggested", "candidate 1",
                   "candidate 2", "candidate 3", "decided before", "decision"],
    },
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    shutil.copy(RAW / SHANDONG, raw / SHANDONG)
    (raw / "空白.txt").write_bytes(b"")          # refused: E100, the file is empty
    return raw


def _run(raw, out, capsys, *lang: str) -> tuple[int, list[str], list[str]]:
    code = main([*lang, "run", str(raw), "--root", str(raw), "--out", str(out), "--catalog", str(CATALOG),
                 "--no-cache", "--jobs", "1"])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()


@pytest.mark.parametrize("lang, how", [("zh", ()), ("en", ("--lang", "en")), ("en", "RENSHE_LANG")],
                         ids=["Chinese by default", "English by --lang", "English by RENSHE_LANG"])
def test_run_summary_warning_error_and_review_header_in_the_language(inputs, tmp_path, capsys, monkeypatch, lang, how):
    monkeypatch.delenv("RENSHE_LANG", raising=False)
    if how == "RENSHE_LANG":
        monkeypatch.setenv("RENSHE_LANG", "en")
        how = ()
    want = EXPECTED[lang]
    code, out, err = _run(inputs, tmp_path / "out", capsys, *how)
    assert code == 1
    assert out[:2] == want["summary"]
    assert out[2].startswith(("数据集位于 ", "Dataset in ")) and out[2].endswith("report" + "/index.html")
    assert want["warning"] in out and want["error"] in out
    assert err[-1] == want["progress"]
    assert main([*how, "review", "export", "--from", str(tmp_path / "out"), "--catalog", str(CATALOG)]) == 0
    capsys.readouterr()
    book = openpyxl.load_workbook(tmp_path / "out" / "review.xlsx")
    assert book.sheetnames[0] == want["sheet"]
    assert [c.value for c in sheet_named(book, "review")[1]] == want["header"]


def test_the_lang_option_after_the_command_works_too(inputs, tmp_path, capsys):
    code, out, _ = _run(inputs, tmp_path / "out", capsys)
    code_en = main(["run", str(inputs), "--root", str(inputs), "--out", str(tmp_path / "en"), "--catalog",
                    str(CATALOG), "--lang", "en"])
    assert (code, code_en) == (1, 1)
    assert capsys.readouterr().out.splitlines()[:2] == EXPECTED["en"]["summary"]


def test_an_unknown_language_is_a_usage_error(capsys):
    assert main(["--lang", "fr", "run"]) == 2
    assert capsys.readouterr().err.strip() == EXPECTED["zh"]["usage"]
