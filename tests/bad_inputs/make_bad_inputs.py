"""Write the bad-input corpus: files that are empty, damaged, locked, hostile, huge,
misnamed or oddly encoded, derived from the real seeds (raw/*.txt) and fixtures
(tests/fixtures/*) wherever that makes sense, plus good files as controls.

    python tests/bad_inputs/make_bad_inputs.py DEST      # writes DEST/<kind files>

``make_corpus(dest)`` returns ``{kind: relative path}``; ``KINDS`` lists the kinds in order.
It also writes ``manifest.tsv`` giving one file the region "../../x".
Everything is deterministic (no random bytes) and takes about a second; the biggest files
are sparse (``huge.txt``) or compress to almost nothing (the zip bomb), so the corpus holds
under 3 MB on disk. Needs pypdf, openpyxl and msoffcrypto-tool (test extras); the workbooks, web
pages and Word files come from the format fixtures (tests/fixtures/formats, ``make_formats.py``).
"""
from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "raw"
FIXTURES = REPO / "tests" / "fixtures"

SEED_QINGDAO = SEEDS / "000_7dd4aa0705870e63.txt"       # bundle list, cell-per-line
SEED_BAIYIN = SEEDS / "001_d4e3f231794595e4.txt"        # bundle + speed-up list with codes
SEED_CATALOG = SEEDS / "004_eaa179039b1c9c6b.txt"       # 104-row service catalog
PDF_LIST = FIXTURES / "prose_zibo_numbered_items.pdf"   # born-digital PDF, 淄博 list
PDF_TABLE = FIXTURES / "bundle_qingdao_merged_cells.pdf"
DOCX_LIST = FIXTURES / "prose_zibo_numbered_items.docx"
FORMATS = FIXTURES / "formats"
XLSX_LIST = FORMATS / "bundle_qingdao_merged_cells.xlsx"
ODS_LIST = FORMATS / "bundle_qingdao_merged_cells.ods"
XLS_LIST = FORMATS / "bundle_qingdao_merged_cells.xls"
HTML_LIST = FORMATS / "catalog_social_insurance_merged_categories.html"
DOC_LIST = FORMATS / "prose_zibo_numbered_items.doc"
PASSWORD = "secret-2020"

_MB = 1024 * 1024


def _seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _docx_parts(source: Path = DOCX_LIST) -> dict[str, bytes]:
    with zipfile.ZipFile(source) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _with_doctype(doctype: str, entity_ref: str) -> bytes:
    parts = _docx_parts()
    head, rest = parts["word/document.xml"].decode("utf-8").split("?>", 1)
    body = rest.replace("二、联办事项", "二、联办事项" + entity_ref, 1)
    parts["word/document.xml"] = (head + "?>" + doctype + body).encode("utf-8")
    return _zip(parts)


# --- the kinds ------------------------------------------------------------------------------

def empty() -> bytes:
    return b""


def blanks_only() -> bytes:
    return b" \r\n\t\n   \n"


