"""Normalizers: pure functions over text (repair, mention splitting, catalog matching, prose entities).

``match_catalog`` builds `pipeline.core.records` records; see `extractors/__init__` for why
`pipeline` is loaded first.
"""
from __future__ import annotations

import pipeline  # noqa: F401  (bootstrap: load order, as in extractors/__init__)
