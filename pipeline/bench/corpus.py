"""A national-scale test corpus: ``python -m pipeline.bench.corpus N OUT_DIR [--seed S]``.

Writes ``OUT_DIR/docs/`` (N documents) and ``OUT_DIR/gold/`` (one ``<stem>.json`` per
document, in the gold format of ``shared/gold``, ``"source"`` naming the document), so
``python -m pipeline.bench accuracy OUT_DIR/docs --gold OUT_DIR/gold`` scores it.

Every document is derived from a seed's gold labels as another city would write it:
- ``rendered`` (TXT in the Word-export layout of the seeds, or DOCX via python-docx): the
  seed's bundle, speed-up and hot lists re-typed for another city of ``regions.tsv``, with
  bundles renamed to a name of ``bundles.tsv``, items written as an alias of their code
  (``aliases.tsv``) or its national name, items reordered, dropped, and added (national
  items the seed does not list), and a few OCR-like slips (髙, 遺, 中请, —次性, stray
  spaces) in the printed text only; the gold keeps the repaired text and the codes;
- ``seed copy``: a seed's text export with its real noise, moved to another city;
- ``PDF copy``: a PDF fixture (tests/fixtures) as is, with the gold it was made from
  (excerpts, which hold only some rows of their source, are not used);
- ``format copy``: a fixture of another format staff receive (tests/fixtures/formats: .xlsx,
  .xls, .et, .ods, .csv, .html, .mht, .ofd, and .doc, .wps, .rtf, .odt read through
  LibreOffice) as is, with its gold;
- ``layout``: a variant of the layout generator (tests/variants/make_layouts.py: other column
  orders, header words, dialects, DOCX and PDF tables with and without ruling lines …), from
  its tuning half only, with its gold; the variants are generated once per corpus.
The same N and seed give the same bytes; the first N documents of a larger corpus are
the documents of the smaller one.
"""
from __future__ import annotations

import argparse
import copy
import datetime
import io
import json
import random
import re
import sys
import tempfile
import zipfile
from pathlib import Path

from pipeline.catalog.reference import read_tsv

__all__ = ["make_corpus", "main"]

REPO = Path(__file__).resolve().parents[2]
DEFAULT_GOLD = REPO.parent / "shared" / "gold"
FIXTURES = REPO / "tests" / "fixtures"
# share of each kind of document (rendered TXT, rendered DOCX, seed copy, PDF copy, format copy, layout variant)
KIND_WEIGHTS = (("txt", 36), ("docx", 33), ("seed", 15), ("pdf", 6), ("format", 4), ("layout", 6))
FORMATS = FIXTURES / "formats"
P_REORDER, P_DROP, P_ADD, P_ALIAS, P_SLIP, P_SPACE = 0.5, 0.1, 0.25, 0.35, 0.3, 0.05
_SLIPS = (("高", "髙"), ("一次性", "—次性"), ("申请", "中请"), ("遗属", "遺属"))
H_BUNDLE = ["序号", "主题名称", "具体场景", "必做事项", "情形事项", "备注"]
H_SPEED = ["序号", "事项名称", "当前规定的办结时限", "提速后办结时限"]
H_HOT = ["序号", "事项名称", "对接渠道"]


