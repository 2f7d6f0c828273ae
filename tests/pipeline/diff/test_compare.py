"""Issue 4 on the real seeds: every city's list diffed against its provincial list."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from normalizers.repair_text import name_key
from pipeline.cli import main
from pipeline.diff.write import diff_pair, write_all_diffs
from pipeline.evaluate.gold_diff import agreement, finding_key, gold_frames
from tests.conftest import CATALOG, RAW

QINGDAO, BAIYIN, SHANDONG, ZIBO = ("000_7dd4aa0705870e63.txt", "001_d4e3f231794595e4.txt",
                                   "002_82660bfd3293e404.txt", "003_c341546b877d9344.txt")


@pytest.fixture(scope="module")
def seed_diffs(seed_run, catalog):
    """write_all_diffs on the seed run's dataset: (warnings, diffs folder, frames)."""
    _, frames, out = seed_run
    warnings = write_all_diffs(out, frames, catalog)
    return warnings, out / "diffs", frames


def _index(seed_diffs) -> pd.DataFrame:
    return pd.read_csv(seed_diffs[1] / "index.csv", encoding="utf-8-sig", dtype=str).fillna("").set_index("local_source")


def _json(seed_diffs, stem: str) -> dict:
    return json.loads((seed_diffs[1] / f"{stem}.json").read_text(encoding="utf-8"))


def test_index_is_utf8_with_bom(seed_diffs):
    assert (seed_diffs[1] / "index.csv").read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("source, stem", [(QINGDAO, "青岛市"), (ZIBO, "淄博市")], ids=["qingdao", "zibo"])
def test_cities_are_diffed_against_shandong_automatically(seed_diffs, source, stem):
    row = _index(seed_diffs).loc[source]
    assert row["baseline_source"] == SHANDONG
    assert row["files"] == f"{stem}.json;{stem}.md;{stem}.xlsx"
    data = _json(seed_diffs, stem)
    assert data["baseline"]["source"] == SHANDONG and data["baseline"]["level"] == "province"
    assert data["total"] == len(data["findings"]) == int(row["findings"]) > 0
    for suffix in (".json", ".md", ".xlsx"):
        assert (seed_diffs[1] / f"{stem}{suffix}").stat().st_size > 0


def test_provincial_list_and_catalog_are_not_compared(seed_diffs):
    assert set(_index(seed_diffs).index) == {QINGDAO, BAIYIN, ZIBO}


def test_baiyin_report_says_there_is_no_provincial_list(seed_diffs):
    warnings, folder, _ = seed_diffs
    data = _json(seed_diffs, "白银市白银区")
    assert data["baseline"] is None and data["findings"] == []
    assert "no provincial list of 甘肃省 among the inputs" in data["baseline_how"]
    assert "输入中没有甘肃省的省级清单" in (folder / "白银市白银区.md").read_text(encoding="utf-8")   # Chinese by default
    assert _index(seed_diffs).loc[BAIYIN, "baseline_source"] == ""
    assert any(w.startswith(BAIYIN) and "甘肃省" in w for w in warnings)


def _rows_by_source(frames) -> dict[tuple, str]:
    """(source, page, table, row, cell, line) -> printed text, over items, bundles and scenarios."""
    out = {}
    for table, text in (("items", "raw_text"), ("bundles", "bundle_name"), ("scenarios", "scenario_name")):
        frame = frames[table].fillna(0)
        for _, r in frame.iterrows():
            key = (r["source"],) + tuple(int(r.get(c, 0) or 0) for c in ("page", "table", "row", "cell", "line"))
            out.setdefault(key, set()).add(str(r[text]))
    return out


@pytest.mark.parametrize("stem", ["青岛市", "淄博市"])
def test_every_finding_traces_to_rows_of_both_inputs(seed_diffs, stem):
    rows = _rows_by_source(seed_diffs[2])
    data = _json(seed_diffs, stem)
    local, base = data["local"]["source"], data["baseline"]["source"]
    for f in data["findings"]:
        for side, source in (("local", local), ("baseline", base), ("local_context", local),
                             ("baseline_context", base)):
            for s in f[side]:
                assert s["source"] == source, f
                key = (s["source"], s["page"], s["table"], s["row"], s["cell"], s["line"])
                assert s["text"] in rows.get(key, set()), (side, f)
        kind = f["unsure_of"] or f["kind"]
        if kind in ("missing", "role_changed"):
            assert f["baseline"], f
        if kind in ("added", "role_changed"):
            assert f["local"], f
        if f["section"] in ("scenario", "item"):      # both sides are placed, even an absent row
            assert (f["local"] or f["local_context"]) and (f["baseline"] or f["baseline_context"]), f


