"""Limits on what one input file may cost: bytes, pages, cells, unpacked bytes, seconds.

``Limits`` is a frozen settings record checked when built (a bad value is reported by
name with what is allowed). The extractors and ``read_document`` enforce it:
- ``check_file_size`` before a file is opened (``max_file_bytes``);
- ``check_zip_members`` before a Word package is unpacked (``max_unpacked_bytes``,
  ``max_unpack_ratio``: a zip bomb is refused from its directory, nothing is inflated);
- ``check_page_count`` before the pages of a PDF are read (``max_pages``);
- ``check_cell_count`` before a spreadsheet's sheet, a web page's tables or an OFD's text are
  laid out (``max_cells``: cells of all sheets/tables of the file, or text objects of an OFD);
- ``Deadline.check`` between pages and tables (``max_seconds_per_file``). This is a
  cooperative check: a library call that hangs inside one page is not interrupted (no
  runner kills a worker that overruns).

>>> Limits(max_pages=10).max_pages
10
>>> Limits(max_pages=0)
Traceback (most recent call last):
...
pipeline.core.errors.ConfigError: [E400] Limits.max_pages must be a whole number from 1 to 100000, not 0 — ...
"""
from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass, field, fields

from pipeline.core.i18n import N_, t
from pipeline.core.errors import ConfigError, HostileInput, LimitExceeded

__all__ = ["Limits", "limits_from_options", "Deadline", "check_file_size", "check_zip_members", "check_page_count",
           "check_cell_count", "LIMIT_RANGES"]

_MB = 1024 * 1024

# name -> (lowest, highest, unit, CLI option): what each limit allows, for messages and the CLI.
LIMIT_RANGES: dict[str, tuple[float, float, str, str]] = {
    "max_file_bytes": (1, 2 ** 40, N_("bytes"), "--max-file-mb"),
    "max_pages": (1, 100_000, N_("pages"), "--max-pages"),
    "max_unpacked_bytes": (1, 2 ** 40, N_("bytes"), "--max-unpacked-mb"),
    "max_unpack_ratio": (1, 100_000, N_("times"), "--max-unpack-ratio"),
    "max_seconds_per_file": (0.000001, 86_400, N_("seconds"), "--max-seconds"),
    "max_cells": (1, 1_000_000_000, N_("cells"), "--max-cells"),
}


@dataclass(frozen=True)
class Limits:
    """What one input file may cost. Defaults are generous for real lists:

    max_file_bytes: 100 MB. The largest attachment in the seeds' sources is under 5 MB;
        scans run to tens of MB.
    max_pages: 300 pages (PDF). Published lists run to a few dozen pages.
    max_unpacked_bytes: 200 MB, the sum of the sizes a Word package declares for its
        members (word/document.xml of a 100-page list is a few MB).
    max_unpack_ratio: 200, declared size over compressed size for any one member above
        1 MB. XML compresses about 5-20 times; a zip bomb compresses 1000 times or more.
    max_seconds_per_file: 120 s between the start of a file and its last page or table.
        The slowest real file (a 40-page PDF) takes about 5 s on one core.
    max_cells: 1,000,000 cells per file (spreadsheets: the used range of every sheet read; web
        pages: table cells; OFD: text objects). The 104-row catalog (seed 004) has 630 cells;
        a sheet of a million cells takes a few seconds and a few hundred MB to lay out.
    """

    max_file_bytes: int = 100 * _MB
    max_pages: int = 300
    max_unpacked_bytes: int = 200 * _MB
    max_unpack_ratio: int = 200
    max_seconds_per_file: float = 120.0
    max_cells: int = 1_000_000

    def __post_init__(self) -> None:
        for f in fields(self):
            low, high, unit, _ = LIMIT_RANGES[f.name]
            value = getattr(self, f.name)
            whole = f.type in ("int", int)
            ok_type = isinstance(value, int if whole else (int, float)) and not isinstance(value, bool)
            if not ok_type or not low <= value <= high:
                kind = t("a whole number") if whole else t("a number")
                raise ConfigError(t("Limits.{name} must be {kind} from {low} to {high} ({unit}), not {value}", name=f.name, kind=kind, low=_num(low), high=_num(high), unit=unit, value=repr(value)), hint=t("fix the value (command line: {option})", option=LIMIT_RANGES[f.name][3]))


