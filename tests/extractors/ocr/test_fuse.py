"""Two engines' readings of a line made one (extractors/ocr/fuse.py), and the confidence the cells carry."""
from __future__ import annotations

import pytest

pytest.importorskip("extractors.ocr", reason="the OCR extra is not installed (pip install '.[ocr]')")

from extractors.ocr.fuse import (  # noqa: E402
    ALONE,
    JUNK_LEAD,
    LEAD_DISAGREES,
    check_list_numbers,
    fuse_line,
    split_lead,
)


@pytest.mark.parametrize("text, lead, body", [
    ("①1.1.5职工参保登记", "①1.1.5", "职工参保登记"),
    ("2.就业登记", "2.", "就业登记"),
    ("6-3符合条件", "6-3", "符合条件"),
    ("10 01. 1.5职工参保登记", "10 01. 1.5", "职工参保登记"),
    ("企业招用员工", "", "企业招用员工"),
    ("1", "1", ""),
], ids=["circled number and code", "list number", "scenario code", "fused markers of the seeds", "no lead",
        "a bare 序号"])
def test_a_line_is_cut_into_its_lead_and_its_words(text, lead, body):
    assert split_lead(text) == (lead, body)


@pytest.mark.parametrize("tesseract, ppocr, text", [
    ("①1.10.1社会保摩卡申领", "51.10.1社会保障卡申领", "①1.10.1社会保障卡申领"),
    ("⑩3.4.7存档人员", "63.4.7存档人员", "⑩3.4.7存档人员"),
    ("①11.5职工参保登记", "①1.1.5职工参保登记", "①1.1.5职工参保登记"),
    ("2就业登记", "2.就业登记", "2.就业登记"),
    ("①2.4.2就业登记", "2.4.2就业登记", "①2.4.2就业登记"),
], ids=["PP-OCR fuses ⑤ into the code: the ring and code as Tesseract read them, the words by PP-OCR",
        "⑩ read as 6", "Tesseract lost a dot of the code", "Tesseract skipped the full stop of 2.",
        "PP-OCR dropped the circled number"])
def test_the_lead_comes_from_tesseract_the_words_from_ppocr(tesseract, ppocr, text):
    assert fuse_line(tesseract, 0.9, ppocr, 0.99).text == text


def test_agreement_raises_and_disagreement_lowers_the_confidence():
    same = fuse_line("2.4.2就业登记", 0.6, "2.4.2就业登记", 0.97)
    words = fuse_line("2.4.2就来登记", 0.9, "2.4.2就业登记", 0.999)
    code = fuse_line("2.4.2就业登记", 0.9, "2.4.3就业登记", 0.999)
    assert same.confidence == 0.97 and same.engine == "ppocr+tesseract"
    assert fuse_line("就业登记", 0.9, "就业登记", 0.99999).confidence < 1.0, "1.0 means not read by OCR"
    assert words.confidence < 0.8, "one character in four read two ways"
    assert code.confidence <= LEAD_DISAGREES, "a code read two ways is never sure"


@pytest.mark.parametrize("tesseract, ppocr, engine", [("就业登记", "", "tesseract"), ("", "就业登记", "ppocr")],
                         ids=["only Tesseract read it", "only PP-OCR read it"])
def test_a_line_one_engine_read_has_no_second_opinion(tesseract, ppocr, engine):
    fused = fuse_line(tesseract, 0.99, ppocr, 0.99)
    assert fused.text == "就业登记" and fused.engine == engine and fused.confidence == ALONE


@pytest.mark.parametrize("texts, broken", [
    (["1.职工参保登记", "2.就业登记", "3.劳动用工备案"], [False, False, False]),
    (["1.职工参保登记", "2.就业登记", "2.劳动用工备案"], [False, False, True]),
    (["①职工参保登记", "②就业登记", "④劳动用工备案"], [False, False, True]),
    (["5.职工参保登记", "（承办：社保中心）", "6.就业登记"], [False, False, False]),
], ids=["1 2 3", "a number read twice", "a circled number skipped", "a cell going on from the page before"])
def test_list_numbers_in_a_cell_run_one_two_three(texts, broken):
    assert check_list_numbers(texts) == broken


