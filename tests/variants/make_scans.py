"""Scans as users have them: the PDF fixtures printed, scanned or photographed badly, as image-only PDFs.

Each family below is one way a scan goes wrong (or several at once, as in an ordinary office
scan): tilt up to 3°, 150-300 dpi, blur, JPEG quality 30-90, noise, specks, fading, uneven
lighting, a phone photo's perspective, a red stamp over the table. Every family belongs to one
half, "tune" or "held" (``FAMILIES`` below, fixed before any threshold was tuned, never from
results): thresholds and confidences are chosen on the tune half only; the held half is what
is reported (``python -m pipeline.bench ocr --degraded``).

A family is applied to the Baiyin fixture (printed national codes: the hardest for codes) and
to one more fixture in turn (``FIXTURES_OF``), so that every half sees every fixture.

    from tests.variants.make_scans import FAMILIES, write_family
    write_family("office_dusty", Path("/tmp/scans"))   # -> [(path, made_from gold, fixture)]

Or from the command line: ``python tests/variants/make_scans.py OUT [--half tune|held|all]``.
The output is the same on every run (seeded by the family's name), except the PDF time stamps.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BASE = "bundle_baiyin_codes_units_landscape.pdf"
OTHERS = ("bundle_qingdao_merged_cells.pdf", "bundle_shandong_three_lists.pdf", "prose_zibo_numbered_items.pdf",
          "catalog_social_insurance_merged_categories.pdf")


@dataclass(frozen=True)
class Family:
    half: str                 # "tune" or "held"
    dpi: int = 300            # 150-300
    tilt: float = 0.0         # degrees, up to 3; the sign alternates by page
    blur: float = 0.0         # Gaussian sigma in pixels at 300 dpi
    jpeg: int = 90            # JPEG quality 30-90
    noise: float = 0.0        # grey levels (sigma)
    specks: int = 0           # per megapixel
    fade: float = 0.0         # 0..1: ink this much lighter
    light: float = 0.0        # 0..1: darkening towards one corner (uneven lighting)
    perspective: float = 0.0  # share of the page a corner moves (a phone photo held at an angle)
    stamp: bool = False       # a red seal over the table
    kind: str = "scan"        # "scan" or "phone" (what the report groups it under)


# The split, made before tuning: each half has office scans, strong tilt, hard JPEG, fading/lighting,
# a phone photo and a stamp; 200 dpi and 150 dpi sit in both halves.
FAMILIES: dict[str, Family] = {
    # tune
    "office_light": Family("tune", tilt=0.8, blur=0.7, jpeg=75, noise=6, specks=40),
    "tilt_3deg": Family("tune", tilt=3.0, blur=0.5, jpeg=85, noise=4),
    "jpeg_30": Family("tune", jpeg=30, tilt=0.4, noise=4),
    "faded_uneven_250dpi": Family("tune", dpi=250, fade=0.45, light=0.35, jpeg=80, noise=5),
    "phone_tilted": Family("tune", dpi=220, perspective=0.035, light=0.3, blur=0.9, jpeg=70, noise=6, kind="phone"),
    "stamp_300dpi": Family("tune", stamp=True, tilt=0.6, jpeg=80, noise=4),
    "low_150dpi": Family("tune", dpi=150, blur=0.4, jpeg=85, noise=4),
    # held back
    "office_dusty": Family("held", tilt=0.9, blur=1.0, jpeg=60, noise=10, specks=120, fade=0.25),
    "tilt_2deg_blurred": Family("held", tilt=2.2, blur=1.2, jpeg=70, noise=6),
    "jpeg_45_noisy": Family("held", jpeg=45, noise=12, specks=60, tilt=0.5),
    "faded_grey": Family("held", fade=0.6, light=0.2, jpeg=80, noise=4, tilt=0.3),
    "stamp_jpeg_50": Family("held", stamp=True, jpeg=50, noise=6, tilt=1.2),
    "office_200dpi": Family("held", dpi=200, tilt=0.9, blur=0.8, jpeg=65, noise=8, specks=60, fade=0.2),
    "phone_shadowed": Family("held", dpi=200, perspective=0.05, light=0.45, blur=1.1, jpeg=60, noise=8, tilt=1.0,
                             kind="phone"),
}


def fixtures_of(name: str) -> tuple[str, str]:
    """The two fixtures a family is applied to: Baiyin and one other, in turn by the family's place."""
    k = list(FAMILIES).index(name)
    return BASE, OTHERS[k % len(OTHERS)]


def _rng(*parts: object) -> np.random.Generator:
    seed = int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:12], 16)
    return np.random.default_rng(seed)


