"""Tables -> list records: the same reading for rows from TXT, DOCX, PDF or OCR.

Steps, in order:
1. ``read_layout`` (`pipeline.reading.layout`): find the header row(s), give every column its
   field from its header word and its content together, decide the list kind.
2. ``align_row``: put each cell under its field. Exports shift cells when merged cells
   vanish; a cell holding a scenario code ("5-2…") anchors the row, and duty/notes
   cells are told apart by their wording.
3. ``read_bundle_rows``: fill merged 序号/主题名称 down, split flattened rows holding
   several scenarios (one item group per scenario; fewer situational groups than
   scenarios belong to the last ones), split cells holding both roles (必办事项：… 选办事项：…),
   and emit bundles, scenarios and mentions. A bundle list without bundle columns is one
   bundle named in the document's title (``…入职“一件事”事项清单``).
4. ``read_speedup_rows`` / ``read_hotlist_rows`` / ``read_catalog_rows``.
5. ``split_names_run_together``: a bundle's mention that is catalog names end to end (a wrapped
   cell's full line joined to the item below it) becomes one mention per name; two mentions of
   one cell that are a catalog name only together (a wrapped line left unjoined) become one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pipeline.core.i18n import t
from normalizers.repair_text import repair
from normalizers.split_mentions import parse_item, split_cell
from normalizers.split_run_on import is_known_name, split_run_on
from pipeline.core.records import Bundle, CatalogEntry, Mention, Row, Scenario
from pipeline.reading.layout import ReadingContext, TableLayout, bundle_from_title, read_layout

__all__ = ["read_table", "TableResult", "align_row"]

_SCENARIO_CODE = re.compile(r"(?<![\d.])(\d{1,2})\s*[-－—–]\s*(\d{1,2})(?![\d.])")
_DUTY_WORDS = re.compile(r"牵头|负责|按照职责分工|会同|职责分工")
_TAG = re.compile(r"<[^>]+>")
_BUNDLE_NO = re.compile(r"^\s*(\d{1,3}|[一二三四五六七八九十]+)\s*$")
# A role named inside an item cell: "必办事项：1.… 选办事项：1.…" (two sections of one column).
_ROLE_MARK = re.compile(r"(必办事项|必做事项|必选事项|必办|必做|必选|选办事项|情形事项|可选事项|选办|可选|情形)\s*[:：]")
_ROLE_OF_WORD = (("必", "required"), ("选", "situational"), ("情形", "situational"), ("可", "situational"))


@dataclass
class TableResult:
    kind: str
    bundles: list[Bundle] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    catalog_entries: list[CatalogEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    layout: TableLayout | None = None


def read_table(rows: list[Row], context: ReadingContext | None = None) -> TableResult:
    """Read one table (its rows in order; the header, if any, among the first ones)."""
    context = context or ReadingContext()
    layout = read_layout(rows, context)
    result = TableResult(layout.kind, layout=layout, warnings=list(layout.warnings))
    if not layout.kind:
        where = rows[0].where.describe()
        cells = " | ".join((c or "").strip() for c in rows[0].cells)
        result.warnings.append(
            t("{where}: table header not recognised ({cells}); header cells not placed: {unplaced}; the table was "
              "skipped (a new header word can be added to raw/catalog/header_words.tsv)", where=where, cells=cells,
              unplaced=" | ".join(layout.unplaced)) if layout.unplaced else
            t("{where}: table header not recognised ({cells}); the table was skipped (a new header word can be added "
              "to raw/catalog/header_words.tsv)", where=where, cells=cells))
        return result
    fields = layout.fields
    header_keys = [tuple((c or "").strip() for c in rows[i].cells) for i in layout.header_rows]
    data = [(row, align_row(row.cells, fields)) for row in rows[layout.data_from:]
            if tuple((c or "").strip() for c in row.cells) not in header_keys]   # headers repeated at page breaks
    if layout.kind == "bundle" and not {"bundle_name", "required", "situational", "items"} & set(fields):
        _read_title_bundle_rows(data, result, context.title)
    else:
        {"bundle": _read_bundle_rows, "speedup": _read_speedup_rows,
         "hotlist": _read_hotlist_rows, "catalog": _read_catalog_rows}[layout.kind](data, result)
    if context.index is not None:
        result.mentions = split_names_run_together(result.mentions, context.index, rows)
    _carry_ocr_confidence(rows, result)
    return result


def split_names_run_together(mentions: list[Mention], index, rows: list[Row] = ()) -> list[Mention]:
    """A bundle's mention that runs catalog names together (a wrapped cell whose line filled its
    width, joined to the item below: ``normalizers.split_run_on``) becomes one mention per name; the
    mentions after it in its scenario move up in sequence. Then two mentions of one cell that are
    one name only together are joined (``_join_broken_names``). ``rows``: the table's rows, whose
    cells the joined mentions' printed text is taken from."""
    out: list[Mention] = []
    shift: dict[tuple, int] = {}
    for m in mentions:
        group = (m.where.file, m.where.table, m.list_kind, m.bundle_no, m.scenario_code)
        seq = m.seq + shift.get(group, 0)
        lead = len(m.printed) - len(m.text)
        parts = split_run_on(m.text, index) if m.list_kind == "bundle" and m.printed.endswith(m.text) else []
        if not parts:
            out.append(replace(m, seq=seq) if seq != m.seq else m)
            continue
        for k, (a, b) in enumerate(parts):
            first = 0 if k == 0 else lead + a   # the list marker or code printed before the text stays with the first
            out.append(replace(m, seq=seq + k, printed=m.printed[first:lead + b], text=m.text[a:b],
                               start=m.start + first, end=m.start + lead + b,
                               printed_codes=m.printed_codes if k == 0 else ()))
        shift[group] = shift.get(group, 0) + len(parts) - 1
    cells = {(r.where.row, c): text for r in rows for c, text in enumerate(r.cells, 1)}
    return _join_broken_names(out, index, cells)


