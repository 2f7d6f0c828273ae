"""The dispatcher tells every format by its bytes: zip members, OLE2 streams, markup, text (CSV included)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from extractors import FORMATS, sniff_format
from pipeline.core.errors import EncryptedInput, UnreadableInput, UnsupportedFormat
from tests.extractors.formats_fixtures import FORMATS_DIR


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("data, kind", [
    (_zip({"word/document.xml": b"<w/>"}), "docx"),
    (_zip({"xl/workbook.xml": b"<w/>"}), "xlsx"),
    (_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}), "ods"),
    (_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}), "odt"),
    (_zip({"OFD.xml": b"<ofd:OFD/>"}), "ofd"),
    (b"{\\rtf1\\ansi 1}", "rtf"),
    (b"\xef\xbb\xbf  <!DOCTYPE html><html><body><table></table>", "html"),
    (b"\n<html xmlns:w='urn:schemas-microsoft-com:office:word'><body>", "html"),
    (b"<table><tr><td>\xe5\xba\x8f\xe5\x8f\xb7</td></tr></table>", "html"),
    (b"<!-- saved from url=(0014)about:internet -->\n<html><body>", "html"),
    ("<html><body>就业</body></html>".encode("utf-16"), "html"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n", "mht"),
    ("序号,事项名称\r\n1,就业登记\r\n".encode("utf-8-sig"), "txt"),
    ("序号\t事项名称\n1\t就业登记\n".encode("gbk"), "txt"),
], ids=["docx", "xlsx", "ods", "odt", "ofd", "rtf", "html with bom", "word html", "table fragment", "saved from",
        "utf-16 html", "mht", "csv", "tsv in gbk"])
def test_the_format_is_told_by_the_bytes_whatever_the_name(data: bytes, kind: str, tmp_path: Path):
    path = tmp_path / "file.bin"
    path.write_bytes(data)
    assert sniff_format(path) == kind and kind in FORMATS


@pytest.mark.parametrize("suffix, kind", [(".xls", "xls"), (".et", "xls"), (".doc", "doc"), (".wps", "doc")])
def test_ole2_files_are_told_apart_by_their_streams(suffix: str, kind: str, tmp_path: Path):
    source = next(FORMATS_DIR.glob(f"*{suffix}"))
    path = tmp_path / "x.dat"
    path.write_bytes(source.read_bytes())
    assert sniff_format(path) == kind


@pytest.mark.parametrize("data, error, phrase", [
    (_zip({"xl/workbook.bin": b""}), UnsupportedFormat, r"an Excel binary workbook \(\.xlsb\)"),
    (_zip({"ppt/presentation.xml": b""}), UnsupportedFormat, "not a Word document or a spreadsheet"),
    (_zip({"a.txt": b"x"}), UnsupportedFormat, "a ZIP archive that is not a Word document, a spreadsheet or an OFD"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), UnreadableInput, r"damaged or cut short"),
    (b"\x89PNG\r\n\x1a\n" + bytes(20), UnsupportedFormat, r"an image \(PNG\)"),
], ids=["xlsb", "pptx", "plain zip", "broken ole", "png"])
def test_what_is_not_read_is_refused_with_the_reason(data, error, phrase, tmp_path: Path):
    path = tmp_path / "x.dat"
    path.write_bytes(data)
    with pytest.raises(error, match=phrase):
        sniff_format(path)


def test_an_encrypted_office_file_is_named_password_protected(tmp_path: Path):
    from msoffcrypto.format.ooxml import OOXMLFile
    out = io.BytesIO()
    with (FORMATS_DIR / "prose_zibo_numbered_items.xlsx").open("rb") as fh:
        OOXMLFile(fh).encrypt("pw", out)
    path = tmp_path / "x.xlsx"
    path.write_bytes(out.getvalue())
    with pytest.raises(EncryptedInput, match="password protected"):
        sniff_format(path)


@pytest.mark.parametrize("name", ["list.xlsx", "list.ods", "list.ofd", "list.et"])
def test_text_under_a_binary_name_is_still_refused(name: str, tmp_path: Path):
    path = tmp_path / name
    path.write_text("序号 事项名称\n1 就业登记\n", encoding="utf-8")
    with pytest.raises(UnsupportedFormat, match=r"the name says .* but the file is plain text"):
        sniff_format(path)