def truncated_pdf() -> bytes:
    data = PDF_TABLE.read_bytes()
    return data[: len(data) // 3]


def _encrypt(user: str, owner: str, source: Path = PDF_LIST) -> bytes:
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def encrypted_with_user_password() -> bytes:
    return _encrypt(PASSWORD, "owner-" + PASSWORD)


def encrypted_owner_password_only() -> bytes:
    return _encrypt("", "owner-" + PASSWORD)


def pdf_without_unicode_map() -> bytes:
    """The 淄博 PDF with every font's /ToUnicode map removed: text comes out as (cid:N)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject
    writer = PdfWriter(clone_from=PdfReader(PDF_LIST))
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            if NameObject("/ToUnicode") in font:
                del font[NameObject("/ToUnicode")]
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def image_only_pdf() -> bytes:
    return (FIXTURES / "scanned_page_without_text.pdf").read_bytes()


def pdf_500_pages() -> bytes:
    """One page of the 淄博 PDF 500 times (the page's objects are shared, so the file stays small)."""
    from pypdf import PdfReader, PdfWriter
    page = PdfReader(PDF_LIST).pages[0]
    writer = PdfWriter()
    for _ in range(500):
        writer.add_page(page)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def docx_not_a_zip() -> bytes:
    return _seed_text(SEED_QINGDAO).encode("utf-8")


def web_page_named_doc() -> bytes:
    rows = "".join(f"<tr><td>{line}</td></tr>" for line in _seed_text(SEED_CATALOG).split("\n")[:40])
    return f'<html xmlns:w="urn:schemas-microsoft-com:office:word"><body><table>{rows}</table></body></html>'.encode()


def truncated_docx() -> bytes:
    data = DOCX_LIST.read_bytes()
    return data[: len(data) // 2]


def docx_zip_bomb() -> bytes:
    """The 淄博 DOCX plus a 64 MB member of zeros that packs to about 60 kB."""
    buf = io.BytesIO(DOCX_LIST.read_bytes())
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("word/media/image1.bin", "w", force_zip64=True) as fh:
            chunk = bytes(_MB)
            for _ in range(64):
                fh.write(chunk)
    return buf.getvalue()


def docx_entity_bomb() -> bytes:
    """Billion laughs: ten levels of ten references each (10^9 copies if expanded)."""
    ents = ['<!ENTITY lol0 "哈哈">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    return _with_doctype(f"<!DOCTYPE w:document [{''.join(ents)}]>", "&lol9;")


def docx_external_entity() -> bytes:
    return _with_doctype('<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;")


def ole_header(kind: str) -> Callable[[], bytes]:
    """An OLE2 compound file header (what .doc, .wps and .xls files start with) and an empty sector."""
    def make() -> bytes:
        header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
        return header + bytes(512 - len(header)) + kind.encode() * 64
    make.__name__ = f"ole_{kind}"
    return make


def xlsx_list() -> bytes:
    """The 104-row catalog (seed 004) as an Excel sheet."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    for line in _seed_text(SEED_CATALOG).split("\n"):
        if line.strip():
            ws.append([line.strip()])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def big5_text() -> bytes:
    """Seed 000 in traditional characters, Big5 (characters Big5 lacks become '?')."""
    from opencc import OpenCC
    return OpenCC("s2t").convert(_seed_text(SEED_QINGDAO)).encode("big5", errors="replace")


def gbk_text() -> bytes:
    return _seed_text(SEED_QINGDAO).encode("gbk", errors="replace")


def utf16_with_bom() -> bytes:
    return _seed_text(SEED_BAIYIN).encode("utf-16")


def utf16_without_bom() -> bytes:
    return _seed_text(SEED_CATALOG).encode("utf-16-le")


def binary_garbage() -> bytes:
    """4 kB of hash output: deterministic bytes with no text in them."""
    return b"".join(hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(128))


def no_recognisable_header() -> bytes:
    """Seed 004 with its header row's words replaced: the table has no header we know."""
    lines = _seed_text(SEED_CATALOG).split("\n")
    header_end = next(i for i, line in enumerate(lines) if line.strip() == "") if lines else 0
    renamed = [f"\t列{i}" if line.startswith("\t") else line for i, line in enumerate(lines[:header_end], 1)]
    return "\n".join(renamed + lines[header_end:]).encode("utf-8")


def duplicated_rows() -> bytes:
    """Seed 004 with its first five data rows printed twice (as happens when a page is pasted twice)."""
    lines = _seed_text(SEED_CATALOG).split("\n")
    blanks = [i for i, line in enumerate(lines) if not line.strip()]
    start, end = blanks[0], blanks[5]
    return "\n".join(lines[:end] + lines[start:end] + lines[end:]).encode("utf-8")


def two_regions() -> bytes:
    """Seed 000 (青岛) under a title that names 济南市 too."""
    title = "济南市人力资源和社会保障局 青岛市人力资源和社会保障局关于联合公布打包一件事清单的通知\n"
    return (title + _seed_text(SEED_QINGDAO)).encode("utf-8")


def seed_as_is(path: Path) -> Callable[[], bytes]:
    def make() -> bytes:
        return path.read_bytes()
    make.__name__ = f"seed_{path.stem[:3]}"
    return make


def png_named_pdf() -> bytes:
    import zlib
    def chunk(tag: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + tag + data + zlib.crc32(tag + data).to_bytes(4, "big")
    ihdr = (8).to_bytes(4, "big") + (8).to_bytes(4, "big") + b"\x08\x00\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(72))) + chunk(b"IEND", b"")


def rtf_document() -> bytes:
    return b"{\\rtf1\\ansi\\ansicpg936 " + _seed_text(SEED_CATALOG)[:400].encode("gbk", errors="replace") + b"}"


def zip_not_docx() -> bytes:
    return _zip({"附件1.txt": SEED_QINGDAO.read_bytes(), "附件2.txt": SEED_CATALOG.read_bytes()})


def gzip_archive() -> bytes:
    import gzip
    return gzip.compress(SEED_QINGDAO.read_bytes(), mtime=0)


# --- workbooks, web pages, OFD ----------------------------------------------------------------

def _package_parts(source: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(source) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _bomb(parts: dict[str, bytes], member: str) -> bytes:
    """A package plus a 64 MB member of zeros that packs to about 60 kB."""
    buf = io.BytesIO(_zip(parts))
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
        with zf.open(member, "w", force_zip64=True) as fh:
            chunk = bytes(_MB)
            for _ in range(64):
                fh.write(chunk)
    return buf.getvalue()


def xlsx_damaged() -> bytes:
    """The 青岛 workbook with its first sheet's XML cut off in the middle."""
    parts = _package_parts(XLSX_LIST)
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:400]
    return _zip(parts)


def xls_truncated() -> bytes:
    data = XLS_LIST.read_bytes()
    return data[: len(data) // 3]


def xlsx_zip_bomb() -> bytes:
    return _bomb(_package_parts(XLSX_LIST), "xl/media/image1.bin")


def ods_zip_bomb() -> bytes:
    return _bomb(_package_parts(ODS_LIST), "Pictures/image1.bin")


def ofd_zip_bomb() -> bytes:
    ofd = (b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" '
           b'DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
    return _bomb({"OFD.xml": ofd}, "Doc_0/Res/image1.bin")


def ofd_damaged() -> bytes:
    """The 白银 OFD with its first page's content cut off in the middle."""
    parts = _package_parts(FORMATS / "bundle_baiyin_codes_units_landscape.ofd")
    page = "Doc_0/Pages/Page_0/Content.xml"
    parts[page] = parts[page][: len(parts[page]) // 2]
    return _zip(parts)


def _with_entities(source: Path, part: str) -> bytes:
    parts = _package_parts(source)
    ents = ['<!ENTITY lol0 "哈哈">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    doctype = f"<!DOCTYPE x [{''.join(ents)}<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
    xml = parts[part].decode("utf-8")
    head, rest = xml.split("?>", 1) if xml.startswith("<?xml") else ("", xml)
    parts[part] = ((head + "?>" if head else "") + doctype + rest.replace("</worksheet>", "</worksheet>", 1)).encode()
    return _zip(parts)


def xlsx_entity_bomb() -> bytes:
    return _with_entities(XLSX_LIST, "xl/worksheets/sheet1.xml")


def ods_external_entity() -> bytes:
    return _with_entities(ODS_LIST, "content.xml")


def xlsx_password() -> bytes:
    """The 青岛 workbook encrypted with a password (Excel's "Encrypt with password": an OLE2 file)."""
    from msoffcrypto.format.ooxml import OOXMLFile
    out = io.BytesIO()
    with XLSX_LIST.open("rb") as fh:
        OOXMLFile(fh).encrypt(PASSWORD, out)
    return out.getvalue()


def _sheet(cells: dict[str, object], hidden: bool = False) -> bytes:
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    for ref, value in cells.items():
        ws[ref] = value
    if hidden:
        wb.create_sheet("说明")["A1"] = ""
        ws.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_sparse_giant() -> bytes:
    """Two cells, A1 and XFD1048576: the used range is the whole grid (17 billion cells)."""
    return _sheet({"A1": "序号", "XFD1048576": "1"})


def xlsx_only_hidden() -> bytes:
    return _sheet({"A1": "序号", "B1": "事项名称", "A2": 1, "B2": "就业登记"}, hidden=True)


def ods_repeated_rows() -> bytes:
    """The 青岛 .ods with its first row repeated a million times (one XML attribute)."""
    parts = _package_parts(ODS_LIST)
    xml = parts["content.xml"].decode("utf-8")
    parts["content.xml"] = xml.replace("<table:table-row", '<table:table-row table:number-rows-repeated="1000000"',
                                       1).encode()
    return _zip(parts)


def html_without_table() -> bytes:
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>青岛市人力资源和社会保障局</title></head><body>"
            "<h1>关于做好2021年元旦春节期间工作的通知</h1><p>各区（市）人力资源和社会保障局：</p>"
            "<p>现将有关事项通知如下。</p></body></html>").encode("utf-8")


def html_entity_tricks() -> bytes:
    """The catalog page with an internal DTD: a billion laughs and an external entity, both referenced."""
    ents = ['<!ENTITY lol0 "哈哈">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    page = HTML_LIST.read_text(encoding="utf-8")
    doctype = f"<!DOCTYPE html [{''.join(ents)}<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
    return page.replace("<!DOCTYPE html>", doctype, 1).replace("</h1>", "&lol9;&xxe;</h1>", 1).encode("utf-8")


def fixture(name: str) -> Callable[[], bytes]:
    def make() -> bytes:
        return (FIXTURES / name).read_bytes()
    make.__name__ = f"fixture_{name.replace('/', '_')}"
    return make


# kind id -> (file name in the corpus, maker). Names with folders, spaces and Chinese on purpose.
KINDS: dict[str, tuple[str, Callable[[], bytes] | None]] = {
    "empty file": ("empty.txt", empty),
    "blanks only": ("blanks.txt", blanks_only),
    "zero-byte PDF": ("zero.pdf", empty),
    "truncated PDF": ("truncated.pdf", truncated_pdf),
    "encrypted PDF with a user password": ("locked.pdf", encrypted_with_user_password),
    "encrypted PDF with only an owner password": ("owner_only.pdf", encrypted_owner_password_only),
    "PDF fonts without a ToUnicode map": ("no_unicode_map.pdf", pdf_without_unicode_map),
    "image-only PDF": ("scan.pdf", image_only_pdf),
    "500-page PDF": ("500_pages.pdf", pdf_500_pages),
    "DOCX that is not a zip": ("not_a_zip.docx", docx_not_a_zip),
    "web page saved as .doc": ("web_page.doc", web_page_named_doc),
    "truncated DOCX": ("truncated.docx", truncated_docx),
    "DOCX zip bomb": ("zip_bomb.docx", docx_zip_bomb),
    "DOCX XML entity bomb": ("entity_bomb.docx", docx_entity_bomb),
    "DOCX external entity": ("external_entity.docx", docx_external_entity),
    "old Word .doc": ("old_word.doc", ole_header("doc")),
    "WPS .wps": ("kingsoft.wps", ole_header("wps")),
    "Excel .xlsx list": ("catalog.xlsx", xlsx_list),
    "TXT in Big5": ("big5.txt", big5_text),
    "TXT in GBK": ("gbk.txt", gbk_text),
    "TXT in UTF-16 with BOM": ("utf16_bom.txt", utf16_with_bom),
    "TXT in UTF-16 without BOM": ("utf16_no_bom.txt", utf16_without_bom),
    "binary garbage named .txt": ("garbage.txt", binary_garbage),
    "table with no recognisable header": ("no_header.txt", no_recognisable_header),
    "list with duplicated rows": ("duplicated_rows.txt", duplicated_rows),
    "document naming two regions": ("two_regions.txt", two_regions),
    "name with spaces, Chinese and path-like parts": ("山东 省/青岛市 ../附件1 (修订版)..txt", seed_as_is(SEED_QINGDAO)),
    "file over the size limit": ("huge.txt", None),   # sparse, written by make_corpus
    "PNG image named .pdf": ("photo.pdf", png_named_pdf),
    "RTF document": ("list.rtf", rtf_document),
    "zip archive that is not a Word file": ("attachments.zip", zip_not_docx),
    "gzip archive": ("list.txt.gz", gzip_archive),
    "PDF named .txt": ("pdf_named.txt", fixture("prose_zibo_numbered_items.pdf")),
    "DOCX named .pdf": ("docx_named.pdf", fixture("prose_zibo_numbered_items.docx")),
    "good DOCX": ("good.docx", fixture("catalog_social_insurance_merged_categories.docx")),
    "good PDF": ("good.pdf", fixture("bundle_baiyin_codes_units_landscape.pdf")),
    "good TXT (seed 004)": ("good.txt", seed_as_is(SEED_CATALOG)),
    "good provincial TXT (seed 002)": ("provincial.txt", seed_as_is(SEEDS / "002_82660bfd3293e404.txt")),
    "damaged workbook (.xlsx)": ("damaged.xlsx", xlsx_damaged),
    "truncated .xls": ("truncated.xls", xls_truncated),
    "XLSX zip bomb": ("zip_bomb.xlsx", xlsx_zip_bomb),
    "ODS zip bomb": ("zip_bomb.ods", ods_zip_bomb),
    "OFD zip bomb": ("zip_bomb.ofd", ofd_zip_bomb),
    "XLSX XML entity bomb": ("entity_bomb.xlsx", xlsx_entity_bomb),
    "ODS external entity": ("external_entity.ods", ods_external_entity),
    "password-protected workbook": ("locked.xlsx", xlsx_password),
    "sheet spanning the whole grid (two cells)": ("giant_sparse.xlsx", xlsx_sparse_giant),
    "ODS row repeated a million times": ("repeated_rows.ods", ods_repeated_rows),
    "workbook whose only sheet with text is hidden": ("hidden_only.xlsx", xlsx_only_hidden),
    "web page with no table": ("notice.html", html_without_table),
    "web page with entity declarations": ("entities.html", html_entity_tricks),
    "good XLSX": ("good.xlsx", fixture("formats/bundle_qingdao_merged_cells.xlsx")),
    "good WPS .et": ("good.et", fixture("formats/bundle_shandong_three_lists.et")),
    "good ODS": ("good.ods", fixture("formats/bundle_baiyin_codes_units_landscape.ods")),
    "good HTML": ("good.html", fixture("formats/catalog_social_insurance_merged_categories.html")),
    "good MHT web archive": ("good.mht", fixture("formats/bundle_shandong_three_lists.mht")),
    "good .doc (LibreOffice)": ("good.doc", fixture("formats/prose_zibo_numbered_items.doc")),
    "good OFD": ("good.ofd", fixture("formats/bundle_baiyin_codes_units_landscape.ofd")),
    "OFD with a damaged page": ("damaged.ofd", ofd_damaged),
}

# The region "../../x" would escape out/diffs/ if used as a file name; the diff writer must sanitise it.
MANIFEST = ("file\tregion\tprovince\tlevel\n"
            f"{KINDS['name with spaces, Chinese and path-like parts'][0]}\t../../x\t山东省\tcity\n")

HUGE_BYTES = 101 * _MB   # just over the default Limits.max_file_bytes (100 MB)


def make_corpus(dest: Path) -> dict[str, str]:
    """Write every kind under ``dest``; returns kind -> path relative to ``dest`` (forward slashes)."""
    dest.mkdir(parents=True, exist_ok=True)
    written = {}
    for kind, (name, maker) in KINDS.items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if maker is None:
            with path.open("wb") as fh:   # a sparse file: no disk used, nothing to read
                fh.truncate(HUGE_BYTES)
        else:
            path.write_bytes(maker())
        written[kind] = name
    (dest / "manifest.tsv").write_text(MANIFEST, encoding="utf-8")
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("bad_inputs")
    for kind, name in make_corpus(target).items():
        print(f"{name}\t{kind}")
