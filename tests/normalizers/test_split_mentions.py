"""normalizers.split_mentions on the seeds' printed items and cells, expected values from gold."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers.repair_text import name_key, repair
from normalizers.split_mentions import parse_item, split_cell, split_compound
from tests.normalizers.conftest import find_gold_item, read_seeds

BAIYIN = "001_d4e3f231794595e4.txt"
SHANDONG = "002_82660bfd3293e404.txt"
QINGDAO = "000_7dd4aa0705870e63.txt"

# (printed item as in the seed, seed, list kind, bundle/row no, gold item text, list number printed)
# The expected text, unit and code as written come from the gold item.
PARSE_CASES = [
    pytest.param("1 1. 1.5职工参保登记（承办：社保中心参保登记股）", BAIYIN, "bundle", "1", "职工参保登记", "1",
                 id="list number fused with the code 1 1. 1.5"),
    pytest.param("⑥2. 4. 2就业登记（承办：就业服务中心）", BAIYIN, "bundle", "1", "就业登记", "6",
                 id="circled number fused with the code ⑥2. 4. 2"),
    pytest.param("10 01. 1.5职工参保登记（承办部门：社保中心参保登记股）", BAIYIN, "bundle", "6", "职工参保登记", "10",
                 id="two-digit list number before the zero-padded code 01. 1.5"),
    pytest.param("⑬ 1.5职工参保登记（承办：社保中心参保登记股）", BAIYIN, "bundle", "4", "职工参保登记", "13",
                 id="truncated code 1.5 kept as written"),
    pytest.param("6 ⑥3. 4.7存档人员党员组织关系的接转（承办：人才交流股）", BAIYIN, "bundle", "2",
                 "存档人员党员组织关系的接转", "6", id="two list markers before the code"),
    pytest.param("⑬1.8.8失业保险关系转移接续（承办部门：社保中心参保登记股）", BAIYIN, "bundle", "6",
                 "失业保险关系转移接续", "13", id="circled number glued to a clean code"),
    pytest.param("8 2. 7.1髙等学校等毕业生接收手续办理（承办：人才交流股）", BAIYIN, "bundle", "4",
                 "高等学校等毕业生接收手续办理", "8", id="OCR slip after a fused code"),
    pytest.param("②1. 6. 8遺属待遇申领（养老保险）（承办：区社保中心城乡居民养老保险股、区社保中心基金财务室）",
                 BAIYIN, "bundle", "9", "遗属待遇申领（养老保险）", "2",
                 id="qualifier kept and unit with two offices removed"),
    pytest.param("⑤1.2.3养老保险待遇发放账户维护中请（承办：区社保中心城乡居民养老保险股、区社保中心基金财务室、"
                 "区社保中心机关事业单位养老保险股）", BAIYIN, "bundle", "9", "养老保险待遇发放账户维护申请", "5",
                 id="OCR 维护中请 with a three-office unit"),
    pytest.param("4 1.1.5职工参保登记（承办：社保中心参保登记股)", BAIYIN, "bundle", "5", "职工参保登记", "4",
                 id="unit closed by a half-width parenthesis"),
    pytest.param("9 2. 7.3求职创业补贴申领（承办：就业服务中心）", BAIYIN, "bundle", "4", "求职创业补贴申领", "9",
                 id="shared name with a printed code"),
    pytest.param("3 养老保险关系转移接续（含1.6. 10城镇职工基本养老保险关系转 移接续申请；1.6. 13机关事业单位基本养老保险"
                 "与城镇企业职工基 本养老保险互转申请；1.6. 15军地养老保险关系转移接续申请）\n（承办部门：社保中心参保登记股、"
                 "社保中心机关事业单位养老保险股）", BAIYIN, "bundle", "1",
                 "养老保险关系转移接续（含城镇职工基本养老保险关系转移接续申请；机关事业单位基本养老保险与城镇企业职工基本养老保险"
                 "互转申请；军地养老保险关系转移接续申请）", "3",
                 id="codes inside 含 and the unit on the next line"),
    pytest.param("6 养老保险关系转移接续养老保险关系转移接续（含1. 6. 10城镇职 工基本养老保险关系转移接续申请；1.6. 13机关事业"
                 "单位基本养老 保险与城镇企业职工基本养老保险互转申请；1.6. 15军地养老保险 关系转移接续申请）（承办部门：社保中心"
                 "参保登记股、社保中心机关事业单位养老保险股）", BAIYIN, "bundle", "5",
                 "养老保险关系转移接续（含城镇职工基本养老保险关系转移接续申请；机关事业单位基本养老保险与城镇企业职工基本养老保险"
                 "互转申请；军地养老保险关系转移接续申请）", "6", id="duplicated head before a compound"),
    pytest.param("1 工伤备案登记（含1. 7. 2用人单位办理工伤登记；1.7. 3变更工伤 登记）（承办：社保股、社保中心工伤失业保险股、"
                 "社保中心参保登记股）", BAIYIN, "bundle", "8", "工伤备案登记（含用人单位办理工伤登记；变更工伤登记）", "1",
                 id="compound of two with spaced codes"),
    pytest.param("2 ）工伤医疗费用申报（含1.7. 21工伤医疗（康复）费用申报；1.7. 22 住院伙食补助费申领；1.7.13异地工伤就医报告；"
                 "1.7. 23统筹地区 以外交通、食宿费申领）（承办：社保中心工伤失业保险股）", BAIYIN, "bundle", "8",
                 "工伤医疗费用申报（含工伤医疗（康复）费用申报；住院伙食补助费申领；异地工伤就医报告；统筹地区以外交通、食宿费申领）",
                 "2", id="stray parenthesis after the list number"),
    pytest.param("2.6.4求职创业补贴申领（就业困难人员）", BAIYIN, "speedup", "17", "求职创业补贴申领（就业困难人员）", "",
                 id="speed-up row with a clean code"),
    pytest.param("2. 7.3求职创业补贴申领（高校毕业生）", BAIYIN, "speedup", "20", "求职创业补贴申领（高校毕业生）", "",
                 id="speed-up row with a spaced code"),
    pytest.param("5.解聘备案", QINGDAO, "bundle", "2", "解聘备案", "5", id="numbered item without a code"),
]


def _gold(golds, seed, kind, no, text):
    return find_gold_item(golds[seed.replace(".txt", ".json")], no, text, list_kind=kind)


@pytest.mark.parametrize("printed, seed, kind, no, gold_text, list_no", PARSE_CASES)
def test_parse_item_reads_markers_codes_and_units_as_the_gold_does(golds, printed, seed, kind, no, gold_text,
                                                                   list_no):
    gold = _gold(golds, seed, kind, no, gold_text)
    parsed = parse_item(printed)
    assert repair(parsed.text) == gold["text"]
    assert parsed.list_no == list_no
    assert parsed.code_as_written == gold.get("code_as_written", "")
    # speed-up lists print the unit in a column of its own, bundle lists inside the item
    assert parsed.unit == (gold.get("unit", "") if kind == "bundle" else "")
    # every code printed in the item, leading one first: the one as written, else those inside （含…）
    printed_codes = (gold["code_as_written"],) if gold.get("code_as_written") else tuple(gold["codes"])
    assert parsed.codes == printed_codes


def test_every_parse_case_occurs_in_its_seed():
    seeds = read_seeds()
    missing = [p.id for p in PARSE_CASES + SPLIT_CASES if p.values[0] not in seeds[p.values[1]]]
    assert missing == []


def test_parse_item_reads_both_codes_of_the_unbalanced_compound(golds):
    """The printed （含…（含… never closes its inner group; both codes inside still count."""
    printed = ("3 一次性及长期待遇申领（含1.7. 27—次性工亡补助金（含生活困 难，预支50%确认、丧葬补助金申领；1. 7. 28供养亲属"
               "抚恤金申 领）（承办：社保中心工伤失业保险股）")
    assert printed in read_seeds()[BAIYIN]
    gold = _gold(golds, BAIYIN, "bundle", "8", "一次性及长期待遇申领（含一次性工亡补助金（含生活困难，预支50%确认、丧葬补助金申领；"
                                               "供养亲属抚恤金申领）")
    assert parse_item(printed).codes == tuple(gold["codes"])


# --- split_cell: one group per scenario -------------------------------------------------------

_BAIYIN_BUNDLE_1 = "\n".join([
    "1 1. 1.5职工参保登记（承办：社保中心参保登记股）",
    "2 1.3.1缴费人员增减申报（承办：社保中心参保登记股）",
    "3 养老保险关系转移接续（含1.6. 10城镇职工基本养老保险关系转 移接续申请；1.6. 13机关事业单位基本养老保险与城镇企业职工基 "
    "本养老保险互转申请；1.6. 15军地养老保险关系转移接续申请）",
    "（承办部门：社保中心参保登记股、社保中心机关事业单位养老保险股）",
    "4 1.8.8失业保险关系转移接续（承办：社保中心参保登记股）",
    "5 1.10.1社会保障卡申领（承办：社保中心城乡居民基本养老保险股）",
    "⑥2. 4. 2就业登记（承办：就业服务中心）",
    "⑦2. 4.3《就业创业证》申领（承办：就业服务中心）",
    "⑧2. 7. 1高等学校等毕业生接收手续办理（承办：人才交流股）",
    "9 3.4.1档案的接收和转递（流动人员）（承办：人才交流股）",
    "10 3.4.7存档人员党员组织关系的接转（承办：人才交流股）",
    "⑪4. 1.1劳动用工备案（承办：劳动监察中队）",
])

# (cell as printed, seed, bundle no, role, scenario codes the groups belong to, in order)
SPLIT_CASES = [
    pytest.param('<ol style="list-style-type: none"> 职工参保登记 缴费人员增减申报 就业登记 劳动合同新订备案 '
                 '<ol style="list-style-type: none"> 职工参保登记 缴费人员增减申报 就业登记 劳动合同新订备案 '
                 '<ol style="list-style-type: none"> 职工参保登记 缴费人员增减申报 就业登记 劳动合同新订备案 ',
                 SHANDONG, "1", "required", ["1-1", "1-2", "1-3"], id="one group per flattened ol"),
    pytest.param('<ol style="list-style-type: none"> 档案的接收和转递（流动人员） 存档人员党员组织关系的接转 '
                 '<ol style="list-style-type: none"> 养老保险关系转移接续（含城镇职工基本养老保险关系转移接续；机关事业单位基本'
                 '养老保险与城镇企业职工基本养老保险互转申请；军地养老保险关系转移接续申请） 失业保险关系转移接续 ',
                 SHANDONG, "1", "situational", ["1-2", "1-3"], id="two ol groups for the last two scenarios"),
    pytest.param("<p>1. 事业单位拟聘用人员备案 2. 核定工资待遇 3. 职工参保登记 4. 缴费人员增减申报</p>",
                 SHANDONG, "5", "required", ["5-1"], id="numbered items inside one p"),
    pytest.param('<ol style="list-style-type: none"> 1. 创业开业指导 2. 就业登记 3. 《就业创业证》申领 4. 企业社会保险登记 '
                 '5. 职工参保登记 6. 缴费人员增减申报 7. 劳动用工备案 ', SHANDONG, "6", "required", ["6-1"],
                 id="numbered items inside an ol"),
    pytest.param("1. 失业登记 2. 《就业创业证》申领 3. 职业介绍 4. 失业保险金申领 5. 代缴基本医疗保险费 6. 价格临时补贴申领 "
                 "7. 技能培训", SHANDONG, "3", "required", ["3-1"], id="inline numbered items without html"),
    pytest.param("1.缴费人员增减申报\n\n2.劳动合同解除/终止备案\n\n3.社会保险费欠费补缴申报\n\n4.失业保险关系转移接续\n\n"
                 "5.解聘备案", QINGDAO, "2", "required", ["2-1"], id="one item per line with blank lines"),
    pytest.param(_BAIYIN_BUNDLE_1, BAIYIN, "1", "item", [""], id="fused markers with a unit line joined above"),
]


def _gold_groups(gold: dict, bundle_no: str, role: str, codes: list[str]) -> list[list[str]]:
    bundle = next(b for b in gold["bundles"] if b["no"] == bundle_no)
    by_code = {s["code"]: s for s in bundle["scenarios"]}
    return [[name_key(it["text"]) for it in by_code[c]["items"] if it["role"] == role] for c in codes]


@pytest.mark.parametrize("cell, seed, bundle_no, role, scenario_codes", SPLIT_CASES)
def test_split_cell_gives_the_gold_groups(golds, cell, seed, bundle_no, role, scenario_codes):
    groups = split_cell(cell)
    got = [[name_key(repair(parse_item(span.text).text)) for span in group] for group in groups]
    assert got == _gold_groups(golds[seed.replace(".txt", ".json")], bundle_no, role, scenario_codes)


@pytest.mark.parametrize("cell, seed, bundle_no, role, scenario_codes", SPLIT_CASES)
def test_split_cell_spans_index_the_cell_as_printed(cell, seed, bundle_no, role, scenario_codes):
    spans = [span for group in split_cell(cell) for span in group]
    assert all(cell[s.start:s.end] == s.text for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))


def test_the_next_marker_after_a_bracket_left_open_starts_the_next_item(golds):
    """Seed 001's bundle 8 as a one-row-per-line export prints it (tests/variants/make_layouts.py, the
    tune family column_order): its item (3) opens a bracket it never closes, so the "；" before (4)
    stands inside it; the marker (4), next in turn, still starts an item."""
    cell = ("（1）工伤备案登记（含用人单位办理工伤登记；变更工伤登记）（承办：社保股、社保中心工伤失业保险股、社保中心参保登记股）；"
            "（2）工伤医疗费用申报（含工伤医疗（康复）费用申报；住院伙食补助费申领；异地工伤就医报告；统筹地区以外交通、食宿费申领）"
            "（承办：社保中心工伤失业保险股）；（3）一次性及长期待遇申领（含一次性工亡补助金（含生活困难，预支50%确认、丧葬补助金申领；"
            "供养亲属抚恤金申领）（承办：社保中心工伤失业保险股）；（4）1.2.4工伤保险待遇发放账户维护申请（承办：社保中心工伤失业保险股）")
    got = [[name_key(repair(parse_item(span.text).text)) for span in group] for group in split_cell(cell)]
    assert got == _gold_groups(golds[BAIYIN.replace(".txt", ".json")], "8", "item", [""])


def test_a_nested_list_in_balanced_brackets_stays_one_item():
    """"（含1.…；2.…）" closes its bracket: its numbers are the parts of one item, not the list's."""
    cell = "1.养老保险关系转移接续（含1.城镇职工基本养老保险关系转移接续申请；2.军地养老保险关系转移接续申请）；2.就业登记"
    assert [[span.text for span in group] for group in split_cell(cell)] == [
        ["1.养老保险关系转移接续（含1.城镇职工基本养老保险关系转移接续申请；2.军地养老保险关系转移接续申请）", "2.就业登记"]]


