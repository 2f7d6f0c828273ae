"""Web page extractor: .html/.htm pages saved from a browser, HTML fragments and .mht web archives -> `Row`s.

Steps, in order:
1. ``read_page``: the HTML bytes (of an .mht: its first ``text/html`` part, decoded by its
   transfer encoding) and their text (``decode_html``: BOM, the page's declared charset,
   UTF-8, then GB18030 and Big5).
2. ``parse_page``: lxml's HTML parser with the network off; scripts, styles, comments and
   processing instructions are dropped, never run; nothing the page links to is fetched.
   (The HTML parser reads no DTD, so entity declarations expand nothing.)
3. ``page_to_blocks``: the page in reading order: its ``<title>`` and headings, paragraphs and
   list items as text blocks (a ``<br>`` inside a paragraph starts a new block; items of an
   ``<ol>`` carry the number a browser prints, "1."), and every ``<table>``. A table that holds
   other tables (a page laid out in a table) is not a list: its text and its nested tables
   come out as blocks of their own.
4. ``table_to_grid``: ``<tr>`` rows (``thead``/``tbody``/``tfoot`` in order) laid on a grid:
   a cell spanning rows/columns (``rowspan``/``colspan``) gives its text once, at its top-left
   position, and ``None`` on the positions it covers; ``Limits.max_cells`` is checked first.
5. ``cell_text``: whitespace collapsed as a browser does; ``<br>``, ``<p>``, ``<div>`` and
   ``<li>`` inside a cell become line breaks; ``&nbsp;`` is a space.
6. ``blocks_to_rows``: text blocks as one-cell rows with ``table == 0`` and ``line`` = block
   number; table rows with ``table``/``row`` (header = row 1).
"""
from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.i18n import t
from pipeline.core.errors import UnreadableInput
from pipeline.core.limits import Deadline, Limits, check_cell_count
from pipeline.core.records import Provenance, Row

__all__ = ["debug_blocks", "decode_html", "extract_rows", "page_to_blocks", "parse_page", "table_to_grid"]

_SKIP = {"script", "style", "noscript", "template", "head", "object", "embed", "iframe", "svg", "math", "select",
         "button", "textarea"}
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
           "article", "aside", "header", "footer", "main", "nav", "blockquote", "pre", "center", "figure",
           "figcaption", "form", "fieldset", "address", "hr", "table", "caption", "tr", "td", "th", "tbody",
           "thead", "tfoot", "body", "html"}
_BR, _SOFT = "\x00", "\x01"   # a hard line break (<br>) and a block boundary, while text is gathered
_MAX_SPAN = 1000              # a rowspan/colspan beyond this is damage, not layout
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


@dataclass
class _Text:
    text: str


@dataclass
class _Table:
    rows: list[list[str | None]]


def extract_rows(path: Path, rel: str, settings: object = None, *, deadline: Deadline | None = None,
                 kind: str = "", **_) -> Iterator[Row]:
    """Read one web page and yield its rows: text blocks (``table=0``) and table rows, in reading order."""
    deadline = deadline or Deadline(Limits(), rel)
    text = read_page(path, rel, kind)
    root = parse_page(text, rel)
    blocks = list(page_to_blocks(root, rel, deadline))
    yield from blocks_to_rows(blocks, rel)


def read_page(path: Path, rel: str, kind: str = "") -> str:
    """The page's HTML as text (an .mht's first HTML part)."""
    data = path.read_bytes()
    if kind == "mht" or (not kind and data.lstrip()[:200].lower().startswith(b"mime-version")):
        return _mht_html(data, rel)
    return decode_html(data, rel)


def _mht_html(data: bytes, rel: str) -> str:
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset:
                try:
                    return payload.decode(charset)
                except (LookupError, UnicodeDecodeError):
                    pass
            return decode_html(payload, rel)
    raise UnreadableInput(t("the web archive (.mht) holds no HTML page"), where=rel,
                          hint=t("open it in a browser and save the page as .html, or print it to PDF"))


