"""Spreadsheet extractor: .xlsx/.xlsm, .xls, WPS .et and .ods -> `Row`s, python-calamine at the edge.

Steps, in order:
1. ``open_workbook``: a zip package (.xlsx/.ods) is checked first (zip bomb, parts declaring a
   DOCTYPE/entities: ``extractors.docx.check_package``); an OLE2 file (.xls/.et) that holds an
   encrypted package or a BIFF ``FILEPASS`` record is refused as password protected; then
   python-calamine opens it (its errors are wrapped with the file named).
2. ``sheets_to_read``: worksheets in workbook order; hidden ones are skipped and said so in
   the ``notes`` of the file's first row.
3. ``measure_sheets`` (``extractors.sheet_layout``): each sheet's used range, merged ranges and
   number formats read from the file itself, so that ``Limits.max_cells`` is checked before
   calamine lays a sheet out (it allocates the whole rectangle: one cell at A1 and one at
   XFD1048576 would take 500 GB and abort the process).
4. ``sheet_to_grid``: calamine's values as printed (``cell_text``: whole numbers without ".0",
   dates in their number format, else ISO); a merged range keeps its text in its top-left
   cell and ``None`` on the positions it covers.
5. ``split_title_rows``: rows above the table holding one value (附件1, the list title merged
   across the header) become running text (``table == 0``); so does a sheet one column wide.
6. ``grid_to_rows``: `Row`s with ``Provenance(file, page=sheet position (1-based), table,
   row, line=sheet row)``, ``Row.sheet`` = the sheet's name and ``Row.refs`` = each cell's
   reference (``'附件1'!C12``). Empty rows and empty trailing columns are dropped.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.core.i18n import N_, t
from extractors.sheet_layout import SheetLayout, column_name, measure_sheets
from pipeline.core.errors import EncryptedInput, StructureNotRecognised, UnreadableInput
from pipeline.core.limits import Deadline, Limits, check_cell_count
from pipeline.core.records import Provenance, Row

__all__ = ["SheetSettings", "cell_text", "debug_sheets", "extract_rows"]

_RESAVE = N_("open it in Excel/WPS and save it again (.xlsx), or export the sheet as PDF")


@dataclass(frozen=True)
class SheetSettings:
    """Tunables of the spreadsheet extractor.

    title_rows: at most this many one-value rows above a table are read as its title lines.
    """

    title_rows: int = 6

    def __post_init__(self) -> None:
        from pipeline.core.errors import ConfigError
        if not isinstance(self.title_rows, int) or isinstance(self.title_rows, bool) or not 0 <= self.title_rows <= 50:
            raise ConfigError(t("SheetSettings.title_rows must be a whole number from 0 to 50, not {title_rows}", title_rows=repr(self.title_rows)))


def extract_rows(path: Path, rel: str, settings: SheetSettings = SheetSettings(), *,
                 deadline: Deadline | None = None, kind: str = "", **_) -> Iterator[Row]:
    """Read one workbook and yield its rows, sheet by sheet (``kind``: xlsx, xls or ods; default: sniffed)."""
    deadline = deadline or Deadline(Limits(), rel)
    kind = kind or _kind_of(path, rel, deadline.limits)
    workbook = open_workbook(path, rel, kind, deadline.limits)
    try:
        sheets, notes = sheets_to_read(workbook, rel)
        layouts = _measure(path, rel, kind, [position for position, _ in sheets])
        total = 0
        for (_, name), layout in zip(sheets, layouts):
            total += layout.cells
            check_cell_count(total, rel, deadline.limits,
                             t("sheet '{sheet}' ({range})", sheet=name, range=layout.describe()) if total == layout.cells
                             else t("the sheets up to '{sheet}'", sheet=name))
        out: list[Row] = []
        table = 0
        for (position, name), layout in zip(sheets, layouts):
            deadline.check(f"sheet '{name}'")
            grid = sheet_to_grid(workbook, name, layout, rel)
            rows, table = grid_to_rows(grid, layout, rel, position, name, table, settings)
            out += rows
    finally:
        workbook.close()
    if not any((c or "").strip() for r in out for c in r.cells):
        hidden = "; ".join(n.removeprefix(f"{rel}: ") for n in notes)
        raise StructureNotRecognised(t("the workbook has no visible cell with text ({hidden})", hidden=hidden) if notes
                                     else t("the workbook has no visible cell with text"), where=rel,
                                     hint=t("unhide the sheet with the list, or check that the right file was sent"))
    if notes and out:
        out[0] = replace(out[0], notes=tuple(notes))
    yield from out


def _kind_of(path: Path, rel: str, limits: Limits) -> str:
    """xlsx, ods or xls, from the leading bytes (the dispatcher passes ``kind`` when it has sniffed the file)."""
    import zipfile
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                return "xlsx" if "xl/workbook.xml" in zf.namelist() else "ods"
        except zipfile.BadZipFile as err:
            raise UnreadableInput(t("the workbook is damaged (not a readable zip package)"), where=rel,
                                  hint=_RESAVE) from err
    return "xls"


def open_workbook(path: Path, rel: str, kind: str, limits: Limits = Limits()):
    """The calamine workbook, after the package checks."""
    import python_calamine as pc

    if kind in ("xlsx", "ods"):
        from extractors.docx import check_package
        check_package(path, rel, limits)
    elif kind == "xls":
        from extractors.sheet_layout import biff_is_encrypted
        if biff_is_encrypted(path):
            raise EncryptedInput(t("the workbook is password protected (encrypted)"), where=rel,
                                 hint=t("open it in Excel/WPS with its password and save it without one"))
    try:
        return pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as err:
        raise EncryptedInput(t("the workbook is password protected (encrypted)"), where=rel,
                             hint=t("open it in Excel/WPS with its password and save it without one")) from err
    except Exception as err:   # CalamineError, XmlError, ZipError, ValueError …: damage inside the file
        raise UnreadableInput(t("the workbook cannot be read ({name}: {detail})", name=type(err).__name__, detail=_short(err)), where=rel,
                              hint=_RESAVE) from err


def _measure(path: Path, rel: str, kind: str, positions: list[int]) -> list[SheetLayout]:
    try:
        return measure_sheets(path, rel, kind, positions)
    except Exception as err:   # lxml syntax errors, a cut OLE stream, a zip member missing …
        raise UnreadableInput(t("the workbook is damaged ({name}: {detail})", name=type(err).__name__, detail=_short(err)), where=rel,
                              hint=_RESAVE) from err


def _short(err: Exception) -> str:
    text = str(err).splitlines()[0] if str(err) else ""
    return text[:160]


def sheets_to_read(workbook, rel: str) -> tuple[list[tuple[int, str]], list[str]]:
    """(position 1-based, name) of the visible worksheets, and one note per sheet skipped."""
    read, notes = [], []
    for position, meta in enumerate(workbook.sheets_metadata, 1):
        kind = str(meta.typ).rsplit(".", 1)[-1]
        visible = str(meta.visible).rsplit(".", 1)[-1]
        if kind not in ("WorkSheet", "Worksheet"):
            notes.append(f"{rel}: " + t("sheet '{sheet}' is a {kind}, not a worksheet; it was not read",
                                        sheet=meta.name, kind=kind.lower()))
        elif visible != "Visible":
            notes.append(f"{rel}: " + t("sheet '{sheet}' is hidden and was not read", sheet=meta.name)
                         + " — " + t("unhide it in Excel/WPS if it holds a list"))
        else:
            read.append((position, meta.name))
    return read, notes


def sheet_to_grid(workbook, name: str, layout: SheetLayout, rel: str) -> list[list[str | None]]:
    """The sheet's cells from A1 to the end of its used range, as printed; ``None`` where a merge covers."""
    if layout.cells == 0:
        return []
    try:
        sheet = workbook.get_sheet_by_name(name)
        values = sheet.to_python(skip_empty_area=False)
        merges = layout.merges if layout.merges is not None else [
            ((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    except Exception as err:
        raise UnreadableInput(t("sheet '{name}' cannot be read ({error}: {detail})", name=name, error=type(err).__name__, detail=_short(err)), where=rel,
                              hint=_RESAVE) from err
    printed = layout.printed
    grid: list[list[str | None]] = [[printed[(r, c)] if (r, c) in printed and not isinstance(v, str)
                                     else cell_text(v, layout.format_at(r, c)) for c, v in enumerate(row)]
                                    for r, row in enumerate(values)]
    width = max((len(r) for r in grid), default=0)
    for row in grid:
        row.extend([""] * (width - len(row)))
    for (r0, c0), (r1, c1) in merges:
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                if (r, c) != (r0, c0):
                    grid[r][c] = None
    return grid


# --- values as printed --------------------------------------------------------------------

_DATE_TOKEN = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|aaaa|aaa|AM/PM|.',
                         re.IGNORECASE)
_WEEKDAYS = "一二三四五六日"


def cell_text(value, fmt: str = "") -> str:
    """A calamine value as the sheet prints it (``fmt``: the cell's number format, when known).

    >>> cell_text(3.0), cell_text(0.5, "0%"), cell_text(dt.date(2020, 12, 31), 'yyyy"年"m"月"d"日"')
    ('3', '50%', '2020年12月31日')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return _date_text(value, fmt)
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, (int, float)):
        return _number_text(float(value), fmt)
    return str(value)


def _number_text(value: float, fmt: str) -> str:
    code = fmt.split(";")[0] if fmt else ""
    code = re.sub(r"\[[^\]]*\]|\"[^\"]*\"|\\.|_.|\*.", "", code)
    if code and code.lower() not in ("general", "@"):
        percent = "%" in code
        shown = value * 100 if percent else value
        decimals = len(code.split(".")[1].rstrip("%").replace("#", "0").rstrip()) if "." in code else 0
        decimals = len(re.match(r"0*", code.split(".")[1]).group()) if "." in code else 0
        text = f"{shown:,.{decimals}f}" if "," in code else f"{shown:.{decimals}f}"
        return text + ("%" if percent else "")
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _date_text(value, fmt: str) -> str:
    if not fmt or fmt.lower() in ("general", "@") or not re.search(r"[ydhs]", re.sub(r'"[^"]*"', "", fmt), re.IGNORECASE):
        if isinstance(value, dt.datetime):
            return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.time):
        value = dt.datetime.combine(dt.date(1899, 12, 31), value)
    elif not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    tokens = _DATE_TOKEN.findall(fmt.split(";")[0])
    has_hour = any(t.lower().startswith("h") for t in tokens)
    out = []
    for i, token in enumerate(tokens):
        low = token.lower()
        if token.startswith('"'):
            out.append(token[1:-1])
        elif token.startswith("\\"):
            out.append(token[1:])
        elif token.startswith("["):
            continue
        elif low in ("yyyy", "yy"):
            out.append(f"{value.year:04d}" if low == "yyyy" else f"{value.year % 100:02d}")
        elif low in ("m", "mm"):
            before = [t.lower() for t in tokens[:i] if t.strip()]
            after = [t.lower() for t in tokens[i + 1:] if t.strip()]
            minute = has_hour and ((before and before[-1] in ("h", "hh", ":"))
                                   or (after and after[0] in (":", "s", "ss")))
            number = value.minute if minute else value.month
            out.append(f"{number:02d}" if low == "mm" else str(number))
        elif low in ("mmm", "mmmm"):
            out.append(value.strftime("%b" if low == "mmm" else "%B"))
        elif low in ("d", "dd"):
            out.append(f"{value.day:02d}" if low == "dd" else str(value.day))
        elif low in ("ddd", "dddd"):
            out.append(value.strftime("%a" if low == "ddd" else "%A"))
        elif low in ("aaa", "aaaa"):
            out.append(("星期" if low == "aaaa" else "") + _WEEKDAYS[value.weekday()])
        elif low in ("h", "hh"):
            hour = value.hour % 12 or 12 if "am/pm" in fmt.lower() else value.hour
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("s", "ss"):
            out.append(f"{value.second:02d}" if low == "ss" else str(value.second))
        elif low == "am/pm":
            out.append("AM" if value.hour < 12 else "PM")
        else:
            out.append(token)
    return "".join(out)


# --- grid -> rows -------------------------------------------------------------------------

def split_title_rows(grid: list[list[str | None]], settings: SheetSettings = SheetSettings()) -> int:
    """How many leading rows are title lines: rows with at most one value above the first row with two.

    A sheet whose rows all hold one value (one column of text) is all title lines.
    """
    for r, row in enumerate(grid):
        if sum(1 for c in row if c and c.strip()) >= 2:
            return r if r <= settings.title_rows else 0
    return len(grid)


def _quoted(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff.]*", name) else "'" + name.replace("'", "''") + "'"


def grid_to_rows(grid: list[list[str | None]], layout: SheetLayout, rel: str, position: int, name: str, table: int,
                 settings: SheetSettings = SheetSettings()) -> tuple[list[Row], int]:
    """The sheet's `Row`s (title lines first, then its table), and the number of the last table so far."""
    used = [i for i, row in enumerate(grid) if any((c or "").strip() for c in row)]
    if not used:
        return [], table
    grid = [grid[i] for i in used]
    width = max(max((c for c, v in enumerate(row) if (v or "").strip()), default=0) for row in grid) + 1
    grid = [row[:width] for row in grid]
    title = split_title_rows(grid, settings)
    sheet = _quoted(name)
    rows: list[Row] = []
    for k in range(title):
        r = used[k]
        c = next(c for c, v in enumerate(grid[k]) if (v or "").strip()) if any((v or "").strip() for v in grid[k]) else 0
        rows.append(Row(Provenance(rel, page=position, line=r + 1), (grid[k][c],), sheet=name,
                        refs=(f"{sheet}!{column_name(c)}{r + 1}",)))
    if title < len(grid):
        table += 1
        for n, k in enumerate(range(title, len(grid)), 1):
            r = used[k]
            rows.append(Row(Provenance(rel, page=position, table=table, row=n, line=r + 1), tuple(grid[k]),
                            sheet=name, refs=tuple(f"{sheet}!{column_name(c)}{r + 1}" for c in range(width))))
    return rows, table


def debug_sheets(path: Path, rel: str = "") -> list[dict]:
    """What the extractor saw per sheet: name, position, hidden or not, used range and merges."""
    rel = rel or path.name
    kind = _kind_of(path, rel, Limits())
    workbook = open_workbook(path, rel, kind)
    try:
        names = [m.name for m in workbook.sheets_metadata]
        layouts = _measure(path, rel, kind, list(range(1, len(names) + 1)))
        return [{"sheet": m.name, "position": i, "visible": str(m.visible).rsplit(".", 1)[-1],
                 "range": lay.describe(), "cells": lay.cells, "merges": lay.merges}
                for i, (m, lay) in enumerate(zip(workbook.sheets_metadata, layouts), 1)]
    finally:
        workbook.close()
