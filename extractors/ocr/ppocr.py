"""PP-OCR (PP-OCRv4 recogniser from the rapidocr-onnxruntime wheel) on the printed lines the grid found.

Steps, in order (used by `extractors.ocr.read_page` beside Tesseract's reading):
1. ``ppocr_available``: the wheel and onnxruntime import here (the models ship in the wheel:
   nothing is downloaded at run time); without them the OCR reader is Tesseract alone.
2. ``line_crops``: every printed line of a cell (the boxes of `extractors.ocr.image.page_boxes`)
   cut to its ink, with a little white around it, as the BGR image the recogniser takes.
3. ``read_lines``: the recogniser alone (no detection: the grid and ``split_text_lines``
   already found each line) on the crops of a page one at a time (batches of 6, the wheel's
   default, pad every crop to the widest of its batch: 25% more CPU time on the degraded scans'
   pages, see ``read_lines``); per box its text, score (0..1, the mean of its characters') and
   each character's own probability (a line's weakest character says more than the mean).
The engine is made once per file (``make_engine``), not per page or line.
"""
from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

from extractors.engines import ppocr_available

__all__ = ["ppocr_available", "make_engine", "line_crops", "read_lines", "PpLine", "ENGINE_NAME"]

ENGINE_NAME = "ppocr"   # in Row.engines; Tesseract is "tesseract"
_PAD = 8                # px of white kept around a line's ink (at 300 dpi; the recogniser wants a margin)


def make_engine(threads: int = 1):
    """A RapidOCR engine, or None when the wheel is missing.

    ``text_score=0.0``: the default 0.5 silently drops lines (TOOLCHAIN.md); threads: the run
    reads one file per core, so one thread each (2 threads for one page at a time: ``threads=2``).
    """
    if not ppocr_available():
        return None
    from rapidocr_onnxruntime import RapidOCR
    return RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, text_score=0.0)


def line_crops(image: np.ndarray, boxes: list, dpi: int) -> dict[int, np.ndarray]:
    """Index into ``boxes`` -> the line's crop (BGR), for the boxes of table cells that hold ink."""
    pad = max(3, round(_PAD * dpi / 300))
    out: dict[int, np.ndarray] = {}
    for k, (a, b, c, d, cell) in enumerate(boxes):
        if cell is None:
            continue
        part = image[b:d, a:c]
        cols = np.nonzero((part < 128).any(axis=0))[0]
        if not len(cols):
            continue
        x0, x1 = max(0, int(cols[0]) - pad), min(part.shape[1], int(cols[-1]) + pad + 1)
        out[k] = cv2.cvtColor(np.ascontiguousarray(part[:, x0:x1]), cv2.COLOR_GRAY2BGR)
    return out


class PpLine(NamedTuple):
    text: str
    score: float                  # mean probability of its characters (the wheel's score)
    probs: tuple[float, ...]      # each character's probability, in the order of ``text``


def read_lines(engine, crops: dict[int, np.ndarray]) -> dict[int, PpLine]:
    """Index -> `PpLine` of the recogniser on each crop.

    Each crop is one run of the model, at its own width (scaled to the model's height, 48 px):
    measured on two 300-dpi pages of a degraded scan (215 lines), CPU time 5.9-6.1 s one at a
    time, 6.0 s in twos, 8.2 s in the wheel's sixes (a batch waits for its widest crop); 5.2 s
    instead of 6.25 s when a short crop is not padded to 320 px as the wheel pads it (122 of
    the 215 are shorter; 3 readings changed, in punctuation only: "股)" -> "股）" twice, "“" -> '"').
    The decoding is the wheel's CTC greedy decoding (repeats and blanks dropped), done here to
    keep each character's probability."""
    if engine is None or not crops:
        return {}
    rec = engine.text_rec
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
        out[k] = PpLine(text, float(np.mean(prob[keep])) if keep.any() else 0.0,
                        tuple(round(float(p), 4) for p in prob[keep]))
    return out
