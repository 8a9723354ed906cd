"""A long print edition laid out in parts, and a long play's proof in runs of divisions
(issue 24; publish/render/print_parts.py): joined, they make the pages one layout of the
whole makes; a build in several processes writes the bytes of a build in one; and an edit
lays out again the part that holds it, and the parts after it only when its page count
changed.

The generated play (print_support.long_play) has scenes of random length, so scenes end
anywhere on a page, footnotes on many pages and a contents page; every division is made a
part of its own (PART_SIZE 1), and any book is parted (PARTED_FROM_PAGES 0)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pypdfium2
import pytest

from print_support import long_play, small_project
from publish.build import print_parts
from publish.build.assemble import assemble
from publish.build.cache import Cache
from publish.build.plan import build
from publish.config import load

SCENES = 7


@pytest.fixture
def parted(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(print_parts, "PARTED_FROM_PAGES", 0)
    monkeypatch.setattr(print_parts, "PROOF_RUNS_FROM", 0)
    monkeypatch.setattr(print_parts, "PART_SIZE", 1)


def built(root: Path, outdir: str, outputs=("pdf",), workers: int = 1, cache: Cache | None = None) -> Path:
    config = load(root)
    job = assemble(config, config.books[0], cache)  # the plays' keys, with a cache
    build(job, outputs, root / outdir, workers=workers, cache=cache)
    return root / outdir


def count_layouts(monkeypatch, proofs: list[str] | None = None) -> list[str]:
    """Record each WeasyPrint layout of print HTML: its first page's number in the book;
    and of the proof's, in `proofs`: its first page's in the play ("front": the proof's)."""
    from publish.render import pdf
    calls: list[str] = []
    layout = pdf.layout

    def counting(html, base_dir, files, **options):
        found = re.search(r"counter-set: page (\d+)", html)
        if '<body class="proof' not in html:
            calls.append(found.group(1) if found else "1")
        elif proofs is not None:
            front = '<section class="proof-summary"' in html
            proofs.append(found.group(1) if found else "front" if front else "1")
        return layout(html, base_dir, files, **options)

    monkeypatch.setattr(pdf, "layout", counting)
    return calls


def page_texts(path: Path) -> list[str]:
    document = pypdfium2.PdfDocument(path)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def page_pixels(path: Path) -> list[bytes]:
    document = pypdfium2.PdfDocument(path)
    return [document[i].render(scale=50 / 72, grayscale=True).to_pil().tobytes()
            for i in range(len(document))]


def outline_of(path: Path) -> list:
    """The outline as (title, page index, left, top), nested."""
    reader = pypdf.PdfReader(path)

    def entries(items) -> list:
        found: list = []
        for item in items:
            if isinstance(item, list):
                found.append(entries(item))
            else:
                found.append((item.title, reader.get_destination_page_number(item),
                              round(float(item.left), 2), round(float(item.top), 2)))
        return found

    return entries(reader.outline)


def division_pages(path: Path) -> dict[str, int]:
    """Each named destination (play and scene ids) -> its page index."""
    reader = pypdf.PdfReader(path)
    return {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}


def test_the_parts_joined_make_the_pages_of_the_whole_layout(tmp_path, parted, monkeypatch):
    root = small_project(tmp_path, long_play(seed=24, scenes=SCENES))
    proofs: list[str] = []
    layouts = count_layouts(monkeypatch, proofs)
    in_parts = built(root, "parts", ("pdf", "proof")) / "small.pdf"
    # The front (twice: before and after the contents know their numbers), then each scene;
    # the proof's play: its opening, then each scene; then the proof's front.
    assert len(layouts) == 2 + SCENES
    assert len(proofs) == 1 + SCENES + 1
    monkeypatch.setattr(print_parts, "PARTED_FROM_PAGES", 10**6)
    monkeypatch.setattr(print_parts, "PROOF_RUNS_FROM", 10**9)
    whole = built(root, "whole", ("pdf", "proof")) / "small.pdf"
    assert len(layouts) == 2 + SCENES + 1  # laid out whole: once
    assert len(proofs) == 1 + SCENES + 1 + 2  # the play's proof whole, and the front

    proof_in_runs, whole_proof = (path.parent / "small-proof.pdf" for path in (in_parts, whole))
    assert page_texts(proof_in_runs) == page_texts(whole_proof)
    assert page_pixels(proof_in_runs) == page_pixels(whole_proof)
    assert division_pages(proof_in_runs) == division_pages(whole_proof)
    assert outline_of(proof_in_runs) == outline_of(whole_proof)

    texts = page_texts(in_parts)
    assert texts == page_texts(whole)
    assert page_pixels(in_parts) == page_pixels(whole)

    starts = division_pages(in_parts)
    joins = sorted(starts[f"play-1-scene-{n}"] for n in range(1, SCENES + 1))
    assert starts == division_pages(whole)
    # Parts begin on rectos and on versos, after scenes that end mid-page.
    assert {index % 2 for index in joins} == {0, 1}
    full = max(len(text.splitlines()) for text in texts)
    assert any(len(texts[index - 1].splitlines()) < full - 5 for index in joins)
    # Footnotes on both sides of a join, numbered on from one part to the next.
    assert any("https://example.org" in texts[index - 1] and "https://example.org" in texts[index]
               for index in joins)
    numbers = [int(n) for text in texts for n in re.findall(r"(?m)^(\d+)\. ?https://example\.org", text)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 8
    # The contents give each scene the page it begins on (folio = page index + 1), and link there.
    contents = next(i for i, text in enumerate(texts) if ". . . . . ." in text)
    listed = [int(n) for n in re.findall(r"\. (\d+)\r?$", texts[contents], re.M)]
    assert listed[-SCENES:] == [index + 1 for index in joins]
    reader = pypdf.PdfReader(in_parts)
    index_of = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    # An entry's text, leader and number are links of their own, to the same place.
    targets = list(dict.fromkeys(index_of[annotation.get_object()["/Dest"][0].idnum]
                                 for annotation in reader.pages[contents]["/Annots"]))
    assert targets[-SCENES:] == joins
    outline = reader.outline
    assert len(outline) == 2 and len(outline[1]) == SCENES  # the play, and its scenes under it


def test_a_parallel_build_of_a_parted_play_writes_the_bytes_of_a_one_process_build(tmp_path, parted):
    root = small_project(tmp_path, long_play(seed=24, scenes=SCENES))
    one = built(root, "one", ("pdf", "epub", "proof"), workers=1)
    two = built(root, "two", ("pdf", "epub", "proof"), workers=2)
    names = sorted(path.name for path in one.iterdir())
    assert names == ["small-proof.pdf", "small.epub", "small.pdf"]
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def edited(root: Path, scene: int, change) -> None:
    """The manuscript with `change(text)` applied to the text of scene `scene`."""
    path = root / "play.md"
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"(?m)^(?=### Scene )", text)
    parts[scene] = change(parts[scene].rstrip("\n") + "\n\n")
    path.write_text("".join(parts), encoding="utf-8")
    assert len(re.findall(r"(?m)^### Scene ", path.read_text(encoding="utf-8"))) == SCENES


def test_an_edit_lays_out_its_part_again_and_the_later_ones_only_when_its_pages_changed(
        tmp_path, parted, monkeypatch):
    root = small_project(tmp_path, long_play(seed=24, scenes=SCENES))
    cache = Cache.for_project(root, enabled=True)
    proofs: list[str] = []
    layouts = count_layouts(monkeypatch, proofs)
    built(root, "dist", ("pdf", "proof"), cache=cache)
    before = division_pages(root / "dist" / "small.pdf")
    assert len(layouts) == 2 + SCENES
    assert len(proofs) == 1 + SCENES + 1

    def laid_out_again(scene: int, change) -> list[str]:
        layouts.clear()
        proofs.clear()
        edited(root, scene, change)
        built(root, "dist", ("pdf", "proof"), cache=cache)
        return list(layouts)

    # A word added to a speech of scene 3, its pages the same: that scene's part alone.
    third = before["play-1-scene-3"] + 1
    assert laid_out_again(3, lambda text: text.replace("**Bob**:", "**Bob**: Sure,", 1)) == [str(third)]
    # Its run of the proof; the play's opening (its cast table counts every speaker's words);
    # the proof's front.
    assert len(proofs) == 3 and proofs[0] == "1" and proofs[-1] == "front"
    # A speech added to the last scene: its part alone (the pages before it did not move).
    last = division_pages(root / "dist" / "small.pdf")["play-1-scene-7"] + 1
    assert laid_out_again(SCENES, lambda text: text + "\n**Alice**: One more line.\n") == [str(last)]
    assert len(proofs) == 3
    # Two pages of speeches added to scene 2: it, every part after it, and the contents.
    longer = laid_out_again(2, lambda text: text + "\n".join(
        f"\n**Carol**: {'Many more words than before, said at length. ' * 12}\n" for _ in range(8)) + "\n")
    moved = division_pages(root / "dist" / "small.pdf")
    assert moved["play-1-scene-3"] > before["play-1-scene-3"]
    assert len(proofs) == 1 + SCENES - 1 + 1  # the opening, scene 2's run and every later one
    assert longer == [str(moved["play-1-scene-2"] + 1),
                      *(str(moved[f"play-1-scene-{n}"] + 1) for n in range(3, SCENES + 1)), "1"]
    # What the cache gave is what a build without it makes.
    fresh = built(root, "fresh", ("pdf", "proof"))
    for name in ("small.pdf", "small-proof.pdf"):
        assert (root / "dist" / name).read_bytes() == (fresh / name).read_bytes(), name


def test_a_part_is_told_the_page_it_begins_on_its_side_and_the_footnotes_before_it():
    from publish.render.print_parts import part_css
    assert part_css(8, 3) == ("@page :first { counter-set: page 8; }\n"
                              "html { break-before: left; counter-reset: footnote 3; }")
    assert "break-before: right" in part_css(9, 0)


def test_a_book_without_divisions_is_not_parted():
    from publish.render.print_parts import cut
    html = ('<html><head></head>\n<body class="print" data-stamp="s">\n<div class="stamp">s</div>\n'
            '<article class="play" id="play-1"><p>Hi</p></article>\n</body>\n</html>\n')
    assert cut(html, 1) is None
    with_division = html.replace("<p>Hi</p>", '<p>Hi</p><section class="division" id="play-1-scene-1">'
                                 "<p>There</p></section>")
    book = cut(with_division, 1)
    assert book is not None and len(book.parts) == 2
    second = book.part_html(book.parts[1], 3, 0)
    assert second.count("<article") == second.count("</article>") == 1 and 'id="play-1"' not in second
    assert io.StringIO(second).read().endswith("</body>\n</html>\n")
