"""Which OCR engines can run here, told without importing them.

The answer is part of every cache key (a scan refused for want of OCR is read once OCR is
installed), so even a run that reads nothing asks it: importing the OCR package (OpenCV,
NumPy) to ask would cost 0.4 s of a warm run's second. ``extractors.ocr`` uses the same tests.
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess

__all__ = ["available_engines", "ocr_extra_installed", "ppocr_available", "tesseract_available"]

# what ``extractors.ocr`` imports beyond the base install (the ``ocr`` extra)
_OCR_EXTRA = ("cv2", "numpy", "pypdfium2")


def ocr_extra_installed() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in _OCR_EXTRA)


def ppocr_available() -> bool:
    """Do rapidocr-onnxruntime and onnxruntime import here (pip install '.[ocr]')?"""
    return all(importlib.util.find_spec(name) is not None for name in ("rapidocr_onnxruntime", "onnxruntime"))


def tesseract_available(lang: str = "chi_sim") -> bool:
    """Is the ``tesseract`` program installed with the language pack ``lang``?"""
    exe = shutil.which("tesseract")
    if exe is None:
        return False
    try:
        done = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return lang in done.stdout.split()


def available_engines(lang: str = "chi_sim") -> tuple[str, ...]:
    """The OCR engines that can run here, sorted: "ppocr" (rapidocr-onnxruntime), "tesseract" (with ``lang``);
    () without the OCR extra."""
    if not ocr_extra_installed():
        return ()
    return tuple(name for name, ok in (("ppocr", ppocr_available()), ("tesseract", tesseract_available(lang))) if ok)