@pytest.mark.parametrize("local", [QINGDAO, ZIBO, BAIYIN], ids=["qingdao", "zibo", "baiyin on demand"])
def test_no_finding_is_caused_by_a_renaming(seed_run, catalog, local):
    """Items printed differently on the two sides but with the same canonical unit give no finding."""
    _, frames, _ = seed_run
    diff, _ = diff_pair(frames, local, frames, SHANDONG, catalog)
    items = frames["items"].fillna("")
    renamed = set()
    for f_scope in {(a["bundle"], a["local"], a["baseline"]) for a in diff.aligned if a["level"] == "scenario"}:
        bundle, lscen, bscen = f_scope
        pick = lambda src, label, blabel: items[(items["source"] == src) & (items["list_kind"] == "bundle")
                                               & (items["bundle_no"] == blabel.split(" ")[0])
                                               & ((items["scenario_code"] == label.split(" ")[0])
                                                  if not label.startswith("(") else True)]
        lb = next(a["local"] for a in diff.aligned if a["level"] == "bundle" and a["bundle"] == bundle)
        bb = next(a["baseline"] for a in diff.aligned if a["level"] == "bundle" and a["bundle"] == bundle)
        lrows, brows = pick(local, lscen, lb), pick(SHANDONG, bscen, bb)
        ltext = {u: name_key(t) for cid, t in zip(lrows["canonical_id"], lrows["item_text"]) for u in cid.split("+")}
        btext = {u: name_key(t) for cid, t in zip(brows["canonical_id"], brows["item_text"]) for u in cid.split("+")}
        renamed |= {(bundle, lscen, u) for u in set(ltext) & set(btext) if ltext[u] != btext[u]}
    reported = {(f.bundle, f.local_scenario, f.item_id) for f in diff.findings
                if f.section == "item" and (f.unsure_of or f.kind) in ("missing", "added")}
    assert renamed, "the seeds hold renamed items; finding none means the check is broken"
    assert not renamed & reported


@pytest.fixture(scope="module")
def gold_shandong(golds):
    return gold_frames(golds[SHANDONG.replace(".txt", ".json")])


@pytest.mark.parametrize("local, sure_floor", [(QINGDAO, 25), (ZIBO, 20), (BAIYIN, 45)],
                         ids=["qingdao", "zibo", "baiyin on demand"])
def test_pipeline_diff_agrees_with_the_gold_diff(seed_run, catalog, golds, gold_shandong, local, sure_floor):
    _, frames, _ = seed_run
    ours, _ = diff_pair(frames, local, frames, SHANDONG, catalog)
    theirs, _ = diff_pair(gold_frames(golds[local.replace(".txt", ".json")]), local, gold_shandong, SHANDONG, catalog)
    agree = agreement(ours, theirs)
    assert agree.pipeline_only == () and agree.gold_only == (), agree.as_dict()
    assert len(agree.agreed) >= sure_floor, agree.as_dict()
    # what is set apart is unsure because of a flag: the pipeline's needs_review or gold's "ambiguous"
    unsure = {finding_key(f) for d in (ours, theirs) for f in d.findings if f.kind == "unsure"}
    assert set(agree.set_apart_unsure) == unsure
    if local == BAIYIN:
        speed = agreement(ours, theirs, ("speedup",))
        assert speed.pipeline_only == () and speed.gold_only == () and len(speed.agreed) >= 5, speed.as_dict()


