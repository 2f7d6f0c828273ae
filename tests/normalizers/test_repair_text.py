"""normalizers.repair_text on the seeds' real noise, then properties over arbitrary text.

Every printed string in the case tables occurs verbatim in a seed (checked below), and
every expected string occurs in a gold label file.
"""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from normalizers.repair_text import (
    collapse_repeated_head,
    fix_ocr_slips,
    join_broken_words,
    name_key,
    normalize_width,
    repair,
    strip_parentheticals,
    to_simplified,
)
from tests.normalizers.conftest import read_seeds

# (printed in a seed, repaired as the gold labels write it)
REPAIR_CASES = [
    pytest.param("遺属待遇申领（养老保险）", "遗属待遇申领（养老保险）", id="OCR 遺属 becomes 遗属"),
    pytest.param("髙等学校等毕业生接收手续办理", "高等学校等毕业生接收手续办理", id="OCR 髙等学校 becomes 高等学校"),
    pytest.param("养老保险待遇发放账户维护中请", "养老保险待遇发放账户维护申请", id="OCR 维护中请 becomes 维护申请"),
    pytest.param("—次性工亡补助金", "一次性工亡补助金", id="dash read for 一 in —次性"),
    pytest.param("城镇职工基本养老保险关系转 移接续申请", "城镇职工基本养老保险关系转移接续申请",
                 id="stray space in 转 移接续"),
    pytest.param("机关事业单位基本养老保险与城镇企业职工基 本养老保险互转申请",
                 "机关事业单位基本养老保险与城镇企业职工基本养老保险互转申请", id="stray space in 基 本养老"),
    pytest.param("失 业", "失业", id="stray space in the bundle name 失 业"),
    pytest.param("申领工亡人 员有关待遇", "申领工亡人员有关待遇", id="cell wrapped inside a bundle name"),
    pytest.param("自受理材 料起15个 工作日内 办结", "自受理材料起15个工作日内办结",
                 id="wrapped time limit with digits"),
    pytest.param("养老保险关系转移接续养老保险关系转移接续（含", "养老保险关系转移接续（含",
                 id="duplicated head printed once"),
    pytest.param("单位就业(员工录用)∶", "单位就业（员工录用）：", id="half-width parentheses and ratio colon"),
    pytest.param("（承办：社保中心参保登记股)", "（承办：社保中心参保登记股）", id="mixed-width closing parenthesis"),
]


@pytest.mark.parametrize("printed, expected", REPAIR_CASES)
def test_repair_fixes_the_seed_noise(printed, expected):
    assert repair(printed) == expected


@pytest.mark.parametrize("printed, expected", REPAIR_CASES)
def test_repair_of_a_seed_string_is_stable(printed, expected):
    assert repair(repair(printed)) == repair(printed)


def test_every_printed_case_occurs_in_a_seed():
    text = "\n".join(read_seeds().values())
    missing = [p.values[0] for p in REPAIR_CASES + NAME_KEY_CASES if p.values[0] not in text]
    assert missing == []


# Width-only cases: the gold keeps these characters inside longer values (names, units), never alone.
_WIDTH_ONLY = {"half-width parentheses and ratio colon", "mixed-width closing parenthesis"}


def test_every_expected_repair_occurs_in_the_gold(golds):
    gold_text = "\n".join(json.dumps(g, ensure_ascii=False) for g in golds.values())
    missing = [p.values[1].rstrip("（") for p in REPAIR_CASES
               if p.id not in _WIDTH_ONLY and p.values[1].rstrip("（") not in gold_text]
    assert missing == []


def test_every_seed_line_repairs_stably():
    """Real data first: the whole of every seed, line by line, is a fixed point after one repair."""
    unstable = [(name, n, line) for name, text in read_seeds().items()
                for n, line in enumerate(text.split("\n"), 1) if repair(repair(line)) != repair(line)]
    assert unstable == []


# (printed in a seed, gold text it must share a key with)
NAME_KEY_CASES = [
    pytest.param("职工养老保险参保登记(增员)", "职工养老保险参保登记（增员）", id="half and full-width parentheses share a key"),
    pytest.param("劳动合同解除/终止备案", "劳动合同解除终止备案", id="slash dropped from the key"),
    pytest.param("《就业创业证》申领", "就业创业证申领", id="book-title marks dropped from the key"),
    pytest.param("档案的接收和转递（流动人员）", "档案的接收和转递(流动人员)", id="qualifier kept in the key"),
]


