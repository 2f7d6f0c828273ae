"""Page images for OCR: a scanned page -> a straight, clean image, its tables and their cells.

Steps, in order (used by `extractors.ocr`):
1. ``render_page``: the PDF page as a grayscale image (pypdfium2) at the chosen dpi, colour ink made pale.
2. ``flatten_light``: uneven lighting evened out; ``binarize``: ink = 1 (Otsu), specks smaller than a
   full stop removed; ``deepen_ink``: faded print made black again.
3. ``deskew``: the angle of the long horizontal ruling lines (a straight line fitted to each), undone.
4. ``find_ruling_lines``: horizontal and vertical lines by morphological opening with long,
   thin kernels; their union is the table grid mask. ``undo_perspective``: a page photographed
   at an angle (its table's frame a quadrilateral, not a rectangle) is warped so that the frame
   is a rectangle again, and its lines are found again.
5. ``find_cells``: every table (a large connected part of the grid mask) and its cells (the
   holes of the grid inside it), placed on a row/column grid so that a merged cell covers
   several grid slots, like pdfplumber's tables.
6. ``blank_lines``: the page for Tesseract, ruling lines painted white (they are read as
   "|" and "一" otherwise, and they split words badly).
7. ``page_boxes``, ``stack_boxes`` (both: ``stack_blocks``): every printed line of every cell
   (``split_text_lines``), and every band of text outside tables, cut out and stacked one
   under the other with white gaps, so that one Tesseract call reads them all, no text line
   runs from one cell into the next (cells side by side whose lines do not share a baseline
   are misread badly when the page is read as one block) and no two lines of a cell are
   read as one.
All coordinates here are image pixels; `extractors.ocr` turns them into PDF points.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["GridCell", "GridTable", "render_page", "flatten_light", "deepen_ink", "binarize", "deskew", "find_ruling_lines",
           "undo_perspective", "find_cells",
           "blank_lines", "find_ring", "scan_dpi", "stack_blocks", "page_boxes", "stack_boxes", "split_text_lines", "Block"]


@dataclass(frozen=True)
class GridCell:
    row: int          # grid row and column of the top-left slot, 0-based
    col: int
    row_end: int      # last slot covered (inclusive)
    col_end: int
    box: tuple[int, int, int, int]   # x0, y0, x1, y1 of the cell's inside


@dataclass(frozen=True)
class GridTable:
    box: tuple[int, int, int, int]
    n_rows: int
    n_cols: int
    cells: tuple[GridCell, ...]

    def cell_at(self, x: float, y: float) -> GridCell | None:
        """The cell whose inside holds the point (or whose slot does, for points on a blanked line)."""
        best, best_d = None, 1e9
        for cell in self.cells:
            x0, y0, x1, y1 = cell.box
            dx = max(x0 - x, 0, x - x1)
            dy = max(y0 - y, 0, y - y1)
            d = dx + dy
            if d < best_d:
                best, best_d = cell, d
        return best


def render_page(page, dpi: int) -> np.ndarray:
    """Grayscale pixels (uint8, 255 = white) of a pypdfium2 page: of a colour page, the brightest
    channel per pixel, so that a red stamp (or a blue pen) over the table goes pale and black print
    stays black (as luminance, a red seal is as dark as the print: Otsu took it for ink). From the bitmap's
    own pixels (BGR, or BGRx: the fourth byte is no colour) by two maxima over whole channels:
    ``max(axis=2)`` over an RGB copy took 0.3 s of CPU per 300-dpi page, this 0.06 s, the same pixels."""
    pixels = page.render(scale=dpi / 72).to_numpy()
    if pixels.ndim == 2 or pixels.shape[2] == 1:
        return pixels.reshape(pixels.shape[:2]).copy()
    return np.maximum(np.maximum(pixels[..., 0], pixels[..., 1]), pixels[..., 2])


def scan_dpi(page) -> float | None:
    """The resolution a scanned page was made at: pixels per inch of its widest image (None without images)."""
    import pypdfium2.raw as pdfium_c
    best = None
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=1):
        left, _, right, _ = obj.get_bounds()
        width_px, _ = obj.get_px_size()
        if right - left > 0 and (best is None or right - left > best[0]):
            best = (right - left, width_px * 72 / (right - left))
    return best[1] if best else None


def flatten_light(gray: np.ndarray, dpi: int) -> np.ndarray:
    """The page with its paper made evenly white: each pixel over the brightest paper near it (a
    window of about 0.15 inch, wider than any stroke), so that a corner left dark by a lamp or a
    phone's shadow is not taken for ink. A page that is white already (a scanner's 1-bit page) is
    unchanged."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    k = max(3, int(0.15 * dpi / 4) | 1)
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    paper = cv2.GaussianBlur(paper, (0, 0), k / 2)
    paper = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    if paper.min() >= 250:
        return gray
    flat = gray.astype(np.float32) * 255 / np.maximum(paper.astype(np.float32), 1)
    return np.clip(flat, 0, 255).astype(np.uint8)


