"""A table's layout: which row is its header, which field each column holds, which kind of list it is.

Two kinds of evidence are combined, per column, in ``read_layout``:
- the header word (``HeaderVocabulary.lookup``: exact, fuzzy with its score, or a word part);
  a word may name several fields (打包事项: the items, or a scope), and then the content decides;
- the column's content: the share of its cells that look like what a field holds
  (``content_scores``: catalog names or aliases, several per cell or one, list markers,
  scenario codes "1-1", time limits "15个工作日/即时办结", unit names …局/中心/股, channels
  APP/小程序/网站, role words 必办/选办, plain sequence numbers, prose).
Where the header names no field the content decides (above ``CONTENT_DECIDES``); where an
exact header word and a clear content disagree, the header wins and a warning says so.
The result is one `TableLayout` per table, recording for every column how it was decided,
which ``explain`` shows. The list kind comes from the fields and the title together
(``list_kind``: 提速 → speed-up, 高频/热门 → hot list, 一件事/打包 → bundle, 主项/子项 → catalog).

Steps: ``find_header`` (the header may sit below title rows, span two rows, or be missing)
-> ``content_scores`` per column -> ``decide_columns`` -> ``list_kind``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.core.i18n import t
from normalizers.match_catalog import CatalogIndex
from normalizers.repair_text import name_key, repair
from normalizers.split_mentions import parse_item, split_cell
from pipeline.core.cell_kinds import CHANNEL, NUMBER, PROSE, ROLE, SCENARIO, TIME, is_unit, line_kind
from pipeline.core.header_words import FIELDS_READ, HeaderVocabulary, header_key
from pipeline.core.records import Row

__all__ = ["ColumnRole", "TableLayout", "ReadingContext", "read_layout", "content_scores", "list_kind",
           "CONTENT_DECIDES"]

# Share of a column's filled cells that must look like a field for the content alone to name
# the column (no header word, or a header word of several fields). Chosen on the tuning half of
# the layout variants (python -m pipeline.bench layouts --half tune).
CONTENT_DECIDES = 0.5
# Content this clear against an exact header word is reported as a disagreement; content of a
# telling shape (role words, scenario codes, time limits, channels) this clear overrules the word.
CONTENT_DISAGREES = 0.8
CONTENT_OVERRULES = 0.9
_TELLING = ("role", "scenario", "time_limit", "channels")
# Rows looked at for a header (title rows of a list inside its table come first).
_HEADER_SEARCH = 6
_SAMPLE_ROWS = 120



@dataclass(frozen=True)
class ColumnRole:
    field: str            # a field of FIELDS_READ, another known column (basis, fee …), or "" unknown
    how: str              # "header", "header~0.91", "header part", "content 0.83", "unknown"
    header: str = ""      # the header text as printed ("上/下" for a two-row header)
    content: float = 0.0  # share of the column's cells that look like the field
    others: tuple[str, ...] = ()   # the header word's other fields


@dataclass(frozen=True)
class TableLayout:
    kind: str                            # bundle | speedup | hotlist | catalog | "" (no list)
    columns: tuple[ColumnRole, ...]
    header_rows: tuple[int, ...] = ()    # indexes (0-based, within the table) of its header rows
    data_from: int = 0                   # index of the first data row
    kind_reason: str = ""
    warnings: tuple[str, ...] = ()
    unplaced: tuple[str, ...] = ()       # header cells that named no field
    continues: bool = False              # no header of its own: the table before goes on in it

    @property
    def fields(self) -> list[str]:
        return [c.field if c.field in FIELDS_READ else "" for c in self.columns]

    def describe(self) -> str:
        cols = " | ".join(f"{c.header or '∅'}={c.field or '?'} ({c.how})" for c in self.columns)
        head = f"header rows {', '.join(str(r + 1) for r in self.header_rows)}" if self.header_rows else "no header row"
        return f"{self.kind or 'NOT A LIST'} ({self.kind_reason}); {head}; {cols}"


@dataclass(frozen=True)
class ReadingContext:
    """What a table is read with beside its rows: the vocabulary, the catalog, the document's title."""

    headers: HeaderVocabulary = field(default_factory=HeaderVocabulary.default)
    index: CatalogIndex | None = None
    bundle_names: tuple[str, ...] = ()   # national bundle names and aliases (name keys)
    title: str = ""
    previous: "TableLayout | None" = None   # the layout of the table before, which a table without a header may continue


