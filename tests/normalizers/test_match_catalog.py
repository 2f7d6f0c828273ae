"""normalizers.match_catalog on the seeds' printed items, expected codes from the gold labels.

A mention is built the way the pipeline builds it: ``parse_item`` then ``repair``, with the
bundle and scenario names of the gold. Then the matcher's answer for every mention of a
real run over the seeds is checked against the gold's "never forced" rule.
"""
from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers.match_catalog import OCR_CHECKED_METHODS, OCR_UNSURE, local_id, match
from normalizers.repair_text import name_key, repair
from normalizers.split_mentions import parse_item
from tests.normalizers.conftest import find_gold_item, make_mention, read_seeds

QINGDAO = "000_7dd4aa0705870e63.txt"
BAIYIN = "001_d4e3f231794595e4.txt"
SHANDONG = "002_82660bfd3293e404.txt"
ZIBO = "003_c341546b877d9344.txt"


def _gold_context(gold: dict, kind: str, no: str, scenario_code: str, text: str) -> tuple[dict, str, str]:
    """The gold item and the bundle and scenario names it sits in."""
    item = find_gold_item(gold, no, text, list_kind=kind)
    if kind != "bundle":
        return item, "", ""
    bundle = next(b for b in gold["bundles"] if b["no"] == no)
    scenario = next((s for s in bundle["scenarios"] if s["code"] == scenario_code), {"name": ""})
    return item, bundle["name"], scenario["name"]


def _mention_of(printed: str, seed: str, kind: str, bundle_name: str, scenario_name: str):
    parsed = parse_item(printed)
    return make_mention(printed, repair(parsed.text), file=seed, printed_codes=parsed.codes,
                        bundle_name=bundle_name, scenario_name=scenario_name,
                        role="item" if kind != "bundle" else "required", list_kind=kind)


