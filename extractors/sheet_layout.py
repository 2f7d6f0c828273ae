"""What a workbook's own bytes say about each sheet, read before any sheet is laid out.

``measure_sheets(path, rel, kind, positions) -> [SheetLayout]``: per sheet the used range (the
rectangle from A1 to the last cell holding a value), its size in cells (checked against
``Limits.max_cells`` before calamine allocates the rectangle), the merged ranges when
calamine does not give them (.ods), and how numbers are printed: the number format of each
numeric cell (.xlsx: ``styles.xml``; .xls/.et: the BIFF ``XF``/``FORMAT`` records) or the
text the sheet shows (.ods keeps it in ``text:p``). Nothing is expanded: repeated rows and
columns of an .ods are counted, not copied. XML is parsed with entities and the network off.
"""
from __future__ import annotations

import posixpath
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BUILTIN_FORMATS", "SheetLayout", "biff_is_encrypted", "column_name", "measure_sheets"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"

# Built-in number formats (ECMA-376 18.8.30, with the zh-CN forms Excel and WPS show for 14, 22, 27-36, 50-58).
BUILTIN_FORMATS = {
    1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
    14: "yyyy/m/d", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM",
    20: "h:mm", 21: "h:mm:ss", 22: "yyyy/m/d h:mm", 37: "#,##0", 38: "#,##0", 39: "#,##0.00", 40: "#,##0.00",
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss.0", 49: "@",
    27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"', 33: 'h"时"mm"分"ss"秒"', 34: 'AM/PMh"时"mm"分"', 35: 'AM/PMh"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"', 50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"',
    54: 'm"月"d"日"', 55: 'AM/PMh"时"mm"分"', 56: 'AM/PMh"时"mm"分"ss"秒"', 57: 'yyyy"年"m"月"', 58: 'm"月"d"日"',
}


@dataclass
class SheetLayout:
    rows: int = 0                 # used range from A1: rows x columns
    columns: int = 0
    merges: list | None = None    # [((r0, c0), (r1, c1))], 0-based; None = ask calamine
    formats: dict = field(default_factory=dict)   # (r, c) -> number format of a numeric cell
    printed: dict = field(default_factory=dict)   # (r, c) -> text the sheet shows (.ods)

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def describe(self) -> str:
        return f"A1:{column_name(self.columns - 1)}{self.rows}" if self.cells else "empty"

    def format_at(self, r: int, c: int) -> str:
        return self.formats.get((r, c), "")


def column_name(c: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        name = chr(65 + rem) + name
    return name


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def measure_sheets(path: Path, rel: str, kind: str, positions: list[int]) -> list[SheetLayout]:
    """The layout of each sheet at ``positions`` (1-based, workbook order) of an xlsx, xls or ods file."""
    if kind == "xlsx":
        return _xlsx_layouts(path, positions)
    if kind == "ods":
        return _ods_layouts(path, positions)
    return _xls_layouts(path, positions)


def _parser_args() -> dict:
    return {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False}


# --- xlsx ---------------------------------------------------------------------------------

def _xlsx_layouts(path: Path, positions: list[int]) -> list[SheetLayout]:
    from lxml import etree
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        book = etree.fromstring(zf.read("xl/workbook.xml"), etree.XMLParser(**_parser_args()))
        rels_name = "xl/_rels/workbook.xml.rels"
        rels = etree.fromstring(zf.read(rels_name), etree.XMLParser(**_parser_args())) if rels_name in names else None
        targets = {r.get("Id"): r.get("Target") for r in (rels if rels is not None else [])}
        sheets = book.findall(f"{_MAIN}sheets/{_MAIN}sheet")
        xf_formats = _xlsx_styles(zf, names)
        out = []
        for position in positions:
            target = targets.get(sheets[position - 1].get(_REL + "id"), "") if position <= len(sheets) else ""
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            out.append(_xlsx_sheet(zf, part, xf_formats) if part in names else SheetLayout())
        return out


def _xlsx_styles(zf: zipfile.ZipFile, names: set[str]) -> list[str]:
    """Number format of each cell style (cellXfs index), "" for General."""
    from lxml import etree
    if "xl/styles.xml" not in names:
        return []
    root = etree.fromstring(zf.read("xl/styles.xml"), etree.XMLParser(**_parser_args()))
    custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iter(_MAIN + "numFmt")}
    xfs = root.find(f"{_MAIN}cellXfs")
    out = []
    for xf in (xfs if xfs is not None else []):
        fid = int(xf.get("numFmtId", "0") or 0)
        out.append(custom.get(fid, BUILTIN_FORMATS.get(fid, "")))
    return out


