"""OCR extractor (scanned PDFs, pages without a text layer): a PDF -> the same `Row`s as `extractors.pdf`.

Steps, in order:
1. ``page_to_image`` (in `extractors.ocr.image`): render, binarize, deskew, find the ruling
   lines and the cells of every table, blank the lines.
2. ``page_boxes`` (every printed line of every cell, and every text band); with PP-OCR,
   ``read_lines`` (`extractors.ocr.ppocr`) reads every cell line first and ``tesseract_parts``
   (`extractors.ocr.lead`) says what Tesseract is to read: the leads (markers, circled
   numbers, 序号, codes) of the lines PP-OCR read surely, the whole of the others and the text
   outside tables; without PP-OCR, all of it. ``stack_boxes`` puts those parts one under the
   other and ``read_stacks_chars``: Tesseract (chi_sim, ``--psm 6``) reads the stacks of up to
   ``PAGES_PER_CALL`` pages in one call (``read_pages``) and gives every character with its box,
   its word and the word's confidence (hOCR with character boxes): not a call per cell or line,
   nor per page; ``unstack_chars`` puts them back on the page. ``reread_number_cells``: the
   misread cells of a number column (序号) are read again, digits only, in one more call
   (`extractors.ocr.reread`).
3. ``chars_to_tables``: every character goes to the cell it was read in; the characters of
   a cell that Tesseract put on one text line form a printed `Line` (``chars_to_line`` in
   `extractors.ocr.chars`: PDF points, like the born-digital path, so wraps are told from
   paragraph ends the same way). Characters outside tables form text lines; page numbers
   and unreadable specks are dropped. ``mark_circled_number`` and ``restore_list_dot``
   (`extractors.ocr.marks`) put back the ①②… and the full stops of "2." that Tesseract missed.
   A line PP-OCR read is fused with Tesseract's reading of it (`extractors.ocr.fuse`); one
   Tesseract read only the lead of, or none of, stands where its ink does.
4. ``drop_misread_headers``: a header printed again at a page top goes even when read with
   slips; then ``stitch_page_breaks``, ``drop_repeated_headers``, ``fill_merged``, reused from
   `extractors.pdf` (a table going on over a page break is one table, its repeated header
   goes, a row cut by the break is joined, merged cells are ``None``).
5. ``tables_to_rows``: `Row`s with provenance (page, table, row), ``confidences`` (mean word
   confidence per cell, 0..1), ``line_confidences`` (each printed line's, with where it ends in
   the cell's text) and ``boxes`` (each cell's box in PDF points on the
   straightened page: x0, top, x1, bottom).
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np
import pypdfium2 as pdfium
from rapidfuzz import fuzz

from pipeline.core.i18n import t
from extractors.ocr.chars import (
    DUST_CONFIDENCE,
    OcrChar,
    chars_to_line,
    drop_chars_without_ink,
    drop_speck_words,
    has_text,
    is_wide,
    parse_hocr,
    unstack_chars,
)
from extractors.ocr.image import (
    GridTable,
    binarize,
    blank_lines,
    deskew,
    find_cells,
    find_ruling_lines,
    deepen_ink,
    flatten_light,
    page_boxes,
    render_page,
    scan_dpi,
    stack_boxes,
    undo_perspective,
)
from extractors.ocr.fuse import BROKEN_SEQUENCE, check_list_numbers, fuse_line
from extractors.ocr.marks import mark_circled_number, number_circles, restore_list_dot
from extractors.engines import available_engines, tesseract_available
from extractors.ocr.lead import tesseract_parts
from extractors.ocr.ppocr import line_crops, make_engine, read_lines
from extractors.ocr.reread import (
    block_index,
    cell_texts,
    find_number_columns,
    number_column_cells,
    renumber,
    reread_cells,
    reread_unsure_lines,
)
from extractors.page_tables import (
    PAGE_NUMBER,
    PageTable,
    fill_merged,
    stitch_page_breaks,
)
from extractors.pdf_lines import Cell, Line
from pipeline.core.errors import ConfigError, UnreadableInput
from pipeline.core.records import Provenance, Row

__all__ = ["extract_rows", "OcrSettings", "OcrChar", "tesseract_available", "available_engines", "debug_page",
           "read_page", "read_pages",
           "page_to_image", "read_page_chars", "read_stacks_chars", "reread_number_cells", "chars_to_tables", "drop_misread_headers",
           "tables_to_rows"]

@dataclass(frozen=True)
class OcrSettings:
    """Tunables of the OCR extractor.

    dpi: render resolution. 300: char accuracy and speed measured on tests/fixtures/scans
        (pipeline.bench.ocr); Tesseract reads 10.5 pt text well from about 200 dpi on.
    psm: Tesseract page segmentation mode; 6 (one uniform block) read the blanked table
        pages best (TOOLCHAIN: 0.97 char accuracy against 0.95 with the default).
    max_skew: largest page rotation (degrees) that deskew corrects; 3.5: pages tilted 3 degrees (the
        tilt_3deg family of the degraded scans' tuning half) were not straightened at 2 and lost their tables.
    min_line_confidence: a text line outside tables read with less confidence (0..1) is a
        speck or a stamp, not text, and is dropped.
    space_share: a gap wider than this share of the line height is printed as a space.
    wrap_slack: as `PdfSettings.wrap_slack` (soft wrap versus paragraph end); 1.0, not 0.5:
        OCR boxes hug the ink, so a full line seems to end earlier than its last character's
        advance ("（承" + "办：…" was split into two items at 0.5 on the Baiyin scan).
    digits_lang: Tesseract language for the second, digits-only reading of number columns
        (`extractors.ocr.reread`); "eng" comes with Debian's tesseract-ocr.
    reread_scale: cell lines with a poorly read word are read again with the page resized by
        this factor (`extractors.ocr_reread.reread_unsure_lines`). None: by the resolution the
        page was scanned at (its image's pixels per inch, whatever ``dpi`` renders it at): 0.7
        from 250 dpi on, 1.25 below. Measured on the scans (pipeline.bench accuracy): 300 dpi
        scans, 0.7: catalog rows 77 -> 90 of 104, items unchanged; 1.25: items 98.76% -> 96.89%.
        200 dpi scans, 0.7: items 97.93% -> 97.72%; 1.25: -> 98.55%; 1.5: 98.34%.
    engines: "auto": PP-OCR reads the words of every cell line where rapidocr-onnxruntime is
        installed, Tesseract the list markers, circled numbers, 序号 and codes (`extractors.ocr.fuse`);
        Tesseract alone where it is not. "tesseract": Tesseract alone (the path before PP-OCR).
    """

    dpi: int = 300
    lang: str = "chi_sim"
    psm: int = 6
    max_skew: float = 3.5
    min_line_confidence: float = 0.5
    space_share: float = 0.6
    wrap_slack: float = 1.0
    digits_lang: str = "eng"
    reread_scale: float | None = None
    engines: str = "auto"

    def scale_for(self, scan_dpi: float | None) -> float:
        """``reread_scale``, or by default 0.7 for a page scanned at 250 dpi or more, 1.25 below
        (``scan_dpi``: the resolution of the page's image; None: unknown, ``dpi`` is used)."""
        if self.reread_scale is not None:
            return self.reread_scale
        return 0.7 if (scan_dpi or self.dpi) >= 250 else 1.25

    def __post_init__(self) -> None:
        if not isinstance(self.dpi, int) or not 100 <= self.dpi <= 600:
            raise ConfigError(t("OcrSettings.dpi must be a whole number from 100 to 600, not {dpi}", dpi=repr(self.dpi)))
        if self.engines not in ENGINE_CHOICES:
            raise ConfigError(t("OcrSettings.engines must be one of {choices}, not {engines}",
                                choices=", ".join(sorted(ENGINE_CHOICES)), engines=repr(self.engines)))
        if self.psm not in (3, 4, 6, 11, 12):
            raise ConfigError(t("OcrSettings.psm must be one of 3, 4, 6, 11, 12, not {psm}", psm=repr(self.psm)))
        if self.reread_scale is not None and (isinstance(self.reread_scale, bool) or
                                              not isinstance(self.reread_scale, (int, float)) or
                                              not 0.3 <= self.reread_scale <= 3):
            raise ConfigError(t("OcrSettings.reread_scale must be None or a number from 0.3 to 3, not {reread_scale}", reread_scale=repr(self.reread_scale)))
        for name, hi in (("max_skew", 10), ("min_line_confidence", 1), ("space_share", 5), ("wrap_slack", 5)):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= hi:
                raise ConfigError(t("OcrSettings.{name} must be a number from 0 to {hi}, not {value}", name=name, hi=hi, value=repr(value)))


ENGINE_CHOICES = ("auto", "tesseract")


@dataclass
class _OcrCell(Cell):
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


def extract_rows(path: Path, rel: str, settings: OcrSettings = OcrSettings(), *, deadline=None,
                 password: str | None = None) -> Iterator[Row]:
    """Read a scanned PDF and yield its rows: text lines (``table=0``) and table rows, in page order.
    ``deadline`` (`pipeline.limits.Deadline`) is checked before every page."""
    items: list[tuple[int, float, object]] = []
    try:
        doc = pdfium.PdfDocument(str(path), password=password or None)
    except pdfium.PdfiumError as err:
        raise UnreadableInput(t("the PDF cannot be opened for OCR ({err})", err=err), where=rel,
                              hint=t("re-save or re-download the file")) from err
    engine = make_engine() if settings.engines == "auto" else None
    try:
        for first in range(1, len(doc) + 1, PAGES_PER_CALL):
            numbers = range(first, min(len(doc), first + PAGES_PER_CALL - 1) + 1)
            pages = [(doc[n - 1], n) for n in numbers]
            for page_no, (tables, lines) in zip(numbers, read_pages(pages, settings, rel, engine, deadline)):
                items += [(page_no, t.bbox[1], t) for t in tables] + [(page_no, ln.top, ln) for ln in lines]
    finally:
        doc.close()
    items.sort(key=lambda it: (it[0], it[1]))
    yield from tables_to_rows(stitch_page_breaks(drop_misread_headers(items)), rel, settings)


def drop_misread_headers(items: list[tuple[int, float, object]]) -> list[tuple[int, float, object]]:
    """Tables going on at a page top without the header printed again, even when OCR read it
    a little differently ("“主题名称", "有具体场景"): `drop_repeated_headers` wants it exact.
    Only the first table of a page whose header is like that of the table before (on the
    page before) loses its first row; text lines between (a page number OCR misread) do not matter."""
    prev: PageTable | None = None
    header: list[Cell | None] = []   # of the table going on, as first printed
    firsts = {}
    for page, _, item in items:
        if isinstance(item, PageTable):
            firsts.setdefault(page, item)
    for _, _, item in items:
        if not isinstance(item, PageTable):
            continue
        if prev is not None and firsts[item.page] is item and item.page == prev.row_pages[-1] + 1 \
                and len(item.rows) > 1 and len(item.rows[0]) == len(header) \
                and fuzz.ratio(_header_text(item.rows[0]), _header_text(header)) >= HEADER_SIMILARITY:
            item.rows, item.row_pages = item.rows[1:], item.row_pages[1:]
        else:
            header = item.rows[0]
        prev = item
    return items


HEADER_SIMILARITY = 80   # rapidfuzz ratio; OCR slips in the repeated headers of the scans score 85-95


def _header_text(row: list[Cell | None]) -> str:
    return "|".join("".join(ln.text for ln in cell.lines) if cell else "" for cell in row)


# Pages whose Tesseract parts one Tesseract call reads (a multi-page TIFF): each call loads chi_sim first, about
# 0.1 s of CPU, and reads each page as it would alone (hOCR compared on 7 stacks of the tuning half: the same
# characters, boxes and confidences). Eight pages' images are about 100 MB at 300 dpi.
PAGES_PER_CALL = 8


@dataclass
class _PagePlan:
    """A page made ready for Tesseract: what `read_pages` keeps between its steps."""
    page_no: int
    where: str
    scan_dpi: float | None
    clean: np.ndarray
    tables: list
    boxes: list
    pp: dict | None
    partial: set
    stack: np.ndarray
    blocks: list


def read_page(page, page_no: int, settings: OcrSettings, rel: str, engine=None) -> tuple[list[PageTable], list[Line]]:
    """Tables and text lines of one page, each line with its confidence and engine (``Line.confidence``,
    ``Line.engine``). ``engine``: a PP-OCR engine (`extractors.ocr.ppocr.make_engine`) or None."""
    return read_pages([(page, page_no)], settings, rel, engine)[0]


def read_pages(pages: list[tuple[object, int]], settings: OcrSettings, rel: str, engine=None,
               deadline=None) -> list[tuple[list[PageTable], list[Line]]]:
    """`read_page` of each (page, 1-based page number), with one Tesseract call for their first reading
    (`extract_rows` gives ``PAGES_PER_CALL`` pages at a time). ``deadline`` (`pipeline.limits.Deadline`)
    is checked before every page."""
    plans = []
    for page, page_no in pages:
        if deadline is not None:
            deadline.check(f"page {page_no} (OCR)")
        plans.append(_plan_page(page, page_no, settings, rel, engine))
    readings = read_stacks_chars([plan.stack for plan in plans], settings, [plan.where for plan in plans])
    return [_finish_page(plan, chars, settings) for plan, chars in zip(plans, readings)]


def _plan_page(page, page_no: int, settings: OcrSettings, rel: str, engine) -> _PagePlan:
    clean, tables = page_to_image(page, settings)
    boxes = page_boxes(clean, tables, settings.dpi)
    pp, partial, parts = None, set(), boxes
    if engine is not None:   # PP-OCR reads the words, Tesseract the leads and what PP-OCR was unsure of
        pp = read_lines(engine, line_crops(clean, boxes, settings.dpi))
        parts, partial = tesseract_parts(clean, boxes, pp, settings.dpi)
    stack, blocks = stack_boxes(clean, parts, tables, settings.dpi)
    return _PagePlan(page_no, f"{rel}, page {page_no}", scan_dpi(page), clean, tables, boxes, pp, partial,
                     stack, blocks)


def _finish_page(plan: _PagePlan, chars: list[OcrChar], settings: OcrSettings) -> tuple[list[PageTable], list[Line]]:
    clean, boxes, tables, pp, partial, where = plan.clean, plan.boxes, plan.tables, plan.pp, plan.partial, plan.where
    chars = unstack_chars(chars, plan.blocks)
    texts = None
    if pp is not None:   # a cell Tesseract read part of: PP-OCR's text tells whether it is a number
        texts = _cell_texts(chars, boxes, pp, partial)
    chars = reread_number_cells(chars, clean, boxes, tables, settings, where, texts)
    if pp is not None:   # the 序号 are Tesseract's digits; its second reading at another scale is not needed
        numbers = number_column_cells(chars, boxes, _cell_texts(chars, boxes, pp, partial))
        pp = {k: line for k, line in pp.items() if boxes[k][4] not in numbers}
    else:
        chars = reread_unsure_lines(clean, chars, boxes, tables, settings.dpi, settings.scale_for(plan.scan_dpi),
                                    lambda stack: read_page_chars(stack, settings, where))
    chars = drop_chars_without_ink(chars, clean)
    return chars_to_tables(chars, tables, plan.page_no, settings, clean, pp, boxes, partial)


def _cell_texts(chars: list[OcrChar], boxes: list, pp: dict, partial: set[int]) -> dict[tuple, str]:
    """(table, cell) -> its text as Tesseract read it, or as PP-OCR did where Tesseract read only part of a line."""
    texts = cell_texts(chars)
    cells = {boxes[k][4] for k in partial}
    for cell in cells:
        texts[cell] = ""
    for k, box in enumerate(boxes):
        if box[4] in cells and k in pp:
            texts[box[4]] += pp[k].text
    return texts


def reread_number_cells(chars: list[OcrChar], image: np.ndarray, boxes: list, tables: list[GridTable],
                        settings: OcrSettings, where: str, texts: dict | None = None) -> list[OcrChar]:
    """The cells of number columns read again as digits (`extractors.ocr.reread`); their new
    characters replace the first reading's. ``texts``: the cells' texts, when not all Tesseract's."""
    again = find_number_columns(chars, boxes, texts)
    if not again:
        return chars
    try:
        found = reread_cells(image, again, tables, settings.dpi,
                             lambda stack: read_page_chars(stack, settings, where, _DIGITS, lang=settings.digits_lang))
    except UnreadableInput:   # digits_lang not installed: the first reading stands
        return chars
    if not found:
        return chars
    words, lines = max((c.word for c in chars), default=0), max((c.line for c in chars), default=0)
    return [c for c in chars if c.cell not in found] + renumber([c for g in found.values() for c in g], words, lines)


_DIGITS = ("-c", "tessedit_char_whitelist=0123456789")


def page_to_image(page, settings: OcrSettings) -> tuple:
    """(straightened page with ruling lines blanked, tables found on it)."""
    gray = flatten_light(render_page(page, settings.dpi), settings.dpi)
    ink = binarize(gray, settings.dpi)
    gray = deepen_ink(gray, ink)
    gray, ink, _angle = deskew(gray, ink, settings.max_skew)
    grid = find_ruling_lines(ink, settings.dpi)
    gray, ink, warped = undo_perspective(gray, ink, grid, settings.dpi)
    if warped:
        grid = find_ruling_lines(ink, settings.dpi)
    tables = find_cells(grid, settings.dpi)
    clean = blank_lines(gray, grid, tables, max(1, round(settings.dpi / 100)))
    clean[ink == 0] = 255   # specks removed by binarize stay away from Tesseract too
    return clean, tables


def read_page_chars(image, settings: OcrSettings, where: str, options: tuple[str, ...] = (),
                    lang: str | None = None) -> list[OcrChar]:
    """Every character Tesseract reads on the page, with its box and its word's confidence.
    ``options``: more Tesseract arguments (``-c name=value``); ``lang``: instead of ``settings.lang``."""
    _, png = cv2.imencode(".png", image)
    return parse_hocr(_tesseract(png.tobytes(), settings, where, options, lang))


def read_stacks_chars(images: list, settings: OcrSettings, wheres: list[str]) -> list[list[OcrChar]]:
    """`read_page_chars` of several images (one per page, ``wheres`` naming them) in one Tesseract call:
    a multi-page TIFF, whose hOCR has a page per image. When that call fails, each image is read alone,
    so that the error names the page."""
    if len(images) == 1:
        return [read_page_chars(images[0], settings, wheres[0])]
    _, tiff = cv2.imencodemulti(".tiff", images, [cv2.IMWRITE_TIFF_COMPRESSION, 1])   # 1: none (fastest)
    try:
        pages = _HOCR_PAGE.split(_tesseract(tiff.tobytes(), settings, wheres[0], timeout=300 * len(images)))[1:]
    except UnreadableInput:
        pages = []
    if len(pages) != len(images):
        return [read_page_chars(image, settings, where) for image, where in zip(images, wheres)]
    return [parse_hocr(page) for page in pages]


_HOCR_PAGE = re.compile(r"(?=<div class=.ocr_page.)")


def _tesseract(image: bytes, settings: OcrSettings, where: str, options: tuple[str, ...] = (),
               lang: str | None = None, timeout: float = 300) -> str:
    """Tesseract's hOCR (with character boxes) of an encoded image read from its standard input.
    ``tessedit_do_invert=0``: not also tried as white on black (the pages are black on white; on 14 stacks
    of the tuning half the hOCR was the same and took 3% less time)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")   # one thread per page: 3.2 s against 6-7 s (TOOLCHAIN)
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", lang or settings.lang, "--psm", str(settings.psm),
                               "-c", "hocr_char_boxes=1", "-c", "tessedit_do_invert=0", *options, "hocr"],
                              input=image, capture_output=True, env=env, timeout=timeout, check=True)
    except (OSError, subprocess.SubprocessError) as err:
        raise UnreadableInput(t("Tesseract could not read the page"), where=where,
                              hint=t("check `tesseract --list-langs` shows chi_sim")) from err
    return done.stdout.decode("utf-8", "replace")


def chars_to_tables(chars: list[OcrChar], grids: list[GridTable], page_no: int, settings: OcrSettings,
                    image: np.ndarray | None = None,
                    pp: dict[int, tuple[str, float]] | None = None,
                    boxes: list | None = None, partial: set[int] = frozenset()) -> tuple[list[PageTable], list[Line]]:
    """Cells filled with printed lines, and the text lines outside tables (see step 3).

    ``pp``: PP-OCR's reading (`extractors.ocr.ppocr.PpLine`) of the line boxes (indices into ``boxes``, from
    `page_boxes`); a cell line it read is fused with Tesseract's (`extractors.ocr.fuse`). ``partial``: the
    lines Tesseract read only the lead of, or nothing of (`extractors.ocr.lead`): their place on the paper
    is their ink's."""
    scale = 72 / settings.dpi
    chars = drop_speck_words(chars, DUST_CONFIDENCE)
    groups = _group_lines(chars, grids, pp, boxes)
    lines_in: dict[tuple, list[Line]] = {}
    outside: list[Line] = []
    for (tab, cell, k), group in groups.items():
        if group and image is not None and tab is not None:
            height = _ink_height(boxes[k], image) if isinstance(k, int) and k in partial else None
            group = restore_list_dot(mark_circled_number(group, image, height), image)
        if group:
            line, conf = chars_to_line(group, page_no, scale, settings.space_share)
            engine = "tesseract"
        if pp is not None and isinstance(k, int) and k in pp:
            text, score = pp[k].text, pp[k].score
            whole = k not in partial
            if not group:
                line, conf = _line_of_box(boxes[k], image, page_no, scale), 0.0
            fused = fuse_line(line.text, conf, text, score, whole)
            if not fused.text:
                continue
            if whole:
                line = _retext(line, fused.text)
            else:
                line = _spread(_line_of_box(boxes[k], image, page_no, scale), fused.text)
            conf, engine = fused.confidence, fused.engine
        if tab is None:
            if conf < settings.min_line_confidence or PAGE_NUMBER.match(line.text) or not has_text(line.text):
                continue
            outside.append(line)
        else:
            lines_in.setdefault((tab, cell), []).append(line)
        line.confidence, line.engine = conf, engine
    tables = [_grid_to_table(g, tab, lines_in, page_no, scale) for tab, g in enumerate(grids)]
    return [tb for tb in tables if tb.rows], sorted(outside, key=lambda ln: (ln.top, ln.x0))


def _group_lines(chars: list[OcrChar], grids: list[GridTable], pp: dict | None, boxes: list | None) -> dict:
    """(table, cell, line) -> characters; with PP-OCR the line is the box (index into ``boxes``) the
    characters were read in, so that one printed line is one line even when Tesseract split it,
    and boxes only PP-OCR read come too (with no characters)."""
    in_box: dict[int, int] = {}
    if pp is not None:
        for k, group in block_index(chars, boxes).items():
            for ch in group:
                in_box[id(ch)] = k
    groups: dict[tuple, list[OcrChar]] = {}
    for ch in chars:
        if ch.cell is not None:   # read in the cell's own block
            t, cell = ch.cell
        else:
            cx, cy = (ch.box[0] + ch.box[2]) / 2, (ch.box[1] + ch.box[3]) / 2
            t = next((k for k, g in enumerate(grids) if g.box[0] <= cx <= g.box[2] and g.box[1] <= cy <= g.box[3]),
                     None)
            cell = grids[t].cell_at(cx, cy) if t is not None else None
        groups.setdefault((t, cell, in_box.get(id(ch), ("line", ch.line))), []).append(ch)
    if pp is not None:
        for k in pp:
            if boxes[k][4] is not None and (*boxes[k][4], k) not in groups:
                groups[(*boxes[k][4], k)] = []
    return groups


def _line_of_box(box, image: np.ndarray, page_no: int, scale: float) -> Line:
    """A printed line that only PP-OCR read: its place from the ink in its box."""
    a, b, c, d, _ = box
    dark = image[b:d, a:c] < 128
    cols, rows = np.nonzero(dark.any(axis=0))[0], np.nonzero(dark.any(axis=1))[0]
    x0, x1 = (a + int(cols[0]), a + int(cols[-1]) + 1) if len(cols) else (a, c)
    y0, y1 = (b + int(rows[0]), b + int(rows[-1]) + 1) if len(rows) else (b, d)
    return Line("", x0 * scale, x1 * scale, round(y0 * scale, 2), [], (y1 - y0) * scale, page_no)


def _retext(line: Line, text: str) -> Line:
    """The line with another text over the same stretch of paper (characters spread evenly over it
    when their number changed: wraps are told from the line's ends and its first character's width)."""
    if len(text) == len(line.text):
        return Line(text, line.x0, line.x1, line.top, line.boxes, line.size, line.page)
    step = (line.x1 - line.x0) / max(len(text), 1)
    boxes = [(line.x0 + k * step, line.x0 + (k + 1) * step) for k in range(len(text))]
    return Line(text, line.x0, line.x1, line.top, boxes, line.size, line.page)


def _ink_height(box, image: np.ndarray) -> int | None:
    """Pixels from the top of a line box's ink to its bottom."""
    rows = np.nonzero((image[box[1]:box[3], box[0]:box[2]] < 128).any(axis=1))[0]
    return int(rows[-1] - rows[0] + 1) if len(rows) else None


def _spread(line: Line, text: str) -> Line:
    """The line with ``text`` over its stretch of paper, a character's box wide or half as wide as
    it is wide or narrow (no engine gave the boxes: PP-OCR read the line, Tesseract at most its lead)."""
    units = [1.0 if is_wide(ch) else 0.5 for ch in text]
    step = (line.x1 - line.x0) / max(sum(units), 1e-9)
    boxes, x = [], line.x0
    for u in units:
        boxes.append((x, x + u * step))
        x += u * step
    return Line(text, line.x0, line.x1, line.top, boxes, line.size, line.page)


def _grid_to_table(grid: GridTable, t: int, lines_in: dict, page_no: int, scale: float) -> PageTable:
    anchors = {(c.row, c.col): c for c in grid.cells}
    covered = {(r, c) for cell in grid.cells for r in range(cell.row, cell.row_end + 1)
               for c in range(cell.col, cell.col_end + 1)} - set(anchors)
    rows: list[list[Cell | None]] = []
    for r in range(grid.n_rows):
        row: list[Cell | None] = []
        for c in range(grid.n_cols):
            cell = anchors.get((r, c))
            if cell is None:
                row.append(None if (r, c) in covered else _OcrCell(0.0, 0.0))
                continue
            x0, y0, x1, y1 = (v * scale for v in cell.box)
            lines = number_circles(sorted(lines_in.get((t, cell), []), key=lambda ln: (ln.top, ln.x0)))
            for ln, broken in zip(lines, check_list_numbers([ln.text for ln in lines])):
                if broken:   # the cell's list numbers do not run 1, 2, 3 here: one of them was misread
                    ln.confidence = min(ln.confidence, BROKEN_SEQUENCE)
            row.append(_OcrCell(x0, x1, lines, (round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1))))
        if any(isinstance(x, _OcrCell) and x.box != (0.0, 0.0, 0.0, 0.0) for x in row):
            rows.append(row)
    bbox = tuple(v * scale for v in grid.box)
    return PageTable(page_no, bbox, rows, [page_no] * len(rows), {0})


def tables_to_rows(items: list[object], rel: str, settings: OcrSettings) -> Iterator[Row]:
    """Rows with provenance, per-cell confidences and cell boxes."""
    table_no, line_no, line_page = 0, 0, 0
    for item in items:
        if isinstance(item, Line):
            line_no = line_no + 1 if item.page == line_page else 1
            line_page = item.page
            yield Row(Provenance(rel, page=item.page, line=line_no), (item.text,),
                      confidences=(round(_line_confidence(item), 3),), engines=(item.engine,))
            continue
        table_no += 1
        for r, (texts, page, cells) in enumerate(zip(fill_merged(item, settings), item.row_pages, item.rows), 1):
            confs = tuple(None if cell is None else _cell_confidence(cell) for cell in cells)
            boxes = tuple(cell.box if isinstance(cell, _OcrCell) and cell.box[2] else None for cell in cells)
            engines = tuple(None if cell is None else _cell_engines(cell) for cell in cells)
            spans = tuple(None if cell is None else _line_spans(cell, text or "") for cell, text in zip(cells, texts))
            yield Row(Provenance(rel, page=page, table=table_no, row=r), tuple(texts), confidences=confs, boxes=boxes,
                      engines=engines, line_confidences=spans)


def _line_spans(cell: Cell, text: str) -> tuple[tuple[int, float], ...]:
    """(end offset in ``text``, confidence) of each of the cell's lines; ``text`` is the lines joined in order
    (`lines_to_text`: nothing, a space or a line break between them). () when a line is not found there."""
    out, pos = [], 0
    for ln in cell.lines:
        at = text.find(ln.text, pos)
        if at < 0:
            return ()
        pos = at + len(ln.text)
        out.append((pos, round(_line_confidence(ln), 3)))
    return tuple(out)


def _line_confidence(line: Line) -> float:
    """A line's reading's confidence; 0.0 for a line that lost it (none should: never the 1.0 of text
    read from a text layer, which hid 72 lines of the Baiyin scan, 20 of them wrong, when a renumbered
    circled number no longer found its confidence stored under the line's old text)."""
    return line.confidence if line.confidence is not None else 0.0


def _cell_confidence(cell: Cell) -> float:
    """The confidence of a cell's lines: their mean weighted by length, but no more than its least
    sure line plus ``WEAKEST_LINE`` (one misread line is one wrong item); 1.0 for an empty cell."""
    weights = [(len(ln.text), _line_confidence(ln)) for ln in cell.lines]
    total = sum(n for n, _ in weights)
    if not total:
        return 1.0
    mean = sum(n * c for n, c in weights) / total
    return round(min(mean, min(c for _, c in weights) + WEAKEST_LINE), 3)


WEAKEST_LINE = 0.2   # see _cell_confidence; set before the degraded scans were measured


def _cell_engines(cell: Cell) -> str:
    """The engines that read a cell's lines, "+"-joined and sorted ("" for an empty cell)."""
    return "+".join(sorted({part for ln in cell.lines for part in ln.engine.split("+") if part}))


def debug_page(path: Path, page_no: int, settings: OcrSettings = OcrSettings()) -> dict:
    """What the OCR saw on one page: per table the grid and each cell's lines, and the text outside."""
    doc = pdfium.PdfDocument(str(path))
    try:
        engine = make_engine() if settings.engines == "auto" else None
        tables, lines = read_page(doc[page_no - 1], page_no, settings, str(path), engine)
    finally:
        doc.close()
    return {"tables": [[[None if c is None else [ln.text for ln in c.lines] for c in row] for row in t.rows]
                       for t in tables],
            "cell_boxes": [[[getattr(c, "box", None) for c in row] for row in t.rows] for t in tables],
            "text": [ln.text for ln in lines]}

