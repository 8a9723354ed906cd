"""The built PDFs, read back: typography the styles promise (italic directions, small-cap
speakers in the vendored EB Garamond), embedded fonts, and editorial notes in proofs only.

Text is located in the PDF through a stream of its letters and digits (pdfplumber chars):
spaces, punctuation, quotes and hyphenation hyphens are dropped on both sides, so curly quotes,
ellipses and line breaks do not matter; the model says, in reading order, what to look for.
"""

from __future__ import annotations

import collections
import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from publish import model as m
from publish.render.assets import FONTS_DIR

BOOKS = ("collected", "drafts")
SEED_000_MANUSCRIPT = "manuscript/drafts/shoggoths-draft.md"
SEED_002_MANUSCRIPT = "manuscript/drafts/llm-successes.md"


# ---------------------------------------------------------------- reading PDFs


@dataclass(frozen=True)
class Glyph:
    char: str  # one letter or digit, case-folded
    fontname: str
    size: float
    width: float
    page: int


@dataclass
class LetterStream:
    """The letters and digits of a PDF's body text, in content order."""

    glyphs: list[Glyph]
    text: str

    def find(self, needle: str, start: int = 0) -> int:
        return self.text.find(needle, start)


def _letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFC", text).casefold() if c.isalnum())


@functools.cache
def pdf_chars(path: Path) -> tuple[tuple[str, str, float, float, int], ...]:
    """(text, fontname, size, width, page number) of every char of a PDF, in content order."""
    with pdfplumber.open(path) as pdf:
        return tuple((c["text"], c["fontname"], c["size"], c["width"], number)
                     for number, page in enumerate(pdf.pages, start=1) for c in page.chars)


def read_letters(path: Path) -> LetterStream:
    chars = pdf_chars(path)
    # Body text only: the most common size. Running heads, folios, footnote calls and
    # footnotes (smaller) and headings (larger) would otherwise interleave with a paragraph
    # that crosses a page.
    sizes = collections.Counter(round(size, 1) for text, _, size, _, _ in chars if text.strip())
    body_size = sizes.most_common(1)[0][0]
    glyphs: list[Glyph] = []
    for text, fontname, size, width, number in chars:
        if round(size, 1) != body_size:
            continue
        for char in _letters(text):  # ligatures ("ffi") carry several letters
            glyphs.append(Glyph(char, fontname, size, width / max(1, len(text)), number))
    return LetterStream(glyphs, "".join(g.char for g in glyphs))


@pytest.fixture(scope="module")
def letters(built_dist: Path):
    cache: dict[str, LetterStream] = {}

    def get(name: str) -> LetterStream:
        if name not in cache:
            cache[name] = read_letters(built_dist / name)
        return cache[name]
    return get


def pdf_text(path: Path, min_size: float = 0) -> str:
    """The text of a PDF's chars of at least `min_size` points, in content order, whitespace
    removed and typography undone (for phrase search)."""
    return _flat("".join(text for text, _, size, _, _ in pdf_chars(path) if size >= min_size))


def _flat(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for curly, straight in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'),
                            ("\u2026", "...")):
        text = text.replace(curly, straight)
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- what the model says


def visible(inlines, tag: str) -> list[tuple[str, str]]:
    """(letter, tag) for the letters a release edition shows, in order. Persona names are
    tagged "persona" and emphasis inside a direction "roman": set upright by design."""
    out: list[tuple[str, str]] = []
    for node in inlines:
        if isinstance(node, (m.Text, m.Code)):
            out += [(c, tag) for c in _letters(node.text)]
        elif isinstance(node, m.PersonaRef):
            out += visible(node.children, "persona")
        elif isinstance(node, m.Emph):
            out += visible(node.children, "roman" if tag == "italic" else tag)
        elif isinstance(node, (m.Strong, m.Strikeout, m.Link)):
            out += visible(node.children, tag)
        elif isinstance(node, m.StageDirection):
            out += visible(node.inlines, tag)
        elif isinstance(node, m.Image):
            break  # rendered as a figure or placeholder: stop here
        # InlineNote: absent from release editions
    return out


