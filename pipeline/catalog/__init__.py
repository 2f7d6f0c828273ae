"""Reference data, loaded once per run: the catalog folder (national codes, local items, aliases,
bundles, gazetteer), review decisions and the manifest. ``import_national`` imports an official
catalog document into national.tsv; ``build_divisions`` regenerates the gazetteer's divisions.tsv."""
from __future__ import annotations

from pipeline.catalog.decisions import load_decisions
from pipeline.catalog.gazetteer import Gazetteer, Place
from pipeline.catalog.manifest import load_manifest
from pipeline.catalog.reference import Catalog, load_catalog, load_gazetteer, read_tsv

__all__ = ["Catalog", "load_catalog", "load_gazetteer", "read_tsv", "load_decisions", "load_manifest", "Gazetteer",
           "Place"]
