"""``python -m pipeline catalog import``: an official catalog document back into national.tsv."""
from __future__ import annotations

import shutil

import pytest

from pipeline.bench.catalog import edition, render_docx, render_pdf, render_xlsx
from pipeline.catalog.import_national import apply_import, plan_import, rows_to_pairs
from pipeline.catalog.reference import load_catalog, read_tsv
from pipeline.cli import main
from pipeline.core.errors import ConfigError
from pipeline.core.records import Provenance, Row
from tests.conftest import RAW

CATALOG = RAW / "catalog"


@pytest.fixture()
def folder(tmp_path):
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG, target)
    return target


def _pairs(folder):
    return [(r["code"], r["name"]) for r in read_tsv(folder / "national.tsv")]


@pytest.mark.parametrize("cells, expected", [
    (("1", "1.1.5", "职工参保登记"), [("1.1.5", "职工参保登记")]),
    (("1.1.5社会保障卡申领",), [("1.1.5", "社会保障卡申领")]),
    (("3 1.1.5 职工参保登记",), [("1.1.5", "职工参保登记")]),
    (("1．6．10城镇职工基本养老保险关系转移接续申请",), [("1.6.10", "城镇职工基本养老保险关系转移接续申请")]),
    (("", "1.1", "参保登记"), []),
    (("1.1.5", "职工参保\n登记"), [("1.1.5", "职工参保登记")]),
    (("序号", "事项编码", "事项名称"), []),
], ids=["code in a column of its own", "code fused to the name", "序号 before a fused code", "full-width dots",
        "a group heading is no item", "a name wrapped over two lines", "the header row"])
def test_codes_and_names_as_catalogs_print_them(cells, expected):
    assert [(c, n) for c, n, _ in rows_to_pairs([Row(Provenance("x.docx", table=1, row=2), cells)])] == expected


@pytest.mark.parametrize("render, suffix", [(render_docx, "docx"), (render_pdf, "pdf"), (render_xlsx, "xlsx")],
                         ids=["DOCX, code in a column", "PDF, code fused to the name", "XLSX"])
def test_the_catalog_rendered_and_imported_back_is_byte_identical(render, suffix, folder, tmp_path):
    before = (folder / "national.tsv").read_bytes()
    document = render(_pairs(folder), tmp_path / f"catalog.{suffix}")
    plan = plan_import(document, folder)
    assert not plan.changes and not plan.conflicts
    assert apply_import(plan) == []
    assert (folder / "national.tsv").read_bytes() == before


def test_an_edition_reports_exactly_what_changed_and_keeps_old_names_as_aliases(folder, tmp_path):
    pairs = _pairs(folder)
    document = render_docx(edition(pairs), tmp_path / "edition.docx")
    plan = plan_import(document, folder)
    assert [c for c, _, _ in plan.renamed] == [pairs[1][0], pairs[2][0], pairs[3][0]]
    assert plan.added == [("4.9.1", "新增事项一申请"), ("4.9.2", "新增事项二申请")]
    assert plan.removed == [pairs[-1]]
    apply_import(plan, force=bool(plan.blocking))
    aliases = {(a["alias"], a["target"]) for a in read_tsv(folder / "aliases.tsv")}
    assert {(old, code) for code, old, _ in plan.renamed} <= aliases
    load_catalog(folder)                                   # still a catalog that loads
    national, alias_bytes = (folder / "national.tsv").read_bytes(), (folder / "aliases.tsv").read_bytes()
    again = plan_import(document, folder)
    assert not again.changes and apply_import(again) == []
    assert (folder / "national.tsv").read_bytes() == national and (folder / "aliases.tsv").read_bytes() == alias_bytes


def test_a_file_giving_one_code_two_names_is_not_written_without_force(folder, tmp_path):
    pairs = _pairs(folder) + [("1.1.5", "另一个名称")]
    before = (folder / "national.tsv").read_bytes()
    plan = plan_import(render_docx(pairs, tmp_path / "bad.docx"), folder)
    assert plan.conflicts and "1.1.5 is '职工参保登记'" in plan.conflicts[0]
    message = r"\[E400\] bad.docx: nothing was written: the file gives 1 code\(s\) two names"
    with pytest.raises(ConfigError, match=message):
        apply_import(plan)
    assert (folder / "national.tsv").read_bytes() == before
    apply_import(plan, force=True)
    assert (folder / "national.tsv").read_bytes() == before        # the first name is kept


def test_what_a_change_touches_is_said(folder, tmp_path):
    pairs = [(c, n) for c, n in _pairs(folder) if c != "1.3.1"] + [("4.9.1", "解聘备案")]
    plan = plan_import(render_docx(pairs, tmp_path / "touch.docx"), folder)
    assert any("alias '社保减员' points at removed code 1.3.1" in t for t in plan.touched)
    assert any("local item '解聘备案' is now national 4.9.1" in t for t in plan.touched)
    with pytest.raises(ConfigError, match="alias '社保减员' would point at nothing"):
        apply_import(plan)


def test_the_command_shows_the_changes_and_a_dry_run_writes_nothing(folder, tmp_path, capsys):
    document = render_docx(edition(_pairs(folder)), tmp_path / "edition.docx")
    before = (folder / "national.tsv").read_bytes()
    assert main(["catalog", "import", str(document), "--catalog", str(folder), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "新增 2 个，删除 1 个，更名 3 个" in out and "试运行：未写入任何内容" in out
    assert main(["catalog", "import", str(document), "--catalog", str(folder), "--dry-run", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "3 renamed" in out and "2 added" in out and "1 removed" in out and "dry run: nothing written" in out
    assert (folder / "national.tsv").read_bytes() == before


def test_force_drops_the_aliases_of_a_removed_code_and_the_catalog_still_loads(folder, tmp_path):
    pairs = [(c, n) for c, n in _pairs(folder) if c != "1.3.1"]
    plan = plan_import(render_docx(pairs, tmp_path / "removed.docx"), folder)
    apply_import(plan, force=True)
    assert all(a["target"] != "1.3.1" for a in read_tsv(folder / "aliases.tsv"))
    assert "1.3.1" not in {i.code for i in load_catalog(folder).items}