def play_blocks(play: m.Play):
    yield from play.front
    for division in play.body:
        yield from division.blocks


# ---------------------------------------------------------------- stage directions


@pytest.mark.parametrize("book", BOOKS)
def test_block_directions_are_italic(book, default_books, letters):
    stream = letters(f"{book}.pdf")
    problems, checked, cursor = [], 0, 0
    plays = default_books[book].plays
    if book == "drafts":
        assert SEED_000_MANUSCRIPT in [p.meta.source for p in plays]
    for play in plays:
        directions = [b for b in play_blocks(play) if isinstance(b, m.StageDirection)]
        for direction in directions:
            expected = visible(direction.inlines, "italic")
            needle = "".join(c for c, _ in expected)
            where = f"{play.meta.source}:{direction.span.line}" if direction.span else play.meta.source
            found = stream.find(needle, cursor)
            if found < 0:
                shown = m.plain_text(direction)[:70]
                problems.append(f"{where}: direction not found in {book}.pdf: {shown!r}")
                continue
            cursor = found + len(needle)
            roman = [stream.glyphs[found + i] for i, (_, tag) in enumerate(expected)
                     if tag == "italic" and "Italic" not in stream.glyphs[found + i].fontname]
            checked += sum(1 for _, tag in expected if tag == "italic")
            if roman:
                fonts = sorted({g.fontname for g in roman})
                problems.append(f"{where}: {len(roman)} letters not italic (fonts {fonts}) in "
                                f"{m.plain_text(direction)[:70]!r}")
    assert not problems, "\n".join(problems)
    assert checked > 100, f"only {checked} direction letters checked in {book}.pdf"


def test_seed_000_block_directions_are_in_the_drafts_model(default_books):
    """The directions checked above include the four block directions of seed 000."""
    (play,) = [p for p in default_books["drafts"].plays if p.meta.source == SEED_000_MANUSCRIPT]
    directions = [b for b in play_blocks(play) if isinstance(b, m.StageDirection)]
    assert len(directions) == 4
    assert all(d.placement == "block" for d in directions)


# ---------------------------------------------------------------- small caps


@pytest.fixture(scope="module")
def book_face():
    """Advances of the vendored roman: per character, (regular advance, small-cap advance), in
    1/1000 em, small caps found through the font's own smcp (lowercase) and c2sc (capitals)."""
    font = TTFont(FONTS_DIR / "EBGaramond12-Regular.otf")
    scale = 1000 / font["head"].unitsPerEm
    hmtx, cmap = font["hmtx"], font.getBestCmap()
    substitutions: dict[str, dict[str, str]] = {"smcp": {}, "c2sc": {}}
    gsub = font["GSUB"].table
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag not in substitutions:
            continue
        for index in record.Feature.LookupListIndex:
            for table in gsub.LookupList.Lookup[index].SubTable:
                mapping = getattr(table, "mapping", None)
                if mapping is None and hasattr(table, "ExtSubTable"):
                    mapping = getattr(table.ExtSubTable, "mapping", None)
                substitutions[record.FeatureTag].update(mapping or {})
    advances = {}
    for code, glyph in cmap.items():
        char = chr(code)
        if not char.isalpha():
            continue
        feature = "c2sc" if char.isupper() else "smcp"
        small = substitutions[feature].get(glyph)
        if small:
            advances[char] = (hmtx[glyph][0] * scale, hmtx[small][0] * scale)
    assert advances.get("o") and advances["o"][0] != advances["o"][1], "no small caps found in the font"
    return advances


