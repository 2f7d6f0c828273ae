"""The gazetteer: every division of China lists are issued by, and the ways a text names them.

Data (catalog folder, see ``raw/catalog/SOURCES.md``):
- ``divisions.tsv``  code, name, level, parent, short, former, source: the 34 provinces, 333 prefectures
  and every county with its 6-digit GB/T 2260 code (``pipeline.catalog.build_divisions`` writes it);
- ``regions.tsv``    name, short, province, level, source: the places curated before the national
  data (their names, e.g. 白银市白银区, stay the names shown; the code comes from divisions.tsv);
- ``doc_number_prefixes.tsv``  prefix, region, source: issuer abbreviations of document numbers
  (鲁人社 -> 山东省, 淄人社 -> 淄博市); ``region`` is a name or a division code.

``Gazetteer.scan(text)`` finds every form (full name, short form, former name) with the places it may
denote: one form may stand for several places (朝阳区 in 北京市 and 长春市); ``pipeline.reading.region``
decides among them by context. A county's short form (平度 for 平度市) counts only where an issuer's
words follow it (平度人社局), since two-character stems are common words.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Place", "Gazetteer", "Form", "build_gazetteer", "ISSUER_WORDS"]

LEVELS = ("province", "city", "district")
# what follows a county's short form when it names the issuer (平度人社局, 平度市人力资源…)
ISSUER_WORDS = ("人社", "人力资源", "人民政府", "劳动")


@dataclass(frozen=True, slots=True)
class Place:
    name: str                 # as shown in the dataset: 山东省, 青岛市, 白银市白银区
    short: str
    province: str             # the province's name
    level: str                # province | city | district
    code: str = ""            # 6-digit division code; "" for a curated place the national data lacks
    parent: str = ""          # code of the prefecture (or province) above

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000" if self.code else ""


@dataclass(frozen=True, slots=True)
class Form:
    """One way of writing a place: its full name, a short form or a former name."""

    text: str
    kind: str                 # name | short | former
    place: Place


@dataclass(frozen=True)
class Gazetteer:
    places: tuple[Place, ...]
    doc_number_prefixes: tuple[tuple[str, str], ...] = ()      # (prefix, region name or code)
    forms: dict[str, tuple[Form, ...]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.forms:
            forms: dict[str, list[Form]] = {}
            for p in self.places:
                for text, kind in ((p.name, "name"), (p.short, "short")):
                    if len(text) >= 2:
                        forms.setdefault(text, []).append(Form(text, kind, p))
            object.__setattr__(self, "forms", {k: tuple(v) for k, v in forms.items()})
        object.__setattr__(self, "_lengths", tuple(sorted({len(k) for k in self.forms}, reverse=True)))
        object.__setattr__(self, "_by_name", {p.name: p for p in self.places})
        object.__setattr__(self, "_by_code", {p.code: p for p in self.places if p.code})

    def by_name(self, name: str) -> Place | None:
        """The place shown as ``name`` (青岛市, 白银市白银区), else one whose full name or code it is."""
        hit = self._by_name.get(name) or self._by_code.get(name)
        if hit is None:
            named = [f.place for f in self.forms.get(name, ()) if f.kind == "name"]
            hit = named[0] if len(named) == 1 else None
        return hit

    def by_code(self, code: str) -> Place | None:
        return self._by_code.get(code)

    def parent_of(self, place: Place) -> Place | None:
        return self._by_code.get(place.parent) if place.parent else None

    def scan(self, text: str) -> list[tuple[int, int, tuple[Form, ...]]]:
        """(start, end, forms) for every place form in ``text``, longest first at each position; a form
        inside a longer one is dropped (山东 inside 山东省)."""
        hits: list[tuple[int, int, tuple[Form, ...]]] = []
        end_max = 0
        for i in range(len(text)):
            for n in self._lengths:
                forms = self.forms.get(text[i:i + n])
                if not forms:
                    continue
                forms = tuple(f for f in forms if f.kind != "short" or f.place.level != "district"
                              or text.startswith(ISSUER_WORDS, i + n))
                if forms and i + n > end_max:
                    hits.append((i, i + n, forms))
                    end_max = i + n
                if forms:
                    break
        return hits

    def find(self, text: str) -> list[tuple[int, Place]]:
        """(position, place) for every place named in ``text`` (each place a form may denote)."""
        return [(s, f.place) for s, _, forms in self.scan(text) for f in forms]


def build_gazetteer(divisions: list[dict[str, str]], curated: list[dict[str, str]],
                    prefixes: list[dict[str, str]]) -> Gazetteer:
    """The gazetteer from the rows of divisions.tsv, regions.tsv and doc_number_prefixes.tsv."""
    rows = {r["code"]: r for r in divisions}
    prov_name = {c[:2]: r["name"] for c, r in rows.items() if r["level"] == "province"}
    upper = {s for r in rows.values() if r["level"] != "district"
             for s in (r["name"], *r["short"].split(";")) if s}
    shown: dict[str, str] = {}
    for r in rows.values():
        parent = rows.get(r["parent"])
        shown[r["code"]] = parent["name"] + r["name"] if r["level"] == "district" and parent else r["name"]
    curated_by_code: dict[str, dict[str, str]] = {}
    extra: list[Place] = []
    name_index: dict[str, list[str]] = {}
    for code, r in rows.items():
        name_index.setdefault(r["name"], []).append(code)
        name_index.setdefault(shown[code], []).append(code)
    for r in curated:
        codes = [c for c in dict.fromkeys(name_index.get(r["name"], ()))
                 if prov_name.get(c[:2]) == r["province"]]
        if len(codes) == 1:
            curated_by_code[codes[0]] = r
        else:
            extra.append(Place(r["name"], r["short"], r["province"], r["level"]))
    places: list[Place] = []
    forms: dict[str, list[Form]] = {}

    def add(text: str, kind: str, place: Place) -> None:
        if len(text) >= 2 and not any(f.place == place for f in forms.get(text, ())):
            forms.setdefault(text, []).append(Form(text, kind, place))

    for code in sorted(rows):
        r = rows[code]
        cur = curated_by_code.get(code)
        shorts = [s for s in r["short"].split(";") if s]
        if r["level"] == "district":
            shorts = [s for s in shorts if s not in upper]            # 白银 is 白银市, not 白银区
        place = Place(cur["name"] if cur else shown[code], (cur or {}).get("short") or (shorts[0] if shorts else ""),
                      prov_name.get(code[:2], ""), cur["level"] if cur else r["level"], code, r["parent"])
        places.append(place)
        add(r["name"], "name", place)
        add(place.name, "name", place)
        if cur:
            add(cur["short"], "short", place)
        for s in shorts:
            add(s, "short", place)
        for old in (f for f in r["former"].split(";") if f):
            add(old, "former", place)
    for place in extra:
        places.append(place)
        add(place.name, "name", place)
        add(place.short, "short", place)
    pairs = tuple((r["prefix"], r["region"]) for r in prefixes)
    return Gazetteer(tuple(places), pairs, {k: tuple(v) for k, v in forms.items()})
