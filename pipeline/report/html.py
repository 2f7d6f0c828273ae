"""``write_report(out_dir, frames, catalog, tr)``: the HTML audit report beside the dataset.

Reads what the run wrote into ``out_dir`` (``diffs/index.csv`` and each diff's JSON) and the
dataset's tables, and writes ``out_dir/report/index.html`` (every city or district against its
province: counts by finding kind, a chart of findings per national bundle, a matrix of which
document carries which national bundle, the documents and their status) and one page per
city or district (``report/<stem>.html``: its findings with where they are printed, filters by
kind and bundle, unsure findings and items flagged for review marked).

Every page is one self-contained file: CSS, the small filter script and the SVG chart are
inlined, there is no URL to fetch (it opens from ``file://`` without a network), and the bytes
depend only on the data and the language. Templates: ``pipeline/report/templates/`` (Jinja2).
"""
from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
from markupsafe import Markup

from pipeline.core.files import atomic_write_bytes, link_or_copy
from pipeline.core.i18n import N_, Translator
from pipeline.dataset.staging import CACHE_DIR_NAME
from pipeline.dataset.tables import records
from pipeline.diff.align import bundle_identity, national_bundle_keys
from pipeline.diff.findings import KINDS, natural_key

__all__ = ["write_report", "ReportReuse", "REPORT_FOLDER", "KIND_LABELS", "render_pages"]

REPORT_FOLDER = "report"
TEMPLATES = Path(__file__).resolve().parent / "templates"
# the words the report shows for the identifiers of the data (finding kinds, sections, levels, statuses)
KIND_LABELS = {"missing": N_("missing"), "added": N_("added"), "role_changed": N_("role changed"),
               "slower": N_("slower"), "no_promise": N_("no promise"), "not_comparable": N_("not comparable"),
               "unsure": N_("unsure")}
SECTION_LABELS = {"bundle": N_("bundle"), "scenario": N_("scenario"), "item": N_("item"),
                  "speedup": N_("speed-up list"), "hotlist": N_("hot list")}
WORDS = {"province": N_("province"), "city": N_("city"), "district": N_("district"), "ok": N_("ok"),
         "warning": N_("warning"), "refused": N_("refused"), "required": N_("required"),
         "situational": N_("situational")}


def _environment(tr: Translator):
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals.update(_=tr.t, tr=tr, lang=tr.lang,
                       css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
                       script=(TEMPLATES / "report.js").read_text(encoding="utf-8"))
    env.filters["word"] = lambda v: tr.t(WORDS[v]) if v in WORDS else v
    env.filters["kind"] = lambda v: tr.t(KIND_LABELS.get(v, v)) if v else ""
    env.filters["section"] = lambda v: tr.t(SECTION_LABELS.get(v, v)) if v else ""
    return env


def _where(sides: list[dict], tr: Translator) -> str:
    """Provenance of one side of a finding, e.g. ``002.txt, table 1, row 2, line 88`` (translated)."""
    out = []
    for s in sides:
        parts = [s["source"]] + [f"{n} {s[n]}" for n in ("page", "table", "row", "cell", "line") if s.get(n)]
        out.append(tr.where(", ".join(parts)))
    return "; ".join(dict.fromkeys(out))