def test_unsure_findings_involve_a_flagged_mention(seed_run, catalog):
    _, frames, _ = seed_run
    diff, _ = diff_pair(frames, QINGDAO, frames, SHANDONG, catalog)
    items = frames["items"].fillna(0)
    flagged = {(r["source"], int(r["table"]), int(r["row"]), int(r["cell"]), int(r["line"]), r["raw_text"])
               for _, r in items[items["needs_review"]].iterrows()}
    flagged_texts = {(r["source"], r["item_text"]) for _, r in items[items["needs_review"]].iterrows()}
    unsure = [f for f in diff.findings if f.kind == "unsure"]
    assert unsure
    for f in unsure:
        assert f.unsure_of in ("missing", "added", "role_changed")
        sides = {(s.source, s.table, s.row, s.cell, s.line, s.text) for s in f.local + f.baseline}
        if sides & flagged:
            continue
        # otherwise a flagged mention on the other side lists this item among its candidates
        m = re.search(r"the flagged (local|baseline) mention '(.+?)' may be it", f.detail)
        assert m, f
        assert ((QINGDAO if m.group(1) == "local" else SHANDONG), m.group(2)) in flagged_texts, f
    assert not any(f.kind != "unsure" and "unsure" in f.detail for f in diff.findings)


def test_renamed_bundles_align_on_their_national_bundle(seed_run, catalog):
    _, frames, _ = seed_run
    diff, warnings = diff_pair(frames, QINGDAO, frames, SHANDONG, catalog)
    pairs = {(a["local"], a["baseline"]) for a in diff.aligned if a["level"] == "bundle"}
    assert ("1 企业招用员工", "1 企业招聘用工") in pairs
    assert ("5 事业单位工作人员管理", "5 事业单位工作人员管理“一件事”") in pairs
    assert ("4 高校毕业生就业", "4 高校毕业生求职") in pairs
    assert ("10 社会保障卡服务", "10 社会保障卡服务") in pairs
    assert not [f for f in diff.findings if f.section == "bundle"]


def test_zibo_prose_bundle_matches_and_local_bundle_is_added(seed_run, catalog):
    _, frames, _ = seed_run
    diff, _ = diff_pair(frames, ZIBO, frames, SHANDONG, catalog)
    bundles = {(f.kind, f.bundle) for f in diff.findings if f.section == "bundle"}
    assert ("added", "L2") in bundles                  # 灵活就业: no national bundle, nothing similar
    assert ("missing", "N1") not in bundles            # 单位就业（员工录用） is 企业招用员工
    assert sum(1 for k, _ in bundles if k == "missing") == 9


def test_cli_diff_compares_baiyin_with_shandong_on_demand(seed_run, capsys):
    _, _, out = seed_run
    code = main(["diff", BAIYIN, SHANDONG, "--out", str(out), "--catalog", str(CATALOG), "--root", str(RAW)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    data = json.loads((out / "diffs" / "白银市白银区__vs__山东省.json").read_text(encoding="utf-8"))
    assert data["baseline"]["source"] == SHANDONG and data["baseline_how"] == "given on the command line"
    speed = {(f["item_id"], f["kind"]) for f in data["findings"] if f["section"] == "speedup"}
    assert ("2.4.1", "no_promise") in speed            # 失业登记: 未提速 locally, 3个工作日 in Shandong
    assert ("1.7.5", "added") in speed                 # 劳动能力鉴定 is only in Baiyin's speed-up list
    assert f"{len(data['findings'])} 条差异" in printed


def test_cli_diff_reads_input_files_when_given_paths(tmp_path, capsys):
    code = main(["diff", str(RAW / BAIYIN), str(RAW / SHANDONG), "--out", str(tmp_path), "--catalog", str(CATALOG)])
    assert code == 0, capsys.readouterr()
    assert (tmp_path / "diffs" / "白银市白银区__vs__山东省.xlsx").exists()
    assert not (tmp_path / "documents.parquet").exists()     # read afresh in a scratch folder


def test_cli_diff_unknown_document_names_it_and_what_to_do(seed_run, capsys):
    _, _, out = seed_run
    code = main(["diff", "nowhere.txt", SHANDONG, "--out", str(out), "--catalog", str(CATALOG), "--root", str(RAW)])
    err = capsys.readouterr().err
    assert code == 2
    assert "[E400] LOCAL“nowhere.txt”既不是数据集中的来源" in err
    assert "或先运行 `python -m pipeline run`" in err
