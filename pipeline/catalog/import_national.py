"""An official national catalog document -> ``<catalog>/national.tsv`` (``python -m pipeline catalog import``).

Steps: ``extract_rows`` (any format the extractors read: DOCX, PDF, XLSX, text …) -> ``rows_to_pairs``
(a code such as 1.1.5 in a cell of its own with the name in the next filled cell, or fused to the name,
"1.1.5社会保障卡申领"; headings with one- or two-part numbers are groups, not items) -> ``plan_import``
(against the catalog folder: codes added, removed, renamed; the aliases, local items and review
decisions each change touches; conflicts inside the file) -> ``apply_import`` (national.tsv rewritten,
the old name of a renamed code appended to aliases.tsv).

Nothing is written when the file disagrees with itself (one code, two names) or when a removed code
still has aliases, unless ``force``. Rows whose code and name do not change keep their ``source``, so
importing the same file again changes no byte.

    >>> plan = plan_import(Path("清单.docx"), Path("raw/catalog"))   # doctest: +SKIP
    >>> print(plan.summary()); apply_import(plan)                    # doctest: +SKIP
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from extractors.dispatch import extract_rows
from normalizers.repair_text import name_key
from pipeline.catalog.reference import read_tsv
from pipeline.core.i18n import t
from pipeline.core.errors import ConfigError
from pipeline.core.files import atomic_write_bytes
from pipeline.core.records import Row

__all__ = ["ImportPlan", "rows_to_pairs", "plan_import", "apply_import", "code_sort_key"]

_CODE = r"\d{1,2}(?:\s*[.．]\s*\d{1,3}){2}"
_CODE_CELL = re.compile(rf"^\s*({_CODE})\s*$")
_FUSED = re.compile(rf"^\s*(?:\d{{1,4}}\s+)?({_CODE})(?![.．\d])\s*[、.．:：]?\s*(\S.*?)\s*$", re.S)


def code_sort_key(code: str) -> tuple[int, ...]:
    """1.6.10 after 1.6.9."""
    return tuple(int(p) for p in code.split("."))


def _norm_code(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("．", ".")


def _norm_name(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def rows_to_pairs(rows: list[Row]) -> list[tuple[str, str, str]]:
    """(code, name, where) for every catalog item the rows print, in the order printed."""
    out = []
    for row in rows:
        cells = [c or "" for c in row.cells]
        for i, cell in enumerate(cells):
            own = _CODE_CELL.match(cell)
            if own:
                name = next((_norm_name(c) for c in cells[i + 1:] if _norm_name(c)), "")
                if name and not _CODE_CELL.match(name):
                    out.append((_norm_code(own.group(1)), name, row.where.describe()))
                break
            fused = _FUSED.match(cell)
            if fused and not re.match(r"^\d", _norm_name(fused.group(2))):
                out.append((_norm_code(fused.group(1)), _norm_name(fused.group(2)), row.where.describe()))
                break
    return out


@dataclass
class ImportPlan:
    file: Path
    catalog_dir: Path
    source: str
    rows: list[dict[str, str]]                                  # national.tsv after the import
    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)     # code, old, new
    new_aliases: list[dict[str, str]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)           # the file disagrees with itself
    touched: list[str] = field(default_factory=list)             # aliases, local items, decisions
    blocking: list[str] = field(default_factory=list)            # what stops a write without force

    @property
    def changes(self) -> bool:
        return bool(self.added or self.removed or self.renamed)

    def summary(self) -> str:
        lines = [t("{file}: {codes} codes; {added} added, {removed} removed, {renamed} renamed", file=self.file.name,
                   codes=len(self.rows), added=len(self.added), removed=len(self.removed), renamed=len(self.renamed))]
        lines += ["  " + t("added {code} {name}", code=c, name=n) for c, n in self.added]
        lines += ["  " + t("removed {code} {name}", code=c, name=n) for c, n in self.removed]
        lines += ["  " + t("renamed {code} {old} -> {new} (the old name is kept as an alias)", code=c, old=o, new=n)
                  for c, o, n in self.renamed]
        lines += ["  " + t("touches {what}", what=w) for w in self.touched]
        lines += ["  " + t("conflict {what}", what=c) for c in self.conflicts]
        if not self.changes and not self.conflicts:
            lines.append("  " + t("no change: national.tsv already holds this catalog"))
        return "\n".join(lines)


def plan_import(path: Path, catalog_dir: Path) -> ImportPlan:
    """What importing ``path`` into ``catalog_dir`` would change (nothing is written)."""
    path, catalog_dir = Path(path), Path(catalog_dir)
    if not path.is_file():
        raise ConfigError(t("catalog file {path} does not exist", path=path), hint=t("check the path"))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    source = f"{path.name} (national catalog imported, sha256 {digest})"
    pairs = rows_to_pairs(list(extract_rows(path, path.name)))
    if not pairs:
        raise ConfigError(t("no catalog item (a code such as 1.1.5 with its name) was found"), where=path.name,
                          hint=t("the codes must have three parts, in a column of their own or before the name"))
    seen: dict[str, tuple[str, str]] = {}
    conflicts = []
    for code, name, where in pairs:
        if code in seen and seen[code][0] != name:
            conflicts.append(t("{code} is '{first}' at {where_first} and '{second}' at {where}", code=code, first=seen[code][0],
                             where_first=seen[code][1], second=name, where=where))
        seen.setdefault(code, (name, where))
    old = {r["code"]: r for r in read_tsv(catalog_dir / "national.tsv")}
    plan = ImportPlan(path, catalog_dir, source, [], conflicts=conflicts)
    for code in sorted(seen, key=code_sort_key):
        name = seen[code][0]
        before = old.get(code)
        if before is None:
            plan.added.append((code, name))
        elif before["name"] != name:
            plan.renamed.append((code, before["name"], name))
        keep = before is not None and before["name"] == name
        plan.rows.append({"code": code, "name": name, "source": before["source"] if keep else source})
    plan.removed = [(c, r["name"]) for c, r in sorted(old.items(), key=lambda kv: code_sort_key(kv[0]))
                    if c not in seen]
    _touches(plan, catalog_dir)
    if conflicts:
        plan.blocking.append(t("the file gives {n} code(s) two names", n=len(conflicts)))
    return plan


def _touches(plan: ImportPlan, catalog_dir: Path) -> None:
    """The aliases, local items and review decisions the change concerns; the aliases it adds."""
    aliases = read_tsv(catalog_dir / "aliases.tsv")
    known = {(a["alias"], a["target"]) for a in aliases}
    removed = {c for c, _ in plan.removed}
    renamed = {c: (o, n) for c, o, n in plan.renamed}
    for a in aliases:
        if a["target"] in removed:
            plan.touched.append(t("alias '{alias}' points at removed code {code}", alias=a['alias'], code=a['target']))
            plan.blocking.append(t("alias '{alias}' would point at nothing", alias=a['alias']))
        elif a["target"] in renamed:
            plan.touched.append(t("alias '{alias}' of {code} now stands for '{name}'", alias=a['alias'], code=a['target'],
                                   name=renamed[a['target']][1]))
    for code, (old_name, _new) in renamed.items():
        if (old_name, code) not in known:
            plan.new_aliases.append({"alias": old_name, "target": code,
                                     "source": f"former national name of {code}, before {plan.source}"})
    new_names = {name_key(n): c for c, n in plan.added} | {name_key(n): c for c, _, n in plan.renamed}
    for item in read_tsv(catalog_dir / "local_items.tsv"):
        code = new_names.get(name_key(item["name"]))
        if code:
            plan.touched.append(t("local item '{name}' is now national {code}: remove it from local_items.tsv",
                                   name=item['name'], code=code))
    decisions = catalog_dir / "decisions.tsv"
    if decisions.exists():
        for d in read_tsv(decisions):
            codes = set(d.get("decision_id", "").split("+"))
            for code in sorted(codes & (removed | set(renamed))):
                what = t("removed") if code in removed else t("renamed")
                plan.touched.append(t("review decision for '{text}' names {what} code {code}", text=d.get('text', d['text_key']),
                                   what=what, code=code))


def apply_import(plan: ImportPlan, force: bool = False) -> list[str]:
    """Write national.tsv (and the aliases of renamed codes); returns the files written.

    Raises ConfigError, writing nothing, when the plan has blocking problems and ``force`` is not set;
    with ``force`` a code given twice keeps its first name and aliases of removed codes are dropped."""
    if plan.blocking and not force:
        raise ConfigError(t("nothing was written: {problems}", problems="; ".join(plan.blocking)), where=plan.file.name,
                          hint=t("fix the file (or the aliases), or pass --force to import it as it is "
                                 "(a code given twice keeps its first name; aliases of removed codes are dropped)"))
    written = []
    national = plan.catalog_dir / "national.tsv"
    text = "code\tname\tsource\n" + "".join(f"{r['code']}\t{r['name']}\t{r['source']}\n" for r in plan.rows)
    if national.read_bytes() != text.encode("utf-8"):
        atomic_write_bytes(national, text.encode("utf-8"))
        written.append(str(national))
    removed = {c for c, _ in plan.removed}
    aliases_path = plan.catalog_dir / "aliases.tsv"
    body = aliases_path.read_bytes().decode("utf-8")
    lines = body.splitlines(keepends=True)
    kept = [ln for ln in lines[1:] if ln.split("\t")[1:2] and ln.split("\t")[1] not in removed] if force else lines[1:]
    if not body.endswith("\n") and kept:
        kept[-1] += "\n"
    new = "".join(f"{a['alias']}\t{a['target']}\t{a['source']}\n" for a in plan.new_aliases)
    out = lines[0] + "".join(kept) + new if lines else body
    if out != body:
        atomic_write_bytes(aliases_path, out.encode("utf-8"))
        written.append(str(aliases_path))
    return written