def test_the_seed_list_on_one_line_numbered_with_a_space_gives_the_gold_group(golds):
    """Seed 001's list as a one-row-per-line export prints it: each item after its number and a
    space, on one line (the unit lines the seed prints on their own dropped, its circled numbers
    printed as numbers)."""
    circled = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
    lines = [line for line in _BAIYIN_BUNDLE_1.splitlines() if not line.startswith("（")]
    cell = " ".join(f"{circled.index(line[0]) + 1} {line[1:]}" if line[0] in circled else line for line in lines)
    got = [[name_key(repair(parse_item(span.text).text)) for span in group] for group in split_cell(cell)]
    assert got == _gold_groups(golds[BAIYIN.replace(".txt", ".json")], "1", "item", [""])


def test_numbers_followed_by_a_space_split_only_when_they_run_1_2_3_from_the_start():
    assert len(split_cell("1 职工参保登记 3 就业登记")[0]) == 1
    assert len(split_cell("社会保障卡申领 1 号窗口 2 楼")[0]) == 1
    assert [s.text for s in split_cell("1 职工参保登记 2 就业登记")[0]] == ["1 职工参保登记", "2 就业登记"]


def test_split_cell_keeps_a_numbered_paragraph_whole():
    cell = ("<p>1. 需创业人员本人办理的事项。</p> <p>2. 企业社会保险登记，按照“多证合一”要求，并入企业新办工商注册登记环节统一"
            "办理。</p> <p>3. 要同步办理养老保险、工伤保险、失业保险缴费人员增加。</p>")
    assert cell in read_seeds()[SHANDONG]
    assert [[s.text for s in g] for g in split_cell(cell)] == [
        ["1. 需创业人员本人办理的事项。"],
        ["2. 企业社会保险登记，按照“多证合一”要求，并入企业新办工商注册登记环节统一办理。"],
        ["3. 要同步办理养老保险、工伤保险、失业保险缴费人员增加。"]]


