"""Issue 21: every character drawn, on any machine.

- Hermetic fonts: fontconfig sees only the fonts we ship and the book declares, so a font
  installed on the machine changes no byte of a PDF.
- Coverage: a character no font of the book has is M501 at its place, an error in a release
  (nothing written), a warning in a draft or proof, where it is a labelled box.
- `fonts:` in book.yaml: fallback fonts after the book face, embedded in the PDF and the EPUB.
- Languages: the book's and each play's language give `lang` and the hyphenation patterns.

The fonts are made here (tests/font_support.py); the multi-script book is built once.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pdfplumber
import pikepdf
import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, strategies as st

from conftest import run_cli
from font_support import make_font
from publish.config import load
from publish.model.errors import ConfigError
from publish.render.coverage import Coverage, needs_glyph
from publish.render.fonts import font_stack
from publish.render.weasy import environment
from publish.support.paths import FONTS_DIR
from publish.support.scratch import private_folder

GREEK, CYRILLIC, MATH = "Ἀλήθεια καὶ λόγος", "Истина и правда", "∀x ∃y: x ≤ y ⟹ ∑ xᵢ ≠ ∞, √2 ∉ ℚ"
CJK, EMOJI = "真理", "🍋"
FONT_LINE = re.compile(r"^(\S+):(\d+):(\d+): (error|warning)\[M501\]: no font has '(.)' \((U\+[0-9A-F]{4,6})")


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def declared_fonts(root: Path) -> list[str]:
    """A CJK family with an italic, and an emoji font, each folder with its licence."""
    make_font(root / "fonts/cjk/TestCJK-Regular.ttf", "Test CJK", CJK + "解論")
    make_font(root / "fonts/cjk/TestCJK-Italic.ttf", "Test CJK", CJK + "解論", italic=True)
    make_font(root / "fonts/emoji/TestEmoji-Regular.ttf", "Test Emoji", EMOJI + "🧪")
    return DECLARED


DECLARED = ["fonts/cjk/TestCJK-Regular.ttf", "fonts/cjk/TestCJK-Italic.ttf",
            "fonts/emoji/TestEmoji-Regular.ttf"]


MULTI_SCRIPT = f"""## Truth {CJK}

### Scene 1: Scripts

**Ann**: In Greek, {GREEK}; in Russian, {CYRILLIC}.

**Bo**: And in Chinese, {CJK}, with a {EMOJI} for good measure.

_[Ann writes {MATH} on the board, and 解 beside a {EMOJI}; **{CJK}** enters.]_

**{CJK}**: I am the truth {EMOJI}.
"""


def multi_script_project(root: Path, fonts: list[str], draft: bool = False) -> Path:
    write(root, "play.md", MULTI_SCRIPT)
    listed = ", ".join(fonts)
    write(root, "book.yaml", f"""defaults:
  author: A. Writer
  language: en
  fonts: [{listed}]
plays:
  play.md:
    cast:
      - {{id: ann, name: Ann}}
      - {{id: bo, name: Bo}}
      - {{id: truth, name: {CJK}}}
books:
  scripts:
    title: Scripts {EMOJI}
    draft: {"true" if draft else "false"}
    manuscripts: [play.md]
