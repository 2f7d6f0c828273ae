"""PP-OCR (PP-OCRv4 recogniser from the rapidocr-onnxruntime wheel) on the printed lines the grid found.

Steps, in order (used by `extractors.ocr.read_page` beside Tesseract's reading):
1. ``ppocr_available``: the wheel and onnxruntime import here (the models ship in the wheel:
   nothing is downloaded at run time); without them the OCR reader is Tesseract alone.
2. ``line_crops``: every printed line of a cell (the boxes of `extractors.ocr.image.page_boxes`)
   cut to its ink, with a little white around it and ``MARGIN`` more above and below, squeezed
   to ``SQUEEZE`` of its width (the recogniser's work grows with the width of the crop scaled to
   48 px high), as the BGR image the recogniser takes.
3. ``read_lines``: the recogniser alone (no detection: the grid and ``split_text_lines``
   already found each line) on the crops of a page one at a time (batches of 6, the wheel's
   default, pad every crop to the widest of its batch: 25% more CPU time on the degraded scans'
   pages, see ``read_lines``); per box its text, score (0..1, the mean of its characters'),
   each character's own probability (a line's weakest character says more than the mean)
   and where it stands in the crop (`extractors.ocr.lead` cuts the lead there).
The engine is made once per file (``make_engine``), not per page or line.
"""
from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

from extractors.engines import ppocr_available

__all__ = ["ppocr_available", "make_engine", "line_crops", "crop_span", "ink_span", "read_lines", "PpLine", "ENGINE_NAME", "MARGIN", "SQUEEZE"]

ENGINE_NAME = "ppocr"   # in Row.engines; Tesseract is "tesseract"
_PAD = 8                # px of white kept around a line's ink (at 300 dpi; the recogniser wants a margin)


def make_engine(threads: int = 1):
    """The wheel's PP-OCRv4 recogniser (its ``TextRecognizer``: ``engine(crops) -> ([(text, score)], s)``,
    ``engine.session``), or None when the wheel is missing.

    The recogniser alone: the wheel's ``RapidOCR`` also builds the detector and the direction classifier,
    which are not run here (0.2 s of CPU per file, a 1-page scan's tenth). threads: the run reads one file
    per core, so one thread each (2 threads for one page at a time: ``threads=2``).
    """
    if not ppocr_available():
        return None
    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path
    config = update_model_path(read_yaml(DEFAULT_CFG_PATH))["Rec"]
    config.update(intra_op_num_threads=threads, inter_op_num_threads=1)
    return TextRecognizer(config)


def line_crops(image: np.ndarray, boxes: list, dpi: int) -> dict[int, np.ndarray]:
    """Index into ``boxes`` -> the line's crop (BGR), for the boxes of table cells that hold ink, with white
    above and below (``MARGIN``)."""
    out: dict[int, np.ndarray] = {}
    for k, box in enumerate(boxes):
        span = crop_span(image, box, dpi)
        if span is not None:
            part = image[box[1]:box[3], span[0]:span[1]]
            edge = round(MARGIN * part.shape[0])
            part = cv2.copyMakeBorder(part, edge, edge, 0, 0, cv2.BORDER_CONSTANT, value=255)
            part = cv2.resize(part, (max(1, round(part.shape[1] * SQUEEZE)), part.shape[0]), interpolation=cv2.INTER_AREA)
            out[k] = cv2.cvtColor(part, cv2.COLOR_GRAY2BGR)
    return out


