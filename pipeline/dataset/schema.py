"""The published tables' columns: one source of truth for names, dtypes and meanings.

``TABLES`` lists every table of ``out/`` with its columns (name, dtype, description).
From it come the column order and dtypes the writer casts to, the JSON Schema per
table (``json_schema``, written to ``out/schema/<table>.schema.json``), the data
dictionary (``data_dictionary``, written to ``out/README.md``) and the dtypes
``pipeline.load`` returns. A test regenerates both documents and compares them with
the committed files, so they cannot drift from the code.

Example::

    >>> [c.name for c in table("hotlist").columns][:3]
    ['mention_id', 'source', 'region']
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from pipeline.core.i18n import N_, Translator

__all__ = ["Column", "Table", "TABLES", "table", "json_schema", "schema_bytes", "data_dictionary", "DTYPES"]

# dtype name -> (pandas dtype, JSON Schema type)
DTYPES = {"str": ("str", "string"), "int": ("int64", "integer"), "float": ("float64", "number"),
          "bool": ("bool", "boolean")}


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str          # one of DTYPES
    description: str

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise ValueError(f"column {self.name}: dtype {self.dtype!r} is not one of {', '.join(sorted(DTYPES))}")

    @property
    def pandas_dtype(self) -> str:
        return DTYPES[self.dtype][0]


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    sort_by: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, dtype: str, description: str) -> Column:
    return Column(name, dtype, description)


_WHERE = (
    _c("page", "int", "PDF page, 1-based; 0 when it does not apply"),
    _c("table", "int", "table within the file, 1-based; 0 = running text outside tables"),
    _c("row", "int", "row within the table, 1-based; 0 when it does not apply"),
)
_LINE = _c("line", "int", "source line of a text export or prose, 1-based; 0 when it does not apply")
_SOURCE = _c("source", "str", "input file, relative to the input root, forward slashes")
_PLACE = (
    _c("region", "str", "region that published the list (e.g. 青岛市); empty when not detected"),
    _c("region_code", "str", "6-digit GB/T 2260 division code of the region (e.g. 370200); empty when not known"),
    _c("province", "str", "province of the region"),
    _c("level", "str", "province | city | district, or empty"),
)
_MATCH = (
    _c("item_text", "str", "the mention, repaired (simplified, OCR slips fixed, printed codes removed)"),
    _c("codes", "str", "national catalog codes, ';'-joined; empty when the item has no national code"),
    _c("canonical_id", "str", "stable item identity: a national code, 'a+b' for compounds, or an X-… id"),
    _c("canonical_name", "str", "catalog name of canonical_id; empty for items outside the catalog"),
    _c("needs_review", "bool", "true when the match is unsure and a reviewer should decide"),
)

ITEM_COLUMNS = (
    _c("mention_id", "str", "stable id of the mention (hash of its provenance and text)"),
    _SOURCE,
    _c("list_kind", "str", "bundle | speedup | hotlist | catalog (the service item of a catalog-list row)"),
    *_PLACE,
    _c("bundle_no", "str", "bundle number as printed (speed-up and hot lists: the row number)"),
    _c("bundle_name", "str", "bundle (一件事) name as printed"),
    _c("scenario_code", "str", "scenario code (e.g. 1-1); empty when the bundle has none"),
    _c("scenario_name", "str", "scenario name as printed"),
    _c("role", "str", "required | situational | item"),
    _c("seq", "int", "position of the mention within its scenario or list, 1-based"),
    _c("raw_text", "str", "the mention as printed, noise included"),
    _MATCH[0],
    _c("unit", "str", "handling unit printed with the item (（承办：…）)"),
    _c("code_as_written", "str", "codes printed beside the item, normalised, ';'-joined"),
    *_MATCH[1:4],
    _c("method", "str", "matching rung that decided: review | code | exact | alias | compound | context | fuzzy | none"),
    _c("score", "float", "match score 0..100"),
    _MATCH[4],
    _c("reason", "str", "one sentence a reviewer can read: why this match"),
    _c("candidates", "str", "ranked candidates as id=score, ';'-joined"),
    _c("current_limit", "str", "speed-up lists: the current legal time limit (当前规定的办结时限)"),
    _c("target_limit", "str", "speed-up lists: the promised time limit (提速后办结时限)"),
    _c("channels", "str", "hot lists: the channels offering the service, ';'-joined"),
    *_WHERE,
    _c("cell", "int", "column within the row, 1-based; 0 when it does not apply"),
    _LINE,
    _c("start", "int", "offset of raw_text within the cell text"),
    _c("end", "int", "end offset of raw_text within the cell text"),
)
_ITEM_SORT = ("source", "table", "row", "cell", "line", "start", "seq", "mention_id")


def _pick(names: str) -> tuple[Column, ...]:
    by_name = {c.name: c for c in ITEM_COLUMNS}
    return tuple(by_name[n] for n in names.split())


TABLES: tuple[Table, ...] = (
    Table("documents", N_("one row per input file"), (
        _SOURCE,
        _c("title", "str", "list title as printed"),
        *_PLACE,
        _c("list_kinds", "str", "kinds of list found, ';'-joined: bundle, catalog, hotlist, speedup"),
        _c("status", "str", "ok | warning | refused"),
        _c("message", "str", "why the file was refused or what to check (warnings), with what to do"),
        _c("sha256", "str", "SHA-256 of the file's bytes"),
        _c("bundles", "int", "bundles read from the file"),
        _c("mentions", "int", "item mentions read from the file"),
        _c("catalog_rows", "int", "catalog-list rows read from the file"),
    ), ("source",)),
    Table("bundles", N_("one row per bundle (打包一件事)"), (
        _SOURCE,
        _c("bundle_no", "str", "bundle number as printed"),
        _c("bundle_name", "str", "bundle name as printed"),
        _c("lead_unit", "str", "lead unit (牵头单位)"),
        _c("partner_units", "str", "partner units (配合单位), ';'-joined"),
        _c("time_limit", "str", "time limit (办理时限) as printed"),
        _c("method", "str", "method and place (办理方式及地点) as printed"),
        *_WHERE, _LINE,
    ), ("source", "page", "table", "row", "line")),
    Table("scenarios", N_("one row per scenario (具体场景) of a bundle"), (
        _SOURCE,
        _c("bundle_no", "str", "number of the bundle the scenario belongs to"),
        _c("scenario_code", "str", "scenario code (e.g. 1-1); empty when the bundle has none"),
        _c("scenario_name", "str", "scenario name as printed"),
        _c("notes", "str", "notes (备注), one per line"),
        *_WHERE, _LINE,
    ), ("source", "page", "table", "row", "line")),
    Table("items", N_("one row per item mention of a bundle, speed-up, hot or catalog list"), ITEM_COLUMNS, _ITEM_SORT),
    Table("speedup", N_("speed-up list (提速办) rows: the items table's speedup mentions with their time limits"),
          _pick("mention_id source region region_code province level bundle_no seq raw_text item_text unit "
                "current_limit target_limit codes canonical_id canonical_name needs_review page table row line"), _ITEM_SORT),
    Table("hotlist", N_("hot list (热门高频事项) rows: the items table's hotlist mentions with their channels"),
          _pick("mention_id source region region_code province level bundle_no seq raw_text item_text channels "
                "codes canonical_id canonical_name needs_review page table row line"), _ITEM_SORT),
    Table("catalog_rows", N_("one row per row of a catalog-shaped list (序号/业务分类/事项名称…)"), (
        _SOURCE,
        _c("no", "str", "序号 as printed"),
        _c("category", "str", "业务分类"),
        _c("main", "str", "事项名称（主项）"),
        _c("sub", "str", "事项名称（子项）"),
        _c("content", "str", "办理内容"),
        _c("target", "str", "服务对象"),
        *_WHERE, _LINE,
    ), ("source", "page", "table", "row", "line")),
)


def table(name: str) -> Table:
    for t in TABLES:
        if t.name == name:
            return t
    raise KeyError(f"no table {name!r}; the tables are {', '.join(sorted(t.name for t in TABLES))}")


def json_schema(t: Table) -> dict:
    """JSON Schema (draft 2020-12) of one row of table ``t``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{t.name}.schema.json",
        "title": t.name,
        "description": f"{t.description}; files {t.name}.csv (UTF-8 with BOM) and {t.name}.parquet",
        "type": "object",
        "properties": {c.name: {"type": DTYPES[c.dtype][1], "description": c.description} for c in t.columns},
        "required": t.names,
        "additionalProperties": False,
        "x-column-order": t.names,
        "x-sorted-by": list(t.sort_by),
    }