""")
    return root


@pytest.fixture(scope="session")
def multi_script(tmp_path_factory) -> Path:
    """`publish all` of the multi-script play with its fonts declared: returns dist/."""
    root = tmp_path_factory.mktemp("scripts")
    multi_script_project(root, declared_fonts(root))
    result = run_cli("all", cwd=root, timeout=300)
    assert result.returncode == 0, result.stderr
    return root / "dist"


# ---------------------------------------------------------------- the PDF and EPUB read back


def embedded_fonts(pdf_path: Path) -> list[tuple[str, TTFont, dict[int, str]]]:
    """Each embedded font: (name without subset prefix, the font program read by fontTools,
    its ToUnicode map glyph -> text), from the pages and the form XObjects they draw."""
    found = []

    def visit(resources) -> None:
        for font in resources.get("/Font", {}).values():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            program = next(descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3")
                           if k in descriptor)
            name = str(font.BaseFont).lstrip("/").split("+", 1)[-1]
            to_unicode = font.ToUnicode.read_bytes().decode("latin-1")
            glyphs = {int(gid, 16): bytes.fromhex(text).decode("utf-16-be") for gid, text in
                      re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", to_unicode.split("endcodespacerange")[1])}
            found.append((name, TTFont(io.BytesIO(program.read_bytes())), glyphs))
        for xobject in resources.get("/XObject", {}).values():
            if "/Resources" in xobject:
                visit(xobject.Resources)

    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            visit(page.Resources)
    return found


def face_cmaps(root: Path, fonts: list[str]) -> dict[str, set[int]]:
    """The character map of each face of the book's stack, under the name WeasyPrint gives
    its embedded subset (`Book-Font-1a2b3c4d5e6f-Italic`)."""
    from publish.render.coverage import cmap

    faces = {}
    for family in font_stack(root, tuple(fonts)).families:
        base = family.name.replace(" ", "-")
        faces[base] = set(cmap(family.file("normal")))
        faces[base + "-Italic"] = set(cmap(family.file("italic")))
    return faces


def check_glyphs_drawn(pdf_path: Path, root: Path, fonts: list[str]) -> list[str]:
    """What is wrong with how the PDF draws its characters: a .notdef glyph, a glyph the
    embedded font does not have or that is empty, a character drawn from a font that is
    not the book's or whose character map lacks it (the embedded subset's, or, for a glyph
    a feature substituted such as a small capital, the face's own)."""
    from fontTools.pens.boundsPen import BoundsPen

    faces = face_cmaps(root, fonts)
    problems = []
    for name, font, glyphs in embedded_fonts(pdf_path):
        embedded = set(font.getBestCmap() or {})
        order = font.getGlyphOrder()
        glyph_set = font.getGlyphSet()
        for gid, text in glyphs.items():
            if gid == 0:
                problems.append(f"{name}: {text!r} drawn with .notdef")
                continue
            glyph_name = order[gid] if gid < len(order) else f"cid{gid:05d}"
            if glyph_name not in glyph_set:
                problems.append(f"{name}: glyph {gid} for {text!r} is not in the embedded font")
                continue
            pen = BoundsPen(glyph_set)
            glyph_set[glyph_name].draw(pen)
            if pen.bounds is None and any(needs_glyph(c) for c in text):
                problems.append(f"{name}: glyph {gid} for {text!r} is empty")
            for char in text:
                if needs_glyph(char) and ord(char) not in embedded | faces.get(name, set()):
                    problems.append(f"{name}: U+{ord(char):04X} {char!r} not in its character map")
    return problems


def drawn_characters(pdf_path: Path) -> list[tuple[str, str]]:
    """(character, font name without subset prefix) of every character drawn."""
    with pdfplumber.open(pdf_path) as pdf:
        return [(char, c["fontname"].split("+", 1)[-1]) for page in pdf.pages for c in page.chars
                for char in c["text"] if needs_glyph(char)]


def test_every_character_of_the_multi_script_pdf_comes_from_a_font_that_has_it(multi_script):
    root = multi_script.parent
    for name in ("scripts.pdf", "scripts-proof.pdf"):
        problems = check_glyphs_drawn(multi_script / name, root, DECLARED)
        assert not problems, f"{name}:\n" + "\n".join(sorted(set(problems)))
        drawn = drawn_characters(multi_script / name)
        text = "".join(char for char, _ in drawn)
        for sample in (GREEK, CYRILLIC, MATH, CJK, EMOJI):
            assert all(char in text for char in sample if needs_glyph(char)), (name, sample)
        fonts_of = {char: {font for c, font in drawn if c == char} for char in CJK + EMOJI + "解"}
        # The declared fonts draw what the shipped ones lack; the CJK family's italic the
        # character in the stage direction (a name in it, 真理, stays upright).
        assert all(font.startswith("Book-Font") for fonts in fonts_of.values() for font in fonts)
        assert all("Italic" in font for font in fonts_of["解"]), fonts_of
        assert not any("Italic" in font for font in fonts_of["真"]), fonts_of
        assert {font for char, font in drawn if char in GREEK + CYRILLIC} <= {
            "EB-Garamond-Vendored", "EB-Garamond-Vendored-Italic"}
        # What the shipped fonts have, they draw, whatever fonts the book adds.
        assert {font for char, font in drawn if char in "⟹∑∉ℚ"} <= {"STIX-Fallback", "STIX-Fallback-Italic"}


