"""Issue 25: every stylesheet an EPUB ships, and every one in styles/, is CSS an engine keeps
whole: it parses, `@charset`/`@import`/`@namespace` stand where CSS allows them, every at-rule
is known, every selector compiles (a namespace prefix must be declared) and every declaration
is valid (tests/css_support.py). The EPUB's epub.css once began with the generated
`@font-face` rules and only then `@namespace epub`, so browsers dropped every `epub|type` rule;
stylesheets made of parts are now joined by `publish/render/stylesheets.py`, which keeps that
order whatever the parts.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import tinycss2
from hypothesis import given, strategies as st
from lxml import etree

from css_support import stylesheet_problems
from publish.render.stylesheets import join_stylesheets

ROOT = Path(__file__).resolve().parents[1]
STYLES = sorted((ROOT / "styles").glob("*.css"))
OPF = "http://www.idpf.org/2007/opf"
XHTML = "http://www.w3.org/1999/xhtml"


@pytest.mark.parametrize("sheet", STYLES, ids=lambda path: path.name)
def test_every_stylesheet_in_styles_is_kept_whole(sheet: Path):
    problems = stylesheet_problems(sheet.read_text(encoding="utf-8"), base_url=sheet.as_uri())
    assert not problems, f"{sheet.name}:\n" + "\n".join(problems)


def epub_stylesheets(epub: Path) -> dict[str, str]:
    """{where: CSS} for every stylesheet in the manifest and every <style> element."""
    sheets = {}
    with zipfile.ZipFile(epub) as archive:
        opf_name = next(n for n in archive.namelist() if n.endswith(".opf"))
        folder = opf_name.rpartition("/")[0]
        opf = etree.fromstring(archive.read(opf_name))
        for item in opf.iter(f"{{{OPF}}}item"):
            name = f"{folder}/{item.get('href')}" if folder else item.get("href")
            if item.get("media-type") == "text/css":
                sheets[name] = archive.read(name).decode("utf-8")
            elif item.get("media-type") == "application/xhtml+xml":
                document = etree.fromstring(archive.read(name))
                for index, style in enumerate(document.iter(f"{{{XHTML}}}style")):
                    sheets[f"{name} <style> {index + 1}"] = style.text or ""
    return sheets


@pytest.mark.parametrize("name", ["collected", "drafts", "one-play"])
def test_every_stylesheet_an_epub_ships_is_kept_whole(request, name: str):
    epub = (request.getfixturevalue("one_play_epub") if name == "one-play"
            else request.getfixturevalue("built_dist") / f"{name}.epub")
    sheets = epub_stylesheets(epub)
    assert sheets, f"{name}.epub ships no stylesheet"
    problems = [f"{where}:{problem}" for where, css in sheets.items()
                for problem in stylesheet_problems(css, base_url=f"file:///{where}")]
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- the checker can fail


@pytest.mark.parametrize("css, expected", [
    ('@font-face { font-family: "F"; src: url(f.otf); }\n@namespace e "u";\n[e|type] { color: red; }',
     "@namespace after other rules"),
    ('a { color: red; }\n@import "x.css";', "@import after other rules"),
    (' @charset "utf-8";\na { color: red; }', "@charset is ignored"),
    ('@media print { @import "x.css"; }', "@import inside another rule"),
    ("@frobnicate speed;", "unknown at-rule @frobnicate"),
    ("a { color red; }", "parse error"),
    ("a { colr: red; }", "unknown property"),
    ("a { color: 12px; }", "color: 12px is ignored"),
    ("a { overflow-wrap: sometimes; }", "overflow-wrap: sometimes is ignored"),
    ('[epub|type~="z3998:persona"] { font-variant: small-caps; }', "undefined namespace prefix: epub"),
    ("a > > b { color: red; }", "is invalid"),
    ('@page { @top-middle { content: "x"; } }', "unknown page area @top-middle"),
    ('@font-face { font-family: "F"; }', "without src"),
    ("a { -moz-hyphens: auto; }", "prefixed property -moz-hyphens"),
    ("a { b { color: red; } }", "nested rules"),
])
def test_the_checker_finds_what_an_engine_drops(css: str, expected: str):
    problems = stylesheet_problems(css)
    assert any(expected in problem for problem in problems), problems


def test_the_checker_accepts_valid_css_in_the_required_order():
    css = ('@charset "utf-8";\n@import "other.css";\n@namespace epub "http://www.idpf.org/2007/ops";\n'
           '@font-face { font-family: "F"; font-style: italic; src: url("../fonts/f.otf"); }\n'
           '[epub|type~="z3998:stage-direction"]::before { content: "["; font-style: normal; }\n'
           "td:first-child:not([epub|type]) + td { margin-top: 1.2em; }\n"
           "@media (max-width: 400px) { p { hyphens: auto; -epub-hyphens: auto; overflow-wrap: break-word; } }\n"
           "@page :left { margin: 1in; @top-center { content: none; } }\n"
           "img { max-width: 100%; height: auto; } pre { white-space: pre-wrap; }")
    assert stylesheet_problems(css) == []


# ---------------------------------------------------------------- joining stylesheets


NAMESPACES = ["epub", "svg", "m"]


@st.composite
def stylesheet_parts(draw) -> list[str]:
    """Stylesheets each valid on its own: optional @charset, @imports, @namespaces, then
    @font-face rules and style rules using the part's own namespace prefixes."""
    parts = []
    for index in range(draw(st.integers(1, 4))):
        prelude, body = [], []
        if draw(st.booleans()):
            prelude.append('@charset "utf-8";')
        prelude += [f'@import "sheet-{index}-{n}.css";' for n in range(draw(st.integers(0, 2)))]
        prefixes = draw(st.lists(st.sampled_from(NAMESPACES), unique=True, max_size=2))
        prelude += [f'/* {prefix} */ @namespace {prefix} "urn:{prefix}";' for prefix in prefixes]
        body += [f'@font-face {{ font-family: "F{index}-{n}"; src: url(f{n}.otf); }}'
                 for n in range(draw(st.integers(0, 2)))]
        body += [f'[{prefix}|type~="x{index}"] {{ font-style: italic; }}' for prefix in prefixes]
        body += ["/* a comment */", f".c{index} {{ color: red; }}"] if draw(st.booleans()) else []
        parts.append("\n".join(prelude + body))
    return parts


