"""PP-OCR (PP-OCRv4 recogniser from the rapidocr-onnxruntime wheel) on the printed lines the grid found.

Steps, in order (used by `extractors.ocr.read_page` beside Tesseract's reading):
1. ``ppocr_available``: the wheel and onnxruntime import here (the models ship in the wheel:
   nothing is downloaded at run time); without them the OCR reader is Tesseract alone.
2. ``line_crops``: every printed line of a cell (the boxes of `extractors.ocr.image.page_boxes`)
   cut to its ink, with a little white around it, as the BGR image the recogniser takes.
3. ``read_lines``: the recogniser alone (no detection: the grid and ``split_text_lines``
   already found each line) on all the crops of a page in its batches; per box its text and
   score (0..1).
The engine is made once per file (``make_engine``), not per page or line.
"""
from __future__ import annotations


import cv2
import numpy as np

from extractors.engines import ppocr_available

__all__ = ["ppocr_available", "make_engine", "line_crops", "read_lines", "ENGINE_NAME"]

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


def read_lines(engine, crops: dict[int, np.ndarray]) -> dict[int, tuple[str, float]]:
    """Index -> (text, score) of the recogniser on each crop (one call over all of them)."""
    if engine is None or not crops:
        return {}
    keys = list(crops)
    results, _elapsed = engine.text_rec([crops[k] for k in keys])
    return {k: (text, float(score)) for k, (text, score) in zip(keys, results)}