# --- split_compound ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, head, parts", [
    pytest.param("工伤备案登记（含用人单位办理工伤登记；变更工伤登记）", "工伤备案登记", ("用人单位办理工伤登记", "变更工伤登记"),
                 id="parts separated by semicolons"),
    pytest.param("工伤医疗费用申报（含工伤医疗（康复）费用申报；住院伙食补助费申领；异地工伤就医报告；统筹地区以外交通、食宿费申领）",
                 "工伤医疗费用申报", ("工伤医疗（康复）费用申报", "住院伙食补助费申领", "异地工伤就医报告", "统筹地区以外交通、食宿费申领"),
                 id="a 、 inside a part when semicolons separate"),
    pytest.param("一次性及长期待遇申领（含一次性工亡补助金、丧葬补助金申领；供养亲属抚恤金申领）", "一次性及长期待遇申领",
                 ("一次性工亡补助金、丧葬补助金申领", "供养亲属抚恤金申领"), id="qingdao compound with 、 in the first part"),
    pytest.param("遗属待遇申领（养老保险）", "遗属待遇申领（养老保险）", (), id="a qualifier is not a compound"),
])
def test_split_compound_on_gold_texts(golds, text, head, parts):
    gold_text = "\n".join(it["text"] for g in golds.values() for b in g["bundles"] for s in b["scenarios"]
                          for it in s["items"])
    assert text in gold_text
    assert split_compound(text) == (head, parts)


