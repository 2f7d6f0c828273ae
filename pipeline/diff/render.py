"""One ``ListDiff`` -> JSON (``docs/diff_schema.json``), Markdown and XLSX bytes.

All three are deterministic: findings come sorted, JSON has sorted keys and
``ensure_ascii=False``, the workbook has fixed properties and fixed zip entry times.

>>> data = diff_to_dict(diff); text = render_markdown(diff); blob = render_xlsx(diff)   # doctest: +SKIP
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import stat
import zipfile
from dataclasses import fields

from pipeline.diff.findings import Finding, ListDiff, Side, natural_key

__all__ = ["SCHEMA_ID", "diff_to_dict", "diff_to_json_bytes", "render_markdown", "render_xlsx", "FILLS",
           "finding_id"]

SCHEMA_ID = "renshe-list-diff/1"
_DOC_KEYS = ("source", "title", "region", "province", "level", "list_kinds")
# Row colours of the workbook, by kind (speed-up shortfalls read as "missing": red).
FILLS = {"missing": "FFC7CE", "added": "C6EFCE", "role_changed": "FFEB9C", "unsure": "D9D9D9",
         "slower": "FFC7CE", "no_promise": "FFC7CE", "not_comparable": "D9D9D9"}
_FIXED_TIME = dt.datetime(2020, 1, 1)
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def finding_id(f: Finding) -> str:
    """Stable id: a hash of what the finding is about (not of its wording)."""
    key = "|".join([f.section, f.kind, f.unsure_of, f.bundle, f.local_scenario, f.baseline_scenario, f.item_id])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _doc(d: dict | None) -> dict | None:
    if d is None:
        return None
    return {k: str(d.get(k, "") or "") for k in _DOC_KEYS}


_FINDING_FIELDS = tuple(f.name for f in fields(Finding))
_SIDE_FIELDS = tuple(f.name for f in fields(Side))


def _finding_dict(f: Finding) -> dict:
    """``dataclasses.asdict(f)``, spelled out for its two shapes of field (a string, a tuple of ``Side``): 20× faster."""
    row = {}
    for name in _FINDING_FIELDS:
        value = getattr(f, name)
        row[name] = tuple({k: getattr(s, k) for k in _SIDE_FIELDS} for s in value) if isinstance(value, tuple) else value
    return row


def diff_to_dict(diff: ListDiff) -> dict:
    findings = []
    for f in diff.findings:
        row = _finding_dict(f)
        row["id"] = finding_id(f)
        findings.append(row)
    return {"schema": SCHEMA_ID, "local": _doc(diff.local), "baseline": _doc(diff.baseline),
            "baseline_how": diff.baseline_how, "notes": list(diff.notes), "counts": diff.counts(),
            "total": len(diff.findings), "aligned": [dict(a) for a in diff.aligned], "findings": findings}


def diff_to_json_bytes(diff: ListDiff) -> bytes:
    return (json.dumps(diff_to_dict(diff), ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def _where(sides) -> str:
    parts = []
    for s in sides:
        loc = [s.source] + [f"{n} {v}" for n, v in (("page", s.page), ("table", s.table), ("row", s.row),
                                                      ("cell", s.cell), ("line", s.line)) if v]
        parts.append(", ".join(loc))
    return "; ".join(parts)


def _groups(diff: ListDiff, list_titles: dict[str, str]) -> list[tuple[str, list[Finding]]]:
    """Findings by bundle in national/natural order, then the speed-up and hot lists."""
    groups: dict[tuple, tuple[str, list[Finding]]] = {}
    for f in diff.findings:
        if f.section in list_titles:
            key, title = (1, f.section), list_titles[f.section]
        else:
            key, title = (0, natural_key(f.bundle)), f"{f.bundle} {f.bundle_name}"
        groups.setdefault(key, (title, []))[1].append(f)
    return [groups[k] for k in sorted(groups)]


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(diff: ListDiff) -> str:
    local = diff.local
    lines = [f"# {local.get('region') or local['source']}: list diff", "",
             f"- local: `{local['source']}` — {local.get('title', '')} ({local.get('level', '')}, "
             f"{local.get('province', '')})"]
    if diff.baseline is None:
        lines += [f"- baseline: **none** — {diff.baseline_how}", ""]
    else:
        lines += [f"- baseline: `{diff.baseline['source']}` — {diff.baseline.get('title', '')}",
                  f"- chosen as: {diff.baseline_how}", ""]
    lines += [f"- note: {n}" for n in diff.notes]
    lines += ["", f"## Summary: {len(diff.findings)} findings", ""]
    if diff.findings:
        lines += ["| section | kind | count |", "|---|---|---|"]
        lines += [f"| {k.split('_', 1)[0]} | {k.split('_', 1)[1]} | {v} |" for k, v in diff.counts().items()]
    for title, findings in _groups(diff, {"speedup": "Speed-up list", "hotlist": "Hot list"}):
        lines += ["", f"## {title}", "", "| kind | scenario (local / baseline) | item | detail | local at | baseline at |",
                  "|---|---|---|---|---|---|"]
        for f in findings:
            kind = f"unsure ({f.unsure_of})" if f.kind == "unsure" else f.kind
            scen = " / ".join(s for s in (f.local_scenario, f.baseline_scenario) if s)
            item = f"{f.item_name} `{f.item_id}`" if f.item_id else ""
            lines.append("| " + " | ".join(_md_cell(x) for x in (f"{f.section} {kind}", scen, item, f.detail,
                                                                   _where(f.local), _where(f.baseline))) + " |")
    return "\n".join(lines).rstrip() + "\n"


def _sheet_title(text: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub("_", text).strip("'")[:28] or "sheet"
    title, n = base, 2
    while title.lower() in {t.lower() for t in taken}:
        title, n = f"{base[:25]}_{n}", n + 1
    taken.add(title)
    return title


_COLUMNS = ("section", "kind", "unsure_of", "local_scenario", "baseline_scenario", "item_id", "item_name",
            "local_role", "baseline_role", "local_limit", "baseline_limit", "detail", "local_at", "baseline_at")


def render_xlsx(diff: ListDiff) -> bytes:
    """The workbook: a summary sheet first, then one sheet per bundle (and speed-up, hot list)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    summary = wb.active
    summary.title = "summary"
    bold = Font(bold=True)
    local = diff.local
    rows = [("local", local["source"]), ("title", local.get("title", "")), ("region", local.get("region", "")),
            ("province", local.get("province", "")), ("level", local.get("level", "")),
            ("baseline", diff.baseline["source"] if diff.baseline else "none"), ("baseline chosen as", diff.baseline_how),
            ("findings", len(diff.findings))]
    rows += [("note", n) for n in diff.notes]
    for r in rows:
        summary.append(list(r))
        summary.cell(summary.max_row, 1).font = bold
    summary.append([])
    summary.append(["section", "kind", "count"])
    for c in summary[summary.max_row]:
        c.font = bold
    for key, value in diff.counts().items():
        section, kind = key.split("_", 1)
        summary.append([section, kind, value])
        summary.cell(summary.max_row, 2).fill = PatternFill("solid", fgColor=FILLS.get(kind, "FFFFFF"))
    summary.append([])
    summary.append(["colours", "missing / slower / no promise: red", "added: green", "role changed: amber",
                    "unsure / not comparable: grey"])
    summary.column_dimensions["A"].width = 20
    summary.column_dimensions["B"].width = 60

    taken = {"summary"}
    fill_ids: dict[str, int] = {}     # kind -> index of its fill in the workbook (what ``cell.fill = …`` stores)
    for title, findings in _groups(diff, {"speedup": "speed-up", "hotlist": "hot list"}):
        ws = wb.create_sheet(_sheet_title(title, taken))
        ws.append(list(_COLUMNS))
        for c in ws[1]:
            c.font = bold
        for f in findings:
            ws.append([_where(f.local) if c == "local_at" else _where(f.baseline) if c == "baseline_at"
                       else str(getattr(f, c)) for c in _COLUMNS])
            if f.kind not in fill_ids:
                fill_ids[f.kind] = wb._fills.add(PatternFill("solid", fgColor=FILLS[f.kind]))
            for c in ws[ws.max_row]:
                if not c._style:
                    c._style = StyleArray()
                c._style.fillId = fill_ids[f.kind]
        ws.freeze_panes = "A2"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    wb.properties.creator = "renshe-lists"
    wb.properties.lastModifiedBy = "renshe-lists"
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        _memory_writer(ExcelWriter)(wb, archive).write_data()
    return _fixed_zip_times(raw.getvalue())


# the mode openpyxl's worksheet temp files have (mkstemp: a regular file, 0600); their zip entries carry it
_SHEET_ENTRY_ATTR = (stat.S_IFREG | 0o600) << 16


def _memory_writer(excel_writer):
    """openpyxl's ``ExcelWriter`` with each worksheet written in memory instead of a temporary file.

    The entry gets the attributes ``ZipFile.write`` gives the temp file, so the bytes are the same.
    """
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter

    class _Writer(excel_writer):
        def write_worksheet(self, ws):
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = WorksheetWriter(ws, out=io.BytesIO())
            writer.write()
            ws._rels = writer._rels
            entry = zipfile.ZipInfo(ws.path[1:], date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, _SHEET_ENTRY_ATTR
            self._archive.writestr(entry, writer.read())
            self.manifest.append(ws)
    return _Writer


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with every entry dated 1980-01-01, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
