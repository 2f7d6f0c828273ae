"""The HTML audit report written with the dataset: pages, content, self-containment and stable bytes."""
from __future__ import annotations

import json
import re

import lxml.html
import pytest

from pipeline.core.i18n import Translator
from pipeline.report.html import render_pages, write_report

CITIES = ("青岛市", "淄博市", "白银市白银区")


@pytest.fixture(scope="module")
def report_dir(seed_run):
    return seed_run[2] / "report"


def _page(report_dir, name):
    return lxml.html.fromstring((report_dir / name).read_bytes())


def test_the_run_writes_an_index_and_one_page_per_city_or_district(seed_run, report_dir):
    assert sorted(p.name for p in report_dir.iterdir()) == sorted(["index.html", *(f"{c}.html" for c in CITIES)])
    assert seed_run[0].report == str(report_dir / "index.html")


def test_index_has_the_summary_the_chart_and_the_matrix(report_dir, seed_run):
    page = _page(report_dir, "index.html")
    cities = page.get_element_by_id("cities")
    rows = {r.xpath("td[1]/a/text()")[0]: [c.text_content() for c in r.xpath("td")] for r in cities.xpath("tbody/tr")}
    assert set(rows) == set(CITIES)
    qingdao = json.loads((seed_run[2] / "diffs" / "青岛市.json").read_text(encoding="utf-8"))
    assert rows["青岛市"][4] == str(qingdao["total"])              # findings, then one column per kind
    svg = page.xpath("//section[@id='chart']//svg")
    assert len(svg) == 1 and len(svg[0].xpath(".//rect")) > 10
    matrix = page.xpath("//section[@id='matrix']//table")[0]
    assert len(matrix.xpath("thead/tr/th")) == 1 + 10                 # the ten national bundles
    marks = {r.xpath("td[1]")[0].text_content().split()[0]: [c.text for c in r.xpath("td")[1:]]
             for r in matrix.xpath("tbody/tr")}
    assert marks["山东省"] == ["●"] * 10 and marks["淄博市"].count("●") == 1


def test_a_city_page_lists_every_finding_with_where_it_is_printed(report_dir, seed_run):
    data = json.loads((seed_run[2] / "diffs" / "青岛市.json").read_text(encoding="utf-8"))
    page = _page(report_dir, "青岛市.html")
    rows = page.xpath("//table[@id='findings-table']/tbody/tr")
    assert len(rows) == len(data["findings"])
    assert [r.get("data-kind") for r in rows] == [f["kind"] for f in data["findings"]]
    unsure = [r for r in rows if r.get("data-kind") == "unsure"]
    assert unsure and all("unsure" in r.get("class") for r in unsure)
    first = rows[0].xpath("td")
    assert "表 1" in first[5].text_content() + first[6].text_content()       # provenance, in Chinese
    kinds = page.xpath("//select[@id='filter-kind']/option/@value")
    bundles = page.xpath("//select[@id='filter-bundle']/option/@value")
    assert kinds[0] == "" and set(kinds[1:]) == {f["kind"] for f in data["findings"]}
    assert set(bundles[1:]) == {f["bundle"] for f in data["findings"]}
    assert page.xpath("//section[@id='flagged']//tbody/tr")               # the list's unsure items


def test_pages_are_self_contained_no_url_is_fetched(report_dir):
    for path in report_dir.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", text), path.name
        page = lxml.html.fromstring(text)
        assert not page.xpath("//script[@src] | //link[@href] | //img[@src] | //*[@xlink:href]",
                              namespaces={"xlink": "http://www.w3.org/1999/xlink"}), path.name
        assert "@media print" in text


def test_the_report_is_the_same_bytes_each_time_and_english_on_request(seed_run, catalog, tmp_path):
    _, frames, out = seed_run
    again = render_pages(out, frames, catalog, Translator("zh"))
    assert {n: t.encode("utf-8") for n, t in again.items()} == {p.name: p.read_bytes() for p in (out / "report").iterdir()}
    english = render_pages(out, frames, catalog, Translator("en"))
    assert "Audit report: city lists against the provincial list" in english["index.html"]
    assert "审核报告" not in english["index.html"] and '<html lang="en">' in english["index.html"]


def test_write_report_without_diffs_writes_an_empty_summary(seed_run, catalog, tmp_path):
    _, frames, _ = seed_run
    assert write_report(tmp_path, frames, catalog, Translator("zh")) == ["index.html"]


def test_the_wheel_carries_the_templates_and_the_catalogue():
    import fnmatch
    import tomllib

    from tests.conftest import REPO
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = config["package-data"]["pipeline"]
    data = [p.relative_to(REPO / "pipeline").as_posix() for folder in ("report/templates", "locale")
            for p in (REPO / "pipeline" / folder).rglob("*") if p.is_file()]
    assert data and [d for d in data if not any(fnmatch.fnmatch(d, pat) for pat in patterns)] == []
    listed = set(config["packages"])          # every package by name: a wheel holds only what is listed
    on_disk = {p.parent.relative_to(REPO).as_posix().replace("/", ".") for top in ("pipeline", "extractors",
               "normalizers") for p in (REPO / top).rglob("__init__.py")}
    assert on_disk <= listed