def schema_bytes(t: Table) -> bytes:
    return (json.dumps(json_schema(t), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def data_dictionary() -> str:
    """``out/README.md``: every table, its file names and its columns, in English and Chinese (generated).

    Column names are identifiers (an API): the same in every language; their meanings are given in both.
    """
    zh = Translator("zh")
    lines = ["# The dataset / 数据集 (generated by `python -m pipeline run`; do not edit / 自动生成，请勿编辑)", "",
             _INTRO, "", zh.t(_INTRO), ""]
    for t in TABLES:
        sort = ", ".join(t.sort_by)
        lines += [f"## {t.name}", "", f"{t.description[0].upper()}{t.description[1:]}; sorted by {sort}.", "",
                  zh.t("{description}; sorted by {columns}.", description=zh.t(t.description), columns=sort), "",
                  "| column / 列 | dtype | meaning | 含义 |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.pandas_dtype} | {c.description.replace('|', '/')} | "
                  f"{zh.t(c.description).replace('|', '/')} |" for c in t.columns]
        lines.append("")
    return "\n".join(lines)


_INTRO = N_("Every table is written as `<table>.csv` (UTF-8 with BOM, LF line ends) and `<table>.parquet`, with a JSON "
            "Schema in `schema/<table>.schema.json`. Load them all with `pipeline.load(\"out\")` (a dict of pandas "
            "DataFrames with the dtypes below). Column names and coded values (list_kind, role, method, status, "
            "level) are identifiers and stay in English; the free-text columns reason and message are kept in "
            "English too (the report, the workbooks and the command line show them in the reader's language).")
N_("{description}; sorted by {columns}.")
