"""A filled review workbook -> ``<catalog>/decisions.tsv`` (and new local items and aliases).

``import_review(path, reviewer, catalog_dir, out_dir, replace=False) -> ImportReport``

Steps: ``read_workbook`` (sheet ``review``: columns ``key`` and ``decision`` are required)
-> ``check_fits`` (every key still names the same mention, text and bundle in ``out/items``;
no exported row is missing) -> ``parse_decision`` for every filled cell -> conflicts (two
rows deciding the same text in the same context differently; a decision that differs from
one already in ``decisions.tsv`` unless ``replace``) -> write. When anything is wrong the
import raises ``WorkbookRejected`` listing every problem by sheet row, and writes nothing.

Rules a reviewer should know:
- An empty ``decision`` leaves the mention pending. Rows sharing text and bundle share one
  decision: filling one of them is enough, filling them differently is a conflict.
- A row may be deleted only when another row for the same text in the same bundle remains
  (its decision covers the deleted one). Otherwise the import refuses: a missing row cannot
  be told apart from a workbook cut short by a bad copy, and an empty cell says "skip" plainly.
- Decisions are appended, never rewritten: ``--replace`` appends the new one with a
  ``replaces`` column naming the old one (the last line for a key wins when the run reads them).
  A decision equal to the recorded one is skipped, so importing the same workbook twice is harmless.
- ``new:<name>`` adds ``<name>`` to ``local_items.tsv``; a single national code accepted for a
  text that is neither a catalog name nor an alias adds that text to ``aliases.tsv`` (both with
  source "review by <reviewer>"), unless the same text was decided differently elsewhere.
- Files are written one by one, atomically (local items, aliases, then decisions).
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pipeline.core.i18n import N_, t
from normalizers.match_catalog import local_id
from normalizers.repair_text import name_key, repair
from pipeline.catalog.reference import load_catalog
from pipeline.core.errors import ConfigError, WorkbookRejected
from pipeline.core.files import atomic_write_bytes
from pipeline.core.records import CatalogItem
from pipeline.review.export import (
    SHEET_EXPORT,
    SHEET_REVIEW,
    column_ids,
    load_items,
    parse_key,
    review_key,
    sheet_named,
)

__all__ = ["WorkbookRejected", "ImportReport", "StatusReport", "import_review", "review_status",
           "parse_decision", "read_decision_lines", "DECISION_COLUMNS"]

DECISION_COLUMNS = ("text_key", "context", "decision_id", "text", "bundle_name", "list_kind", "source",
                    "reviewer", "decided_at", "workbook_sha256", "replaces")
_NEXT_STEP = N_("fix the cell, or clear it to leave the mention pending")
_SHOWN_PROBLEMS = 20
_COPY_INTO_NEW = N_("export a new workbook and copy your decisions into it")
_LOOKALIKES = str.maketrans("OoIl", "0011")   # letters typed for digits in codes


@dataclass(frozen=True)
class ImportReport:
    accepted: int          # new decisions recorded
    already: int           # decisions equal to ones already recorded (skipped)
    replaced: int          # recorded with --replace over a different earlier decision
    pending: int           # rows left without a decision
    new_items: int
    new_aliases: int

    def summary(self) -> str:
        return t("{accepted} decisions recorded ({replaced} replacing earlier ones), {already} already recorded, "
                 "{pending} rows left pending; {new_items} new local items, {new_aliases} new aliases. Run "
                 "'python -m pipeline run' to apply them.", accepted=self.accepted, replaced=self.replaced,
                 already=self.already, pending=self.pending, new_items=self.new_items, new_aliases=self.new_aliases)


@dataclass(frozen=True)
class StatusReport:
    flagged: int           # mentions flagged for review or decided by review
    decided: int
    pending: int
    conflict: int

    def summary(self) -> str:
        return t("{flagged} mentions to review: {decided} decided, {pending} pending, {conflict} in conflict",
                 flagged=self.flagged, decided=self.decided, pending=self.pending, conflict=self.conflict)


@dataclass(frozen=True)
class _Row:
    sheet_row: int
    mention_id: str
    text_key: str
    context: str
    value: str


def _reject(path: Path, problems: list[tuple[int, str]], what: str) -> WorkbookRejected:
    lines = [t("sheet '{sheet}', row {row}: {problem}", sheet=SHEET_REVIEW, row=r, problem=m) if r else m
             for r, m in sorted(problems)]
    more = len(lines) - _SHOWN_PROBLEMS
    text = "\n  ".join(lines[:_SHOWN_PROBLEMS] + ([t("… and {n} more", n=more)] if more > 0 else []))
    return WorkbookRejected(t("{what}; nothing was written:", what=what) + "\n  " + text, where=str(path))


def read_workbook(path: Path, data: bytes) -> tuple[list[_Row], list[tuple[str, int]], list[tuple[int, str]]]:
    """(rows with a key, keys as exported with their sheet row, problems)."""
    from openpyxl import load_workbook
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:   # openpyxl raises zip, XML and its own errors alike
        raise WorkbookRejected(t("the file is not an XLSX workbook"), where=str(path),
                               hint=t("save it as 'Excel Workbook (.xlsx)' or export a new one")) from err
    review = sheet_named(wb, SHEET_REVIEW)
    if review is None:
        raise WorkbookRejected(t("no sheet named '{sheet}' (sheets: {sheets})", sheet=SHEET_REVIEW, sheets=', '.join(sorted(wb.sheetnames))),
                               where=str(path), hint=t("rename the sheet back to '{SHEET_REVIEW}' or export a new workbook", SHEET_REVIEW=SHEET_REVIEW))
    sheet = review.iter_rows(values_only=True)
    printed = [str(c).strip() if c is not None else "" for c in next(sheet, ())]
    header = column_ids(printed)
    missing = [c for c in ("key", "decision") if c not in header]
    if missing:
        raise WorkbookRejected(
            t("sheet '{sheet}' has no column headed {columns} (row 1 reads: {header})", sheet=SHEET_REVIEW, columns=' or '.join(repr(c) for c in missing), header=', '.join(h for h in printed if h)), where=str(path),
            hint=t("restore the header as exported (the 'key' column is hidden: unhide the columns to see it), "
                 "or export a new workbook and copy your decisions into it"))
    ki, di = header.index("key"), header.index("decision")
    rows, problems, seen = [], [], {}
    for n, values in enumerate(sheet, start=2):
        key = values[ki] if ki < len(values) else None
        value = values[di] if di < len(values) else None
        value = "" if value is None else str(value).strip()
        if key in (None, "") and not value:
            continue
        parsed = parse_key(key)
        if parsed is None:
            problems.append((n, t("{what}; decisions can only go on exported rows",
                                  what=t("the hidden 'key' cell is empty") if key in (None, "") else
                                  t("the hidden 'key' cell was changed to {key}", key=repr(key)))
                             + " — " + t("undo the change, or export a new workbook")))
        elif parsed[0] in seen:
            problems.append((n, t("repeats the mention of row {row} (a copied row?)", row=seen[parsed[0]]) + " — "
                             + t("delete the copy")))
        else:
            seen[parsed[0]] = n
            rows.append(_Row(n, *parsed, value))
    exported = []
    if sheet_named(wb, SHEET_EXPORT) is not None:
        exported = [(str(v[0]), int(v[1])) for v in sheet_named(wb, SHEET_EXPORT).iter_rows(min_row=2, max_col=2, values_only=True)
                    if v[0] and str(v[1]).isdigit()]
    else:
        problems.append((0, t("the hidden sheet '{sheet}' (the rows as exported) is missing, so deleted rows cannot "
                              "be checked", sheet=SHEET_EXPORT) + " — " + _COPY_INTO_NEW))
    wb.close()
    return rows, exported, problems


def check_fits(rows: list[_Row], exported: list[tuple[str, int]], current: dict[str, tuple[str, str]],
               items_path: str) -> list[tuple[int, str]]:
    """Problems for rows whose mention changed since export and for exported rows that were deleted."""
    problems = []
    for r in rows:
        if current.get(r.mention_id) != (r.text_key, r.context):
            problems.append((r.sheet_row, t("mention {mention} ('{text}', {context}) is not in {items} any more, or "
                                            "its text or bundle changed: the workbook comes from an older run",
                                            mention=r.mention_id, text=r.text_key, context=r.context, items=items_path)
                             + " — " + t("export a new workbook ('python -m pipeline review export') and copy your "
                                         "decisions into it")))
    ids = {r.mention_id for r in rows}
    keys = {(r.text_key, r.context) for r in rows}
    for key, review_row in exported:
        parsed = parse_key(key)
        if parsed and parsed[0] not in ids and parsed[1:] not in keys:
            problems.append((review_row, t("was deleted (mention {mention}, '{text}', {context}); a row may only be "
                                           "deleted when another row for the same text in the same bundle remains",
                                           mention=parsed[0], text=parsed[1], context=parsed[2])
                             + " — " + t("restore it (leave 'decision' empty to skip it) or export a new workbook")))
    return problems


def parse_decision(value: str, items: dict[str, CatalogItem],
                   aliases: dict[str, tuple[str, ...]] | None = None) -> tuple[str, str]:
    """A decision cell -> (decision id, name of a new local item or ""). Raises ValueError saying what to do.

    >>> parse_decision("1.6.13 + 1.6.10", items)  # doctest: +SKIP
    ('1.6.10+1.6.13', '')
    """
    aliases = aliases or {}
    norm = unicodedata.normalize("NFKC", value).strip()
    head = norm.split(" ", 1)[0]
    if " " in norm and not norm.lower().startswith("new:") and (head in items or head.lower() == "none"):
        norm = head           # picked from the drop-down list: "1.3.5 社会保险费欠费补缴申报"
    low = norm.lower()
    if low == "none":
        return "none", ""
    if low.startswith("new:"):
        name = repair(norm[4:]).strip()
        if not name_key(name):
            raise ValueError(t("'{value}' names no item; write the name after 'new:', e.g. new:青年人才安家费申领",
                               value=value))
        same = [i for i in items.values() if name_key(i.name) == name_key(name)]
        if same and same[0].code:
            raise ValueError(t("'{name}' is the name of national item {code}; write {code} instead", name=name,
                               code=same[0].code))
        if not same and name_key(name) in aliases:
            target = "+".join(aliases[name_key(name)])
            raise ValueError(t("'{name}' is already an alias of {target}; write {target} instead", name=name,
                               target=target))
        return (same[0].item_id, "") if same else (local_id(name), name)
    if low.startswith("x-"):
        item_id = "X-" + norm[2:].lower()
        if item_id in items and not items[item_id].code:
            return item_id, ""
        raise ValueError(t("'{value}' is not a local item of the catalog (the sheet 'catalog' lists them); write "
                           "'none' if the item is not in the catalog, or 'new:<name>' to add it", value=value))
    if re.search(r"[;,、，；\s]\s*\d", norm) and "+" not in norm:
        raise ValueError(t("'{value}': join several codes with '+', e.g. 1.6.10+1.6.13", value=value))
    national = sorted(i for i, item in items.items() if item.code)
    codes = []
    for part in (p.strip() for p in norm.split("+")):
        if part not in national:
            slip = part.translate(_LOOKALIKES)
            close = [slip] if slip in national else difflib.get_close_matches(part, national, n=3, cutoff=0.75)
            advice = t("use a code from the sheet 'catalog', 'none' if the item is not in the catalog, or 'new:<name>' "
                       "to add it")
            raise ValueError(t("'{code}' is not a national code of the catalog (did you mean {close}?); {advice}",
                               code=part, close=" or ".join(close), advice=advice) if close else
                             t("'{code}' is not a national code of the catalog; {advice}", code=part, advice=advice))
        codes.append(part)
    return "+".join(sorted(set(codes), key=lambda c: tuple(int(p) for p in c.split(".")))), ""


def read_decision_lines(catalog_dir: Path) -> list[dict[str, str]]:
    path = Path(catalog_dir) / "decisions.tsv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: v or "" for k, v in row.items()} for row in csv.DictReader(fh, delimiter="\t")]


def _effective(lines: list[dict[str, str]]) -> tuple[dict[tuple[str, str], dict], set[tuple[str, str]]]:
    """Last decision per key, and the keys whose lines disagree without one replacing the other."""
    current: dict[tuple[str, str], dict] = {}
    conflicts = set()
    for line in lines:
        key = (line["text_key"], line["context"])
        before = current.get(key)
        if before and before["decision_id"] != line["decision_id"] and line.get("replaces") != before["decision_id"]:
            conflicts.add(key)
        current[key] = line
    return current, conflicts


def import_review(path: Path, reviewer: str, catalog_dir: Path, out_dir: Path, replace: bool = False,
                  now: datetime | None = None) -> ImportReport:
    """Validate the workbook at ``path`` and record its decisions (see the module docstring)."""
    path, catalog_dir = Path(path), Path(catalog_dir)
    if not reviewer.strip():
        raise ConfigError(t("--reviewer is empty"), hint=t("give the reviewer's name, e.g. --reviewer 王芳"))
    try:
        data = path.read_bytes()
    except OSError as err:
        raise WorkbookRejected(t("cannot read the workbook"), where=str(path), hint=t("check the path")) from err
    catalog = load_catalog(catalog_dir)
    items = load_items(Path(out_dir))
    info = {r.mention_id: r for r in items.itertuples(index=False)}
    current = {m: review_key(r.item_text, r.list_kind, r.bundle_name) for m, r in info.items()}
    rows, exported, problems = read_workbook(path, data)
    problems += check_fits(rows, exported, current, str(Path(out_dir) / "items"))
    if problems:
        raise _reject(path, problems, t("the workbook does not fit {items}", items=Path(out_dir) / "items"))

    chosen: dict[tuple[str, str], tuple[str, str, _Row]] = {}
    for r in rows:
        if not r.value:
            continue
        try:
            decision, new_name = parse_decision(r.value, catalog.index.items, catalog.index.aliases)
        except ValueError as err:
            problems.append((r.sheet_row, f"{err} — {_NEXT_STEP}"))
            continue
        key = (r.text_key, r.context)
        if key in chosen and chosen[key][0] != decision:
            first = chosen[key]
            problems.append((r.sheet_row, t("decides '{text}' as {decision}, but row {row} decides the same text in "
                                            "the same bundle as {other}", text=info[r.mention_id].item_text,
                                            decision=decision, row=first[2].sheet_row, other=first[0])
                             + " — " + t("make the two agree, or clear one")))
        chosen.setdefault(key, (decision, new_name, r))
    recorded, _ = _effective(read_decision_lines(catalog_dir))
    for key, (decision, _, r) in chosen.items():
        before = recorded.get(key)
        if before and before["decision_id"] != decision and not replace:
            problems.append((r.sheet_row, t("'{text}' in this bundle was decided as {before} by {reviewer} ({date}); "
                                            "this row says {decision}", text=info[r.mention_id].item_text,
                                            before=before["decision_id"], reviewer=before.get("reviewer") or "?",
                                            date=before.get("decided_at") or t("no date"), decision=decision)
                             + " — " + t("clear the cell to keep the earlier decision, or import with --replace to "
                                         "record the new one")))
    if problems:
        raise _reject(path, problems, t("some decisions cannot be accepted"))
    return _record(chosen, recorded, rows, info, catalog, catalog_dir, reviewer.strip(),
                   hashlib.sha256(data).hexdigest(), now or datetime.now(timezone.utc))


def _record(chosen, recorded, rows, info, catalog, catalog_dir: Path, reviewer: str, sha: str,
            now: datetime) -> ImportReport:
    source = f"review by {reviewer}"
    stamp = now.astimezone(timezone.utc).isoformat(timespec="seconds")
    lines, new_items, aliases, replaced = [], {}, {}, 0
    decided_texts: dict[str, set[str]] = {}
    for key, line in recorded.items():
        decided_texts.setdefault(key[0], set()).add(line["decision_id"])
    for key, (decision, _, _) in chosen.items():
        decided_texts.setdefault(key[0], set()).add(decision)
    known_names = set(catalog.index.exact) | set(catalog.index.aliases)
    for key, (decision, new_name, r) in sorted(chosen.items(), key=lambda kv: kv[1][2].sheet_row):
        before = recorded.get(key)
        if before and before["decision_id"] == decision:
            continue
        replaced += bool(before)
        m = info[r.mention_id]
        lines.append({"text_key": key[0], "context": key[1], "decision_id": decision, "text": m.item_text,
                      "bundle_name": m.bundle_name, "list_kind": m.list_kind, "source": m.source,
                      "reviewer": reviewer, "decided_at": stamp, "workbook_sha256": sha,
                      "replaces": before["decision_id"] if before else ""})
        if new_name:
            new_items.setdefault(decision, {"name": new_name, "note": f"named in review of {m.source}",
                                            "source": source})
        text_key = key[0]
        if (decision in catalog.index.items and catalog.index.items[decision].code and text_key not in known_names
                and decided_texts[text_key] == {decision}):
            aliases.setdefault(text_key, {"alias": m.item_text, "target": decision, "source": source})
    if new_items:
        _append_tsv(catalog_dir / "local_items.tsv", ("name", "note", "source"), list(new_items.values()))
    if aliases:
        _append_tsv(catalog_dir / "aliases.tsv", ("alias", "target", "source"), list(aliases.values()))
    if lines:
        _append_tsv(catalog_dir / "decisions.tsv", DECISION_COLUMNS, lines)
    decided = set(chosen) | set(recorded)
    pending = sum(1 for r in rows if (r.text_key, r.context) not in decided)
    return ImportReport(len(lines), len(chosen) - len(lines), replaced, pending, len(new_items), len(aliases))


def _clean(value: str) -> str:
    return re.sub(r"[\t\r\n]+", " ", str(value))


def _append_tsv(path: Path, columns: tuple[str, ...], lines: list[dict[str, str]]) -> None:
    """Append ``lines`` keeping every existing byte; a header lacking some ``columns`` is widened."""
    old = path.read_bytes() if path.exists() else b""
    text = old.decode("utf-8-sig")
    if not text.strip():
        old = b""
    header = text.splitlines()[0].split("\t") if text.strip() else list(columns)
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    if text.strip() and set(columns) - set(header):
        lines = list(csv.DictReader(io.StringIO(text), delimiter="\t")) + lines
        header = header + [c for c in columns if c not in header]
        old = text = b""
    if not old:
        writer.writerow(header)
    for line in lines:
        writer.writerow([_clean(line.get(c, "") or "") for c in header])
    prefix = old if not old or old.endswith(b"\n") else old + b"\n"
    atomic_write_bytes(path, prefix + out.getvalue().encode("utf-8"))


def review_status(out_dir: Path, catalog_dir: Path) -> StatusReport:
    """Mentions flagged for review (or decided by review) by state: decided, pending, in conflict."""
    items = load_items(Path(out_dir))
    recorded, conflicts = _effective(read_decision_lines(Path(catalog_dir)))
    todo = items[items["needs_review"].astype(bool) | (items["method"] == "review")]
    keys = [review_key(r.item_text, r.list_kind, r.bundle_name) for r in todo.itertuples(index=False)]
    conflict = sum(1 for k in keys if k in conflicts)
    decided = sum(1 for k in keys if k in recorded and k not in conflicts)
    return StatusReport(len(keys), decided, len(keys) - decided - conflict, conflict)
