"""Show how one file was read: tables, headers, aligned cells, mentions and their matches.

``explain(path, reader) -> str``; ``python -m pipeline explain FILE`` prints it. The file is
read as a run reads it (``reader`` is the run's `FileReader`: catalog with the review
decisions, prose model, limits, password, manifest), so what it shows is what the run writes.
A wrong table is diagnosed by looking at what each stage saw.
"""
from __future__ import annotations

from itertools import groupby
from pathlib import Path

from extractors.dispatch import sniff_format
from pipeline.core.i18n import Translator
from pipeline.core.limits import Deadline
from pipeline.reading.document import read_rows, reading_context
from pipeline.reading.layout import read_layout
from pipeline.reading.tables import align_row
from pipeline.runner.workers import FileReader, process_file

__all__ = ["explain"]


def _short(text: str | None, width: int = 24) -> str:
    if text is None:
        return "∅"
    text = text.replace("\n", "⏎")
    return text if len(text) <= width else text[: width - 1] + "…"


def explain(path: Path, reader: FileReader, rel: str | None = None, tr: Translator | None = None) -> str:
    """The stages' view of one file; warnings, refusals and match reasons in ``tr``'s language (default Chinese)."""
    tr = tr or Translator()
    rel = rel or path.name
    extraction, matches = process_file(path, rel, reader.catalog, reader.manifest, reader.nlp, reader.limits,
                                       reader.password, reader.memo)
    doc = extraction.document
    if doc.status == "refused":
        return f"{rel}: refused\n{tr(doc.message)}"
    rows = read_rows(path, rel, Deadline(reader.limits, rel), reader.password, reader.catalog.headers)
    context = reading_context(rows, reader.catalog)
    lines = [f"{rel}: format {sniff_format(path, rel, reader.limits)}, {len(rows)} rows "
             f"({sum(1 for r in rows if r.where.table == 0)} of running text)"]
    tables = [r for r in rows if r.where.table]
    for table, group in groupby(sorted(tables, key=lambda r: (r.where.table, r.where.row)), key=lambda r: r.where.table):
        group = list(group)
        layout = read_layout(group, context)
        lines.append(f"\ntable {table}: {layout.describe()}")
        lines += [f"  warning: {tr(w)}" for w in layout.warnings]
        for row in group[layout.data_from:]:
            fields = layout.fields
            aligned = align_row(row.cells, fields)
            lines.append(f"  row {row.where.row} (page {row.where.page}, line {row.where.line}): "
                         + "; ".join(f"{k}[{c}]={_short(t)}" for k, (c, t) in sorted(aligned.items())))
    lines.append(f"\ndocument: title '{doc.title}', region '{doc.region}' ({doc.province}, {doc.level}"
                 f"{', code ' + doc.region_code if doc.region_code else ''}), "
                 f"lists {', '.join(doc.list_kinds)}")
    for warning in extraction.warnings:
        lines.append(f"warning: {tr(warning)}")
    lines.append("\nmentions:")
    for result in matches:
        mention = result.mention
        lines.append(f"  {mention.list_kind} {mention.bundle_no} {mention.scenario_code or '-'} {mention.role}: "
                     f"{mention.text} -> {';'.join(result.codes) or result.canonical_id} "
                     f"[{result.method} {result.score:.0f}{' REVIEW' if result.needs_review else ''}] {tr(result.reason)}")
    return "\n".join(lines)
