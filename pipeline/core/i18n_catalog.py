"""The message catalogue kept with Babel: ``python -m pipeline.core.i18n_catalog update|compile|check``.

- ``update``: extract every ``t(…)``/``N_(…)`` of the code and ``_(…)`` of the report templates
  into ``pipeline/locale/renshe.pot`` and merge it into each language's ``.po`` (new messages
  get an empty ``msgstr``; messages gone from the code are dropped);
- ``compile``: write each ``.po`` as the ``.mo`` the tool reads;
- ``check``: exit 1 naming each message without a translation, with a translation whose
  placeholders differ from its msgid's, or a ``.mo`` older than its ``.po``.

Babel is needed only here (the ``test`` extra); the tool itself reads the ``.mo`` with gettext.
"""
from __future__ import annotations

import io
import re
import string
import sys
from pathlib import Path

from pipeline.core.i18n import DOMAIN, LANGS, LOCALE_DIR, MIN_LITERAL

__all__ = ["extract", "problems", "update", "compile_all", "REPO_DIR"]

REPO_DIR = LOCALE_DIR.parent.parent
METHODS = [("pipeline/**.py", "python"), ("extractors/**.py", "python"), ("normalizers/**.py", "python"),
           ("pipeline/report/templates/**.html", "jinja2.ext:babel_extract")]
# t(msgid, …), N_(msgid), _(msgid) in templates; _c(name, dtype, description): the columns of pipeline/dataset/schema.py
KEYWORDS = {"t": None, "N_": None, "_": None, "_c": (3,)}
TRANSLATED = [lang for lang in LANGS if lang != "en"]   # English is the msgid itself


def extract():
    """A Babel ``Catalog`` of every message in the code and templates (msgid -> where it is used)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    catalog = Catalog(project="renshe-lists", domain=DOMAIN, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(REPO_DIR), METHODS, {}, KEYWORDS, strip_comment_tags=True):
        if isinstance(message, tuple):
            message = message[0]
        if message:
            catalog.add(message, locations=[(filename, lineno)], auto_comments=comments)
    return catalog


def _po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(lang: str):
    from babel.messages.pofile import read_po
    with _po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


def recognisable(msgid: str) -> bool:
    """True when ``Translator`` recognises ``msgid`` rendered in a text (enough letters besides placeholders)."""
    return len(re.sub(r"\{[^}]*\}|[\W_]", "", msgid)) >= MIN_LITERAL


def _fields(text: str) -> list[str]:
    return sorted({f for _, f, _, _ in string.Formatter().parse(text) if f is not None})


def problems() -> list[str]:
    """Each message of the code without a usable translation, as a sentence naming it; [] when all are fine."""
    from babel.messages.mofile import read_mo
    wanted = extract()
    out = []
    for lang in TRANSLATED:
        po = _read(lang)
        for message in sorted(wanted, key=lambda m: m.id):
            if not message.id:
                continue
            where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
            entry = po.get(message.id)
            if entry is None or not entry.string:
                out.append(f"{lang}: no translation of {message.id!r} ({where})")
            elif _fields(entry.string) != _fields(message.id):
                out.append(f"{lang}: the translation of {message.id!r} has placeholders {_fields(entry.string)}, "
                           f"the message {_fields(message.id)}")
        mo_path = _po_path(lang).with_suffix(".mo")
        compiled = None
        if mo_path.exists():
            with mo_path.open("rb") as fh:
                compiled = read_mo(fh)
        if compiled is None or {m.id: m.string for m in compiled if m.id} != {m.id: m.string for m in po if m.id}:
            out.append(f"{lang}: {mo_path.relative_to(REPO_DIR)} is not the compiled {_po_path(lang).name} "
                       f"(run python -m pipeline.core.i18n_catalog compile)")
    return out


def update() -> None:
    from babel.messages.pofile import write_po
    template = extract()
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as fh:
        write_po(fh, template, omit_header=True, sort_output=True, no_location=True)
    for lang in TRANSLATED:
        po = _read(lang) if _po_path(lang).exists() else None
        if po is None:
            from babel.messages.catalog import Catalog
            po = Catalog(locale=lang, domain=DOMAIN)
        po.update(template, no_fuzzy_matching=True)
        po.obsolete.clear()
        _po_path(lang).parent.mkdir(parents=True, exist_ok=True)
        with _po_path(lang).open("wb") as fh:
            write_po(fh, po, omit_header=True, sort_output=True, no_location=True, ignore_obsolete=True)


def compile_all() -> None:
    from babel.messages.mofile import write_mo
    for lang in TRANSLATED:
        buf = io.BytesIO()
        write_mo(buf, _read(lang), use_fuzzy=False)
        _po_path(lang).with_suffix(".mo").write_bytes(buf.getvalue())


def main(argv: list[str] | None = None) -> int:
    step = (argv or sys.argv[1:] or ["check"])[0]
    if step == "update":
        update()
    elif step == "compile":
        compile_all()
    found = problems()
    print("\n".join(found) if found else "every message has a translation")
    return 1 if found and step == "check" else 0


if __name__ == "__main__":
    sys.exit(main())
