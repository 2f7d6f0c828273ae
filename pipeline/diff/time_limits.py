"""Speed-up time limits: printed text -> a value with a unit, and a comparison.

``parse_limit(text) -> TimeLimit`` reads what a speed-up list promises:

- numbers with units: ``15个工作日`` (workdays), ``10日`` / ``10天`` (calendar days),
  ``3个月`` / ``1个月`` (months), ``30分钟`` (minutes), ``2小时`` (hours);
- ``即时办结``, ``立等可取``, ``即办``, ``当场办结``: instant (0 minutes);
- words that are no number: ``无`` (no limit), ``未提速`` (not sped up), ``未办理``
  (not handled here), ``各地结合实际制定…`` (left to each place: no numeric target).

A cell may name several limits ("批量制发30个工作日；零星制发…立等可取"); all are kept
in ``parts`` and the comparison uses the worst case (the slowest part), which is what
a citizen can be held to.

``compare_limits(local, baseline) -> str`` says ``slower``, ``not_slower``,
``no_promise`` (the baseline sets a number, the local list none), ``no_target`` (the
baseline sets no number: nothing to hold the local list to) or ``not_comparable``.

>>> parse_limit("提速后15个工作日内办结。").worst
(15.0, 'workday')
>>> compare_limits(parse_limit("20个工作日"), parse_limit("15个工作日"))
'slower'
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from normalizers.repair_text import repair

__all__ = ["TimeLimit", "parse_limit", "compare_limits", "UNITS", "STATES"]

UNITS = ("minute", "hour", "workday", "day", "month")
# numeric: at least one value; instant: only instant words; the rest have no number
STATES = ("numeric", "none", "not_sped_up", "not_handled", "local_decision", "unparsed", "empty")

_NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)"
_PATTERNS = (
    (re.compile(_NUMBER + r"\s*个?\s*工作日"), "workday"),
    (re.compile(_NUMBER + r"\s*个\s*月"), "month"),          # "5月底" is a date, not a limit
    (re.compile(_NUMBER + r"\s*(?:个)?自然日"), "day"),
    (re.compile(_NUMBER + r"\s*[日天]"), "day"),
    (re.compile(_NUMBER + r"\s*分钟"), "minute"),
    (re.compile(_NUMBER + r"\s*(?:个)?小时"), "hour"),
)
_INSTANT = re.compile(r"即时办结|立等可取|即来即办|即办|当场办结|当即办结|当场办理")
_WORDS = (
    (re.compile(r"各地.{0,6}(?:结合实际|自行)"), "local_decision"),
    (re.compile(r"未提速|不提速"), "not_sped_up"),
    (re.compile(r"未办理|暂未开展|未开展"), "not_handled"),
    (re.compile(r"^无$"), "none"),
)
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# Bounds in calendar days, used only when the two sides use different units.
# A workday span of N covers N to N*7/5 + 4 calendar days (weekends, a short holiday).
_DAY_BOUNDS = {
    "minute": lambda v: (v / 1440, v / 1440),
    "hour": lambda v: (v / 24, v / 24),
    "workday": lambda v: (v, math.ceil(v * 7 / 5) + 4),
    "day": lambda v: (v, v),
    "month": lambda v: (28 * v, 31 * v),
}


def _to_number(text: str) -> float:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if text.startswith("十"):
        text = "一" + text
    if "十" in text:
        tens, _, units = text.partition("十")
        return float(_CHINESE_DIGITS.get(tens, 1) * 10 + (_CHINESE_DIGITS.get(units, 0) if units else 0))
    return float(_CHINESE_DIGITS.get(text, 0))


@dataclass(frozen=True, slots=True)
class TimeLimit:
    """A parsed limit: ``parts`` are (value, unit) pairs in printed order; instant = (0, "minute")."""

    printed: str
    state: str
    parts: tuple[tuple[float, str], ...] = ()

    @property
    def worst(self) -> tuple[float, str] | None:
        """The slowest part (largest upper bound in days); None when there is no number."""
        if not self.parts:
            return None
        return max(self.parts, key=lambda p: (_DAY_BOUNDS[p[1]](p[0])[1], p[0]))

    def describe(self) -> str:
        if self.state != "numeric":
            return self.state
        return "; ".join(("instant" if v == 0 else f"{v:g} {u}") for v, u in self.parts)


def parse_limit(text: str | None) -> TimeLimit:
    """Read one printed time limit. Total: any string (or None) gives a TimeLimit."""
    printed = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    clean = repair(printed).strip().rstrip("。.；;")
    if not clean:
        return TimeLimit(printed, "empty")
    found: list[tuple[int, float, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, unit in _PATTERNS:
        for m in pattern.finditer(clean):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), _to_number(m.group(1)), unit))
    for m in _INSTANT.finditer(clean):
        found.append((m.start(), 0.0, "minute"))
    if found:
        return TimeLimit(printed, "numeric", tuple((v, u) for _, v, u in sorted(found)))
    for pattern, state in _WORDS:
        if pattern.search(clean):
            return TimeLimit(printed, state)
    return TimeLimit(printed, "unparsed")


def compare_limits(local: TimeLimit, baseline: TimeLimit) -> str:
    """``slower`` when the local worst case surely exceeds the baseline's; see the module doc."""
    if baseline.state != "numeric":
        return "no_target"
    if local.state != "numeric":
        return "no_promise" if local.state in ("none", "not_sped_up", "not_handled", "empty") else "not_comparable"
    (lv, lu), (bv, bu) = local.worst, baseline.worst
    if lu == bu:
        return "slower" if lv > bv else "not_slower"
    llo, lhi = _DAY_BOUNDS[lu](lv)
    blo, bhi = _DAY_BOUNDS[bu](bv)
    if llo > bhi:
        return "slower"
    if lhi <= blo:
        return "not_slower"
    return "not_comparable"