def deepen_ink(gray: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """Faded print made black again: grey levels stretched so that the darker part of the ink
    (its 20th percentile) is black; the later steps take "dark" as below 128, which faded print
    (grey 100-160) was not. A page whose ink is black already is unchanged. The percentile from
    the ink's histogram and the stretch as a table of the 256 grey levels: the same values as
    ``np.percentile`` over the ink's pixels and the stretch pixel by pixel, at a fifth of the CPU time."""
    counts = np.bincount(gray[ink > 0], minlength=256)
    n = int(counts.sum())
    if not n:
        return gray
    rank = 0.2 * (n - 1)   # np.percentile's default (linear) between the two values around this rank
    below = int(np.floor(rank))
    cum = np.cumsum(counts)
    first = int(np.searchsorted(cum, below, side="right"))
    second = int(np.searchsorted(cum, min(below + 1, n - 1), side="right"))
    lo = first + (second - first) * (rank - below)
    if lo <= 40:
        return gray
    levels = np.arange(256, dtype=np.float32)
    table = np.clip((levels - lo) * 255 / max(255 - lo, 1), 0, 255).astype(np.uint8)
    return cv2.LUT(gray, table)


def binarize(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Ink mask (uint8 0/255) without specks: components smaller than a third of a full stop go."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tiny = max(2, int(8 * (dpi / 300) ** 2))   # a full stop at 10.5 pt is about 25 px at 300 dpi
    small = np.where(stats[:, cv2.CC_STAT_AREA] <= tiny)[0]
    small = small[small != 0]
    if len(small):
        ink[np.isin(labels, small)] = 0
    return ink


def deskew(gray: np.ndarray, ink: np.ndarray, max_angle: float) -> tuple[np.ndarray, np.ndarray, float]:
    """(gray, ink) turned so that long near-horizontal lines are level, and the angle undone (degrees)."""
    h, w = ink.shape
    run = max(20, w // 25)   # 1 degree drifts under 2 px over this run: a tilted line survives the opening
    # thickened across first: a line tilted 3 degrees leaves a thin line's row within 80 px (degraded scans, tune half)
    thick = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, w // 350))))
    horizontal = cv2.morphologyEx(thick, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(horizontal, connectivity=8)
    angles = []
    for k in range(1, n):
        x, y, cw, ch, _area = stats[k]
        if cw < w // 4:
            continue
        ys, xs = np.nonzero(labels[y:y + ch, x:x + cw] == k)
        slope = np.polyfit(xs, ys, 1)[0]
        a = float(np.degrees(np.arctan(slope)))
        if abs(a) <= max_angle:
            angles.append(a)
    if not angles:
        return gray, ink, 0.0
    angle = float(np.median(angles))
    if abs(angle) < 0.05:
        return gray, ink, 0.0
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    gray = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    ink = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    return gray, ink, angle


def find_ruling_lines(ink: np.ndarray, dpi: int) -> np.ndarray:
    """Mask of table ruling lines: horizontal ink runs over 0.4 inch, vertical ones over 0.2 inch."""
    # Thin lines turned by a scanner step sideways every hundred pixels or so: thicken the
    # ink across the line direction first, so the opening sees one unbroken run.
    run_h, run_v = max(20, int(0.4 * dpi)), max(12, int(0.2 * dpi))
    rect = cv2.MORPH_RECT
    horizontal = cv2.morphologyEx(cv2.dilate(ink, cv2.getStructuringElement(rect, (1, 3))), cv2.MORPH_OPEN,
                                  cv2.getStructuringElement(rect, (run_h, 1)))
    vertical = cv2.morphologyEx(cv2.dilate(ink, cv2.getStructuringElement(rect, (3, 1))), cv2.MORPH_OPEN,
                                cv2.getStructuringElement(rect, (1, run_v)))
    grid = cv2.bitwise_or(horizontal, vertical)
    # close small breaks where a line was thinned by noise or the rotation
    return cv2.dilate(grid, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))


def undo_perspective(gray: np.ndarray, ink: np.ndarray, grid: np.ndarray,
                     dpi: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """(gray, ink) warped so that the frame of the page's largest table is a rectangle, and whether they were.

    A phone photo of a printed list is seen at an angle: a table's columns lean and narrow toward one side,
    and cells no longer line up on one row/column grid (on the tuning half's phone photos, 10 to 17 columns
    found for 9). The frame's corners are the extremes of the convex hull of its ruling lines; it is
    warped only when those corners make a quadrilateral holding nearly all the hull (``_QUAD_FILL``) and
    a corner is ``_LEANING`` inch or more out of line with its neighbours: straight scans, once deskewed,
    are left alone."""
    # told on the grid at a quarter of its size (0.1 s of CPU a page at full size, for pages nearly all left alone)
    small = (cv2.resize(grid, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA) > 0).astype(np.uint8)
    quad = _frame_corners(small, dpi / 4)
    if quad is None or _lean(quad) < _LEANING * dpi / 4:
        return gray, ink, False
    quad = _frame_corners(grid, dpi)
    if quad is None or _lean(quad) < _LEANING * dpi:
        return gray, ink, False
    tl, tr, br, bl = quad
    width = (np.hypot(*(tr - tl)) + np.hypot(*(br - bl))) / 2
    height = (np.hypot(*(bl - tl)) + np.hypot(*(br - tr))) / 2
    x0, y0 = (tl[0] + bl[0]) / 2, (tl[1] + tr[1]) / 2
    target = np.float32([[x0, y0], [x0 + width, y0], [x0 + width, y0 + height], [x0, y0 + height]])
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    h, w = gray.shape
    gray = cv2.warpPerspective(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    ink = cv2.warpPerspective(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    return gray, ink, True


_LEANING = 0.05    # inch a frame's corner is out of line with the one above or beside it (15 px at 300 dpi)
_QUAD_FILL = 0.97  # the frame's quadrilateral holds at least this share of its lines' convex hull


def _lean(quad: np.ndarray) -> float:
    """How far (px) a corner of ``quad`` is out of line with the one above/below or beside it."""
    tl, tr, br, bl = quad
    return float(max(abs(tl[0] - bl[0]), abs(tr[0] - br[0]), abs(tl[1] - tr[1]), abs(bl[1] - br[1])))


def _frame_corners(grid: np.ndarray, dpi: float) -> np.ndarray | None:
    """Corners (top left, top right, bottom right, bottom left) of the largest table frame in ``grid`` that
    does not touch the image's edge (a photo's edge, where the page ends, is no table), or None."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    if n < 2:
        return None
    h, w = grid.shape
    x, y, cw, ch = (stats[1:, i] for i in range(4))
    inside = (x > 2) & (y > 2) & (x + cw < w - 2) & (y + ch < h - 2) & (cw >= 2 * dpi) & (ch >= dpi)
    if not inside.any():
        return None
    k = 1 + int(np.argmax(np.where(inside, cw * ch, -1)))
    bx, by, bw, bh = (int(v) for v in stats[k][:4])
    ys, xs = np.nonzero(labels[by:by + bh, bx:bx + bw] == k)
    hull = cv2.convexHull(np.stack([xs + bx, ys + by], axis=1).astype(np.int32))[:, 0, :].astype(np.float64)
    total, diff = hull.sum(axis=1), hull[:, 0] - hull[:, 1]
    quad = np.array([hull[np.argmin(total)], hull[np.argmax(diff)], hull[np.argmax(total)], hull[np.argmin(diff)]])
    if cv2.contourArea(quad.astype(np.float32)) < _QUAD_FILL * cv2.contourArea(hull.astype(np.float32)):
        return None
    return quad


def find_cells(grid: np.ndarray, dpi: int) -> list[GridTable]:
    """Tables (top to bottom) with their cells on a row/column grid."""
    min_side = int(0.08 * dpi)   # a cell is at least about 2 mm in each direction
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    tables = []
    for k in range(1, n):
        x, y, w, h, _area = stats[k]
        if w < dpi or h < min_side * 2:
            continue
        part = (labels[y:y + h, x:x + w] == k).astype(np.uint8) * 255
        holes = cv2.bitwise_not(part)
        m, hl, hs, _ = cv2.connectedComponentsWithStats(holes, connectivity=4)
        boxes = []
        for j in range(1, m):
            bx, by, bw, bh, _a = hs[j]
            if bx == 0 or by == 0 or bx + bw >= w or by + bh >= h:   # outside the table's frame
                continue
            if bw >= min_side and bh >= min_side // 2:
                boxes.append((x + bx, y + by, x + bx + bw, y + by + bh))
        if len(boxes) >= 2:
            tables.append(_place_on_grid(tuple(int(v) for v in (x, y, x + w, y + h)), boxes, min_side))
    return sorted(tables, key=lambda t: t.box[1])


def _place_on_grid(box: tuple[int, int, int, int], boxes: list[tuple[int, int, int, int]], tol: int) -> GridTable:
    xs = _cluster([b[0] for b in boxes], tol)
    ys = _cluster([b[1] for b in boxes], tol)
    cells = []
    for x0, y0, x1, y1 in boxes:
        c0, r0 = _nearest(xs, x0), _nearest(ys, y0)
        c1 = max(c0, sum(1 for v in xs if v < x1 - tol) - 1)
        r1 = max(r0, sum(1 for v in ys if v < y1 - tol) - 1)
        cells.append(GridCell(r0, c0, r1, c1, (x0, y0, x1, y1)))
    cells.sort(key=lambda c: (c.row, c.col))
    return GridTable(box, len(ys), len(xs), tuple(cells))


def _cluster(values: list[int], tol: int) -> list[float]:
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [float(np.median(g)) for g in out]


def _nearest(centres: list[float], v: float) -> int:
    return min(range(len(centres)), key=lambda i: abs(centres[i] - v))


def blank_lines(gray: np.ndarray, grid: np.ndarray, tables: list[GridTable], margin: int) -> np.ndarray:
    """The page with ruling lines painted white, and a thin margin inside every cell's border too
    (ink left over from a tilted, jagged line is read as “, ” or | otherwise)."""
    wider = cv2.dilate(grid, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    out = gray.copy()
    out[wider > 0] = 255
    for table in tables:
        x0, y0, x1, y1 = table.box
        keep = np.zeros((y1 - y0, x1 - x0), dtype=bool)
        for cell in table.cells:
            a, b, c, d = cell.box
            keep[b - y0 + margin:d - y0 - margin, a - x0 + margin:c - x0 - margin] = True
        region = out[y0:y1, x0:x1]
        region[~keep] = 255
    return out


def find_ring(image: np.ndarray, box: tuple[int, int, int, int], min_height: float) -> tuple[int, int, int, int] | None:
    """The box of a ring (the circle of a circled number ①②…), at least ``min_height`` high, inside ``box``.

    Tesseract's chi_sim reads ① as 人, 候, G@ or @@; the ring is easy to see: an outer contour
    about one character high, as wide as high, with a hole, filling its enclosing circle
    (a square 口 fills 64% of it, a ring over 80%).
    """
    x0, y0, x1, y1 = (max(0, v) for v in box)
    crop = (image[y0:y1, x0:x1] < 128).astype(np.uint8)
    if crop.size == 0:
        return None
    contours, hierarchy = cv2.findContours(crop, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    for k, contour in enumerate(contours):
        if hierarchy[0][k][3] != -1 or hierarchy[0][k][2] == -1:   # outer contours with a hole
            continue
        bx, by, bw, bh = cv2.boundingRect(contour)
        if bh < min_height or not 0.8 <= bw / bh <= 1.25:
            continue
        (_, _), r = cv2.minEnclosingCircle(contour)
        if cv2.contourArea(contour) >= RING_FILL * np.pi * r * r:
            return x0 + bx, y0 + by, x0 + bx + bw, y0 + by + bh
    return None


RING_FILL = 0.8   # share of the enclosing circle; see find_ring


@dataclass(frozen=True)
class Block:
    """A piece of the page placed in the stacked image: page box and its top in the stack."""

    box: tuple[int, int, int, int]
    stack_top: int
    stack_left: int
    cell: tuple[int, GridCell] | None = None   # (table index, cell); None for text outside tables


def stack_blocks(image: np.ndarray, tables: list[GridTable], dpi: int) -> tuple[np.ndarray, list[Block]]:
    """(stacked image, blocks) for one Tesseract call; see step 7."""
    return stack_boxes(image, page_boxes(image, tables, dpi), tables, dpi)


Box = tuple[int, int, int, int, "tuple[int, GridCell] | None"]   # x0, y0, x1, y1, (table, cell) or None


def page_boxes(image: np.ndarray, tables: list[GridTable], dpi: int) -> list[Box]:
    """Every printed line of every cell, and every band of text outside tables, as boxes."""
    dark = image < 128
    boxes: list[Box] = []
    outside = dark.copy()
    for t, table in enumerate(tables):
        x0, y0, x1, y1 = table.box
        outside[y0:y1, x0:x1] = False
        for cell in table.cells:
            a, b, c, d = cell.box
            for top, bottom in split_text_lines(dark[b:d, a:c], dpi):
                boxes.append((a, b + top, c, b + bottom, (t, cell)))
    rows = np.nonzero(outside.any(axis=1))[0]
    if len(rows):
        band_gap = max(10, dpi // 6)
        start = prev = int(rows[0])
        for y in list(rows[1:]) + [None]:
            if y is None or y - prev > band_gap:
                cols = np.nonzero(outside[start:prev + 1].any(axis=0))[0]
                pad = dpi // 30
                boxes.append((max(0, int(cols[0]) - pad), max(0, start - pad),
                              min(image.shape[1], int(cols[-1]) + pad + 1), min(image.shape[0], prev + pad + 1), None))
                if y is not None:
                    start = int(y)
            if y is not None:
                prev = int(y)
    return boxes


def stack_boxes(image: np.ndarray, boxes: list[Box], tables: list[GridTable], dpi: int) -> tuple[np.ndarray, list[Block]]:
    """The boxes cut out of the page and stacked one under the other, with white gaps, in page order."""
    gap = max(20, dpi // 6)
    width = max((c - a for a, _, c, _, _ in boxes), default=1) + 2 * gap
    height = sum(d - b + gap for _, b, _, d, _ in boxes) + gap
    stack = np.full((height, width), 255, dtype=np.uint8)
    blocks, top = [], gap
    for a, b, c, d, cell in sorted(boxes, key=lambda bx: (bx[1], bx[0])):
        part = image[b:d, a:c].copy()
        if cell is None:   # text outside tables only: the tables' parts of the band stay white
            part[_inside_any(tables, a, b, c, d)] = 255
        stack[top:top + d - b, gap:gap + c - a] = part
        blocks.append(Block((a, b, c, d), top, gap, cell))
        top += d - b + gap
    return stack, blocks


def split_text_lines(dark: np.ndarray, dpi: int) -> list[tuple[int, int]]:
    """(top, bottom) of every printed line in a cell's ink mask, padded into the white between lines.

    Tesseract (``--psm 6``) reading a whole cell sometimes takes a line and the short line
    under it for one ("2.缴费人员增减申" + "报" read as "2全"); cut apart, each line reads alone.
    A band of ink rows far lower than the tallest (the strokes of 二 or 三 alone, a stray dot)
    joins the nearer band next to it rather than becoming a line of its own.
    """
    rows = np.nonzero(dark.any(axis=1))[0]
    if not len(rows):
        return []
    bands: list[list[int]] = []
    for y in rows:
        if bands and y == bands[-1][1] + 1:
            bands[-1][1] = int(y)
        else:
            bands.append([int(y), int(y)])
    tall = max(b - a + 1 for a, b in bands)
    k = 0
    while len(bands) > 1 and k < len(bands):
        a, b = bands[k]
        if b - a + 1 >= LINE_SHARE * tall:
            k += 1
            continue
        above = a - bands[k - 1][1] if k > 0 else None
        below = bands[k + 1][0] - b if k + 1 < len(bands) else None
        j = k - 1 if below is None or (above is not None and above <= below) else k + 1
        bands[min(j, k)] = [min(bands[j][0], a), max(bands[j][1], b)]
        del bands[max(j, k)]
        k = max(0, min(j, k))
    pad = max(2, dpi // 30)
    out = []
    for k, (a, b) in enumerate(bands):
        lo = (bands[k - 1][1] + a) // 2 + 1 if k else max(0, a - pad)
        hi = (b + bands[k + 1][0]) // 2 if k + 1 < len(bands) else min(dark.shape[0], b + 1 + pad)
        out.append((max(lo, a - pad), min(hi, b + 1 + pad)))
    return out


LINE_SHARE = 0.5   # a band under half the tallest line's height is part of a line, not one (see split_text_lines)


def _inside_any(tables: list[GridTable], a: int, b: int, c: int, d: int) -> np.ndarray:
    """Mask (over the box a,b,c,d) of pixels inside some table."""
    mask = np.zeros((d - b, c - a), dtype=bool)
    for t in tables:
        x0, y0, x1, y1 = t.box
        mask[max(0, y0 - b):max(0, y1 - b), max(0, x0 - a):max(0, x1 - a)] = True
    return mask
