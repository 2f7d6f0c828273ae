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


def _grid_of(gray: np.ndarray, dpi: int):
    """(gray, ink, ruling lines) of a page image, straightened, as `page_to_image` has them before its tables."""
    from extractors.ocr.image import binarize, deepen_ink, deskew, find_ruling_lines, flatten_light
    gray = flatten_light(gray, dpi)
    ink = binarize(gray, dpi)
    gray, ink, _ = deskew(deepen_ink(gray, ink), ink, 3.5)
    return gray, ink, find_ruling_lines(ink, dpi)


def test_a_page_photographed_at_an_angle_gets_its_columns_back():
    """Page 2 of the Baiyin list as a phone photo of the tuning half (phone_tilted): its table's columns lean,
    and more columns than its 9 are found; warped back, the 9 are found and the 3 rows."""
    import pypdfium2 as pdfium
    from extractors.ocr.image import find_cells, find_ruling_lines, undo_perspective
    from tests.variants.make_scans import FAMILIES, _rng, degrade_page
    fam = FAMILIES["phone_tilted"]
    assert fam.half == "tune" and fam.perspective
    doc = pdfium.PdfDocument(str(FIXTURES / "bundle_baiyin_codes_units_landscape.pdf"))
    try:
        photo = np.asarray(degrade_page(doc[1], fam, 2, _rng("phone_tilted", "test", 1)).convert("RGB")).max(axis=2)
    finally:
        doc.close()
    gray, ink, grid = _grid_of(photo, fam.dpi)
    assert [(t.n_rows, t.n_cols) for t in find_cells(grid, fam.dpi)] != [(3, 9)]
    gray, ink, warped = undo_perspective(gray, ink, grid, fam.dpi)
    assert warped
    assert [(t.n_rows, t.n_cols) for t in find_cells(find_ruling_lines(ink, fam.dpi), fam.dpi)] == [(3, 9)]


def test_straight_scans_are_not_warped():
    import pypdfium2 as pdfium
    from extractors.ocr.image import render_page, undo_perspective
    doc = pdfium.PdfDocument(str(SCAN))
    try:
        pages = [render_page(doc[n], 300) for n in range(len(doc))]
    finally:
        doc.close()
    assert len(pages) >= 5
    for gray in pages:
        gray, ink, grid = _grid_of(gray, 300)
        assert undo_perspective(gray, ink, grid, 300)[2] is False
