"""publish/render/weasy/ (patches.py and the boundary), the stylesheets parsed once per process
(render/pdf.py) and the render processes' garbage-collector policy: all exist for speed alone, so what they
must show is that they change no output.

The fixes patch WeasyPrint once per process and cannot be undone, so each variant renders
in its own Python process; their PDFs are compared byte for byte.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from publish.support.collector import collector_paused, earlier_frozen, release_garbage

REPO = Path(__file__).resolve().parents[1]

# Every document of the default books (default_book_documents), and one with fixed boxes.
RENDER = """
import hashlib, io, json, sys
from pathlib import Path
from publish.render.weasy import environment
# Every variant in the build's environment (our fonts only, hyphenation by region): what
# differs between them is only what each test compares.
environment.use_own_fonts()
environment.hyphenate_by_region()
import weasyprint
from publish.render.weasy import patches as weasyprint_fixes
sys.path.insert(0, "tests")
from test_weasyprint_fixes import default_book_documents

weasyprint_fixes.apply(linear_time=sys.argv[1] != "footnote-only")
if sys.argv[1] == "shared":  # as a build lays out: its stylesheets parsed once, fonts shared
    from publish.render import pdf as our_pdf
    from publish.reading.files import ProjectFiles
root = Path(".").resolve()
found = {}
for name, html in default_book_documents().items():
    if sys.argv[1] == "shared":
        document = our_pdf.layout(html, root, ProjectFiles(root))
    else:
        document = weasyprint.HTML(string=html, base_url=root.as_uri() + "/").render()
    pdf = io.BytesIO()
    document.write_pdf(pdf)
    found[name] = [len(document.pages), hashlib.sha256(pdf.getvalue()).hexdigest()]
# position: fixed boxes (on every page) and page-number references to later pages, which
# the default books do not have.
body = "".join(f'<h2 id="s{n}">Section {n}</h2>' + "<p>Words of the section. " * 30 + "</p>"
               for n in range(40))
links = "".join(f'<p><a href="#s{n}">Section {n}</a></p>' for n in range(0, 40, 3))
fixed = ("<style>@page { size: A6 } .mark { position: fixed; top: 0; right: 0 } "
         "a::after { content: ' ' target-counter(attr(href), page) }</style>"
         f'<div class="mark">DRAFT</div>{links}{body}<div class="mark">2</div>')
document = weasyprint.HTML(string=fixed).render()
found["fixed-boxes"] = [len(document.pages), hashlib.sha256(document.write_pdf()).hexdigest()]
print(json.dumps(found))
"""


def render_default_books(variant: str) -> dict:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    result = subprocess.run([sys.executable, "-c", RENDER, variant], cwd=REPO, env=env,
                            capture_output=True, text=True, check=True, timeout=300)
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def linear():
    """Every PDF laid out by WeasyPrint from its own <style> elements, with the fixes."""
    return render_default_books("linear")


def test_the_linear_time_fixes_leave_every_pdf_byte_identical(linear):
    weasyprint_own = render_default_books("footnote-only")
    assert set(linear) == {"collected.pdf", "collected.proof-1", "collected.proof-front",
                           "drafts.pdf", "drafts.proof-1", "drafts.proof-2", "drafts.proof-3",
                           "drafts.proof-front", "fixed-boxes"}
    assert all(pages >= 5 for pages, _ in linear.values())
    assert linear == weasyprint_own


def test_stylesheets_parsed_once_per_process_leave_every_pdf_byte_identical(linear):
    """pdf.layout gives WeasyPrint the documents' stylesheets as parsed CSS (user origin,
    kept for the process) and one FontConfiguration for all: the same bytes as each
    document's own <style> elements, laid out one document after another."""
    shared = render_default_books("shared")
    assert set(shared) == set(linear)
    assert shared == linear


def test_our_documents_are_read_by_expat_and_anything_else_by_weasyprint(monkeypatch):
    """pdf.layout reads our markup with expat (the PDFs are the same bytes as WeasyPrint's
    own parser gives, above); what expat refuses goes to WeasyPrint's parser."""
    from publish.reading.files import ProjectFiles
    from publish.render import pdf, weasy

    assert weasy._parsed_html_fits()
    read_by_expat = []
    parsed_html = weasy._parsed_html
    monkeypatch.setattr(weasy, "_parsed_html", lambda *a: read_by_expat.append(a) or parsed_html(*a))
    files = ProjectFiles(REPO)
    for html in default_book_documents().values():
        pdf.layout(html, REPO, files)
    assert len(read_by_expat) == 8
    # A control character copied into a manuscript is not XML: WeasyPrint's parser reads it.
    document = pdf.layout("<!DOCTYPE html>\n<html><head></head><body><p>a\x0bb</p></body></html>",
                          REPO, files)
    assert len(read_by_expat) == 8 and len(document.pages) == 1


def default_book_documents() -> dict[str, str]:
    """The HTML of every document of the default books, by name (`drafts.proof-2`): print
    PDFs (footnotes, contents with target-counter page numbers, named opener pages) and
    every part of the proofs (each play's, and the front with its summary)."""
    from publish.build import outputs
    from publish.build.assemble import assemble
    from publish.build.stamp import build_stamp
    from publish.config import load
    from publish.reading.files import ProjectFiles
    from publish.render import page

    config = load(REPO)
    documents = {}
    for book_config in config.books:
        job = assemble(config, book_config)
        files = ProjectFiles(job.root)
        stamp, _ = build_stamp(job.root, list(job.manuscripts.values()))
        geometry = page.page_css(job.settings, page.gutter_for(100))
        documents[f"{book_config.id}.pdf"] = outputs._book_html(job, files, stamp, geometry=geometry)
        for i in range(len(job.book.plays)):
            documents[f"{book_config.id}.proof-{i + 1}"] = outputs.proof_play_html(job, files, stamp, i)
        documents[f"{book_config.id}.proof-front"] = outputs.proof_front_html(
            job, stamp, None, {"play-1": "1-1"})
    return documents


