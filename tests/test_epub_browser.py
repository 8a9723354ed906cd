"""Issue 25: the EPUBs as readers see them, in a real browser engine.

Every content document of the built EPUBs (the default books, the one-play book, the fixture
book of every manuscript convention, and a generated play with a word, a URL, a speaker's name and a line of code longer than a phone is
wide, and an image wider than any screen) is opened in Debian's headless Chromium at 320, 360,
768 and 1280 CSS pixels (loaded once, laid out again at each width) in one browser session
for the whole module
(`tests/browser_support.py`); `tests/browser_measure.js` reads the computed styles and the
layout. From those the tests assert what a reader sees: speaker names in small caps and never
italic, stacked above the speech on narrow screens and in a right-aligned column on wide ones;
stage directions italic between upright, visible brackets; the dramatis personae a centred
list without bullets; scene headings centred; nothing wider than the screen; every internal
link landing on an element that exists and says what the link says; every rule of every
stylesheet kept by the browser; the fonts loaded; the book's language on every document.

Without `chromium` and `chromedriver` the browser tests are SKIPPED with the reason
(`pytest -rs`); `.ci/run` installs both. `pytest --update-screenshots` also writes the phone and tablet
screenshots of a chapter into docs/images/ (the README shows them).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree

from browser_support import browser_paths, measure, serve, set_viewport, start_browser
from conftest import REPO_ROOT, run_cli

PATHS = browser_paths()

WIDTHS = (320, 360, 768, 1280)
HEIGHTS = {320: 640, 360: 740, 768: 1024, 1280: 800}
# epub.css's `@media (max-width: 400px)`: at or below it a speech's persona stands above it.
NARROW = 400
# The chapter shown in the README, and at which widths.
SCREENSHOT_PAGE = ("collected", "play-1.xhtml")
SCREENSHOTS = {360: "epub-phone.png", 768: "epub-tablet.png"}
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
TOLERANCE = 1.0  # CSS pixels: layout rounds to fractions of a pixel

LONG_WORD = ("Pneumonoultramicroscopicsilicovolcanoconiosisandthensomeloremipsumdolorsitamet"
             "consecteturadipiscingelitseddoeiusmodtemporincididunt")
LONG_URL = ("https://example.com/a/very/long/path/that/never/breaks/because/it/has/no/spaces/"
            "at/all/index.html?query=lemons&and=more-lemons-than-anyone-could-want")
LONG_NAME = "Supercalifragilisticexpialidociousnessness"
LONG_PLAY = f"""## Words Too Long for a Phone

### Scene 1: The Long Word

_[**Quince** reads aloud a word that does not end: {LONG_WORD}.]_

**Quince**: _[slowly, setting the crate down]_ {LONG_WORD} is the word.

