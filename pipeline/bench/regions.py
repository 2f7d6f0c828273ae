"""``python -m pipeline.bench regions``: region detection on titles and issuers made from the gazetteer.

For every prefecture and a seeded sample of counties (300 by default) the generator writes short
documents the way bureaus head them, one per variant:

- prefectures: full name in the title (青岛市人社服务…清单), short form (青岛人社…), traditional
  characters (青島市…), and a neutral title with the issuer's document number (青人社函〔2021〕12号) and the
  province named in the text (the shared prefix 青人社 is decided by it);
- counties: parent + name (平度市 under 青岛市: 青岛市平度市…), the name alone (decided by context or
  flagged when two provinces have it), the name alone with the prefecture named in the text, traditional
  characters, and the short form before 人社 (平度人社局…) with the prefecture named in the text (not
  for a short form that is also a prefecture's or province's: 长沙 is 长沙市, not 长沙县).

Per variant: share found (a region was given), share right (its code is the expected one), share
flagged (no region given, the candidates named in the status include the expected place), and wrong.
"""
from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from pathlib import Path

from pipeline.catalog.gazetteer import Gazetteer, Place
from pipeline.catalog.reference import load_gazetteer
from pipeline.core.records import Provenance, Row
from pipeline.reading.region import detect_title, locate_region

__all__ = ["generate_cases", "measure", "main"]

_TITLE = "人社服务“打包一件事”清单"


def _rows(*lines: str) -> list[Row]:
    return [Row(Provenance("bench.txt", line=i), (t,)) for i, t in enumerate(lines, 1)]


def _traditional():
    from opencc import OpenCC
    return OpenCC("s2t").convert


def generate_cases(gazetteer: Gazetteer, rows: list[dict[str, str]], counties: int = 300,
                   seed: int = 17) -> list[tuple[str, str, list[Row]]]:
    """(variant, expected code, document rows) for every prefecture and ``counties`` sampled counties."""
    to_trad = _traditional()
    by_code = {r["code"]: r for r in rows}
    prefixes = defaultdict(list)
    for prefix, region in gazetteer.doc_number_prefixes:
        place = gazetteer.by_name(region)
        if place is not None:
            prefixes[place.code].append(prefix)
    cases: list[tuple[str, str, list[Row]]] = []
    for r in (r for r in rows if r["level"] == "city"):
        code, name = r["code"], r["name"]
        short = r["short"].split(";")[0] if r["short"] else name
        province = by_code[r["parent"]]["name"]
        cases.append(("city: full name", code, _rows(name + _TITLE)))
        cases.append(("city: short form", code, _rows(short + _TITLE)))
        cases.append(("city: traditional", code, _rows(to_trad(name + _TITLE))))
        if prefixes.get(code):
            prefix = sorted(prefixes[code], key=len)[0]
            cases.append(("city: issuer prefix", code, _rows(f"{prefix}函〔2021〕12号", "关于启用数字化便民应用的通知",
                                                             f"{province}{name}人力资源和社会保障局：")))
    upper = {s for r in rows if r["level"] != "district" for s in (r["name"], *r["short"].split(";")) if s}
    sample = random.Random(seed).sample(sorted(r["code"] for r in rows if r["level"] == "district"), counties)
    for code in sample:
        r = by_code[code]
        parent = by_code.get(r["parent"], {"name": "", "level": ""})
        # a county's short form that is also a prefecture's or province's (长沙 for 长沙县) means the larger place
        shorts = [s for s in r["short"].split(";") if s and s not in upper]
        cases.append(("county: parent + name", code, _rows(parent["name"] + r["name"] + _TITLE)))
        cases.append(("county: name alone", code, _rows(r["name"] + _TITLE)))
        cases.append(("county: name, parent in text", code, _rows(r["name"] + _TITLE, "", f"{parent['name']}人社局：")))
        cases.append(("county: traditional", code, _rows(to_trad(parent["name"] + r["name"] + _TITLE))))
        if shorts:
            cases.append(("county: short + 人社, parent in text", code,
                          _rows(shorts[0] + "人社服务清单", "", f"{parent['name']}各区县：")))
    return cases


def measure(gazetteer: Gazetteer, cases) -> dict[str, dict[str, int]]:
    """Per variant: n, found, right, flagged (candidates include the expected place), wrong."""
    out: dict[str, dict[str, int]] = {}
    for variant, code, rows in cases:
        finding = locate_region(detect_title(rows), rows, gazetteer)
        c = out.setdefault(variant, {"n": 0, "found": 0, "right": 0, "flagged": 0, "wrong": 0})
        c["n"] += 1
        place: Place | None = finding.place
        if place is not None:
            c["found"] += 1
            c["right" if place.code == code else "wrong"] += 1
        elif any(p.code == code for p in finding.candidates):
            c["flagged"] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench regions", description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=None, help="catalog folder (default: the shipped one)")
    parser.add_argument("--counties", type=int, default=300)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)
    from pipeline.catalog.reference import default_catalog_dir, read_tsv
    folder = args.catalog or default_catalog_dir()
    gazetteer = load_gazetteer(folder)
    cases = generate_cases(gazetteer, read_tsv(folder / "divisions.tsv"), args.counties, args.seed)
    table = measure(gazetteer, cases)
    total = {k: sum(v[k] for v in table.values()) for k in ("n", "found", "right", "flagged", "wrong")}
    print(f"{'variant':40} {'n':>5} {'found':>7} {'right':>7} {'flagged':>8} {'wrong':>6}")
    for variant, c in [*table.items(), ("ALL", total)]:
        n = c["n"] or 1
        print(f"{variant:40} {c['n']:5d} {c['found'] / n:7.3f} {c['right'] / n:7.3f} {c['flagged'] / n:8.3f} "
              f"{c['wrong'] / n:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