def decode_html(data: bytes, rel: str = "") -> str:
    """Text of HTML bytes: BOM, the declared charset, UTF-8, then GB18030 and Big5.

    >>> decode_html('<meta charset="gbk"><p>就业登记'.encode("gbk"))
    '<meta charset="gbk"><p>就业登记'
    """
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = _CHARSET.search(data[:4096])
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    candidates = ["gb18030" if c in ("gb2312", "gbk", "gb_2312-80") else c for c in candidates]
    for encoding in candidates + ["utf-8", "gb18030", "big5"]:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
        if not re.search("[\ue000-\uf8ff]", text) or encoding == "big5":
            return text
    raise UnreadableInput(t("the web page's text is in no encoding known here"), where=rel,
                          hint=t("open it in a browser and save it again as UTF-8 (.html)"))


def parse_page(text: str, rel: str = ""):
    """The page's element tree (lxml.html), scripts and styles removed."""
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False,
                                  default_doctype=False)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)   # an XML declaration beside a str confuses lxml
    try:
        root = lxml.html.document_fromstring(text, parser=parser) if text.strip() else None
    except (etree.ParserError, ValueError) as err:
        raise UnreadableInput(t("the web page cannot be parsed ({name})", name=type(err).__name__), where=rel,
                              hint=t("open it in a browser and save it again as .html")) from err
    if root is None:
        raise UnreadableInput(t("the web page is empty"), where=rel, hint=t("check that the right page was saved"))
    for el in list(root.iter(etree.Entity)):   # entity references left as such stay out of the text
        el.getparent().remove(el) if el.getparent() is not None else None
    return root


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def page_to_blocks(root, rel: str = "", deadline: Deadline | None = None) -> Iterator[_Text | _Table]:
    """Text blocks and tables of the page in reading order (the ``<title>`` first, unless the first heading repeats it)."""
    limits = deadline.limits if deadline is not None else Limits()
    title = root.find(".//title")
    title_text = _collapse("".join(_gather(title))) if title is not None else ""
    body = root.find("body")
    blocks = list(_walk(body if body is not None else root, rel, limits, deadline, [0]))
    first = next((b.text for b in blocks if isinstance(b, _Text)), "")
    if title_text and title_text.replace(" ", "") != first.replace(" ", ""):
        yield _Text(title_text)
    yield from blocks


def _walk(el, rel: str, limits: Limits, deadline: Deadline | None, cells: list[int]) -> Iterator[_Text | _Table]:
    """Blocks under ``el``: inline runs between block children become text blocks of their own."""
    run: list[str] = []
    for piece in _children_with_text(el):
        if isinstance(piece, str):
            run.append(piece)
            continue
        tag = _tag(piece)
        if tag in _SKIP or not tag:
            run.append(piece.tail or "")
            continue
        if tag not in _BLOCKS:
            run += _gather(piece, with_tail=False)
            run.append(piece.tail or "")
            continue
        yield from _text_blocks(run)
        run = []
        if tag == "table":
            if piece.find(".//table") is not None:   # a layout table: its content, nested tables read alone
                for cell in piece.iter("td", "th", "caption"):
                    if _owner_table(cell) is piece:
                        yield from _walk(cell, rel, limits, deadline, cells)
            else:
                if deadline is not None:
                    deadline.check(f"table after {cells[0]} cells")
                grid = table_to_grid(piece, rel, limits, cells)
                if grid:
                    yield _Table(grid)
        elif tag in ("ol", "ul"):
            yield from _list_items(piece, rel, limits, deadline, cells)
        else:
            yield from _walk(piece, rel, limits, deadline, cells)
        run.append(piece.tail or "")
    yield from _text_blocks(run)


def _children_with_text(el):
    if el.text:
        yield el.text
    for child in el:
        yield child


def _list_items(lst, rel: str, limits: Limits, deadline: Deadline | None, cells: list[int]) -> Iterator[_Text | _Table]:
    ordered = _tag(lst) == "ol"
    number = _int(lst.get("start"), 1)
    for li in lst:
        if _tag(li) != "li":
            if _tag(li) in ("ol", "ul"):
                yield from _list_items(li, rel, limits, deadline, cells)
            continue
        number = _int(li.get("value"), number)
        prefix = f"{number}." if ordered else ""
        inner = list(_walk(li, rel, limits, deadline, cells))
        if inner and isinstance(inner[0], _Text) and prefix:
            inner[0] = _Text(prefix + inner[0].text)
        yield from inner
        number += 1


