"""The degraded-scan generator (make_scans.py): its families, their halves, and what a page becomes."""
from __future__ import annotations

import pytest

from tests.variants.make_scans import FAMILIES, FIXTURES, degrade_page, fixtures_of, _rng


def test_the_families_are_split_into_halves_that_each_hold_every_kind_of_trouble():
    halves = {h: [f for f in FAMILIES.values() if f.half == h] for h in ("tune", "held")}
    assert set(halves) == {f.half for f in FAMILIES.values()}
    for half, fams in halves.items():
        assert any(f.stamp for f in fams) and any(f.kind == "phone" for f in fams), half
        assert any(f.dpi < 300 for f in fams) and any(f.dpi == 300 for f in fams), half
        assert any(f.jpeg <= 50 for f in fams) and any(f.fade for f in fams) and any(f.tilt >= 2 for f in fams), half
    for f in FAMILIES.values():
        assert 150 <= f.dpi <= 300 and 30 <= f.jpeg <= 90 and abs(f.tilt) <= 3


def test_every_family_reads_the_baiyin_codes_and_one_more_fixture():
    for name in FAMILIES:
        base, other = fixtures_of(name)
        assert base.startswith("bundle_baiyin") and (FIXTURES / other).exists() and other != base


@pytest.mark.parametrize("name", ["stamp_jpeg_50", "phone_shadowed"], ids=["a red stamp", "a phone photo"])
def test_a_degraded_page_has_the_size_of_its_resolution_and_no_text(name):
    import numpy as np
    import pypdfium2 as pdfium
    fam = FAMILIES[name]
    doc = pdfium.PdfDocument(str(FIXTURES / "prose_zibo_numbered_items.pdf"))
    try:
        width = doc[0].get_width()
        image = degrade_page(doc[0], fam, 1, _rng(name))
    finally:
        doc.close()
    assert abs(image.width - width * fam.dpi / 72) <= 2
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    if fam.stamp:   # red over the page, pale in its brightest channel (what the OCR reader reads)
        red = (pixels[..., 0] - pixels[..., 1] > 80)
        assert red.sum() > 1000
