"""The format dispatcher: a file -> its extractor's `Row`s, the format told by the file's leading bytes.

``extract_rows`` picks the format (``sniff_format``), not trusting the file's name:
- ``%PDF-`` -> pdf; a zip package by its members: ``word/document.xml`` -> docx,
  ``xl/workbook.xml`` -> xlsx (.xlsx/.xlsm), ``mimetype`` of an OpenDocument spreadsheet or
  text -> ods / odt, ``OFD.xml`` -> ofd;
- an OLE2 compound file (D0CF11E0) by its directory: a ``WordDocument`` stream -> doc (Word
  .doc and Kingsoft .wps), ``Workbook``/``Book`` -> xls (Excel .xls and WPS .et), an
  ``EncryptedPackage`` -> refused as password protected;
- ``{\\rtf`` -> rtf; ``<!DOCTYPE html``, ``<html`` or ``<table`` after blanks and a BOM -> html;
  ``MIME-Version`` with ``multipart/related`` -> mht (a web archive); other text -> txt
  (CSV included).
Before anything is parsed it refuses, each with a message naming the file, the reason and what
to do: empty files, files over the size limit, zip bombs, images, archives, other Office files,
and files whose name claims a binary format (.pdf, .docx, .xlsx …) that their bytes are not.
A scanned PDF (page images, no text layer), and one whose fonts have no Unicode map ("(cid:N)"),
goes to the OCR reader when it can run here.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.i18n import N_, t
from pipeline.core.errors import EncryptedInput, UnreadableInput, UnsupportedFormat
from pipeline.core.header_words import HeaderVocabulary
from pipeline.core.limits import Deadline, Limits, check_file_size, check_zip_members
from pipeline.core.records import Row

__all__ = ["extract_rows", "sniff_format", "FORMATS", "ocr_reader", "available_engines"]

# What sniff_format answers; each has a reader (doc, rtf and odt through LibreOffice).
FORMATS = ("doc", "docx", "html", "mht", "ods", "odt", "ofd", "pdf", "rtf", "txt", "xls", "xlsx")

_SAVE_AS_DOCX = N_("open it in Word/WPS and save it as .docx (or print it to PDF)")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# leading bytes -> (what the file is, what to do)
_REFUSED_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG", N_("an image (PNG), not a document"), N_("put the scan into a PDF and run it through OCR")),
    (b"\xff\xd8\xff", N_("an image (JPEG), not a document"), N_("put the scan into a PDF and run it through OCR")),
    (b"GIF8", N_("an image (GIF), not a document"), N_("put the scan into a PDF and run it through OCR")),
    (b"II*\x00", N_("an image (TIFF), not a document"), N_("put the scan into a PDF and run it through OCR")),
    (b"MM\x00*", N_("an image (TIFF), not a document"), N_("put the scan into a PDF and run it through OCR")),
    (b"BM", N_("an image (BMP), not a document"), N_("put the scan into a PDF and run it through OCR")),
    (b"Rar!", N_("a RAR archive"), N_("unpack it and give the documents inside")),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip archive"), N_("unpack it and give the documents inside")),
    (b"\x1f\x8b", N_("a gzip archive"), N_("unpack it and give the documents inside")),
)
# names that promise a binary format; if the bytes are not that format, the name lies
_BINARY_SUFFIXES = {".pdf": N_("PDF"), ".docx": N_("Word (.docx)"), ".doc": N_("Word (.doc)"), ".wps": N_("WPS"),
                    ".xlsx": N_("Excel"), ".xlsm": N_("Excel"), ".xls": N_("Excel"), ".et": N_("WPS spreadsheet"),
                    ".ods": N_("OpenDocument spreadsheet"), ".odt": N_("OpenDocument text"), ".ofd": N_("OFD")}
_ODF_KINDS = {b"application/vnd.oasis.opendocument.spreadsheet": "ods",
              b"application/vnd.oasis.opendocument.text": "odt"}
_HTML_STARTS = (b"<!doctype html", b"<html", b"<table", b"<head", b"<body", b"<meta")


def sniff_format(path: Path, rel: str = "", limits: Limits = Limits()) -> str:
    """Return one of FORMATS from the file's first bytes, or raise a `PipelineError` saying why not."""
    rel = rel or path.name
    size = path.stat().st_size
    check_file_size(size, rel, limits)
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        raise UnreadableInput(t("the file is empty") if not head else t("the file is empty (blanks only)"), where=rel,
                              hint=t("check that the right file was exported"))
    if b"%PDF-" in head[:1024]:   # the header may follow a little junk (the PDF standard allows 1024 bytes)
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(path, rel, limits)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(path, rel)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    for magic, what, hint in _REFUSED_MAGIC:
        if head.startswith(magic):
            raise UnsupportedFormat(what, where=rel, hint=hint)
    markup = _markup_kind(head)
    if markup:
        return markup
    claimed = _BINARY_SUFFIXES.get(path.suffix.lower())
    if claimed:
        raise UnsupportedFormat(t("the name says {claimed} but the file is {actual}", claimed=claimed, actual=_describe_text(head)), where=rel,
                                hint=t("{SAVE_AS_DOCX}; or, if it is a text export, rename it to .txt", SAVE_AS_DOCX=_SAVE_AS_DOCX))
    return "txt"