def _join_broken_names(mentions: list[Mention], index, cells: dict) -> list[Mention]:
    """Two mentions of one cell, one after the other, that are no catalog name alone but one
    together ("存档人员党员组织关" + "系的接转": a wrapped line the copy did not join) are one
    mention; the mentions after them in their scenario move down in sequence."""
    out: list[Mention] = []
    shift: dict[tuple, int] = {}
    for m in mentions:
        group = (m.where.file, m.where.table, m.list_kind, m.bundle_no, m.scenario_code)
        m = replace(m, seq=m.seq - shift.get(group, 0)) if shift.get(group) else m
        prev = out[-1] if out else None
        if prev is not None and m.list_kind == "bundle" and prev.where == m.where and prev.role == m.role \
                and (prev.bundle_no, prev.scenario_code) == (m.bundle_no, m.scenario_code) and not m.printed_codes \
                and not is_known_name(m.text, index) and not is_known_name(prev.text, index) \
                and is_known_name(prev.text + m.text, index):
            cell = cells.get((m.where.row, m.where.cell)) or ""
            printed = cell[prev.start:m.end] if cell[prev.start:m.end].endswith(m.printed) else prev.printed + m.printed
            out[-1] = replace(prev, text=prev.text + m.text, printed=printed, end=m.end)
            shift[group] = shift.get(group, 0) + 1
            continue
        out.append(m)
    return out


def _carry_ocr_confidence(rows: list[Row], result: TableResult) -> None:
    """Each mention read by OCR gets the confidence of the least sure printed line it lies on (a cell of
    fifteen items with one misread code: that item is unsure, not the fourteen others), or its cell's
    confidence where the lines are not known (rows from a text layer have none)."""
    confidence = {replace(row.where, cell=c): v for row in rows
                  for c, v in enumerate(row.confidences, 1) if v is not None}
    lines = {replace(row.where, cell=c): v for row in rows
             for c, v in enumerate(row.line_confidences, 1) if v}
    if confidence:
        result.mentions = [replace(m, ocr_confidence=_mention_confidence(m, lines.get(m.where),
                                                                         confidence.get(m.where, m.ocr_confidence)))
                           for m in result.mentions]


def _mention_confidence(m, lines: tuple[tuple[int, float], ...] | None, cell: float) -> float:
    """The least confidence of the lines (end offset, confidence) that [m.start, m.end) overlaps; ``cell``
    when there are no lines or none overlaps."""
    if not lines or m.end <= m.start:
        return cell
    begin, hit = 0, []
    for end, conf in lines:
        if begin < m.end and m.start < end:
            hit.append(conf)
        begin = end
    return min(hit) if hit else cell


def align_row(cells: tuple[str | None, ...], fields: list[str]) -> dict[str, tuple[int, str]]:
    """field -> (cell index as printed, text); see module docstring, step 2."""
    texts = [c or "" for c in cells]
    offset = 0
    if "scenario" in fields:
        want = fields.index("scenario")
        for i, text in enumerate(texts[: want + 2]):
            if _SCENARIO_CODE.match(_TAG.sub("", text).strip()):
                offset = want - i
                break
    aligned: dict[str, tuple[int, str]] = {}
    for i, text in enumerate(texts):
        j = i + offset
        if 0 <= j < len(fields) and fields[j] and text.strip():
            aligned.setdefault(fields[j], (i + 1, text))
        elif j >= len(fields) and text.strip():
            aligned.setdefault("overflow", (i + 1, text))
    _tell_duty_from_notes(aligned)
    return aligned