def _xlsx_sheet(zf: zipfile.ZipFile, part: str, xf_formats: list[str]) -> SheetLayout:
    from lxml import etree
    layout = SheetLayout()
    row_no, col_no = 0, -1
    with zf.open(part) as fh:
        for event, el in etree.iterparse(fh, events=("start", "end"), tag=(_MAIN + "row", _MAIN + "c"),
                                         **_parser_args()):
            if el.tag == _MAIN + "row":
                if event == "start":
                    row_no = int(el.get("r")) - 1 if el.get("r") else row_no + 1
                    col_no = -1
                else:
                    el.clear()
                continue
            if event == "start":
                continue
            ref = el.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col_no = _column_index(letters)
                row_no = int(ref[len(letters):]) - 1
            else:
                col_no += 1
            if el.find(_MAIN + "v") is not None or el.find(_MAIN + "is") is not None:
                layout.rows = max(layout.rows, row_no + 1)
                layout.columns = max(layout.columns, col_no + 1)
                style = int(el.get("s", "0") or 0)
                if el.get("t") in (None, "n", "d") and style < len(xf_formats) and xf_formats[style]:
                    layout.formats[(row_no, col_no)] = xf_formats[style]
            el.clear()
    return layout


# --- ods ----------------------------------------------------------------------------------

def _ods_layouts(path: Path, positions: list[int]) -> list[SheetLayout]:
    from lxml import etree
    wanted = set(positions)
    found: dict[int, SheetLayout] = {}
    position = 0
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        state = None
        for event, el in etree.iterparse(fh, events=("start", "end"), **_parser_args()):
            tag = el.tag
            if tag == _TABLE + "table" and el.getparent() is not None and el.getparent().tag == _OFFICE + "spreadsheet":
                if event == "start":
                    position += 1
                    state = _OdsState() if position in wanted else None
                else:
                    if state is not None:
                        found[position] = state.layout
                    state = None
                    el.clear()
                continue
            if state is None or event != "end":
                continue
            if tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                state.cell(el)
            elif tag == _TABLE + "table-row":
                state.end_row(el)
                el.clear()
    return [found.get(p, SheetLayout()) for p in positions]


class _OdsState:
    _MERGE_REPEAT_CAP = 10_000   # a merged cell repeated more often than this is no list

    def __init__(self) -> None:
        self.layout = SheetLayout(merges=[])
        self.row = 0
        self.col = 0
        self.row_cells: list[tuple[int, int, object]] = []

    def cell(self, el) -> None:
        repeat = int(el.get(_TABLE + "number-columns-repeated", "1") or 1)
        texts = ["".join(p.itertext()) for p in el.iter(_TEXT + "p")]
        kind = el.get(_OFFICE + "value-type")
        if kind or any(t.strip() for t in texts):
            shown = "\n".join(texts) if kind and kind not in ("string",) else None
            rs = int(el.get(_TABLE + "number-rows-spanned", "1") or 1)
            cs = int(el.get(_TABLE + "number-columns-spanned", "1") or 1)
            self.row_cells.append((self.col, repeat, (shown, rs, cs)))
        elif el.tag == _TABLE + "table-cell":
            rs = int(el.get(_TABLE + "number-rows-spanned", "1") or 1)
            cs = int(el.get(_TABLE + "number-columns-spanned", "1") or 1)
            if rs > 1 or cs > 1:
                self.row_cells.append((self.col, repeat, (None, rs, cs, "empty")))
        self.col += repeat
        el.clear()

    def end_row(self, el) -> None:
        repeat = int(el.get(_TABLE + "number-rows-repeated", "1") or 1)
        layout = self.layout
        for col, col_repeat, info in self.row_cells:
            if len(info) == 3:
                layout.rows = max(layout.rows, self.row + repeat)
                layout.columns = max(layout.columns, col + col_repeat)
            shown, rs, cs = info[:3]
            if repeat * col_repeat > self._MERGE_REPEAT_CAP:
                continue
            for r in range(self.row, self.row + repeat):
                for c in range(col, col + col_repeat):
                    if shown is not None:
                        layout.printed[(r, c)] = shown
                    if rs > 1 or cs > 1:
                        layout.merges.append(((r, c), (r + rs - 1, c + cs - 1)))
        self.row += repeat
        self.col = 0
        self.row_cells = []


