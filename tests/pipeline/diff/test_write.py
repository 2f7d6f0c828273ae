"""The diff files: schema, workbook, determinism, safe names, baseline choice, small cases."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import openpyxl
import pandas as pd
import pytest

from pipeline.diff.align import national_bundle_keys
from pipeline.diff.baseline import resolve_baseline, safe_stem
from pipeline.diff.compare import diff_lists
from pipeline.diff.findings import Finding, document_frames
from pipeline.core.i18n import Translator
from pipeline.diff.render import FILLS, WORDS
from pipeline.diff.write import item_names, write_all_diffs
from tests.conftest import REPO

SCHEMA = REPO / "docs" / "diff_schema.json"


@pytest.fixture(scope="module")
def diffs(seed_run, catalog, tmp_path_factory) -> Path:
    _, frames, _ = seed_run
    out = tmp_path_factory.mktemp("diffs_out")
    write_all_diffs(out, frames, catalog)
    return out / "diffs"


@pytest.mark.parametrize("stem", ["青岛市", "淄博市", "白银市白银区"])
def test_json_validates_against_its_schema(diffs, stem):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads((diffs / f"{stem}.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_schema_rejects_an_unknown_kind(diffs):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    data = json.loads((diffs / "青岛市.json").read_text(encoding="utf-8"))
    data["findings"][0]["kind"] = "renamed"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_schema_names_every_field_of_a_finding():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    fields = {f.name for f in dataclasses.fields(Finding)} | {"id"}
    assert set(schema["$defs"]["finding"]["required"]) == fields == set(schema["$defs"]["finding"]["properties"])


def test_workbook_opens_with_summary_first_then_one_sheet_per_bundle(diffs):
    wb = openpyxl.load_workbook(diffs / "青岛市.xlsx")     # written in Chinese, the default
    assert wb.sheetnames[0] == "汇总"
    data = json.loads((diffs / "青岛市.json").read_text(encoding="utf-8"))
    bundles = {f["bundle"] for f in data["findings"] if f["bundle"]}
    assert len(wb.sheetnames) == 1 + len(bundles)
    summary = {r[0].value: r[1].value for r in wb["汇总"].iter_rows(max_row=8)}
    assert summary["基准"] == "002_82660bfd3293e404.txt" and summary["差异"] == len(data["findings"])
    kind_of = {Translator("zh").t(WORDS[k]): k for k in FILLS}
    rows = 0
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        header = [c.value for c in ws[1]]
        assert header[:2] == ["部分", "类型"] and ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:N{ws.max_row}" and ws.column_dimensions["L"].width == 60
        for row in ws.iter_rows(min_row=2):
            kind = kind_of[row[header.index("类型")].value]
            assert row[0].fill.fgColor.rgb[-6:] == FILLS[kind]
            rows += 1
    assert rows == len(data["findings"])


def test_workbook_in_english_on_request(seed_run, catalog, tmp_path):
    _, frames, _ = seed_run
    write_all_diffs(tmp_path, frames, catalog, tr=Translator("en"))
    wb = openpyxl.load_workbook(tmp_path / "diffs" / "青岛市.xlsx")
    assert wb.sheetnames[0] == "summary" and [c.value for c in wb[wb.sheetnames[1]][1]][:3] == [
        "section", "kind", "unsure of"]


def test_colours_distinguish_the_four_kinds():
    assert len({FILLS[k] for k in ("missing", "added", "role_changed", "unsure")}) == 4


def test_two_writes_give_identical_bytes(seed_run, catalog, tmp_path):
    _, frames, _ = seed_run
    for name in ("a", "b"):
        write_all_diffs(tmp_path / name, frames, catalog)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) == 10
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


@pytest.mark.parametrize("name, stem", [
    ("青岛市", "青岛市"), ("../x", "x"), ("a/b", "a_b"), ("..", "unnamed"), ("", "unnamed"),
    ("/etc/passwd", "etc_passwd"), ("a\\b:c", "a_b_c"), ("index", "index_"),
], ids=["chinese kept", "parent escape", "slash", "dots only", "empty", "absolute", "backslash and colon",
        "index.csv not shadowed"])
def test_region_names_become_safe_file_names(name, stem):
    assert safe_stem(name) == stem


def test_same_region_twice_gets_two_names():
    assert safe_stem("青岛市", {"青岛市"}) == "青岛市_2"


def _docs(*rows) -> pd.DataFrame:
    cols = ["source", "title", "region", "province", "level", "list_kinds", "status"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols)


DOCS = _docs(("city.txt", "", "青岛市", "山东省", "city", "bundle", "ok"),
             ("prov.txt", "省", "山东省", "山东省", "province", "bundle;speedup", "ok"),
             ("other.txt", "", "甘肃省", "甘肃省", "province", "bundle", "ok"),
             ("hot.txt", "", "山东省", "山东省", "province", "hotlist", "ok"),
             ("bad.txt", "", "山东省", "山东省", "province", "bundle", "refused"))


def test_baseline_is_the_province_with_a_list_of_the_same_kind():
    b = resolve_baseline(DOCS.iloc[0].to_dict(), DOCS)
    assert b.source == "prov.txt" and not b.warning


def test_manifest_baseline_wins():
    b = resolve_baseline(DOCS.iloc[0].to_dict(), DOCS, {"city.txt": {"baseline": "other.txt"}})
    assert b.source == "other.txt" and "manifest" in b.how


def test_manifest_baseline_not_among_inputs_is_reported_not_invented():
    b = resolve_baseline(DOCS.iloc[0].to_dict(), DOCS, {"city.txt": {"baseline": "gone.txt"}})
    assert b.source is None
    assert "manifest.tsv: baseline 'gone.txt' of 'city.txt' is not among the readable inputs" in b.warning


def test_no_province_list_says_so():
    docs = _docs(("town.txt", "", "白银市白银区", "甘肃省", "district", "speedup", "ok"),
                 ("other.txt", "", "甘肃省", "甘肃省", "province", "bundle", "ok"))
    b = resolve_baseline(docs.iloc[0].to_dict(), docs)
    assert b.source is None and b.how.startswith("no provincial list of 甘肃省 among the inputs")


def _frames(source: str, bundle_name: str, items: list[tuple[str, str, str, str, bool]]) -> dict:
    """A one-bundle, one-scenario document: items are (role, text, canonical_id, candidates, needs_review)."""
    where = dict(page=0, table=1, cell=2, line=0)
    rows = [dict(source=source, list_kind="bundle", bundle_no="7", bundle_name=bundle_name, scenario_code="7-1",
                 scenario_name="正常退休", role=role, raw_text=text, item_text=text, canonical_id=cid,
                 candidates=cand, needs_review=flag, target_limit="", row=n, **where)
            for n, (role, text, cid, cand, flag) in enumerate(items, start=1)]
    return {"documents": pd.DataFrame([dict(source=source, region=source, list_kinds="bundle", status="ok")]),
            "bundles": pd.DataFrame([dict(source=source, bundle_no="7", bundle_name=bundle_name, row=1, **where)]),
            "scenarios": pd.DataFrame([dict(source=source, bundle_no="7", scenario_code="7-1", scenario_name="正常退休",
                                            row=1, **where)]),
            "items": pd.DataFrame(rows)}


def _diff(catalog, local_items, base_items):
    local, base = _frames("l.txt", "企业职工退休", local_items), _frames("b.txt", "职工退休", base_items)
    return diff_lists(document_frames(local, "l.txt"), document_frames(base, "b.txt"),
                      national_bundle_keys(catalog.bundles), item_names(catalog))


def test_compound_is_compared_code_by_code(catalog):
    diff = _diff(catalog, [("situational", "养老保险关系转移接续（含A）", "1.6.10", "", False)],
                 [("situational", "养老保险关系转移接续（含A；B）", "1.6.10+1.6.13", "", False)])
    assert [(f.kind, f.item_id) for f in diff.findings] == [("missing", "1.6.13")]


def test_renamed_item_is_no_finding(catalog):
    diff = _diff(catalog, [("required", "社保减员", "1.3.1", "", False)],
                 [("required", "缴费人员增减申报", "1.3.1", "", False)])
    assert diff.findings == ()


def test_role_change_is_reported(catalog):
    diff = _diff(catalog, [("situational", "社保减员", "1.3.1", "", False)],
                 [("required", "缴费人员增减申报", "1.3.1", "", False)])
    [f] = diff.findings
    assert (f.kind, f.local_role, f.baseline_role) == ("role_changed", "situational", "required")


@pytest.mark.parametrize("local_items, base_items, unsure_of", [
    ([("required", "退休申请", "X-2f31e910", "1.6.1=60.0", True)], [("required", "职工正常退休（职）申请", "1.6.1", "", False)],
     {"missing", "added"}),
    ([("situational", "社保减员", "1.3.1", "", True)], [("required", "缴费人员增减申报", "1.3.1", "", False)],
     {"role_changed"}),
], ids=["flagged local mention may be the missing item", "flagged role change"])
def test_flagged_mentions_make_findings_unsure(catalog, local_items, base_items, unsure_of):
    diff = _diff(catalog, local_items, base_items)
    assert {f.kind for f in diff.findings} == {"unsure"}
    assert {f.unsure_of for f in diff.findings} == unsure_of


def _list_frames(source: str, kind: str, rows: list[tuple[str, str, str, bool]]) -> dict:
    """A speed-up or hot list: rows are (text, canonical_id, target_limit, needs_review)."""
    items = [dict(source=source, list_kind=kind, bundle_no=str(n), bundle_name="", scenario_code="", scenario_name="",
                  role="item", raw_text=t, item_text=t, canonical_id=cid, candidates="", needs_review=flag,
                  target_limit=limit, page=0, table=2, row=n, cell=2, line=0)
             for n, (t, cid, limit, flag) in enumerate(rows, start=1)]
    return {"documents": pd.DataFrame([dict(source=source, region=source, list_kinds=kind, status="ok")]),
            "items": pd.DataFrame(items)}


def test_speedup_and_hot_lists_are_compared_when_both_sides_have_one(catalog):
    keys, names = national_bundle_keys(catalog.bundles), item_names(catalog)
    local = _list_frames("l.txt", "speedup", [("就业登记", "2.4.2", "10个工作日", False),
                                              ("失业登记", "2.4.1", "未提速", False),
                                              ("工伤认定申请", "1.7.4", "60日", True)])
    base = _list_frames("b.txt", "speedup", [("就业登记", "2.4.2", "5个工作日", False),
                                             ("失业登记", "2.4.1", "3个工作日", False),
                                             ("工伤认定", "1.7.4", "30日", False),
                                             ("职工正常退休（职）", "1.6.1", "各地结合实际制定提速目标", False)])
    diff = diff_lists(document_frames(local, "l.txt"), document_frames(base, "b.txt"), keys, names)
    # 1.6.1: the baseline sets no number; 1.7.4 is slower but its local mention is flagged
    assert [(f.section, f.item_id, f.kind, f.unsure_of) for f in diff.findings] == [
        ("speedup", "1.6.1", "missing", ""), ("speedup", "1.7.4", "unsure", "slower"),
        ("speedup", "2.4.1", "no_promise", ""), ("speedup", "2.4.2", "slower", "")]
    slower = diff.findings[-1]
    assert (slower.local_reading, slower.baseline_reading) == ("10 workday", "5 workday")
    hot_l = _list_frames("l.txt", "hotlist", [("社保查询", "X-6473b2f3", "", False)])
    hot_b = _list_frames("b.txt", "hotlist", [("职业年金查询", "X-2326d4e9", "", False),
                                              ("社保查询", "X-6473b2f3", "", False)])
    diff = diff_lists(document_frames(hot_l, "l.txt"), document_frames(hot_b, "b.txt"), keys, names)
    assert [(f.section, f.kind, f.item_id) for f in diff.findings] == [("hotlist", "missing", "X-2326d4e9")]


def test_a_list_without_a_region_gets_an_index_row_saying_why_it_has_no_baseline(seed_run, catalog, tmp_path):
    _, frames, _ = seed_run
    docs = frames["documents"].copy()
    unplaced = docs["source"].str.startswith("003")
    for column in ("region", "region_code", "province", "level"):
        docs.loc[unplaced, column] = ""
    warnings = write_all_diffs(tmp_path, {**frames, "documents": docs}, catalog)
    index = pd.read_csv(tmp_path / "diffs" / "index.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = index[index["local_source"].str.startswith("003")].iloc[0]
    assert row["baseline_source"] == "" and row["baseline_how"].startswith("no baseline: no region was found")
    assert any("no region was found" in w for w in warnings)
