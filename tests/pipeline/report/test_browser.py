"""The report opened in a real browser: headless Chromium (Debian package ``chromium``) loads the index and a
city page from file:// with networking off; the tables, the chart and the filter script render, and a
screenshot has the window's size and is not blank. Skipped when no Chromium is installed."""
from __future__ import annotations

import json
import shutil
import subprocess

import lxml.html
import pytest

PIL = pytest.importorskip("PIL.Image", reason="Pillow measures the screenshots")
BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium: apt-get install chromium")

WIDTH, HEIGHT = 1280, 1600
# no network at all: every host resolves to nothing, and any request would go to a dead proxy
OFFLINE = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
           "--disable-background-networking", "--no-first-run", "--no-default-browser-check"]


def _chromium(tmp_path, url: str, *action: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    command = [BROWSER, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={profile}",
               f"--window-size={WIDTH},{HEIGHT}", "--virtual-time-budget=3000", *OFFLINE, *action, url]
    done = subprocess.run(command, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    return done


def _dom(tmp_path, path, fragment: str = ""):
    done = _chromium(tmp_path, path.as_uri() + fragment, "--dump-dom")
    return lxml.html.fromstring(done.stdout)


def _screenshot(tmp_path, path, name: str):
    png = tmp_path / name
    _chromium(tmp_path, path.as_uri(), f"--screenshot={png}")
    return PIL.open(png).convert("RGB")


def _pixels(image) -> list[tuple[int, int, int]]:
    data = image.tobytes()
    return list(zip(data[0::3], data[1::3], data[2::3]))


def _inked(image) -> float:
    """Share of pixels that are not (nearly) white."""
    pixels = _pixels(image)
    return sum(1 for r, g, b in pixels if min(r, g, b) < 235) / len(pixels)


@pytest.fixture(scope="module")
def report(seed_run):
    return seed_run[2] / "report"


def test_index_renders_its_tables_and_chart_offline(report, tmp_path):
    page = _dom(tmp_path, report / "index.html")
    assert page.xpath("//h1")[0].text_content() == "审核报告：各市清单与省级清单对比"
    assert len(page.xpath("//table[@id='cities']/tbody/tr")) == 3
    assert len(page.xpath("//section[@id='matrix']//tbody/tr")) == 4 and len(page.xpath("//table")) == 3
    bars = page.xpath("//section[@id='chart']//svg//rect")
    assert len(bars) > 10


def test_city_page_filters_by_kind_and_bundle_in_the_browser(report, seed_run, tmp_path):
    data = json.loads((seed_run[2] / "diffs" / "青岛市.json").read_text(encoding="utf-8"))
    total = len(data["findings"])
    page = _dom(tmp_path, report / "青岛市.html")
    assert page.get_element_by_id("shown").text_content() == f"显示 {total} 条差异中的 {total} 条"   # the script ran
    missing = sum(1 for f in data["findings"] if f["kind"] == "missing")
    filtered = _dom(tmp_path, report / "青岛市.html", "#kind=missing")
    visible = [r for r in filtered.xpath("//table[@id='findings-table']/tbody/tr") if "hidden" not in r.get("class")]
    assert len(visible) == missing and {r.get("data-kind") for r in visible} == {"missing"}
    in_n1 = sum(1 for f in data["findings"] if f["kind"] == "missing" and f["bundle"] == "N1")
    both = _dom(tmp_path, report / "青岛市.html", "#kind=missing&bundle=N1")
    assert both.get_element_by_id("shown").text_content() == f"显示 {total} 条差异中的 {in_n1} 条"


@pytest.mark.parametrize("name, inked", [("index.html", 0.10), ("青岛市.html", 0.15)])
def test_screenshot_has_the_window_size_and_is_not_blank(report, tmp_path, name, inked):
    image = _screenshot(tmp_path, report / name, "shot.png")
    assert image.size == (WIDTH, HEIGHT)
    assert _inked(image) > inked
    assert len(set(_pixels(image))) > 50
    header = image.crop((0, 0, WIDTH, 60))
    assert max(_pixels(header), key=lambda p: p[2] - p[0])[2] > 100          # the blue page header drew
    if name == "index.html":                                                  # the chart's red bars drew
        assert sum(1 for r, g, b in _pixels(image) if r > 200 and g < 160 and b < 160) > 500


def test_the_page_prints(report, tmp_path):
    pdf = tmp_path / "index.pdf"
    _chromium(tmp_path, (report / "index.html").as_uri(), f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 20_000
