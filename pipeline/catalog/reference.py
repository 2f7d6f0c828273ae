"""Load the catalog folder (``raw/catalog/``) once per run.

Files (tab-separated, UTF-8, a header row, every row says where it comes from):
- ``national.tsv``      code, name, source: attested national catalog pairs
- ``local_items.tsv``   name, note, source: items lists name without a known national code
                        (their id is ``X-`` + a hash of the name, see ``local_id``)
- ``aliases.tsv``       alias, target (a national code or a local item's name), source
- ``bundles.tsv``       no, name, aliases (;-separated), source: the ten national bundles
- ``divisions.tsv``, ``regions.tsv``, ``doc_number_prefixes.tsv``: the gazetteer for region detection
                        (divisions.tsv optional: a folder without it knows only its regions.tsv)
- ``header_words.tsv``  word, field, source: the header vocabulary of the layout reader
                        (optional: the one shipped in raw/catalog/ when a folder has none)
- ``decisions.tsv``     review decisions (written by ``pipeline review import``), optional
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.i18n import t
from normalizers.match_catalog import CatalogIndex, build_index, local_id
from normalizers.repair_text import name_key
from pipeline.catalog.gazetteer import Gazetteer, build_gazetteer
from pipeline.core.errors import ConfigError
from pipeline.core.files import default_catalog_dir
from pipeline.core.header_words import HeaderVocabulary
from pipeline.core.records import CatalogItem

__all__ = ["Catalog", "load_catalog", "load_gazetteer", "catalog_fingerprint", "read_tsv", "default_catalog_dir"]

REQUIRED_FILES = ("national.tsv", "local_items.tsv", "aliases.tsv", "bundles.tsv", "regions.tsv")


@dataclass(frozen=True)
class Catalog:
    folder: Path
    items: tuple[CatalogItem, ...]
    index: CatalogIndex
    bundles: tuple[tuple[str, str, tuple[str, ...]], ...]   # (no, name, aliases)
    gazetteer: Gazetteer
    fingerprint: str                                       # hash of every file, for caches
    alias_names: tuple[str, ...] = ()
    headers: HeaderVocabulary = field(default_factory=HeaderVocabulary.default)

    def names_and_aliases(self) -> list[str]:
        return sorted({i.name for i in self.items} | set(self.alias_names))


def read_tsv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh, delimiter="\t")]
    except FileNotFoundError as err:
        raise ConfigError(t("catalog file {name} is missing", name=path.name), where=str(path.parent),
                          hint=t("the catalog folder needs {files}", files=', '.join(REQUIRED_FILES))) from err


def catalog_fingerprint(folder: Path) -> str:
    """Hash of every ``*.tsv`` of the catalog folder (names and bytes): ``Catalog.fingerprint``, without loading it."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(Path(folder).glob("*.tsv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def load_catalog(folder: Path, decisions: dict[tuple[str, str], str] | None = None) -> Catalog:
    folder = Path(folder)
    fingerprint = catalog_fingerprint(folder)
    items: list[CatalogItem] = []
    for row in read_tsv(folder / "national.tsv"):
        items.append(CatalogItem(row["code"], row["name"], code=row["code"], source=row.get("source", "")))
    for row in read_tsv(folder / "local_items.tsv"):
        items.append(CatalogItem(local_id(row["name"]), row["name"], source=row.get("source", ""),
                                 note=row.get("note", "")))
    by_key = {name_key(i.name): i.item_id for i in items}
    ids = {i.item_id for i in items}
    aliases = []
    for n, row in enumerate(read_tsv(folder / "aliases.tsv"), start=2):
        target = row["target"] if row["target"] in ids else by_key.get(name_key(row["target"]))
        if target is None:
            raise ConfigError(t("alias '{alias}' points at '{target}', which is neither a national code nor a local item", alias=row['alias'], target=row['target']), where=f"{folder / 'aliases.tsv'}, row {n}",
                              hint=t("fix the target or add the item to national.tsv / local_items.tsv"))
        aliases.append((row["alias"], target, "needs review" in row.get("source", "")))
    bundles = tuple((r["no"], r["name"], tuple(a for a in r.get("aliases", "").split(";") if a))
                    for r in read_tsv(folder / "bundles.tsv"))
    gazetteer = load_gazetteer(folder)
    words = folder / "header_words.tsv"
    headers = HeaderVocabulary.load(words) if words.exists() else HeaderVocabulary.default()
    return Catalog(folder, tuple(sorted(items)), build_index(items, aliases, decisions), bundles,
                   gazetteer, fingerprint, tuple(a for a, _, _ in aliases), headers)


def load_gazetteer(folder: Path) -> Gazetteer:
    """The gazetteer of a catalog folder (``divisions.tsv`` and ``doc_number_prefixes.tsv`` optional)."""
    folder = Path(folder)
    divisions = folder / "divisions.tsv"
    prefixes = folder / "doc_number_prefixes.tsv"
    return build_gazetteer(read_tsv(divisions) if divisions.exists() else [], read_tsv(folder / "regions.tsv"),
                           read_tsv(prefixes) if prefixes.exists() else [])
