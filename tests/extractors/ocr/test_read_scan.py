"""OCR path on the committed scans (tests/fixtures/scans, made by tests/fixtures/make_scans.py)."""
from __future__ import annotations

import json

import pytest

from extractors import extract_rows as extract_pdf_rows  # the dispatcher hands scans to OCR
from pipeline.core.errors import ConfigError, UnreadableInput
from pipeline.core.limits import Deadline, Limits
from tests.conftest import CATALOG
from tests.extractors.expected_rows import FIXTURES

SCANS = FIXTURES / "scans"
MANIFEST = json.loads((SCANS / "manifest.json").read_text(encoding="utf-8"))

# The suite runs on shared machines (5 agents on 2 cores): OCR of a 7-page scan can take longer there than
# the per-file limit of a run (the limit has its own tests); these tests are about reading.
PATIENT = Limits(max_seconds_per_file=3600)


def _patient(rel: str) -> Deadline:
    return Deadline(PATIENT, rel)


ocr = pytest.importorskip("extractors.ocr", reason="the OCR extra is not installed (pip install '.[ocr]')")
needs_tesseract = pytest.mark.skipif(not ocr.tesseract_available(),
                                     reason="tesseract with chi_sim is not installed "
                                            "(apt-get install tesseract-ocr tesseract-ocr-chi-sim)")


def test_every_seed_rendering_has_scans_at_two_resolutions_and_no_text_layer():
    import pdfplumber
    stems = {p.stem for p in FIXTURES.glob("*.pdf") if p.with_suffix(".docx").exists()}
    assert {(m["from"][:-4], m["dpi"]) for m in MANIFEST.values()} == {(s, d) for s in stems for d in (200, 300)}
    for name in MANIFEST:
        with pdfplumber.open(SCANS / name) as pdf:
            assert not any(page.chars for page in pdf.pages), name
    assert sum(p.stat().st_size for p in SCANS.glob("*.pdf")) < 4_000_000


@pytest.mark.parametrize("value, name", [({"dpi": 50}, "dpi"), ({"psm": 7}, "psm"), ({"max_skew": -1}, "max_skew"),
                                         ({"reread_scale": 0}, "reread_scale")],
                         ids=["dpi too low", "unknown page segmentation", "negative skew", "second reading at no size"])
def test_bad_settings_are_named(value, name):
    with pytest.raises(ConfigError, match=f"OcrSettings.{name}"):
        ocr.OcrSettings(**value)


