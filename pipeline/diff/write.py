"""Write every local list's diff against its baseline into ``out/diffs/``.

``write_all_diffs(out_dir, frames, catalog, manifest) -> list[str]`` is called at the end of
a run (or on a dataset read back with ``load``). For each city or district document:
``out/diffs/<region>.json`` (schema ``docs/diff_schema.json``), ``<region>.md`` and
``<region>.xlsx``; and ``out/diffs/index.csv`` (UTF-8 with BOM), one row per such document,
including those without a baseline (their JSON and Markdown say why). Returns warnings,
sorted. Every file is written atomically.

``diff_pair(frames_local, local, frames_base, base, catalog)`` compares any two documents
(the ``diff`` command, ``pipeline.runner.diff_on_demand``); ``write_diff(diff, diffs_dir, stem)``
writes one diff's files.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import deque
from concurrent.futures import Executor
from typing import Callable
from pathlib import Path

import pandas as pd

from pipeline.core.files import BackgroundLinks, atomic_write_bytes
from pipeline.core.i18n import N_, Translator, wording_version
from pipeline.dataset.staging import CACHE_DIR_NAME
from pipeline.dataset.tables import records
from pipeline.diff.align import BundleKeys, national_bundle_keys
from pipeline.diff.baseline import COMPARED_KINDS, LOCAL_LEVELS, Baselines, safe_stem
from pipeline.diff.compare import diff_lists
from pipeline.diff.findings import ListDiff, SourceSlices, document_frames
from pipeline.diff.render import diff_to_json_bytes, render_markdown, render_xlsx

__all__ = ["write_all_diffs", "DiffReuse", "write_diff", "diff_pair", "item_names", "INDEX_COLUMNS", "DIFFS_FOLDER"]

DIFFS_FOLDER = "diffs"
INDEX_COLUMNS = ["local_source", "region", "province", "level", "baseline_source", "baseline_region",
                 "baseline_how", "files", "findings", "missing", "added", "role_changed", "unsure", "slower",
                 "no_promise", "not_comparable", "notes"]


def item_names(catalog) -> dict[str, str]:
    """Canonical id -> catalog name (national codes and local X- items)."""
    return {i.item_id: i.name for i in catalog.items}


def diff_pair(frames_local: dict[str, pd.DataFrame], local: str, frames_base: dict[str, pd.DataFrame], base: str,
              catalog, baseline_how: str = N_("given on the command line")) -> tuple[ListDiff, list[str]]:
    """Diff document ``local`` (a source of ``frames_local``) against ``base`` (of ``frames_base``)."""
    keys = national_bundle_keys(catalog.bundles)
    diff = diff_lists(document_frames(frames_local, local), document_frames(frames_base, base), keys,
                      item_names(catalog), baseline_how)
    return diff, list(keys.warnings)


def write_diff(diff: ListDiff, diffs_dir: Path, stem: str, tr: Translator | None = None, sync: bool = True) -> list[str]:
    """Write ``<stem>.json`` (English, for programs), ``.md`` and ``.xlsx`` (in ``tr``'s language); their names
    (``sync``: see ``atomic_write_bytes``)."""
    tr = tr or Translator()
    diffs_dir = Path(diffs_dir)
    names = [f"{stem}.json", f"{stem}.md"]
    atomic_write_bytes(diffs_dir / names[0], diff_to_json_bytes(diff), sync)
    atomic_write_bytes(diffs_dir / names[1], render_markdown(diff, tr).encode("utf-8"), sync)
    names.append(f"{stem}.xlsx")
    atomic_write_bytes(diffs_dir / names[2], render_xlsx(diff, tr), sync)
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


class DiffReuse:
    """Diffs of the previous run that can be linked instead of made again.

    A document's diff depends only on its own rows, its baseline's rows, how the baseline
    was chosen and the file stem, so its key is made of the two files' cache keys (which
    already cover bytes, manifest row, catalog and code), those two strings, the language and
    ``wording_version`` (the translations and report templates, which the code's hash leaves out). The keys,
    index rows and warnings of the diffs written are kept in ``<out>/.cache/diffs.json``;
    a diff is reused when its key is unchanged and its files are still in ``<out>/diffs/``.
    """

    FILE = "diffs.json"

    def __init__(self, previous_out: Path, file_keys: dict[str, str], lang: str = "") -> None:
        self.lang = lang
        self.wording = wording_version()
        self.old_dir = Path(previous_out) / DIFFS_FOLDER
        self.file_keys = file_keys
        try:
            self.previous = json.loads((Path(previous_out) / CACHE_DIR_NAME / self.FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.previous = {}
        self.kept: dict[str, dict] = {}

    def key(self, local: str, base: str | None, how: str, stem: str) -> str | None:
        if local not in self.file_keys or (base is not None and base not in self.file_keys):
            return None
        parts = [self.file_keys[local], self.file_keys.get(base or "", ""), how, stem, self.lang, self.wording]
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()

    def page_keys(self) -> dict[str, str]:
        """Stem -> key of each diff of this run (the report's city pages are keyed by them too)."""
        return {stem: entry["key"] for stem, entry in self.kept.items()}

    def take(self, key: str | None, stem: str, diffs_dir: Path, links: BackgroundLinks, tag) -> dict | None:
        """The previous run's record of this diff, its files handed to ``links`` (to be linked into
        ``diffs_dir``, ``tag`` told back when one is missing), or None."""
        entry = self.previous.get(stem)
        if key is None or not isinstance(entry, dict) or entry.get("key") != key:
            return None
        old, new = str(self.old_dir), str(diffs_dir)
        names = str(entry.get("row", {}).get("files", "")).split(";")
        if not all(names):
            return None
        for name in names:
            links.add(os.path.join(old, name), os.path.join(new, name), tag)
        return entry

    def keep(self, stem: str, key: str | None, row: dict, warnings: list[str]) -> None:
        if key is not None:
            self.kept[stem] = {"key": key, "row": row, "warnings": sorted(warnings)}

    def save(self, new_out: Path) -> None:
        folder = Path(new_out) / CACHE_DIR_NAME
        folder.mkdir(parents=True, exist_ok=True)
        # compact: an indent makes json use its pure-Python encoder (0.2 s for 3,000 entries, not 0.02)
        text = json.dumps(self.kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        atomic_write_bytes(folder / self.FILE, text.encode("utf-8"))


def _compared_kinds(doc: dict) -> set[str]:
    return {k for k in str(doc.get("list_kinds", "") or "").split(";") if k in COMPARED_KINDS}


# below this many diffs to make, handing them to worker processes costs more than it saves
PARALLEL_FROM = 24
# diffs per task of a worker (all against one baseline, whose rows travel once per task)
_BATCH = 16


def write_all_diffs(out_dir: Path, frames: dict[str, pd.DataFrame], catalog,
                    manifest: dict[str, dict[str, str]] | None = None, reuse: DiffReuse | None = None,
                    tr: Translator | None = None, pool: Callable[[], Executor | None] | None = None,
                    sync: bool = True) -> list[str]:
    """Diff every city/district document against its baseline; write ``out_dir/diffs/``. Returns warnings.

    With ``reuse``, a diff whose inputs did not change is linked from the previous run. With
    ``pool`` (called when there are enough diffs to make, it returns an executor of worker
    processes, or None), the diffs are made and written by its workers in batches that share a
    baseline; the files and the index are the same either way.
    ``sync=False``: the files are not fsynced one by one (a staging folder, synced whole).
    """
    diffs_dir = Path(out_dir) / DIFFS_FOLDER
    diffs_dir.mkdir(parents=True, exist_ok=True)
    docs = frames["documents"].fillna("").sort_values("source", kind="mergesort")
    baselines = Baselines(docs, manifest)
    keys: BundleKeys | None = None
    warnings: set[str] = set()
    rows: list[dict | None] = []
    todo: dict[str | None, list[tuple[int, str, str, str]]] = {}    # baseline -> (index, local, how, stem)
    pending: list[tuple[int, str, str | None, list[str]]] = []      # index, stem, key, warnings
    taken: set[str] = set()
    reused: dict[int, tuple] = {}       # index -> (previous record, doc, baseline, stem, key)

    def to_make(i: int, doc: dict, baseline, stem: str, key: str | None) -> None:
        nonlocal keys
        keys = keys or national_bundle_keys(catalog.bundles)
        mine = [baseline.warning] if baseline.warning else []
        if baseline.source is None:
            if "no provincial list" in baseline.how or "no region" in baseline.how:
                mine.append(f"{doc['source']}: {baseline.how}")
        else:
            mine += list(keys.warnings)
        todo.setdefault(baseline.source, []).append((i, doc["source"], baseline.how, stem))
        pending.append((i, stem, key, mine))

    links = BackgroundLinks()
    try:
        for doc in records(docs):
            if doc["status"] == "refused":
                continue
            named = bool(((manifest or {}).get(doc["source"]) or {}).get("baseline"))
            unplaced = not doc["level"] and bool(_compared_kinds(doc))      # said why it has no baseline
            if doc["level"] not in LOCAL_LEVELS and not named and not unplaced:
                continue
            baseline = baselines.resolve(doc)
            stem = safe_stem(doc["region"] or Path(doc["source"]).stem, taken)
            taken.add(stem)
            key = reuse.key(doc["source"], baseline.source, baseline.how, stem) if reuse else None
            entry = reuse.take(key, stem, diffs_dir, links, len(rows)) if reuse else None
            if entry is not None:
                reused[len(rows)] = (entry, doc, baseline, stem, key)
            else:
                to_make(len(rows), doc, baseline, stem, key)
            rows.append(None)
    finally:
        missing = links.close()
    for i in missing:                   # a file gone from the previous diffs/: the diff is made again
        _, doc, baseline, stem, key = reused.pop(i)
        to_make(i, doc, baseline, stem, key)
    for i, (entry, _, _, stem, key) in reused.items():
        rows[i], mine = entry["row"], list(entry["warnings"])
        reuse.keep(stem, key, rows[i], mine)
        warnings.update(mine)
    if todo:
        made = _make_diffs(frames, todo, keys, item_names(catalog), diffs_dir, pool, sync,
                           (tr or Translator()).lang)
        for i, stem, key, mine in pending:
            rows[i] = made[i]
            if reuse:
                reuse.keep(stem, key, rows[i], mine)
            warnings.update(mine)
    index = pd.DataFrame(rows, columns=INDEX_COLUMNS)
    text = index.to_csv(index=False, lineterminator="\n")
    atomic_write_bytes(diffs_dir / "index.csv", b"\xef\xbb\xbf" + text.encode("utf-8"), sync)
    if reuse:
        reuse.save(out_dir)
    return sorted(warnings)


def _make_diffs(frames: dict[str, pd.DataFrame], todo: dict[str | None, list[tuple[int, str, str, str]]],
                keys: BundleKeys, names: dict[str, str], diffs_dir: Path,
                pool: Callable[[], Executor | None] | None, sync: bool, lang: str) -> dict[int, dict]:
    """Make and write the diffs of ``todo`` (baseline -> locals); index rows by position."""
    slices = SourceSlices(frames)

    def batches():
        for base, locals_ in todo.items():
            base_rows = slices.records(base) if base is not None else None    # once per baseline
            for start in range(0, len(locals_), _BATCH):
                yield (base_rows, [(i, slices.records(local) if base is not None else slices.documents[local], how,
                                    stem) for i, local, how, stem in locals_[start:start + _BATCH]],
                       keys, names, str(diffs_dir), sync, lang)
    executor = pool() if pool is not None and sum(map(len, todo.values())) >= PARALLEL_FROM else None
    results = _in_order(executor, _diff_batch, batches()) if executor is not None else map(_diff_batch, batches())
    return {i: row for batch in results for i, row in batch}


def _in_order(pool: Executor, fn, tasks, ahead: int = 8):
    """``pool.map(fn, tasks)`` with at most ``ahead`` tasks handed out at a time (their rows stay few in memory)."""
    queue: deque = deque()
    for task in tasks:
        queue.append(pool.submit(fn, task))
        if len(queue) >= ahead:
            yield queue.popleft().result()
    while queue:
        yield queue.popleft().result()


def _diff_batch(batch) -> list[tuple[int, dict]]:
    """Diffs of some local lists against one baseline (None: no baseline), written; their index rows."""
    base, locals_, keys, names, diffs_dir, sync, lang = batch
    tr = Translator(lang)
    out = []
    for i, local, how, stem in locals_:
        if base is None:
            diff = ListDiff(local, None, how, notes=(how,))
        else:
            diff = diff_lists(local, base, keys, names, how)
        out.append((i, _index_row(diff, write_diff(diff, Path(diffs_dir), stem, tr, sync))))
    return out
