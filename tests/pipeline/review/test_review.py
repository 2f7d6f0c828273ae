"""The review loop on the real seeds: export flagged mentions, fill decisions, import, re-run.

Every test works on a copy of raw/catalog in a temporary folder; the repository's catalog is
never written.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from normalizers.match_catalog import match
from pipeline.catalog.reference import load_catalog
from pipeline.cli import main
from pipeline.core.records import Mention, Provenance
from pipeline.dataset.tables import load
from pipeline.review.export import column_ids, export_review, parse_key, sheet_named
from pipeline.review.import_workbook import (
    import_review,
    review_status,
)
from pipeline.runner.runner import RunOptions, discover_inputs, run
from tests.conftest import CATALOG, RAW


def _run(out: Path, catalog: Path, root: Path = RAW) -> None:
    run(discover_inputs(root, CATALOG), RunOptions(out_dir=out, catalog_dir=catalog, root=root))


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _sheet_rows(path: Path) -> list[dict]:
    ws = sheet_named(openpyxl.load_workbook(path), "review")
    header = column_ids([c.value for c in ws[1]])
    return [dict(zip(header, values), sheet_row=n)
            for n, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2)]


def _reviewer_choice(row: dict) -> str:
    """What a hurried reviewer writes: the matcher's suggestion, else the top candidate, else none."""
    if row["suggested"]:
        return row["suggested"]
    return row["candidate_1"].split(" ")[0] if row["candidate_1"] else "none"


def _fill(src: Path, dst: Path, decisions: dict[int, str | None], delete: tuple[int, ...] = (),
          edit=None) -> Path:
    """Copy ``src`` with ``decisions`` {sheet row: value} written into the decision column."""
    wb = openpyxl.load_workbook(src)
    ws = sheet_named(wb, "review")
    column = column_ids([c.value for c in ws[1]]).index("decision") + 1
    for row, value in decisions.items():
        ws.cell(row, column).value = value
    for row in sorted(delete, reverse=True):
        ws.delete_rows(row)
    if edit:
        edit(wb)
    wb.save(dst)
    return dst


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """(out dir, workbook) of one seed run with the repository's catalog, not written to."""
    out = tmp_path_factory.mktemp("review_out")
    _run(out, CATALOG)
    workbook = out / "review.xlsx"
    export_review(out, CATALOG, workbook)
    return out, workbook


@pytest.fixture
def catalog_copy(tmp_path) -> Path:
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG, folder)
    return folder


def test_workbook_lists_every_flagged_mention_with_an_empty_decision(exported):
    out, workbook = exported
    items = load(out)["items"]
    rows = _sheet_rows(workbook)
    assert sorted(parse_key(r["key"])[0] for r in rows) == sorted(items.loc[items["needs_review"], "mention_id"])
    assert rows and all(r["decision"] is None for r in rows)
    book = openpyxl.load_workbook(workbook)
    review = sheet_named(book, "review")
    assert review.title == "复核" and review.column_dimensions["A"].hidden and review.protection.sheet
    assert review.freeze_panes == "B2" and review.auto_filter.ref == f"A1:U{review.max_row}"
    assert sheet_named(book, "export").sheet_state == "hidden"
    choices = sheet_named(book, "catalog")
    assert "1.3.5 社会保险费欠费补缴申报" in [c.value for c in choices["A"]]      # the decision list: code and name
    assert "1.1.5" in [c.value for c in choices["B"]]
    assert review.data_validations.dataValidation[0].formula1 == f"'目录'!$A$2:$A${choices.max_row}"


def test_export_gives_the_same_bytes_twice(exported, tmp_path):
    out, workbook = exported
    export_review(out, CATALOG, tmp_path / "again.xlsx")
    assert (tmp_path / "again.xlsx").read_bytes() == workbook.read_bytes()


def test_export_all_of_one_source_adds_its_unflagged_mentions(exported, tmp_path):
    out, _ = exported
    items = load(out)["items"]
    source = items["source"].iloc[0]
    report = export_review(out, CATALOG, tmp_path / "all.xlsx", all_of=source)
    wanted = items[(items["source"] == source) | items["needs_review"]]
    assert report.rows == len(wanted) > int(items["needs_review"].sum())


def test_decisions_come_back_and_are_kept(exported, catalog_copy, tmp_path):
    out_before, workbook = exported
    out = tmp_path / "out"
    shutil.copytree(out_before, out)
    rows = _sheet_rows(workbook)
    choices = {r["sheet_row"]: _reviewer_choice(r) for r in rows}
    filled = _fill(workbook, tmp_path / "filled.xlsx", choices)

    report = import_review(filled, "王芳", catalog_copy, out)
    assert report.pending == 0 and report.accepted == len({parse_key(r["key"])[1:] for r in rows})
    decisions = (catalog_copy / "decisions.tsv").read_bytes()
    assert decisions.splitlines()[0].decode().split("\t")[:3] == ["text_key", "context", "decision_id"]

    _run(out, catalog_copy)
    items = load(out)["items"].set_index("mention_id")
    decided = items.loc[[parse_key(r["key"])[0] for r in rows]]
    assert not decided["needs_review"].any()
    assert set(decided["method"]) == {"review"}
    for r in rows:
        got = decided.loc[parse_key(r["key"])[0]]
        wanted = choices[r["sheet_row"]]
        if wanted.startswith("X-"):
            assert (got["canonical_id"], got["codes"]) == (wanted, "")
        else:
            assert got["codes"] == ("" if wanted == "none" else wanted.replace("+", ";"))
    assert review_status(out, catalog_copy).pending == 0

    again = import_review(filled, "王芳", catalog_copy, out)
    assert again.accepted == 0 and again.already == report.accepted
    assert (catalog_copy / "decisions.tsv").read_bytes() == decisions