**{LONG_NAME}**: The address is {LONG_URL} and [the link]({LONG_URL}#again) too.

![A chart wider than any screen](wide.png)

_[**{LONG_NAME}** holds up a sign: {LONG_WORD}.]_

**Quince**: Code, too:

```
a_line_of_code_that_is_much_wider_than_any_phone_screen_could_ever_show_without_wrapping_it = True
```

> A quotation with {LONG_URL} in it.
"""
LONG_BOOK = f"""defaults:
  author: A. Test Author
  language: en
plays:
  long.md:
    cast:
      - id: quince
        name: Quince Orchardson
        aliases: [Quince]
        description: keeper of the orchard
      - id: long
        name: {LONG_NAME}
        description: a name longer than a phone is wide
books:
  long:
    title: Words Too Long for a Phone
    manuscripts: [long.md]
"""


@pytest.fixture(scope="module")
def fixtures_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's fixture book of every manuscript convention (tests/fixtures):
    joint speakers, an empty speech, prose, lists, quotations, code, images local and remote."""
    root = tmp_path_factory.mktemp("fixtures") / "project"
    shutil.copytree(REPO_ROOT / "tests" / "fixtures", root)
    result = run_cli("epub", "--book", "orchard", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "dist" / "orchard.epub"


@pytest.fixture(scope="module")
def long_play_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-play book of words, a URL, a name and code too long for a line, and a wide image."""
    from PIL import Image

    root = tmp_path_factory.mktemp("long-play")
    (root / "book.yaml").write_text(LONG_BOOK, encoding="utf-8")
    (root / "long.md").write_text(LONG_PLAY, encoding="utf-8")
    Image.new("RGB", (2400, 300), (200, 180, 40)).save(root / "wide.png")
    result = run_cli("epub", "--book", "long", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "dist" / "long.epub"


# ---------------------------------------------------------------- one browser session


@dataclass
class Rendered:
    """Every content document of every EPUB, measured at every width."""

    folder: Path  # where the EPUBs are unpacked, one folder each
    base: str  # the URL `folder` was served at
    languages: dict[str, str]  # book -> dc:language
    pages: dict[tuple[str, str, int], dict] = field(default_factory=dict)  # (book, document, width)
    screenshots: dict[int, Path] = field(default_factory=dict)

    def at(self, width: int) -> dict[tuple[str, str], dict]:
        return {(book, doc): page for (book, doc, w), page in self.pages.items() if w == width}


def spine(opf_path: Path) -> list[str]:
    """The content documents of an unpacked EPUB, in reading order, relative to the OPF."""
    opf = etree.parse(str(opf_path))
    hrefs = {item.get("id"): item.get("href") for item in opf.iter(f"{{{OPF}}}item")}
    return [hrefs[ref.get("idref")] for ref in opf.iter(f"{{{OPF}}}itemref")]


@pytest.fixture(scope="module")
def rendered(request, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    if isinstance(PATHS, str):
        pytest.skip(PATHS)
    built_dist = request.getfixturevalue("built_dist")  # built only once the browser is known
    epubs = {"collected": built_dist / "collected.epub", "drafts": built_dist / "drafts.epub",
             "one-play": request.getfixturevalue("one_play_epub"),
             "fixtures": request.getfixturevalue("fixtures_epub"),
             "long": request.getfixturevalue("long_play_epub")}
    folder = tmp_path_factory.mktemp("epubs-unpacked")
    documents, languages = {}, {}
    for name, epub in epubs.items():
        with zipfile.ZipFile(epub) as archive:
            archive.extractall(folder / name)
        opf = folder / name / "EPUB" / "content.opf"
        documents[name] = spine(opf)
        languages[name] = etree.parse(str(opf)).findtext(f".//{{{DC}}}language")
    shots = tmp_path_factory.mktemp("screenshots")
    browser, driver = PATHS
    session = start_browser(browser, driver, tmp_path_factory.mktemp("chromium-profile"))
    try:
        with serve(folder) as base:
            result = Rendered(folder, base, languages)
            for name, docs in documents.items():
                for doc in docs:
                    session.get(f"{base}{name}/EPUB/{doc}")
                    for width in WIDTHS:
                        set_viewport(session, width, HEIGHTS[width])
                        page = measure(session)
                        assert "error" not in page, f"{name}/{doc} at {width}px: {page['error']}"
                        result.pages[(name, doc, width)] = page
                        if (name, doc) == SCREENSHOT_PAGE and width in SCREENSHOTS:
                            result.screenshots[width] = shots / SCREENSHOTS[width]
                            session.save_screenshot(str(result.screenshots[width]))
    finally:
        session.quit()
    if request.config.getoption("--update-screenshots"):
        for path in result.screenshots.values():
            shutil.copy2(path, REPO_ROOT / "docs" / "images" / path.name)
    return result


def where(key, width: int | None = None) -> str:
    book, doc = key
    return f"{book}/{doc}" + (f" at {width}px" if width else "")


def center(box: dict) -> float:
    return (box["left"] + box["right"]) / 2


# ---------------------------------------------------------------- the screen's width


@pytest.mark.parametrize("width", WIDTHS)
def test_nothing_is_wider_than_the_screen(rendered: Rendered, width: int):
    problems = []
    for key, page in rendered.at(width).items():
        assert page["viewport"] == width, f"{where(key, width)}: the viewport is {page['viewport']}px"
        if page["scrollWidth"] > page["viewport"] or page["wider"]:
            problems.append(f"{where(key, width)}: {page['scrollWidth']}px wide; sticking out: {page['wider']}")
        for image in page["images"]:
            if not image["loaded"] or image["box"]["left"] < -TOLERANCE or image["box"]["right"] > width + TOLERANCE:
                problems.append(f"{where(key, width)}: image {image['what']} at {image['box']}, loaded: {image['loaded']}")
    assert not problems, "\n".join(problems)


def test_the_long_play_has_what_must_wrap(rendered: Rendered):
    """The generated play really holds what would stick out: a wide image, a long speaker."""
    page = rendered.pages[("long", "play-1.xhtml", 1280)]
    assert [image["what"] for image in page["images"]] and any(
        LONG_NAME in speech["what"] for speech in page["speeches"])


# ---------------------------------------------------------------- drama typography


def drama_pages(rendered: Rendered, width: int) -> dict:
    pages = {key: page for key, page in rendered.at(width).items() if key[1].startswith("play-")}
    assert len(pages) == 9, sorted(pages)  # collected 1, drafts 3, one-play 1, fixtures 3, long 1
    return pages


@pytest.mark.parametrize("width", WIDTHS)
def test_personas_are_small_caps_never_italic(rendered: Rendered, width: int):
    problems, seen = [], 0
    for key, page in drama_pages(rendered, width).items():
        assert page["personas"], f"{where(key)}: no persona"
        for persona in page["personas"]:
            seen += 1
            if persona["fontVariantCaps"] != "small-caps" or persona["fontStyle"] != "normal":
                problems.append(f"{where(key, width)}: {persona['what']}: font-variant-caps "
                                f"{persona['fontVariantCaps']}, font-style {persona['fontStyle']}")
    assert seen > 100 and not problems, f"{len(problems)} of {seen}:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("width", WIDTHS)
def test_stage_directions_are_italic_between_upright_visible_brackets(rendered: Rendered, width: int):
    problems, seen = [], 0
    for key, page in drama_pages(rendered, width).items():
        for direction in page["directions"]:
            seen += 1
            brackets = [(direction["before"], '"["'), (direction["after"], '"]"')]
            wrong = [f"{bracket['content']} ({bracket['fontStyle']}, {bracket['display']}, "
                     f"{bracket['visibility']}, {bracket['color']}, opacity {bracket['opacity']})"
                     for bracket, content in brackets
                     if bracket["content"] != content or bracket["fontStyle"] != "normal"
                     or bracket["display"] == "none" or bracket["visibility"] != "visible"
                     or bracket["opacity"] == "0" or bracket["color"] in ("transparent", "rgba(0, 0, 0, 0)")]
            if direction["fontStyle"] != "italic" or wrong:
                problems.append(f"{where(key, width)}: {direction['what']}: {direction['fontStyle']}, "
                                f"brackets {wrong}")
    assert seen > 50 and not problems, f"{len(problems)} of {seen}:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("width", WIDTHS)
def test_speakers_stack_on_narrow_screens_and_stand_in_a_column_on_wide_ones(rendered: Rendered, width: int):
    problems, seen = [], 0
    for key, page in drama_pages(rendered, width).items():
        speeches = page["speeches"]
        assert speeches, f"{where(key)}: no speech rows"
        seen += len(speeches)
        for speech in speeches:
            persona, words = speech["persona"], speech["words"]
            if width <= NARROW:
                stacked = (persona["bottom"] <= words["top"] + TOLERANCE
                           and abs(persona["left"] - words["left"]) <= TOLERANCE)
                if not stacked:
                    problems.append(f"{where(key, width)}: not stacked: {speech['what']} {persona} {words}")
            else:
                beside = (persona["right"] <= words["left"] + TOLERANCE
                          and abs(persona["top"] - words["top"]) <= TOLERANCE)
                flush_right = abs(speech["personaText"]["right"] - persona["right"]) <= 0.5 * persona["width"]
                if not beside or speech["textAlign"] != "right" or not flush_right:
                    problems.append(f"{where(key, width)}: not beside its speech, right-aligned: "
                                    f"{speech['what']} {persona} {speech['personaText']} {words}")
        if width > NARROW:
            # One column: every name ends at the same edge, every speech starts at the same one.
            for edge, boxes in (("names' right", [s["personaText"]["right"] for s in speeches]),
                                ("speeches' left", [s["words"]["left"] for s in speeches])):
                if max(boxes) - min(boxes) > TOLERANCE:
                    problems.append(f"{where(key, width)}: the {edge} edges range over "
                                    f"{min(boxes):.1f}-{max(boxes):.1f}px")
    assert seen > 50 and not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("width", WIDTHS)
def test_dramatis_personae_is_a_centred_list_without_bullets(rendered: Rendered, width: int):
    problems = []
    for key, page in drama_pages(rendered, width).items():
        assert page["personae"], f"{where(key)}: no dramatis personae"
        for section in page["personae"]:
            if any(style != "none" for style in section["lists"]) or not section["items"]:
                problems.append(f"{where(key, width)}: list style {section['lists']}")
            for item in section["items"]:
                if item["listStyleType"] != "none" or abs(center(item["text"]) - center(section["box"])) > 2:
                    problems.append(f"{where(key, width)}: {item['what']}: {item['listStyleType']}, text "
                                    f"centre {center(item['text']):.1f} in {center(section['box']):.1f}")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("width", WIDTHS)
def test_scene_and_play_headings_are_centred(rendered: Rendered, width: int):
    problems, scenes = [], 0
    for key, page in drama_pages(rendered, width).items():
        for heading in page["headings"]:
            scenes += heading["scene"]
            if heading["textAlign"] != "center" or abs(center(heading["text"]) - center(heading["box"])) > 2:
                problems.append(f"{where(key, width)}: {heading['what']}: {heading['textAlign']}, text "
                                f"centre {center(heading['text']):.1f} in {center(heading['box']):.1f}")
    assert scenes >= 3 and not problems, "\n".join(problems)


# ---------------------------------------------------------------- links


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_every_internal_link_lands_on_what_it_names(rendered: Rendered):
    checked, problems = link_problems(list(rendered.at(1280).values()), rendered.base)
    assert checked > 100 and not problems, "\n".join(problems[:30])


def link_problems(pages: list[dict], base: str) -> tuple[int, list[str]]:
    """(internal links checked, what is wrong with them) over measured pages: a link must
    reach a loaded document and, with a fragment, an element of it with that id; there, a
    page-list entry must find the page break of its number, a landmark its kind of content
    (its epub:type in the document), a contents entry a heading or title holding its words."""
    by_url = {page["url"]: page for page in pages}
    checked, problems = 0, []
    for page in pages:
        for link in page["links"]:
            if not link["href"].startswith(base):
                continue  # a web address: the reader's browser's business
            checked += 1
            url, _, fragment = link["href"].partition("#")
            target_page = by_url.get(url)
            target = target_page["targets"].get(unquote(fragment)) if target_page and fragment else None
            if target_page is None or (fragment and target is None):
                problems.append(f"{page['url']}: {link['text']!r} -> {link['href']}: no such target")
                continue
            problems.extend(f"{page['url']}: {link['text']!r} -> {link['href']}: {problem}"
                            for problem in _mismatch(link, target_page, target))
    return checked, problems


def _mismatch(link: dict, page: dict, target: dict | None) -> list[str]:
    if "pagebreak" in (target or {}).get("types", []):
        return [] if target["label"] == link["text"] else [f"lands on page {target['label']}"]
    if link["types"]:
        return [] if set(link["types"]) <= set(page["types"]) else [f"no {link['types']} there"]
    said = (target or {}).get("heading") or page["firstHeading"]
    if not words(link["text"]) <= words(said) | words(page["title"]):
        return [f"lands on {said!r}"]
    return []


def test_the_link_check_finds_links_that_go_nowhere_or_elsewhere():
    """link_problems on made-up pages: each kind of wrong link is found, right ones are not."""
    base = "http://127.0.0.1:1/"

    def page(name, title, first, types=(), targets=None, links=()):
        return {"url": base + name, "title": title, "firstHeading": first, "types": list(types),
                "targets": targets or {}, "links": [{"href": base + href, "text": text, "types": list(kinds)}
                                                    for href, text, kinds in links]}
    chapter = page("play-1.xhtml", "The Play", "The Play", ["bodymatter", "z3998:scene"], {
        "play-1-scene-1": {"types": ["z3998:scene"], "label": None, "heading": "Scene 1 The Crate"},
        "page-7": {"types": ["pagebreak"], "label": "7", "heading": ""}})
    right = [("play-1.xhtml#play-1-scene-1", "Scene 1: The Crate", ()), ("play-1.xhtml#page-7", "7", ()),
             ("play-1.xhtml", "Start of Content", ("bodymatter",)), ("play-1.xhtml", "The Play", ())]
    wrong = [("play-1.xhtml#play-1-scene-2", "Scene 2", ()), ("play-2.xhtml", "Another Play", ()),
             ("play-1.xhtml#page-7", "8", ()), ("play-1.xhtml", "Cover", ("cover",)),
             ("play-1.xhtml#play-1-scene-1", "Scene 1: The Lemons", ())]
    checked, problems = link_problems([chapter, page("nav.xhtml", "Contents", "Contents", links=right + wrong)], base)
    assert checked == 9 and len(problems) == 5, problems
    assert all(href in problem for (href, _, _), problem in zip(wrong, problems, strict=True)), problems


# ---------------------------------------------------------------- styles, fonts, language


def rule_count(css: str) -> int:
    """Rules a browser keeps in its object model for `css` (group rules' contents included;
    `@charset` is never in it)."""
    import tinycss2

    count = 0
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "charset":
            continue
        count += 1
        if rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports", "layer") and rule.content:
            count += rule_count(tinycss2.serialize(rule.content))
    return count


def test_the_browser_keeps_every_rule_of_every_stylesheet(rendered: Rendered):
    problems, sheets = [], 0
    for key, page in rendered.at(1280).items():
        for sheet in page["sheets"]:
            sheets += 1
            path = rendered.folder / unquote(urlsplit(sheet["href"]).path).lstrip("/")
            expected = rule_count(path.read_text(encoding="utf-8"))
            if sheet["rules"] != expected:
                problems.append(f"{where(key)}: Chromium keeps {sheet['rules']} of the {expected} rules of {sheet['href']}")
    assert sheets and not problems, "\n".join(problems)


def test_fonts_load_and_documents_hyphenate_in_the_books_language(rendered: Rendered):
    problems = []
    for (book, doc), page in rendered.at(360).items():
        failed = [f for f in page["fonts"] if f["status"] == "error"]
        loaded = {f["family"] for f in page["fonts"] if f["status"] == "loaded"}
        if failed or '"EB Garamond Vendored"' not in loaded and "EB Garamond Vendored" not in loaded:
            problems.append(f"{book}/{doc}: fonts failed {failed}, loaded {loaded}")
        language = rendered.languages[book]
        if page["lang"] != language or page["xmlLang"] != language:
            problems.append(f"{book}/{doc}: lang {page['lang']!r}, xml:lang {page['xmlLang']!r}, book {language!r}")
        if page["body"]["hyphens"] != "auto" or page["body"]["overflowWrap"] not in ("break-word", "anywhere"):
            problems.append(f"{book}/{doc}: hyphens {page['body']['hyphens']}, overflow-wrap {page['body']['overflowWrap']}")
    assert not problems, "\n".join(problems)


def test_screenshots_of_a_chapter_at_phone_and_tablet_width(rendered: Rendered):
    from PIL import Image

    assert set(rendered.screenshots) == set(SCREENSHOTS)
    for width, path in rendered.screenshots.items():
        with Image.open(path) as image:
            assert image.size == (width, HEIGHTS[width])
            # Not a blank page: dark text on the light page.
            assert image.convert("L").getextrema()[0] < 80, path
