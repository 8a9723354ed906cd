"""What WeasyPrint's libraries read from the process around them, made the same on every
machine: the fonts fontconfig knows of, and the hyphenation patterns each language gets.

**Fonts.** WeasyPrint finds fonts through Pango and fontconfig, and fontconfig reads its
configuration from `FONTCONFIG_FILE` (else /etc/fonts/fonts.conf, which lists the system's
and the user's fonts) each time a configuration is made: once as WeasyPrint is imported, and
once per FontConfiguration. `use_own_fonts` points it, before either, at a configuration of
ours that lists only the folder of the fonts we ship (styles/fonts), no system or user
folder, with its own cache folder; the book's fonts come in through `@font-face`. Then a
character the book's fonts lack falls back to one of our fonts or to none (and the build
reports it, render/coverage.py), never to whatever the machine happens to have installed:
the same sources give the same bytes on the author's laptop and in CI. The generic families
(`serif`, `sans-serif`, `monospace` ...) that WeasyPrint's own stylesheet asks for (`pre`
is `monospace`) resolve to the book face.

**Hyphenation.** WeasyPrint hyphenates with pyphen's patterns for the element's language,
found by `pyphen.language_fallback`, under which a bare `en` gets pyphen's `en` patterns:
British ones (and `de` Austrian ones). `hyphenate_by_region` makes a bare language take
its likely region's patterns (`en` -> en_US, `de` -> de_DE, `pt` -> pt_BR), and the English
regions that spell the British way (`en-GB`, `en-AU`, `en-NZ`, `en-IE`, `en-ZA`, `en-IN`)
the British ones; other tags keep pyphen's own choice (`de-CH` -> de_CH, `fr` -> fr), and
a language pyphen has no patterns for is not hyphenated.

May import: publish.support (as all of render/).
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

from publish.support.digests import digest
from publish.support.paths import FONTS_DIR
from publish.support.scratch import private_folder, write_file

# The families the stylesheets name (render/assets.py's @font-face families first, then the
# same files under the names fontconfig reads from them), for the generic families.
BOOK_FAMILIES = ("EB Garamond Vendored", "EB Garamond 12", "STIX Fallback", "STIX")
GENERIC_FAMILIES = ("serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui",
                    "ui-serif", "ui-sans-serif", "ui-monospace", "ui-rounded", "math", "emoji",
                    "fangsong")
# Variables that would make fontconfig read other files than ours: a root prefixed to every
# path, and the folder a relative FONTCONFIG_FILE or an <include> is looked for in.
FOREIGN_VARIABLES = ("FONTCONFIG_SYSROOT",)


def fonts_conf(fonts_dir: Path, cache_dir: Path) -> str:
    """A fontconfig configuration knowing of `fonts_dir` only, with the generic families
    mapped to the book face."""
    aliases = "".join(
        f'  <alias binding="same"><family>{generic}</family><prefer>'
        + "".join(f"<family>{escape(name)}</family>" for name in BOOK_FAMILIES)
        + "</prefer></alias>\n" for generic in GENERIC_FAMILIES)
    return ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
            "<!-- Written by publish (render/weasy/environment.py): only the fonts it ships; "
            "no system or user fonts. -->\n<fontconfig>\n"
            f"  <dir>{escape(str(fonts_dir))}</dir>\n"
            f"  <cachedir>{escape(str(cache_dir))}</cachedir>\n"
            f"{aliases}</fontconfig>\n")


def use_own_fonts() -> Path:
    """Point fontconfig at our configuration (written once per machine and content), for
    this process and those it starts; returns the configuration's path. Must run before
    WeasyPrint is imported; harmless to run again."""
    folder = private_folder()
    cache = folder / "cache"
    cache.mkdir(mode=0o700, exist_ok=True)
    text = fonts_conf(FONTS_DIR, cache)
    conf = folder / f"fonts-{digest(text)[:16]}.conf"
    if not conf.is_file():
        write_file(conf, text)
    os.environ["FONTCONFIG_FILE"] = str(conf)
    os.environ["FONTCONFIG_PATH"] = str(folder)
    for name in FOREIGN_VARIABLES:
        os.environ.pop(name, None)
    return conf


# English regions that spell (and so hyphenate) the British way; `en` itself and the others
# hyphenate the American way.
BRITISH_ENGLISH = ("en_GB", "en_AU", "en_NZ", "en_IE", "en_ZA", "en_IN")
# A bare language pyphen has several regions' patterns for takes its likely region (Unicode
# CLDR's likely subtags), not the first region in alphabetical order as pyphen would
# (`de` -> de_AT, `en` -> en_GB).
LIKELY_REGIONS = {"en": "en_US", "de": "de_DE", "pt": "pt_BR"}


def hyphenate_by_region() -> None:
    """pyphen's language table, corrected: a bare language means its likely region's
    patterns, and the English regions that spell the British way take the British ones."""
    import pyphen  # for start-up: loaded as WeasyPrint is, which uses it, not with this module

    languages, lowercase = pyphen.LANGUAGES, pyphen.LANGUAGES_LOWERCASE
    for bare, region in LIKELY_REGIONS.items():
        if region in languages:
            languages[bare] = languages[region]
    if "en_GB" in languages:
        for region in BRITISH_ENGLISH:
            languages[region] = languages["en_GB"]
            lowercase[region.lower()] = region


def hyphenation_patterns(language: str) -> str | None:
    """The name of the pyphen patterns WeasyPrint hyphenates `language` with (a BCP 47 tag
    as written in book.yaml: `en-GB`), or None when it does not hyphenate it."""
    import pyphen

    hyphenate_by_region()
    found = pyphen.language_fallback(language.replace("-", "_"))
    return found or None
