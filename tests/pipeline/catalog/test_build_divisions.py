"""The gazetteer's data: stems and short forms of division names (``pipeline.catalog.build_divisions``)."""
from __future__ import annotations

import pytest

from pipeline.catalog.build_divisions import short_forms, stem


@pytest.mark.parametrize("name, expected", [
    ("青岛市", "青岛"), ("山东省", "山东"), ("广西壮族自治区", "广西"), ("新疆维吾尔自治区", "新疆"),
    ("香港特别行政区", "香港"), ("延边朝鲜族自治州", "延边"), ("前郭尔罗斯蒙古族自治县", "前郭尔罗斯"),
    ("大兴安岭地区", "大兴安岭"), ("锡林郭勒盟", "锡林郭勒"), ("神农架林区", "神农架"), ("沙县", "沙"),
    ("鄂伦春自治旗", "鄂伦春"), ("鄂温克族自治旗", "鄂温克"), ("伊犁哈萨克自治州", "伊犁"), ("长白朝鲜族自治县", "长白"), ("彭水苗族土家族自治县", "彭水"),
])
def test_the_stem_of_a_division_name(name, expected):
    assert stem(name) == expected


@pytest.mark.parametrize("name, level, expected", [
    ("青岛市", "city", ["青岛"]), ("延边朝鲜族自治州", "city", ["延边", "延边州"]), ("沙县", "district", []),
    ("白银区", "district", ["白银"]),
])
def test_short_forms(name, level, expected):
    assert short_forms(name, level) == expected
