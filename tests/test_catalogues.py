"""The gettext catalogues (motcua/locale): every message translated in every language, the
placeholders the same, the compiled .mo current, and the catalogues in step with the code."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from motcua.core.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, translations, words

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
SOURCES = ("motcua", "config", "display_server", "kiosk", "printer")


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalogue(lang: str):
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def names(s: str) -> set[str]:
    return set(PLACEHOLDER.findall(s))


def messages(cat) -> dict:
    return {(m.id, m.context): m for m in cat if m.id}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(lang) -> None:
    cat = catalogue(lang)
    assert not cat.fuzzy and str(cat.locale) == lang
    for m in cat:
        if not m.id:
            continue
        where = f"{lang}: {m.id!r}"
        assert not m.fuzzy, where
        if isinstance(m.id, tuple):  # a plural: every form, the last (many) with every name
            singular, plural = m.id
            forms = m.string
            assert len(forms) == cat.num_plurals and all(forms), where
            assert names(forms[-1]) == names(plural) == names(singular), where
            assert all(names(f) <= names(plural) for f in forms), where  # "in a minute" may drop {n}
        else:
            assert m.string, where
            assert names(m.string) == names(m.id), where


def test_every_language_has_the_same_messages() -> None:
    vi, *others = (set(messages(catalogue(lang))) for lang in LANGUAGES)
    for other in others:
        assert other == vi


def test_the_catalogues_hold_exactly_the_messages_of_the_code() -> None:
    """What ``pybabel extract -F babel.cfg`` finds (with its default keywords, as the command
    line does; the kiosk's .kv files too) is what the template and catalogues hold."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = set()
    for src in SOURCES:
        for _file, _line, msg, _comments, context in extract_from_dir(
                ROOT / src, method_map, options_map, keywords=DEFAULT_KEYWORDS):
            found.add((msg, context))
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as f:
        assert set(messages(read_po(f))) == found
    for lang in LANGUAGES:
        assert set(messages(catalogue(lang))) == found, lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_shipped_mo_is_the_compiled_po(lang) -> None:
    """``pybabel compile -d motcua/locale -D motcua`` gives the .mo files that are shipped."""
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(lang))
    assert po_path(lang).with_suffix(".mo").read_bytes() == compiled.getvalue()


def test_english_counts_have_their_plural_forms_and_unknown_languages_get_vietnamese() -> None:
    assert translations("xx") is translations("vi")
    cat = catalogue("en")
    assert cat.plural_forms == "nplurals=2; plural=(n != 1);"
    assert catalogue("vi").plural_forms == "nplurals=1; plural=0;"
    say = words("en")
    assert say.ngettext("Trước bạn còn {n} người", "Trước bạn còn {n} người", 1) == "1 person ahead of you"
    assert say.ngettext("Trước bạn còn {n} người", "Trước bạn còn {n} người", 2) == "2 people ahead of you"
    assert words("vi").ngettext("{n} người", "{n} người", 1) == "1 người"