def test_a_renumbered_circled_line_keeps_its_confidence():
    """A line whose ① became ⑤ after its reading was stored fell back to confidence 1.0 (72 lines of
    the Baiyin scan, 20 of them wrong): the confidence now travels with the line."""
    from extractors.ocr.marks import number_circles
    from extractors.ocr.read_scan import _cell_confidence
    from extractors.pdf_lines import Cell, Line
    lines = [Line(f"①{k}.1.1社会保障卡申领", 10, 200, 20.0 * k, [], 10.0, 1, confidence=c, engine="tesseract")
             for k, c in enumerate((0.95, 0.4), 1)]
    renumbered = number_circles(lines)
    assert [ln.text[0] for ln in renumbered] == ["①", "②"]
    assert [ln.confidence for ln in renumbered] == [0.95, 0.4]
    assert _cell_confidence(Cell(0, 300, renumbered)) < 0.8, "the weak line pulls the cell down"


def test_digits_tesseract_lost_come_from_ppocr_but_unsure():
    fused = fuse_line("① .职工参保登记", 0.9, "①1.1.5职工参保登记", 0.99)
    assert fused.text == "①1.1.5职工参保登记" and fused.confidence <= LEAD_DISAGREES


@pytest.mark.parametrize("tesseract, ppocr, text, unsure", [
    ("④1.1.5职工参保登记", "d01.1.5职工参保登记", "④1.1.5职工参保登记", True),
    ("1.1.5职工参保登记", "a1.1.5职工参保登记", "1.1.5职工参保登记", True),
    ("①1.1.5职工参保登记", "①1.1.5职工参保登记", "①1.1.5职工参保登记", False),
    ("2.就业登记", "2.就业登记", "2.就业登记", False),
], ids=["ring read as d0", "a speck before the code", "nothing before the code", "list number"])
def test_marks_ppocr_read_before_the_code_go_and_the_line_is_unsure(tesseract, ppocr, text, unsure):
    fused = fuse_line(tesseract, 0.95, ppocr, 0.99)
    assert (fused.confidence <= JUNK_LEAD) == unsure, fused
    assert fused.text == text


def test_words_before_a_code_are_not_marks():
    from extractors.ocr.fuse import _drop_junk_before_lead
    assert _drop_junk_before_lead("1.1.5", "参保1.1.5职工参保登记") == ("参保1.1.5职工参保登记", False)
    assert _drop_junk_before_lead("", "d01.1.5职工参保登记") == ("d01.1.5职工参保登记", False)


@pytest.mark.parametrize("tesseract, ppocr, text, confidence, engine", [
    ("①1.10.1", "51.10.1社会保障卡申领", "①1.10.1社会保障卡申领", 0.99, "ppocr+tesseract"),
    ("①1.10.1社", "51.10.1社会保障卡申领", "①1.10.1社会保障卡申领", 0.99, "ppocr+tesseract"),
    ("2.4.3", "2.4.2就业登记", "2.4.3就业登记", LEAD_DISAGREES, "ppocr+tesseract"),
    ("", "就业登记", "就业登记", 0.99, "ppocr"),
    ("", "2.就业登记", "2.就业登记", LEAD_DISAGREES, "ppocr"),
], ids=["the lead Tesseract read, the words PP-OCR's", "a sliver of the next character goes",
        "a code read two ways is unsure", "no lead: PP-OCR's own score", "a lead only PP-OCR read is unsure"])
def test_a_line_tesseract_read_only_the_lead_of_is_as_sure_as_ppocr_and_the_leads_agreement(
        tesseract, ppocr, text, confidence, engine):
    """PP-OCR read the line surely (`extractors.ocr.lead`): Tesseract read its lead or nothing; the words are
    not compared (Tesseract did not read them), the leads are."""
    fused = fuse_line(tesseract, 0.8, ppocr, 0.99, whole=False)
    assert (fused.text, fused.confidence, fused.engine) == (text, confidence, engine)