# --- header ---------------------------------------------------------------------------

def _is_header_row(cells, headers: HeaderVocabulary) -> bool:
    filled = [c for c in cells if c and c.strip()]
    hits = sum(1 for c in filled if headers.lookup(c)[0])
    exact = sum(1 for c in filled if headers.is_header_word(c))
    return len(filled) >= 2 and hits >= 2 and exact >= 1 and hits * 3 >= len(filled) * 2


def find_header(rows: list[Row], headers: HeaderVocabulary) -> tuple[int, ...]:
    """Indexes of the header rows among the first rows: (), (i,) or (i, i + 1) for a two-row header.

    A header row is one of header words; failing that, the first row shaped like one (short
    labels, no numbers, codes or list markers) above a row that holds a number or a code.
    """
    found = next((i for i, row in enumerate(rows[:_HEADER_SEARCH]) if _is_header_row(row.cells, headers)), None)
    if found is None:
        found = next((i for i in range(min(_HEADER_SEARCH, len(rows) - 1))
                      if _looks_like_labels(rows[i].cells) and _looks_like_data(rows[i + 1].cells)), None)
    if found is None:
        return ()
    if found + 1 < len(rows) and _is_sub_header(rows[found].cells, rows[found + 1].cells, headers):
        return found, found + 1
    return (found,)


def _looks_like_labels(cells) -> bool:
    filled = [c.strip() for c in cells if c and c.strip()]
    # a label may end in a number (列3, 附表1: an export's placeholder words) and wrap (序\n号)
    return len(filled) >= 2 and len(set(filled)) == len(filled) and all(
        len(c) <= 14 and re.fullmatch(r"[^\d]+\d{0,2}", c.replace("\n", "")) for c in filled)


def _looks_like_data(cells) -> bool:
    return any(c and (NUMBER.match(c) or SCENARIO.match(c) or re.match(r"^\s*\d", c)) for c in cells)


def _is_sub_header(top, below, headers: HeaderVocabulary) -> bool:
    """Is ``below`` the second row of a two-row header (sub-columns under group headers)?"""
    filled = [(c, b) for c, b in zip(top, below) if b and b.strip()]
    if len(filled) < 2 or any(NUMBER.match(b) or SCENARIO.match(b) for _, b in filled):
        return False
    named = sum(1 for _, b in filled if headers.lookup(b)[0] or len(header_key(b)) <= 4)
    repeated = sum(1 for c, b in filled if header_key(c) == header_key(b))
    return named == len(filled) and repeated < len(filled) and len(filled) <= len([c for c in top if c is not None]) + 2


def _column_headers(rows: list[Row], header_rows: tuple[int, ...], width: int) -> list[tuple[str, str]]:
    """(text as printed, text to look up) per column; a group header spans the columns to its right."""
    if not header_rows:
        return [("", "")] * width
    top = list(rows[header_rows[0]].cells) + [None] * width
    if len(header_rows) == 1:
        return [((t or "").strip(), (t or "").strip()) for t in top[:width]]
    below = list(rows[header_rows[1]].cells) + [None] * width
    out, group = [], ""
    for c in range(width):
        t, b = (top[c] or "").strip(), (below[c] or "").strip()
        if top[c] is not None and t:
            group = t
        elif top[c] is not None and not t and not b:
            group = ""
        if b and b != t:
            out.append((f"{group}/{b}" if group else b, b))
        else:
            out.append((t or group, t or group))
    return out


def _header_fields(printed: str, lookup_text: str, headers: HeaderVocabulary) -> tuple[tuple[str, ...], str, float]:
    fields, how, score = headers.lookup(lookup_text)
    if not fields and "/" in printed:        # a sub-header that names nothing alone: with its group
        group, sub = printed.split("/", 1)
        for text in (sub + group, group + sub):
            fields, how, score = headers.lookup(text)
            if fields:
                break
        if not fields:
            fields, how, score = headers.lookup(group)
    return fields, how, score


