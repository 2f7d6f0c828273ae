"""人社 lists -> one canonical dataset. Library entry points: ``run`` and ``load``.

    >>> from pathlib import Path
    >>> import pipeline
    >>> report = pipeline.run(pipeline.discover_inputs(Path("raw"), Path("raw/catalog")),
    ...                       pipeline.RunOptions(out_dir=Path("out")))      # doctest: +SKIP
    >>> tables = pipeline.load("out")     # dict of pandas DataFrames, dtypes as in out/schema/

The stages, each a subpackage, import only from the ones listed before them:
``core`` (records, errors, limits, header words, file helpers) -> ``catalog`` (reference data)
-> ``reading`` (one file -> records) -> ``dataset`` (records -> tables and back) -> ``diff`` and
``review`` -> ``evaluate`` (scorers) -> ``runner`` (many files) -> ``bench``; the entry points
(``cli``, ``explain``) sit on top. ``extractors`` and ``normalizers`` import only ``core``.
"""
from __future__ import annotations

import importlib

__all__ = ["load", "run", "RunOptions", "RunReport", "discover_inputs"]

# Each entry point is imported when first used (PEP 562): importing any part of the package (the
# CLI, a stage) then costs only what that part needs, e.g. an unchanged run does not load pandas.
_HOME = {"load": "pipeline.dataset.tables", "run": "pipeline.runner.runner", "RunOptions": "pipeline.runner.runner",
         "RunReport": "pipeline.runner.runner", "discover_inputs": "pipeline.runner.runner"}


def __getattr__(name: str):
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