def _tell_duty_from_notes(aligned: dict[str, tuple[int, str]]) -> None:
    """Exports swap 职责分工 and 备注, or drop one of them: decide by wording."""
    pool = [aligned.pop(k) for k in ("duty", "notes", "overflow") if k in aligned]
    for cell, text in pool:
        plain = _TAG.sub("", text).strip()
        if _DUTY_WORDS.search(plain) and len(plain) < 80 and not re.match(r"^\d", plain):
            aligned.setdefault("duty", (cell, text))
        elif _looks_like_item(plain):
            aligned.setdefault("stray_items", (cell, text))
        else:
            aligned.setdefault("notes", (cell, text))


def _looks_like_item(text: str) -> bool:
    return 0 < len(text) <= 30 and not re.search(r"[。，；：]", text) and not re.match(r"^\d+\s*[.、]", text)


# --- bundle lists -----------------------------------------------------------------------

@dataclass
class _Open:
    """The bundle being read and its scenarios still waiting for their item groups."""
    bundle: Bundle
    scenarios: list[Scenario] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)         # indexes into scenarios
    has_situational: set[int] = field(default_factory=set)
    stray: list[tuple[int, Row, int, str]] = field(default_factory=list)
    next_seq: dict[int, int] = field(default_factory=dict)   # scenario index -> seq of its next mention


def _read_bundle_rows(data: list[tuple[Row, dict]], out: TableResult, bundle: Bundle | None = None) -> None:
    current: _Open | None = _Open(bundle) if bundle is not None else None
    role_fields = ("required", "situational", "items", "item")   # an item column of a bundle list holds its items
    for row, cells in data:
        no = _plain(cells.get("no"))
        name = _plain(cells.get("bundle_name"))
        if no and not _BUNDLE_NO.match(no) and len(cells) == 1:
            out.warnings.append(t("{where}: a note under the table ('{text}…') was not read as a bundle", where=row.where.describe(), text=no[:20]))
            continue
        if no and (current is None or no != current.bundle.no) or (not current and name):
            if current:
                _close_bundle(current, out)
            current = _Open(Bundle(replace(row.where, cell=0), no, repair(name)))
        elif current is None:
            out.warnings.append(t("{where}: row before the first bundle was skipped", where=row.where.describe()))
            continue
        current.bundle = _with_bundle_fields(current.bundle, cells)
        scen_cell = cells.get("scenario")
        targets = _scenario_targets(current, scen_cell, row)
        assigned: set[int] = set()
        for role_field in role_fields:
            if role_field not in cells:
                continue
            col, text = cells[role_field]
            for role, offset, part in _role_sections(text, {"items": "item"}.get(role_field, role_field)):
                groups = split_cell(part)
                # situational groups follow the scenarios this row gave required items to
                base = [t for t in targets if t in assigned] if role == "situational" and assigned else targets
                chosen = _assign_groups(len(groups), base, right_aligned=(role == "situational"))
                for group, index in zip(groups, chosen):
                    assigned.add(index)
                    if role == "situational":
                        current.has_situational.add(index)
                    _emit_mentions(out, current, index, role, group, row, col, offset, _plain(cells.get("unit")))
        if len(targets) > 1:   # a flattened row: scenarios left without items wait for the next rows
            current.pending = [t for t in targets if t not in assigned]
        if "notes" in cells and targets:
            index = targets[0]
            notes = tuple(_notes(cells["notes"][1]))
            sc = current.scenarios[index]
            current.scenarios[index] = replace(sc, notes=sc.notes + notes)
        if "stray_items" in cells and targets:
            col, text = cells["stray_items"]
            current.stray.append((targets[-1], row, col, text))
    if current:
        _close_bundle(current, out)


def _role_sections(text: str, role: str) -> list[tuple[str, int, str]]:
    """(role, offset, text) of the sections of a cell: one, unless the cell names roles (必办事项：… 选办事项：…)."""
    marks = list(_ROLE_MARK.finditer(text))
    if not marks:
        return [(role, 0, text)]
    out = [(role, 0, text[:marks[0].start()])] if text[:marks[0].start()].strip() else []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        out.append((_role_of(m.group(1)) or role, m.end(), text[m.end():end]))
    return out


