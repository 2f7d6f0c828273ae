"""Properties of code parsing and matching on any string at all (hostile and odd input included).

What tests/normalizers/test_split_mentions.py and test_match_catalog.py do not cover already:
``normalize_code`` on arbitrary parts, ``parse_item`` on the whole of Unicode (lone surrogates,
full-width and other script digits, very long digit runs), and the chain printed text ->
``parse_item`` -> ``match``: a code the matcher returns is always one of the catalog's.
"""
from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from normalizers.match_catalog import match
from normalizers.split_mentions import normalize_code, parse_item
from tests.normalizers.conftest import make_mention

_ANY_CHAR = st.characters()   # all of Unicode but lone surrogates (one is given as an @example)
_ANY_TEXT = st.text(_ANY_CHAR, max_size=40)
_DIGITS = st.text(st.sampled_from("0123456789０１２３４５６７８９٠١٢٣٤٥٦٧٨٩"), min_size=1, max_size=4)
_CODE_LIKE = st.lists(_DIGITS, min_size=2, max_size=3).flatmap(
    lambda parts: st.sampled_from([".", "．", " . ", ". "]).map(lambda dot: dot.join(parts)))
_PRINTED = st.lists(st.one_of(_CODE_LIKE, _ANY_TEXT, st.sampled_from(
    ["1 1. 1.5", "⑥2. 4. 2", "10 01. 1.5", "（承办：社保中心）", "（含1.6.10；1.6.13）", "职工参保登记", "就业登记",
     "求职创业补贴申领", "\n", "<p>", "9" * 300])), max_size=6).map("".join)
_CODE_SHAPE = re.compile(r"\A(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))*\Z")
FAST = settings(max_examples=150, deadline=None)


@FAST
@given(st.lists(st.one_of(st.none(), _ANY_TEXT, _DIGITS), max_size=5).map(tuple))
@example(("1" * 5000,))     # longer than int() takes from a string
@example(("a", "01", "１"))
def test_normalize_code_never_raises_and_gives_ascii_dotted_numbers(parts):
    code = normalize_code(parts)
    assert code == "" or _CODE_SHAPE.match(code)
    assert normalize_code(tuple(code.split("."))) == code          # idempotent on its own output


@FAST
@given(_PRINTED)
@example("１．１．５职工参保登记")
@example("\ud800" + "1.1.5")
def test_parse_item_on_any_text_gives_well_formed_codes(printed):
    parsed = parse_item(printed)
    assert all(_CODE_SHAPE.match(c) for c in parsed.codes)
    assert parsed.code_as_written in ("",) + parsed.codes


@FAST
@given(_PRINTED)
@example("１．１．５职工参保登记")
@example("9.99.99不存在的事项")
def test_a_code_the_matcher_returns_is_the_catalogs_or_none(index, national_codes, printed):
    parsed = parse_item(printed)
    result = match(make_mention(printed, parsed.text, printed_codes=parsed.codes), index)
    assert set(result.codes) <= national_codes
    assert result.canonical_id
    if result.codes:
        assert result.canonical_id in {"+".join(result.codes), *result.codes} or result.canonical_id in index.items