# --- content --------------------------------------------------------------------------

def _known_names(text: str, index: CatalogIndex | None) -> tuple[int, int]:
    """(mentions, mentions that are catalog names or aliases, or carry a printed code) in a cell."""
    spans = [s for g in split_cell(text) for s in g]
    known = 0
    for span in spans:
        parsed = parse_item(span.text)
        key = name_key(repair(parsed.text))
        if parsed.codes or (index is not None and (key in index.exact or key in index.aliases or key in index.loose)):
            known += 1
    return len(spans), known


def content_scores(texts: list[str], context: ReadingContext) -> dict[str, float]:
    """Per field, the share of the filled cells of a column that look like what the field holds."""
    filled = [t.strip() for t in texts if t and t.strip()]
    if not filled:
        return {}
    n = len(filled)
    share = lambda pred: sum(1 for t in filled if pred(t)) / n  # noqa: E731
    scores: dict[str, float] = {}
    numbers = [t for t in filled if NUMBER.match(t)]
    scores["no"] = len(numbers) / n
    scores["scenario"] = share(lambda t: bool(SCENARIO.match(t)))
    scores["time_limit"] = share(lambda t: len(t) <= 40 and bool(TIME.search(t)))
    scores["channels"] = share(lambda t: bool(CHANNEL.search(t)))
    scores["unit"] = share(is_unit)
    scores["role"] = share(lambda t: bool(ROLE.match(t)))
    known = [_known_names(t, context.index) for t in filled[:_SAMPLE_ROWS]]
    with_names = [(m, k) for m, k in known if k]
    name_share = len(with_names) / len(known)
    many = sum(1 for m, k in with_names if m >= 2) / len(known)
    scores["item"] = name_share - many
    scores["items"] = many + (name_share - many) * 0.5 if many else 0.0
    if context.bundle_names:
        scores["bundle_name"] = share(lambda t: name_key(t) in context.bundle_names or "一件事" in t)
    scores["prose"] = share(lambda t: len(t) > 30 and bool(PROSE.search(t)) and not TIME.match(t))
    return scores


_CONTENT_FIELDS = ("no", "scenario", "time_limit", "channels", "unit", "role", "item", "items", "bundle_name")
# Fields a content score may stand for: a time column is one of the three limits, a name column
# one of the item fields, a unit column any of the units.
_CONTENT_OF = {"current_limit": "time_limit", "target_limit": "time_limit", "lead": "unit", "partners": "unit",
               "required": "items", "situational": "items", "main": "item", "sub": "item"}


def _content_for(field_: str, scores: dict[str, float]) -> float:
    if field_ in ("required", "situational"):
        return max(scores.get("items", 0.0), scores.get("item", 0.0))
    if field_ in ("notes", "scope", "duty", "method", "process", "content"):
        return scores.get("prose", 0.0)
    return scores.get(_CONTENT_OF.get(field_, field_), 0.0)


def _best_content(scores: dict[str, float]) -> tuple[str, float]:
    best = max(((scores.get(f, 0.0), f) for f in _CONTENT_FIELDS), default=(0.0, ""))
    return best[1], best[0]


# --- decision -------------------------------------------------------------------------

# Fields one column holds at most; a second column claiming one is left to its other evidence.
_SINGLE = {"no", "bundle_name", "scenario", "item", "items", "current_limit", "target_limit", "channels", "main",
           "sub", "category", "role", "required", "situational", "time_limit"}