class _Sources:
    """Everything documents are derived from, read once."""

    def __init__(self, gold_dir: Path, catalog_dir: Path, raw_dir: Path) -> None:
        self.golds = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))}
        self.seeds = sorted(p for p in raw_dir.glob("*.txt") if p.stem in self.golds)
        self.pdfs = sorted((p, self.golds[Path(json.loads(e.read_text(encoding="utf-8"))["made_from"]).stem])
                           for p in FIXTURES.glob("*.pdf")
                           for e in [p.with_name(p.name + ".expected.json")] if e.exists()
                           and Path(json.loads(e.read_text(encoding="utf-8")).get("made_from", "")).stem in self.golds
                           and not json.loads(e.read_text(encoding="utf-8")).get("excerpt"))
        self.listing = [g for g in self.golds.values()   # golds with items in tables (not prose-only ones)
                        if any(s["items"] for b in g["bundles"] for s in b["scenarios"]) or g["speedup"] or g["hotlist"]]
        national = read_tsv(catalog_dir / "national.tsv")
        self.names = {r["code"]: [r["name"]] for r in national}
        for r in read_tsv(catalog_dir / "aliases.tsv"):
            if r["target"] in self.names and "needs review" not in r.get("source", ""):
                self.names[r["target"]].append(r["alias"])
        self.codes = sorted(self.names)
        self.bundle_names = [[r["name"], *[a for a in r["aliases"].split(";") if a]]
                             for r in read_tsv(catalog_dir / "bundles.tsv")]
        self.cities = [r for r in read_tsv(catalog_dir / "regions.tsv") if r["level"] == "city"]
        self.formats = sorted((FORMATS / gold["source"], gold) for gold in (
            json.loads(p.read_text(encoding="utf-8")) for p in sorted((FORMATS / "gold").glob("*.json")))
            if (FORMATS / gold["source"]).is_file())
        sys.path.insert(0, str(REPO))
        from tests.variants.make_layouts import HALF
        self.layout_families = sorted(f for f, half in HALF.items() if half == "tune")
        self._layouts: dict[str, list[tuple[Path, dict]]] = {}
        self._layout_dir = tempfile.TemporaryDirectory(prefix="renshe-corpus-layouts-")

    def layouts(self, family: str) -> list[tuple[Path, dict]]:
        """The variants (file, gold) of one family of the layout generator, generated at its first call."""
        if family not in self._layouts:
            from pipeline.bench.layouts import generate
            work = Path(self._layout_dir.name) / family
            variants = generate(work, family)
            self._layouts[family] = [
                (work / "docs" / v["file"], json.loads((work / "gold" / f"{Path(v['file']).stem}.json")
                                                       .read_text(encoding="utf-8")))
                for v in sorted(variants, key=lambda v: v["file"])]
        return self._layouts[family]

    def close(self) -> None:
        self._layout_dir.cleanup()


def _item(rng: random.Random, sources: _Sources, item: dict) -> dict:
    """The item as this city writes it (an alias or the national name of its one code)."""
    item = dict(item)
    if len(item["codes"]) == 1 and not item["ambiguous"] and not item.get("also_ok") and rng.random() < P_ALIAS:
        names = sources.names.get(item["codes"][0])
        if names:
            item["text"] = rng.choice(names)
    return item


def _new_item(rng: random.Random, sources: _Sources, role: str, taken: set[str]) -> dict | None:
    code = rng.choice(sources.codes)
    if code in taken:
        return None
    return {"role": role, "text": rng.choice(sources.names[code]), "code_as_written": "", "unit": "",
            "codes": [code], "also_ok": [], "ambiguous": False, "note": "added by make_corpus"}


def _vary_items(rng: random.Random, sources: _Sources, items: list[dict], role: str) -> list[dict]:
    kept = [_item(rng, sources, it) for it in items if len(items) == 1 or rng.random() >= P_DROP]
    if len(kept) > 1 and rng.random() < P_REORDER:
        rng.shuffle(kept)
    if rng.random() < P_ADD:
        new = _new_item(rng, sources, role, {c for it in items for c in it["codes"]})
        if new is not None:
            kept.insert(rng.randrange(len(kept) + 1), new)
    return kept


def _rename_bundle(rng: random.Random, sources: _Sources, name: str) -> str:
    for names in sources.bundle_names:
        if name in names:
            return rng.choice(names)
    return name


