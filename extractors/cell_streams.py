"""Where the cells of a table end when nothing marks it: a web page's table copied as text.

Copied out of a browser, a table becomes one cell per line; a cell of several paragraphs (a list
of items, two sentences of a procedure) becomes several lines, and an empty cell a blank line,
or nothing at all when the copy drops empty cells and ends each row with a blank line. Which
lines make one cell is then a matter of fit: the header says what each column holds, and each
line has a shape (``pipeline.core.cell_kinds.line_kind``: a sequence number, a time limit, a
unit, a list item …). ``segment`` finds the cutting of the lines into cells, column after
column, that fits best (dynamic programming over (line, column); ``cell_kinds.FIT`` scores a
line in a column). Lines numbered in sequence ("1." then "2.") are kept in one cell first.

Both ways of copying are tried: blank lines standing for empty cells, and blank lines ending
rows (empty cells dropped); the better fit wins.
"""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.cell_kinds import AFTER_LIST, ColumnKind, line_kind, marker_number

__all__ = ["UNSURE_CELL", "Unit", "one_row", "segment", "units_of"]

_MOST_UNITS = 40      # units one cell may hold
# A cell whose end could move by one unit for less than this many points is flagged unsure.
UNSURE_MARGIN = 1.0
# The confidence such a cell is given: below match_catalog.OCR_UNSURE, so its names go to review
# whatever they matched (the names are read right; which column, and so which role, is the guess).
UNSURE_CELL = 0.3
LEFT_OUT = -1.0       # points for each line of a stream left out of its table
# Line shapes that name a column's kind when most of its cells (this share) open with them.
_TELLING = {"scenario": "scenario", "time": "time", "number": "no", "channel": "channels", "role": "role"}
CONTENT_TELLS = 0.8     # the confidence such a cell is given (mentions below 0.8 go to review)


@dataclass(frozen=True)
class Unit:
    """Lines that belong together (one line, or a numbered list), or a blank line (``text`` "")."""
    line: int                 # 0-based first line
    text: str
    kinds: tuple[str, ...]


def units_of(lines: list[str], start: int, end: int, *, skip: frozenset[int] = frozenset(),
             wraps: frozenset[int] = frozenset()) -> list[Unit]:
    """The lines ``start``..``end`` as units: a line numbered one more than the line before joins it.

    ``skip``: lines left out (page furniture); ``wraps``: lines the next line continues (a visual
    line a copy cut where the page wrapped it: the two are one line of the cell)."""
    units: list[Unit] = []
    last = None
    order = [k for k in range(start, end) if k not in skip]
    n = 0
    while n < len(order):
        first = k = order[n]
        text = lines[k].strip()
        while text and k in wraps and n + 1 < len(order) and lines[order[n + 1]].strip():
            n += 1
            k = order[n]
            text += lines[k].strip()
        n += 1
        if not text:
            units.append(Unit(first, "", ()))
            last = None
            continue
        number = marker_number(text)
        if number is not None and last is not None and number == last + 1 and units and units[-1].text:
            u = units[-1]
            units[-1] = Unit(u.line, u.text + "\n" + text, u.kinds + (line_kind(text),))
        else:
            units.append(Unit(first, text, (line_kind(text),)))
        last = number
    return units


class _Scores:
    """Prefix sums of the fit of every unit in every column kind, for O(1) cell scores."""

    def __init__(self, units: list[Unit], groups: list[ColumnKind]):
        self.fit: dict[ColumnKind, list[float]] = {}
        self.lines, self.lists = [0], [0]
        for u in units:
            self.lines.append(self.lines[-1] + len(u.kinds))
            self.lists.append(self.lists[-1] + (len(u.kinds) > 1 and u.kinds[0] in ("marked", "code")))
        for g in set(groups):
            table, sums = g.fit, [0.0]
            for u in units:
                sums.append(sums[-1] + sum(table[k] for k in u.kinds))
            self.fit[g] = sums

    def cell(self, group: ColumnKind, i: int, j: int) -> float:
        lines = self.lines[j] - self.lines[i]
        score = self.fit[group][j] - self.fit[group][i] + group.extra_line * (lines - 1)
        if j - i > 1 and self.lists[j] > self.lists[i]:
            score += AFTER_LIST * (j - i - 1)
        return score


