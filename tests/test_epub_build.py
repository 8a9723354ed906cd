"""The EPUBs of the default project: epubcheck, drama semantics (se lint rules), navigation,
page-list against the print PDF, metadata, cover, fonts, reproducibility.

The books are built once per session (about 6 s) into a temporary folder with a fixed
SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def publish(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=True)


@pytest.fixture(scope="session")
def built(built_dist: Path) -> Path:
    """The session's build of the default books (conftest), EPUBs and print PDFs."""
    return built_dist


def read(epub: Path, name: str) -> bytes:
    with zipfile.ZipFile(epub) as archive:
        return archive.read(name)


def xml(epub: Path, name: str):
    return etree.fromstring(read(epub, name))


def content_documents(epub: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as archive:
        return {n: etree.fromstring(archive.read(n)) for n in archive.namelist() if n.endswith(".xhtml")}


def epub_types(element) -> set[str]:
    return set((element.get(EPUB_TYPE) or "").split())


# ---------------------------------------------------------------- validity


@pytest.mark.parametrize("name", ["one-play"])  # the books' reports: test_epub.py
def test_epubcheck_reports_no_error_and_no_warning(epubcheck_reports, name):
    report = epubcheck_reports[name]
    checker = report["checker"]
    problems = [f"{m['severity']} {m['ID']}: {m['message']} {m['locations'][:1]}"
                for m in report["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    # The exit status is 0 even with warnings: the counts are what matter.
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), "\n".join(problems)


def test_two_builds_are_byte_identical(built, project_copy, tmp_path):
    result = run_cli("epub", "--book", "collected", "-o", str(tmp_path), cwd=project_copy)
    assert result.returncode == 0, result.stderr
    first = hashlib.sha256((built / "collected.epub").read_bytes()).hexdigest()
    second = hashlib.sha256((tmp_path / "collected.epub").read_bytes()).hexdigest()
    assert first == second


def test_zip_starts_with_stored_mimetype(built):
    with zipfile.ZipFile(built / "collected.epub") as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == b"application/epub+zip"


# ---------------------------------------------------------------- drama semantics


def test_play_body_and_sections_carry_drama_semantics(built):
    play = xml(built / "drafts.epub", "EPUB/play-3.xhtml")
    body = play.find("x:body", NS)
    assert epub_types(body) == {"bodymatter", "z3998:fiction", "z3998:drama"}
    assert epub_types(play.find(".//x:section[@id='play-3']", NS)) == {"part"}
    scenes = play.findall(".//x:section[@id]", NS)
    scene_types = [epub_types(s) for s in scenes if s.get("id").startswith("play-3-scene-")]
    assert scene_types and all(t == {"chapter", "z3998:scene"} for t in scene_types)


def test_speeches_are_table_rows_with_a_persona_cell(built):
    play = xml(built / "collected.epub", "EPUB/play-1.xhtml")
    personas = play.xpath("//x:td[@epub:type='z3998:persona']", namespaces=NS)
    assert len(personas) > 40
    assert {p.xpath("string()") for p in personas} >= {"Simplicia", "Doomimir"}
    for cell in personas:
        assert cell.getparent().tag == "{http://www.w3.org/1999/xhtml}tr"
        assert cell.find("x:p", NS) is None  # s-083


def test_semantics_sit_on_the_elements_standard_ebooks_allows(built):
    for epub in (built / "collected.epub", built / "drafts.epub"):
        for name, doc in content_documents(epub).items():
            for element in doc.iter():
                if not isinstance(element.tag, str):
                    continue
                local = etree.QName(element).localname
                types = epub_types(element)
                if "z3998:stage-direction" in types:
                    assert local in ("i", "abbr", "p"), (name, local)  # s-058
                if "z3998:persona" in types:
                    assert local in ("b", "td"), (name, local)  # s-063


def test_cells_hold_only_inline_text_or_only_blocks(built):
    blocks = {"p", "ul", "ol", "blockquote", "figure", "pre", "div", "hr"}
    for epub in (built / "collected.epub", built / "drafts.epub"):
        for doc in content_documents(epub).values():
            for cell in doc.iterfind(".//x:td", NS):
                children = {etree.QName(c).localname for c in cell if isinstance(c.tag, str)}
                has_text = bool((cell.text or "").strip()) or any((c.tail or "").strip() for c in cell)
                assert not (children & blocks and (has_text or children - blocks)), \
                    etree.tostring(cell)[:200]  # s-080


def test_stage_directions_are_italic_elements_with_personas_inside(built):
    play = xml(built / "collected.epub", "EPUB/play-1.xhtml")
    directions = play.xpath("//x:i[@epub:type='z3998:stage-direction']", namespaces=NS)
    assert len(directions) > 15
    opening = play.xpath("//x:p[@class='direction']/x:i", namespaces=NS)[0]
    assert opening.xpath("string(x:b[@epub:type='z3998:persona'])", namespaces=NS) == "Simplicia"
    block_rows = play.xpath("//x:tr[x:td[1][not(node())]]/x:td[2]/x:i", namespaces=NS)
    assert block_rows, "block directions between speeches are rows of their own"


def test_personas_are_small_caps_never_italic():
    css = (ROOT / "styles" / "epub.css").read_text(encoding="utf-8")
    rule = re.search(r'^\[epub\|type~="z3998:persona"\] \{([^}]*)\}', css, re.M).group(1)
    assert "font-variant: small-caps" in rule and "font-style: normal" in rule  # t-045
    assert "@media (max-width: 400px)" in css  # rows reflow to stacked cells


def test_dramatis_personae_lists_the_cast(built):
    play = xml(built / "collected.epub", "EPUB/play-1.xhtml")
    section = play.xpath("//x:section[@epub:type='z3998:dramatis-personae']", namespaces=NS)
    assert len(section) == 1
    names = section[0].xpath(".//x:li//x:b[@epub:type='z3998:persona']/text()", namespaces=NS)
    assert names == ["Simplicia Optimistovna Dobraya", "Doomimir Doomovitch", "A Mail Carrier"]


# ---------------------------------------------------------------- navigation


def test_nav_lists_plays_and_scenes_and_every_link_resolves(built):
    epub = built / "drafts.epub"
    nav = xml(epub, "EPUB/nav.xhtml")
    toc = nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)
    titles = [a.xpath("string()") for a in toc]
    assert "Alignment Implications of Deep Learning Successes" in titles
    assert "Scene 1: The Drunk Actress" in titles
    documents = content_documents(epub)
    for link in nav.xpath("//x:nav//x:a/@href", namespaces=NS):
        file_name, _, fragment = link.partition("#")
        doc = documents[f"EPUB/{file_name}"]
        assert not fragment or doc.xpath(f"//*[@id='{fragment}']"), link


def test_landmarks_name_cover_title_page_and_start_of_content(built):
    nav = xml(built / "collected.epub", "EPUB/nav.xhtml")
    landmarks = {a.get(EPUB_TYPE): a.get("href") for a in
                 nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)}
    assert landmarks["cover"] == "cover.xhtml"
    assert landmarks["titlepage"] == "titlepage.xhtml"
    assert landmarks["bodymatter"] == "play-1.xhtml"