# (printed as in the seed, seed, list kind, bundle/row no, scenario code, gold item text)
MATCH_CASES = [
    pytest.param("1 1. 1.5职工参保登记（承办：社保中心参保登记股）", BAIYIN, "bundle", "1", "", "职工参保登记",
                 id="fused list number and code read as 1.1.5"),
    pytest.param("⑬ 1.5职工参保登记（承办：社保中心参保登记股）", BAIYIN, "bundle", "4", "", "职工参保登记",
                 id="truncated code 1.5 matched by name to 1.1.5"),
    pytest.param("10 01. 1.5职工参保登记（承办部门：社保中心参保登记股）", BAIYIN, "bundle", "6", "", "职工参保登记",
                 id="zero-padded code 01. 1.5 read as 1.1.5"),
    pytest.param("⑥2. 4. 2就业登记（承办：就业服务中心）", BAIYIN, "bundle", "1", "", "就业登记",
                 id="circled number and spaced code read as 2.4.2"),
    pytest.param("6 ⑥3. 4.7存档人员党员组织关系的接转（承办：人才交流股）", BAIYIN, "bundle", "2", "",
                 "存档人员党员组织关系的接转", id="two markers before 3.4.7"),
    pytest.param("②1. 6. 8遺属待遇申领（养老保险）（承办：区社保中心城乡居民养老保险股、区社保中心基金财务室）", BAIYIN,
                 "bundle", "9", "", "遗属待遇申领（养老保险）", id="OCR 遺属 still matches 1.6.8"),
    pytest.param("⑤1.2.3养老保险待遇发放账户维护中请（承办：区社保中心城乡居民养老保险股、区社保中心基金财务室、"
                 "区社保中心机关事业单位养老保险股）", BAIYIN, "bundle", "9", "", "养老保险待遇发放账户维护申请",
                 id="OCR 维护中请 still matches 1.2.3"),
    pytest.param("8 2. 7.1髙等学校等毕业生接收手续办理（承办：人才交流股）", BAIYIN, "bundle", "4", "",
                 "高等学校等毕业生接收手续办理", id="OCR 髙等学校 still matches 2.7.1"),
    pytest.param("3 养老保险关系转移接续（含1.6. 10城镇职工基本养老保险关系转 移接续申请；1.6. 13机关事业单位基本养老保险"
                 "与城镇企业职工基 本养老保险互转申请；1.6. 15军地养老保险关系转移接续申请）", BAIYIN, "bundle", "1", "",
                 "养老保险关系转移接续（含城镇职工基本养老保险关系转移接续申请；机关事业单位基本养老保险与城镇企业职工基本养老保险"
                 "互转申请；军地养老保险关系转移接续申请）", id="compound with printed codes gives three codes"),
    pytest.param("6 养老保险关系转移接续养老保险关系转移接续（含1. 6. 10城镇职 工基本养老保险关系转移接续申请；1.6. 13机关事业"
                 "单位基本养老 保险与城镇企业职工基本养老保险互转申请；1.6. 15军地养老保险 关系转移接续申请）（承办部门：社保中心"
                 "参保登记股、社保中心机关事业单位养老保险股）", BAIYIN, "bundle", "5", "",
                 "养老保险关系转移接续（含城镇职工基本养老保险关系转移接续申请；机关事业单位基本养老保险与城镇企业职工基本养老保险"
                 "互转申请；军地养老保险关系转移接续申请）", id="duplicated head still one compound of three"),
    pytest.param("1 工伤备案登记（含1. 7. 2用人单位办理工伤登记；1.7. 3变更工伤 登记）（承办：社保股、社保中心工伤失业保险股、"
                 "社保中心参保登记股）", BAIYIN, "bundle", "8", "", "工伤备案登记（含用人单位办理工伤登记；变更工伤登记）",
                 id="compound of two injury registrations"),
    pytest.param("2 ）工伤医疗费用申报（含1.7. 21工伤医疗（康复）费用申报；1.7. 22 住院伙食补助费申领；1.7.13异地工伤就医报告；"
                 "1.7. 23统筹地区 以外交通、食宿费申领）（承办：社保中心工伤失业保险股）", BAIYIN, "bundle", "8", "",
                 "工伤医疗费用申报（含工伤医疗（康复）费用申报；住院伙食补助费申领；异地工伤就医报告；统筹地区以外交通、食宿费申领）",
                 id="compound of four with a stray parenthesis"),
    pytest.param("3 一次性及长期待遇申领（含1.7. 27—次性工亡补助金（含生活困 难，预支50%确认、丧葬补助金申领；1. 7. 28供养亲属"
                 "抚恤金申 领）（承办：社保中心工伤失业保险股）", BAIYIN, "bundle", "8", "",
                 "一次性及长期待遇申领（含一次性工亡补助金（含生活困难，预支50%确认、丧葬补助金申领；供养亲属抚恤金申领）",
                 id="unbalanced compound with —次性 gives two codes"),
    pytest.param("养老保险关系转移接续（含城镇职工基本养老保险关系转移接续；机关事业单位基本养老保险与城镇企业职工基本养老保险"
                 "互转申请；军地养老保险关系转移接续申请）", SHANDONG, "bundle", "1", "1-3",
                 "养老保险关系转移接续（含城镇职工基本养老保险关系转移接续；机关事业单位基本养老保险与城镇企业职工基本养老保险互转申请；"
                 "军地养老保险关系转移接续申请）", id="compound without codes matched part by part"),
    pytest.param("2.一次性及长期待遇申领（含一次性工亡补助金、丧葬补助金申领；供养亲属抚恤金申领）", QINGDAO, "bundle", "8", "",
                 "一次性及长期待遇申领（含一次性工亡补助金、丧葬补助金申领；供养亲属抚恤金申领）",
                 id="compound whose first part holds a 、"),
    pytest.param("4.社保减员", QINGDAO, "bundle", "7", "7-1", "社保减员", id="local name 社保减员 by alias"),
    pytest.param("4.劳动合同新订备案", QINGDAO, "bundle", "1", "1-1", "劳动合同新订备案",
                 id="local name 劳动合同新订备案 by alias"),
    pytest.param("9 2. 7.3求职创业补贴申领（承办：就业服务中心）", BAIYIN, "bundle", "4", "", "求职创业补贴申领",
                 id="shared name with code 2.7.3 in the graduates bundle"),
    pytest.param("2.6.4求职创业补贴申领（就业困难人员）", BAIYIN, "speedup", "17", "", "求职创业补贴申领（就业困难人员）",
                 id="speed-up row 2.6.4 for the hard-to-employ"),
    pytest.param("2. 7.3求职创业补贴申领（高校毕业生）", BAIYIN, "speedup", "20", "", "求职创业补贴申领（高校毕业生）",
                 id="speed-up row 2.7.3 for graduates"),
]

