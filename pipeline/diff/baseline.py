"""Which list a local list is compared with, and the file names its diff gets.

- ``resolve_baseline(document, documents, manifest) -> Baseline``: a city or district
  document is compared with the list of its province (same province code -- the first two
  digits of ``region_code`` and four zeros --, else the same province name; level ``province``, at least one
  list kind in common, not refused) found among the inputs.
  ``raw/manifest.tsv`` may name another baseline file in its ``baseline`` column. When
  there is none, ``Baseline.source`` is ``None`` and ``how`` says why — nothing is invented.
- ``safe_stem(name, taken)``: a region name -> a file name that stays inside ``out/diffs/``
  ("../x" -> "x", "a/b" -> "a_b"), unique among ``taken``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from pipeline.core.i18n import t
from pipeline.dataset.tables import records

__all__ = ["Baseline", "Baselines", "resolve_baseline", "safe_stem", "LOCAL_LEVELS", "COMPARED_KINDS"]

LOCAL_LEVELS = ("city", "district")
COMPARED_KINDS = ("bundle", "speedup", "hotlist")


@dataclass(frozen=True)
class Baseline:
    source: str | None
    how: str                 # one sentence: how it was chosen, or why there is none
    warning: str = ""        # set when something is wrong with the inputs (a bad manifest entry)


def _kinds(row) -> set[str]:
    return {k for k in str(row.get("list_kinds", "") or "").split(";") if k in COMPARED_KINDS}


def resolve_baseline(document: dict, documents: pd.DataFrame,
                     manifest: dict[str, dict[str, str]] | None = None) -> Baseline:
    """The baseline of one document (a row of ``documents`` as a dict). See the module doc."""
    return Baselines(documents, manifest).resolve(document)


class Baselines:
    """``resolve_baseline`` for many documents of one dataset: the documents are indexed once."""

    def __init__(self, documents: pd.DataFrame, manifest: dict[str, dict[str, str]] | None = None) -> None:
        docs = documents.fillna("")
        usable = docs[docs["status"] != "refused"].sort_values("source", kind="mergesort")
        self.manifest = manifest or {}
        self.usable = set(usable["source"])
        self.provincial: dict[str, list[dict]] = {}
        for row in records(usable[usable["level"] == "province"]):
            for key in {_province_key(row), str(row["province"])} - {""}:
                self.provincial.setdefault(key, []).append(row)

    def resolve(self, document: dict) -> Baseline:
        source = str(document["source"])
        named = (self.manifest.get(source) or {}).get("baseline", "").strip()
        if named:
            if named in self.usable and named != source:
                return Baseline(named, t("named as baseline in manifest.tsv for {source}", source=source))
            readable = ", ".join(sorted(self.usable - {source})) or t("none")
            return Baseline(None, t("manifest.tsv names {named} as the baseline of {source}, but it is not among the "
                                    "readable inputs", named=named, source=source),
                            warning=t("manifest.tsv: baseline '{named}' of '{source}' is not among the readable "
                                      "inputs ({readable})", named=named, source=source, readable=readable)
                            + " — " + t("add the file to raw/ or fix the baseline column"))
        province, level = str(document.get("province", "")), str(document.get("level", ""))
        if not level and not province and _kinds(document):
            return Baseline(None, t("no baseline: no region was found for this list (its status in documents.csv "
                                    "says why)") + " — " + t("set its region in raw/manifest.tsv (columns file, region)"))
        if level not in LOCAL_LEVELS and not (not level and province):
            return Baseline(None, t("not compared: level is '{level}', only city and district lists are compared "
                                    "with their province", level=level or "unknown"))
        if not province:
            return Baseline(None, t("no baseline: the province of this list is not known") + " — "
                            + t("name it in raw/manifest.tsv"))
        mine = _kinds(document)
        key = _province_key(document) or province
        provincial = self.provincial.get(key) or self.provincial.get(province, ())
        candidates = [r for r in provincial if r["source"] != source and _kinds(r) & mine]
        if not candidates:
            return Baseline(None, t("no provincial list of {province} among the inputs; compare it on demand with "
                                    "`python -m pipeline diff {source} BASELINE`, or name a baseline in "
                                    "raw/manifest.tsv", province=province, source=source))
        candidates.sort(key=lambda r: (-len(_kinds(r) & mine), r["source"]))
        best = candidates[0]
        how = t("the provincial list of {province} among the inputs ({title})", province=province,
                title=best['title'] or best['source'])
        if len(candidates) > 1:
            others = ", ".join(r["source"] for r in candidates[1:])
            return Baseline(best["source"], t("{how}; also found {others}", how=how, others=others),
                            warning=t("{source}: several provincial lists of {province} ({best}, {others}); "
                                      "compared with {best}", source=source, province=province, best=best['source'],
                                      others=others) + " — " + t("name the right one in raw/manifest.tsv"))
        return Baseline(best["source"], how)


def _province_key(row) -> str:
    """The province code of a document row's region (370000 for 370200), "" when it has no code."""
    code = str(row.get("region_code", "") or "")
    return code[:2] + "0000" if len(code) == 6 and code.isdigit() else ""


_UNSAFE = re.compile(r"[^\w\-]+")


def safe_stem(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A file name stem for ``name`` that cannot leave its folder.

    >>> safe_stem("../x"), safe_stem("a/b"), safe_stem("青岛市", {"青岛市"})
    ('x', 'a_b', '青岛市_2')
    """
    text = unicodedata.normalize("NFKC", str(name))
    stem = _UNSAFE.sub("_", text).strip("._-")[:80] or "unnamed"
    if stem.upper() in {"CON", "PRN", "AUX", "NUL", "INDEX"}:
        stem += "_"
    candidate, n = stem, 2
    while candidate in taken:
        candidate, n = f"{stem}_{n}", n + 1
    return candidate
