"""The users' language: one gettext catalogue (``pipeline/locale/``), Chinese by default.

Messages are written in English in the code, each through ``t(msgid, **params)`` (it marks
the text for extraction by Babel and returns it formatted) or ``N_(msgid)`` (marks only).
The library keeps them in English (the cache, the dataset's ``reason``/``message`` columns and
the JSON diffs are the same bytes in every language); what people read is translated at the
edge by a ``Translator``, which recognises a rendered English message by its msgid (the
placeholders become captures, themselves translated when they are messages too):

>>> tr = Translator("zh")
>>> tr(t("the file is empty"))
'文件是空的'
>>> Translator("en")(t("the file is empty"))
'the file is empty'

The language is ``--lang``, else ``RENSHE_LANG``, else Chinese (``resolve_lang``). The system
locale is not followed: servers and CI set ``LANG=C.UTF-8`` or ``en_US.UTF-8`` whoever reads the
output, and ``out/`` must be the same bytes on every machine.

Adding a message: write it as ``t("… {name} …", name=value)``, then run
``python -m pipeline.core.i18n_catalog update`` and fill its ``msgstr`` in
``pipeline/locale/zh/LC_MESSAGES/renshe.po``, then ``python -m pipeline.core.i18n_catalog compile``
(``tests/pipeline/core/test_i18n.py`` names every message without a translation).
"""
from __future__ import annotations

import gettext
import hashlib
import os
import re
import string
from pathlib import Path

__all__ = ["t", "N_", "Translator", "resolve_lang", "wording_version", "LANGS", "DEFAULT_LANG", "LOCALE_DIR", "DOMAIN"]

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
DOMAIN = "renshe"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
def N_(msgid: str) -> str:
    """Mark ``msgid`` for the catalogue only (a constant translated where it is shown)."""
    return msgid


_LOCATION_PIECE = re.compile(r"(page|table|row|cell|line|column) \d+\Z")
_CODE_HEAD = re.compile(r"^\[(E\d{3})\] ")
_HINT_SEP = " — "
_PIECE_SEP = ", "
MIN_LITERAL = 3       # letters a template must have besides its placeholders to be recognised in a text
# the words of a location (``Provenance.describe``, spreadsheet cells), translated piece by piece
LOCATION_WORDS = (N_("page {n}"), N_("table {n}"), N_("row {n}"), N_("cell {n}"), N_("line {n}"), N_("column {n}"))


def t(msgid: str, **params) -> str:
    """Mark ``msgid`` for the catalogue and return it in English with ``params`` filled in."""
    return msgid.format(**params) if params else msgid


def resolve_lang(given: str | None = None, environ: dict | None = None) -> str:
    """``given`` (``--lang``), else ``RENSHE_LANG``, else Chinese; ``zh_CN``/``en_US.UTF-8`` forms accepted.

    >>> resolve_lang("en_US.UTF-8"), resolve_lang(None, {}), resolve_lang(None, {"RENSHE_LANG": "en"})
    ('en', 'zh', 'en')
    """
    environ = os.environ if environ is None else environ
    value = given or environ.get("RENSHE_LANG") or DEFAULT_LANG
    short = re.split(r"[_.\-@]", value.strip().lower(), maxsplit=1)[0]
    if short not in LANGS:
        from pipeline.core.errors import ConfigError
        raise ConfigError(t("language '{value}' is not offered", value=value),
                          hint=t("choose one of: {choices}", choices=", ".join(sorted(LANGS))))
    return short


def _pattern(msgid: str) -> tuple[re.Pattern, list[str]] | None:
    """A regex that recognises ``msgid`` rendered with any values, and its field names; None without fields."""
    parts, names = [], []
    for literal, field, spec, conv in string.Formatter().parse(msgid):
        parts.append(re.escape(literal))
        if field is None:
            continue
        if field in names:      # the same value again
            parts.append(f"(?P=f{names.index(field)})")
            continue
        parts.append(f"(?P<f{len(names)}>.+?)")
        names.append(field)
    if not names:
        return None
    return re.compile("".join(parts) + r"\Z", re.S), names


