"""``python -m pipeline diff LOCAL BASELINE``: compare any two documents, from the dataset or read afresh.

Above the runner: a name that is no source of the dataset is read as a file by a run of its
own into a scratch folder; the comparison itself is the diff stage's (``pipeline.diff``).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from pipeline.core.i18n import Translator, t
from pipeline.catalog.decisions import load_decisions
from pipeline.catalog.reference import load_catalog
from pipeline.core.errors import ConfigError
from pipeline.dataset.tables import load
from pipeline.diff.baseline import safe_stem
from pipeline.diff.findings import ListDiff
from pipeline.diff.write import DIFFS_FOLDER, diff_pair, write_diff
from pipeline.runner.runner import RunOptions, run

__all__ = ["diff_on_demand"]


def _dataset_or_file(name: str, dataset: dict[str, pd.DataFrame], root: Path, catalog_dir: Path,
                     scratch: Path, role: str) -> tuple[dict[str, pd.DataFrame], str]:
    """A document named on the command line -> (the tables holding it, its source name)."""
    docs = dataset.get("documents")
    if docs is not None and name in set(docs["source"]):
        return dataset, name
    path = Path(name)
    if not path.is_file() and (Path(root) / name).is_file():
        path = Path(root) / name
    if not path.is_file():
        known = ", ".join(sorted(docs["source"])) if docs is not None else "no dataset found"
        raise ConfigError(t("{role} '{name}' is neither a source of the dataset ({known}) nor an existing file", role=role, name=name, known=known),
                          hint=t("pass a source name from out/documents.csv or the path of an input file, "
                               "or run `python -m pipeline run` first"))
    out = scratch / role
    report = run([path], RunOptions(out_dir=out, catalog_dir=catalog_dir, root=path.parent))
    if report.refused:
        raise ConfigError(t("{role} '{name}' could not be read: {problem}", role=role, name=name, problem=report.refused[0]), where=str(path),
                          hint=t("fix or re-save the file"))
    frames = load(out)
    return frames, path.name


def diff_on_demand(local: str, baseline: str, out_dir: Path, catalog_dir: Path,
                   root: Path, tr: Translator | None = None) -> tuple[ListDiff, list[str], list[str]]:
    """Compare two documents named by source (in ``out_dir``'s dataset) or by file path.

    Writes ``out_dir/diffs/<local>__vs__<baseline>.{json,md,xlsx}`` (index.csv untouched).
    Returns (diff, written paths, warnings).
    """
    catalog = load_catalog(catalog_dir, load_decisions(catalog_dir))
    dataset = load(out_dir) if (Path(out_dir) / "documents.parquet").exists() else {}
    with tempfile.TemporaryDirectory() as scratch:
        frames_l, source_l = _dataset_or_file(local, dataset, root, catalog_dir, Path(scratch), "LOCAL")
        frames_b, source_b = _dataset_or_file(baseline, dataset, root, catalog_dir, Path(scratch), "BASELINE")
        diff, warnings = diff_pair(frames_l, source_l, frames_b, source_b, catalog)
    name_l = diff.local.get("region") or Path(source_l).stem
    name_b = (diff.baseline or {}).get("region") or Path(source_b).stem
    stem = safe_stem(f"{safe_stem(name_l)}__vs__{safe_stem(name_b)}")
    diffs_dir = Path(out_dir) / DIFFS_FOLDER
    return diff, [str(diffs_dir / n) for n in write_diff(diff, diffs_dir, stem, tr)], warnings