def _index_rows(out_dir: Path) -> list[dict]:
    """The rows of ``diffs/index.csv`` (one per city/district document), in index order."""
    index_path = out_dir / "diffs" / "index.csv"
    if not index_path.is_file():
        return []
    with open(index_path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _diff_json(out_dir: Path, row: dict) -> dict:
    name = next((f for f in row["files"].split(";") if f.endswith(".json")), "")
    return json.loads((out_dir / "diffs" / name).read_text(encoding="utf-8")) if name else {}


def _carried(frames: dict[str, pd.DataFrame], keys) -> dict[str, set[str]]:
    """Source -> the national bundles (``N<no>``) its bundle list carries."""
    bundles = frames.get("bundles")
    out: dict[str, set[str]] = {}
    if bundles is None or bundles.empty:
        return out
    known: dict[str, str] = {}      # the same bundle names recur in list after list
    for source, name in bundles[["source", "bundle_name"]].fillna("").itertuples(index=False):
        name = str(name)
        nat = known[name] if name in known else known.setdefault(name, bundle_identity(name, keys))
        if nat:
            out.setdefault(str(source), set()).add(nat)
    return out


class ReportReuse:
    """City pages of the previous run that can be linked instead of rendered again.

    A city page shows its diff and the items of its list flagged for review: both are decided
    by the diff's key (``DiffReuse.key``: the two files' cache keys, how the baseline was chosen,
    the stem, the language and the templates and translations). The key and what the index needs
    of each page (counts by kind, findings per national bundle, notes) are kept in
    ``<out>/.cache/report.json``; a page is reused when its key is unchanged and the previous
    ``report/`` still holds it, so one changed file re-renders its own page and the index only.
    """

    FILE = "report.json"

    def __init__(self, previous_out: Path, page_keys: dict[str, str]) -> None:
        self.old_dir = Path(previous_out) / REPORT_FOLDER
        self.page_keys = page_keys
        try:
            self.previous = json.loads((Path(previous_out) / CACHE_DIR_NAME / self.FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.previous = {}
        self.kept: dict[str, dict] = {}

    def take(self, stem: str) -> dict | None:
        """The previous summary of page ``stem`` when it can be reused, else None."""
        entry, key = self.previous.get(stem), self.page_keys.get(stem)
        if key is None or not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return entry if (self.old_dir / f"{stem}.html").is_file() else None

    def keep(self, stem: str, summary: dict) -> None:
        if stem in self.page_keys:
            self.kept[stem] = dict(summary, key=self.page_keys[stem])

    def save(self, new_out: Path, sync: bool) -> None:
        # compact: an indent makes json use its pure-Python encoder (0.2 s for 3,000 entries, not 0.02)
        text = json.dumps(self.kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        atomic_write_bytes(Path(new_out) / CACHE_DIR_NAME / self.FILE, text.encode("utf-8"), sync)


def _flagged_by_source(items: pd.DataFrame, sources: set[str]) -> dict[str, list[dict]]:
    """Source (of ``sources``) -> its mentions flagged for review, in the order of the table."""
    out: dict[str, list[dict]] = {}
    if not len(items) or not sources:
        return out
    chosen = items[items["needs_review"].astype(bool) & items["source"].isin(sources)]
    for r in records(chosen.fillna("")):
        out.setdefault(r["source"], []).append(r)
    return out


def _summary(findings: list[dict], notes: list[str]) -> dict:
    """What the index needs of a city page: counts by kind, findings per national bundle, notes."""
    per_bundle: dict[str, dict[str, int]] = {}
    for f in findings:
        if f["bundle"].startswith("N"):
            per_bundle.setdefault(f["bundle"], {}).setdefault(f["kind"], 0)
            per_bundle[f["bundle"]][f["kind"]] += 1
    return {"counts": {k: sum(1 for f in findings if f["kind"] == k) for k in KINDS}, "total": len(findings),
            "per_bundle": per_bundle, "notes": list(notes)}


def render_pages(out_dir: Path, frames: dict[str, pd.DataFrame], catalog, tr: Translator) -> dict[str, str]:
    """File name -> HTML text of every page of the report."""
    pages: dict[str, str] = {}
    _build(Path(out_dir), frames, catalog, tr, None, pages.__setitem__)
    return pages


def _build(out_dir: Path, frames: dict[str, pd.DataFrame], catalog, tr: Translator, reuse: ReportReuse | None,
           emit: Callable[[str, str], None]) -> list[str]:
    """Hand each page rendered to ``emit(file name, HTML text)`` (one at a time: a national run's pages
    are not all held in memory); returns the names of the pages ``reuse`` can link instead."""
    env = _environment(tr)
    keys = national_bundle_keys(catalog.bundles)
    national = sorted(keys.names.items(), key=lambda kv: natural_key(kv[0]))
    docs = records(frames["documents"].fillna("").sort_values("source", kind="mergesort"))
    rows = _index_rows(out_dir)
    stems = [Path(row["files"].split(";")[0]).stem for row in rows]
    kept = [reuse.take(stem) if reuse is not None else None for stem in stems]
    flagged_of = _flagged_by_source(frames.get("items", pd.DataFrame(columns=["source", "needs_review"])),
                                    {row["local_source"] for row, summary in zip(rows, kept) if summary is None})
    cities, per_bundle, linked = [], {}, []
    for row, stem, summary in zip(rows, stems, kept):
        findings = None
        if summary is None:
            data = _diff_json(out_dir, row)
            findings = data.get("findings", [])
            summary = _summary(findings, data.get("notes", []))
        if reuse is not None:
            reuse.keep(stem, summary)
        for no, kinds in summary["per_bundle"].items():
            for kind, n in kinds.items():
                per_bundle.setdefault(no, {}).setdefault(kind, 0)
                per_bundle[no][kind] += n
        city = dict(row, stem=stem, page=f"{stem}.html", counts=summary["counts"], total=summary["total"],
                    how=tr(row["baseline_how"]), notes=[tr(n) for n in summary["notes"]])
        cities.append(city)
        if findings is None:
            linked.append(city["page"])
        else:
            emit(city["page"], _city_page(env, city, findings, flagged_of.get(row["local_source"], []), tr))
    chart_rows = [(f"{no} {name}", per_bundle.get(no, {})) for no, name in national]
    from pipeline.report.chart import findings_chart
    chart = findings_chart(chart_rows, [k for k in KINDS if any(c.get(k) for _, c in chart_rows)] or ["missing"], tr)
    compared = {c["local_source"]: c for c in cities}
    carried = _carried(frames, keys)
    marks = _MatrixMarks(national)
    matrix = [dict(doc, page=compared.get(doc["source"], {}).get("page", ""), marks=marks(carried[doc["source"]]))
              for doc in docs if doc["status"] != "refused" and carried.get(doc["source"])]
    shown_docs = [dict(d, message_text=tr(d["message"])) for d in docs]
    totals = {k: sum(c["counts"][k] for c in cities) for k in KINDS}
    # rows as objects: the template's ``c.page`` looks for an attribute first and a dict answers that with an
    # exception, which cost 0.25 s over a national index's rows
    emit("index.html", env.get_template("index.html").render(
        cities=_rows(cities), kinds=[k for k in KINDS if totals[k]] or list(KINDS[:2]), totals=totals, chart=chart,
        national=national, matrix=_rows(matrix), documents=_rows(shown_docs),
        title=tr.t("Audit report: city lists against the provincial list")))
    return linked


def _rows(rows: list[dict]) -> list[SimpleNamespace]:
    return [SimpleNamespace(**row) for row in rows]


class _MatrixMarks:
    """The matrix cells of a document carrying some national bundles, rendered once per set of bundles:
    lists repeat a few sets, and rendering 3,000 documents' cells in the template took 0.4 s."""

    def __init__(self, national: list[tuple[str, str]]) -> None:
        self.national = [no for no, _ in national]
        self.rendered: dict[frozenset, Markup] = {}

    def __call__(self, carried: set[str]) -> "Markup":
        key = frozenset(carried)
        if key not in self.rendered:
            self.rendered[key] = Markup("".join('<td class="mark yes">●</td>' if no in key else '<td class="mark no">·</td>'
                                                for no in self.national))
        return self.rendered[key]


def _city_page(env, city: dict, findings: list[dict], flagged: list[dict], tr: Translator) -> str:
    shown = [dict(f, local_at=_where(f["local"], tr), baseline_at=_where(f["baseline"], tr),
                  detail_text=tr(f["detail"]), bundle_label=f"{f['bundle']} {f['bundle_name']}".strip(),
                  scenario=" / ".join(s for s in (tr(f["local_scenario"]), tr(f["baseline_scenario"])) if s),
                  item=f"{f['item_id']} {f['item_name']}".strip())
             for f in findings]
    bundles_here = sorted({(f["bundle"], f["bundle_label"]) for f in shown}, key=lambda b: natural_key(b[0]))
    flagged_rows = [
        dict(r, where=tr.where(", ".join([r["source"]] + [f"{n} {int(r[n])}" for n in
                                                        ("page", "table", "row", "cell", "line") if int(r[n])])),
             reason_text=tr(r["reason"]))
        for r in flagged]
    return env.get_template("city.html").render(
        city=city, findings=shown, bundles=bundles_here, kinds=[k for k in KINDS if city["counts"][k]],
        flagged=flagged_rows, title=city["region"] or city["local_source"])


def write_report(out_dir: Path, frames: dict[str, pd.DataFrame], catalog, tr: Translator,
                 reuse: ReportReuse | None = None, sync: bool = True) -> list[str]:
    """Write ``out_dir/report/*.html`` (atomically, each file); returns the names written or linked.

    With ``reuse``, a city page whose key is unchanged is linked from the previous report.
    ``sync=False``: files are not fsynced one by one (a staging folder, synced whole).
    """
    folder = Path(out_dir) / REPORT_FOLDER
    written: list[str] = []

    def emit(name: str, text: str) -> None:
        atomic_write_bytes(folder / name, text.encode("utf-8"), sync)
        written.append(name)
    linked = _build(Path(out_dir), frames, catalog, tr, reuse, emit)
    for name in linked:
        link_or_copy(reuse.old_dir / name, folder / name)
    if reuse is not None:
        reuse.save(out_dir, sync)
    return sorted([*written, *linked])