def epub_fonts(epub: Path) -> dict[str, set[int]]:
    with zipfile.ZipFile(epub) as archive:
        return {name: set(TTFont(io.BytesIO(archive.read(name))).getBestCmap() or {})
                for name in archive.namelist() if name.startswith("EPUB/fonts/")}


def epub_text(epub: Path) -> str:
    """The text of every content document's body: what a reading system draws."""
    with zipfile.ZipFile(epub) as archive:
        bodies = [ElementTree.fromstring(archive.read(name)).find("{http://www.w3.org/1999/xhtml}body")
                  for name in archive.namelist() if name.endswith(".xhtml")]
    return "".join("".join(body.itertext()) for body in bodies)


def test_the_epub_embeds_the_declared_fonts_subset_and_covering_its_text(multi_script):
    epub = multi_script / "scripts.epub"
    fonts = epub_fonts(epub)
    declared = {name: cmap for name, cmap in fonts.items() if Path(name).name.startswith("book-")}
    assert len(declared) == 3, sorted(fonts)  # the CJK roman and italic, the emoji font
    covered = set().union(*fonts.values())
    text = epub_text(epub)
    assert not {c for c in text if needs_glyph(c) and ord(c) not in covered}
    # Subset to what the book uses: the emoji font's 🧪 is not in it.
    assert ord("🧪") not in covered and ord(EMOJI) in covered and ord("論") not in covered
    with zipfile.ZipFile(epub) as archive:
        css = archive.read("EPUB/css/epub.css").decode("utf-8")
        opf = archive.read("EPUB/content.opf").decode("utf-8")
    for name in declared:
        assert f'url("../fonts/{Path(name).name}")' in css
        assert f'href="fonts/{Path(name).name}"' in opf
    families = re.findall(r'font-family: "(Book Font [0-9a-f]{12})"', css)
    body_stack = re.search(r"body \{ font-family: ([^;]+);", css).group(1)
    assert body_stack.startswith('"EB Garamond Vendored", "STIX Fallback", "Book Font')
    assert all(f'"{family}"' in body_stack for family in set(families))


def test_the_multi_script_epub_passes_epubcheck(multi_script):
    from epubcheck_support import check_epubs, describe

    report = check_epubs({"scripts": multi_script / "scripts.epub"})["scripts"]
    assert report["checker"]["nError"] == 0 and report["checker"]["nFatal"] == 0, describe(report)


# ---------------------------------------------------------------- coverage diagnostics


def test_an_uncovered_character_fails_a_release_and_writes_nothing(tmp_path):
    root = multi_script_project(tmp_path, [])
    (tmp_path / "book.yaml").write_text((tmp_path / "book.yaml").read_text().replace(
        "  fonts: []\n", ""), encoding="utf-8")
    write(tmp_path, "dist/scripts.pdf", "an earlier build")
    result = run_cli("pdf", cwd=root)
    assert result.returncode == 1, result.stderr
    assert "nothing was written" in result.stderr
    assert (tmp_path / "dist/scripts.pdf").read_text() == "an earlier build"
    assert not (tmp_path / "dist/scripts.epub").exists()
    lines = [FONT_LINE.match(line) for line in result.stderr.splitlines()]
    found = {(m.group(1), int(m.group(2)), int(m.group(3)), m.group(5), m.group(6))
             for m in lines if m}
    source = MULTI_SCRIPT.split("\n")
    for path, line, col, char, code in found:
        assert code == f"U+{ord(char):04X}"
        text = source if path == "play.md" else (tmp_path / path).read_text().split("\n")
        assert text[line - 1][col - 1] == char, (path, line, col, char)
    assert {(p, c) for p, _, _, c, _ in found} == {
        ("play.md", "真"), ("play.md", "理"), ("play.md", "解"), ("play.md", EMOJI),
        ("book.yaml", EMOJI)}
    assert ("play.md", 1, 10, "真", "U+771F") in found  # the title, its first place
    assert "hint: add a font that has it to `fonts:` in book.yaml" in result.stderr
    assert run_cli("check", cwd=root).returncode == 2  # errors


