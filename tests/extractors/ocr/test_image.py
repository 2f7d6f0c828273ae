"""Page images for OCR (extractors/ocr/image.py) on the committed scans."""
from __future__ import annotations

import pytest

pytest.importorskip("extractors.ocr", reason="the OCR extra is not installed (pip install '.[ocr]')")

import numpy as np  # noqa: E402

from tests.extractors.expected_rows import FIXTURES  # noqa: E402

SCAN = FIXTURES / "scans" / "bundle_baiyin_codes_units_landscape.scan300.pdf"


@pytest.fixture(scope="module")
def page_gray():
    import pypdfium2 as pdfium

    from extractors.ocr.image import render_page
    doc = pdfium.PdfDocument(str(SCAN))
    try:
        page = doc[0]
        rgb = np.asarray(page.render(scale=200 / 72).to_pil().convert("RGB"))
        return render_page(page, 200), rgb
    finally:
        doc.close()


def test_a_page_is_rendered_as_its_brightest_channel(page_gray):
    gray, rgb = page_gray
    assert gray.dtype == np.uint8 and gray.shape == rgb.shape[:2]
    assert np.array_equal(gray, rgb.max(axis=2))


@pytest.mark.parametrize("fade", [0.0, 0.6], ids=["black print: unchanged", "faded print: stretched"])
def test_faded_ink_is_deepened_by_its_twentieth_percentile(page_gray, fade):
    """The percentile from the ink's histogram and the stretch from a table of grey levels give what
    ``np.percentile`` over the ink's pixels and the stretch pixel by pixel give."""
    from extractors.ocr.image import binarize, deepen_ink
    gray = page_gray[0]
    gray = (255 - (255 - gray.astype(np.float32)) * (1 - fade)).astype(np.uint8)
    ink = binarize(gray, 200)
    lo = float(np.percentile(gray[ink > 0], 20))
    want = gray if lo <= 40 else \
        np.clip((gray.astype(np.float32) - lo) * 255 / max(255 - lo, 1), 0, 255).astype(np.uint8)
    assert (lo > 40) == bool(fade)
    assert np.array_equal(deepen_ink(gray, ink), want)
