"""OCR of scanned PDFs (pages without a text layer): the same `Row`s as `extractors.pdf`.

``read_scan`` is the reader (its docstring lists the steps); ``image`` finds ruling lines and
cells, ``chars`` turns Tesseract's characters into printed lines, ``marks`` restores list
markers, ``reread`` reads unsure cells and lines again, ``ppocr`` reads every cell line with
PP-OCR (rapidocr-onnxruntime) where it is installed, ``lead`` says which parts of those lines
Tesseract reads too (the leads, and what PP-OCR was unsure of) and ``fuse`` makes one reading
of the two, with its confidence. Importing this package fails with ImportError when the OCR extra (OpenCV)
is missing; without rapidocr-onnxruntime, Tesseract reads alone.
"""
from __future__ import annotations

from extractors.ocr.ppocr import ppocr_available
from extractors.ocr.read_scan import (
    OcrChar,
    OcrSettings,
    available_engines,
    debug_page,
    extract_rows,
    tesseract_available,
)

__all__ = ["extract_rows", "OcrSettings", "OcrChar", "tesseract_available", "ppocr_available", "available_engines",
           "debug_page"]
