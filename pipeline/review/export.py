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

from pipeline.core.i18n import LANGS, N_, Translator, t
from normalizers.repair_text import name_key
from pipeline.catalog.decisions import load_decisions
from pipeline.catalog.reference import load_catalog
from pipeline.core.errors import ConfigError
from pipeline.core.files import atomic_write_bytes
from pipeline.dataset.tables import load

__all__ = ["ExportReport", "export_review", "build_workbook", "review_key", "format_key", "parse_key",
           "SHEET_REVIEW", "SHEET_CATALOG", "SHEET_EXPORT", "REVIEW_COLUMNS", "DECISION_HELP", "sheet_named",
           "column_ids", "COLUMN_LABELS", "SHEET_LABELS"]

SHEET_REVIEW, SHEET_CATALOG, SHEET_EXPORT = "review", "catalog", "export"
CANDIDATES_SHOWN = 3
# Header of the review sheet, in order. Only "key" and "decision" are read back.
REVIEW_COLUMNS = (
    "key", "source", "page", "table", "row", "cell", "line", "list_kind", "bundle", "scenario", "role",
    "raw_text", "item_text", "matched", "reason", "suggested",
    *(f"candidate_{n}" for n in range(1, CANDIDATES_SHOWN + 1)), "decided_before", "decision",
)
DECISION_HELP = N_('a national code (1.3.5), several joined by "+" (1.6.10+1.6.13), an X- id from the sheet '
                   '"catalog", "none" (not in the catalog) or "new:<name>" (a new local item)')
# What the sheets and the header cells say, in the reader's language; the import reads either language.
SHEET_LABELS = {SHEET_REVIEW: N_("review"), SHEET_CATALOG: N_("catalog"), SHEET_EXPORT: N_("export"),
                "help": N_("how to fill in")}
COLUMN_LABELS = {
    "key": N_("key"), "source": N_("source file"), "page": N_("page"), "table": N_("table"), "row": N_("row"),
    "cell": N_("cell"), "line": N_("line"), "list_kind": N_("list kind"), "bundle": N_("bundle"),
    "scenario": N_("scenario"), "role": N_("role"), "raw_text": N_("as printed"), "item_text": N_("repaired text"),
    "matched": N_("matched"), "reason": N_("reason"), "suggested": N_("suggested"),
    **{f"candidate_{n}": N_("candidate {n}").replace("{n}", str(n)) for n in range(1, CANDIDATES_SHOWN + 1)},
    "decided_before": N_("decided before"), "decision": N_("decision"),
}
HELP_LINES = (
    N_("Fill the column 'decision' of the sheet 'review', one row per unsure item mention; leave it empty to decide later."),
    N_("Pick from the drop-down list (code and name, e.g. 1.3.5 社会保险费欠费补缴申报) or type: {help}."),
    N_("Rows with the same text in the same bundle share one decision; do not change the other columns."),
    N_("Then run: python -m pipeline review import <this workbook> --reviewer <your name>, and python -m pipeline run."),
)
_FIXED_TIME = datetime(2020, 1, 1)          # workbook properties: no run time in the file
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)           # zip entries: the earliest time zip allows
_WIDTHS = {"key": 10, "source": 26, "bundle": 22, "scenario": 26, "raw_text": 36, "item_text": 30,
           "matched": 30, "reason": 40, "suggested": 12, "decided_before": 14, "decision": 18}


@dataclass(frozen=True)
class ExportReport:
    rows: int
    path: str

    def summary(self) -> str:
        return t("{n} mentions to review -> {path} (fill the 'decision' column: {help})", n=self.rows, path=self.path,
                 help=DECISION_HELP)


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
            raise ConfigError(t("--all-of {all_of} is not a source of the dataset", all_of=repr(all_of)),
                              hint=t("use one of: {sources}", sources=", ".join(sources)))
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


def review_rows(rows: pd.DataFrame, item_names: dict[str, str], decided: dict[tuple[str, str], str],
                tr: Translator | None = None) -> list[list]:
    """One list of cell values per mention, in ``REVIEW_COLUMNS`` order (the reason in ``tr``'s language)."""
    tr = tr or Translator()
    out = []
    for _, r in rows.iterrows():
        text_key, context = review_key(r["item_text"], r["list_kind"], r["bundle_name"])
        matched = f"{r['canonical_id']} {r['canonical_name']}".strip() + f" [{r['method']} {r['score']:.0f}]"
        scenario = f"{r['scenario_code']} {r['scenario_name']}".strip()
        out.append([format_key(r["mention_id"], text_key, context), r["source"], int(r["page"]), int(r["table"]),
                    int(r["row"]), int(r["cell"]), int(r["line"]), r["list_kind"], r["bundle_name"], scenario,
                    r["role"], r["raw_text"], r["item_text"], matched, tr(r["reason"]),
                    _suggestion(r, set(item_names)), *_candidate_cells(r["candidates"], item_names),
                    decided.get((text_key, context), ""), None])
    return out


