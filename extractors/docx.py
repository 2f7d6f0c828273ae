"""DOCX extractor: a Word document -> `Row`s, with python-docx at the edge.

Steps, in order:
1. ``open_docx``: ``check_package`` refuses a package whose XML declares a DOCTYPE or
   entities (Word never writes them: an entity bomb or an attempt to read local files);
   then python-docx reads it (its lxml parser does not resolve entities and never fetches
   from the network); damaged or non-Word files are refused with `UnreadableInput`.
   (Zip bombs are refused earlier, from the zip directory, by ``extractors.sniff_format``.)
2. ``body_to_blocks``: the body's paragraphs and tables in document order (content
   controls are looked into); empty paragraphs are skipped.
3. ``table_to_grid``: every ``w:tr`` is laid on the table grid: a cell spanning columns
   (``gridSpan``) gives its text once and ``None`` for the columns it covers; a cell that
   continues a vertical merge (``vMerge`` without ``restart``) is ``None``.
4. ``cell_to_text``: the paragraphs of a cell are joined with "\\n"; automatic numbers
   (``numPr``) are not printed into the text, but each numbered item stays its own line.
5. ``stitch_split_tables``: a table that directly follows another with the same header
   (a table cut in two at a page break) is joined to it.
6. ``drop_repeated_headers``: rows equal to the table's header row are dropped.
7. ``tables_to_rows``: `Row`s with provenance (table, row; header = row 1); paragraphs
   outside tables become one-cell rows with ``table == 0`` and ``line`` = paragraph index.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pipeline.core.i18n import t
from pipeline.core.errors import (
    ConfigError,
    HostileInput,
    PipelineError,
    UnreadableInput,
)
from pipeline.core.limits import Deadline, Limits, check_zip_members
from pipeline.core.records import Provenance, Row

__all__ = ["extract_rows", "DocxSettings", "debug_blocks"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class DocxSettings:
    """Tunables of the DOCX extractor.

    join_split_tables: join a table to the one before it when nothing but empty paragraphs
        stands between them and their header rows read the same.
    max_columns: refuse tables wider than this (a damaged grid, not a list).
    """

    join_split_tables: bool = True
    max_columns: int = 64

    def __post_init__(self) -> None:
        if not isinstance(self.join_split_tables, bool):
            raise ConfigError(t("DocxSettings.join_split_tables must be True or False, not {join_split_tables}", join_split_tables=repr(self.join_split_tables)))
        if not isinstance(self.max_columns, int) or isinstance(self.max_columns, bool) or self.max_columns < 1:
            raise ConfigError(t("DocxSettings.max_columns must be a whole number >= 1, not {max_columns}", max_columns=repr(self.max_columns)))


@dataclass
class _Text:
    index: int   # 1-based position among the body's paragraphs
    text: str


@dataclass
class _Table:
    rows: list[list[str | None]]


def extract_rows(path: Path, rel: str, settings: DocxSettings = DocxSettings(), *,
                 deadline: Deadline | None = None) -> Iterator[Row]:
    """Read one DOCX and yield its rows: paragraphs (``table=0``) and table rows, in document order."""
    deadline = deadline or Deadline(Limits(), rel)
    body = open_docx(path, rel, deadline.limits)
    blocks = list(body_to_blocks(body, rel, settings, deadline))
    if settings.join_split_tables:
        blocks = stitch_split_tables(blocks)
    yield from tables_to_rows(blocks, rel)


def open_docx(path: Path, rel: str, limits: Limits = Limits()):
    """The ``w:body`` element of a Word document."""
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        check_package(path, rel, limits)
        return docx.Document(str(path)).element.body
    except PipelineError:   # our own refusals (limits, hostile parts) pass through
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as err:
        detail = str(err).replace(str(path), rel)   # no machine paths in messages
        raise UnreadableInput(t("the Word document cannot be opened ({name}: {detail})", name=type(err).__name__, detail=detail), where=rel,
                              hint=t("open it in Word/WPS and save it again as .docx")) from err
    except Exception as err:  # lxml syntax errors and other damage inside the package
        raise UnreadableInput(t("the Word document is damaged ({name})", name=type(err).__name__), where=rel,
                              hint=t("open it in Word/WPS and save it again as .docx")) from err


_ENTITY_MARKS = tuple(m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY") for enc in ("ascii", "utf-16-le", "utf-16-be"))
_PROLOG_BYTES = 64 * 1024   # the prolog (where a DOCTYPE must stand) of a Word part is a few hundred bytes


def check_package(path: Path, rel: str, limits: Limits = Limits()) -> None:
    """Refuse a zip bomb or XML parts that declare a DOCTYPE/entities, before any XML is parsed."""
    with zipfile.ZipFile(path) as zf:
        check_zip_members(zf, rel, limits)
        for info in zf.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            with zf.open(info) as fh:
                prolog = fh.read(_PROLOG_BYTES)
            if any(mark in prolog for mark in _ENTITY_MARKS):
                raise HostileInput(t("part {filename} declares a DOCTYPE or XML entities, which Word, Excel and WPS never write (an entity bomb or an attempt to read other files)", filename=info.filename), where=rel,
                                   hint=t("do not open this file; ask the publisher for a clean copy"))


def body_to_blocks(body, rel: str, settings: DocxSettings, deadline: Deadline | None = None) -> Iterator[_Text | _Table]:
    """Paragraphs and tables of the body in document order."""
    index = 0
    for el in _body_children(body):
        if el.tag == _W + "tbl" and deadline is not None:
            deadline.check(f"table before paragraph {index + 1}")
        if el.tag == _W + "p":
            index += 1
            text = paragraph_text(el)
            if text.strip():
                yield _Text(index, text)
        elif el.tag == _W + "tbl":
            rows = table_to_grid(el)
            if rows and len(rows[0]) > settings.max_columns:
                raise UnreadableInput(t("a table has {n_v1} columns, more than {max_columns}", n_v1=len(rows[0]), max_columns=settings.max_columns),
                                      where=rel, hint=t("check the file; raise DocxSettings.max_columns if it is real"))
            if rows:
                yield _Table(rows)


def _body_children(el) -> Iterator:
    for child in el:
        if child.tag == _W + "sdt":   # content control: its content belongs to the body
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _body_children(content)
        else:
            yield child


def paragraph_text(p) -> str:
    """Text of a ``w:p`` as python-docx reads it (runs, tabs, line breaks, hyperlinks)."""
    from docx.text.paragraph import Paragraph

    return Paragraph(p, None).text


def table_to_grid(tbl) -> list[list[str | None]]:
    """Rows of cell texts on the table grid; ``None`` where a merged cell covers the position."""
    width = len(tbl.findall(f"{_W}tblGrid/{_W}gridCol"))
    rows: list[list[str | None]] = []
    for tr in tbl.iterfind(_W + "tr"):
        row: list[str | None] = [""] * _grid_value(tr, "gridBefore")
        for tc in tr.iterfind(_W + "tc"):
            span = max(1, _cell_value(tc, "gridSpan"))
            vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
            continues = vmerge is not None and vmerge.get(_W + "val", "continue") != "restart"
            row.append(None if continues else cell_to_text(tc))
            row.extend([None] * (span - 1))
        row.extend([""] * _grid_value(tr, "gridAfter"))
        rows.append(row)
    width = max([width] + [len(r) for r in rows])
    return [r + [""] * (width - len(r)) for r in rows]


def _cell_value(tc, name: str) -> int:
    el = tc.find(f"{_W}tcPr/{_W}{name}")
    return _int(el.get(_W + "val") if el is not None else None)


def _grid_value(tr, name: str) -> int:
    el = tr.find(f"{_W}trPr/{_W}{name}")
    return _int(el.get(_W + "val") if el is not None else None)


def _int(value: str | None) -> int:
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


def cell_to_text(tc) -> str:
    """The cell's paragraphs (nested tables included) joined with "\\n", numbers not invented."""
    texts = [paragraph_text(p) for p in tc.iter(_W + "p")]
    return "\n".join(texts).strip("\n")