def decide_columns(headers: list[tuple[str, str]], columns: list[list[str]], context: ReadingContext,
                   where: str) -> tuple[list[ColumnRole], list[str]]:
    roles: list[ColumnRole] = []
    warnings: list[str] = []
    for c, ((printed, lookup_text), texts) in enumerate(zip(headers, columns), 1):
        fields, how, score = _header_fields(printed, lookup_text, context.headers) if lookup_text else ((), "", 0.0)
        scores = content_scores(texts, context)
        best, best_score = _best_content(scores)
        if len(fields) > 1:
            chosen = max(fields, key=lambda f: (_content_for(f, scores), -fields.index(f)))
            roles.append(ColumnRole(chosen, f"header of {len(fields)} fields, content {_content_for(chosen, scores):.2f}",
                                    printed, _content_for(chosen, scores), tuple(f for f in fields if f != chosen)))
        elif fields:
            f = fields[0]
            label = "header" if how == "exact" else (f"header~{score:.2f}" if how == "fuzzy" else "header part")
            if how != "exact" and best and best_score >= CONTENT_DECIDES and _content_for(f, scores) < 0.2 \
                    and f in FIELDS_READ:
                roles.append(ColumnRole(best, f"content {best_score:.2f} over a weak header ({label} {f})", printed,
                                        best_score))
                continue
            if how == "exact" and best and best_score >= CONTENT_DISAGREES and _content_for(f, scores) < 0.1 \
                    and best not in ("no",):
                wins = best in _TELLING and best_score >= CONTENT_OVERRULES
                warnings.append(t("{where}, column {column}: the header '{printed}' says {field} but its cells look like {best} ({share}); read as {chosen}", where=where, column=c, printed=printed, field=f, best=best, share=f"{best_score:.0%}", chosen=best if wins else f))
                if wins:
                    roles.append(ColumnRole(best, f"content {best_score:.2f} over the header ({f})", printed,
                                            best_score))
                    continue
            roles.append(ColumnRole(f, label, printed, _content_for(f, scores)))
        elif best and best_score >= CONTENT_DECIDES:
            roles.append(ColumnRole(best, f"content {best_score:.2f}", printed, best_score))
        else:
            roles.append(ColumnRole("", "unknown", printed))
    return _one_column_each(roles, columns, context), warnings


def _one_column_each(roles: list[ColumnRole], columns: list[list[str]], context: ReadingContext) -> list[ColumnRole]:
    """A single-valued field named by two columns: the first keeps it where the header named it, the
    others take their next evidence; two time columns are the current and the promised limit."""
    out = list(roles)
    times = [i for i, r in enumerate(out) if r.field == "time_limit"]
    if len(times) == 2 and not any(r.field in ("current_limit", "target_limit") for r in out):
        out[times[0]] = ColumnRole("current_limit", out[times[0]].how + ", the first of two time columns",
                                   out[times[0]].header)
        out[times[1]] = ColumnRole("target_limit", out[times[1]].how + ", the second of two time columns",
                                   out[times[1]].header)
    by_content = [i for i, r in enumerate(out) if r.field == "items" and r.how.startswith("content")]
    if len(by_content) == 2 and not any(r.field in ("required", "situational") for r in out):
        # two columns of items and no header to tell them: the first holds the required items
        for i, role in zip(by_content, ("required", "situational")):
            out[i] = ColumnRole(role, out[i].how + f", the {'first' if role == 'required' else 'second'} of two "
                                                   f"item columns", out[i].header, out[i].content)
    seen: dict[str, int] = {}
    for i, r in enumerate(out):
        if r.field not in _SINGLE:
            continue
        if r.field in seen:
            j = seen[r.field]
            keep, drop = (j, i) if _strength(out[j]) >= _strength(r) else (i, j)
            seen[r.field] = keep
            taken = {x.field for x in out}
            other = next((f for f in out[drop].others if f not in taken), "") or \
                _second_choice(out[drop].field, columns[drop], context)
            out[drop] = ColumnRole(other, out[drop].how + f", {out[drop].field} taken by column {keep + 1}",
                                   out[drop].header)
        else:
            seen[r.field] = i
    return out


def _strength(role: ColumnRole) -> tuple[int, float]:
    return (3 if role.how == "header" else 2 if role.how.startswith("header") else 1), role.content


def _second_choice(taken: str, texts: list[str], context: ReadingContext) -> str:
    if taken == "item":
        return "items" if content_scores(texts, context).get("items", 0) else ""
    if taken in ("required", "situational"):
        return "situational" if taken == "required" else ""
    return ""


# --- kind -----------------------------------------------------------------------------

# Title words that name a list kind, strongest first.
TITLE_KIND_WORDS = (("提速", "speedup"), ("高频", "hotlist"), ("热门", "hotlist"), ("一件事", "bundle"),
                    ("打包", "bundle"), ("目录", "catalog"))


