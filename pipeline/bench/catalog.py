"""``python -m pipeline.bench catalog``: the catalog import round trip.

The catalog's national.tsv is rendered as official-looking lists -- a DOCX with the code in a column
of its own under group headings (1 社会保险, 1.1 参保登记 …), a PDF with the code fused to the name
("1.1.5职工参保登记") beside a 序号 column, an XLSX like the DOCX -- and each is imported into a copy of
the catalog folder: the national.tsv that comes back must be byte-identical. Then an edition with
three codes renamed, two added and one removed is imported: exactly that must be reported, and the
old names kept as aliases.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from pipeline.catalog.import_national import apply_import, plan_import
from pipeline.catalog.reference import default_catalog_dir, read_tsv

__all__ = ["render_docx", "render_pdf", "render_xlsx", "edition", "round_trip", "main"]

_TITLE = "全国人力资源社会保障系统公共服务事项清单"
_GROUPS = {"1": "社会保险", "2": "就业创业", "3": "人才人事", "4": "劳动关系"}


def _with_groups(pairs):
    """(kind, code, name): a group heading before the first item of each top-level group."""
    last = None
    for code, name in pairs:
        top = code.split(".")[0]
        if top != last:
            yield "group", top, _GROUPS.get(top, "")
            last = top
        yield "item", code, name


def render_docx(pairs, path: Path) -> Path:
    from docx import Document
    doc = Document()
    doc.add_paragraph(_TITLE)
    doc.add_paragraph("（2020年版）")
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "事项编码", "事项名称")):
        cell.text = text
    n = 0
    for kind, code, name in _with_groups(pairs):
        cells = table.add_row().cells
        if kind == "group":
            cells[0].text, cells[1].text, cells[2].text = "", code, name
        else:
            n += 1
            cells[0].text, cells[1].text, cells[2].text = str(n), code, name
    doc.save(path)
    return path


def render_pdf(pairs, path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=10, leading=13, wordWrap="CJK")
    data = [[Paragraph("序号", style), Paragraph("事项名称（编码）", style)]]
    for n, (code, name) in enumerate(pairs, 1):
        data.append([Paragraph(str(n), style), Paragraph(f"{code}{name}", style)])
    table = Table(data, colWidths=[40, 400], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph(_TITLE, style), table])
    return path


def render_xlsx(pairs, path: Path) -> Path:
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "事项清单"
    ws.append([_TITLE])
    ws.append(["序号", "事项编码", "事项名称"])
    for n, (code, name) in enumerate(pairs, 1):
        ws.append([n, code, name])
    wb.save(path)
    return path


def edition(pairs):
    """A newer edition: the 2nd, 3rd and 4th codes renamed, two codes added, the last removed."""
    out = [(c, n + "（新版）" if i in (1, 2, 3) else n) for i, (c, n) in enumerate(pairs)][:-1]
    return out + [("4.9.1", "新增事项一申请"), ("4.9.2", "新增事项二申请")]


def round_trip(catalog_dir: Path, work: Path) -> list[str]:
    """The round trips and the edition check; one line each, 'ok' or what differs."""
    pairs = [(r["code"], r["name"]) for r in read_tsv(catalog_dir / "national.tsv")]
    original = (catalog_dir / "national.tsv").read_bytes()
    lines = []
    for render, suffix in ((render_docx, "docx"), (render_pdf, "pdf"), (render_xlsx, "xlsx")):
        folder = work / f"catalog_{suffix}"
        shutil.copytree(catalog_dir, folder, dirs_exist_ok=True)
        document = render(pairs, work / f"national_catalog.{suffix}")
        apply_import(plan_import(document, folder))
        again = plan_import(document, folder)
        same = (folder / "national.tsv").read_bytes() == original
        lines.append(f"{suffix}: {len(pairs)} codes, national.tsv byte-identical: {same}; "
                     f"re-import changes: {again.changes}")
    folder = work / "catalog_edition"
    shutil.copytree(catalog_dir, folder, dirs_exist_ok=True)
    plan = plan_import(render_docx(edition(pairs), work / "edition.docx"), folder)
    apply_import(plan, force=True)
    aliases = {(a["alias"], a["target"]) for a in read_tsv(folder / "aliases.tsv")}
    kept = all((old, code) in aliases for code, old, _ in plan.renamed)
    lines.append(f"edition: renamed {len(plan.renamed)}, added {len(plan.added)}, removed {len(plan.removed)} "
                 f"(expected 3, 2, 1); old names kept as aliases: {kept}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench catalog", description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=None, help="catalog folder (default: the shipped one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for line in round_trip(args.catalog or default_catalog_dir(), Path(tmp)):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