# Items the gold says are not in the catalog (codes == [], also_ok == [], not ambiguous).
NOT_IN_CATALOG = [
    pytest.param("6.医疗保险参保登记", ZIBO, "2", "", "医疗保险参保登记", id="medical insurance enrolment"),
    pytest.param("5.职工医疗保险参保登记(增员)", ZIBO, "1", "", "职工医疗保险参保登记(增员)",
                 id="employee medical insurance enrolment"),
    pytest.param("6.个人住房公积金账户设立", ZIBO, "1", "", "个人住房公积金账户设立", id="housing provident fund account"),
    pytest.param("5.解聘备案", QINGDAO, "2", "2-1", "解聘备案", id="dismissal filing"),
    pytest.param("2.核定工资待遇", QINGDAO, "5", "5-1", "核定工资待遇", id="wage determination"),
    pytest.param("5.职业年金转移接续", QINGDAO, "5", "5-1", "职业年金转移接续", id="occupational annuity transfer"),
    pytest.param("5.落户资格申请", QINGDAO, "4", "4-1", "落户资格申请", id="settlement eligibility"),
    pytest.param("3.档案查询", QINGDAO, "4", "4-1", "档案查询", id="file inquiry"),
    pytest.param("7.高校毕业生住房补贴", QINGDAO, "4", "4-1", "高校毕业生住房补贴", id="graduate housing subsidy"),
    pytest.param("8.青年人才在青创新创业一次性安家费", QINGDAO, "4", "4-1", "青年人才在青创新创业一次性安家费",
                 id="local settling-in allowance"),
    pytest.param("6.失业人员技能培训报名", QINGDAO, "3", "3-1", "失业人员技能培训报名", id="training enrolment"),
    pytest.param("7. 技能培训", SHANDONG, "3", "3-1", "技能培训", id="skills training"),
    pytest.param("3.终止失业保险关系", QINGDAO, "5", "5-7", "终止失业保险关系", id="ending unemployment insurance"),
    pytest.param("2.达到法定退休年龄正常退休资格核准", QINGDAO, "7", "7-1", "达到法定退休年龄正常退休资格核准",
                 id="retirement eligibility check"),
    pytest.param("6. 待遇公示", SHANDONG, "7", "7-1", "待遇公示", id="benefit publication"),
]


def _gold_of(golds, seed):
    return golds[seed.replace(".txt", ".json")]


@pytest.mark.parametrize("printed, seed, kind, no, scenario, gold_text", MATCH_CASES)
def test_match_gives_the_gold_codes(index, golds, printed, seed, kind, no, scenario, gold_text):
    gold, bundle_name, scenario_name = _gold_context(_gold_of(golds, seed), kind, no, scenario, gold_text)
    assert not gold["ambiguous"]
    result = match(_mention_of(printed, seed, kind, bundle_name, scenario_name), index)
    assert result.codes == tuple(gold["codes"]), result.reason


@pytest.mark.parametrize("printed, seed, no, scenario, gold_text", NOT_IN_CATALOG)
def test_items_outside_the_catalog_are_never_forced(index, golds, printed, seed, no, scenario, gold_text):
    gold, bundle_name, scenario_name = _gold_context(_gold_of(golds, seed), "bundle", no, scenario, gold_text)
    assert (gold["codes"], gold["also_ok"], gold["ambiguous"]) == ([], [], False)
    mention = _mention_of(printed, seed, "bundle", bundle_name, scenario_name)
    result = match(mention, index)
    assert result.codes == (), result.reason
    # one stable identity, the same in every city that spells the name alike
    assert result.canonical_id == local_id(gold["text"])


