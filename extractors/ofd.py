"""OFD extractor (GB/T 33190, China's e-document format: a zip of XML) -> `Row`s, read from the XML directly.

No maintained Python package reads OFD offline (easyofd renders pages to images), so this module
reads the package itself; lxml parses every part with entities and the network off, after the
package checks (zip bomb, DOCTYPE/entities: ``extractors.docx.check_package``).

Steps, in order:
1. ``open_pages``: ``OFD.xml`` -> its ``DocRoot`` (``Doc_0/Document.xml``) -> the pages in order
   (``Pages/Page_N/Content.xml``); ``Limits.max_pages`` is checked.
2. ``page_objects``: every ``TextObject``'s ``TextCode`` as a piece of text placed on the page
   (``Boundary`` origin + ``X``/``Y``: Y is the baseline; width from ``DeltaX``, "g" runs
   expanded), every ``PathObject``'s straight segments (``AbbreviatedData`` M/L/C); the text
   pieces of the file are counted against ``Limits.max_cells``.
3. ``rules_to_grids``: horizontal and vertical segments that touch form a table; its distinct
   x and y positions a grid; two neighbouring grid cells with no rule between them are one
   (merged) cell.
4. ``pieces_to_cells``: each piece goes to the cell holding its start; pieces on one baseline
   are a line (joined without a space unless a gap wider than a character stands between
   them); a cell's lines are joined as printed: a soft wrap (the next line's first character
   would not have fitted in the room left, and the next line starts no next list label) is
   joined without a break (a space between Latin letters), other line ends with "\\n". A
   merged cell gives its text at its top-left position and ``None`` on the positions it covers.
5. ``stitch_pages``: a table at the top of a page whose header row repeats the header of the
   table that ended the page before continues it (the repeated header is dropped).
6. text outside tables becomes running-text rows (``table == 0``, ``line`` = line number in the
   file), provenance ``page`` = the OFD page.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from pipeline.core.i18n import N_, t
from pipeline.core.errors import LimitExceeded, PipelineError, UnreadableInput
from pipeline.core.limits import Deadline, Limits, check_cell_count
from pipeline.core.records import Provenance, Row

__all__ = ["extract_rows", "page_objects", "debug_pages"]

_EPS = 0.6          # mm: rules closer than this are one; a rule ends this near a crossing one
_RESAVE = N_("open it in an OFD reader (数科, 福昕) and print it to PDF, or ask for the Word file")


@dataclass
class _Piece:
    x0: float
    x1: float
    baseline: float
    size: float
    text: str


@dataclass
class _Page:
    pieces: list[_Piece] = field(default_factory=list)
    hrules: list[tuple[float, float, float]] = field(default_factory=list)   # (y, x0, x1)
    vrules: list[tuple[float, float, float]] = field(default_factory=list)   # (x, y0, y1)


def extract_rows(path: Path, rel: str, settings: object = None, *, deadline: Deadline | None = None,
                 **_) -> Iterator[Row]:
    """Read one OFD file and yield its rows: running text (``table=0``) and ruled tables, page by page."""
    deadline = deadline or Deadline(Limits(), rel)
    pages = list(_read_pages(path, rel, deadline))
    yield from _pages_to_rows(pages, rel)


def _read_pages(path: Path, rel: str, deadline: Deadline) -> Iterator[_Page]:
    from extractors.docx import check_package

    check_package(path, rel, deadline.limits)
    pieces = 0
    try:
        with zipfile.ZipFile(path) as zf:
            for n, part in enumerate(open_pages(zf, rel, deadline.limits), 1):
                deadline.check(f"page {n}")
                page = page_objects(zf.read(part))
                pieces += len(page.pieces)
                check_cell_count(pieces, rel, deadline.limits, t("the text of the OFD (up to page {page})", page=n))
                yield page
    except PipelineError:
        raise
    except Exception as err:   # lxml syntax errors, missing parts, bad numbers: damage inside the package
        raise UnreadableInput(t("the OFD document is damaged ({name}: {detail})", name=type(err).__name__, detail=str(err)[:120]), where=rel,
                              hint=_RESAVE) from err


def _xml(data: bytes):
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(data, parser)


def _local(el) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _find(el, name: str):
    return next((c for c in el.iter() if _local(c) == name), None)


def open_pages(zf: zipfile.ZipFile, rel: str, limits: Limits) -> list[str]:
    """The member names of the pages' content, in document order (the first document of the package)."""
    root = _xml(zf.read("OFD.xml"))
    doc_root = _find(root, "DocRoot")
    if doc_root is None or not (doc_root.text or "").strip():
        raise UnreadableInput(t("the OFD package names no document (OFD.xml has no DocRoot)"), where=rel, hint=_RESAVE)
    doc_path = doc_root.text.strip().lstrip("/")
    base = posixpath.dirname(doc_path)
    document = _xml(zf.read(doc_path))
    pages = [p for p in document.iter() if _local(p) == "Page" and p.get("BaseLoc")]
    if len(pages) > limits.max_pages:
        raise LimitExceeded(t("the OFD has {n_pages} pages, more than the limit of {max_pages}", n_pages=len(pages), max_pages=limits.max_pages), where=rel,
                            hint=t("give only the pages with the list, or raise the limit with --max-pages"))
    names = set(zf.namelist())
    out = []
    for p in pages:
        loc = p.get("BaseLoc").lstrip("/")
        name = posixpath.normpath(posixpath.join(base, loc)) if not loc.startswith(base + "/") else loc
        if name not in names and posixpath.join(name, "Content.xml") in names:
            name = posixpath.join(name, "Content.xml")
        out.append(name)
    return out


