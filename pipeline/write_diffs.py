"""Write every local list's diff against its baseline into ``out/diffs/``.

``write_all_diffs(out_dir, frames, catalog, manifest) -> list[str]`` is called at the end of
a run (or on a dataset read back with ``load``). For each city or district document:
``out/diffs/<region>.json`` (schema ``docs/diff_schema.json``), ``<region>.md`` and
``<region>.xlsx``; and ``out/diffs/index.csv`` (UTF-8 with BOM), one row per such document,
including those without a baseline (their JSON and Markdown say why). Returns warnings,
sorted. Every file is written atomically.

``diff_pair(frames_local, local, frames_base, base, catalog)`` compares any two documents
(the ``diff`` command); ``write_diff(diff, diffs_dir, stem)`` writes one diff's files.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.align_lists import national_bundle_keys
from pipeline.diff_baseline import LOCAL_LEVELS, resolve_baseline, safe_stem
from pipeline.diff_lists import ListDiff, diff_lists, document_frames
from pipeline.render_diff import diff_to_json_bytes, render_markdown, render_xlsx
from pipeline.write_dataset import atomic_write_bytes

__all__ = ["write_all_diffs", "write_diff", "diff_pair", "item_names", "INDEX_COLUMNS", "DIFFS_FOLDER"]

DIFFS_FOLDER = "diffs"
INDEX_COLUMNS = ["local_source", "region", "province", "level", "baseline_source", "baseline_region",
                 "baseline_how", "files", "findings", "missing", "added", "role_changed", "unsure", "slower",
                 "no_promise", "not_comparable", "notes"]


def item_names(catalog) -> dict[str, str]:
    """Canonical id -> catalog name (national codes and local X- items)."""
    return {i.item_id: i.name for i in catalog.items}


def diff_pair(frames_local: dict[str, pd.DataFrame], local: str, frames_base: dict[str, pd.DataFrame], base: str,
              catalog, baseline_how: str = "given on the command line") -> tuple[ListDiff, list[str]]:
    """Diff document ``local`` (a source of ``frames_local``) against ``base`` (of ``frames_base``)."""
    keys = national_bundle_keys(catalog.bundles)
    diff = diff_lists(document_frames(frames_local, local), document_frames(frames_base, base), keys,
                      item_names(catalog), baseline_how)
    return diff, list(keys.warnings)


def _no_baseline(frames: dict[str, pd.DataFrame], source: str, how: str) -> ListDiff:
    doc = document_frames(frames, source).document
    return ListDiff(doc, None, how, notes=(how,))


def write_diff(diff: ListDiff, diffs_dir: Path, stem: str) -> list[str]:
    """Write ``<stem>.json``, ``.md`` and ``.xlsx``; returns their names."""
    diffs_dir = Path(diffs_dir)
    names = [f"{stem}.json", f"{stem}.md"]
    atomic_write_bytes(diffs_dir / names[0], diff_to_json_bytes(diff))
    atomic_write_bytes(diffs_dir / names[1], render_markdown(diff).encode("utf-8"))
    names.append(f"{stem}.xlsx")
    atomic_write_bytes(diffs_dir / names[2], render_xlsx(diff))
    return names


def _index_row(diff: ListDiff, files: list[str]) -> dict:
    kinds: dict[str, int] = {}
    for f in diff.findings:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    local, base = diff.local, diff.baseline or {}
    return {"local_source": local["source"], "region": local.get("region", ""), "province": local.get("province", ""),
            "level": local.get("level", ""), "baseline_source": base.get("source", ""),
            "baseline_region": base.get("region", ""), "baseline_how": diff.baseline_how, "files": ";".join(files),
            "findings": len(diff.findings), **{k: kinds.get(k, 0) for k in INDEX_COLUMNS[9:16]},
            "notes": " | ".join(diff.notes)}


def write_all_diffs(out_dir: Path, frames: dict[str, pd.DataFrame], catalog,
                    manifest: dict[str, dict[str, str]] | None = None) -> list[str]:
    """Diff every city/district document against its baseline; write ``out_dir/diffs/``. Returns warnings."""
    diffs_dir = Path(out_dir) / DIFFS_FOLDER
    docs = frames["documents"].fillna("").sort_values("source", kind="mergesort")
    warnings: set[str] = set()
    rows, taken = [], set()
    for _, doc in docs.iterrows():
        if doc["status"] == "refused":
            continue
        named = bool(((manifest or {}).get(doc["source"]) or {}).get("baseline"))
        if doc["level"] not in LOCAL_LEVELS and not named:
            continue
        baseline = resolve_baseline(doc.to_dict(), docs, manifest)
        if baseline.warning:
            warnings.add(baseline.warning)
        if baseline.source is None:
            diff = _no_baseline(frames, doc["source"], baseline.how)
            if "no provincial list" in baseline.how:
                warnings.add(f"{doc['source']}: {baseline.how}")
        else:
            diff, more = diff_pair(frames, doc["source"], frames, baseline.source, catalog, baseline.how)
            warnings.update(more)
        stem = safe_stem(doc["region"] or Path(doc["source"]).stem, taken)
        taken.add(stem)
        rows.append(_index_row(diff, write_diff(diff, diffs_dir, stem)))
    index = pd.DataFrame(rows, columns=INDEX_COLUMNS)
    text = index.to_csv(index=False, lineterminator="\n")
    atomic_write_bytes(diffs_dir / "index.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    return sorted(warnings)