def rule_texts(css: str) -> list[str]:
    return [tinycss2.serialize([rule]) for rule in tinycss2.parse_stylesheet(css, skip_comments=True,
                                                                              skip_whitespace=True)]


@given(stylesheet_parts())
def test_joined_stylesheets_keep_every_rule_in_the_required_order(parts: list[str]):
    joined = join_stylesheets(*parts)
    assert stylesheet_problems(joined) == [], joined
    kept = rule_texts(joined)
    for part in parts:  # every rule but @charset (the joined file is UTF-8) is kept, once
        for rule in rule_texts(part):
            assert rule.startswith("@charset") or rule in kept, (rule, joined)
    dropped_charsets = sum(rule.startswith("@charset") for part in parts for rule in rule_texts(part))
    assert len(kept) == sum(len(rule_texts(part)) for part in parts) - dropped_charsets


def test_concatenation_is_what_broke_and_joining_mends_it():
    fonts = '@font-face { font-family: "F"; src: url(f.otf); }'
    sheet = '/* epub */\n@namespace epub "http://www.idpf.org/2007/ops";\n[epub|type~="part"] h2 { margin: 0; }'
    assert any("@namespace after other rules" in p for p in stylesheet_problems(fonts + "\n" + sheet))
    joined = join_stylesheets(fonts, sheet)
    assert stylesheet_problems(joined) == []
    assert re.match(r"/\* epub \*/\n@namespace epub", joined), joined  # comments travel with their rule