def vary_gold(rng: random.Random, sources: _Sources, gold: dict, city: dict, source: str) -> dict:
    """A new city's lists derived from ``gold`` (see the module docstring); returns its gold."""
    new = copy.deepcopy(gold)
    new.update(source=source, region=city["name"], province=city["province"], level="city",
               title=f"{city['short']}人社服务“打包一件事”清单", catalog_rows=[])
    for b in new["bundles"]:
        b["name"] = _rename_bundle(rng, sources, b["name"])
        for s in b["scenarios"]:
            # items of prose (role "item") are re-typed into the table's 必做事项 column
            required = _vary_items(rng, sources, [dict(i, role="required") for i in s["items"]
                                                  if i["role"] in ("required", "item")], "required")
            situational = [i for i in s["items"] if i["role"] == "situational"]
            s["items"] = required + (_vary_items(rng, sources, situational, "situational") if situational else [])
    for kind in ("speedup", "hotlist"):
        rows = [_item(rng, sources, it) for it in new[kind] if len(new[kind]) == 1 or rng.random() >= P_DROP]
        if len(rows) > 1 and rng.random() < P_REORDER:
            rng.shuffle(rows)
        for no, row in enumerate(rows, start=1):
            row["no"] = str(no)
        new[kind] = rows
    return new


def _printed(rng: random.Random, text: str) -> str:
    """OCR-like slips in the printed text (the gold keeps the repaired text)."""
    for right, wrong in _SLIPS:
        if right in text and rng.random() < P_SLIP:
            text = text.replace(right, wrong, 1)
    if len(text) >= 4 and rng.random() < P_SPACE:
        cut = rng.randrange(1, len(text) - 1)
        text = text[:cut] + " " + text[cut:]
    return text


def _tables(rng: random.Random, gold: dict) -> list[tuple[str, list[list[object]]]]:
    """(heading, rows) per list; a cell is a string or a list of paragraphs."""
    out = []
    if gold["bundles"]:
        rows: list[list[object]] = [H_BUNDLE]
        for b in gold["bundles"]:
            for n, s in enumerate(b["scenarios"]):
                cells = [[f"{k}.{_printed(rng, i['text'])}" for k, i in enumerate(
                    (i for i in s["items"] if i["role"] == role), start=1)] for role in ("required", "situational")]
                rows.append([b["no"] if n == 0 else "", b["name"] if n == 0 else "",
                             f"{s['code']}{s['name']}" if s["code"] else s["name"], *cells, list(s["notes"])])
        out.append(("打包“一件事”清单", rows))
    if gold["speedup"]:
        out.append(("“提速办”服务事项清单", [H_SPEED] + [[r["no"], _printed(rng, r["text"]), r["current_limit"],
                                                       r["target_limit"]] for r in gold["speedup"]]))
    if gold["hotlist"]:
        out.append(("热门高频事项清单", [H_HOT] + [[r["no"], _printed(rng, r["text"]), "、".join(r["channels"])]
                                                for r in gold["hotlist"]]))
    return out


def render_txt(gold: dict, tables) -> bytes:
    """The Word-export layout of the seeds: every cell starts with a tab on its own line."""
    lines = [gold["title"], ""]
    for n, (heading, rows) in enumerate(tables, start=1):
        lines += [f"附件{n}", "", f"{gold['region']}{heading}"]
        for row in rows:
            for cell in row:
                paragraphs = cell if isinstance(cell, list) else [cell]
                lines.append("\t" + (paragraphs[0] if paragraphs else ""))
                for p in paragraphs[1:]:
                    lines += ["", p]
            lines.append("")
        lines.append("")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_docx(gold: dict, tables) -> bytes:
    from docx import Document
    doc = Document()
    doc.add_paragraph(gold["title"])
    for n, (heading, rows) in enumerate(tables, start=1):
        doc.add_paragraph(f"附件{n}")
        doc.add_paragraph(f"{gold['region']}{heading}")
        table = doc.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for row, docx_row in zip(rows, table.rows):
            for cell, target in zip(row, docx_row.cells):   # row.cells once: table.cell(r, c) is quadratic
                paragraphs = cell if isinstance(cell, list) else [cell]
                target.text = paragraphs[0] if paragraphs else ""
                for p in paragraphs[1:]:
                    target.add_paragraph(p)
    fixed = datetime.datetime(2020, 12, 31)
    doc.core_properties.created = doc.core_properties.modified = doc.core_properties.last_printed = fixed
    raw = io.BytesIO()
    doc.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Same bytes on every run: every entry gets one fixed time stamp."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(zipfile.ZipInfo(info.filename, date_time=(2020, 12, 31, 0, 0, 0)), zin.read(info),
                          zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _seed_copy(rng: random.Random, path: Path, gold: dict, city: dict, source: str) -> tuple[bytes, dict]:
    text = path.read_text(encoding="utf-8")
    old = gold["region"]
    short = re.sub(r"(市|省|区|县)$", "", old) if old else ""
    if short and len(short) >= 2:
        text = text.replace(old, city["name"]).replace(short, city["short"])
    for right, wrong in _SLIPS:
        if right in text and rng.random() < P_SLIP:
            text = text.replace(right, wrong, 1)
    new = dict(gold, source=source, region=city["name"] if short else old)
    return text.encode("utf-8"), new


