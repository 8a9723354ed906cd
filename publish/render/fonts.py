"""The fonts a book is drawn with: the faces we ship and the ones its `fonts:` declares, in
the order a character is looked for in them (the font stack).

The stack is the book face (EB Garamond, roman and italic), then STIX for the symbols it
lacks, then each declared family in the order `fonts:` lists its files. The declared fonts
come last so that adding one (a CJK font, say, to draw what M501 reported) changes no
character the shipped fonts drew already: a CJK font has its own arrows and maths. A character
is drawn from the first family that has it: from its face of the text's style when that face
has it, else from another face of the same family (fontconfig ranks a family's other faces
before the next family), so a family covers what any of its faces covers. Nothing else is
ever used (render/weasy/environment.py keeps the machine's fonts out).

Declared files are grouped into families by the family name inside each font, so a
`NotoSerif-Regular.ttf` and `NotoSerif-Italic.ttf` make one family with an italic; a family
with one file draws every style with it. Each family gets a CSS name made from its files'
digests ("Book Font 1a2b3c4d5e6f"): two books with different fonts never share a name, even
in one render process, and no installed font can answer to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from publish.render import assets
from publish.support.digests import digest, file_digest

STYLES = ("normal", "italic")
# The family the stylesheets name last before the generic one: declared families go after it.
LAST_FALLBACK = '"STIX Fallback"'


@dataclass(frozen=True)
class Family:
    """A CSS font family: its name and a file per style (a style it lacks is drawn with its
    other face)."""

    name: str
    faces: tuple[tuple[str, Path], ...]  # (style, file)
    declared: bool = False  # from the book's `fonts:`, not shipped

    def file(self, style: str) -> Path:
        found = dict(self.faces)
        return found.get(style) or next(iter(found.values()))

    def files(self) -> list[Path]:
        """Each file once, the face of the style asked for first."""
        return list(dict.fromkeys(path for _, path in self.faces))


@dataclass(frozen=True)
class FontStack:
    families: tuple[Family, ...]

    def declared(self) -> tuple[Family, ...]:
        return tuple(family for family in self.families if family.declared)

    def files(self) -> list[Path]:
        return list(dict.fromkeys(path for family in self.families for path in family.files()))

    def identity(self) -> list[str]:
        """What the declared fonts add to a cache key: each file's digest (the shipped ones
        are in build/cache.render_identity)."""
        return [f"font={family.name}:{style}:{file_digest(path)}"
                for family in self.declared() for style, path in family.faces]


def shipped_families() -> tuple[Family, ...]:
    """The faces of render/assets.py, from its FONTS_DIR (read when called: tests point it
    at a copy)."""
    faces = assets.FONT_FACES
    names = list(dict.fromkeys(family for family, _, _ in faces))
    return tuple(Family(name, tuple((style, assets.FONTS_DIR / filename)
                                    for family, style, filename in faces if family == name))
                 for name in names)


def font_stack(root: Path, declared: tuple[str, ...] = ()) -> FontStack:
    """The stack of a book whose `fonts:` lists `declared` (paths relative to `root`)."""
    return FontStack((*shipped_families(), *_declared_families(tuple(root / p for p in declared))))


def _declared_families(paths: tuple[Path, ...]) -> list[Family]:
    groups: dict[str, list[tuple[Path, bool, int]]] = {}
    for path in paths:
        name, italic, weight = font_style(path)
        groups.setdefault(name, []).append((path, italic, weight))
    families = []
    for members in groups.values():
        faces = []
        for style, italic in (("normal", False), ("italic", True)):
            fitting = sorted((abs(weight - 400), index, path)
                             for index, (path, is_italic, weight) in enumerate(members)
                             if is_italic == italic)
            if fitting:
                faces.append((style, fitting[0][2]))
        css_name = "Book Font " + digest(*(file_digest(p) for _, p in faces))[:12]
        families.append(Family(css_name, tuple(faces), declared=True))
    return families


@lru_cache(maxsize=64)
def font_style(path: Path) -> tuple[str, bool, int]:
    """(family name, italic, weight) as the font itself says."""
    from fontTools.ttLib import TTFont  # for start-up: only a book that declares fonts needs it

    with TTFont(path, lazy=True, fontNumber=0) as font:
        names = font["name"]
        family = str(names.getDebugName(16) or names.getDebugName(1) or path.stem)
        italic = bool(font["head"].macStyle & 2)
        weight = 400
        if "OS/2" in font:
            italic = italic or bool(font["OS/2"].fsSelection & 1)
            weight = font["OS/2"].usWeightClass
    return family, italic, weight


def font_face_css(stack: FontStack, url_for: Callable[[Path], str]) -> str:
    """@font-face rules for every face of the stack; `url_for(path)` gives the URL each
    output uses for a font file."""
    rules = []
    for family in stack.families:
        for style in STYLES:
            rules.append(
                f'@font-face {{ font-family: "{family.name}"; font-style: {style}; '
                f'font-weight: 400; src: url("{url_for(family.file(style))}"); }}')
    return "\n".join(rules)


def with_declared_fonts(css: str, stack: FontStack) -> str:
    """A stylesheet whose font lists name the declared families: the stylesheets list the
    book face, STIX and a generic family; the declared ones go after STIX."""
    declared = stack.declared()
    if not declared:
        return css
    names = ", ".join(f'"{family.name}"' for family in declared)
    return css.replace(LAST_FALLBACK, f"{LAST_FALLBACK}, {names}")
