"""The run: read every input, match every mention, write the dataset.

``run(inputs, options) -> RunReport`` is the library entry; the CLI is a thin layer
over it. A file that cannot be read is recorded (status ``refused`` and the reason in
``documents.csv``) and the run goes on; the report lists every problem, sorted.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from normalizers.find_in_prose import build_prose_nlp
from normalizers.match_catalog import match
from pipeline.limits import Limits
from pipeline.catalog import Catalog, load_catalog, read_tsv
from pipeline.read_document import read_document
from pipeline.records import Extraction, Match
from pipeline.write_dataset import write_dataset
from pipeline.write_diffs import write_all_diffs

__all__ = ["RunOptions", "RunReport", "run", "discover_inputs", "process_file", "DEFAULT_RAW"]

DEFAULT_RAW = Path("raw")
_SKIP_NAMES = {"manifest.tsv", "README.md", ".gitkeep"}


@dataclass(frozen=True)
class RunOptions:
    out_dir: Path = Path("out")
    catalog_dir: Path = DEFAULT_RAW / "catalog"
    root: Path = DEFAULT_RAW          # provenance file names are relative to this folder
    manifest: Path | None = None      # default: <root>/manifest.tsv when it exists
    limits: Limits = Limits()         # per-file size, pages, unpacked bytes, seconds (pipeline.limits)
    password: str | None = None       # opens encrypted PDFs


@dataclass(frozen=True)
class RunReport:
    documents: int
    mentions: int
    needs_review: int
    refused: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    out_dir: str = ""

    @property
    def exit_code(self) -> int:
        return 1 if self.refused else 0

    def summary(self) -> str:
        lines = [f"{self.documents} documents, {self.mentions} item mentions, "
                 f"{self.needs_review} flagged for review -> {self.out_dir}"]
        lines += [f"warning: {w}" for w in self.warnings]
        lines += [f"refused: {r}" for r in self.refused]
        return "\n".join(lines)


def discover_inputs(root: Path, catalog_dir: Path) -> list[Path]:
    """Every document under ``root`` except the catalog folder and the manifest, sorted."""
    skip = {catalog_dir.resolve(), (root / "catalog").resolve()}
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name in _SKIP_NAMES or path.name.startswith("."):
            continue
        if skip & set(path.resolve().parents):
            continue
        found.append(path)
    return found


def load_manifest(path: Path | None) -> dict[str, dict[str, str]]:
    """manifest.tsv: file, region, province, level, title, baseline (any may be empty)."""
    if path is None or not path.exists():
        return {}
    return {row["file"]: row for row in read_tsv(path) if row.get("file")}


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def process_file(path: Path, rel: str, catalog: Catalog, manifest: dict, nlp, limits: Limits = Limits(),
                 password: str | None = None) -> tuple[Extraction, tuple[Match, ...]]:
    """Read and match one file (pure apart from reading it)."""
    extraction = read_document(path, rel, catalog, manifest, nlp, limits=limits, password=password)
    matches = tuple(match(m, catalog.index) for m in extraction.mentions)
    return extraction, matches


def run(inputs: list[Path], options: RunOptions = RunOptions()) -> RunReport:
    catalog = load_catalog(options.catalog_dir, load_decisions(options.catalog_dir))
    manifest = load_manifest(options.manifest or options.root / "manifest.tsv")
    nlp = build_prose_nlp(catalog.names_and_aliases())
    results = []
    for path in sorted(inputs):
        rel = _relative(path, options.root)
        results.append(process_file(path, rel, catalog, manifest, nlp, options.limits, options.password))
    results.sort(key=lambda r: r[0].document.file)
    frames = write_dataset(results, catalog, options.out_dir)
    diff_warnings = write_all_diffs(options.out_dir, frames, catalog, manifest)
    refused = sorted(r[0].document.message for r in results if r[0].document.status == "refused")
    warnings = sorted({*(w for r in results for w in r[0].warnings), *diff_warnings})
    return RunReport(
        documents=len(results), mentions=sum(len(r[1]) for r in results),
        needs_review=sum(1 for r in results for m in r[1] if m.needs_review),
        refused=tuple(refused), warnings=tuple(warnings), out_dir=str(options.out_dir))


def load_decisions(catalog_dir: Path) -> dict[tuple[str, str], str]:
    """Accepted review decisions: (text key, context) -> item id(s) or "none"; last one wins."""
    path = Path(catalog_dir) / "decisions.tsv"
    if not path.exists():
        return {}
    decisions: dict[tuple[str, str], str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            decisions[(row["text_key"], row["context"])] = row["decision_id"]
    return decisions
