"""Unsure matches -> a review workbook (XLSX) that a person fills in and ``pipeline.review.import_workbook`` reads back.

``export_review(out_dir, catalog_dir, target, all_of=None) -> ExportReport``

Steps: ``flagged_rows`` (items flagged ``needs_review``, or every mention of one source)
-> ``review_rows`` (one sheet row per mention: where, bundle/scenario/role, texts, the
matcher's suggestion and top candidates) -> ``build_workbook`` (sheet ``review`` with a
locked, hidden ``key`` column and an empty ``decision`` column; sheet ``catalog`` listing
every allowed id for the decision drop-down; hidden sheet ``export`` listing the keys as
exported, so the import can tell a deleted row) -> ``fixed_zip_bytes`` (same input, same bytes).

The key of a row is ``mention_id|text_key|context``; text_key and context are what the
matcher looks decisions up by (``normalizers.match_catalog.decision_key``).

>>> export_review(Path("out"), Path("raw/catalog"), Path("out/review.xlsx"))  # doctest: +SKIP
ExportReport(rows=22, path='out/review.xlsx')
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from normalizers.repair_text import name_key
from pipeline.catalog.decisions import load_decisions
from pipeline.catalog.reference import load_catalog
from pipeline.core.errors import ConfigError
from pipeline.core.files import atomic_write_bytes
from pipeline.dataset.tables import load

__all__ = ["ExportReport", "export_review", "build_workbook", "review_key", "format_key", "parse_key",
           "SHEET_REVIEW", "SHEET_CATALOG", "SHEET_EXPORT", "REVIEW_COLUMNS", "DECISION_HELP"]

SHEET_REVIEW, SHEET_CATALOG, SHEET_EXPORT = "review", "catalog", "export"
CANDIDATES_SHOWN = 3
# Header of the review sheet, in order. Only "key" and "decision" are read back.
REVIEW_COLUMNS = (
    "key", "source", "page", "table", "row", "cell", "line", "list_kind", "bundle", "scenario", "role",
    "raw_text", "item_text", "matched", "reason", "suggested",
    *(f"candidate_{n}" for n in range(1, CANDIDATES_SHOWN + 1)), "decided_before", "decision",
)
DECISION_HELP = ('a national code (1.3.5), several joined by "+" (1.6.10+1.6.13), an X- id from the sheet '
                 '"catalog", "none" (not in the catalog) or "new:<name>" (a new local item)')
_FIXED_TIME = datetime(2020, 1, 1)          # workbook properties: no run time in the file
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)           # zip entries: the earliest time zip allows
_WIDTHS = {"key": 10, "source": 26, "bundle": 22, "scenario": 26, "raw_text": 36, "item_text": 30,
           "matched": 30, "reason": 40, "suggested": 12, "decided_before": 14, "decision": 18}


@dataclass(frozen=True)
class ExportReport:
    rows: int
    path: str

    def summary(self) -> str:
        return f"{self.rows} mentions to review -> {self.path} (fill the 'decision' column: {DECISION_HELP})"


def review_key(item_text: str, list_kind: str, bundle_name: str) -> tuple[str, str]:
    """(text_key, context) of an items row: the same key ``decision_key`` gives its mention."""
    return name_key(item_text), f"{list_kind}:{name_key(bundle_name)}"


def format_key(mention_id: str, text_key: str, context: str) -> str:
    return f"{mention_id}|{text_key}|{context}"


def parse_key(value: str) -> tuple[str, str, str] | None:
    """The inverse of ``format_key``; None when the cell does not hold a key."""
    parts = str(value or "").split("|")
    if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{16}", parts[0]) or ":" not in parts[2]:
        return None
    return parts[0], parts[1], parts[2]


def flagged_rows(items: pd.DataFrame, all_of: str | None = None) -> pd.DataFrame:
    """Rows flagged ``needs_review``, plus every row of source ``all_of`` when given."""
    chosen = items["needs_review"].astype(bool)
    if all_of is not None:
        sources = sorted(set(items["source"]))
        if all_of not in sources:
            raise ConfigError(f"--all-of {all_of!r} is not a source of the dataset",
                              hint="use one of: " + ", ".join(sources))
        chosen |= items["source"] == all_of
    return items[chosen]


def _candidate_cells(candidates: str, names: dict[str, str]) -> list[str]:
    cells = []
    for part in [p for p in str(candidates or "").split(";") if "=" in p][:CANDIDATES_SHOWN]:
        item_id, score = part.rsplit("=", 1)
        cells.append(f"{item_id} {names.get(item_id, '?')} ({score})")
    return cells + [""] * (CANDIDATES_SHOWN - len(cells))


def _suggestion(row, item_ids: set[str]) -> str:
    """The matcher's choice when it is a catalog id (or codes joined by "+"), else nothing."""
    ids = str(row["canonical_id"] or "").split("+")
    return row["canonical_id"] if all(i in item_ids for i in ids) else ""


