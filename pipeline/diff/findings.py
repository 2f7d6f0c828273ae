"""The records of a list diff: ``Side`` (where a finding is printed), ``Finding``, ``ListDiff``,
and ``DocFrames`` (one document's slices of the dataset, made by ``document_frames``).

Frozen and sorted like the records of ``pipeline.core.records``; DataFrames appear only in
``DocFrames``, the edge where the dataset comes in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from pipeline.dataset.csv_chunks import source_spans
from pipeline.dataset.tables import records

__all__ = ["Side", "Finding", "ListDiff", "DocFrames", "DocRecords", "doc_records", "document_frames", "SourceSlices",
           "SECTIONS", "KINDS", "natural_key"]

SECTIONS = ("bundle", "scenario", "item", "speedup", "hotlist")
KINDS = ("missing", "added", "role_changed", "slower", "no_promise", "not_comparable", "unsure")


@dataclass(frozen=True, slots=True, order=True)
class Side:
    """Where one side of a finding is printed (dataset provenance; 0 = does not apply)."""

    source: str
    page: int = 0
    table: int = 0
    row: int = 0
    cell: int = 0
    line: int = 0
    text: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    section: str                 # one of SECTIONS
    kind: str                    # one of KINDS
    bundle: str                  # "N<no>" national bundle, or "L<local no>" / "B<baseline no>"
    bundle_name: str             # national name, else as printed
    local_bundle: str = ""       # "<no> <name>" as printed, "" when absent
    baseline_bundle: str = ""
    local_scenario: str = ""     # "<code> <name>"; "(whole bundle)" when compared bundle-wide
    baseline_scenario: str = ""
    item_id: str = ""            # one canonical unit: national code or X- id
    item_name: str = ""
    unsure_of: str = ""          # for kind "unsure": the kind it would be
    local_role: str = ""         # ";"-joined roles
    baseline_role: str = ""
    local_limit: str = ""        # speed-up: printed target limit and its reading
    baseline_limit: str = ""
    local_reading: str = ""
    baseline_reading: str = ""
    detail: str = ""
    local: tuple[Side, ...] = ()         # the rows the finding is about, local side
    baseline: tuple[Side, ...] = ()
    local_context: tuple[Side, ...] = ()  # the scenario (or bundle) row compared on each side, so
    baseline_context: tuple[Side, ...] = ()   # that a finding about an absent row is traceable too

    def sort_key(self) -> tuple:
        return (SECTIONS.index(self.section), natural_key(self.bundle), self.local_scenario or self.baseline_scenario,
                self.baseline_scenario, natural_key(self.item_id), self.kind, self.local, self.baseline)


@dataclass(frozen=True)
class DocFrames:
    """One document's slices of the dataset."""

    document: dict
    bundles: pd.DataFrame
    scenarios: pd.DataFrame
    items: pd.DataFrame

    @property
    def source(self) -> str:
        return str(self.document["source"])

    def list_kinds(self) -> set[str]:
        return set(self.items["list_kind"]) if len(self.items) else set()


@dataclass(frozen=True)
class DocRecords:
    """One document's rows as plain dicts (column -> value): what ``diff_lists`` reads.

    Made from ``DocFrames`` by ``doc_records`` once per document, so that comparing many local
    lists with one baseline converts the baseline once (rows of a DataFrame read one by one cost
    a hundred times more than dicts).
    """

    document: dict
    bundles: tuple[dict, ...]
    scenarios: tuple[dict, ...]
    items: tuple[dict, ...]

    @property
    def source(self) -> str:
        return str(self.document["source"])

    def list_kinds(self) -> set[str]:
        return {r["list_kind"] for r in self.items}


def doc_records(doc: DocFrames | DocRecords) -> DocRecords:
    """``DocFrames`` -> ``DocRecords`` (records are returned as they are)."""
    if isinstance(doc, DocRecords):
        return doc
    return DocRecords(doc.document, tuple(records(doc.bundles)), tuple(records(doc.scenarios)),
                      tuple(records(doc.items)))


