"""normalizers.find_in_prose on the 淄博 notice (seed 003): items found in prose as doc.ents."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers.find_in_prose import build_prose_nlp
from tests.normalizers.conftest import read_seeds

ZIBO = "003_c341546b877d9344.txt"
ZIBO_LINES = read_seeds()[ZIBO].split("\n")


@pytest.fixture(scope="session")
def nlp(catalog):
    return build_prose_nlp(catalog.names_and_aliases())


def _gold_items(golds, bundle_no: str) -> list[str]:
    bundle = next(b for b in golds[ZIBO.replace(".txt", ".json")]["bundles"] if b["no"] == bundle_no)
    return [it["text"] for s in bundle["scenarios"] for it in s["items"]]


# (sentence as printed in seed 003, gold bundle whose items it enumerates)
ENUMERATIONS = [
    pytest.param("(一)单位就业(员工录用)∶包括单位就业登记、职工养老保险参保登记(增员)、社会保障卡申领(成年人)、流动人员人事档案"
                 "接收、职工医疗保险参保登记(增员)、个人住房公积金账户设立。", "1",
                 id="six 联办事项 of 员工录用 after a ratio colon"),
    pytest.param("(二)灵活就业：包括灵活就业人员就业登记、个体经营人员就业登记、流动人员人事档案接收、流动人员人事档案转出、"
                 "养老保险参保登记、医疗保险参保登记、社保费缴纳。", "2", id="seven 联办事项 of 灵活就业"),
]


@pytest.mark.parametrize("sentence, bundle_no", ENUMERATIONS)
def test_every_enumerated_item_is_an_entity(nlp, golds, sentence, bundle_no):
    doc = nlp(sentence)
    assert [e.text for e in doc.ents] == _gold_items(golds, bundle_no)
    assert {e.label_ for e in doc.ents} == {"ITEM"}
    assert all(sentence[e.start_char:e.end_char] == e.text for e in doc.ents)


@pytest.mark.parametrize("line, names", [
    pytest.param("1.单位就业登记", ["单位就业登记"], id="a numbered catalog name"),
    pytest.param("7.社保费缴纳", ["社保费缴纳"], id="a numbered local item"),
    pytest.param("5.社保费缴纳：灵活就业人员已办理养老保险参保登记或者医疗保险参保登记。", ["社保费缴纳", "医疗保险参保登记"],
                 id="names inside a requirement sentence"),
])
def test_catalog_names_outside_enumerations(nlp, line, names):
    doc = nlp(line)
    assert [(e.text, e.label_) for e in doc.ents] == [(n, "CATALOG") for n in names]


def test_every_prose_case_occurs_in_the_seed():
    text = read_seeds()[ZIBO]
    cases = ENUMERATIONS + NOT_ENUMERATIONS
    missing = [p.id for p in cases if p.values[0] not in text]
    assert missing == []
    assert "5.社保费缴纳：灵活就业人员已办理养老保险参保登记或者医疗保险参保登记。" in ZIBO_LINES


# Single characters 有/为/即 inside ordinary words must not open an enumeration (a fixed bug).
NOT_ENUMERATIONS = [
    pytest.param("1.单位就业登记：在山东省行政区划内常住的法定劳动年龄内、有劳动能力、已经实现单位就业的劳动者申请办理单位就业登记。",
                 id="有 of 有劳动能力"),
    pytest.param("2.职工养老保险参保登记(增员)∶用人单位应当自用工之日起三十日内为其职工向社会保险经办机构申请办理社会保险登记。",
                 id="为 of 为其职工"),
    pytest.param("办理社保卡申领，需5个工作日;其他事项，即时办结(不含线下办理时间、快递邮寄时间)。", id="即 of 即时办结"),
]


@pytest.mark.parametrize("line", NOT_ENUMERATIONS)
def test_words_containing_有_为_即_open_no_enumeration(nlp, line):
    assert [e.text for e in nlp(line).ents if e.label_ == "ITEM"] == []


_SEED_CHARS = sorted(set(read_seeds()[ZIBO]))
_PROSE = st.lists(st.one_of(st.sampled_from(["包括", "、", "；", "。", "：", "为", "单位就业登记", "社保费缴纳", "\n", " "]),
                            st.text(st.sampled_from(_SEED_CHARS), max_size=5), st.text(max_size=3)),
                  max_size=15).map("".join)


@settings(max_examples=60, deadline=None)
@given(_PROSE)
def test_entities_never_overlap_and_index_the_text(nlp, text):
    doc = nlp(text)
    ents = list(doc.ents)
    assert all(a.end <= b.start for a, b in zip(ents, ents[1:]))
    assert all(e.label_ in ("ITEM", "CATALOG") and e.text == text[e.start_char:e.end_char] for e in ents)


def test_displacy_shows_the_mentions_of_the_zibo_sentence(nlp):
    from normalizers.find_in_prose import render_mentions
    line = next(l for l in read_seeds()[ZIBO].splitlines() if l.startswith("(一)单位就业"))
    html = render_mentions(nlp, line)
    for ent in nlp(line).ents:
        assert ent.text in html
    assert html.count("<mark") == len(nlp(line).ents) == 6