def test_page_list_has_every_print_page_where_the_print_page_begins(built):
    pdfplumber = pytest.importorskip("pdfplumber")
    epub = built / "collected.epub"
    nav = xml(epub, "EPUB/nav.xhtml")
    labels = nav.xpath("//x:nav[@epub:type='page-list']//x:a/text()", namespaces=NS)
    with pdfplumber.open(built / "collected.pdf") as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    assert labels == [str(n) for n in range(1, len(pages) + 1)]
    play = read(epub, "EPUB/play-1.xhtml").decode("utf-8")
    # Running heads are the first lines that recur page after page; scene-opening pages have
    # none, so the first line of text is found by dropping a recurring head, not line 0.
    first_lines = [text.splitlines()[0] for text in pages if text.strip()]
    heads = {line for line in first_lines if first_lines.count(line) >= 3}
    first_play_page = next(n for n in range(1, len(pages) + 1) if f'id="page-{n}"' in play)
    for number in range(first_play_page + 1, len(pages) + 1):
        after = re.sub(r"<[^>]+>", " ", play.split(f'id="page-{number}"', 1)[1].split(">", 1)[1])
        first_line = [line for line in pages[number - 1].splitlines() if line not in heads][0]
        word = _first_word(first_line).strip(".,;:!?…—–-’”\"'")
        words = [w.strip(".,;:!?…—–-’”\"'") for w in after.split()[:8]]
        assert any(w.endswith(word) for w in words), (number, first_line, after[:80])