@dataclass(frozen=True)
class ListDiff:
    local: dict
    baseline: dict | None
    baseline_how: str
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    aligned: tuple[dict, ...] = field(default=())   # bundle and scenario pairs, with how they were paired

    def counts(self) -> dict[str, int]:
        out = {f"{s}_{k}": 0 for s in SECTIONS for k in KINDS}
        for f in self.findings:
            out[f"{f.section}_{f.kind}"] += 1
        return {k: v for k, v in sorted(out.items()) if v}


def natural_key(text: str) -> tuple:
    """Natural order of numbers and codes: "N2" < "N10", "1.6.2" < "1.6.10"; X- ids after codes."""
    head = str(text)[:1] if str(text)[:1] in ("N", "L", "B") else ""
    rest = str(text)[len(head):]
    return (head,) + tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[-.+]", rest))


def document_frames(frames: dict[str, pd.DataFrame], source: str) -> DocFrames:
    """Slice the dataset's tables to one source (KeyError naming the sources when absent)."""
    docs = frames["documents"]
    hit = docs[docs["source"] == source]
    if hit.empty:
        raise KeyError(f"{source} is not among the documents ({', '.join(sorted(docs['source']))})")

    def part(name: str) -> pd.DataFrame:
        table = frames.get(name)
        if table is None or table.empty:
            return pd.DataFrame(columns=["source"])
        return table[table["source"] == source].fillna("").reset_index(drop=True)
    return DocFrames(hit.fillna("").iloc[0].to_dict(), part("bundles"), part("scenarios"), part("items"))


class SourceSlices:
    """``document_frames`` for many documents of one dataset (tables sorted by source, as written)."""

    def __init__(self, frames: dict[str, pd.DataFrame]) -> None:
        self.documents = {r["source"]: r for r in records(frames["documents"].fillna(""))}
        self.tables, self.spans, self.empty = {}, {}, {}
        self._arrow = None
        for name in ("bundles", "scenarios", "items"):
            table = frames.get(name)
            if table is None or table.empty:
                self.tables[name], self.spans[name] = None, {}
                self.empty[name] = pd.DataFrame(columns=["source"])
                continue
            spans = source_spans(table["source"])
            if len(spans) != table["source"].nunique():     # not grouped by source (the published tables are)
                table = table.sort_values("source", kind="mergesort")
                spans = source_spans(table["source"])
            self.tables[name] = table
            self.spans[name] = {s: (a, b) for s, a, b in spans}
            # as document_frames slices: a source without rows gets the table's columns, no rows
            self.empty[name] = table.iloc[:0].fillna("").reset_index(drop=True)

    def records(self, source: str) -> DocRecords:
        """``doc_records(self.document_frames(source))``, read from Arrow tables made once (5× faster)."""
        if source not in self.documents:
            raise KeyError(f"{source} is not among the documents ({', '.join(sorted(self.documents))})")
        if self._arrow is None:
            import pyarrow as pa
            self._arrow = {name: pa.Table.from_pandas(table.fillna(""), preserve_index=False)
                           for name, table in self.tables.items() if table is not None}

        def part(name: str) -> tuple[dict, ...]:
            span = self.spans[name].get(source)
            return tuple(self._arrow[name].slice(span[0], span[1] - span[0]).to_pylist()) if span else ()
        return DocRecords(self.documents[source], part("bundles"), part("scenarios"), part("items"))

    def document_frames(self, source: str) -> DocFrames:
        if source not in self.documents:
            raise KeyError(f"{source} is not among the documents ({', '.join(sorted(self.documents))})")

        def part(name: str) -> pd.DataFrame:
            span = self.spans[name].get(source)
            if span is None:
                return self.empty[name].copy()
            return self.tables[name].iloc[span[0]:span[1]].fillna("").reset_index(drop=True)
        return DocFrames(self.documents[source], part("bundles"), part("scenarios"), part("items"))