@pytest.mark.parametrize("book", BOOKS)
def test_speakers_are_set_in_small_caps(book, default_books, letters, book_face):
    stream = letters(f"{book}.pdf")
    cursor, checked, problems, missing = 0, 0, [], []
    for play in default_books[book].plays:
        for speech in (b for b in play_blocks(play) if isinstance(b, m.Speech)):
            label = _letters(speech.label)
            after = visible((speech.delivery,) if speech.delivery else (), "text")
            for block in speech.paragraphs[:1]:
                if isinstance(block, m.Paragraph):
                    after += visible(block.inlines, "text")
            context = "".join(c for c, _ in after)[:24]
            if not context:
                continue  # an empty speech: nothing to anchor the label on
            found = stream.find(label + context, cursor)
            if found < 0:
                missing.append(f"{play.meta.source}:{speech.span.line}: {speech.label}: {context}")
                continue
            cursor = found + len(label)
            original = speech.label.replace(" ", "")
            for offset, char in enumerate(c for c in original if c.isalnum()):
                glyph = stream.glyphs[found + offset]
                if char not in book_face:
                    continue
                regular, small = book_face[char]
                if abs(regular - small) < 2:
                    continue  # this letter's small cap is as wide as the letter: no evidence
                advance = glyph.width / glyph.size * 1000
                checked += 1
                if abs(advance - small) > 1.5:
                    problems.append(f"{play.meta.source}:{speech.span.line} {speech.label!r} "
                                    f"{char!r}: advance {advance:.0f}, small cap {small:.0f}, "
                                    f"regular {regular:.0f} ({glyph.fontname}, page {glyph.page})")
    assert not missing, f"speeches not found in {book}.pdf:\n" + "\n".join(missing[:20])
    assert checked > 100, f"only {checked} speaker letters checked in {book}.pdf"
    assert not problems, (f"{len(problems)} of {checked} speaker letters are not the small caps of "
                          f"{FONTS_DIR / 'EBGaramond12-Regular.otf'}:\n" + "\n".join(problems[:15]))


# ---------------------------------------------------------------- fonts


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def pdf_fonts(path: Path) -> dict[str, DictionaryObject]:
    """Every font dictionary a PDF uses: page resources, form XObjects, annotation streams."""
    reader = PdfReader(path)
    fonts: dict[str, DictionaryObject] = {}
    seen: set[int] = set()

    def visit_resources(resources) -> None:
        resources = _resolve(resources)
        if not isinstance(resources, DictionaryObject) or id(resources) in seen:
            return
        seen.add(id(resources))
        for font in _resolve(resources.get("/Font", DictionaryObject())).values():
            font = _resolve(font)
            fonts[str(font.get("/BaseFont", f"unnamed-{len(fonts)}"))] = font
            if "/Resources" in font:  # Type3 glyph procedures may use fonts too
                visit_resources(font["/Resources"])
        for xobject in _resolve(resources.get("/XObject", DictionaryObject())).values():
            xobject = _resolve(xobject)
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                visit_resources(xobject["/Resources"])

    for page in reader.pages:
        visit_resources(page.get("/Resources"))
        for annotation in _resolve(page.get("/Annots", [])) or []:
            appearance = _resolve(_resolve(annotation).get("/AP", DictionaryObject()))
            for stream in appearance.values():
                stream = _resolve(stream)
                if "/Resources" in stream:
                    visit_resources(stream["/Resources"])
    return fonts


def _descriptor(font: DictionaryObject) -> DictionaryObject | None:
    if font.get("/Subtype") == "/Type0":
        font = _resolve(_resolve(font["/DescendantFonts"])[0])
    descriptor = font.get("/FontDescriptor")
    return _resolve(descriptor) if descriptor is not None else None


def _font_file(descriptor: DictionaryObject):
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in descriptor:
            return _resolve(descriptor[key])
    return None


def built_pdfs(dist: Path) -> list[Path]:
    """Every PDF of the default build (at least the release and proof of both books)."""
    pdfs = sorted(dist.glob("*.pdf"))
    expected = {f"{book}{suffix}.pdf" for book in BOOKS for suffix in ("", "-proof")}
    assert expected <= {p.name for p in pdfs}, f"missing: {expected - {p.name for p in pdfs}}"
    return pdfs