def degrade_page(page, fam: Family, page_no: int, rng: np.random.Generator) -> Image.Image:
    """One page as the family's scanner or phone gives it (RGB)."""
    import cv2
    rgb = np.asarray(page.render(scale=fam.dpi / 72).to_pil().convert("RGB"), dtype=np.float32)
    h, w = rgb.shape[:2]
    px = fam.dpi / 300
    if fam.fade:
        rgb = 255 - (255 - rgb) * (1 - fam.fade)
    if fam.stamp:
        rgb = _stamp(rgb, rng, fam.dpi)
    if fam.light:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        corner = rng.integers(0, 4)
        fx = xx / w if corner in (0, 2) else 1 - xx / w
        fy = yy / h if corner in (0, 1) else 1 - yy / h
        rgb = rgb * (1 - fam.light * (fx * fy))[..., None]
    if fam.tilt:
        angle = fam.tilt * (1 if page_no % 2 else -1) * (0.85 + 0.15 * rng.random())
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        rgb = cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    if fam.perspective:
        d = fam.perspective * min(w, h)
        src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        moved = src + np.float32([[d * rng.random(), d * rng.random()], [-d * rng.random(), d * 0.3 * rng.random()],
                                  [-d * 0.3 * rng.random(), -d * 0.2 * rng.random()], [d * 0.2 * rng.random(), 0]])
        m = cv2.getPerspectiveTransform(src, moved)
        rgb = cv2.warpPerspective(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(120, 120, 115))
    if fam.blur:
        rgb = cv2.GaussianBlur(rgb, (0, 0), fam.blur * px)
    if fam.noise:
        rgb = rgb + rng.normal(0.0, fam.noise, rgb.shape[:2])[..., None]
    if fam.specks:
        n = int(fam.specks * h * w / 1e6)
        size = max(1, round(2 * px))
        for y, x in zip(rng.integers(0, h - size, n), rng.integers(0, w - size, n)):
            rgb[y:y + size, x:x + size] = 30
    image = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=fam.jpeg)
    return Image.open(io.BytesIO(buf.getvalue()))


def _stamp(rgb: np.ndarray, rng: np.random.Generator, dpi: int) -> np.ndarray:
    """A red seal (ring, star, a band of marks like its characters), 4 cm across, over the table."""
    import cv2
    h, w = rgb.shape[:2]
    r = int(0.8 * dpi)
    cx, cy = int(w * (0.35 + 0.3 * rng.random())), int(h * (0.3 + 0.4 * rng.random()))
    mask = np.zeros((h, w), dtype=np.uint8)
    cv2.circle(mask, (cx, cy), r, 255, max(2, dpi // 40))
    star = np.array([[cx + r * 0.35 * np.cos(np.pi / 2 + k * 4 * np.pi / 5),
                      cy - r * 0.35 * np.sin(np.pi / 2 + k * 4 * np.pi / 5)] for k in range(5)], dtype=np.int32)
    cv2.fillPoly(mask, [star], 255)
    for k in range(14):   # the seal's characters: short strokes along the ring
        a = np.pi * (0.15 + 0.7 * k / 13)
        x, y = cx - 0.72 * r * np.cos(a), cy - 0.72 * r * np.sin(a)
        cv2.rectangle(mask, (int(x - r * 0.06), int(y - r * 0.08)), (int(x + r * 0.06), int(y + r * 0.08)), 255,
                      max(1, dpi // 100))
    ink = (mask > 0) & (rng.random((h, w)) > 0.15)    # a stamp never inks evenly
    red = np.array([205, 40, 45], dtype=np.float32)
    out = rgb.copy()
    out[ink] = out[ink] * red / 255                     # multiplied over the print, like ink
    return out


def write_family(name: str, out: Path) -> list[tuple[Path, str, str]]:
    """The family's scans in ``out`` (made if need be): [(scan, gold file it was made from, fixture)]."""
    import pypdfium2 as pdfium
    fam = FAMILIES[name]
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for fixture in fixtures_of(name):
        expected = json.loads((FIXTURES / (fixture + ".expected.json")).read_text(encoding="utf-8"))
        target = out / f"{Path(fixture).stem}.{name}.pdf"
        if not target.exists():
            doc = pdfium.PdfDocument(str(FIXTURES / fixture))
            try:
                pages = [degrade_page(doc[n], fam, n + 1, _rng(name, fixture, n)) for n in range(len(doc))]
            finally:
                doc.close()
            pages[0].save(target, "PDF", resolution=float(fam.dpi), save_all=True, append_images=pages[1:])
        made.append((target, expected["made_from"], fixture))
    return made


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--half", choices=("tune", "held", "all"), default="all")
    args = ap.parse_args(argv)
    for name, fam in FAMILIES.items():
        if args.half in ("all", fam.half):
            for path, _, _ in write_family(name, args.out):
                print(fam.half, name, path.name, path.stat().st_size // 1024, "KiB")


if __name__ == "__main__":
    main()
