"""Extractors: one module per input format, each turning a file into `Row`s.

Every format module offers ``extract_rows(path, rel, settings) -> Iterator[Row]``
(and takes ``deadline=`` for the time budget of the file, `pipeline.core.limits.Deadline`).
Conventions shared by all of them:
- the first row of every table is its header; headers repeated at page breaks are dropped;
- ``None`` marks a position covered by a merged cell, ``""`` an empty cell;
- text outside tables comes as single-cell rows with ``where.table == 0``;
- text is kept as printed (repair happens in normalizers).

``extract_rows`` (``extractors.dispatch``) picks the format from the file's leading bytes.
"""
from __future__ import annotations

# Load order: the records and errors these modules use live in `pipeline.core`, and importing
# any part of `pipeline` runs `pipeline/__init__`, which loads the stages that use this
# package. Loading `pipeline` first, before any module here, keeps that from being a circle.
import pipeline  # noqa: F401  (bootstrap, see above)
from extractors.dispatch import FORMATS, extract_rows, ocr_reader, sniff_format

__all__ = ["extract_rows", "sniff_format", "ocr_reader", "FORMATS"]
