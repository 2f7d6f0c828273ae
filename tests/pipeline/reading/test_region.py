"""Title and region of a document (``pipeline.reading.region``), on the seeds and on made titles."""
from __future__ import annotations

import pytest

from pipeline.core.records import Provenance, Row
from pipeline.reading.region import detect_region, detect_title
from tests.pipeline.reading.conftest import seed_gold, seed_rows


@pytest.mark.parametrize("stem", ["000", "001", "002", "003"])
def test_each_seed_gets_the_region_of_its_gold(stem, catalog):
    rows, gold = seed_rows(stem), seed_gold(stem)
    place = detect_region(detect_title(rows), rows, catalog.gazetteer)
    assert (place.name, place.province, place.level) == (gold["region"], gold["province"], gold["level"])


def _lines(*texts: str) -> list[Row]:
    return [Row(Provenance("a.txt", line=i), (t,)) for i, t in enumerate(texts, 1)]


def test_the_title_skips_the_attachment_mark_and_the_document_number():
    rows = _lines("附件1", "鲁人社字〔2020〕200号", "青岛人社服务“打包一件事”清单", "", "一、总体要求")
    assert detect_title(rows) == "青岛人社服务“打包一件事”清单"


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
    assert detect_region(detect_title(rows), rows, catalog.gazetteer) is None