def _text_blocks(run: list[str]) -> Iterator[_Text]:
    text = _collapse("".join(run))
    for line in text.split("\n"):
        if line.strip():
            yield _Text(line.strip())


def _owner_table(el):
    parent = el.getparent()
    while parent is not None and _tag(parent) != "table":
        parent = parent.getparent()
    return parent


def _gather(el, with_tail: bool = True) -> list[str]:
    """Text pieces of an element: ``_BR`` for ``<br>``, ``_SOFT`` around block elements."""
    tag = _tag(el)
    out: list[str] = []
    if tag in _SKIP or (not tag and el.tag is not None and not isinstance(el.tag, str)):
        pass
    elif tag == "br":
        out.append(_BR)
    else:
        block = tag in _BLOCKS
        if block:
            out.append(_SOFT)
        if el.text:
            out.append(el.text)
        for child in el:
            out += _gather(child)
        if block:
            out.append(_SOFT)
    if with_tail and el.tail:
        out.append(el.tail)
    return out


def _collapse(text: str) -> str:
    """Whitespace as a browser shows it; hard and block breaks as "\\n" (block breaks never doubled)."""
    text = re.sub(r"[ \t\n\r\f\v\u00a0\u3000]+", lambda m: "　" if m.group() == "\u3000" else " ", text)
    text = re.sub(rf" *{_SOFT}[ {_SOFT}]*", _SOFT, text)
    text = re.sub(rf"{_SOFT}(?=[ ]*{_BR})|(?<={_BR}){_SOFT}", "", text)
    text = text.replace(_SOFT, "\n").replace(_BR, "\n")
    return "\n".join(line.strip(" ") for line in text.split("\n")).strip("\n")


def _int(value, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _own_rows(table) -> list:
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows += [tr for tr in child if _tag(tr) == "tr"]
    return rows


def table_to_grid(table, rel: str = "", limits: Limits = Limits(), cells: list[int] | None = None) -> list[list[str | None]]:
    """Rows of cell texts on the table's grid; ``None`` where a rowspan/colspan covers the position.

    ``cells`` counts the cells of the page's tables so far (checked against ``limits.max_cells``).
    """
    cells = cells if cells is not None else [0]
    trs = _own_rows(table)
    tds = [[td for td in tr if _tag(td) in ("td", "th")] for tr in trs]
    spans = [[(min(_MAX_SPAN, max(1, _int(td.get("rowspan"), 1))), min(_MAX_SPAN, max(1, _int(td.get("colspan"), 1))))
              for td in row] for row in tds]
    width = max((sum(cs for _, cs in row) for row in spans), default=0)
    cells[0] += width * len(trs)
    check_cell_count(cells[0], rel, limits, t("the tables of the web page (a table of {rows} rows and {columns} "
                                              "columns among them)", rows=len(trs), columns=width))
    placed: dict[tuple[int, int], str | None] = {}
    for r, row in enumerate(tds):
        c = 0
        for td, (rs, cs) in zip(row, spans[r]):
            while (r, c) in placed:
                c += 1
            text = _collapse("".join(_gather(td, with_tail=False)))
            for dr in range(min(rs, len(trs) - r)):
                for dc in range(cs):
                    placed[(r + dr, c + dc)] = text if dr == dc == 0 else None
            c += cs
    width = max((c + 1 for _, c in placed), default=0)
    grid = [[placed.get((r, c), "") for c in range(width)] for r in range(len(trs))]
    return [row for row in grid if any(v is None or v.strip() for v in row)]


def blocks_to_rows(blocks: list[_Text | _Table], rel: str) -> Iterator[Row]:
    table_no, line = 0, 0
    for block in blocks:
        if isinstance(block, _Text):
            line += 1
            yield Row(Provenance(rel, line=line), (block.text,))
            continue
        table_no += 1
        for r, cells in enumerate(block.rows, 1):
            yield Row(Provenance(rel, table=table_no, row=r), tuple(cells))


def debug_blocks(path: Path) -> list[dict]:
    """What the extractor saw: text blocks and table grids, in reading order."""
    root = parse_page(read_page(path, path.name), path.name)
    return [{"text": b.text} if isinstance(b, _Text) else {"table": b.rows} for b in page_to_blocks(root, path.name)]