def test_all_fonts_embedded_and_no_type3(built_dist):
    problems = []
    for pdf in built_pdfs(built_dist):
        fonts = pdf_fonts(pdf)
        assert fonts, f"{pdf.name}: no fonts found (is there any text?)"
        for name, font in fonts.items():
            if font.get("/Subtype") == "/Type3":
                problems.append(f"{pdf.name}: {name} is a Type3 font")
                continue
            descriptor = _descriptor(font)
            if descriptor is None or _font_file(descriptor) is None:
                problems.append(f"{pdf.name}: {name} ({font.get('/Subtype')}) is not embedded")
    assert not problems, "\n".join(problems)


def test_embedded_fonts_are_the_vendored_ones(built_dist):
    """The PDFs are set in styles/fonts/, whatever fonts the machine has installed."""
    vendored = {}
    for path in sorted(FONTS_DIR.glob("*.otf")):
        vendored[TTFont(path)["name"].getDebugName(6)] = path.name
    problems, used = [], set()
    for pdf in built_pdfs(built_dist):
        for name, font in pdf_fonts(pdf).items():
            descriptor = _descriptor(font)
            program = _font_file(descriptor) if descriptor is not None else None
            if program is None:
                continue  # reported by the embedding test
            postscript = TTFont(io.BytesIO(program.get_data()))["name"].getDebugName(6)
            used.add(postscript)
            if postscript not in vendored:
                problems.append(f"{pdf.name}: {name} embeds {postscript!r}, not a vendored font "
                                f"({sorted(vendored)})")
    assert not problems, "\n".join(sorted(set(problems)))
    assert {"EBGaramond12-Regular", "EBGaramond12-Italic"} <= used


# ---------------------------------------------------------------- editorial notes


def _note_phrases(play: m.Play) -> list[str]:
    """A distinctive phrase per note: the start of its longest paragraph."""
    phrases = []
    for note in (n for n in m.walk(play) if isinstance(n, m.Note)):
        paragraphs = [p for p in m.walk(note.blocks) if isinstance(p, m.Paragraph)]
        longest = max(paragraphs, key=lambda p: len(m.plain_text(p)))
        phrases.append(_flat(m.plain_text(longest))[:50])
    return phrases


def test_notes_only_in_proofs(built_dist, default_books):
    drafts = default_books["drafts"]
    phrases: list[str] = []
    for source in (SEED_000_MANUSCRIPT, SEED_002_MANUSCRIPT):
        (play,) = [p for p in drafts.plays if p.meta.source == source]
        found = _note_phrases(play)
        assert len(found) >= 5, f"{source}: expected its TODO notes, found {len(found)}"
        phrases += found
    # guard: the phrases occur nowhere but in notes (else absence in release would be moot)
    shown = "".join(_flat(m.plain_text(b)) for play in drafts.plays for b in play_blocks(play)
                    if not isinstance(b, m.Note))
    assert not [p for p in phrases if p in shown]

    pdfs = {pdf.name: pdf for pdf in built_pdfs(built_dist)}
    # Release editions: every char counts. The proof: the running heads, stamp and footnotes
    # (all under 9.5 pt) are left out so they cannot split a note that crosses a page.
    leaked = [f"{name}: {phrase!r}" for name, pdf in pdfs.items() if not name.endswith("-proof.pdf")
              for phrase in phrases if phrase in pdf_text(pdf)]
    assert not leaked, "editorial notes printed in release PDFs:\n" + "\n".join(leaked)
    proof = pdf_text(pdfs["drafts-proof.pdf"], min_size=9.5)
    absent = [phrase for phrase in phrases if phrase not in proof]
    assert not absent, "editorial notes missing from drafts-proof.pdf:\n" + "\n".join(absent)
