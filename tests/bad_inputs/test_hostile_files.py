"""Hostile packages are refused before they cost anything, and the parser underneath is safe too."""
from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from pipeline.core.errors import ConfigError, HostileInput
from pipeline.core.limits import (
    Deadline,
    Limits,
    check_zip_members,
    limits_from_options,
)
from tests.bad_inputs.make_bad_inputs import docx_entity_bomb, docx_zip_bomb


def test_the_docx_parser_does_not_expand_an_entity_bomb():
    """python-docx's lxml parser (resolve_entities=False, libxml2's amplification guard) either leaves
    the references unexpanded or stops at once; it never builds the 10^9 copies."""
    from docx.oxml.parser import parse_xml
    from lxml.etree import XMLSyntaxError
    with zipfile.ZipFile(io.BytesIO(docx_entity_bomb())) as zf:
        xml = zf.read("word/document.xml")
    started = time.monotonic()
    try:
        text = "".join(parse_xml(xml).itertext())
    except XMLSyntaxError as err:
        assert "amplification" in str(err) or "entity" in str(err).lower()
        text = ""
    assert time.monotonic() - started < 1.0
    assert len(text) < 100_000 and "哈哈哈哈" not in text


def test_a_zip_bomb_is_judged_from_its_directory_without_inflating_it(tmp_path: Path, monkeypatch):
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(docx_zip_bomb())

    def refuse_to_read(*args, **kwargs):
        raise AssertionError("a member was opened")
    with zipfile.ZipFile(bomb) as zf:
        monkeypatch.setattr(zf, "open", refuse_to_read)
        with pytest.raises(HostileInput, match=r"word/media/image1\.bin would unpack \d+ times"):
            check_zip_members(zf, "bomb.docx", Limits())


def test_a_large_but_plain_package_is_refused_by_its_unpacked_size_not_as_a_bomb(tmp_path: Path):
    big = tmp_path / "big.docx"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as zf:   # stored: ratio 1, nothing hostile
        zf.writestr("word/document.xml", b"<w:document/>" * 100_000)
    with zipfile.ZipFile(big) as zf, pytest.raises(Exception) as err:
        check_zip_members(zf, "big.docx", Limits(max_unpacked_bytes=1_000_000))
    assert err.value.code == "E150" and "would unpack to 1.2 MB, more than the limit of 976.6 kB" in str(err.value)


@pytest.mark.parametrize("values, named", [
    ({"max_pages": 1.5}, "Limits.max_pages must be a whole number from 1 to 100000 (pages), not 1.5"),
    ({"max_pages": True}, "Limits.max_pages must be a whole number from 1 to 100000 (pages), not True"),
    ({"max_seconds_per_file": 0}, "Limits.max_seconds_per_file must be a number from 1e-06 to 86400 (seconds), not 0"),
    ({"max_unpack_ratio": "200"}, "Limits.max_unpack_ratio must be a whole number from 1 to 100000 (times), not '200'"),
], ids=["fractional pages", "boolean pages", "zero seconds", "ratio as text"])
def test_a_bad_limit_is_named_with_what_is_allowed(values, named):
    with pytest.raises(ConfigError) as err:
        Limits(**values)
    assert err.value.message == named


def test_limits_from_options_converts_megabytes_and_keeps_defaults():
    limits = limits_from_options(max_file_mb=2, max_seconds=3.5)
    assert limits == Limits(max_file_bytes=2 * 1024 * 1024, max_seconds_per_file=3.5)


def test_a_deadline_is_quiet_inside_its_budget_and_names_the_place_after_it():
    Deadline(Limits(), "a.pdf").check("page 1")
    late = Deadline(Limits(max_seconds_per_file=1), "a.pdf", started=time.monotonic() - 2)
    with pytest.raises(Exception, match=r"\[E150\] a\.pdf: reading took 2\.0 s, more than the limit of 1 s "
                                        r"\(stopped at page 7\)"):
        late.check("page 7")
