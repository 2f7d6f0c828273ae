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

import json
from pathlib import Path

import pandas as pd

from pipeline.core.files import atomic_write_bytes
from pipeline.core.i18n import N_, Translator
from pipeline.diff.align import bundle_identity, national_bundle_keys
from pipeline.diff.findings import KINDS, natural_key

__all__ = ["write_report", "REPORT_FOLDER", "KIND_LABELS", "render_pages"]

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


def _diffs(out_dir: Path) -> list[tuple[dict, dict]]:
    """(index row, diff JSON) of each city/district document, in index order."""
    index_path = out_dir / "diffs" / "index.csv"
    if not index_path.is_file():
        return []
    index = pd.read_csv(index_path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    found = []
    for row in index.to_dict("records"):
        name = next((f for f in row["files"].split(";") if f.endswith(".json")), "")
        data = json.loads((out_dir / "diffs" / name).read_text(encoding="utf-8")) if name else {}
        found.append((row, data))
    return found


def _carried(frames: dict[str, pd.DataFrame], keys) -> dict[str, set[str]]:
    """Source -> the national bundles (``N<no>``) its bundle list carries."""
    bundles = frames.get("bundles")
    out: dict[str, set[str]] = {}
    if bundles is None or bundles.empty:
        return out
    for source, name in bundles[["source", "bundle_name"]].fillna("").itertuples(index=False):
        nat = bundle_identity(str(name), keys)
        if nat:
            out.setdefault(str(source), set()).add(nat)
    return out


def render_pages(out_dir: Path, frames: dict[str, pd.DataFrame], catalog, tr: Translator) -> dict[str, str]:
    """File name -> HTML text of every page of the report."""
    env = _environment(tr)
    keys = national_bundle_keys(catalog.bundles)
    national = sorted(keys.names.items(), key=lambda kv: natural_key(kv[0]))
    docs = frames["documents"].fillna("").sort_values("source", kind="mergesort").to_dict("records")
    items = frames.get("items", pd.DataFrame(columns=["source", "needs_review"])).fillna("")
    flagged_of = {s: g for s, g in items[items["needs_review"].astype(bool)].groupby("source", sort=True)} \
        if len(items) else {}
    carried = _carried(frames, keys)
    cities, per_bundle = [], {}
    pages: dict[str, str] = {}
    for row, data in _diffs(Path(out_dir)):
        stem = Path(next(f for f in row["files"].split(";"))).stem
        findings = data.get("findings", [])
        counts = {k: sum(1 for f in findings if f["kind"] == k) for k in KINDS}
        for f in findings:
            if f["bundle"].startswith("N"):
                per_bundle.setdefault(f["bundle"], {}).setdefault(f["kind"], 0)
                per_bundle[f["bundle"]][f["kind"]] += 1
        city = dict(row, stem=stem, page=f"{stem}.html", counts=counts, total=len(findings),
                    how=tr(row["baseline_how"]), notes=[tr(n) for n in data.get("notes", [])])
        cities.append(city)
        shown = [dict(f, local_at=_where(f["local"], tr), baseline_at=_where(f["baseline"], tr),
                      detail_text=tr(f["detail"]), bundle_label=f"{f['bundle']} {f['bundle_name']}".strip(),
                      scenario=" / ".join(s for s in (tr(f["local_scenario"]), tr(f["baseline_scenario"])) if s),
                      item=f"{f['item_id']} {f['item_name']}".strip())
                 for f in findings]
        bundles_here = sorted({(f["bundle"], f["bundle_label"]) for f in shown}, key=lambda b: natural_key(b[0]))
        flagged = flagged_of.get(row["local_source"])
        flagged_rows = [] if flagged is None else [
            dict(r, where=tr.where(", ".join([r["source"]] + [f"{n} {int(r[n])}" for n in
                                                            ("page", "table", "row", "cell", "line") if int(r[n])])),
                 reason_text=tr(r["reason"]))
            for r in flagged.to_dict("records")]
        pages[city["page"]] = env.get_template("city.html").render(
            city=city, findings=shown, bundles=bundles_here, kinds=[k for k in KINDS if counts[k]],
            flagged=flagged_rows, title=row["region"] or row["local_source"])
    chart_rows = [(f"{no} {name}", per_bundle.get(no, {})) for no, name in national]
    from pipeline.report.chart import findings_chart
    chart = findings_chart(chart_rows, [k for k in KINDS if any(c.get(k) for _, c in chart_rows)] or ["missing"], tr)
    compared = {c["local_source"]: c for c in cities}
    matrix = [dict(doc, page=compared.get(doc["source"], {}).get("page", ""),
                   carries=[no in carried.get(doc["source"], set()) for no, _ in national])
              for doc in docs if doc["status"] != "refused" and carried.get(doc["source"])]
    shown_docs = [dict(d, message_text=tr(d["message"])) for d in docs]
    totals = {k: sum(c["counts"][k] for c in cities) for k in KINDS}
    pages["index.html"] = env.get_template("index.html").render(
        cities=cities, kinds=[k for k in KINDS if totals[k]] or list(KINDS[:2]), totals=totals, chart=chart,
        national=national, matrix=matrix, documents=shown_docs, title=tr.t("Audit report: city lists against the provincial list"))
    return pages


def write_report(out_dir: Path, frames: dict[str, pd.DataFrame], catalog, tr: Translator) -> list[str]:
    """Write ``out_dir/report/*.html`` (atomically, each file); returns the names written."""
    folder = Path(out_dir) / REPORT_FOLDER
    pages = render_pages(Path(out_dir), frames, catalog, tr)
    for name, text in sorted(pages.items()):
        atomic_write_bytes(folder / name, text.encode("utf-8"))
    return sorted(pages)