def test_the_fixes_are_in_place_once_a_layout_ran():
    from weasyprint import document, layout
    from weasyprint.css import StyleFor
    from weasyprint.layout import block, page

    from publish.reading.files import ProjectFiles
    from publish.render import pdf
    pdf.layout("<p>x</p>", REPO, ProjectFiles(REPO))
    for function in (block._linebox_layout, page.make_page, page.set_page_type_computed_styles,
                     layout.layout_document, document.layout_document,
                     StyleFor.add_page_declarations):
        assert getattr(function, "_publish_patched", False), function.__name__


def test_pdf_streams_are_deflated_at_zlibs_default_level():
    """pydyf deflates at level 9; once a layout ran, at level 6: the same content, read back
    whole, in the bytes zlib's default level gives (level 9 gives others for this text)."""
    import zlib

    import pydyf

    from publish.reading.files import ProjectFiles
    from publish.render import pdf
    pdf.layout("<p>x</p>", REPO, ProjectFiles(REPO))
    content = b"\n".join(b"BT /F1 9 Tf 72 %d Td (Words of a speech, line %d) Tj ET" % (n, n)
                          for n in range(400))
    assert zlib.compress(content, 6) != zlib.compress(content, 9)
    stream = pydyf.Stream([content], compress=True)
    written = stream.data
    deflated = written[written.index(b"stream\n") + 7:written.rindex(b"\nendstream")]
    assert zlib.decompress(deflated) == content
    assert deflated == zlib.compress(content, 6)
    assert b"/Filter /FlateDecode" in written


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_a_release_collects_what_came_after_the_freeze_and_keeps_the_rest_frozen():
    earlier = Cycle()
    earlier_alive = weakref.ref(earlier)
    with earlier_frozen():
        frozen = gc.get_freeze_count()
        assert frozen > 0
        del earlier  # garbage now, but frozen: no collection frees it
        with collector_paused():
            later = Cycle()
            later_alive = weakref.ref(later)
            del later
            assert later_alive() is not None, "no collection while a task runs"
        release_garbage()
        assert later_alive() is None
        assert earlier_alive() is not None
        assert gc.get_freeze_count() == frozen, "a release unfreezes nothing"
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert earlier_alive() is None


RENDER_PROCESS_COLLECTOR = """
import gc, json, weakref
from publish.support.collector import collector_paused, freeze_inherited, release_garbage

class Cycle:
    def __init__(self):
        self.me = self

inherited = Cycle()
inherited_alive = weakref.ref(inherited)
freeze_inherited()  # as a render process starts
del inherited
with collector_paused():  # a task
    left = Cycle()
    left_alive = weakref.ref(left)
    del left
after_task = left_alive() is not None
for _ in range(200_000):  # far past every generation's threshold
    [[]]
print(json.dumps({"enabled": gc.isenabled(), "after_task": after_task,
                  "after_allocations": left_alive() is not None,
                  "released": (release_garbage(), left_alive() is None)[1],
                  "inherited_kept": inherited_alive() is not None}))
"""


def test_a_render_process_collects_only_when_it_releases():
    """A render process's collector: what it inherited frozen, no automatic collection
    after a task (only release_garbage, once enough pages were laid out)."""
    result = subprocess.run([sys.executable, "-c", RENDER_PROCESS_COLLECTOR], cwd=REPO,
                            capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(result.stdout) == {"enabled": False, "after_task": True,
                                         "after_allocations": True, "released": True,
                                         "inherited_kept": True}


LOADED_LIBRARIES = """
import ctypes.util, json, sys
find_library = ctypes.util.find_library
if sys.argv[1] == "publish":
    from publish.render.weasy import load_weasyprint
    load_weasyprint()
else:
    import weasyprint
libraries = sorted({line.split()[-1] for line in open("/proc/self/maps")
                    if ".so" in line.split()[-1]})
import gc
print(json.dumps({"libraries": libraries, "restored": ctypes.util.find_library is find_library,
                  "frozen": gc.get_freeze_count(), "collector": gc.isenabled()}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shortcut is Linux's only")
def test_weasyprint_loaded_without_library_probes_opens_the_same_libraries():
    """load_weasyprint skips ctypes' ldconfig/gcc/ld probes for library names of other
    systems; the shared libraries the process ends up with must be the plain import's."""
    def loaded(how: str) -> dict:
        result = subprocess.run([sys.executable, "-c", LOADED_LIBRARIES, how], cwd=REPO,
                                capture_output=True, text=True, check=True, timeout=60)
        return json.loads(result.stdout)

    ours, plain = loaded("publish"), loaded("plain")
    assert ours["restored"]
    # Loaded with the collector paused, then what the import made frozen (support/collector.py).
    assert ours["collector"] and ours["frozen"] > 50_000 and plain["frozen"] == 0
    assert any("libpango-1.0" in path for path in ours["libraries"])
    assert any("libharfbuzz" in path for path in ours["libraries"])
    assert ours["libraries"] == plain["libraries"]