def _first_word(line: str) -> str:
    """The first word of a printed line; a speaker's "Name." counts as the word, and a word
    hyphenated across pages is known by its end."""
    return re.match(r"[^\s.\[]+", line).group(0)


# ---------------------------------------------------------------- metadata, cover, assets


def test_package_metadata_and_accessibility(built):
    opf = xml(built / "collected.epub", "EPUB/content.opf")
    meta = lambda prop: opf.xpath(f"//opf:meta[@property='{prop}']/text()", namespaces=NS)  # noqa: E731
    assert (opf.xpath("//dc:title[@id='title']/text()", namespaces=NS)
            == ["And All the Shoggoths Merely Players"])
    assert opf.xpath("//dc:creator/text()", namespaces=NS) == ["Zack M. Davis"]
    assert (opf.xpath("//opf:meta[@refines='#author'][@property='file-as']/text()", namespaces=NS)
            == ["Davis, Zack M."])
    assert opf.xpath("//dc:identifier/text()", namespaces=NS)[0].startswith("urn:uuid:")
    assert meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]  # SOURCE_DATE_EPOCH
    assert meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert meta("schema:accessMode") == ["textual"]
    assert meta("schema:accessModeSufficient") == ["textual"]
    assert set(meta("schema:accessibilityFeature")) >= {
        "structuralNavigation", "tableOfContents", "readingOrder", "pageNavigation"}
    assert meta("schema:accessibilityHazard") == ["none"]
    assert meta("schema:accessibilitySummary")
    # What DAISY Ace requires: the package's language, and dc:source marked as the source
    # of the page-list's pagination.
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    source_id = opf.xpath("//dc:source/@id", namespaces=NS)
    assert len(source_id) == 1
    assert opf.xpath(f"//opf:meta[@refines='#{source_id[0]}'][@property='source-of']/text()",
                     namespaces=NS) == ["pagination"]


def test_cover_is_declared_and_described(built):
    epub = built / "collected.epub"
    opf = xml(epub, "EPUB/content.opf")
    href = opf.xpath("//opf:item[@properties='cover-image']/@href", namespaces=NS)
    assert href == ["images/cover.png"]
    assert read(epub, "EPUB/images/cover.png").startswith(b"\x89PNG")
    cover = xml(epub, "EPUB/cover.xhtml")
    assert "And All the Shoggoths" in cover.xpath("string(//x:img/@alt)", namespaces=NS)


def test_no_scripts_remote_resources_or_editorial_notes(built):
    for epub in (built / "collected.epub", built / "drafts.epub"):
        for name, doc in content_documents(epub).items():
            text = etree.tostring(doc, encoding="unicode")
            assert not doc.xpath("//x:script", namespaces=NS), name
            assert not doc.xpath("//x:img[starts-with(@src, 'http')]", namespaces=NS), name
            assert "TODO" not in text, name
            for image in doc.iterfind(".//x:img", NS):
                assert image.get("alt") is not None, name


def test_fonts_are_subset_and_still_fonts(built):
    import io

    from fontTools.ttLib import TTFont
    data = read(built / "collected.epub", "EPUB/fonts/EBGaramond12-Regular.otf")
    original = (ROOT / "styles" / "fonts" / "EBGaramond12-Regular.otf").stat().st_size
    assert len(data) < original / 4
    font = TTFont(io.BytesIO(data))
    assert all(ord(c) in font.getBestCmap() for c in "Doomimir’s naïve —…")
    # Small capitals and old-style figures survive the subset, and so does the licence.
    features = {record.FeatureTag for record in font["GSUB"].table.FeatureList.FeatureRecord}
    assert {"smcp", "c2sc", "onum", "liga"} <= features
    assert "SIL Open Font License" in font["name"].getDebugName(13)
    original_font = TTFont(ROOT / "styles" / "fonts" / "EBGaramond12-Regular.otf")
    assert font["head"].modified == original_font["head"].modified
