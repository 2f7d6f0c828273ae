"""The format dispatcher: a file -> its extractor's `Row`s, the format told by the file's leading bytes.

``extract_rows`` picks the format (``sniff_format``), not trusting the file's name. Before
anything is parsed it refuses, each with a message naming the file, the reason and what to
do: empty files, files over the size limit, zip bombs, old binary Office files
(.doc/.wps/.xls), Excel workbooks, images, RTF, archives, and files whose name claims a
binary format (.pdf, .docx, .doc …) that their bytes are not. A scanned PDF (page images,
no text layer) goes to the OCR reader when it can run here.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Iterator

from pipeline.core.header_words import HeaderVocabulary
from pipeline.core.errors import UnreadableInput, UnsupportedFormat
from pipeline.core.limits import Deadline, Limits, check_file_size, check_zip_members
from pipeline.core.records import Row

__all__ = ["extract_rows", "sniff_format", "FORMATS"]

FORMATS = ("docx", "pdf", "txt")

_SAVE_AS_DOCX = "open it in Word/WPS and save it as .docx (or print it to PDF)"
# leading bytes -> (what the file is, what to do)
_REFUSED_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old binary Office file (.doc/.wps/.xls) or an encrypted Office file",
     _SAVE_AS_DOCX + "; remove any password first"),
    (b"{\\rtf", "an RTF document", _SAVE_AS_DOCX),
    (b"\x89PNG", "an image (PNG), not a document", "put the scan into a PDF and run it through OCR"),
    (b"\xff\xd8\xff", "an image (JPEG), not a document", "put the scan into a PDF and run it through OCR"),
    (b"GIF8", "an image (GIF), not a document", "put the scan into a PDF and run it through OCR"),
    (b"II*\x00", "an image (TIFF), not a document", "put the scan into a PDF and run it through OCR"),
    (b"MM\x00*", "an image (TIFF), not a document", "put the scan into a PDF and run it through OCR"),
    (b"Rar!", "a RAR archive", "unpack it and give the documents inside"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "unpack it and give the documents inside"),
    (b"\x1f\x8b", "a gzip archive", "unpack it and give the documents inside"),
)
# names that promise a binary format; if the bytes are not that format, the name lies
_BINARY_SUFFIXES = {".pdf": "PDF", ".docx": "Word (.docx)", ".doc": "Word (.doc)", ".wps": "WPS",
                    ".xlsx": "Excel", ".xls": "Excel", ".et": "WPS spreadsheet", ".ofd": "OFD"}


def sniff_format(path: Path, rel: str = "", limits: Limits = Limits()) -> str:
    """Return one of FORMATS from the file's first bytes, or raise a `PipelineError` saying why not."""
    rel = rel or path.name
    size = path.stat().st_size
    check_file_size(size, rel, limits)
    with path.open("rb") as fh:
        head = fh.read(1024)
    if not head.strip():
        raise UnreadableInput("the file is empty" if not head else "the file is empty (blanks only)", where=rel,
                              hint="check that the right file was exported")
    if b"%PDF-" in head:   # the header may follow a little junk (the PDF standard allows 1024 bytes)
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(path, rel, limits)
    for magic, what, hint in _REFUSED_MAGIC:
        if head.startswith(magic):
            raise UnsupportedFormat(what, where=rel, hint=hint)
    claimed = _BINARY_SUFFIXES.get(path.suffix.lower())
    if claimed:
        raise UnsupportedFormat(f"the name says {claimed} but the file is {_describe_text(head)}", where=rel,
                                hint=f"{_SAVE_AS_DOCX}; or, if it is a text export, rename it to .txt")
    return "txt"


def _describe_text(head: bytes) -> str:
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in low[:200]:
        return "a web page (HTML) saved under that name"
    if low.startswith(b"mime-version"):
        return "a web archive (MHT) saved under that name"
    if sum(32 <= b < 127 or b in b"\t\r\n" or b >= 0x80 for b in head) < len(head) * 0.9:
        return f"something else (it starts with {head[:8].hex(' ')})"
    return "plain text"


def _sniff_zip(path: Path, rel: str, limits: Limits) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip_members(zf, rel, limits)
            names = set(zf.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as err:
        raise UnsupportedFormat(f"the file starts like a ZIP archive (.docx) but is damaged or cut short "
                                f"({type(err).__name__})", where=rel,
                                hint="re-download it, or open it in Word/WPS and save it again as .docx") from err
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        raise UnsupportedFormat("this is an Excel workbook (.xlsx), not a Word/PDF/text list", where=rel,
                                hint="save the sheet as PDF or export it as text")
    if "EncryptedPackage" in names or "ppt/presentation.xml" in names:
        raise UnsupportedFormat("an Office file that is not a Word document", where=rel, hint=_SAVE_AS_DOCX)
    raise UnsupportedFormat("a ZIP archive that is not a Word document", where=rel,
                            hint="unpack it and give the .docx/.pdf inside")


def extract_rows(path: Path, rel: str, settings: object | None = None, *, deadline: Deadline | None = None,
                 password: str | None = None, headers: HeaderVocabulary | None = None) -> Iterator[Row]:
    """Rows of one file, whatever its format. ``rel`` is the name used in provenance and messages.

    ``deadline`` carries the `Limits` and the time budget (default: ``Limits()`` from now);
    ``password`` opens encrypted PDFs; ``headers`` is the header vocabulary of the catalog
    (default: the one shipped), which text and PDF tables are found with.
    """
    deadline = deadline or Deadline(Limits(), rel)
    headers = headers or HeaderVocabulary.default()
    kind = sniff_format(path, rel, deadline.limits)
    extra = () if settings is None else (settings,)
    if kind == "txt":
        from extractors import txt
        return txt.extract_rows(path, rel, *extra, headers=headers)
    if kind == "docx":
        from extractors import docx
        return docx.extract_rows(path, rel, *extra, deadline=deadline)
    from extractors import pdf
    try:
        return pdf.extract_rows(path, rel, *extra, deadline=deadline, password=password, headers=headers)
    except pdf.ScannedPdf:
        ocr = ocr_reader()
        if ocr is None:
            raise
        return ocr.extract_rows(path, rel, deadline=deadline, password=password)


def ocr_reader():
    """`extractors.ocr` when it can run here (the OCR extra and Tesseract with chi_sim), else None."""
    try:
        from extractors import ocr
    except ImportError:
        return None
    return ocr if ocr.tesseract_available() else None
