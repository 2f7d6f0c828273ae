"""The few exception types users meet, each with a short stable code.

Messages say what happened, where, and what to do next. Library exceptions
are wrapped at the boundary with ``raise ... from err``.
"""
from __future__ import annotations


__all__ = [
    "PipelineError", "UnreadableInput", "EncryptedInput", "NeedsOcr", "LimitExceeded", "HostileInput",
    "UnsupportedFormat",
    "StructureNotRecognised", "ConfigError", "WorkbookRejected", "InternalError", "HINT_INSTALL_OCR",
]


class PipelineError(Exception):
    """Base class. ``code`` is short and searchable; ``where`` names the file/page/row."""

    code = "E000"

    def __init__(self, message: str, *, where: str = "", hint: str = "") -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        head = f"[{self.code}] {self.where}: {self.message}" if self.where else f"[{self.code}] {self.message}"
        return f"{head} — {self.hint}" if self.hint else head


class UnreadableInput(PipelineError):
    """The bytes cannot be read: empty, truncated, encrypted, undecodable."""

    code = "E100"


class EncryptedInput(UnreadableInput):
    """The file is password protected and no (or a wrong) password was given."""

    code = "E110"


class NeedsOcr(UnreadableInput):
    """The PDF has no usable text layer (page images, or fonts without a Unicode map)."""

    code = "E120"


class LimitExceeded(UnreadableInput):
    """The file is bigger, longer or slower than `pipeline.limits.Limits` allows."""

    code = "E150"


class HostileInput(UnreadableInput):
    """The file is built to exhaust the reader (zip bomb, XML entity declarations)."""

    code = "E160"


class UnsupportedFormat(PipelineError):
    """The file is of a kind we do not read, or its name lies about its kind."""

    code = "E200"


class StructureNotRecognised(PipelineError):
    """The file was read but holds no list we recognise (no known table header)."""

    code = "E300"


class ConfigError(PipelineError):
    """A setting, manifest entry or command-line value is not allowed."""

    code = "E400"


class WorkbookRejected(ConfigError):
    """A review workbook cannot be imported; nothing was written."""

    code = "E410"


# What to do about a PDF that needs OCR here (E120): one wording for the scanned and the unmapped-font case.
def N_(msgid: str) -> str:
    """Mark a message for the catalogue (``pipeline.core.i18n.N_``; not imported: i18n imports this module)."""
    return msgid


HINT_INSTALL_OCR = N_("install Tesseract with Chinese (apt-get install tesseract-ocr tesseract-ocr-chi-sim) and the OCR "
                    "extra (pip install '.[ocr]') to read it by OCR, or ask for the born-digital Word/PDF file")


class InternalError(PipelineError):
    """A bug in this tool; please report it with the file that triggered it."""

    code = "E900"
