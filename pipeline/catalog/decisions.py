"""Review decisions recorded by ``pipeline review import`` (``decisions.tsv`` of the catalog folder)."""
from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["load_decisions"]


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
