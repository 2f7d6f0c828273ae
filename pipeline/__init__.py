"""人社 lists -> one canonical dataset. Library entry points: ``run`` and ``load``.

    >>> import pipeline
    >>> tables = pipeline.load("out")     # dict of pandas DataFrames, dtypes as in out/schema/
"""
from __future__ import annotations

__all__ = ["load", "run", "RunOptions", "RunReport", "discover_inputs"]


def load(out_dir="out"):
    """The published tables of ``out_dir`` as pandas DataFrames (see ``pipeline.write_dataset.load``)."""
    from pipeline.write_dataset import load as _load
    return _load(out_dir)


def __getattr__(name: str):
    if name in ("run", "RunOptions", "RunReport", "discover_inputs"):
        from pipeline import run as _run_module
        return getattr(_run_module, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