def _numbers(text: str | None) -> list[float]:
    return [float(v) for v in (text or "").split()]


def _deltas(text: str | None) -> list[float]:
    """DeltaX with its "g N value" runs expanded."""
    out, tokens = [], (text or "").split()
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * int(float(tokens[i + 1]))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def page_objects(content: bytes) -> _Page:
    """Text pieces and straight rules of one page's Content.xml."""
    page = _Page()
    for el in _xml(content).iter():
        kind = _local(el)
        if kind == "TextObject":
            bx, by = (_numbers(el.get("Boundary")) + [0, 0])[:2]
            size = float(el.get("Size") or 3.5)
            for code in (c for c in el if _local(c) == "TextCode"):
                text = code.text or ""
                if not text.strip():
                    continue
                x, y = bx + float(code.get("X") or 0), by + float(code.get("Y") or size)
                deltas = _deltas(code.get("DeltaX"))
                width = sum(deltas[: len(text) - 1]) + size * (len(text) - len(deltas[: len(text) - 1]))
                page.pieces.append(_Piece(x, x + width, y, size, text))
        elif kind == "PathObject":
            bx, by = (_numbers(el.get("Boundary")) + [0, 0])[:2]
            data = _find(el, "AbbreviatedData")
            if data is not None:
                _segments(data.text or "", bx, by, page)
    return page


def _segments(path: str, bx: float, by: float, page: _Page) -> None:
    tokens = re.findall(r"[A-Za-z]|-?\d+(?:\.\d+)?", path)
    start = cur = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op in ("M", "S") and i + 2 < len(tokens):
            start = cur = (bx + float(tokens[i + 1]), by + float(tokens[i + 2]))
            i += 3
        elif op == "L" and i + 2 < len(tokens) and cur is not None:
            nxt = (bx + float(tokens[i + 1]), by + float(tokens[i + 2]))
            _add_rule(page, cur, nxt)
            cur = nxt
            i += 3
        elif op == "C" and cur is not None and start is not None:
            _add_rule(page, cur, start)
            cur = start
            i += 1
        elif op in ("B", "Q", "A"):   # curves are no rules; skip their numbers
            i += 1
            while i < len(tokens) and not tokens[i].isalpha():
                i += 1
        else:
            i += 1


def _add_rule(page: _Page, a: tuple[float, float], b: tuple[float, float]) -> None:
    (x0, y0), (x1, y1) = a, b
    if abs(y0 - y1) < 0.05 and abs(x1 - x0) > _EPS:
        page.hrules.append((y0, min(x0, x1), max(x0, x1)))
    elif abs(x0 - x1) < 0.05 and abs(y1 - y0) > _EPS:
        page.vrules.append((x0, min(y0, y1), max(y0, y1)))


# --- rules -> grids -----------------------------------------------------------------------

@dataclass
class _Grid:
    xs: list[float]
    ys: list[float]
    owner: dict[tuple[int, int], tuple[int, int]]   # grid cell -> top-left cell of its region