# --- properties -------------------------------------------------------------------------------

_SEED_CHARS = sorted(set("".join(read_seeds().values())))
_PIECES = st.sampled_from(["1 1. 1.5", "⑥2. 4. 2", "10 01. 1.5", "⑬ ", "6 ⑥", "（承办：", "（含1.6. 10", "；1.6. 13",
                           "）", "（", "\n", " ", "<ol>", "<p>", "</p>", "1. ", "2、", "(3)", "职工参保登记", "失 业"])
_CELL = st.lists(st.one_of(_PIECES, st.text(st.sampled_from(_SEED_CHARS), max_size=6), st.text(max_size=4)),
                 max_size=12).map("".join)
FAST = settings(max_examples=200, deadline=None)


@FAST
@given(_CELL)
def test_split_cell_never_raises_and_spans_are_ordered_slices(cell):
    spans = [span for group in split_cell(cell) for span in group]
    assert all(span.text and cell[span.start:span.end] == span.text for span in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))


@FAST
@given(_CELL)
def test_parse_item_never_raises_and_leads_with_the_code_as_written(printed):
    parsed = parse_item(printed)
    assert "\n" not in parsed.text
    if parsed.code_as_written:
        assert parsed.codes[0] == parsed.code_as_written
    assert len(set(parsed.codes)) == len(parsed.codes)