def _role_of(word: str) -> str:
    return next((role for lead, role in _ROLE_OF_WORD if word.strip().startswith(lead)), "")


def _read_title_bundle_rows(data: list[tuple[Row, dict]], out: TableResult, title: str) -> None:
    """A list of one bundle, named in the document's title: each row one item, its role from a
    必办/选办 column when there is one; the 序号 column counts the items, not bundles."""
    first = data[0][0].where if data else None
    if first is None:
        return
    bundle = Bundle(replace(first, cell=0, row=0), "", repair(bundle_from_title(title)))
    rows = []
    for row, cells in data:
        cells = dict(cells)
        cells.pop("no", None)
        role = _role_of(_plain(cells.pop("role", None))) or "item"
        if "item" in cells:
            cells["items" if role == "item" else role] = cells.pop("item")
        rows.append((row, cells))
    if not bundle.name:
        out.warnings.append(t("{where}: a list of items with no bundle column and no bundle named in the title; read as one bundle without a name", where=first.describe()))
    _read_bundle_rows(rows, out, bundle)


def _scenario_targets(current: _Open, scen_cell: tuple[int, str] | None, row: Row) -> list[int]:
    """Indexes of the scenarios this row's item groups belong to."""
    text = _TAG.sub(" ", scen_cell[1]) if scen_cell else ""
    codes = list(_SCENARIO_CODE.finditer(text))
    if codes:
        new = []
        for k, m in enumerate(codes):
            end = codes[k + 1].start() if k + 1 < len(codes) else len(text)
            code = f"{int(m.group(1))}-{int(m.group(2))}"
            name = repair(text[m.end():end])
            known = [i for i, s in enumerate(current.scenarios) if s.code == code]
            if known:
                new.append(known[0])
                continue
            current.scenarios.append(Scenario(replace(row.where, cell=scen_cell[0]),
                                              current.bundle.no, code, name))
            new.append(len(current.scenarios) - 1)
        current.pending = []
        return new
    if current.pending:
        return [current.pending.pop(0)]
    if text.strip() and not current.scenarios:
        current.scenarios.append(Scenario(replace(row.where, cell=scen_cell[0]), current.bundle.no, "",
                                          repair(text)))
    if not current.scenarios:
        current.scenarios.append(Scenario(replace(row.where, cell=0), current.bundle.no, "", ""))
    return [len(current.scenarios) - 1]


def _assign_groups(n_groups: int, targets: list[int], right_aligned: bool) -> list[int]:
    """Which scenario each of n item groups goes to."""
    if not targets or not n_groups:
        return []
    if n_groups >= len(targets):
        return targets + [targets[-1]] * (n_groups - len(targets))
    return targets[-n_groups:] if right_aligned else targets[:n_groups]


def _emit_mentions(out: TableResult, current: _Open, index: int, role: str, group, row: Row, col: int,
                   offset: int = 0, unit: str = "") -> None:
    """Mentions of one item group; ``offset``: where the group's text starts in its cell."""
    sc = current.scenarios[index]
    seq = current.next_seq.get(index, 1)
    for span in group:
        parsed = parse_item(span.text)
        text = repair(parsed.text)
        if not text:
            continue
        out.mentions.append(Mention(
            where=replace(row.where, cell=col), list_kind="bundle", seq=seq, printed=span.text,
            text=text, start=span.start + offset, end=span.end + offset, printed_codes=parsed.codes,
            bundle_no=current.bundle.no, bundle_name=current.bundle.name, scenario_code=sc.code,
            scenario_name=sc.name, role=role, unit=repair(parsed.unit) or unit))
        seq += 1
    current.next_seq[index] = seq


def _close_bundle(current: _Open, out: TableResult) -> None:
    for index, row, col, text in current.stray:
        later = [i for i in range(index + 1, len(current.scenarios)) if i not in current.has_situational]
        target = later[0] if later else index
        _emit_mentions(out, current, target, "situational", [s for g in split_cell(text) for s in g], row, col)
        out.warnings.append(t("{where}, cell {cell}: '{text}' stands in a column of its own; read as a situational item of scenario {scenario}", where=row.where.describe(), cell=col, text=_plain((col, text)), scenario=current.scenarios[target].code or current.bundle.no))
    out.bundles.append(current.bundle)
    out.scenarios.extend(current.scenarios)


