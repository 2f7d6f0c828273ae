"""Bad review workbooks are refused with the row and what to do, and nothing is written."""
from __future__ import annotations

import shutil

import pytest

from pipeline.catalog.reference import load_catalog
from pipeline.cli import main
from pipeline.review.export import column_ids, export_review, parse_key, sheet_named
from pipeline.review.import_workbook import WorkbookRejected, import_review
from tests.conftest import CATALOG, RAW
from tests.pipeline.review.test_review import (  # noqa: F401
    _fill,
    _folder_bytes,
    _run,
    _sheet_rows,
    catalog_copy,
    exported,
)


def _national():
    items = load_catalog(CATALOG).items
    return [i for i in items if i.code]


def _twins(rows):
    return next((a, b) for a in rows for b in rows
                if a["sheet_row"] < b["sheet_row"] and parse_key(a["key"])[1:] == parse_key(b["key"])[1:])


def _rename_decision_header(wb):
    ws = sheet_named(wb, "review")
    header = column_ids([c.value for c in ws[1]])
    ws.cell(1, header.index("decision") + 1).value = "decision (code)"


def _add_row_by_hand(wb):
    ws = sheet_named(wb, "review")
    column = column_ids([c.value for c in ws[1]]).index("decision") + 1
    ws.cell(ws.max_row + 1, column).value = "none"


def renamed_header(src, dst, rows):
    return _fill(src, dst, {2: "none"}, edit=_rename_decision_header), ["no column headed 'decision'",
                                                                         "restore the header as exported"]


def deleted_key_column(src, dst, rows):
    return _fill(src, dst, {2: "none"}, edit=lambda wb: sheet_named(wb, "review").delete_cols(1)), [
        "no column headed 'key'", "the 'key' column is hidden"]


def unknown_code(src, dst, rows):
    return _fill(src, dst, {3: "9.9.9"}), ["sheet 'review', row 3: '9.9.9' is not a national code of the catalog",
                                           "'none' if the item is not in the catalog"]


def typo_in_code(src, dst, rows):
    code = next(i.code for i in _national() if "0" in i.code)
    return _fill(src, dst, {2: code.replace("0", "O")}), [f"sheet 'review', row 2: '{code.replace('0', 'O')}' is not "
                                                          f"a national code of the catalog (did you mean {code}?)"]


def unknown_local_id(src, dst, rows):
    return _fill(src, dst, {2: "X-00000000"}), ["row 2: 'X-00000000' is not a local item of the catalog"]


def codes_joined_by_comma(src, dst, rows):
    a, b = (i.code for i in _national()[:2])
    return _fill(src, dst, {2: f"{a},{b}"}), [f"row 2: '{a},{b}': join several codes with '+'"]


def national_name_as_new_item(src, dst, rows):
    item = _national()[0]
    return _fill(src, dst, {2: f"new:{item.name}"}), [f"row 2: '{item.name}' is the name of national item "
                                                      f"{item.code}; write {item.code} instead"]


def conflicting_twins(src, dst, rows):
    a, b = _twins(rows)
    code = _national()[0].code
    return _fill(src, dst, {a["sheet_row"]: "none", b["sheet_row"]: code}), [
        f"row {b['sheet_row']}: decides '{b['item_text']}' as {code}, but row {a['sheet_row']} decides the same "
        "text in the same bundle as none — make the two agree, or clear one"]


def deleted_lone_row(src, dst, rows):
    keys = [parse_key(r["key"])[1:] for r in rows]
    lone = next(r for r, k in zip(rows, keys) if keys.count(k) == 1)
    return _fill(src, dst, {2: "none"}, delete=(lone["sheet_row"],)), [
        f"sheet 'review', row {lone['sheet_row']}: was deleted (mention {parse_key(lone['key'])[0]}",
        "restore it (leave 'decision' empty to skip it) or export a new workbook"]


def row_added_by_hand(src, dst, rows):
    return _fill(src, dst, {}, edit=_add_row_by_hand), [f"row {len(rows) + 2}: the hidden 'key' cell is empty"]


def export_sheet_removed(src, dst, rows):
    return _fill(src, dst, {2: "none"}, edit=lambda wb: wb.remove(sheet_named(wb, "export"))), [
        "the hidden sheet 'export' (the rows as exported) is missing"]