@pytest.fixture(scope="module")
def national_only_index(catalog):
    """The index without local_items.tsv: what the matcher does with names nobody listed."""
    from normalizers.match_catalog import build_index
    from pipeline.catalog.reference import read_tsv
    national = [item for item in catalog.items if item.code]
    aliases = [(row["alias"], row["target"], "review" in row.get("source", ""))
               for row in read_tsv(catalog.folder / "aliases.tsv") if row["target"] in {i.code for i in national}]
    return build_index(national, aliases)


@pytest.mark.parametrize("printed, seed, no, scenario, gold_text", NOT_IN_CATALOG)
def test_unlisted_items_are_flagged_not_forced(national_only_index, printed, seed, no, scenario, gold_text):
    result = match(_mention_of(printed, seed, "bundle", "", ""), national_only_index)
    assert (result.codes, result.method, result.needs_review) == ((), "none", True), result.reason


def test_every_printed_case_occurs_in_its_seed():
    seeds = read_seeds()
    missing = [p.id for p in MATCH_CASES + NOT_IN_CATALOG if p.values[0] not in seeds[p.values[1]]]
    assert missing == []


def test_truncated_code_is_not_trusted_as_printed(index):
    """'⑬ 1.5' keeps code_as_written 1.5 but the match comes from the name, not the code."""
    result = match(_mention_of("⑬ 1.5职工参保登记（承办：社保中心参保登记股）", BAIYIN, "bundle",
                               "高校毕业生就业（含灵活就业）", ""), index)
    assert result.mention.printed_codes == ("1.5",)
    assert (result.codes, result.method) == (("1.1.5",), "exact")


@pytest.mark.parametrize("printed, flagged", [
    pytest.param("②4.1.1劳动用工备案（承办：劳动监察中队）", False, id="one item"),
    pytest.param("②4.1.1劳动用工备案 21.3.5社会保险费欠费补缴申报", True, id="the next item joined, its ③ read as 2"),
])
def test_a_printed_code_agreeing_with_a_text_that_holds_another_code_is_reviewed(index, printed, flagged):
    """A scanned line whose circled number was misread ("③1.3.5…" as "21.3.5…", a phone photo of the tuning half)
    is no new item and joins the one above: the first code still agrees with the name the text starts with
    (partially), but the text holds a second item."""
    result = match(_mention_of(printed, BAIYIN, "bundle", "企业与员工解除终止劳动合同", ""), index)
    assert (result.codes, result.method, result.needs_review) == (("4.1.1",), "code", flagged)
    assert ("1.3.5" in result.reason) is flagged


# --- 求职创业补贴申领: 2.6.4 or 2.7.3, the bundle decides ------------------------------------

@pytest.mark.parametrize("seed, no, scenario, expected", [
    pytest.param(BAIYIN, "4", "", ("2.7.3",), id="graduates bundle decides 2.7.3"),
    pytest.param(SHANDONG, "3", "3-1", ("2.6.4",), id="hard-to-employ scenario decides 2.6.4"),
    pytest.param(SHANDONG, "4", "4-1", ("2.7.3",), id="graduates job-seeking bundle decides 2.7.3"),
])
def test_bundle_decides_the_shared_name(index, golds, seed, no, scenario, expected):
    gold = _gold_of(golds, seed)
    bundle = next(b for b in gold["bundles"] if b["no"] == no)
    scenario_name = next(s["name"] for s in bundle["scenarios"] if s["code"] == scenario)
    # the printed item without its code: only the name and the context are left to decide
    mention = make_mention("9 2. 7.3求职创业补贴申领（承办：就业服务中心）", "求职创业补贴申领", file=seed,
                           bundle_name=bundle["name"], scenario_name=scenario_name)
    result = match(mention, index)
    assert (result.codes, result.method, result.needs_review) == (expected, "context", False)