# --- xls / et (BIFF8 in an OLE2 compound file) ----------------------------------------------

_CELL_RECORDS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6}
_NUMERIC_RECORDS = {0x0203, 0x027E, 0x0006}


def _workbook_stream(path: Path) -> bytes:
    import olefile
    with olefile.OleFileIO(str(path)) as ole:
        for name in ("Workbook", "Book"):
            if ole.exists(name):
                return ole.openstream(name).read()
    return b""


def _records(data: bytes, offset: int = 0):
    n = len(data)
    while offset + 4 <= n:
        rtype, length = struct.unpack_from("<HH", data, offset)
        yield rtype, data[offset + 4: offset + 4 + length]
        offset += 4 + length
        if rtype == 0x000A:   # EOF of this substream
            return


def biff_is_encrypted(path: Path) -> bool:
    """True when the workbook stream holds a FILEPASS record (or the file is an encrypted OOXML package)."""
    import olefile
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo"):
                return True
    except OSError:
        return False
    data = _workbook_stream(path)
    return any(rtype == 0x002F for rtype, _ in _records(data))


def _xls_layouts(path: Path, positions: list[int]) -> list[SheetLayout]:
    data = _workbook_stream(path)
    offsets, formats, xf_format = [], {}, []
    for rtype, body in _records(data):
        if rtype == 0x0085 and len(body) >= 4:          # BOUNDSHEET: lbPlyPos
            offsets.append(struct.unpack_from("<I", body)[0])
        elif rtype == 0x041E and len(body) >= 5:        # FORMAT: ifmt, XLUnicodeString
            formats[struct.unpack_from("<H", body)[0]] = _biff_string(body[2:])
        elif rtype == 0x00E0 and len(body) >= 4:        # XF: ifnt, ifmt
            xf_format.append(struct.unpack_from("<H", body, 2)[0])
    out = []
    for position in positions:
        layout = SheetLayout()
        if position <= len(offsets):
            for rtype, body in _records(data, offsets[position - 1]):
                if rtype in _CELL_RECORDS and len(body) >= 6:
                    row, col, xf = struct.unpack_from("<HHH", body)
                    _xls_cell(layout, row, col, xf if rtype in _NUMERIC_RECORDS else -1, formats, xf_format)
                elif rtype == 0x00BD and len(body) >= 6:    # MULRK: row, first col, (xf, rk)*, last col
                    row, first = struct.unpack_from("<HH", body)
                    for k in range((len(body) - 6) // 6):
                        xf = struct.unpack_from("<H", body, 4 + 6 * k)[0]
                        _xls_cell(layout, row, first + k, xf, formats, xf_format)
        out.append(layout)
    return out


def _xls_cell(layout: SheetLayout, row: int, col: int, xf: int, formats: dict, xf_format: list[int]) -> None:
    layout.rows = max(layout.rows, row + 1)
    layout.columns = max(layout.columns, col + 1)
    if 0 <= xf < len(xf_format):
        fid = xf_format[xf]
        code = formats.get(fid) or BUILTIN_FORMATS.get(fid, "")
        if code:
            layout.formats[(row, col)] = code


def _biff_string(body: bytes) -> str:
    """XLUnicodeString: cch (2 bytes), flags (1 byte: bit 0 = UTF-16), characters."""
    if len(body) < 3:
        return ""
    cch, flags = struct.unpack_from("<HB", body)
    raw = body[3:]
    try:
        return raw[: 2 * cch].decode("utf-16-le") if flags & 1 else raw[:cch].decode("latin-1")
    except UnicodeDecodeError:
        return ""