def limits_from_options(max_file_mb: float | None = None, max_pages: int | None = None,
                        max_unpacked_mb: float | None = None, max_unpack_ratio: int | None = None,
                        max_seconds: float | None = None, max_cells: int | None = None) -> Limits:
    """`Limits` from command-line values (megabytes, ``None`` = the default); raises `ConfigError` on bad values.

    >>> limits_from_options(max_file_mb=1.5, max_pages=20).max_file_bytes
    1572864
    """
    values: dict[str, float] = {}
    for name, value, scale in (("max_file_bytes", max_file_mb, _MB), ("max_pages", max_pages, 1),
                               ("max_unpacked_bytes", max_unpacked_mb, _MB),
                               ("max_unpack_ratio", max_unpack_ratio, 1), ("max_seconds_per_file", max_seconds, 1),
                               ("max_cells", max_cells, 1)):
        if value is not None:
            values[name] = round(value * scale) if scale != 1 else value
    return Limits(**values)


def _size(n: int) -> str:
    """Bytes for people: ``97.6 kB``, ``101.0 MB``."""
    return f"{n / _MB:.1f} MB" if n >= _MB else f"{n / 1024:.1f} kB"


def _num(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


@dataclass
class Deadline:
    """The time budget of one file; ``check`` raises `LimitExceeded` once it is spent.

    >>> Deadline(Limits(), "a.pdf").check("page 1")
    """

    limits: Limits
    rel: str
    started: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def check(self, where: str = "") -> None:
        spent = self.elapsed()
        if spent > self.limits.max_seconds_per_file:
            raise LimitExceeded(
                t("reading took {spent} s, more than the limit of {limit} s (stopped at {where})", spent=f"{spent:.1f}",
                  limit=f"{self.limits.max_seconds_per_file:g}", where=where) if where else
                t("reading took {spent} s, more than the limit of {limit} s", spent=f"{spent:.1f}",
                  limit=f"{self.limits.max_seconds_per_file:g}"), where=self.rel,
                hint=t("split the file, or raise the limit with --max-seconds if it is genuine"))


def check_file_size(size: int, rel: str, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise LimitExceeded(t("the file is {size}, more than the limit of {limit}", size=_size(size), limit=_size(limits.max_file_bytes)),
                            where=rel,
                            hint=t("check that this is the list itself; raise the limit with --max-file-mb if so"))


def check_zip_members(zf: zipfile.ZipFile, rel: str, limits: Limits) -> None:
    """Refuse a package whose members would unpack to too much (judged from its directory, nothing inflated)."""
    total = 0
    for info in zf.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _MB and ratio > limits.max_unpack_ratio:
            raise HostileInput(t("member {filename} would unpack {ratio} times its packed size ({size} MB), more than the limit of {max_unpack_ratio} times: a zip bomb", filename=info.filename, ratio=f"{ratio:.0f}", size=f"{info.file_size / _MB:.0f}", max_unpack_ratio=limits.max_unpack_ratio), where=rel,
                               hint=t("do not open this file; ask the publisher for a clean copy"))
    if total > limits.max_unpacked_bytes:
        raise LimitExceeded(t("the package would unpack to {size}, more than the limit of {limit}", size=_size(total), limit=_size(limits.max_unpacked_bytes)), where=rel,
                            hint=t("check the file; raise the limit with --max-unpacked-mb if it is genuine"))


def check_page_count(pages: int, rel: str, limits: Limits) -> None:
    if pages > limits.max_pages:
        raise LimitExceeded(t("the PDF has {pages} pages, more than the limit of {max_pages}", pages=pages, max_pages=limits.max_pages), where=rel,
                            hint=t("give only the pages with the list, or raise the limit with --max-pages"))


def check_cell_count(cells: int, rel: str, limits: Limits, what: str = N_("the file")) -> None:
    """Refuse a sheet/table that would be laid out over more than ``max_cells`` cells.

    ``what`` names it in the message, e.g. ``"sheet 'Sheet1' (A1:Z40000)"``.
    """
    if cells > limits.max_cells:
        raise LimitExceeded(t("{what} spans {cells} cells, more than the limit of {max_cells}", what=what, cells=cells, max_cells=limits.max_cells), where=rel,
                            hint=t("give only the sheet or table with the list, or raise the limit with --max-cells"))
