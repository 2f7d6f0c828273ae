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

from pipeline.dataset.tables import load
from pipeline.runner.runner import RunOptions, RunReport, discover_inputs, run

__all__ = ["load", "run", "RunOptions", "RunReport", "discover_inputs"]