def list_kind(fields: list[str], title: str) -> tuple[str, str]:
    """(kind, reason) from the fields present and the title."""
    present = set(fields)
    named = title_kind(title)
    if {"main", "sub"} & present:
        return "catalog", "主项/子项 columns"
    if {"required", "situational", "scenario", "bundle_name", "items"} & present:
        return "bundle", "bundle columns (" + ", ".join(sorted({"required", "situational", "scenario", "bundle_name",
                                                                  "items"} & present)) + ")"
    if "item" not in present:
        return "", "no column of items"
    if {"current_limit", "target_limit"} & present:
        return "speedup", "time-limit columns"
    if "channels" in present:
        return "hotlist", "a channels column"
    if named:
        return named, f"the title names it ({named})"
    if "time_limit" in present:
        return "speedup", "an item and a time-limit column"
    if "role" in present:
        return "bundle", "a column of 必办/选办"
    return "catalog", "a list of service items"


# --- the layout -----------------------------------------------------------------------

def read_layout(rows: list[Row], context: ReadingContext) -> TableLayout:
    """The layout of one table (its rows in order, the header somewhere among the first ones)."""
    width = max((len(r.cells) for r in rows), default=0)
    header_rows = find_header(rows, context.headers)
    previous = context.previous
    if not header_rows and previous is not None and previous.kind and len(previous.columns) == width:
        start = _first_data_row(rows)
        columns = tuple(ColumnRole(c.field, "as in the table before: this one continues it", c.header, c.content)
                        for c in previous.columns)
        where = rows[start].where.describe() if rows else ""
        return TableLayout(previous.kind, columns, (), start, previous.kind_reason + ", continued",
                           (t("{where}: a table without a header row, as wide as the one before: read as its "
                              "continuation", where=where),), continues=True)
    data_from = header_rows[-1] + 1 if header_rows else _first_data_row(rows)
    headers = _column_headers(rows, header_rows, width)
    data = rows[data_from:data_from + _SAMPLE_ROWS]
    columns = [[(r.cells[c] if c < len(r.cells) else "") or "" for r in data] for c in range(width)]
    where = rows[header_rows[0] if header_rows else data_from].where.describe() if rows else ""
    roles, warnings = decide_columns(headers, columns, context, where)
    roles = _hierarchy(roles, columns)
    fields = [r.field if r.field in FIELDS_READ else "" for r in roles]
    kind, reason = list_kind(fields, context.title)
    if kind == "catalog" and "main" not in fields and "sub" not in fields and "item" in fields:
        roles = [ColumnRole("sub", r.how + ", the items of a catalog list", r.header) if r.field == "item" else r
                 for r in roles]
    unplaced = tuple(h for (h, _), r in zip(headers, roles) if h and not r.field)
    if not header_rows and rows:       # the first row, had it been the header
        unplaced = tuple(c.strip() for c in rows[0].cells if c and c.strip() and not context.headers.lookup(c)[0])
    if not header_rows and kind:
        warnings.append(t("{where}: the table has no header row; its columns were read from their content ({fields})", where=where, fields=', '.join(r.field or '?' for r in roles)))
    unknown = [(h, r.field or "?") for (h, look), r in zip(headers, roles) if h and not context.headers.lookup(look)[0]]
    if header_rows and kind and unknown:
        warnings.append(t("{where}: header words this tool does not know ({cells}): their columns were read from "
                          "their content ({fields})", where=where, cells=" | ".join(h for h, _ in unknown),
                          fields=", ".join(f for _, f in unknown))
                        + " — " + t("a new header word can be added to raw/catalog/header_words.tsv"))
    return TableLayout(kind, tuple(roles), header_rows, data_from, reason, tuple(warnings), unplaced)


_ITEM_FIELDS = {"item", "items", "required", "situational", "main", "sub"}
# Share of distinct values in a column of names: below it the values repeat (a group: 主项 over
# its 子项), from it they vary (the items themselves).
_DISTINCT = 0.7


