"""Show how one file was read: tables, headers, aligned cells, mentions and their matches.

``explain(path, catalog)`` returns plain text; ``python -m pipeline explain FILE`` prints it.
A wrong table is diagnosed by looking at what each stage saw.
"""
from __future__ import annotations

from itertools import groupby
from pathlib import Path

from extractors import extract_rows, sniff_format
from normalizers.match_catalog import match
from pipeline.catalog import Catalog
from pipeline.read_document import rows_to_extraction
from pipeline.read_tables import align_row, classify_header

__all__ = ["explain"]


def _short(text: str | None, width: int = 24) -> str:
    if text is None:
        return "∅"
    text = text.replace("\n", "⏎")
    return text if len(text) <= width else text[: width - 1] + "…"


def explain(path: Path, catalog: Catalog, nlp=None) -> str:
    rel = path.name
    rows = list(extract_rows(path, rel))
    lines = [f"{rel}: format {sniff_format(path)}, {len(rows)} rows "
             f"({sum(1 for r in rows if r.where.table == 0)} of running text)"]
    tables = [r for r in rows if r.where.table]
    for table, group in groupby(sorted(tables, key=lambda r: (r.where.table, r.where.row)), key=lambda r: r.where.table):
        group = list(group)
        kind, fields = classify_header(group[0].cells)
        lines.append(f"\ntable {table}: {kind or 'NOT RECOGNISED'}; header -> "
                     + " | ".join(f"{_short(c, 12)}={f or '?'}" for c, f in zip(group[0].cells, fields)))
        for row in group[1:]:
            aligned = align_row(row.cells, fields)
            lines.append(f"  row {row.where.row} (page {row.where.page}, line {row.where.line}): "
                         + "; ".join(f"{k}[{c}]={_short(t)}" for k, (c, t) in sorted(aligned.items())))
    extraction = rows_to_extraction(rows, rel, catalog, nlp)
    doc = extraction.document
    lines.append(f"\ndocument: title '{doc.title}', region '{doc.region}' ({doc.province}, {doc.level}), "
                 f"lists {', '.join(doc.list_kinds)}")
    for warning in extraction.warnings:
        lines.append(f"warning: {warning}")
    lines.append("\nmentions:")
    for mention in extraction.mentions:
        result = match(mention, catalog.index)
        lines.append(f"  {mention.list_kind} {mention.bundle_no} {mention.scenario_code or '-'} {mention.role}: "
                     f"{mention.text} -> {';'.join(result.codes) or result.canonical_id} "
                     f"[{result.method} {result.score:.0f}{' REVIEW' if result.needs_review else ''}] {result.reason}")
    return "\n".join(lines)
