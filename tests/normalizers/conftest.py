"""Fixtures for the normalizer tests: the catalog index, the seed texts and gold lookups.

Paths come from this file's place in the repository (tests/normalizers/conftest.py);
the session fixtures ``catalog``, ``golds`` and ``seed_run`` live in tests/conftest.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from normalizers.repair_text import name_key
from pipeline.core.records import Mention, Provenance

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "raw"
SEED_FILES = sorted(p.name for p in RAW.glob("*.txt"))


def read_seeds() -> dict[str, str]:
    """Every seed text export in raw/, by file name."""
    return {name: (RAW / name).read_text(encoding="utf-8") for name in SEED_FILES}


def find_gold_item(gold: dict, bundle_no: str, text: str, *, list_kind: str = "bundle") -> dict:
    """The one gold item of ``bundle_no`` (or speed-up/hot-list row ``no``) whose text has this name key."""
    key = name_key(text)
    if list_kind == "bundle":
        found = [it for b in gold["bundles"] if b["no"] == bundle_no
                 for s in b["scenarios"] for it in s["items"] if name_key(it["text"]) == key]
    else:
        found = [it for it in gold[list_kind] if it["no"] == bundle_no and name_key(it["text"]) == key]
    assert found, f"{gold['source']}: no gold item '{text}' in {list_kind} {bundle_no}"
    return found[0]


def gold_bundle_name(gold: dict, bundle_no: str) -> str:
    return next(b["name"] for b in gold["bundles"] if b["no"] == bundle_no)


def make_mention(printed: str, text: str, *, file: str = "001_d4e3f231794595e4.txt", printed_codes=(),
                 bundle_name: str = "", scenario_name: str = "", role: str = "item",
                 list_kind: str = "bundle") -> Mention:
    return Mention(where=Provenance(file), list_kind=list_kind, seq=1, printed=printed, text=text,
                   printed_codes=tuple(printed_codes), bundle_name=bundle_name, scenario_name=scenario_name,
                   role=role)


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    return read_seeds()


@pytest.fixture(scope="session")
def index(catalog):
    """The catalog index built once from raw/catalog (see tests/conftest.py ``catalog``)."""
    return catalog.index


@pytest.fixture(scope="session")
def national_codes(catalog) -> frozenset[str]:
    return frozenset(item.code for item in catalog.items if item.code)
