"""Extractors: one module per input format, each turning a file into `Row`s.

Every format module offers ``extract_rows(path, rel, settings) -> Iterator[Row]``.
Conventions shared by all of them:
- the first row of every table is its header; headers repeated at page breaks are dropped;
- ``None`` marks a position covered by a merged cell, ``""`` an empty cell;
- text outside tables comes as single-cell rows with ``where.table == 0``;
- text is kept as printed (repair happens in normalizers).

``extract_rows`` here picks the format from the file's leading bytes, not its name.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Iterator

from pipeline.errors import UnsupportedFormat
from pipeline.records import Row

__all__ = ["extract_rows", "sniff_format", "FORMATS"]

FORMATS = ("docx", "pdf", "txt")


def sniff_format(path: Path) -> str:
    """Return one of FORMATS from the file's first bytes, or raise UnsupportedFormat."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as err:
            raise UnsupportedFormat("the file starts like a ZIP archive but is damaged", where=str(path),
                                    hint="re-save the document from Word/WPS") from err
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            raise UnsupportedFormat("this is an Excel workbook (.xlsx), not a Word/PDF/text list",
                                    where=str(path), hint="save the sheet as PDF or export it as text")
        raise UnsupportedFormat("a ZIP archive that is not a Word document", where=str(path),
                                hint="give the .docx itself")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedFormat("an old binary Office file (.doc/.wps/.xls)", where=str(path),
                                hint="open it in Word/WPS and save it as .docx")
    return "txt"


def extract_rows(path: Path, rel: str, settings: object | None = None) -> Iterator[Row]:
    """Rows of one file, whatever its format. ``rel`` is the name used in provenance."""
    kind = sniff_format(path)
    if kind == "txt":
        from extractors import txt
        return txt.extract_rows(path, rel, *(() if settings is None else (settings,)))
    if kind == "docx":
        from extractors import docx
        return docx.extract_rows(path, rel, *(() if settings is None else (settings,)))
    from extractors import pdf
    return pdf.extract_rows(path, rel, *(() if settings is None else (settings,)))