def make_document(i: int, seed: int, sources: _Sources) -> tuple[str, bytes, dict]:
    """Document number ``i``: (file name, bytes, gold)."""
    rng = random.Random(f"{seed}:{i}")
    kind = rng.choices([k for k, _ in KIND_WEIGHTS], weights=[w for _, w in KIND_WEIGHTS])[0]
    city = rng.choice(sources.cities)
    stem = f"{i:05d}_{kind}"
    if kind == "pdf" and sources.pdfs:
        path, gold = rng.choice(sources.pdfs)
        return f"{stem}.pdf", path.read_bytes(), dict(gold, source=f"{stem}.pdf")
    if kind in ("format", "layout"):
        path, gold = rng.choice(sources.formats if kind == "format" else
                                sources.layouts(rng.choice(sources.layout_families)))
        name = f"{stem}{''.join(path.suffixes[-1:])}"
        return name, path.read_bytes(), dict(gold, source=name)
    if kind == "seed" or (kind == "pdf" and not sources.pdfs):
        path = rng.choice(sources.seeds)
        data, gold = _seed_copy(rng, path, sources.golds[path.stem], city, f"{stem}.txt")
        return f"{stem}.txt", data, gold
    ext = "docx" if kind == "docx" else "txt"
    gold = vary_gold(rng, sources, rng.choice(sources.listing), city, f"{stem}.{ext}")
    tables = _tables(rng, gold)
    data = render_docx(gold, tables) if ext == "docx" else render_txt(gold, tables)
    return f"{stem}.{ext}", data, gold


def make_corpus(n: int, out_dir: Path, seed: int = 0, gold_dir: Path = DEFAULT_GOLD,
                catalog_dir: Path = REPO / "raw" / "catalog", raw_dir: Path = REPO / "raw") -> list[Path]:
    """Write ``n`` documents to ``out_dir/docs`` and their gold to ``out_dir/gold``; returns the documents."""
    sources = _Sources(Path(gold_dir), Path(catalog_dir), Path(raw_dir))
    docs, golds = Path(out_dir) / "docs", Path(out_dir) / "gold"
    docs.mkdir(parents=True, exist_ok=True)
    golds.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for i in range(1, n + 1):
            name, data, gold = make_document(i, seed, sources)
            (docs / name).write_bytes(data)
            (golds / f"{Path(name).stem}.json").write_text(
                json.dumps(gold, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            written.append(docs / name)
    finally:
        sources.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench corpus", description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of documents")
    parser.add_argument("out_dir", type=Path, help="writes OUT_DIR/docs and OUT_DIR/gold")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="the seeds' gold labels")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    written = make_corpus(args.n, args.out_dir, args.seed, args.gold)
    print(f"{len(written)} documents in {args.out_dir / 'docs'}, gold in {args.out_dir / 'gold'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