class Translator:
    """Translates the English messages of this tool into ``lang`` (English: unchanged)."""

    def __init__(self, lang: str = DEFAULT_LANG) -> None:
        self.lang = resolve_lang(lang, {})
        if self.lang == "en":
            self._gt: gettext.NullTranslations = gettext.NullTranslations()
            self._catalog: dict = {}
            self._templates: list = []
        else:
            with (LOCALE_DIR / self.lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as fh:
                self._gt = gettext.GNUTranslations(fh)
            self._catalog = self._gt._catalog     # msgid -> translation (gettext keeps it so)
            self._templates = None                # made when a rendered message is first translated
        self._seen: dict[str, str] = {}
        self._plain_seen: dict[str, str | None] = {}

    def _message_templates(self) -> list:
        """The msgids with placeholders, as patterns that recognise a message rendered from them (0.1 s to
        make: only a translator that meets rendered messages needs them, not one that renders its own)."""
        # longest literal text first: the most specific template wins
        ids = sorted((k for k in self._catalog if isinstance(k, str) and k and "{" in k),
                     key=lambda k: (-len(re.sub(r"\{[^}]*\}", "", k)), k))
        # templates made almost only of placeholders ("{name}: {err}") would swallow any text: not recognised
        return [(k, p) for k in ids for p in [_pattern(k)] if p and len(re.sub(r"\{[^}]*\}|[\W_]", "", k)) >= MIN_LITERAL]

    def gettext(self, msgid: str) -> str:
        """The translation of a msgid as written in the code (Jinja2 templates call this as ``_``)."""
        return self._gt.gettext(msgid)

    def __call__(self, text) -> str:
        """``text`` (a message rendered by ``t``, an error, a location, or data) in this language."""
        text = "" if text is None else str(text)
        if self.lang == "en" or not text:
            return text
        if text not in self._seen:
            self._seen[text] = self._message(text)
        return self._seen[text]

    def t(self, msgid: str, **params) -> str:
        """``t(msgid, **params)`` in this language (parameters as given: pass ``tr(value)`` for a message)."""
        text = self._gt.gettext(msgid)
        return text.format(**params) if params else text

    def _message(self, text: str) -> str:
        if "\n" in text:           # a message with a list of problems below it, line by line
            return "\n".join(line[:len(line) - len(line.lstrip())] + self._message(line.lstrip()) if line.strip()
                             else line for line in text.split("\n"))
        head = _CODE_HEAD.match(text)
        if head:
            return f"[{head.group(1)}] " + self._located(text[head.end():])
        return self._located(text)

    def _located(self, text: str) -> str:
        """``where: message — hint`` (each part optional), the ``where`` a list of location pieces.

        Of the ways to read the text (a whole message; message and hint; location and message), the one
        that leaves the least English wins.
        """
        readings = []
        if _HINT_SEP in text:
            message, hint = text.rsplit(_HINT_SEP, 1)
            right = self._plain(hint)
            if right is not None:
                readings.append(f"{self._located(message)}{self._sep(' — ')}{right}")
        whole = self._plain(text)
        if whole is not None:
            readings.append(whole)
        start = 0
        while (i := text.find(": ", start)) > 0:
            found = self._plain(text[i + 2:])
            if found is not None:
                readings.append(f"{self.where(text[:i])}{self._sep(': ')}{found}")
            start = i + 1
        return min(readings, key=_english_left, default=text)

    def where(self, text: str) -> str:
        """A location ``raw/a.pdf, page 3, table 1, row 12`` with its words translated."""
        return self._where(text) or text

    def _where(self, text: str) -> str | None:
        """``where`` when ``text`` is a location (a name, then pieces such as ``page 3``), else None."""
        if self.lang == "en":
            return None
        pieces = text.split(_PIECE_SEP)
        words = [self._plain(p) if _LOCATION_PIECE.match(p) else None for p in pieces[1:]]
        if not words or None in words:
            return None
        return self._sep(", ").join([pieces[0]] + words)

    def _sep(self, sep: str) -> str:
        return {", ": "，", ": ": "：", " — ": " —— "}.get(sep, sep) if self.lang == "zh" else sep

    def _plain(self, text: str) -> str | None:
        """The translation of one whole message, or None when it is none of the catalogue's."""
        if text in self._catalog:
            return self._gt.gettext(text)
        if text in self._plain_seen:
            return self._plain_seen[text]
        self._plain_seen[text] = None          # a message is never its own placeholder
        best, best_key = None, None
        if self._templates is None:
            self._templates = self._message_templates()
        for msgid, (pattern, names) in self._templates:
            hit = pattern.match(text)
            if hit:
                values, recognised, split = {}, 0, 0
                for n, name in enumerate(names):
                    value = hit.group(f"f{n}")
                    split += value.count("; ") + value.count(": ")
                    inner = self._plain(value) or self._hinted(value)
                    recognised += inner is not None
                    values[name] = inner or self._where(value) or value
                found = self._gt.gettext(msgid).format(**values)
                # the least English left; then values that do not run over a sentence's end; then values that
                # are messages themselves
                key = (_english_left(found), split, -recognised)
                if best_key is None or key < best_key:
                    best, best_key = found, key
        self._plain_seen[text] = best
        return best


    def _hinted(self, text: str) -> str | None:
        """``message — hint``, both parts messages, translated; else None."""
        if _HINT_SEP not in text:
            return None
        message, hint = text.rsplit(_HINT_SEP, 1)
        left, right = self._plain(message), self._plain(hint)
        return None if left is None or right is None else f"{left}{self._sep(' — ')}{right}"


def _english_left(text: str) -> int:
    """How much of a reading is still English (letters a-z): the smaller, the better the reading."""
    return sum(1 for ch in text if "a" <= ch.lower() <= "z")


def wording_version(project: Path | None = None) -> str:
    """Hash of what people read but ``code_version`` leaves out: the compiled translations and the
    report's templates (a diff's Markdown and a report page change with them, a file's rows do not)."""
    package = (Path(project) if project else Path(__file__).resolve().parents[2]) / "pipeline"
    digest = hashlib.sha256()
    for path in sorted([*(package / "locale").rglob("*.mo"), *(package / "report" / "templates").glob("*")]):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