def _hierarchy(roles: list[ColumnRole], columns: list[list[str]]) -> list[ColumnRole]:
    """A table whose header words and content named no column of items: a catalog's hierarchy
    (业务分类 > 主项 > 子项) is told by its shape, a column of names whose values repeat down the
    rows followed by a column of names that vary; a column of fewer values still before them is
    the category."""
    if any(r.field in _ITEM_FIELDS for r in roles):
        return roles
    names = []
    for c, texts in enumerate(columns):
        filled = [t.strip() for t in texts if t and t.strip()]
        if roles[c].field or len(filled) < 4 or \
                sum(line_kind(t) in ("short", "code") for t in filled) < 0.8 * len(filled):
            names.append(None)
            continue
        # an empty cell under a name is that name going on (a merged cell printed once)
        down = [t for t in _filled_down(texts) if t]
        names.append(len(set(down)) / len(down))
    for c in range(len(columns) - 1):
        main, sub = names[c], names[c + 1]
        if main is not None and sub is not None and main < _DISTINCT <= sub:
            out = list(roles)
            how = f"content: names that repeat ({main:.0%} distinct) before names that vary ({sub:.0%})"
            out[c] = ColumnRole("main", how, roles[c].header, 1 - main)
            out[c + 1] = ColumnRole("sub", how, roles[c + 1].header, sub)
            if c and names[c - 1] is not None and names[c - 1] < main:
                out[c - 1] = ColumnRole("category", f"content: fewer values still ({names[c - 1]:.0%} distinct)",
                                        roles[c - 1].header, 1 - names[c - 1])
            return _after_the_items(out, columns, c + 2)
    return roles


def _filled_down(texts: list[str]) -> list[str]:
    out, last = [], ""
    for text in texts:
        last = text.strip() if text and text.strip() else last
        out.append(last)
    return out


# A catalog's columns after its items: descriptions that vary (办理内容, at least this share distinct
# and this long on average) and a few short values that repeat (服务对象: 单位 / 个人, below this share).
_CONTENT_DISTINCT, _CONTENT_LENGTH, _TARGET_DISTINCT, _TARGET_LENGTH = 0.5, 6, 0.2, 8


def _after_the_items(roles: list[ColumnRole], columns: list[list[str]], first: int) -> list[ColumnRole]:
    """The columns right of a catalog's 子项 that neither header nor content named: the first that
    describes each item (its texts vary, and are longer) is its content; the first of a few short
    values repeated down the rows is whom the item serves."""
    out = list(roles)
    for k in range(first, len(columns)):
        filled = [t.strip() for t in columns[k] if t and t.strip()]
        if out[k].field or len(filled) < 4:
            continue
        distinct = len(set(filled)) / len(filled)
        length = sum(len(t) for t in filled) / len(filled)
        if distinct >= _CONTENT_DISTINCT and length >= _CONTENT_LENGTH and "content" not in {r.field for r in out}:
            out[k] = ColumnRole("content", f"content: descriptions of the items ({distinct:.0%} distinct)",
                                out[k].header, distinct)
        elif distinct < _TARGET_DISTINCT and max(len(t) for t in filled) <= _TARGET_LENGTH \
                and "target" not in {r.field for r in out}:
            out[k] = ColumnRole("target", f"content: a few short values repeated ({distinct:.0%} distinct)",
                                out[k].header, 1 - distinct)
    return out


def _first_data_row(rows: list[Row]) -> int:
    """Without a header: skip title rows (one filled cell, or a merged row) at the top."""
    for i, row in enumerate(rows[:_HEADER_SEARCH]):
        filled = [c for c in row.cells if c and c.strip()]
        if len(filled) >= 2 and len({header_key(c) for c in filled}) >= 2:
            return i
    return 0


def title_kind(title: str) -> str:
    """The list kind a title names (提速 → speedup …), "" when it names none."""
    return next((k for word, k in TITLE_KIND_WORDS if word in header_key(title)), "")


def bundle_from_title(title: str) -> str:
    """The bundle a one-bundle list names in its title: "XX市企业员工入职“一件事”事项清单" -> "企业员工入职"."""
    m = re.search(r"([\u4e00-\u9fff（）()]{2,30}?)[“\"「]?一件事", title)
    if not m:
        return ""
    name = m.group(1)
    name = re.sub(r"^.*?(?:市|县|区|省|州|盟|旗)(?:人力资源和社会保障局|人社局|人社)?", "", name) or name
    return name.strip("“”\"「」")