def sheet_named(wb, sheet: str):
    """The sheet ``sheet`` (an id of ``SHEET_LABELS``) under its name in any language, or None."""
    for name in dict.fromkeys([sheet] + [Translator(lang).t(SHEET_LABELS[sheet]) for lang in LANGS]):
        if name in wb.sheetnames:
            return wb[name]
    return None


def column_ids(header: list[str]) -> list[str]:
    """Header cells as written in any language -> the column ids of ``REVIEW_COLUMNS`` ("" when unknown)."""
    known = {}
    for lang in LANGS:
        tr = Translator(lang)
        known.update({_label(tr, c): c for c in REVIEW_COLUMNS})
    known.update({c: c for c in REVIEW_COLUMNS})
    return [known.get(h, "") for h in header]


def _label(tr: Translator, column: str) -> str:
    if column.startswith("candidate_"):
        return tr.t("candidate {n}", n=column.rsplit("_", 1)[1])
    return tr.t(COLUMN_LABELS[column])


def build_workbook(rows: list[list], catalog_items: list[tuple[str, str, str]], tr: Translator | None = None) -> bytes:
    """The XLSX bytes: ``rows`` from ``review_rows``; ``catalog_items`` as (id, name, kind); ``tr`` the language."""
    tr = tr or Translator()
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = tr.t(SHEET_LABELS[SHEET_REVIEW])
    ws.append([_label(tr, c) for c in REVIEW_COLUMNS])
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

    catalog_title = tr.t(SHEET_LABELS[SHEET_CATALOG])
    codes = wb.create_sheet(catalog_title)
    codes.append([tr.t("choice"), "id", tr.t("name"), tr.t("kind")])
    codes.append([f"none {tr.t('not in the catalog')}", "none", tr.t("not in the catalog"), tr.t("answer")])
    for item_id, name, kind in catalog_items:
        codes.append([f"{item_id} {name}", item_id, name, tr.t(kind)])
    for letter_, width in (("A", 50), ("B", 12), ("C", 44), ("D", 10)):
        codes.column_dimensions[letter_].width = width
    codes.freeze_panes = "A2"
    codes.auto_filter.ref = f"A1:D{codes.max_row}"
    for cell in codes[1]:
        cell.font = Font(bold=True)
    help_text = tr.t(DECISION_HELP)
    if rows:
        check = DataValidation(type="list", formula1=f"'{catalog_title}'!$A$2:$A${codes.max_row}", allow_blank=True,
                               showErrorMessage=True, errorStyle="warning", errorTitle=tr.t("not a single catalog id"),
                               error=tr.t("Keep it only if it is {help}.", help=help_text)[:255],
                               promptTitle=tr.t("decision"), prompt=help_text[:255], showInputMessage=True)
        check.add(f"{letter['decision']}2:{letter['decision']}{last}")
        ws.add_data_validation(check)

    guide = wb.create_sheet(tr.t(SHEET_LABELS["help"]))
    for line in HELP_LINES:
        guide.append([tr.t(line, help=help_text) if "{help}" in line else tr.t(line)])
    guide.column_dimensions["A"].width = 120

    keys = wb.create_sheet(tr.t(SHEET_LABELS[SHEET_EXPORT]))
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
        raise ConfigError(t("no items table found"), where=str(out_dir),
                          hint=t("run 'python -m pipeline run' first, or pass --from with its output folder"))
    return frames["items"]


def export_review(out_dir: Path, catalog_dir: Path, target: Path, all_of: str | None = None,
                  tr: Translator | None = None) -> ExportReport:
    """Write the review workbook for ``out_dir``'s items to ``target`` (atomically), in ``tr``'s language."""
    items = load_items(Path(out_dir))
    catalog = load_catalog(Path(catalog_dir))
    names = {i.item_id: i.name for i in catalog.items}
    listed = sorted(((i.item_id, i.name, N_("national") if i.code else N_("local")) for i in catalog.items),
                    key=lambda e: (e[2] != "national", _code_order(e[0])))
    rows = review_rows(flagged_rows(items, all_of), names, load_decisions(Path(catalog_dir)), tr)
    atomic_write_bytes(Path(target), build_workbook(rows, listed, tr))
    return ExportReport(len(rows), str(target))


def _code_order(item_id: str) -> tuple:
    """1.2.10 after 1.2.9; X- ids by text."""
    return tuple(int(p) for p in item_id.split(".")) if re.fullmatch(r"\d+(\.\d+)*", item_id) else (10**6, item_id)