def stitch_split_tables(blocks: list[_Text | _Table]) -> list[_Text | _Table]:
    """Join a table to the table right before it when both have the same header row."""
    out: list[_Text | _Table] = []
    for block in blocks:
        prev = out[-1] if out else None
        if isinstance(block, _Table) and isinstance(prev, _Table) and _key(block.rows[0]) == _key(prev.rows[0]):
            prev.rows += block.rows
            continue
        out.append(block)
    return out


def drop_repeated_headers(rows: list[list[str | None]]) -> list[list[str | None]]:
    """The rows without the header row typed again further down (kept once, as row 1)."""
    if not rows:
        return rows
    header = _key(rows[0])
    return [rows[0]] + [r for r in rows[1:] if _key(r) != header]


def _key(row: list[str | None]) -> tuple[str, ...]:
    return tuple(_SPACE.sub("", c or "") for c in row)


def tables_to_rows(blocks: list[_Text | _Table], rel: str) -> Iterator[Row]:
    table_no = 0
    for block in blocks:
        if isinstance(block, _Text):
            yield Row(Provenance(rel, line=block.index), (block.text,))
            continue
        table_no += 1
        for r, cells in enumerate(drop_repeated_headers(block.rows), 1):
            yield Row(Provenance(rel, table=table_no, row=r), tuple(cells))


def debug_blocks(path: Path, settings: DocxSettings = DocxSettings()) -> list[dict]:
    """What the extractor saw: paragraphs and table grids, before stitching and header dropping."""
    body = open_docx(path, str(path))
    return [{"paragraph": b.index, "text": b.text} if isinstance(b, _Text) else {"table": b.rows}
            for b in body_to_blocks(body, str(path), settings)]
