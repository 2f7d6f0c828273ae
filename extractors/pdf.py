"""PDF extractor (born-digital PDFs): a PDF -> `Row`s, with pdfplumber at the edge.

Steps, in order:
1. ``open_pdf``: damaged files are refused with `UnreadableInput`, encrypted ones without
   the right password with `EncryptedInput`, files with more pages than ``Limits.max_pages``
   with `LimitExceeded`, and scanned files (no text layer) or files whose fonts have no
   Unicode map (text comes out as "(cid:N)") with `NeedsOcr` (`ScannedPdf`, `UnmappedFonts`); the
   format dispatcher hands both to `extractors.ocr` when OCR can run here (the pages are rendered
   and read, whatever their text layer says).
2. ``page_to_tables``: ruled tables from pdfplumber's ``find_tables``; every character is
   placed in the grid cell (merged cells included) under its centre, and the characters of
   a cell are grouped into printed lines that remember their left and right ends
   (``chars_to_lines`` in `extractors.pdf_lines`).
   Pages without ruling lines: ``words_to_table`` finds a header row and takes columns
   from the gaps between words.
3. ``stitch_page_breaks``: a table that goes on at the top of the next page is joined
   to it; ``drop_repeated_headers`` removes its header printed again; a row cut by the
   page break (no text in the columns up to the key column) is joined to the row before.
4. ``fill_merged``: at a page top, an empty cell of a column that uses vertical merges is
   the merged cell going on, so it becomes ``None`` like the rest of the merge.
5. ``lines_to_text`` (in `extractors.pdf_lines`): printed lines of a cell are joined: a line that ends because the next
   character did not fit is a soft wrap (joined without a space between CJK characters),
   any other line end is a paragraph break ("\\n").
6. ``tables_to_rows``: `Row`s with provenance (page where the row starts, table, row);
   text outside tables comes as one-cell rows with ``table == 0``, one per printed line.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from pipeline.core.i18n import t
from extractors.page_tables import (
    PAGE_NUMBER,
    PageTable,
    fill_merged,
    stitch_page_breaks,
)
from extractors.pdf_lines import Cell, Line, chars_to_lines
from extractors.pdf_unruled import words_to_table
from pipeline.core.errors import (
    HINT_INSTALL_OCR,
    ConfigError,
    EncryptedInput,
    NeedsOcr,
    PipelineError,
    UnreadableInput,
)
from pipeline.core.header_words import HeaderVocabulary
from pipeline.core.limits import Deadline, Limits, check_page_count
from pipeline.core.records import Provenance, Row

__all__ = ["extract_rows", "PdfSettings", "ScannedPdf", "UnmappedFonts", "debug_page"]

@dataclass(frozen=True)
class PdfSettings:
    """Tunables of the PDF extractor (points are 1/72 inch).

    line_tolerance: characters whose tops differ by at most this are on one printed line.
    wrap_slack: a line is soft-wrapped when the next line's first character (with the
        punctuation that must stay with it) would not fit in the room left plus this share
        of the font size. 0.5: LibreOffice keeps "15个" together, so a line may end half a
        character earlier than the next character alone suggests (measured on the fixtures).
    space_gap: a horizontal gap wider than this between two characters is printed as a space.
    column_gap: in tables without ruling lines, a gap at least this wide separates columns.
    """

    line_tolerance: float = 3.0
    wrap_slack: float = 0.5
    space_gap: float = 3.0
    column_gap: float = 8.0

    def __post_init__(self) -> None:
        for name in ("line_tolerance", "wrap_slack", "space_gap", "column_gap"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 100:
                raise ConfigError(t("PdfSettings.{name} must be a number of points from 0 to 100, not {value}", name=name, value=repr(value)))


def extract_rows(path: Path, rel: str, settings: PdfSettings = PdfSettings(), *, deadline: Deadline | None = None,
                 password: str | None = None, headers: HeaderVocabulary | None = None) -> Iterator[Row]:
    """Read one PDF: its rows, text lines (``table=0``) and table rows, in page order.

    The file is opened at once, so a PDF that cannot be read raises here, before any row;
    a scanned one raises `ScannedPdf`, which the format dispatcher hands to the OCR reader.
    """
    deadline = deadline or Deadline(Limits(), rel)
    pdf = open_pdf(path, rel, password=password, limits=deadline.limits)
    return _rows(pdf, rel, settings, deadline, headers or HeaderVocabulary.default())


def _rows(pdf: pdfplumber.PDF, rel: str, settings: PdfSettings, deadline: Deadline,
          headers: HeaderVocabulary) -> Iterator[Row]:
    items: list[tuple[int, float, object]] = []   # (page, top, Line | PageTable)
    columns: list[float] = []                     # of an unruled table on the page before
    with pdf:
        for page_no, page in enumerate(pdf.pages, 1):
            deadline.check(f"page {page_no}")
            tables, text_lines = page_to_tables(page, page_no, settings, headers, columns)
            columns = next((t.columns for t in tables if t.columns), [])
            items += [(page_no, t.bbox[1], t) for t in tables] + [(page_no, ln.top, ln) for ln in text_lines]
    items.sort(key=lambda it: (it[0], it[1]))
    yield from tables_to_rows(stitch_page_breaks(items), rel, settings)


def open_pdf(path: Path, rel: str, password: str | None = None, limits: Limits = Limits()) -> pdfplumber.PDF:
    """A readable PDF with a text layer (close it after use); refuses encrypted, damaged, too long and scanned files."""
    pdf = None
    try:
        pdf = pdfplumber.open(path, password=password or "")
        pages = list(pdf.pages)
        check_page_count(len(pages), rel, limits)
        has_text = any(page.chars for page in pages)
    except PipelineError:
        pdf.close()
        raise
    except Exception as err:  # pdfminer raises many types; users need one clear message
        if pdf is not None:
            pdf.close()
        cause = err.args[0] if err.args else err
        if password and isinstance(err, UnicodeEncodeError):
            raise EncryptedInput(t("the password given has characters this PDF's encryption cannot take"), where=rel,
                                 hint=t("check the password given with --password")) from err
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(cause).lower():
            if password:
                raise EncryptedInput(t("the PDF is encrypted and the password given does not open it"), where=rel,
                                     hint=t("check the password given with --password")) from err
            raise EncryptedInput(t("the PDF is encrypted (password protected)"), where=rel,
                                 hint=t("give its password with --password, or ask the publisher for an "
                                      "unprotected copy")) from err
        raise UnreadableInput(t("the PDF cannot be parsed ({name})", name=type(cause).__name__), where=rel,
                              hint=t("re-save or re-download the file; it may be damaged or truncated")) from err
    if not has_text:
        images = sum(len(page.images) for page in pages)
        pdf.close()
        what = t("a scanned PDF (page images, no text layer)") if images else t("a PDF without any text")
        kind = ScannedPdf if images else NeedsOcr
        raise kind(what, where=rel, hint=HINT_INSTALL_OCR)
    _check_unicode_map(pdf, pages, rel)
    return pdf


class ScannedPdf(NeedsOcr):
    """A scanned PDF (page images, no text layer): the format dispatcher hands it to `extractors.ocr`."""


class UnmappedFonts(NeedsOcr):
    """A PDF whose fonts have no Unicode map (text comes out as "(cid:N)"): its pages look right when
    rendered, so the format dispatcher hands it to `extractors.ocr` too."""


_CID = re.compile(r"^\(cid:\d+\)$")
# Share of "(cid:N)" characters above which a page's text is unusable. Real files show a few
# (symbols in a font without a map); the 淄博 PDF with its maps removed shows half (the rest are
# digits and Latin letters that still decode).
_MAX_UNMAPPED_SHARE = 0.2


def _check_unicode_map(pdf: pdfplumber.PDF, pages: list, rel: str) -> None:
    """Refuse a PDF whose first page with text has mostly "(cid:N)" characters (fonts without ToUnicode)."""
    for page_no, page in enumerate(pages, 1):
        chars = [c["text"] for c in page.chars if c["text"].strip()]
        if not chars:
            continue
        unmapped = sum(1 for t in chars if _CID.match(t))
        if unmapped > _MAX_UNMAPPED_SHARE * len(chars):
            pdf.close()
            raise UnmappedFonts(t("page {page_no}: {unmapped} of {n_chars} characters come out as (cid:N): the fonts "
                                  "have no Unicode map", page_no=page_no, unmapped=unmapped, n_chars=len(chars)),
                                where=rel, hint=t("run it through OCR") + ": " + HINT_INSTALL_OCR)
        return


def page_to_tables(page, page_no: int, settings: PdfSettings, headers: HeaderVocabulary | None = None,
                   columns_before: list[float] | None = None) -> tuple[list[PageTable], list[Line]]:
    """Tables found on one page and the printed lines outside them (``columns_before``: of an
    unruled table on the page before, which this page may go on with)."""
    chars = [c for c in page.chars if c["text"].strip()]
    found = page.find_tables()
    tables, inside = [], set()
    for ft in found:
        grid, cells, bbox = _grid_of(ft)
        for k, ch in enumerate(chars):
            xc, yc = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
            if bbox[0] <= xc <= bbox[2] and bbox[1] <= yc <= bbox[3]:
                inside.add(k)
                r, c = bisect_right(grid[1], yc) - 1, bisect_right(grid[0], xc) - 1
                anchor = grid[2].get((min(r, len(grid[1]) - 2), min(c, len(grid[0]) - 2)))
                if anchor is not None:
                    cells[anchor].setdefault("chars", []).append(ch)
        rows: list[list[Cell | None]] = []
        for r, row in enumerate(ft.rows):
            out: list[Cell | None] = []
            for c, box in enumerate(row.cells):
                if box is None:
                    out.append(None)
                    continue
                out.append(Cell(box[0], box[2], chars_to_lines(cells[(r, c)].get("chars", []), *_line_settings(settings))))
            rows.append(out)
        tables.append(PageTable(page_no, bbox, rows, [page_no] * len(rows), {0}))
    outside = [ch for k, ch in enumerate(chars) if k not in inside]
    lines = chars_to_lines(outside, *_line_settings(settings))
    if not tables:
        table, lines = words_to_table(lines, page_no, settings.column_gap, headers or HeaderVocabulary.default(),
                                      columns_before)
        tables = [table] if table else []
    for ln in lines:
        ln.page = page_no
    return tables, [ln for ln in lines if not PAGE_NUMBER.match(ln.text)]


def _line_settings(settings: PdfSettings) -> tuple[float, float]:
    return settings.line_tolerance, settings.space_gap


def _grid_of(ft) -> tuple[tuple[list[float], list[float], dict], dict, tuple]:
    """Column and row boundaries of a pdfplumber table and, per grid slot, the cell covering it."""
    xs = sorted({round(b[0], 1) for row in ft.rows for b in row.cells if b} | {round(ft.bbox[2], 1)})
    ys = [round(row.bbox[1], 1) for row in ft.rows] + [round(ft.bbox[3], 1)]
    anchors: dict[tuple[int, int], tuple[int, int]] = {}
    cells: dict[tuple[int, int], dict] = {}
    for r, row in enumerate(ft.rows):
        for c, box in enumerate(row.cells):
            if box is None:
                continue
            cells[(r, c)] = {}
            c0 = bisect_right(xs, box[0] + 0.5) - 1
            c1 = bisect_right(xs, box[2] - 0.5) - 1
            r1 = bisect_right(ys, box[3] - 0.5) - 1
            for rr in range(r, r1 + 1):
                for cc in range(c0, c1 + 1):
                    anchors[(rr, cc)] = (r, c)
    return (xs, ys, anchors), cells, tuple(ft.bbox)


def tables_to_rows(items: list[object], rel: str, settings: PdfSettings) -> Iterator[Row]:
    table_no, line_no, line_page = 0, 0, 0
    for item in items:
        if isinstance(item, Line):
            line_no = line_no + 1 if item.page == line_page else 1
            line_page = item.page
            yield Row(Provenance(rel, page=item.page, line=line_no), (item.text,))
            continue
        table_no += 1
        for r, (texts, page) in enumerate(zip(fill_merged(item, settings), item.row_pages), 1):
            yield Row(Provenance(rel, page=page, table=table_no, row=r), tuple(texts))


def debug_page(path: Path, page_no: int, settings: PdfSettings = PdfSettings()) -> dict:
    """What the extractor saw on one page: tables with their printed lines per cell, and text lines."""
    with open_pdf(path, str(path)) as pdf:
        tables, lines = page_to_tables(pdf.pages[page_no - 1], page_no, settings)
    return {"tables": [[[None if c is None else [(ln.text, round(ln.x0, 1), round(ln.x1, 1)) for ln in c.lines]
                         for c in row] for row in t.rows] for t in tables],
            "text": [ln.text for ln in lines]}