def _clusters(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _EPS:
            out.append(v)
    return out


def _covered(rules: list[tuple[float, float, float]], at: float, lo: float, hi: float) -> bool:
    """Whether rules at position ``at`` cover the span lo..hi (its middle, allowing for joins)."""
    mid = (lo + hi) / 2
    return any(abs(p - at) <= _EPS and a - _EPS <= mid <= b + _EPS for p, a, b in rules)


def rules_to_grids(page: _Page) -> list[_Grid]:
    """One grid per group of touching rules (a table)."""
    rules = [("h", r) for r in page.hrules] + [("v", r) for r in page.vrules]
    parent = list(range(len(rules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs = [i for i, (k, _) in enumerate(rules) if k == "h"]
    vs = [i for i, (k, _) in enumerate(rules) if k == "v"]
    for i in hs:
        y, x0, x1 = rules[i][1]
        for j in vs:
            x, y0, y1 = rules[j][1]
            if x0 - _EPS <= x <= x1 + _EPS and y0 - _EPS <= y <= y1 + _EPS:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(rules)):
        groups.setdefault(find(i), []).append(i)
    grids = []
    for members in groups.values():
        h = [rules[i][1] for i in members if rules[i][0] == "h"]
        v = [rules[i][1] for i in members if rules[i][0] == "v"]
        if len(h) < 2 or len(v) < 2:
            continue
        ys, xs = _clusters([r[0] for r in h]), _clusters([r[0] for r in v])
        if len(ys) < 2 or len(xs) < 2:
            continue
        grids.append(_Grid(xs, ys, _regions(xs, ys, h, v)))
    return sorted(grids, key=lambda g: (g.ys[0], g.xs[0]))


def _regions(xs, ys, h, v) -> dict[tuple[int, int], tuple[int, int]]:
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = {(r, c): (r, c) for r in range(rows) for c in range(cols)}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not _covered(v, xs[c + 1], ys[r], ys[r + 1]):
                parent[find((r, c + 1))] = find((r, c))
            if r + 1 < rows and not _covered(h, ys[r + 1], xs[c], xs[c + 1]):
                parent[find((r + 1, c))] = find((r, c))
    top_left: dict[tuple[int, int], tuple[int, int]] = {}
    for k in sorted(parent):
        root = find(k)
        top_left.setdefault(root, k)
    return {k: top_left[find(k)] for k in parent}


# --- pieces -> cells and lines --------------------------------------------------------------

@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    size: float


def _printed_lines(pieces: list[_Piece]) -> list[_Line]:
    """Pieces grouped into printed lines (same baseline), top to bottom, left to right."""
    out: list[list[_Piece]] = []
    for p in sorted(pieces, key=lambda p: (p.baseline, p.x0)):
        if out and abs(out[-1][0].baseline - p.baseline) <= p.size * 0.3:
            out[-1].append(p)
        else:
            out.append([p])
    lines = []
    for group in out:
        group.sort(key=lambda p: p.x0)
        text = group[0].text
        for prev, p in zip(group, group[1:]):
            text += (" " if p.x0 - prev.x1 > p.size * 0.8 else "") + p.text
        lines.append(_Line(text, group[0].x0, group[-1].x1, max(p.size for p in group)))
    return lines


def _lines(pieces: list[_Piece]) -> list[str]:
    return [line.text for line in _printed_lines(pieces)]


_LABEL = re.compile(r"^(\d{1,2})[.．、](?!\d)")
_WRAP_SLACK = 0.5   # a line is wrapped when the next one's first character (and half a character) did not fit


def _label(text: str) -> int | None:
    """The number of a list label that starts ``text`` ("3." -> 3, "③" -> 3), else None."""
    if text[:1] and "\u2460" <= text[0] <= "\u2473":
        return ord(text[0]) - 0x2460 + 1
    m = _LABEL.match(text)
    return int(m.group(1)) if m else None


def _char_width(ch: str, size: float) -> float:
    import unicodedata
    return size if unicodedata.east_asian_width(ch) in ("W", "F", "A") else size * 0.5


def _cell_text(lines: list[_Line], x0: float, x1: float) -> str:
    """A cell's lines joined: a soft wrap (the next line's first character did not fit) without a break,
    unless the next line starts the next list label; other line ends as "\n"."""
    text, label = "", None
    for k, line in enumerate(lines):
        next_label = _label(line.text)
        if k:
            prev = lines[k - 1]
            pad = max(0.0, lines[0].x0 - x0)
            wrapped = (x1 - pad) - prev.x1 < _char_width(line.text[0], line.size) + _WRAP_SLACK * line.size
            follows = next_label is not None and label is not None and next_label == label + 1
            if wrapped and not follows:
                text += "" if _wide(prev.text[-1]) or _wide(line.text[0]) else " "
            else:
                text += "\n"
                label = next_label if next_label is not None else label
        else:
            label = next_label
        text += line.text
    return text


def _wide(ch: str) -> bool:
    import unicodedata
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _grid_rows(grid: _Grid, pieces: list[_Piece]) -> tuple[list[list[str | None]], set[int]]:
    """The grid's rows of cell texts, and the indexes of the pieces it took."""
    rows, cols = len(grid.ys) - 1, len(grid.xs) - 1
    inside: dict[tuple[int, int], list[_Piece]] = {}
    right: dict[tuple[int, int], int] = {}
    for (r, c), owner in grid.owner.items():
        right[owner] = max(right.get(owner, c), c)
    taken = set()
    for i, p in enumerate(pieces):
        x, y = p.x0 + 0.1, p.baseline - p.size * 0.4
        if not (grid.xs[0] <= x <= grid.xs[-1] and grid.ys[0] <= y <= grid.ys[-1]):
            continue
        c = max(k for k in range(cols) if grid.xs[k] <= x)
        r = max(k for k in range(rows) if grid.ys[k] <= y)
        inside.setdefault(grid.owner[(r, c)], []).append(p)
        taken.add(i)
    table = [[(_cell_text(_printed_lines(inside.get((r, c), [])), grid.xs[c], grid.xs[right[(r, c)] + 1])
               if grid.owner[(r, c)] == (r, c) else None) for c in range(cols)] for r in range(rows)]
    return table, taken


def _key(row: list[str | None]) -> tuple[str, ...]:
    return tuple(re.sub(r"\s", "", c or "") for c in row)


def _pages_to_rows(pages: list[_Page], rel: str) -> Iterator[Row]:
    table_no, line_no = 0, 0
    counts: dict[int, int] = {}   # table number -> rows yielded so far
    last: tuple[int, list[str | None]] | None = None   # (table number, header) of the table that ended a page
    for page_no, page in enumerate(pages, 1):
        grids = rules_to_grids(page)
        taken: set[int] = set()
        tables = []
        for grid in grids:
            rows, used = _grid_rows(grid, page.pieces)
            taken |= used
            tables.append((grid.ys[0], rows))
        text_pieces = [p for i, p in enumerate(page.pieces) if i not in taken]
        blocks: list[tuple[float, object]] = [(top, rows) for top, rows in tables]
        for p in text_pieces:
            blocks.append((p.baseline - p.size, p))
        blocks.sort(key=lambda b: b[0])
        pending: list[_Piece] = []
        first_block = True
        for top, block in blocks + [(float("inf"), None)]:
            if isinstance(block, _Piece):
                pending.append(block)
                first_block = False
                continue
            for text in _lines(pending):
                line_no += 1
                yield Row(Provenance(rel, page=page_no, line=line_no), (text,))
            pending = []
            if block is None:
                break
            rows = block
            if first_block and last is not None and rows and _key(rows[0]) == _key(last[1]):
                number = last[0]
                start = counts.get(number, 0)
                rows = rows[1:]
            else:
                table_no += 1
                number, start = table_no, 0
            for k, cells in enumerate(rows, start + 1):
                yield Row(Provenance(rel, page=page_no, table=number, row=k), tuple(cells))
            counts[number] = start + len(rows)
            last = (number, block[0])
            first_block = False
        if blocks and not isinstance(blocks[-1][1], list):
            last = None


def debug_pages(path: Path) -> list[dict]:
    """What the extractor saw per page: text pieces, rules and the grids built from them."""
    out = []
    with zipfile.ZipFile(path) as zf:
        for part in open_pages(zf, path.name, Limits()):
            page = page_objects(zf.read(part))
            out.append({"part": part, "pieces": [(p.x0, p.baseline, p.text) for p in page.pieces],
                        "hrules": page.hrules, "vrules": page.vrules,
                        "grids": [(g.xs, g.ys) for g in rules_to_grids(page)]})
    return out
