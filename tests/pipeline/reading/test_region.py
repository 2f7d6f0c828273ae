"""Title and region of a document (``pipeline.reading.region``), on the seeds and on made titles."""
from __future__ import annotations

import pytest

from pipeline.core.records import Provenance, Row
from pipeline.reading.region import detect_region, detect_title, locate_region
from tests.pipeline.reading.conftest import seed_gold, seed_rows


@pytest.mark.parametrize("stem", ["000", "001", "002", "003"])
def test_each_seed_gets_the_region_of_its_gold(stem, catalog):
    rows, gold = seed_rows(stem), seed_gold(stem)
    place = detect_region(detect_title(rows), rows, catalog.gazetteer)
    assert (place.name, place.province, place.level) == (gold["region"], gold["province"], gold["level"])


@pytest.mark.parametrize("stem, code", [("000", "370200"), ("001", "620402"), ("002", "370000"), ("003", "370300")])
def test_each_seed_gets_its_division_code(stem, code, catalog):
    rows = seed_rows(stem)
    assert detect_region(detect_title(rows), rows, catalog.gazetteer).code == code


def _lines(*texts: str) -> list[Row]:
    return [Row(Provenance("a.txt", line=i), (t,)) for i, t in enumerate(texts, 1)]


def test_the_title_skips_the_attachment_mark_and_the_document_number():
    rows = _lines("附件1", "鲁人社字〔2020〕200号", "青岛人社服务“打包一件事”清单", "", "一、总体要求")
    assert detect_title(rows) == "青岛人社服务“打包一件事”清单"


@pytest.mark.parametrize("texts", [
    ("附件2", "“提速办”服务事项清单", "注：所涉服务事项详见《全国人力资源社会保障系统公共服务事项清单》。"),
    ("附件2", "“提速办”服务事项清单", "（此件主动公开）"),
    ("附件2", "“提速办”服务事项清单", "以上事项按规定办理。"),
], ids=["a footnote under the title", "a disclosure mark", "a sentence"])
def test_a_title_is_the_title_not_the_line_after_it(texts):
    assert detect_title(_lines(*texts)) == "“提速办”服务事项清单"


def test_a_title_does_not_run_on_past_the_table_under_it():
    rows = [Row(Provenance("a.txt", line=1), ("“提速办”服务事项清单",)),
            Row(Provenance("a.txt", table=1, row=1, line=2), ("序号", "事项名称")),
            Row(Provenance("a.txt", line=3), ("全省统一",))]
    assert detect_title(rows) == "“提速办”服务事项清单"


def test_a_footnote_alone_is_no_title():
    assert detect_title(_lines("附件1", "注：所涉服务事项详见国家清单。")) == ""


@pytest.mark.parametrize("texts, region", [
    (("白银市白银区人社服务清单",), "白银市白银区"),
    (("淄人社函〔2021〕12号", "关于启用数字化便民应用的通知"), "淄博市"),
    (("人社服务清单", "", "青岛市各区市人社局：", "青岛市将……青岛市"), "青岛市"),
], ids=["the most specific place in the title", "the issuer of the document number",
        "the place the text names most often"])
def test_region_evidence_in_order_title_issuer_text(texts, region, catalog):
    rows = _lines(*texts)
    assert detect_region(detect_title(rows), rows, catalog.gazetteer).name == region


def test_a_text_naming_no_known_place_has_no_region(catalog):
    rows = _lines("人社服务清单", "各单位：")
    finding = locate_region(detect_title(rows), rows, catalog.gazetteer)
    assert finding.place is None and not finding.ambiguous


@pytest.mark.parametrize("texts, code", [
    (("平度市人社服务“打包一件事”清单",), "370283"),
    (("青島市人社服務“打包一件事”清單",), "370200"),
    (("藁城市人社服务清单",), "130109"),
    (("襄樊市人社服务清单",), "420600"),
    (("延边州人社服务清单",), "222400"),
    (("新疆维吾尔自治区人社服务清单",), "650000"),
    (("朝阳区人社服务清单", "", "北京市人力资源和社会保障局："), "110105"),
    (("长春市朝阳区人社服务清单",), "220104"),
    (("鼓楼区人社服务清单", "闽人社发〔2021〕3号"), "350102"),
    (("平度人社局服务清单", "", "青岛市各区市："), "370283"),
    (("青人社发〔2021〕3号", "关于印发服务清单的通知", "", "青岛市各区市人社局："), "370200"),
    (("青人社发〔2021〕3号", "关于印发服务清单的通知", "", "西宁市、海东市人社局："), "630000"),
    (("川人社办发〔2021〕3号", "关于印发服务清单的通知"), "510000"),
], ids=["a county-level city", "traditional characters", "a former county name (藁城市, now 藁城区)",
        "a former city name (襄樊市, now 襄阳市)", "the short form of an autonomous prefecture",
        "an autonomous region", "a district name two cities share, decided by the city in the text",
        "the city named before the district", "the issuer's province decides a shared district name",
        "a county's short form before 人社", "a shared prefix decided by the city the text names",
        "a shared prefix decided by the province's cities", "a provincial document number"])
def test_places_of_the_national_gazetteer(texts, code, catalog):
    rows = _lines(*texts)
    place = detect_region(detect_title(rows), rows, catalog.gazetteer)
    assert place is not None and place.code == code


def test_a_shared_name_nothing_decides_is_flagged_with_its_candidates(catalog):
    rows = _lines("朝阳区人社服务清单", "各单位：")
    finding = locate_region(detect_title(rows), rows, catalog.gazetteer)
    assert finding.place is None and finding.ambiguous
    assert {"110105", "220104"} <= {p.code for p in finding.candidates}


def test_the_gazetteer_holds_every_division(catalog):
    places = [p for p in catalog.gazetteer.places if p.code]
    levels = {lv: sum(p.level == lv for p in places) for lv in ("province", "city", "district")}
    assert levels["province"] == 34 and levels["city"] >= 333 and levels["district"] >= 2800
    codes = {p.code for p in places}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert all(p.parent in codes for p in places if p.level != "province")


def test_a_document_number_cited_in_a_sentence_is_not_the_issuer(catalog):
    rows = _lines("关于启用数字化便民应用的通知", "", "按照省人社厅《关于…的通知》（鲁人社函〔2023〕11号）要求，现通知如下：")
    assert locate_region(detect_title(rows), rows, catalog.gazetteer).evidence != "issuer"