@pytest.mark.parametrize("printed, same_as", NAME_KEY_CASES)
def test_name_key_of_seed_spellings(printed, same_as):
    assert name_key(printed) == name_key(same_as)


def test_name_key_keeps_qualifiers_apart():
    """求职创业补贴申领（就业困难人员） and （高校毕业生） are different items (2.6.4, 2.7.3)."""
    assert name_key("求职创业补贴申领（就业困难人员）") != name_key("求职创业补贴申领（高校毕业生）")


@pytest.mark.parametrize("printed, expected", [
    pytest.param("遗属待遇申领（养老保险）", "遗属待遇申领", id="one qualifier"),
    pytest.param("工伤医疗费用申报（含工伤医疗（康复）费用申报；住院伙食补助费申领）", "工伤医疗费用申报",
                 id="nested parentheses innermost first"),
    pytest.param("社会保障卡申领(成年人)", "社会保障卡申领(成年人)", id="half-width parentheses left to repair"),
])
def test_strip_parentheticals(printed, expected):
    assert strip_parentheticals(printed) == expected


# --- fixed bugs: each repair must be idempotent -------------------------------------------

@pytest.mark.parametrize("printed", [
    pytest.param("养老保险待遇发放账户维护中 请", id="slip 中请 split by a space"),
    pytest.param("—次 性工亡补助金", id="slip —次性 split by a space"),
])
def test_repair_fixes_a_slip_split_by_a_stray_space(printed):
    assert repair(printed) == repair(repair(printed))


def test_fix_ocr_slips_collapses_a_run_of_one():
    assert fix_ocr_slips("一一一次性") == fix_ocr_slips(fix_ocr_slips("一一一次性"))


def test_collapse_repeated_head_of_a_head_printed_three_times():
    text = "养老保险关系转移接续养老保险关系转移接续养老保险关系转移接续（含"
    assert collapse_repeated_head(text) == "养老保险关系转移接续（含"


# --- properties ------------------------------------------------------------------------------

_SEED_CHARS = sorted(set("".join(read_seeds().values())) - {"\x00"})
# Arbitrary unicode (hypothesis leaves out surrogates) mixed with the seeds' own characters,
# whitespace and the characters the repairs key on, so the interesting paths are reached.
_ALPHABET = st.one_of(
    st.characters(),
    st.sampled_from(_SEED_CHARS),
    st.sampled_from(list(" \t\n\r\u3000\xa0（）()；;：:∶—－一中请髙遺")),
)
TEXT = st.text(_ALPHABET, max_size=40)
FAST = settings(max_examples=150, deadline=None)


@FAST
@given(TEXT)
def test_repair_never_raises_and_returns_text(s):
    assert isinstance(repair(s), str)


@pytest.mark.parametrize("step", [normalize_width, to_simplified, join_broken_words],
                         ids=["width normalisation", "traditional to simplified", "broken words joined"])
@FAST
@given(s=TEXT)
def test_each_sound_step_is_idempotent(step, s):
    once = step(s)
    assert step(once) == once


@FAST
@given(TEXT)
@example("维护中 请")
@example("一一一")
@example("转移接续转移接续转移接续")
def test_repair_is_idempotent(s):
    once = repair(s)
    assert repair(once) == once


@FAST
@given(TEXT)
def test_name_key_never_raises_and_has_no_spaces_or_separators(s):
    key = name_key(s)
    assert not any(ch in key for ch in " \t\n、，,；;：:《》/")


@FAST
@given(TEXT)
def test_strip_parentheticals_leaves_no_balanced_group(s):
    out = strip_parentheticals(s)
    assert re.search(r"（[^（）]*）", out) is None
    assert strip_parentheticals(out) == out


@pytest.mark.parametrize("read, want", [
    ("退体申请", "退休申请"), ("核定退体待遇", "核定退休待遇"), ("就业见习补贴电请", "就业见习补贴申请"),
    ("稿岗返还（稿岗补贴）申领", "稳岗返还（稳岗补贴）申领"),
], ids=["体 read for 休", "体 for 休 inside a name", "电 read for 申", "稿 read for 稳"])
def test_look_alike_characters_of_scans_are_repaired(read, want):
    assert repair(read) == want