# Share of a line box's height added as white above and below its crop. The recogniser scales a crop to 48 px
# high and its work grows with the width that gives: measured on two pages each of three scans of the tuning
# half (767 lines), 0.125 (the text at 0.8 of its size) took 19% less CPU time and changed 7 readings (circled
# numbers, which Tesseract reads, and punctuation widths); 0.2 (0.7) 29% less and changed 9. On the whole tuning
# half 0.2 lost an item at 150 dpi and its CPU time was not told from 0.125's (3.09 s/page either way, load 5-6).
MARGIN = 0.125
# Share of its width a crop keeps (squeezed sideways, its height kept): the recogniser's CPU time is 1.1 ms per crop
# and 6.4 ms per 100 px of scaled width, and Chinese characters read as well narrower. Tuning half, whole
# (`python -m pipeline.bench ocr --degraded --half tune`, 2 files at a time), 300-dpi s/page: 1.0 3.35, 0.8 2.98,
# 0.7 2.87, 0.6 2.86; items 1013/1013 at 1.0 and 0.7, 1012 at 0.8 and 0.6; unflagged P 1.000 at each. Narrow
# marks (")", ".", '"') are read less surely squeezed and more of their lines go to Tesseract whole (0.70 s -> 0.89 s
# of Tesseract per page), which is in those figures.
SQUEEZE = 0.7


def crop_span(image: np.ndarray, box, dpi: int) -> tuple[int, int] | None:
    """(x0, x1) in page pixels of the crop ``line_crops`` cuts from a table cell's line box: its ink, with
    a little white either side; None for a box outside tables or without ink."""
    a, b, c, d, cell = box
    if cell is None:
        return None
    return ink_span(a, c, np.nonzero((image[b:d, a:c] < 128).any(axis=0))[0], dpi)


def ink_span(a: int, c: int, cols: np.ndarray, dpi: int) -> tuple[int, int] | None:
    """`crop_span` of a box from ``a`` to ``c`` whose inked columns (from ``a``) are ``cols``."""
    if not len(cols):
        return None
    pad = max(3, round(_PAD * dpi / 300))
    return a + max(0, int(cols[0]) - pad), a + min(c - a, int(cols[-1]) + pad + 1)


class PpLine(NamedTuple):
    text: str
    score: float                  # mean probability of its characters (the wheel's score)
    probs: tuple[float, ...]      # each character's probability, in the order of ``text``
    xs: tuple[float, ...] = ()    # where each character stands: its middle, as a share of the crop's width


def read_lines(engine, crops: dict[int, np.ndarray]) -> dict[int, PpLine]:
    """Index -> `PpLine` of the recogniser on each crop.

    Each crop is one run of the model, at its own width (scaled to the model's height, 48 px):
    measured on two 300-dpi pages of a degraded scan (215 lines), CPU time 5.9-6.1 s one at a
    time, 6.0 s in twos, 8.2 s in the wheel's sixes (a batch waits for its widest crop); 5.2 s
    instead of 6.25 s when a short crop is not padded to 320 px as the wheel pads it (122 of
    the 215 are shorter; 3 readings changed, in punctuation only: "股)" -> "股）" twice, "“" -> '"').
    The decoding is the wheel's CTC greedy decoding (repeats and blanks dropped), done here to
    keep each character's probability and where it stands (the time step it was read at: one per
    8 px of the scaled crop)."""
    if engine is None or not crops:
        return {}
    rec = engine
    chars = rec.postprocess_op.character
    out: dict[int, PpLine] = {}
    for k, crop in crops.items():
        ratio = max(1.0, crop.shape[1] / crop.shape[0])
        preds = rec.session(rec.resize_norm_img(crop, ratio)[np.newaxis].astype(np.float32))[0][0]
        idx, prob = preds.argmax(axis=1), preds.max(axis=1)
        keep = np.ones(len(idx), dtype=bool)
        keep[1:] = idx[1:] != idx[:-1]
        keep &= idx != 0   # the blank
        text = "".join(chars[i] for i in idx[keep])
        steps = np.nonzero(keep)[0]
        out[k] = PpLine(text, float(np.mean(prob[keep])) if keep.any() else 0.0,
                        tuple(round(float(p), 4) for p in prob[keep]),
                        tuple(round(float((t + 0.5) / len(idx)), 4) for t in steps))
    return out