@FAST
@given(_CELL)
def test_split_compound_never_raises(text):
    head, parts = split_compound(text)
    assert isinstance(head, str) and all(p for p in parts)


@pytest.mark.parametrize("printed, text, unit", [
    ("高校毕业生社保补贴申领（承办人才交流股）", "高校毕业生社保补贴申领", "人才交流股"),
    ("失业保险关系转移接续（承办；社保中心参保登记股）", "失业保险关系转移接续", "社保中心参保登记股"),
    ("社会保险费欠费补缴申报{承办：社保中心参保登记股）", "社会保险费欠费补缴申报", "社保中心参保登记股"),
    ("档案的接收和转递（流动人员）承办：人才交流股）", "档案的接收和转递（流动人员）", "人才交流股"),
    (".办理开除备案", "办理开除备案", ""),
    ("@3.4.1档案的接收和转递（流动人员）（承办：人才交流股）", "档案的接收和转递（流动人员）", "人才交流股"),
    ("4，社会保障卡注销", "社会保障卡注销", ""),
], ids=["colon dropped", "colon read as a semicolon", "bracket read as a brace", "bracket dropped",
        "list label whose number was lost", "circled number read as @", "full stop of a label read as a comma"])
def test_parse_item_reads_units_and_labels_as_ocr_prints_them(printed, text, unit):
    parsed = parse_item(printed)
    assert (parsed.text, parsed.unit) == (text, unit)