def not_a_workbook(src, dst, rows):
    dst.write_text("key\tdecision\n", encoding="utf-8")
    return dst, ["the file is not an XLSX workbook", "save it as 'Excel Workbook (.xlsx)'"]


CASES = {
    "the decision header was renamed": renamed_header,
    "the hidden key column was deleted": deleted_key_column,
    "a code is not in the catalog": unknown_code,
    "a code has a letter O for a zero": typo_in_code,
    "an X- id is not a local item": unknown_local_id,
    "two codes are joined by a comma": codes_joined_by_comma,
    "a national item's name is given as a new item": national_name_as_new_item,
    "two rows decide the same text in the same bundle differently": conflicting_twins,
    "a row whose text is in no other row was deleted": deleted_lone_row,
    "a row was added by hand": row_added_by_hand,
    "the hidden export sheet was removed": export_sheet_removed,
    "the file is not a workbook": not_a_workbook,
}


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_bad_workbook_is_refused_and_nothing_is_written(make, exported, catalog_copy, tmp_path):
    out, workbook = exported
    path, expected = make(workbook, tmp_path / "bad.xlsx", _sheet_rows(workbook))
    before = _folder_bytes(catalog_copy)
    with pytest.raises(WorkbookRejected) as caught:
        import_review(path, "王芳", catalog_copy, out)
    message = str(caught.value)
    assert message.startswith("[E410] ") and str(path) in message
    for fragment in expected:
        assert fragment in message
    assert _folder_bytes(catalog_copy) == before


def test_good_rows_are_not_written_when_another_row_is_bad(exported, catalog_copy, tmp_path):
    out, workbook = exported
    before = _folder_bytes(catalog_copy)
    with pytest.raises(WorkbookRejected, match="row 3: '9.9.9'"):
        import_review(_fill(workbook, tmp_path / "mixed.xlsx", {2: "none", 3: "9.9.9"}), "王芳", catalog_copy, out)
    assert _folder_bytes(catalog_copy) == before and "decisions.tsv" not in before


def test_decision_differing_from_an_earlier_one_needs_replace(exported, catalog_copy, tmp_path):
    out, workbook = exported
    import_review(_fill(workbook, tmp_path / "first.xlsx", {2: "none"}), "王芳", catalog_copy, out)
    before = _folder_bytes(catalog_copy)
    code = _national()[0].code
    with pytest.raises(WorkbookRejected) as caught:
        import_review(_fill(workbook, tmp_path / "second.xlsx", {2: code}), "李雷", catalog_copy, out)
    assert "row 2:" in str(caught.value) and "was decided as none by 王芳" in str(caught.value)
    assert f"this row says {code} — clear the cell to keep the earlier decision, or import with --replace" in str(
        caught.value)
    assert _folder_bytes(catalog_copy) == before


def test_workbook_from_an_older_run_is_refused(catalog_copy, tmp_path, capsys):
    root = tmp_path / "raw"
    root.mkdir()
    for seed in sorted(RAW.glob("*.txt")):
        shutil.copy(seed, root / seed.name)
    out = tmp_path / "out"
    _run(out, CATALOG, root)
    export_review(out, CATALOG, out / "review.xlsx")
    rows = _sheet_rows(out / "review.xlsx")
    gone = rows[0]["source"]                     # the list this row came from is withdrawn
    (root / gone).unlink()
    _run(out, CATALOG, root)
    filled = _fill(out / "review.xlsx", tmp_path / "old.xlsx", {r["sheet_row"]: "none" for r in rows})
    before = _folder_bytes(catalog_copy)
    code = main(["review", "import", str(filled), "--reviewer", "王芳", "--from", str(out),
                 "--catalog", str(catalog_copy)])
    printed = capsys.readouterr().err
    assert code == 2
    mention, text, context = parse_key(rows[0]["key"])
    assert f"工作簿与 {out / 'items'} 不符；未写入任何内容：" in printed           # Chinese by default
    assert (f"  工作表“复核”第 2 行：事项 {mention}（“{text}”，{context}）已不在 {out / 'items'} 中，或其文字或“一件事”"
            "已改变：工作簿来自较早的一次运行 —— 请重新导出工作簿（'python -m pipeline review export'）并把决定复制进去"
            ) in printed
    stale = [r for r in rows if r["source"] == gone]
    assert printed.count("已不在") == min(len(stale), 20)
    assert _folder_bytes(catalog_copy) == before
