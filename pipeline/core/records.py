"""The records that flow through every stage.

A leaf module: it imports nothing else from the project. Records are frozen,
hashable and sortable; collections inside them are tuples. Every record knows
where it came from (`Provenance`).

Flow: extractors yield `Row`s -> `pipeline.reading` turns one file's rows into an
`Extraction` (`Document`, `Bundle`, `Scenario`, `Mention` and `CatalogEntry` records) ->
`normalizers.match_catalog` turns each `Mention` into a `Match`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Provenance", "Row", "Document", "Bundle", "Scenario", "Mention",
    "Candidate", "Match", "CatalogItem", "CatalogEntry", "Extraction",
    "LIST_KINDS", "ROLES",
]

LIST_KINDS = ("bundle", "speedup", "hotlist", "catalog")
ROLES = ("required", "situational", "item")


@dataclass(frozen=True, slots=True, order=True)
class Provenance:
    """Where a value came from. Positions are 1-based; 0 means "does not apply"."""

    file: str        # relative to the input root, forward slashes
    page: int = 0    # PDF page
    table: int = 0   # table within the file; 0 = running text outside tables
    row: int = 0     # row within the table
    cell: int = 0    # column within the row
    line: int = 0    # source line (text exports and prose)

    def describe(self) -> str:
        """Human-readable location, e.g. ``raw/a.pdf, page 3, table 1, row 12``."""
        parts = [self.file]
        for name in ("page", "table", "row", "cell", "line"):
            value = getattr(self, name)
            if value:
                parts.append(f"{name} {value}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True, order=True)
class Row:
    """One table row as printed (or one line of running text when ``where.table == 0``).

    ``cells`` keeps text as printed, noise included. ``None`` means there is no
    cell at that position (covered by a merged cell); ``""`` is an empty cell.
    """

    where: Provenance
    cells: tuple[str | None, ...]
    # OCR only (``()`` for text read from a text layer): per cell, the mean word confidence
    # (0..1, ``None`` where merged) and the cell's box in PDF points (x0, top, x1, bottom).
    confidences: tuple[float | None, ...] = field(default=(), compare=False)
    boxes: tuple[tuple[float, float, float, float] | None, ...] = field(default=(), compare=False)
    # OCR only: per cell, the engines that read it ("ppocr+tesseract": the list markers, circled numbers
    # and codes by Tesseract, the words by PP-OCR; "tesseract"; "ppocr"; "" for an empty cell; None where merged).
    engines: tuple[str | None, ...] = field(default=(), compare=False)
    # OCR only: per cell, its printed lines as (end offset in the cell's text, confidence), in order (None
    # where merged): a mention takes the least sure line it lies on, not the cell's mean.
    line_confidences: tuple[tuple[tuple[int, float], ...] | None, ...] = field(default=(), compare=False)
    # Spreadsheets only ("" / ``()`` elsewhere): the sheet's name, and per cell its reference as a
    # spreadsheet shows it (``Sheet1!C12``; covered positions of a merge too).
    sheet: str = field(default="", compare=False)
    refs: tuple[str, ...] = field(default=(), compare=False)
    # What the extractor tells the reader about the file at this row (e.g. a hidden sheet skipped);
    # the first row of a file carries the file's notes. ``()`` when there is nothing to say.
    notes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True, order=True)
class Document:
    file: str
    title: str = ""
    region: str = ""
    province: str = ""
    level: str = ""              # province | city | district | ""
    list_kinds: tuple[str, ...] = ()
    status: str = "ok"           # ok | warning | refused
    message: str = ""
    sha256: str = ""
    region_code: str = ""        # 6-digit GB/T 2260 division code of the region ("" when unknown)


@dataclass(frozen=True, slots=True, order=True)
class Bundle:
    where: Provenance
    no: str
    name: str                    # as printed
    lead_unit: str = ""
    partner_units: tuple[str, ...] = ()
    time_limit: str = ""
    method: str = ""


@dataclass(frozen=True, slots=True, order=True)
class Scenario:
    where: Provenance
    bundle_no: str
    code: str                    # "1-1"; "" when the bundle has no scenarios
    name: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, order=True)
class Mention:
    """One item named in a cell, with the list context it sits in."""

    where: Provenance
    list_kind: str               # one of LIST_KINDS
    seq: int                     # position within its scenario/list, 1-based
    printed: str                 # text as printed (noise included)
    text: str                    # repaired, simplified, printed codes removed
    start: int = 0               # offsets of `printed` within the cell text
    end: int = 0
    printed_codes: tuple[str, ...] = ()   # codes as printed, normalised ("1.1.5")
    bundle_no: str = ""
    bundle_name: str = ""
    scenario_code: str = ""
    scenario_name: str = ""
    role: str = "item"           # one of ROLES
    unit: str = ""               # （承办：…） handling unit
    current_limit: str = ""      # speed-up lists
    target_limit: str = ""
    channels: tuple[str, ...] = ()   # hot lists
    ocr_confidence: float = 1.0  # 1.0 for text that was not recognised by OCR


@dataclass(frozen=True, slots=True, order=True)
class Candidate:
    item_id: str                 # canonical id: a national code or an "X-" id
    name: str
    score: float                 # 0..100


@dataclass(frozen=True, slots=True, order=True)
class Match:
    mention: Mention
    codes: tuple[str, ...]       # national codes; () when none
    canonical_id: str            # stable id: a code ("1.1.5"), a compound ("1.6.10+1.6.13") or a local "X-…" id
    canonical_name: str
    method: str                  # review | code | exact | alias | compound | fuzzy | context | none
    score: float
    reason: str
    needs_review: bool
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True, slots=True, order=True)
class CatalogItem:
    """One canonical item: national (``code`` set) or local (``X-`` id, no code)."""

    item_id: str
    name: str
    code: str = ""
    source: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True, order=True)
class CatalogEntry:
    """One row of a catalog-shaped list (序号/业务分类/事项名称（主项）/（子项）/办理内容/服务对象)."""

    where: Provenance
    no: str
    category: str = ""
    main: str = ""
    sub: str = ""
    content: str = ""
    target: str = ""


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything read from one input file."""

    document: Document
    bundles: tuple[Bundle, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    mentions: tuple[Mention, ...] = ()
    catalog_entries: tuple[CatalogEntry, ...] = ()
    warnings: tuple[str, ...] = field(default=())