def _stream(units: list[Unit], groups: list[ColumnKind]) -> tuple[float, list[list[list[Unit]]], int, list[set[int]]]:
    """Cells one after the other, wrapping into the next row; a blank unit is an empty cell (at
    the same cost as a cell left out of a row: the two ways of copying are scored alike)."""
    w, n = len(groups), len(units)
    scores = _Scores(units, groups)
    neg = float("-inf")
    best = [[neg] * w for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * w for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n):
        for c in range(w):
            here = best[i][c]
            if here == neg:
                continue
            nc = (c + 1) % w
            g = groups[c]
            if not units[i].text:
                s = here + g.empty
                if s > best[i + 1][nc]:
                    best[i + 1][nc], back[i + 1][nc] = s, (i, c)
                continue
            for j in range(i + 1, min(n, i + _MOST_UNITS) + 1):
                if not units[j - 1].text or (j - 1 > i and units[j - 1].kinds[0] == "number"):
                    break
                s = here + scores.cell(g, i, j)
                if s > best[j][nc]:
                    best[j][nc], back[j][nc] = s, (i, c)
    # the table may end before the stream does, after a blank line (a note printed below it):
    # the lines left out cost ``LEFT_OUT`` each
    left = [0] * (n + 1)
    for k in range(n - 1, -1, -1):
        left[k] = left[k + 1] + bool(units[k].text)
    ends = [(best[k][c] + LEFT_OUT * left[k], k == n, c == 0, k, c) for k in range(1, n + 1)
            if k == n or not units[k - 1].text for c in range(w) if best[k][c] != neg]
    total, _, _, used, end_c = max(ends)
    cuts: list[tuple[int, int]] = []
    i, c = used, end_c
    while back[i][c] is not None:
        pi, pc = back[i][c]
        cuts.append((pi, i))
        i, c = pi, pc
    cuts.reverse()
    rows: list[list[list[Unit]]] = []
    for k, (a, b) in enumerate(cuts):
        if k % w == 0:
            rows.append([])
        rows[-1].append([u for u in units[a:b] if u.text])
    unsure: list[set[int]] = [set() for _ in rows]
    for k in range(1, len(cuts)):
        (a, b), (_, d) = cuts[k - 1], cuts[k]
        if not all(u.text for u in units[a:d]):
            continue          # a blank line stands for an empty cell: where it is, is printed
        g1, g2 = groups[(k - 1) % w], groups[k % w]
        if _movable(lambda i, j: scores.cell(g1, i, j), lambda i, j: scores.cell(g2, i, j), a, b, d, empty=False):
            unsure[(k - 1) // w].add((k - 1) % w)
            unsure[k // w].add(k % w)
    return total, rows, used, unsure


def _unsure(scores: _Scores, groups: list[ColumnKind], cuts: list[int]) -> set[int]:
    """Columns whose cell could end one unit sooner or later at almost no cost (two lists of names
    side by side, an empty cell dropped between them: the copy no longer says where one ends)."""
    def cell(c: int, i: int, j: int) -> float:
        return scores.cell(groups[c], i, j) if j > i else groups[c].empty

    unsure: set[int] = set()
    for c in range(1, len(groups)):
        if _movable(lambda i, j: cell(c - 1, i, j), lambda i, j: cell(c, i, j), cuts[c - 1], cuts[c], cuts[c + 1],
                    empty=True):
            unsure |= {c - 1, c}
    return unsure


def _movable(left, right, a: int, b: int, d: int, empty: bool) -> bool:
    """Could the end ``b`` of the cell ``a..b`` (before the cell ``b..d``) move by one unit for less than
    ``UNSURE_MARGIN`` points? ``left``/``right`` score a cell of each column; ``empty``: a cell may be empty."""
    now = left(a, b) + right(b, d)
    return any((a <= m <= d if empty else a < m < d) and left(a, m) + right(m, d) > now - UNSURE_MARGIN
               for m in (b - 1, b + 1))


def one_row(units: list[Unit], groups: list[ColumnKind]) -> tuple[float, list[list[Unit]], set[int]]:
    """The units of one row into its columns; a column may be empty (at a cost)."""
    w, n = len(groups), len(units)
    scores = _Scores(units, groups)
    neg = float("-inf")
    best = [[neg] * (w + 1) for _ in range(n + 1)]
    back: list[list[int | None]] = [[None] * (w + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for c in range(w):
        g = groups[c]
        empty = g.empty
        for i in range(n + 1):
            here = best[i][c]
            if here == neg:
                continue
            if here + empty > best[i][c + 1]:
                best[i][c + 1], back[i][c + 1] = here + empty, i
            for j in range(i + 1, min(n, i + _MOST_UNITS) + 1):
                s = here + scores.cell(g, i, j)
                if s > best[j][c + 1]:
                    best[j][c + 1], back[j][c + 1] = s, i
    if best[n][w] == neg:        # more units than a row can take: the rest into the last column
        return neg, [units[:1]] + [[] for _ in range(w - 2)] + [units[1:]], set(range(w))
    cuts = [n]
    for c in range(w, 0, -1):
        cuts.append(back[cuts[-1]][c])
    cuts.reverse()
    return best[n][w], [units[a:b] for a, b in zip(cuts, cuts[1:])], _unsure(scores, groups, cuts)


def _rows_apart(units: list[Unit], groups: list[ColumnKind]) -> tuple[float, list[list[list[Unit]]], list[set[int]]]:
    """Rows apart by blank lines, empty cells dropped."""
    total, rows, unsure, current = 0.0, [], [], []
    for u in units + [Unit(-1, "", ())]:
        if u.text:
            current.append(u)
            continue
        if current:
            score, cells, doubts = one_row(current, groups)
            total += score
            rows.append(cells)
            unsure.append(doubts)
        current = []
    return total, rows, unsure


def _read(units: list[Unit], groups: list[ColumnKind]) -> tuple[list[list[list[Unit]]], list[set[int]], int]:
    score, rows, used, unsure = _stream(units, groups)
    if any(not u.text for u in units[:used]):
        apart = _rows_apart(units[:used], groups)
        if apart[0] > score:
            return apart[1], apart[2], used
    return rows, unsure, used


def _told_by_content(rows: list[list[list[Unit]]], groups: list[ColumnKind]) -> list[ColumnKind]:
    """Column kinds after a first reading: a column with a weak header word (or none) whose cells
    mostly open with a telling shape (a scenario code, a time limit …) is that kind."""
    out = list(groups)
    for c, g in enumerate(groups):
        if not (g.weak or g.group == "any"):
            continue
        firsts = [row[c][0].kinds[0] for row in rows if c < len(row) and row[c]]
        for kind, group in _TELLING.items():
            if len(firsts) >= 3 and firsts.count(kind) >= CONTENT_TELLS * len(firsts) \
                    and all(o.group != group for o in out):
                out[c] = ColumnKind(group)
    return out


def segment(units: list[Unit], groups: list[ColumnKind]) -> tuple[list[list[list[Unit]]], list[set[int]], int]:
    """The rows of a cell stream, each a list of ``len(groups)`` cells, each a list of units; per
    row the columns whose cell is unsure (see ``_unsure``); and how many units the table takes
    (the rest, after a blank line, is text below it).

    ``groups`` holds the kind of every column (``cell_kinds.column_kind``); a column whose weak
    header is contradicted by its content is read again as the content says (``_told_by_content``)."""
    if not units or not groups:
        return [], [], 0
    rows, unsure, used = _read(units, groups)
    told = _told_by_content(rows, groups)
    return _read(units, told) if told != groups else (rows, unsure, used)