def _text_head(head: bytes) -> bytes:
    """The leading bytes lower-cased, BOM and blanks removed (UTF-16 read as such)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()


def _markup_kind(head: bytes) -> str:
    low = _text_head(head)
    if low.startswith((b"<?xml", b"<!--")) and b"<html" in low[:1024]:
        return "html"
    if low.startswith(_HTML_STARTS):
        return "html"
    if b"mime-version" in low[:1024] and b"multipart/related" in low:
        return "mht"
    return ""


def _describe_text(head: bytes) -> str:
    low = _text_head(head)
    if low.startswith(b"mime-version"):
        return t("a web archive (MHT) saved under that name")
    if sum(32 <= b < 127 or b in b"\t\r\n" or b >= 0x80 for b in head) < len(head) * 0.9:
        return t("something else (it starts with {start})", start=head[:8].hex(" "))
    return t("plain text")


def _sniff_zip(path: Path, rel: str, limits: Limits) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip_members(zf, rel, limits)
            names = set(zf.namelist())
            mimetype = zf.read("mimetype").strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError) as err:
        raise UnsupportedFormat(t("the file starts like a ZIP package (.docx/.xlsx/.ods/.ofd) but is damaged or cut short ({name})", name=type(err).__name__), where=rel,
                                hint=t("re-download it, or open it in Word/Excel/WPS and save it again")) from err
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if mimetype in _ODF_KINDS and "content.xml" in names:
        return _ODF_KINDS[mimetype]
    if "OFD.xml" in names:
        return "ofd"
    if "xl/workbook.bin" in names:
        raise UnsupportedFormat(t("an Excel binary workbook (.xlsb)"), where=rel,
                                hint=t("open it in Excel/WPS and save it as .xlsx"))
    if "ppt/presentation.xml" in names or mimetype.startswith(b"application/vnd.oasis.opendocument."):
        raise UnsupportedFormat(t("an Office file that is not a Word document or a spreadsheet (a presentation?)"),
                                where=rel, hint=_SAVE_AS_DOCX)
    raise UnsupportedFormat(t("a ZIP archive that is not a Word document, a spreadsheet or an OFD file"), where=rel,
                            hint=t("unpack it and give the .docx/.xlsx/.pdf inside"))


def _sniff_ole(path: Path, rel: str) -> str:
    """doc or xls, from the streams of an OLE2 compound file."""
    import olefile
    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
    except Exception as err:   # olefile raises OSError and others on damage
        raise UnreadableInput(t("an old binary Office file (.doc/.wps/.xls/.et) that is damaged or cut short ({name})", name=type(err).__name__), where=rel,
                              hint=t("re-download it, or open it in Word/Excel/WPS and save it again")) from err
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise EncryptedInput(t("an Office file that is password protected (encrypted)"), where=rel,
                             hint=t("open it in Word/Excel/WPS with its password and save it without one"))
    if "WordDocument" in streams:
        return "doc"
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    if "PowerPoint Document" in streams:
        raise UnsupportedFormat(t("a PowerPoint presentation (.ppt)"), where=rel, hint=_SAVE_AS_DOCX)
    raise UnsupportedFormat(t("an old binary Office file that is neither a Word document nor a workbook"), where=rel,
                            hint=_SAVE_AS_DOCX)


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
    if kind in ("xlsx", "xls", "ods"):
        from extractors import sheets
        return sheets.extract_rows(path, rel, *extra, deadline=deadline, kind=kind)
    if kind in ("html", "mht"):
        from extractors import html
        return html.extract_rows(path, rel, *extra, deadline=deadline, kind=kind)
    if kind in ("doc", "rtf", "odt"):
        from extractors import office
        return office.extract_rows(path, rel, *extra, deadline=deadline, kind=kind)
    if kind == "ofd":
        from extractors import ofd
        return ofd.extract_rows(path, rel, *extra, deadline=deadline)
    from extractors import pdf
    try:
        return pdf.extract_rows(path, rel, *extra, deadline=deadline, password=password, headers=headers)
    except (pdf.ScannedPdf, pdf.UnmappedFonts):   # page images, or text as (cid:N): the rendered pages are read
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


def available_engines() -> tuple[str, ...]:
    """The OCR engines that can run here, sorted ("ppocr", "tesseract"; () without the OCR extra).
    Part of the result cache's key: a file refused for want of OCR is read once OCR is installed."""
    from extractors.engines import available_engines as engines
    return engines()