def test_shared_name_without_context_is_flagged_not_guessed(index):
    result = match(make_mention("求职创业补贴申领", "求职创业补贴申领"), index)
    assert result.codes == ()
    assert result.needs_review
    assert {c.item_id for c in result.candidates} == {"2.6.4", "2.7.3"}


def test_review_decision_wins_over_the_printed_code(catalog):
    from dataclasses import replace

    from normalizers.match_catalog import decision_key
    mention = _mention_of("1 1. 1.5职工参保登记（承办：社保中心参保登记股）", BAIYIN, "bundle", "企业招用员工", "")
    index = replace(catalog.index, decisions={decision_key(mention): "none"})
    result = match(mention, index)
    assert (result.codes, result.method, result.needs_review) == ((), "review", False)


# --- properties ---------------------------------------------------------------------------

_SEED_NAMES = sorted({name_key(line)[:30] for text in read_seeds().values() for line in text.split("\n")
                      if 3 <= len(name_key(line)) <= 40})
_CODE = st.from_regex(r"\A[1-4]\.\d{1,2}\.\d{1,2}\Z", fullmatch=True) | st.sampled_from(["1.1.5", "2.6.4", "1.5", ""])
_TEXT = st.one_of(st.sampled_from(_SEED_NAMES), st.text(max_size=20),
                  st.lists(st.sampled_from(_SEED_NAMES), min_size=1, max_size=3).map(lambda p: p[0] + "（含" + "；".join(p[1:]) + "）"))
FAST = settings(max_examples=60, deadline=None)


@FAST
@given(text=_TEXT, codes=st.lists(_CODE, max_size=3), bundle=st.sampled_from(["", "高校毕业生就业", "失业", "职工退休"]),
       confidence=st.sampled_from([1.0, 0.5]))
def test_match_never_raises_gives_national_codes_and_a_stable_id(index, national_codes, text, codes, bundle,
                                                                   confidence):
    from dataclasses import replace
    mention = replace(make_mention(text, text, printed_codes=codes, bundle_name=bundle), ocr_confidence=confidence)
    first, second = match(mention, index), match(mention, index)
    assert set(first.codes) <= national_codes
    assert first.canonical_id == second.canonical_id
    if not first.codes:
        assert first.canonical_id == local_id(text) or first.canonical_id in index.items
    if confidence < 0.8 and first.method != "review":
        # below OCR_CHECKED a reading is reviewed unless the domain checked it (a printed code that
        # agrees with its name, an exact name …); below OCR_UNSURE whatever it matched
        assert first.needs_review or (confidence >= OCR_UNSURE and first.method in OCR_CHECKED_METHODS)


# --- the whole run against the gold's "never forced" rule ---------------------------------------

def test_no_gold_item_outside_the_catalog_gets_a_code_in_the_seed_run(seed_run, golds):
    """Align gold items with items.csv rows by source, list kind, bundle, scenario, role and name key."""
    from pipeline.evaluate.score import gold_items
    _, frames, _ = seed_run
    items = frames["items"]
    rows = defaultdict(list)
    for _, row in items.iterrows():
        rows[(row["source"], row["list_kind"], str(row["bundle_no"]), str(row["scenario_code"]), row["role"],
              name_key(row["item_text"]))].append(row)
    aligned, total, checked, forced = 0, 0, 0, []
    for gold in golds.values():
        for g in gold_items(gold):
            total += 1
            found = rows.get((gold["source"], g["list_kind"], g["bundle_no"], g["scenario_code"], g["role"],
                              name_key(g["text"])))
            if not found:
                continue
            aligned += 1
            if g["codes"] == [] and g["also_ok"] == [] and not g["ambiguous"]:
                checked += 1
                forced += [(gold["source"], g["bundle_no"], g["scenario_code"], g["text"], str(r["codes"]))
                           for r in found if str(r["codes"]) not in ("", "nan")]
    assert total > 400
    assert aligned / total >= 0.95, f"aligned only {aligned} of {total} gold items"
    assert checked >= 50, f"only {checked} never-forced gold items aligned"
    assert forced == []
