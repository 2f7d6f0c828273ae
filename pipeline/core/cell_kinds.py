"""What a cell's text looks like: a sequence number, a scenario code, a time limit, a unit, a channel …

The shapes are shared by the layout reader (a column's content, ``reading.layout.content_scores``)
and the text readers that must find where a cell ends when nothing marks it (a web page copied
as text: ``extractors.cell_streams``). ``line_kind`` names the shape of one line; ``FIT`` says how
well each shape suits each kind of column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["NUMBER", "SCENARIO", "TIME", "CHANNEL", "UNIT_END", "ROLE", "PROSE", "MARKER", "CIRCLED",
           "line_kind", "is_unit", "marker_number", "ColumnKind", "column_kind", "FIT", "EXTRA_LINE", "EMPTY_CELL",
           "AFTER_LIST"]

NUMBER = re.compile(r"^\s*[（(]?\s*(\d{1,3}|[一二三四五六七八九十]{1,3})\s*[)）.、．]?\s*$")
SCENARIO = re.compile(r"^\s*\d{1,2}\s*[-－—–]\s*\d{1,2}(?![\d.])")
TIME = re.compile(r"(\d+|[一二三四五六七八九十两半]+)\s*个?\s*(工作日|自然日|个月|日|天|小时|分钟|周)|即时|即办|当场|立即|"
                  r"当日|当天|实时|随到随办|承诺件|即来即办|未提速")
CHANNEL = re.compile(r"APP|App|app|小程序|网站|网厅|公众号|微信|支付宝|自助|终端|一体机|掌上|客户端|门户|政务服务网|"
                     r"服务平台|网上办事|云闪付")
UNIT_END = re.compile(r"(局|中心|部门|科|股|处|所|室|站|厅|委|院|队|行|公司|银行|税务|医保|窗口|机构|街道|乡镇|社区|分局)$")
ROLE = re.compile(r"^\s*(必办|必做|必选|必须|必要|选办|可选|情形|选做|可办)(事项|办理)?\s*$")
PROSE = re.compile(r"[。；，,]")
# A list marker opening a line: "2." "2、" "（2）" "2 " (a copied list's number and its tab), not
# the first part of a code such as 1.1.5.
MARKER = re.compile(r"^\s*[（(]?(\d{1,2})(?:[)）、．]|\.(?!\d)|[ \t\u3000]+(?=[^\d\s]|\d{1,2}\.\d))")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CODE = re.compile(r"^\s*\d{1,2}\.\d{1,2}(\.\d{1,2})?\s*[\u4e00-\u9fff《（(]")
_SENTENCE_END = re.compile(r"[。；;]$")
_BRACKETED = re.compile(r"（[^（）]*）|\([^()]*\)")     # （含…；…）: an item's parts, not a sentence
# A cell that says there is nothing: fits any column but a name column.
_NONE = re.compile(r"^\s*(无|暂无|没有|不涉及|/|／|—+|-+|－|同上)\s*$")


def is_unit(text: str) -> bool:
    """One or more unit names (…局/中心/股), apart by 、，/；."""
    parts = [p.strip() for p in re.split(r"[、，,；;/\n]+", text.strip().rstrip("。")) if p.strip()]
    return bool(parts) and len(text) <= 60 and all(len(p) <= 20 and "。" not in p and UNIT_END.search(p)
                                                   for p in parts)


def marker_number(text: str) -> int | None:
    """The number of the list marker opening the line ("2." "（2）" "2、" "②"); None without one."""
    m = MARKER.match(text)
    if m:
        return int(m.group(1))
    text = text.lstrip()
    return CIRCLED.index(text[0]) + 1 if text and text[0] in CIRCLED else None


def line_kind(text: str) -> str:
    """The shape of one line of a cell: none (无, —), number, scenario, role, time, channel, unit, marked (a list
    item), clause (a numbered sentence: a list of requirements), code (a printed catalog code and
    its name), sentence, short or text."""
    t = text.strip()
    if _NONE.match(t):
        return "none"
    if NUMBER.match(t):
        return "number"
    if SCENARIO.match(t):
        return "scenario"
    if ROLE.match(t):
        return "role"
    if len(t) <= 40 and TIME.search(t) and not _CODE.match(t):
        return "time"
    if marker_number(t) is not None:
        return "clause" if t.endswith("。") else "marked"
    if _CODE.match(t):
        return "code"
    if CHANNEL.search(t):
        return "channel"
    if is_unit(t):
        return "unit"
    if _SENTENCE_END.search(t) or (len(t) > 30 and PROSE.search(_BRACKETED.sub("", t))):
        return "sentence"
    return "short" if len(_BRACKETED.sub("", t)) <= 30 else "text"


# The kind of column a field is, for ``FIT``.
_GROUP = {"no": "no", "scenario": "scenario", "role": "role", "channels": "channels", "bundle_name": "name",
          "time_limit": "time", "current_limit": "time", "target_limit": "time",
          "lead": "unit", "partners": "unit", "unit": "unit",
          "items": "items", "required": "items", "situational": "items", "item": "item", "main": "item",
          "sub": "item", "category": "name", "target": "name", "object": "name"}
# Column kinds whose header, when weak, leaves room for other content; a sequence number, a code,
# a limit, a unit or a channel is told by its shape whatever the header.
_WEAKENS = {"items", "item", "name", "prose"}
# Fields often left empty (a bundle without 情形事项, a row without 备注, a unit named once for
# many rows): an empty cell there costs less than the kind's ``EMPTY_CELL``.
_OFTEN_EMPTY = {"situational", "notes", "partners", "duty", "scope"}


@dataclass(frozen=True)
class ColumnKind:
    """What a column is expected to hold, for scoring its cells' lines."""
    group: str                 # a row of ``FIT``
    weak: bool = False         # the header word is a part or a fuzzy match: no line fits worse than in
                               # a column of any kind, every line a little worse than it would
    often_empty: bool = False

    @property
    def fit(self) -> dict[str, float]:
        base = FIT[self.group]
        return {k: max(v, FIT["any"][k]) + WEAK_HEADER for k, v in base.items()} if self.weak else base

    @property
    def extra_line(self) -> float:
        return EXTRA_LINE[self.group]

    @property
    def empty(self) -> float:
        cost = EMPTY_CELL.get(self.group, EMPTY_CELL["any"])
        if self.often_empty:
            cost /= 2
        return (cost + EMPTY_CELL["any"]) / 2 if self.weak else cost