def test_parse_item_reads_the_code_after_an_at_sign_and_the_number_before_a_comma():
    assert parse_item("@3.4.1档案的接收和转递（流动人员）").code_as_written == "3.4.1"
    assert parse_item("4，社会保障卡注销").list_no == "4"
    assert [s.text for g in split_cell("3.工伤保险待遇变更\n4，社会保障卡注销") for s in g] == \
        ["3.工伤保险待遇变更", "4，社会保障卡注销"]


def test_split_cell_joins_the_tail_of_a_unit_that_ocr_broke_after_cheng():
    cell = "2.5.1创业补贴申领（承\n办：就业服务中心）\n2.4.2就业登记"
    assert [s.text for g in split_cell(cell) for s in g] == ["2.5.1创业补贴申领（承\n办：就业服务中心）", "2.4.2就业登记"]


@pytest.mark.parametrize("printed, list_no, codes, text, unit", [
    pytest.param("113.4.1档案的接收和转递（流动人员）（承办：人才交流股）", "11", ("3.4.1",), "档案的接收和转递（流动人员）",
                 "人才交流股", id="number 11 run into the code (a font without ⑪)"),
    pytest.param("②2.1.2职业供求信息、市场工资指导价位信息和职业培训信息发布（承办：就业服务中心、劳动监察中队", "2", ("2.1.2",),
                 "职业供求信息、市场工资指导价位信息和职业培训信息发布", "就业服务中心、劳动监察中队",
                 id="the unit's closing bracket clipped at the cell's edge"),
])
def test_parse_item_reads_what_a_pdf_of_the_seed_prints(printed, list_no, codes, text, unit):
    """Seed 001's items as a PDF whose font lacks ⑪…⑳ prints them, and as a cell that clips its end."""
    assert any(text in line for line in read_seeds()[BAIYIN].splitlines())
    parsed = parse_item(printed)
    assert (parsed.list_no, parsed.codes, parsed.text, parsed.unit) == (list_no, codes, text, unit)