def review_rows(rows: pd.DataFrame, item_names: dict[str, str], decided: dict[tuple[str, str], str]) -> list[list]:
    """One list of cell values per mention, in ``REVIEW_COLUMNS`` order."""
    out = []
    for _, r in rows.iterrows():
        text_key, context = review_key(r["item_text"], r["list_kind"], r["bundle_name"])
        matched = f"{r['canonical_id']} {r['canonical_name']}".strip() + f" [{r['method']} {r['score']:.0f}]"
        scenario = f"{r['scenario_code']} {r['scenario_name']}".strip()
        out.append([format_key(r["mention_id"], text_key, context), r["source"], int(r["page"]), int(r["table"]),
                    int(r["row"]), int(r["cell"]), int(r["line"]), r["list_kind"], r["bundle_name"], scenario,
                    r["role"], r["raw_text"], r["item_text"], matched, r["reason"],
                    _suggestion(r, set(item_names)), *_candidate_cells(r["candidates"], item_names),
                    decided.get((text_key, context), ""), None])
    return out


def build_workbook(rows: list[list], catalog_items: list[tuple[str, str, str]]) -> bytes:
    """The XLSX bytes: ``rows`` from ``review_rows``; ``catalog_items`` as (id, name, kind)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_REVIEW
    ws.append(list(REVIEW_COLUMNS))
    for values in rows:
        ws.append(values)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    col = {name: n for n, name in enumerate(REVIEW_COLUMNS, start=1)}
    letter = {name: ws.cell(1, n).column_letter for name, n in col.items()}
    for name, width in _WIDTHS.items():
        ws.column_dimensions[letter[name]].width = width
    ws.column_dimensions[letter["key"]].hidden = True
    last = len(rows) + 1
    for n in range(2, last + 1):
        ws.cell(n, col["decision"]).protection = Protection(locked=False)
        ws.cell(n, col["reason"]).alignment = Alignment(wrap_text=True)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{letter['decision']}{last}"
    # Locked against accidental edits, not a secret: no password; filtering and sorting stay allowed.
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False

    codes = wb.create_sheet(SHEET_CATALOG)
    codes.append(["id", "name", "kind"])
    codes.append(["none", "not in the catalog", "answer"])
    for item_id, name, kind in catalog_items:
        codes.append([item_id, name, kind])
    codes.column_dimensions["B"].width = 40
    if rows:
        check = DataValidation(type="list", formula1=f"{SHEET_CATALOG}!$A$2:$A${codes.max_row}", allow_blank=True,
                               showErrorMessage=True, errorStyle="warning", errorTitle="not a single catalog id",
                               error="Keep it only if it is " + DECISION_HELP + ".", promptTitle="decision",
                               prompt=DECISION_HELP[:255], showInputMessage=True)
        check.add(f"{letter['decision']}2:{letter['decision']}{last}")
        ws.add_data_validation(check)

    keys = wb.create_sheet(SHEET_EXPORT)
    keys.append(["key", "review_row"])
    for n, values in enumerate(rows, start=2):
        keys.append([values[0], n])
    keys.sheet_state = "hidden"

    wb.properties.creator = "python -m pipeline review export"
    wb.properties.created = _FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip_bytes(buffer.getvalue())


def fixed_zip_bytes(data: bytes) -> bytes:
    """Rewrite an XLSX so it holds no save time: fixed entry times and a fixed ``modified`` property."""
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def load_items(out_dir: Path) -> pd.DataFrame:
    frames = load(out_dir)
    if "items" not in frames:
        raise ConfigError("no items table found", where=str(out_dir),
                          hint="run 'python -m pipeline run' first, or pass --from with its output folder")
    return frames["items"]


def export_review(out_dir: Path, catalog_dir: Path, target: Path, all_of: str | None = None) -> ExportReport:
    """Write the review workbook for ``out_dir``'s items to ``target`` (atomically)."""
    items = load_items(Path(out_dir))
    catalog = load_catalog(Path(catalog_dir))
    names = {i.item_id: i.name for i in catalog.items}
    listed = sorted(((i.item_id, i.name, "national" if i.code else "local") for i in catalog.items),
                    key=lambda t: (t[2] != "national", _code_order(t[0])))
    rows = review_rows(flagged_rows(items, all_of), names, load_decisions(Path(catalog_dir)))
    atomic_write_bytes(Path(target), build_workbook(rows, listed))
    return ExportReport(len(rows), str(target))


def _code_order(item_id: str) -> tuple:
    """1.2.10 after 1.2.9; X- ids by text."""
    return tuple(int(p) for p in item_id.split(".")) if re.fullmatch(r"\d+(\.\d+)*", item_id) else (10**6, item_id)