def test_without_tesseract_a_scan_is_refused_with_how_to_install_it(monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_available", lambda lang="chi_sim": False)
    with pytest.raises(UnreadableInput) as err:
        list(extract_pdf_rows(SCANS / "prose_zibo_numbered_items.scan300.pdf", "raw/淄博/附件.pdf"))
    assert err.value.code == "E120"   # NeedsOcr
    assert "tesseract-ocr-chi-sim" in err.value.render() and "raw/淄博/附件.pdf" in err.value.render()


@pytest.fixture(scope="module")
def qingdao_rows():
    if not ocr.tesseract_available():
        pytest.skip("tesseract with chi_sim is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
    path = SCANS / "bundle_qingdao_merged_cells.scan300.pdf"
    return list(extract_pdf_rows(path, path.name, deadline=_patient(path.name)))   # the wire-in is tested too


@needs_tesseract
def test_a_scanned_bundle_list_gives_the_rows_of_the_born_digital_one(qingdao_rows):
    from rapidfuzz.distance import Levenshtein
    want = json.loads((FIXTURES / "bundle_qingdao_merged_cells.pdf.expected.json").read_text(encoding="utf-8"))
    table = [r for r in qingdao_rows if r.where.table == 1]
    rows = want["tables"][0]["rows"]
    assert table[0].cells == tuple(rows[0]), "the header comes first, once"
    assert abs(len(table) - len(rows)) <= 1, "repeated headers dropped and cut rows joined"
    assert [r.where.page for r in table] == sorted(r.where.page for r in table) and table[-1].where.page == 5
    squeeze = lambda t: "".join((t or "").split())
    total = sum(len(squeeze(c)) for row in rows for c in row)
    errors = sum(Levenshtein.distance(squeeze(a), squeeze(b)) for g, w in zip(table, rows) for a, b in zip(g.cells, w))
    assert 1 - errors / total >= 0.9, f"character accuracy {1 - errors / total:.3f}"
    merged = [r for r in table[1:] if r.cells[1] is None]
    assert len(merged) >= 10, "merged 主题名称 cells are None below their first row"


@needs_tesseract
def test_rows_carry_confidences_and_cell_boxes(qingdao_rows):
    table = [r for r in qingdao_rows if r.where.table == 1]
    for row in table:
        assert len(row.confidences) == len(row.cells) == len(row.boxes)
        assert all((c is None) == (b is None) for c, b in zip(row.cells, row.boxes))
        assert all(c is None or 0 <= c <= 1 for c in row.confidences)
        assert len(row.engines) == len(row.cells)
        assert all((t is None) == (e is None) for t, e in zip(row.cells, row.engines))
        assert all(e is None or (e == "") == (t == "") for t, e in zip(row.cells, row.engines))
        assert all(b is None or (0 <= b[0] < b[2] <= 842 and 0 <= b[1] < b[3] <= 842) for b in row.boxes)
    confidences = [c for r in table for c in r.confidences if c is not None]
    assert sum(confidences) / len(confidences) > 0.8
    assert all(r.confidences == () for r in extract_pdf_rows(FIXTURES / "bundle_qingdao_merged_cells.pdf", "x"))


@needs_tesseract
def test_ocr_confidence_reaches_the_mentions_and_poorly_read_ones_are_flagged(qingdao_rows, catalog):
    from dataclasses import replace

    from normalizers.match_catalog import match, ocr_needs_review
    from pipeline.reading.document import rows_to_extraction
    mentions = rows_to_extraction(qingdao_rows, "scan.pdf", catalog).mentions
    assert len(mentions) >= 0.9 * 160
    assert all(0 < m.ocr_confidence < 1.0 for m in mentions), "every mention was read by OCR"
    for m in mentions:
        method = match(replace(m, ocr_confidence=1.0), catalog.index).method
        if ocr_needs_review(m.ocr_confidence, method):
            assert match(m, catalog.index).needs_review, m



@needs_tesseract
@pytest.mark.parametrize("scan", ["prose_zibo_numbered_items.scan300.pdf", "bundle_shandong_three_lists.scan300.pdf"],
                         ids=["prose list", "three lists, 7 pages (84% of items before cells were read line by line)"])
def test_a_scanned_list_meets_the_gold_floors(tmp_path, golds, scan):
    from pipeline.dataset.tables import load
    from pipeline.evaluate.score import score_items
    from pipeline.runner.runner import RunOptions, run
    path = SCANS / scan
    report = run([path], RunOptions(out_dir=tmp_path, catalog_dir=CATALOG, root=SCANS, limits=PATIENT))
    assert not report.refused
    items = load(tmp_path)["items"]
    s = score_items(items, golds[MANIFEST[path.name]["made_from"]])
    assert s.recovered_share >= 0.95 and s.f1 >= 0.95 and s.unflagged_precision >= 0.99, s.as_dict()
    assert set(items["page"]) == set(range(1, 1 + max(items["page"])))


def _ink(*bands: tuple[int, int], height: int = 200, width: int = 120):
    """An ink mask with full-width bands of ink rows (top, bottom inclusive)."""
    import numpy as np
    mask = np.zeros((height, width), dtype=bool)
    for top, bottom in bands:
        mask[top:bottom + 1, 10:100] = True
    return mask


@pytest.mark.parametrize("bands, lines", [
    ([(10, 49), (60, 99)], 2),
    ([(10, 49), (60, 99), (110, 149)], 3),
    ([(10, 49), (60, 99), (110, 114), (130, 134)], 2),   # thin bands (the strokes of 二) join the line above
    ([(10, 49), (52, 53)], 1),               # a dot under a line belongs to it
    ([], 0),
], ids=["two lines", "three lines", "strokes of a character", "a dot under a line", "an empty cell"])
def test_a_cell_is_cut_into_its_printed_lines(bands, lines):
    from extractors.ocr.image import split_text_lines
    mask = _ink(*bands)
    cut = split_text_lines(mask, 300)
    assert len(cut) == lines
    inked = [y for y in range(mask.shape[0]) if mask[y].any()]
    assert all(any(top <= y < bottom for top, bottom in cut) for y in inked), "no ink row is lost"
    assert all(a[1] <= b[0] for a, b in zip(cut, cut[1:])), "lines do not overlap"


@needs_tesseract
def test_a_short_last_line_under_a_long_one_is_read_apart():
    """Shandong scan, page 1, 1-1 必做事项: "2.缴费人员增减申" over "报" was read as "2全" in one piece."""
    cells = ocr.debug_page(SCANS / "bundle_shandong_three_lists.scan300.pdf", 1)["tables"][0][1][3]
    assert "".join(cells) == "1.职工参保登记2.缴费人员增减申报3.就业登记4.劳动合同新订备案"


def _column(texts: list[str], col: int = 0):
    """First-reading characters and page boxes of one table column, a cell per text, under a header."""
    from extractors.ocr.image import GridCell
    chars, boxes = [], []
    for row, text in enumerate(["序号"] + texts):
        cell = (0, GridCell(row, col, row, col, (0, 40 * row, 50, 40 * row + 30)))
        boxes.append((0, 40 * row, 50, 40 * row + 30, cell))
        chars += [ocr.OcrChar(ch, (k * 10, 40 * row, k * 10 + 9, 40 * row + 30), 0.9, row, row, cell) for k, ch in
                  enumerate(text)]
    return chars, boxes


@pytest.mark.parametrize("texts, col, again", [
    (["1", "2", "直", "4"], 3, ["直"]),
    (["3", "直"], 0, ["直"]),
    (["3", "直"], 2, []),
    (["21，", "22", "", "24"], 1, ["21，", ""]),
    (["是", "否", "1", "是"], 1, []),
    (["1", "2", "企业招聘"], 1, []),
], ids=["a misread number among numbers", "two bundles on a page, first column", "two cells elsewhere",
        "a number with a stray comma and one read as nothing", "a yes/no column", "a long cell is no number"])
def test_number_columns_are_found_and_only_their_misread_cells_are_read_again(texts, col, again):
    from extractors.ocr.reread import find_number_columns
    chars, boxes = _column(texts, col)
    found = find_number_columns(chars, boxes)
    read = {box[4]: "".join(c.text for c in chars if c.cell == box[4]) for box in found}
    assert sorted(read.values()) == sorted(again)


@needs_tesseract
@pytest.mark.parametrize("scan, page, table_rows", [
    ("bundle_qingdao_merged_cells.scan200.pdf", 2, {2: "4", 3: "5"}),
    ("catalog_social_insurance_merged_categories.scan200.pdf", 1, {1: "1", 2: "2", 3: "3"}),
], ids=["序号 4 read as 直 at 200 dpi", "序号 1 and 2 read as 工 and nothing at 200 dpi"])
def test_misread_row_numbers_are_read_again_as_digits(scan, page, table_rows):
    table = ocr.debug_page(SCANS / scan, page)["tables"][0]
    assert {r: "".join(table[r][0]) for r in table_rows} == table_rows


def _line(words: list[tuple[str, float, int]]):
    """Characters of one line: (word text, confidence, left edge in px), 30 px high, 30 px a character."""
    chars = []
    for w, (text, conf, x) in enumerate(words):
        chars += [ocr.OcrChar(ch, (x + 30 * k, 0, x + 30 * k + 28, 30), conf, w, 1) for k, ch in enumerate(text)]
    return chars


@pytest.mark.parametrize("words, text", [
    ([("6.个人住房公积金账户设立", 0.9, 0), ("1", 0.49, 1000)], "6.个人住房公积金账户设立"),
    ([("|", 0.41, 0), ("附件1", 0.96, 300)], "附件1"),
    ([("医疗保险参保登记", 0.9, 0), ("1", 0.52, 400), ("和", 0.0, 900)], "医疗保险参保登记"),
    ([("承办", 0.9, 0), ("股", 0.9, 300)], "承办 股"),
    ([("就业登记", 0.9, 0), ("1", 0.5, 125)], "就业登记1"),
], ids=["a speck read as 1 far right", "a speck read as | far left", "two specks in a row",
        "a well read word far out stays", "a poorly read word close by stays"])
def test_poorly_read_specks_far_from_the_text_are_dropped(words, text):
    from extractors.ocr.chars import chars_to_line
    line, _ = chars_to_line(_line(words), 1, 72 / 300, ocr.OcrSettings().space_share)
    assert line.text == text


@needs_tesseract
def test_a_scanned_prose_list_at_200_dpi_keeps_its_second_attachment_and_loses_its_specks():
    text = ocr.debug_page(SCANS / "prose_zibo_numbered_items.scan200.pdf", 1)["text"]
    assert "附件2" in text, "附件 2 | 1 was read with a speck or two and dropped as a whole"
    assert "6.个人住房公积金账户设立" in text


@needs_tesseract
def test_items_found_in_scanned_prose_carry_their_line_confidence(catalog):
    from pipeline.reading.document import rows_to_extraction
    path = SCANS / "prose_zibo_numbered_items.scan300.pdf"
    rows = list(extract_pdf_rows(path, path.name, deadline=_patient(path.name)))
    mentions = rows_to_extraction(rows, path.name, catalog).mentions
    assert len(mentions) >= 13 and all(m.where.table == 0 for m in mentions)
    assert all(0 < m.ocr_confidence < 1.0 for m in mentions), "every line was read by OCR"
    line_confidence = {r.where: r.confidences[0] for r in rows}
    assert all(m.ocr_confidence == line_confidence[m.where] for m in mentions)


@pytest.mark.parametrize("boxes, ink, kept", [
    ([(10, 0, 34, 60), (14, 12, 50, 40)], [(16, 12, 30, 40)], 2),
    ([(0, 10, 30, 40), (20, 10, 50, 40)], [(22, 10, 48, 40)], 1),
    ([(10, 10, 11, 36), (50, 0, 68, 40)], [(20, 20, 26, 36), (50, 0, 68, 40)], 2),
    ([(10, 10, 11, 36), (50, 0, 68, 40)], [(50, 0, 68, 40)], 1),
    ([(10, 60, 40, 86), (50, 60, 80, 95)], [(12, 62, 38, 80)], 1),
    ([(-4, -6, 30, 20)], [(0, 0, 20, 10)], 1),
], ids=["a digit whose loose box the next one overlaps but for a sliver", "a quote read on blank paper",
        "a semicolon squeezed to a 1 px box", "a 1 px box with nothing after it",
        "boxes stretched past the page's bottom edge", "a box past the top left corner"])
def test_characters_read_on_blank_paper_go_and_loosely_boxed_ones_stay(boxes, ink, kept):
    import numpy as np

    from extractors.ocr.chars import drop_chars_without_ink
    image = np.full((80, 120), 255, dtype=np.uint8)
    for x0, y0, x1, y1 in ink:
        image[y0:y1, x0:x1] = 0
    chars = [ocr.OcrChar("x", box, 0.9, k, 1) for k, box in enumerate(boxes)]
    assert len(drop_chars_without_ink(chars, image)) == kept


@pytest.mark.parametrize("name, dpi", [("scans/bundle_qingdao_merged_cells.scan200.pdf", 200),
                                       ("scans/bundle_qingdao_merged_cells.scan300.pdf", 300),
                                       ("bundle_qingdao_merged_cells.pdf", None)],
                         ids=["200 dpi scan", "300 dpi scan", "born-digital page"])
def test_the_resolution_a_page_was_scanned_at_is_read_from_its_image(name, dpi):
    import pypdfium2 as pdfium

    from extractors.ocr.image import scan_dpi
    doc = pdfium.PdfDocument(str(FIXTURES / name))
    try:
        found = scan_dpi(doc[0])
    finally:
        doc.close()
    assert found == dpi if dpi is None else round(found) == dpi
    assert ocr.OcrSettings().scale_for(found) == (0.7 if dpi in (300, None) else 1.25)


@needs_tesseract
def test_unsure_lines_read_again_at_another_scale_lose_a_phantom_character():
    """chi_sim reads a 和 that is not printed before 死亡 in five cells of this page (word confidence 0.0-0.4)."""
    tables = ocr.debug_page(SCANS / "catalog_social_insurance_merged_categories.scan300.pdf", 3,
                            ocr.OcrSettings(engines="tesseract"))["tables"]   # PP-OCR, when there, needs no second reading
    cells = ["".join(c) for t in tables for row in t for c in row if c]
    assert sum("和死亡" in c for c in cells) <= 2
    assert "申请变更企业离退休死亡人员待遇发放信息" in cells


@needs_tesseract
def test_a_ring_is_found_when_chi_sim_stretched_other_boxes_of_the_line():
    """Baiyin scan, page 3: "⑦3.4.1档案的接收和转递(流动人员)" has boxes 1.5 lines high; the ring was read as "@)"."""
    tables = ocr.debug_page(SCANS / "bundle_baiyin_codes_units_landscape.scan300.pdf", 3)["tables"]
    lines = [ln for t in tables for row in t for c in row if c for ln in c if "3.4.1档案" in ln or "2.4.2就业登记" in ln]
    assert lines and all("\u2460" <= ln[0] <= "\u2473" for ln in lines), lines


@needs_tesseract
def test_every_cell_says_which_engine_read_it(qingdao_rows):
    engines = {e for r in qingdao_rows if r.where.table for e in r.engines if e}
    if ocr.ppocr_available():
        assert engines <= {"ppocr", "ppocr+tesseract", "tesseract"} and "ppocr" in engines
        assert "ppocr+tesseract" in engines, "list markers and 序号 are Tesseract's"
    else:
        assert engines == {"tesseract"}


def test_without_rapidocr_tesseract_reads_alone(monkeypatch):
    from extractors import engines
    from extractors.ocr import ppocr, read_scan
    monkeypatch.setattr(ppocr, "ppocr_available", lambda: False)
    monkeypatch.setattr(engines, "ppocr_available", lambda: False)
    assert ppocr.make_engine() is None
    assert "ppocr" not in read_scan.available_engines()


@pytest.mark.parametrize("value", ["paddle", "", None], ids=["unknown engine", "empty", "none"])
def test_an_unknown_engine_setting_is_named_with_the_choices(value):
    with pytest.raises(ConfigError, match="OcrSettings.engines must be one of auto, tesseract"):
        ocr.OcrSettings(engines=value)


@needs_tesseract
@pytest.mark.skipif(not ocr.ppocr_available(), reason="rapidocr-onnxruntime is not installed (pip install '.[ocr]')")
def test_circled_numbers_ppocr_lacks_keep_their_ring_and_code():
    """Baiyin scan, page 1: PP-OCR reads "⑤1.10.1" as "51.10.1" (its character set has no ⑤); the ring is
    Tesseract's (found in the image), the words PP-OCR's."""
    cell = ocr.debug_page(SCANS / "bundle_baiyin_codes_units_landscape.scan300.pdf", 1)["tables"][0][1][1]
    text = "".join(cell)
    for want in ("⑤1.10.1社会保障卡申领", "⑥2.4.2就业登记", "⑨3.4.1档案的接收和转递", "①1.1.5职工参保登记"):
        assert want in text, text


@pytest.mark.skipif(not ocr.ppocr_available(), reason="rapidocr-onnxruntime is not installed (pip install '.[ocr]')")
def test_lines_read_one_at_a_time_give_the_wheels_texts_and_each_characters_probability():
    """`read_lines` runs the recogniser crop by crop at the crop's own width and decodes it itself: the texts
    are the wheel's own (batched, padded to 320 px) but for punctuation, the score is the mean of the
    characters' probabilities, one probability per character."""
    from extractors.ocr.fuse import _same
    from extractors.ocr.image import page_boxes
    from extractors.ocr.ppocr import line_crops, make_engine, read_lines
    settings = ocr.OcrSettings()
    clean, tables = _first_page("bundle_qingdao_merged_cells.scan300.pdf", settings)
    crops = line_crops(clean, page_boxes(clean, tables, settings.dpi), settings.dpi)
    engine = make_engine()
    mine = read_lines(engine, crops)
    wheel, _ = engine(list(crops.values()))
    assert len(mine) == len(crops) > 20
    same = sum(_same(m.text, w[0]) == 1.0 for m, w in zip(mine.values(), wheel))
    assert same >= 0.95 * len(crops), [(m.text, w[0]) for m, w in zip(mine.values(), wheel) if m.text != w[0]]
    for line in mine.values():
        assert len(line.probs) == len(line.text)
        assert line.score == pytest.approx(sum(line.probs) / len(line.probs), abs=1e-3) if line.probs else line.score == 0
        assert all(0 <= p <= 1 for p in line.probs)


@needs_tesseract
@pytest.mark.skipif(not ocr.ppocr_available(), reason="rapidocr-onnxruntime is not installed (pip install '.[ocr]')")
def test_tesseract_reads_the_leads_of_lines_ppocr_read_surely_and_the_whole_of_the_rest():
    """Baiyin scan, page 1: Tesseract reads the rings and codes at the starts of the lines ("⑤1.10.1"), the
    序号 and what PP-OCR was unsure of, not the words PP-OCR read surely: under half of the lines' paper."""
    from extractors.ocr.image import page_boxes
    from extractors.ocr.lead import PP_SURE, tesseract_parts
    from extractors.ocr.ppocr import line_crops, make_engine, read_lines
    settings = ocr.OcrSettings()
    clean, tables = _first_page("bundle_baiyin_codes_units_landscape.scan300.pdf", settings)
    boxes = page_boxes(clean, tables, settings.dpi)
    pp = read_lines(make_engine(), line_crops(clean, boxes, settings.dpi))
    parts, partial = tesseract_parts(clean, boxes, pp, settings.dpi)
    whole = [b for b in parts if b in boxes]
    leads = {(b[1], b[0], b[4]): b for b in parts if b not in boxes}
    assert all(b in whole for b in boxes if b[4] is None), "text outside tables: Tesseract's alone"
    assert all(b in whole for k, b in enumerate(boxes) if k in pp and min(pp[k].probs, default=0) < PP_SURE)
    assert all(min(pp[k].probs) >= PP_SURE for k in partial)
    coded = [k for k in partial if pp[k].text[:1].isdigit() or "\u2460" <= pp[k].text[0] <= "\u2473"]
    assert len(coded) >= 4
    for k in coded:
        a, b, c, d, cell = boxes[k]
        lead = leads[(b, a, cell)]
        assert a < lead[2] < c and lead[1::2] == (b, d)
        assert not (clean[b:d, lead[2] - 1] < 128).any(), "the lead's box ends in the white between characters"
    width = lambda bs: sum((b[2] - b[0]) * (b[3] - b[1]) for b in bs)
    assert width(parts) < 0.5 * width(boxes)


def _first_page(name: str, settings):
    """(clean image, tables) of the first page of scan ``name``, prepared as the reader prepares it."""
    import pypdfium2 as pdfium
    from extractors.ocr.read_scan import page_to_image
    doc = pdfium.PdfDocument(str(SCANS / name))
    try:
        return page_to_image(doc[0], settings)
    finally:
        doc.close()


def _tesseract_stacks(name: str, pages: int, settings):
    """The stacks Tesseract alone reads on the first ``pages`` pages of scan ``name``, and where each is."""
    import pypdfium2 as pdfium
    from extractors.ocr.image import page_boxes, stack_boxes
    from extractors.ocr.read_scan import page_to_image
    doc = pdfium.PdfDocument(str(SCANS / name))
    try:
        stacks = []
        for n in range(pages):
            clean, tables = page_to_image(doc[n], settings)
            stacks.append(stack_boxes(clean, page_boxes(clean, tables, settings.dpi), tables, settings.dpi)[0])
    finally:
        doc.close()
    return stacks, [f"{name}, page {n + 1}" for n in range(pages)]


@needs_tesseract
def test_pages_read_in_one_tesseract_call_are_read_as_each_page_alone():
    """One Tesseract call reads the stacks of several pages (a multi-page TIFF); each page's characters are
    those of its own call: the same texts, boxes and confidences, in the same lines and words."""
    from extractors.ocr.read_scan import read_page_chars, read_stacks_chars
    settings = ocr.OcrSettings(engines="tesseract")
    stacks, wheres = _tesseract_stacks("bundle_shandong_three_lists.scan200.pdf", 3, settings)
    together = read_stacks_chars(stacks, settings, wheres)
    alone = [read_page_chars(stack, settings, where) for stack, where in zip(stacks, wheres)]
    assert [len(chars) for chars in together] == [len(chars) for chars in alone]
    assert all(len(chars) > 100 for chars in alone)
    assert together == alone


@needs_tesseract
def test_when_the_call_of_several_pages_fails_each_page_is_read_alone_and_a_failure_names_its_page(monkeypatch):
    from extractors.ocr import read_scan
    settings = ocr.OcrSettings(engines="tesseract")
    stacks, wheres = _tesseract_stacks("bundle_shandong_three_lists.scan200.pdf", 2, settings)
    real, calls = read_scan._tesseract, []

    def tiff_fails(image, settings, where, *args, **kwargs):
        calls.append(image[:2])
        if image[:2] in (b"II", b"MM"):   # a TIFF: the call of several pages
            raise UnreadableInput("Tesseract could not read the page", where=where)
        return real(image, settings, where, *args, **kwargs)

    monkeypatch.setattr(read_scan, "_tesseract", tiff_fails)
    got = read_scan.read_stacks_chars(stacks, settings, wheres)
    assert len(calls) == 3 and all(chars for chars in got)

    def second_fails(image, settings, where, *args, **kwargs):
        if where == wheres[1] or image[:2] in (b"II", b"MM"):
            raise UnreadableInput("Tesseract could not read the page", where=where)
        return real(image, settings, where, *args, **kwargs)

    monkeypatch.setattr(read_scan, "_tesseract", second_fails)
    with pytest.raises(UnreadableInput) as err:
        read_scan.read_stacks_chars(stacks, settings, wheres)
    assert err.value.where == wheres[1]


@pytest.mark.skipif(not ocr.ppocr_available(), reason="rapidocr-onnxruntime is not installed (pip install '.[ocr]')")
def test_chinese_words_read_as_well_from_crops_squeezed_sideways(monkeypatch):
    """`line_crops` squeezes each crop to ``SQUEEZE`` of its width (less work for the recogniser): on a page
    of the Baiyin scan the Chinese characters of nearly every line are those read at the full width."""
    from extractors.ocr import ppocr
    from extractors.ocr.image import page_boxes
    settings = ocr.OcrSettings()
    clean, tables = _first_page("bundle_baiyin_codes_units_landscape.scan300.pdf", settings)
    boxes = page_boxes(clean, tables, settings.dpi)
    engine = ppocr.make_engine()
    squeezed = ppocr.read_lines(engine, ppocr.line_crops(clean, boxes, settings.dpi))
    monkeypatch.setattr(ppocr, "SQUEEZE", 1.0)
    full = ppocr.read_lines(engine, ppocr.line_crops(clean, boxes, settings.dpi))
    assert squeezed.keys() == full.keys() and len(full) > 50
    han = lambda text: "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    same = sum(han(squeezed[k].text) == han(full[k].text) for k in full)
    assert same >= 0.97 * len(full), [(squeezed[k].text, full[k].text) for k in full
                                      if han(squeezed[k].text) != han(full[k].text)]
