"""The bad-input corpus (``make_bad_inputs.py``) run in one go, through the library and the CLI.

Every kind has one precise outcome: read (status ok or warning, every row in the dataset) or
refused with a stable code and a message that names the file, the reason and what to do.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from tests.bad_inputs.make_bad_inputs import (
    FIXTURES,
    KINDS,
    PASSWORD,
    SEEDS,
    make_corpus,
)
from tests.conftest import CATALOG

_SEED_QINGDAO = SEEDS / "000_7dd4aa0705870e63.txt"
_SEED_CATALOG = SEEDS / "004_eaa179039b1c9c6b.txt"
_ZIBO_PDF = FIXTURES / "prose_zibo_numbered_items.pdf"

# kind -> (status, code, what the message says after "[code] file: " (a regex), file whose rows it must equal)
OUTCOMES: dict[str, tuple[str, str, str, Path | None]] = {
    "empty file": ("refused", "E100", r"the file is empty — check that the right file", None),
    "blanks only": ("refused", "E100", r"the file is empty \(blanks only\)", None),
    "zero-byte PDF": ("refused", "E100", r"the file is empty", None),
    "truncated PDF": ("refused", "E100", r"the PDF cannot be parsed \(\w+\) — re-save or re-download", None),
    "encrypted PDF with a user password": ("refused", "E110", r"the PDF is encrypted \(password protected\) — "
                                                               r"give its password with --password", None),
    "encrypted PDF with only an owner password": ("ok", "", "", _ZIBO_PDF),
    "PDF fonts without a ToUnicode map": ("refused", "E120", r"page 1: \d+ of \d+ characters come out as \(cid:N\): "
                                                              r"the fonts have no Unicode map — run it through OCR", None),
    "image-only PDF": ("refused", "E120", r"a scanned PDF \(page images, no text layer\).* — install ", None),
    "500-page PDF": ("refused", "E150", r"the PDF has 500 pages, more than the limit of 300 — .*--max-pages", None),
    "DOCX that is not a zip": ("refused", "E200", r"the name says Word \(\.docx\) but the file is plain text — .*"
                                                   r"rename it to \.txt", None),
    "web page saved as .doc": ("refused", "E300", r"no bundle, speed-up, hot or catalog list was found", None),
    "truncated DOCX": ("refused", "E200", r"the file starts like a ZIP package \(\.docx/\.xlsx/\.ods/\.ofd\) but is "
                                                 r"damaged or cut short",
                       None),
    "DOCX zip bomb": ("refused", "E160", r"member word/media/image1\.bin would unpack \d+ times its packed size "
                                         r"\(64 MB\), more than the limit of 200 times: a zip bomb", None),
    "DOCX XML entity bomb": ("refused", "E160", r"part word/document\.xml declares a DOCTYPE or XML entities", None),
    "DOCX external entity": ("refused", "E160", r"part word/document\.xml declares a DOCTYPE or XML entities", None),
    "old Word .doc": ("refused", "E100", r"an old binary Office file \(\.doc/\.wps/\.xls/\.et\) that is damaged or cut "
                                         r"short \(OleFileError\) — re-download it", None),
    "WPS .wps": ("refused", "E100", r"an old binary Office file \(\.doc/\.wps/\.xls/\.et\) that is damaged", None),
    "Excel .xlsx list": ("refused", "E300", r"no bundle, speed-up, hot or catalog list was found", None),
    "TXT in Big5": ("ok", "", "", _SEED_QINGDAO),
    "TXT in GBK": ("ok", "", "", _SEED_QINGDAO),
    "TXT in UTF-16 with BOM": ("ok", "", "", SEEDS / "001_d4e3f231794595e4.txt"),
    "TXT in UTF-16 without BOM": ("ok", "", "", _SEED_CATALOG),
    "binary garbage named .txt": ("refused", "E100", r"the file holds binary data, not text", None),
    "table with no recognisable header": ("warning", "", r"no_header\.txt, table 1, row 1, line 1: header words this "
                                                             r"tool does not know \(列3 \| 列4 \| 列5 \| 列6 \| 列7\): their "
                                                             r"columns were read from their content \(category, main, "
                                                             r"sub, content, target\) — .*raw/catalog/header_words\.tsv",
                                          None),
    "list with duplicated rows": ("warning", "", r"duplicated_rows\.txt, table 1, row 7, line \d+: repeats row 2 cell "
                                                 r"for cell; both were kept", None),
    "document naming two regions": ("warning", "", r"two_regions\.txt: the title names several regions "
                                                   r"\(济南市, 青岛市\); 济南市 was taken", _SEED_QINGDAO),
    "name with spaces, Chinese and path-like parts": ("ok", "", "", _SEED_QINGDAO),
    "file over the size limit": ("refused", "E150", r"the file is 101\.0 MB, more than the limit of 100\.0 MB — "
                                                    r".*--max-file-mb", None),
    "PNG image named .pdf": ("refused", "E200", r"an image \(PNG\), not a document — .*OCR", None),
    "RTF document": ("refused", "E300", r"no bundle, speed-up, hot or catalog list was found", None),
    "zip archive that is not a Word file": ("refused", "E200", r"a ZIP archive that is not a Word document, a "
                                                                r"spreadsheet or an OFD file", None),
    "gzip archive": ("refused", "E200", r"a gzip archive — unpack it", None),
    "PDF named .txt": ("ok", "", "", _ZIBO_PDF),
    "DOCX named .pdf": ("ok", "", "", FIXTURES / "prose_zibo_numbered_items.docx"),
    "good DOCX": ("ok", "", "", FIXTURES / "catalog_social_insurance_merged_categories.docx"),
    "good PDF": ("ok", "", "", FIXTURES / "bundle_baiyin_codes_units_landscape.pdf"),
    "good TXT (seed 004)": ("ok", "", "", _SEED_CATALOG),
    "good provincial TXT (seed 002)": ("warning", "", r"provincial\.txt, table 1, row 14", None),
    "damaged workbook (.xlsx)": ("refused", "E100", r"the workbook is damaged \(XMLSyntaxError: .*\) — open it in "
                                                    r"Excel/WPS and save it again", None),
    "truncated .xls": ("refused", "E100", r"an old binary Office file \(\.doc/\.wps/\.xls/\.et\) that is damaged or "
                                          r"cut short", None),
    "XLSX zip bomb": ("refused", "E160", r"member xl/media/image1\.bin would unpack \d+ times its packed size \(64 MB\), "
                                         r"more than the limit of 200 times: a zip bomb", None),
    "ODS zip bomb": ("refused", "E160", r"member Pictures/image1\.bin would unpack \d+ times .*: a zip bomb", None),
    "OFD zip bomb": ("refused", "E160", r"member Doc_0/Res/image1\.bin would unpack \d+ times .*: a zip bomb", None),
    "XLSX XML entity bomb": ("refused", "E160", r"part xl/worksheets/sheet1\.xml declares a DOCTYPE or XML entities",
                             None),
    "ODS external entity": ("refused", "E160", r"part content\.xml declares a DOCTYPE or XML entities", None),
    "password-protected workbook": ("refused", "E110", r"an Office file that is password protected \(encrypted\) — "
                                                       r"open it in Word/Excel/WPS with its password", None),
    "sheet spanning the whole grid (two cells)": ("refused", "E150", r"sheet 'Sheet' \(A1:XFD1048576\) spans 17179869184 "
                                                                     r"cells, more than the limit of 1000000 — .*"
                                                                     r"--max-cells", None),
    "ODS row repeated a million times": ("refused", "E150", r"sheet '附件1' \(A1:F1000031\) spans 6000186 cells, more "
                                                            r"than the limit of 1000000", None),
    "workbook whose only sheet with text is hidden": ("refused", "E300", r"the workbook has no visible cell with text "
                                                                         r"\(sheet 'Sheet' is hidden and was not read",
                                                      None),
    "web page with no table": ("refused", "E300", r"no bundle, speed-up, hot or catalog list was found", None),
    "web page with entity declarations": ("ok", "", "", FIXTURES / "formats" / "catalog_social_insurance_merged_categories.html"),
    "good XLSX": ("warning", "", r"good\.xlsx: sheet '数据透视' is hidden and was not read — unhide it",
                  FIXTURES / "bundle_qingdao_merged_cells.docx"),
    "good WPS .et": ("warning", "", r"good\.et, page 1, table 1, row 30, line 32: a note under the table", None),
    "good ODS": ("warning", "", r"good\.ods: sheet '数据透视' is hidden and was not read — unhide it",
                 FIXTURES / "bundle_baiyin_codes_units_landscape.docx"),
    "good HTML": ("ok", "", "", FIXTURES / "catalog_social_insurance_merged_categories.docx"),
    "good MHT web archive": ("warning", "", r"good\.mht, table 1, row 30: a note under the table", None),
    "good .doc (LibreOffice)": ("ok", "", "", FIXTURES / "prose_zibo_numbered_items.docx"),
    "good OFD": ("ok", "", "", FIXTURES / "bundle_baiyin_codes_units_landscape.docx"),
    "OFD with a damaged page": ("refused", "E100", r"the OFD document is damaged \(XMLSyntaxError: .*\) — open it in an "
                                                   r"OFD reader .* and print it to PDF", None),
}
# Outcomes when LibreOffice is not installed (the Word conversions cannot run).
WITHOUT_LIBREOFFICE = {
    "good .doc (LibreOffice)": ("refused", "E200", r"a Word 97-2003 \(\.doc\) or Kingsoft WPS \(\.wps\) file: reading it "
                                                   r"needs LibreOffice, which is not installed here — install the Debian "
                                                   r"package libreoffice-writer-nogui", None),
    "RTF document": ("refused", "E200", r"a Rich Text Format \(\.rtf\) file: reading it needs LibreOffice", None),
}


def _libreoffice_available() -> bool:
    from extractors.office import find_soffice
    return find_soffice() is not None


def _outcome(kind: str) -> tuple[str, str, str, Path | None]:
    if kind in WITHOUT_LIBREOFFICE and not _libreoffice_available():
        return WITHOUT_LIBREOFFICE[kind]
    return OUTCOMES[kind]


# refused (E120) without OCR, read by OCR where it can run: a scan, and a PDF whose text is (cid:N)
READ_BY_OCR = ("image-only PDF", "PDF fonts without a ToUnicode map")


def _ocr_available() -> bool:
    try:
        from extractors import ocr
    except ImportError:
        return False
    return ocr.tesseract_available()


def test_every_kind_has_an_outcome_and_there_are_at_least_25():
    assert OUTCOMES.keys() == KINDS.keys()
    assert len(KINDS) >= 25


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("bad") / "raw"
    return root, make_corpus(root)


@pytest.fixture(scope="module")
def corpus_run(corpus, tmp_path_factory):
    """One library run over the whole corpus: (report, documents, items, catalog rows, out dir, seconds)."""
    from pipeline.runner.runner import RunOptions, discover_inputs, run
    root, _ = corpus
    out = tmp_path_factory.mktemp("bad_out") / "out"
    started = time.monotonic()
    report = run(discover_inputs(root, CATALOG), RunOptions(out_dir=out, catalog_dir=CATALOG, root=root))
    seconds = time.monotonic() - started
    read = {name: pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
            for name in ("documents", "items", "catalog_rows")}
    print(f"\nbad-input corpus: {len(KINDS)} files, library run {seconds:.1f} s")
    return report, read["documents"].set_index("source"), read["items"], read["catalog_rows"], out, seconds


@pytest.mark.parametrize("kind", list(OUTCOMES))
def test_outcome_of(kind, corpus, corpus_run):
    _, names = corpus
    _, docs, *_ = corpus_run
    status, code, phrase, _ = _outcome(kind)
    rel = names[kind]
    doc = docs.loc[rel]
    if kind in READ_BY_OCR and _ocr_available():   # the OCR branch reads these when Tesseract is there
        assert doc["status"] in ("ok", "warning"), doc["message"]
        return
    assert doc["status"] == status, doc["message"]
    if status == "refused":
        assert re.match(re.escape(f"[{code}] {rel}: ") + phrase, doc["message"]), doc["message"]
    elif status == "warning":
        assert re.search(phrase, doc["message"]), doc["message"]
    else:
        assert doc["message"] == ""


def _row_count(source: str, items: pd.DataFrame, catalog_rows: pd.DataFrame) -> int:
    """List rows read from a file: item mentions of its lists, and rows of its catalog lists (whose
    service items are mentions too, counted once here)."""
    lists = (items["source"] == source) & (items["list_kind"] != "catalog")
    return int(lists.sum() + (catalog_rows["source"] == source).sum())


@pytest.mark.parametrize("kind", [k for k, v in OUTCOMES.items() if v[3] is not None])
def test_nothing_is_lost_from(kind, corpus, corpus_run, catalog):
    """A file read despite its oddity gives exactly the rows of the clean file it was made from."""
    from pipeline.reading.document import read_document
    if _outcome(kind)[3] is None:
        pytest.skip("not read on this machine (LibreOffice is not installed)")
    _, names = corpus
    _, _, items, catalog_rows, _, _ = corpus_run
    clean = read_document(OUTCOMES[kind][3], "clean", catalog)
    expected = sum(1 for m in clean.mentions if m.list_kind != "catalog") + len(clean.catalog_entries)
    assert expected > 0
    assert _row_count(names[kind], items, catalog_rows) == expected


def test_duplicated_rows_are_kept_and_reported(corpus, corpus_run, catalog):
    from pipeline.reading.document import read_document
    _, names = corpus
    _, docs, items, catalog_rows, _, _ = corpus_run
    clean = read_document(_SEED_CATALOG, "clean", catalog)
    assert _row_count(names["list with duplicated rows"], items, catalog_rows) == len(clean.catalog_entries) + 5
    assert docs.loc[names["list with duplicated rows"], "message"].count("repeats row") == 5


def test_every_file_is_recorded_once_and_the_report_lists_every_refusal_sorted(corpus, corpus_run):
    _, names = corpus
    report, docs, *_ = corpus_run
    assert sorted(docs.index) == sorted(names.values())
    refused = docs[docs["status"] == "refused"]
    assert list(report.refused) == sorted(refused["message"])
    assert report.exit_code == 1


def test_the_run_is_fast_and_within_the_limits(corpus_run):
    from pipeline.core.limits import Limits
    *_, seconds = corpus_run
    # where OCR runs, two files of the corpus are read by it (the scan and the (cid:N) PDF, a page each):
    # up to the per-file limit then (94 s measured with 5 agents on 2 cores), 60 s without
    assert seconds < (Limits().max_seconds_per_file if _ocr_available() else min(60, Limits().max_seconds_per_file))


def test_region_that_looks_like_a_path_stays_data_and_out_of_the_file_system(corpus, corpus_run):
    from pipeline.diff.baseline import safe_stem
    _, names = corpus
    _, docs, _, _, out, _ = corpus_run
    assert docs.loc[names["name with spaces, Chinese and path-like parts"], "region"] == "../../x"
    named_x = [p for p in out.parent.parent.rglob("*") if p.stem == "x"]
    # out/diffs/x.json, .md, .xlsx and its report page out/report/x.html only
    assert named_x and all(p.parent in (out / "diffs", out / "report") for p in named_x)
    assert safe_stem("../../x") == "x"


def test_cli_on_the_corpus_exits_1_and_prints_every_refused_file(corpus, tmp_path, capsys):
    root, names = corpus
    code = main(["run", "--root", str(root), "--catalog", str(CATALOG), "--out", str(tmp_path / "out")])
    printed = capsys.readouterr().out
    assert code == 1
    refused_lines = [line for line in printed.splitlines() if line.startswith("拒收：")]
    expected = [names[k] for k in OUTCOMES if _outcome(k)[0] == "refused"
                and not (k in READ_BY_OCR and _ocr_available())]   # read by OCR when Tesseract is there
    assert len(refused_lines) == len(expected) and refused_lines == sorted(refused_lines)
    assert all(any(f"] {rel}：" in line for line in refused_lines) for rel in expected)


@pytest.mark.parametrize("args, named", [
    (["--max-pages", "0"], "[E400] Limits.max_pages 必须是 1 到 100000 之间的整数（页），而不是 0 —— 请修改该值（命令行：--max-pages）"),
    (["--max-seconds", "-1"], "[E400] Limits.max_seconds_per_file 必须是 1e-06 到 86400 之间的数（秒）"),
    (["--max-file-mb", "0"], "[E400] Limits.max_file_bytes 必须是 1 到"),
    (["--max-cells", "0"], "[E400] Limits.max_cells 必须是 1 到 1000000000 之间的整数（单元格），而不是 0"),
    (["--max-cells", "0", "--lang", "en"],
     "[E400] Limits.max_cells must be a whole number from 1 to 1000000000 (cells), not 0 — fix the value"),
], ids=["zero pages", "negative seconds", "zero megabytes", "zero cells", "zero cells in English"])
def test_cli_bad_limit_is_a_usage_error_naming_the_setting(args, named, tmp_path, capsys):
    assert main(["run", "--out", str(tmp_path / "out"), *args]) == 2
    assert capsys.readouterr().err.startswith(named)
    assert not (tmp_path / "out").exists()


def test_cli_missing_input_is_a_usage_error(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nowhere.pdf"), "--out", str(tmp_path / "out")]) == 2
    assert "nowhere.pdf 不存在 —— 请检查路径" in capsys.readouterr().err


# --- password and time limit, through read_document ---------------------------------------------

def test_the_right_password_opens_the_encrypted_pdf(corpus, catalog):
    from pipeline.reading.document import read_document
    root, names = corpus
    rel = names["encrypted PDF with a user password"]
    opened = read_document(root / rel, rel, catalog, password=PASSWORD)
    clean = read_document(_ZIBO_PDF, "clean", catalog)
    assert opened.document.status == "ok" and len(opened.mentions) == len(clean.mentions) > 0


def test_a_wrong_password_is_named_as_such(corpus, catalog):
    from pipeline.reading.document import read_document
    root, names = corpus
    rel = names["encrypted PDF with a user password"]
    doc = read_document(root / rel, rel, catalog, password="wrong").document
    assert doc.message.startswith(f"[E110] {rel}: the PDF is encrypted and the password given does not open it")


@pytest.mark.parametrize("kind, stopped_at", [("good PDF", "page 1"), ("good DOCX", "table before paragraph"),
                                              ("good TXT (seed 004)", "table 1"), ("good XLSX", "sheet '附件1'"),
                                              ("good HTML", "table after 0 cells"),
                                              ("good .doc (LibreOffice)", "the conversion by LibreOffice")],
                         ids=["pdf stops between pages", "docx stops between tables", "txt stops between tables",
                              "xlsx stops between sheets", "html stops between tables",
                              "doc stops before LibreOffice starts"])
def test_a_file_over_its_time_budget_is_stopped_with_the_place(kind, stopped_at, corpus, catalog):
    from pipeline.core.limits import Limits
    from pipeline.reading.document import read_document
    if kind.endswith("(LibreOffice)") and not _libreoffice_available():
        pytest.skip("LibreOffice is not installed")
    root, names = corpus
    rel = names[kind]
    doc = read_document(root / rel, rel, catalog, limits=Limits(max_seconds_per_file=1e-6)).document
    assert doc.status == "refused"
    assert re.match(re.escape(f"[E150] {rel}: reading took ") + r"\d+\.\d s, more than the limit of 1e-06 s "
                    + re.escape(f"(stopped at {stopped_at}"), doc.message), doc.message


@pytest.mark.parametrize("kind, limits, message", [
    ("good TXT (seed 004)", {"max_file_bytes": 10_000},
     r"the file is \d+\.\d kB, more than the limit of 9\.8 kB — .*--max-file-mb"),
    ("good PDF", {"max_pages": 1}, r"the PDF has \d+ pages, more than the limit of 1 — .*--max-pages"),
    ("good DOCX", {"max_unpacked_bytes": 50_000},
     r"the package would unpack to \d+\.\d kB, more than the limit of 48\.8 kB — .*--max-unpacked-mb"),
    ("good XLSX", {"max_cells": 100}, r"sheet '附件1' \(A1:F32\) spans 192 cells, more than the limit of 100 — "
                                      r".*--max-cells"),
    ("good HTML", {"max_cells": 100}, r"the tables of the web page \(a table of 105 rows and 6 columns among them\) "
                                      r"spans 630 cells, more than the limit of 100 — .*--max-cells"),
], ids=["file size", "pages", "unpacked bytes", "sheet cells", "web page cells"])
def test_smaller_limits_refuse_what_the_defaults_accept(kind, limits, message, corpus, corpus_run, catalog):
    from pipeline.core.limits import Limits
    from pipeline.reading.document import read_document
    root, names = corpus
    rel = names[kind]
    assert corpus_run[1].loc[rel, "status"] in ("ok", "warning")
    doc = read_document(root / rel, rel, catalog, limits=Limits(**limits)).document
    assert re.match(re.escape(f"[E150] {rel}: ") + message, doc.message), doc.message


def test_cli_password_opens_the_encrypted_pdf_once_the_run_takes_it(corpus, tmp_path, capsys):
    """Until pipeline.run.RunOptions has ``password`` (and ``limits``) the CLI says so (exit 2), never ignores it."""
    from dataclasses import fields

    from pipeline.runner.runner import RunOptions
    root, names = corpus
    rel = names["encrypted PDF with a user password"]
    code = main(["run", str(root / rel), "--root", str(root), "--catalog", str(CATALOG), "--out", str(tmp_path / "out"),
                 "--password", PASSWORD])
    captured = capsys.readouterr()
    if "password" in {f.name for f in fields(RunOptions)}:
        assert code == 0
        docs = pd.read_csv(tmp_path / "out" / "documents.csv", encoding="utf-8-sig").set_index("source")
        assert docs.loc[rel, "status"] == "ok"
    else:
        assert code == 2 and "[E400] this version of the run does not take password yet" in captured.err


def test_a_pdf_whose_fonts_lack_a_unicode_map_is_read_by_ocr_where_ocr_runs(corpus, corpus_run):
    """Its pages render right: OCR reads them instead of refusing the file with "install the OCR extra"."""
    if not _ocr_available():
        pytest.skip("tesseract with chi_sim or the OCR extra is not installed")
    _, names = corpus
    _, _, items, *_ = corpus_run
    texts = set(items.loc[items["source"] == names["PDF fonts without a ToUnicode map"], "item_text"])
    assert len(texts) >= 10 and "单位就业登记" in texts, sorted(texts)