def test_new_item_joins_the_catalog_and_the_run_maps_to_it(exported, catalog_copy, tmp_path):
    out, workbook = exported
    row = _sheet_rows(workbook)[0]
    filled = _fill(workbook, tmp_path / "new.xlsx", {row["sheet_row"]: "new:青年人才安家费申领"})
    assert import_review(filled, "李雷", catalog_copy, out).new_items == 1
    assert "青年人才安家费申领\tnamed in review of" in (catalog_copy / "local_items.tsv").read_text(encoding="utf-8")
    rerun = tmp_path / "rerun"
    _run(rerun, catalog_copy)
    got = load(rerun)["items"].set_index("mention_id").loc[parse_key(row["key"])[0]]
    assert (got["canonical_name"], got["method"], got["codes"]) == ("青年人才安家费申领", "review", "")


def test_accepted_national_code_becomes_an_alias_for_other_bundles(exported, catalog_copy, tmp_path):
    out, workbook = exported
    row = next(r for r in _sheet_rows(workbook) if r["suggested"] and "+" not in r["suggested"]
               and r["reason"] != "别名匹配")   # the reason as the sheet shows it (Chinese by default)
    filled = _fill(workbook, tmp_path / "alias.xlsx", {row["sheet_row"]: row["suggested"]})
    import_review(filled, "李雷", catalog_copy, out)
    assert f"{row['item_text']}\t{row['suggested']}\treview by 李雷\n" in (catalog_copy / "aliases.tsv").read_text(
        encoding="utf-8")
    elsewhere = Mention(Provenance("other.txt"), "bundle", 1, row["item_text"], row["item_text"],
                        bundle_name="一个从未见过的主题")
    before, after = (match(elsewhere, load_catalog(c).index) for c in (CATALOG, catalog_copy))
    assert before.method != "alias"
    assert (after.method, after.codes) == ("alias", (row["suggested"],))


def test_replace_records_a_changed_decision_and_keeps_the_old_line(exported, catalog_copy, tmp_path):
    out, workbook = exported
    row = _sheet_rows(workbook)[0]
    import_review(_fill(workbook, tmp_path / "a.xlsx", {row["sheet_row"]: "none"}), "王芳", catalog_copy, out)
    second = _fill(workbook, tmp_path / "b.xlsx", {row["sheet_row"]: "1.1.5"})
    import_review(second, "李雷", catalog_copy, out, replace=True)
    lines = (catalog_copy / "decisions.tsv").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[2] for line in lines[1:]] == ["none", "1.1.5"]
    assert lines[-1].endswith("\tnone")                    # replaces
    rerun = tmp_path / "rerun"
    _run(rerun, catalog_copy)
    assert load(rerun)["items"].set_index("mention_id").loc[parse_key(row["key"])[0], "codes"] == "1.1.5"


def test_deleting_a_row_whose_text_and_bundle_another_row_shares_is_fine(exported, catalog_copy, tmp_path):
    out, workbook = exported
    rows = _sheet_rows(workbook)
    first, twin = next((a, b) for a in rows for b in rows
                       if a["sheet_row"] < b["sheet_row"] and parse_key(a["key"])[1:] == parse_key(b["key"])[1:])
    filled = _fill(workbook, tmp_path / "twin.xlsx", {first["sheet_row"]: "none"}, delete=(twin["sheet_row"],))
    assert import_review(filled, "王芳", catalog_copy, out).accepted == 1


def test_status_counts_decided_pending_and_conflicting(exported, catalog_copy, tmp_path, capsys):
    out, workbook = exported
    rows = _sheet_rows(workbook)
    flagged = len(rows)
    key = parse_key(rows[0]["key"])[1:]
    same_key = sum(parse_key(r["key"])[1:] == key for r in rows)
    assert main(["review", "status", "--from", str(out), "--catalog", str(catalog_copy)]) == 0
    assert capsys.readouterr().out.strip() == f"{flagged} 处事项待复核：已决定 0 处，待决定 {flagged} 处，冲突 0 处"
    with (catalog_copy / "decisions.tsv").open("w", encoding="utf-8") as fh:   # two branches merged by hand
        fh.write("text_key\tcontext\tdecision_id\n" + f"{key[0]}\t{key[1]}\tnone\n" + f"{key[0]}\t{key[1]}\t1.1.5\n")
    assert main(["review", "status", "--from", str(out), "--catalog", str(catalog_copy)]) == 1
    assert capsys.readouterr().out.strip() == (f"{flagged} 处事项待复核：已决定 0 处，"
                                               f"待决定 {flagged - same_key} 处，冲突 {same_key} 处")


@pytest.mark.parametrize("cell, decided", [
    ("1.3.5 社会保险费欠费补缴申报", ("1.3.5", "")),      # picked from the drop-down list: code and name
    ("1.3.5", ("1.3.5", "")),
    ("none 不在目录中", ("none", "")),
    ("none not in the catalog", ("none", "")),
    ("new:青年人才 安家费申领", ("new", "青年人才安家费申领")),   # not cut at the space (repaired as usual)
], ids=["code and name", "bare code", "none in Chinese", "none in English", "new name with a space"])
def test_a_decision_is_read_as_the_drop_down_list_writes_it(cell, decided):
    from pipeline.review.import_workbook import parse_decision
    items = load_catalog(CATALOG).index.items
    got = parse_decision(cell, items)
    assert (got[0] if decided[0] != "new" else "new", got[1]) == decided