def column_kind(fields: tuple[str, ...] | str, weak: bool = False) -> ColumnKind:
    """The column kind of a header's fields ("any" for none). A word of several fields (服务事项:
    one item, or a list of them) takes the kind that allows most."""
    if isinstance(fields, str):
        fields = (fields,)
    groups = [_GROUP.get(f, "prose") for f in fields]
    group = "items" if "items" in groups else next(iter(groups), "any")
    if weak and group == "item":
        group = "items"          # a weak word says less still about one name or a list of them
    return ColumnKind(group, weak and group in _WEAKENS, bool(fields) and fields[0] in _OFTEN_EMPTY)


# How well a line of each shape suits a column of each kind (log-odds-like points, added up over
# the lines of a cell). Rows: column kinds; columns: line kinds.
_KINDS = ("none", "number", "scenario", "role", "time", "marked", "clause", "code", "channel", "unit", "sentence",
          "short", "text")
_TABLE = """
no        -1   4   -3  -3  -3  -3  -3  -3  -3  -3  -4  -3  -4
scenario  -1  -2    3  -2  -2  -1  -2  -1  -2  -2  -2   0  -1
role      -1  -3   -2   3  -2  -2  -2  -2  -2  -2  -2  -1  -2
time       1  -2   -2  -2   3  -1  -1  -1  -1  -1  -1  -1  -1
channels   1  -2   -2  -2  -1  -1  0.5 -1   3  -1  0.5 -1  0.5
unit       1  -2   -2  -2  -2  -1  -1  -1  -1  2.5 -1   0  -1
items     -1  -3  -1.5  0  -1   2  -0.5  2 -0.5 -1 -0.5  1   0
item      -1  -3  -1.5 -1  -1   1  -0.5  2   0  -1 -0.5  1   0
name      -2  -3  -1.5 -2  -1  -1  -1   0  -1  -1  -1   1  -0.5
prose      1  -2   -1  -1   0  0.5  1    0  0.5  0  0.5 0.3 0.5
any        0  -1    0   0   0   0   0    0   0   0   0   0   0
"""
FIT: dict[str, dict[str, float]] = {
    row.split()[0]: dict(zip(_KINDS, map(float, row.split()[1:]))) for row in _TABLE.strip().splitlines()}
# Points for each line of a cell after its first (a cell of one line is the commonest), and for
# an empty cell (a blank line standing for one, or a cell a row leaves out).
EXTRA_LINE = {"item": -1.5, "no": -3.0, "scenario": -1.5, "role": -2.0, "time": -1.0, "channels": -0.5, "unit": -0.5,
              "items": -0.1, "name": -1.0, "prose": -0.2, "any": -0.3}
EMPTY_CELL = {"no": -1.5, "items": -0.5, "item": -0.8, "name": -1.0, "channels": -1.0, "time": -0.6, "unit": -0.6,
              "prose": -0.4, "any": -0.3}
# Points for each line in a column whose header word is weak (a part, a fuzzy match).
WEAK_HEADER = -0.25
# Points for each other unit in a cell that holds a numbered list (1. 2. 3.): a list's lines are
# numbered, a line after it without a number is the next cell.
AFTER_LIST = -4.0
