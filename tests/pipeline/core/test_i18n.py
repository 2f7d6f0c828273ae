"""The message catalogue: every message of the code and templates has a Chinese translation, and a
message rendered in English is recognised and translated where people read it."""
from __future__ import annotations

import string

import pytest

from pipeline.core.errors import ConfigError, EncryptedInput
from pipeline.core.i18n import Translator, resolve_lang, t

babel = pytest.importorskip("babel", reason="Babel (the test extra) extracts the messages")
from pipeline.core import i18n_catalog  # noqa: E402  (needs Babel)

ZH = Translator("zh")


def test_every_message_has_a_translation():
    problems = i18n_catalog.problems()
    assert problems == [], "\n".join(problems) + "\n\nadd the messages: python -m pipeline.core.i18n_catalog update, " \
                                               "fill msgstr in pipeline/locale/zh/LC_MESSAGES/renshe.po, then compile"


def test_a_message_without_translation_is_named_with_where_it_is_used(monkeypatch):
    real = i18n_catalog.extract

    def with_a_new_message():
        catalog = real()
        catalog.add("the scan of page {page} is upside down", locations=[("extractors/ocr/read_scan.py", 12)])
        return catalog
    monkeypatch.setattr(i18n_catalog, "extract", with_a_new_message)
    assert i18n_catalog.problems() == [
        "zh: no translation of 'the scan of page {page} is upside down' (extractors/ocr/read_scan.py:12)"]


def _messages():
    from babel.messages.pofile import read_po
    with i18n_catalog._po_path("zh").open("rb") as fh:
        return sorted(m.id for m in read_po(fh) if m.id)


# a message made almost only of placeholders ("{kind} ({of})") is translated where it is written, not recognised
@pytest.mark.parametrize("msgid", [m for m in _messages() if "{" in m and i18n_catalog.recognisable(m)],
                         ids=lambda m: m[:60])
def test_a_rendered_message_is_recognised_and_translated(msgid):
    fields = sorted({f for _, f, _, _ in string.Formatter().parse(msgid) if f})
    values = {f: f"«{n}»" for n, f in enumerate(fields)}
    assert ZH(t(msgid, **values)) == ZH.t(msgid, **values)


@pytest.mark.parametrize("text, chinese", [
    ("[E110] raw/白银/附件1.pdf: the PDF is encrypted (password protected) — give its password with --password, "
     "or ask the publisher for an unprotected copy",
     "[E110] raw/白银/附件1.pdf：该 PDF 已加密（设有密码） —— 请用 --password 给出密码，或向发布单位索取未加密的副本"),
    ("002.txt, table 1, row 14, line 104, cell 4: '小微企业申请创业担保贷款' stands in a column of its own; read as a "
     "situational item of scenario 6-3",
     "002.txt，表 1，第 14 行，源文第 104 行，第 4 格：“小微企业申请创业担保贷款”单独成列；按场景 6-3 的情形事项读取"),
    ("close to '职工参保登记' (93)", "接近“职工参保登记”（93）"),
    ("说明.md (notes, not a list)", "说明.md（说明文字，不是清单）"),
    ("青岛市", "青岛市"),                               # data is no message: as it is
], ids=["error with code, file and hint", "warning with a location", "match reason", "nested message", "data"])
def test_messages_as_the_library_writes_them_read_in_chinese(text, chinese):
    assert ZH(text) == chinese
    assert Translator("en")(text) == text


def test_an_error_renders_in_either_language():
    err = EncryptedInput(t("the PDF is encrypted (password protected)"), where="a.pdf",
                         hint=t("check the password given with --password"))
    assert ZH(err.render()) == "[E110] a.pdf：该 PDF 已加密（设有密码） —— 请检查 --password 给出的密码"
    assert Translator("en")(err.render()) == "[E110] a.pdf: the PDF is encrypted (password protected) — check the " \
                                             "password given with --password"


@pytest.mark.parametrize("given, environ, lang", [
    (None, {}, "zh"), ("en", {}, "en"), (None, {"RENSHE_LANG": "en_US.UTF-8"}, "en"), ("zh_CN", {"RENSHE_LANG": "en"}, "zh"),
    (None, {"LANG": "en_US.UTF-8"}, "zh"),        # the system locale is not followed (out/ must not depend on it)
], ids=["default Chinese", "--lang en", "RENSHE_LANG", "--lang wins", "LANG ignored"])
def test_the_language_comes_from_the_option_then_the_environment(given, environ, lang):
    assert resolve_lang(given, environ) == lang


def test_an_unknown_language_is_a_usage_error_listing_the_choices():
    with pytest.raises(ConfigError) as caught:
        resolve_lang("fr", {})
    assert caught.value.render() == "[E400] language 'fr' is not offered — choose one of: en, zh"