def _with_bundle_fields(bundle: Bundle, cells: dict) -> Bundle:
    changes = {}
    if "duty" in cells and not bundle.lead_unit and not bundle.partner_units:
        changes["lead_unit"], changes["partner_units"] = _parse_duty(_plain(cells["duty"]))
    if "lead" in cells and not bundle.lead_unit:
        changes["lead_unit"] = _plain(cells["lead"])
    if "partners" in cells and not bundle.partner_units:
        changes["partner_units"] = _units(_plain(cells["partners"]))
    if "time_limit" in cells and not bundle.time_limit:
        changes["time_limit"] = _plain(cells["time_limit"])
    if "method" in cells and not bundle.method:
        changes["method"] = _plain(cells["method"])
    if not bundle.name and "bundle_name" in cells:
        changes["name"] = _plain(cells["bundle_name"])
    return replace(bundle, **changes) if changes else bundle


def _parse_duty(text: str) -> tuple[str, tuple[str, ...]]:
    """"A牵头，B、C按照职责分工落实。" -> ("A", ("B", "C"))."""
    text = text.rstrip("。")
    lead = ""
    m = re.match(r"^(.+?)(?:牵头|负责)[，,]?(.*)$", text)
    if m:
        lead, rest = m.group(1), m.group(2)
    else:
        rest = text
    m = re.match(r"^(.+?)会同(.+?)负责$", text)
    if m:
        return m.group(1), _units(m.group(2))
    rest = re.sub(r"(按照职责分工|按职责分工).*$", "", rest)
    return lead, tuple(u for u in _units(rest) if u != lead)


def _units(text: str) -> tuple[str, ...]:
    seen: list[str] = []
    for part in re.split(r"[、，,；;\s]+", text):
        part = part.strip("。")
        if part and part not in seen:
            seen.append(part)
    return tuple(seen)


def _notes(text: str) -> list[str]:
    notes = []
    for group in split_cell(text):
        for span in group:
            note = repair(parse_item(span.text).text)
            if note:
                notes.append(note)
    return notes


def _plain(cell: tuple[int, str] | None) -> str:
    if not cell:
        return ""
    return repair(_TAG.sub(" ", cell[1]).replace("\n", ""))


# --- speed-up, hot and catalog lists ---------------------------------------------------

def _read_speedup_rows(data: list[tuple[Row, dict]], out: TableResult) -> None:
    for seq, (row, cells) in enumerate(((r, c) for r, c in data if "item" in c), start=1):
        col, printed = cells["item"]
        parsed = parse_item(printed)
        out.mentions.append(Mention(
            where=replace(row.where, cell=col), list_kind="speedup", seq=seq, printed=printed.strip(),
            text=repair(parsed.text), end=len(printed.strip()), printed_codes=parsed.codes,
            bundle_no=_plain(cells.get("no")) or parsed.list_no, role="item", unit=_plain(cells.get("unit")),
            current_limit=_plain(cells.get("current_limit")), target_limit=_plain(cells.get("target_limit"))))


def _read_hotlist_rows(data: list[tuple[Row, dict]], out: TableResult) -> None:
    for seq, (row, cells) in enumerate(((r, c) for r, c in data if "item" in c), start=1):
        col, printed = cells["item"]
        parsed = parse_item(printed)
        channels = tuple(c for c in re.split(r"[、，,；;\n]+", _plain(cells.get("channels"))) if c)
        out.mentions.append(Mention(
            where=replace(row.where, cell=col), list_kind="hotlist", seq=seq, printed=printed.strip(),
            text=repair(parsed.text), end=len(printed.strip()), printed_codes=parsed.codes,
            bundle_no=_plain(cells.get("no")) or parsed.list_no, role="item", channels=channels))


def _read_catalog_rows(data: list[tuple[Row, dict]], out: TableResult) -> None:
    last: dict[str, str] = {}
    for row, cells in data:
        values = {}
        for key in ("no", "category", "main", "sub", "content", "target"):
            values[key] = _plain(cells.get(key))
            if not values[key] and key in ("category", "main"):
                values[key] = last.get(key, "")   # merged cells continue the row above
        if not any(values[k] for k in ("main", "sub", "content")):
            continue
        last = values
        out.catalog_entries.append(CatalogEntry(replace(row.where, cell=0), **values))
        # its service item (the sub-item, else the main item) is mapped onto the national catalog too
        name = next((cells[k] for k in ("sub", "main") if k in cells and _plain(cells[k])), None)
        if name is not None:
            col, printed = name
            parsed = parse_item(printed)
            out.mentions.append(Mention(
                where=replace(row.where, cell=col), list_kind="catalog", seq=len(out.catalog_entries),
                printed=printed.strip(), text=repair(parsed.text), end=len(printed.strip()),
                printed_codes=parsed.codes, bundle_no=values["no"], scenario_name=values["category"],
                bundle_name=values["main"], role="item"))
