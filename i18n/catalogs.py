"""Message catalogs: `.po` files are the source (committed); `.mo` files are compiled from them at
set-up or start into the state directory. Arabic is the default language. Message ids are the English
text. The web's pages and the mail's messages read the same catalogs."""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from config.settings import get_settings

PACKAGE_DIR = Path(__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = ("ar", "en")
DEFAULT_LANGUAGE = "ar"
DOMAIN = "messages"


def compiled_locale_dir() -> Path:
    """The .mo files compiled from this checkout's own .po files: in its state directory, because a cache
    shared between checkouts (MIZAN_CACHE_DIR) would serve one checkout's catalogs to another."""
    return get_settings().state_dir / "web" / "locale"


def N_(message: str) -> str:
    """Marks a message for extraction where it is translated later, at render time."""
    return message


def source_catalog(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalogs(target: Path | None = None) -> list[Path]:
    """Compile each language's .po into a .mo under `target`, when missing or older than its .po."""
    target = target or compiled_locale_dir()
    written = []
    for language in LANGUAGES:
        source = source_catalog(language)
        compiled = target / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime:
            continue
        compiled.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as po:
            catalog = read_po(po, locale=language)
        temporary = compiled.with_suffix(".mo.tmp")
        with temporary.open("wb") as mo:
            write_mo(mo, catalog)
        temporary.replace(compiled)  # atomic: a concurrent reader never sees half a catalog
        written.append(compiled)
    return written


@lru_cache
def translations(language: str) -> gettext.GNUTranslations:
    compile_catalogs()
    with (compiled_locale_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as mo:
        return gettext.GNUTranslations(mo)


def language_of(choice: str | None) -> str:
    """A language Mizan speaks: the one chosen, or Arabic."""
    return choice if choice in LANGUAGES else DEFAULT_LANGUAGE


def gettext_for(language: str, message: str) -> str:
    return translations(language).gettext(message)