def test_a_draft_shows_a_labelled_box_and_never_an_empty_one(tmp_path):
    root = multi_script_project(tmp_path, [], draft=True)
    (tmp_path / "book.yaml").write_text((tmp_path / "book.yaml").read_text().replace(
        "  fonts: []\n", ""), encoding="utf-8")
    result = run_cli("all", cwd=root, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "warning[M501]: no font has '🍋' (U+1F34B LEMON)" in result.stderr
    for name in ("scripts.pdf", "scripts-proof.pdf"):
        path = root / "dist" / name
        text = "".join(page.extract_text() for page in pdfplumber.open(path).pages)
        assert "U+1F34B" in text and "U+771F" in text, name
        assert not check_glyphs_drawn(path, root, [])
    text = epub_text(root / "dist" / "scripts.epub")
    assert "U+1F34B" in text and EMOJI not in text and "真" not in text


def test_a_character_only_in_an_editorial_note_is_a_warning_in_a_release(tmp_path):
    write(tmp_path, "play.md", "## P\n\n**A**: Hi.\n\n[TODO: a 🍋 here]\n")
    write(tmp_path, "book.yaml", "books:\n  b:\n    title: B\n    manuscripts: [play.md]\n")
    result = run_cli("check", cwd=tmp_path)
    assert "play.md:5:10: warning[M501]: no font has '🍋'" in result.stdout
    assert "in an editorial note" in result.stdout
    assert result.returncode == 0


def test_speaker_names_are_checked_in_capitals_in_the_manuscript_style(tmp_path):
    # U+0261 (script g) is in EB Garamond; its capital U+A7AC is in none of our fonts.
    write(tmp_path, "play.md", "## P\n\n**ɡnn**: Hi.\n")
    book = "books:\n  b:\n    title: B\n    draft: true\n    manuscripts: [play.md]\n"
    write(tmp_path, "book.yaml", book)
    assert "M501" not in run_cli("check", cwd=tmp_path).stdout
    write(tmp_path, "book.yaml", book + "    print: {style: manuscript}\n")
    assert "play.md:3:3: warning[M501]: no font has 'Ɡ'" in run_cli("check", cwd=tmp_path).stdout


def test_what_needs_a_glyph():
    for char in "a真🍋\u1680∑":
        assert needs_glyph(char), char
    # controls, joiners, variation selectors, soft hyphen, bidi marks, spaces (HarfBuzz
    # draws any space with the font's own)
    for char in "\n\t\u200d\u200c\ufe0f\U000E0101\u00ad\u200e\u3000\u2009\u202f\u034f":
        assert not needs_glyph(char), f"U+{ord(char):04X}"


COVERED = "aéΩж∑⟺ "
UNCOVERED = "真🍋\u1680\ua7ac"


@given(st.lists(st.sampled_from(list(COVERED + UNCOVERED + "\u200d\ufe0f")), min_size=1, max_size=12))
def test_m501_names_exactly_the_uncovered_characters_at_their_first_place(tmp_path_factory, chars):
    """Over generated speeches: one M501 per character no font has, none for the others,
    each at the line and column where the character first stands."""
    root = tmp_path_factory.mktemp("generated")
    words = "".join(chars).strip() or "x"
    text = f"## P\n\n**A**: {words} and {words[::-1]}.\n"
    write(root, "play.md", text)
    write(root, "book.yaml", "books:\n  b:\n    title: B\n    draft: true\n    manuscripts: [play.md]\n")
    config = load(root)
    from publish.build.assemble import assemble
    found = [d for d in assemble(config, config.books[0]).diagnostics if d.code == "M501"]
    expected = sorted({c for c in words if c in UNCOVERED})
    assert sorted(d.message.split("'")[1] for d in found) == expected
    lines = text.split("\n")
    for diagnostic in found:
        char = diagnostic.message.split("'")[1]
        where = diagnostic.location
        assert lines[where.line - 1][where.col - 1] == char
        assert where.col - 1 == lines[where.line - 1].index(char)


# ---------------------------------------------------------------- hermetic fonts


def test_our_fontconfig_configuration_lists_only_the_shipped_fonts():
    conf = environment.use_own_fonts()
    root = ElementTree.parse(conf).getroot()
    assert [d.text for d in root.iter("dir")] == [str(FONTS_DIR)]
    assert not list(root.iter("include")), "no system configuration is read"
    cache = root.find("cachedir").text
    assert cache and Path(cache).is_dir() and Path(cache).is_relative_to(private_folder())
    generics = {a.find("family").text: [f.text for f in a.find("prefer")] for a in root.iter("alias")}
    for generic in ("serif", "sans-serif", "monospace"):
        assert generics[generic][0] == "EB Garamond Vendored"


FOREIGN_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
  <alias binding="strong"><family>monospace</family><prefer><family>Foreign Test</family></prefer></alias>
  <alias binding="strong"><family>serif</family><prefer><family>Foreign Test</family></prefer></alias>
</fontconfig>
"""


# Characters no font of ours has that need no glyph of their own (HarfBuzz draws an
# ideographic space with the font's space; a variation selector and a joiner draw nothing):
# Pango still asks fontconfig for a font that has them, and takes one if the machine has it.
INVISIBLE = "\u3000\ufe0f\u200d\u2060"


def test_a_font_installed_on_the_machine_changes_no_byte(tmp_path):
    """The same sources with and without an extra font that fontconfig would find (one with
    the characters the book's fonts lack, and preferred for `serif` and `monospace`): the
    same PDF, and no foreign font in it."""
    machine = tmp_path / "machine"
    make_font(machine / "fonts/ForeignTest-Regular.ttf", "Foreign Test",
              CJK + EMOJI + INVISIBLE + "".join(chr(c) for c in range(0x20, 0x7F)))
    (machine / "cache").mkdir()
    conf = write(machine, "fonts.conf", FOREIGN_CONF.format(fonts=machine / "fonts", cache=machine / "cache"))
    project = tmp_path / "project"
    write(project, "play.md", f"## Code\n\n**A**: Look{INVISIBLE[0]}{CJK} {EMOJI}{INVISIBLE[1:]}:\n\n"
                              "```\nprint('hi')\n```\n")
    write(project, "book.yaml", "books:\n  b:\n    title: B\n    draft: true\n    manuscripts: [play.md]\n")
    plain = run_cli("pdf", "--no-cache", cwd=project)
    assert plain.returncode == 0, plain.stderr
    first = (project / "dist/b.pdf").read_bytes()
    other = run_cli("pdf", "--no-cache", cwd=project, FONTCONFIG_FILE=str(conf))
    assert other.returncode == 0, other.stderr
    assert (project / "dist/b.pdf").read_bytes() == first
    assert {name for name, _, _ in embedded_fonts(project / "dist/b.pdf")} <= {
        "EB-Garamond-Vendored", "EB-Garamond-Vendored-Italic", "STIX-Fallback", "STIX-Fallback-Italic"}


LAYOUT = """
import sys
from pathlib import Path
from publish.reading.files import ProjectFiles
from publish.render import pdf
html = ('<html><head><style>body {{ font-family: "EB Garamond Vendored", serif; }}</style></head>'
        '<body><p>{text}</p><pre>code</pre></body></html>')
sys.stdout.buffer.write(pdf.to_bytes(pdf.layout(html, Path.cwd(), ProjectFiles(Path.cwd()))))
"""


def test_weasyprint_never_falls_back_to_a_font_of_the_machine(tmp_path):
    """Below the coverage check (which keeps such characters from WeasyPrint): a character
    none of our fonts has, laid out with and without a machine font that has it, gives the
    same PDF; and `monospace` is the book face either way."""
    import subprocess
    import sys

    machine = tmp_path / "machine"
    make_font(machine / "fonts/ForeignTest-Regular.ttf", "Foreign Test",
              CJK + EMOJI + "".join(chr(c) for c in range(0x20, 0x7F)))
    (machine / "cache").mkdir()
    conf = write(machine, "fonts.conf", FOREIGN_CONF.format(fonts=machine / "fonts", cache=machine / "cache"))
    script = LAYOUT.format(text=f"Truth {CJK} {EMOJI}")

    def layout(**env: str) -> bytes:
        from conftest import cli_env
        return subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=cli_env(**env),
                              capture_output=True, check=True, timeout=120).stdout

    plain, foreign = layout(), layout(FONTCONFIG_FILE=str(conf))
    assert plain.startswith(b"%PDF") and plain == foreign
    (tmp_path / "out.pdf").write_bytes(foreign)
    # Our files only: the @font-face family, or the shipped file by its own name (`serif`
    # and `monospace` when the document has no @font-face).
    assert all(re.match(r"(EB-Garamond|STIX)", name)
               for name, _, _ in embedded_fonts(tmp_path / "out.pdf"))


def test_declared_fonts_are_in_the_cache_key(tmp_path):
    """Editing a declared font's file builds anew (and the build shows the new font)."""
    root = multi_script_project(tmp_path, declared_fonts(tmp_path))
    assert run_cli("pdf", cwd=root, timeout=300).returncode == 0
    first = (root / "dist/scripts.pdf").read_bytes()
    make_font(root / "fonts/emoji/TestEmoji-Regular.ttf", "Test Emoji", EMOJI + "🧪⚗")
    again = run_cli("pdf", cwd=root, timeout=300)
    assert again.returncode == 0, again.stderr
    assert (root / "dist/scripts.pdf").read_bytes() != first


# ---------------------------------------------------------------- book.yaml


def test_a_font_needs_its_licence_beside_it(tmp_path):
    make_font(tmp_path / "fonts/TestCJK-Regular.ttf", "Test CJK", CJK, licence=False)
    write(tmp_path, "play.md", "## P\n\n**A**: Hi.\n")
    write(tmp_path, "book.yaml", "books:\n  b:\n    title: B\n    manuscripts: [play.md]\n"
                                 "    fonts:\n      - fonts/TestCJK-Regular.ttf\n")
    with pytest.raises(ConfigError) as error:
        load(tmp_path)
    assert str(error.value.location) == "book.yaml:6:9"
    assert "no licence beside it" in error.value.message
    write(tmp_path, "fonts/LICENSE.md", "SIL Open Font License 1.1")
    assert load(tmp_path).books[0].fonts == ("fonts/TestCJK-Regular.ttf",)


@pytest.mark.parametrize("entry, problem", [
    ("../outside.ttf", "outside the project"),
    ("fonts/a.woff2", "must be an OpenType or TrueType file"),
    ("fonts/missing.ttf", "does not exist"),
    ("fonts/fake.ttf", "is not an OpenType or TrueType font"),
])
def test_unusable_fonts_are_refused_with_their_place(tmp_path, entry, problem):
    write(tmp_path, "fonts/fake.ttf", "not a font")
    write(tmp_path, "fonts/OFL.txt", "licence")
    write(tmp_path, "play.md", "## P\n\n**A**: Hi.\n")
    write(tmp_path, "book.yaml", f"defaults:\n  fonts: [{entry}]\nbooks:\n  b:\n    title: B\n"
                                 "    manuscripts: [play.md]\n")
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 3
    assert f"book.yaml:2:11: error: font {entry!r}" in result.stderr and problem in result.stderr


def test_a_book_s_fonts_replace_the_defaults_and_group_into_families(tmp_path):
    fonts = declared_fonts(tmp_path)
    write(tmp_path, "play.md", "## P\n\n**A**: Hi.\n")
    write(tmp_path, "book.yaml", f"defaults:\n  fonts: [{fonts[2]}]\nbooks:\n"
                                 "  a:\n    title: A\n    manuscripts: [play.md]\n"
                                 f"  b:\n    title: B\n    manuscripts: [play.md]\n    fonts: [{fonts[0]}, {fonts[1]}]\n")
    config = load(tmp_path)
    assert [book.fonts for book in config.books] == [(fonts[2],), (fonts[0], fonts[1])]
    stack = font_stack(tmp_path, config.books[1].fonts)
    names = [family.name for family in stack.families]
    assert names[:2] == ["EB Garamond Vendored", "STIX Fallback"] and len(names) == 3
    (cjk,) = stack.declared()  # the roman and the italic of one family
    assert cjk.file("normal").name == "TestCJK-Regular.ttf"
    assert cjk.file("italic").name == "TestCJK-Italic.ttf"
    assert not Coverage.of(stack).missing(set(CJK))


def test_a_play_language_must_be_a_language_tag(tmp_path):
    write(tmp_path, "play.md", "## P\n\n**A**: Hi.\n")
    write(tmp_path, "book.yaml", "plays:\n  play.md:\n    language: German!\n"
                                 "books:\n  b:\n    title: B\n    manuscripts: [play.md]\n")
    with pytest.raises(ConfigError) as error:
        load(tmp_path)
    assert str(error.value.location) == "book.yaml:3:15"


# ---------------------------------------------------------------- languages and hyphenation


@pytest.mark.parametrize("language, patterns", [
    ("en", "hyph_en_US.dic"), ("en-US", "hyph_en_US.dic"), ("en-GB", "hyph_en_GB.dic"),
    ("en-AU", "hyph_en_GB.dic"), ("de", "hyph_de_DE.dic"), ("de-CH", "hyph_de_CH.dic"),
    ("de-AT", "hyph_de_AT.dic"), ("pt", "hyph_pt_BR.dic"), ("pt-PT", "hyph_pt_PT.dic"),
    ("fr", "hyph_fr.dic"), ("ru", "hyph_ru_RU.dic"),
])
def test_each_language_hyphenates_with_its_own_patterns(language, patterns):
    import pyphen

    found = environment.hyphenation_patterns(language)
    assert Path(pyphen.LANGUAGES[found]).name == patterns


def test_a_language_without_patterns_is_not_hyphenated():
    assert environment.hyphenation_patterns("zh") is None


def lines_of(word: str, language: str) -> list[str]:
    """The lines WeasyPrint sets `word` in, in a column too narrow for it, in `language`."""
    from publish.render.weasy import font_config, load_weasyprint, prepare

    weasyprint = load_weasyprint()
    prepare()
    html = (f'<html lang="{language}"><body style="width: 2.4em; font-size: 12pt; hyphens: auto; '
            f'font-family: \'EB Garamond Vendored\'">{word}</body></html>')
    document = weasyprint.HTML(string=html).render(font_config=font_config())
    found: list[str] = []

    def lines(box) -> None:
        if type(box).__name__ == "LineBox":
            found.append("".join(t.text for t in box.descendants() if hasattr(t, "text")))
        for child in getattr(box, "children", ()):
            lines(child)
    lines(document.pages[0]._page_box)
    return found


def test_weasyprint_hyphenates_american_and_british_english_apart():
    # pyphen's patterns: democ-ra-cy (en_US), demo-cracy (en_GB).
    for language in ("en", "en-US", "EN-us"):
        assert lines_of("democracy", language) == ["democ\u2010", "racy"], language
    for language in ("en-GB", "en-AU"):
        assert lines_of("democracy", language) == ["demo\u2010", "cracy"], language


def test_the_book_and_each_play_carry_their_language(tmp_path):
    write(tmp_path, "a.md", "## A\n\n**A**: Hallo.\n")
    write(tmp_path, "b.md", "## B\n\n**A**: Hello.\n")
    write(tmp_path, "book.yaml", "plays:\n  a.md:\n    language: de\n"
                                 "books:\n  b:\n    title: B\n    language: en-GB\n    manuscripts: [a.md, b.md]\n")
    from publish.build import outputs
    from publish.build.assemble import assemble
    from publish.reading.files import ProjectFiles
    from publish.render.html import Stamp

    config = load(tmp_path)
    job = assemble(config, config.books[0])
    html = outputs._book_html(job, ProjectFiles(tmp_path), Stamp("c", "2026-01-01"))
    assert '<html lang="en-GB">' in html
    assert '<article class="play" id="play-1" lang="de">' in html
    assert '<article class="play" id="play-2">' in html
    result = run_cli("epub", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "dist/b.epub") as archive:
        first = archive.read("EPUB/play-1.xhtml").decode("utf-8")
        second = archive.read("EPUB/play-2.xhtml").decode("utf-8")
    assert 'lang="de" xml:lang="de"' in first
    assert 'lang="en-GB" xml:lang="en-GB"' in second


def test_the_schema_agrees_on_fonts_and_play_languages():
    import jsonschema

    from publish.config.schema import book_yaml_schema

    validator = jsonschema.Draft202012Validator(book_yaml_schema())
    book = {"books": {"b": {"title": "B", "manuscripts": ["a.md"], "fonts": ["f/x.otf"]}},
            "plays": {"a.md": {"language": "zh-Hans"}}}
    validator.validate(book)
    for wrong in ({"plays": {"a.md": {"language": "German!"}}},
                  {"books": {"b": {"title": "B", "manuscripts": ["a.md"], "fonts": ["f/x.woff2"]}}}):
        with pytest.raises(jsonschema.ValidationError):
            validator.validate({**book, **wrong})
