"""Printers (issue 26): PDF/X read back with pikepdf, the presets' cover geometry against the
services' own formulas, the print cover as built (its size, its spine, its barcode read back
from its pixels and from its bars), and `publish preflight` on books made to break each rule
and on the default books.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from conftest import REPO_ROOT, run_cli
from print_support import build_small, small_project
from publish.build.assemble import assemble
from publish.build.covers import build_cover
from publish.config import load
from publish.config.printers import PRESETS, cover_size, printer_for
from publish.model.errors import ConfigError
from publish.render import barcode

PT = 72.0
PLAY = "## A Play\n\n**Ann**: Hello, [a link](https://example.com) there.\n\n**Bo**: Hi.\n"
META = ("    author: Jane Doe\n    description: A short play about greetings.\n"
        "    isbn: 978-0-306-40615-7\n")


def _pdfx_xmp(pdf: pikepdf.Pdf) -> dict[str, str]:
    return {key.rsplit("}", 1)[-1]: value for key, value in pdf.open_metadata().items()}


# ------------------------------------------------------------------ PDF/X

@pytest.fixture(scope="module")
def press_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small book built with profile press and no pdf_variant: PDF/X-4 by default."""
    return build_small(small_project(tmp_path_factory.mktemp("press"), PLAY, META), profile="press")


def test_press_defaults_to_pdfx4_with_output_intent_and_boxes_on_every_page(press_pdf: Path):
    with pikepdf.open(press_pdf) as pdf:
        assert _pdfx_xmp(pdf)["GTS_PDFXVersion"] == "PDF/X-4"
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFX"
        assert str(intents[0].OutputConditionIdentifier) == "CGATS TR 006"
        assert intents[0].DestOutputProfile.N == 4  # a CMYK profile
        assert pdf.docinfo.Trapped == "/False"
        for page in pdf.pages:
            trim, bleed, media = (list(map(float, page[key])) for key in ("/TrimBox", "/BleedBox", "/MediaBox"))
            assert [round(b - t, 2) for b, t in zip(bleed, trim, strict=True)] == [-9, -9, 9, 9]  # 0.125in
            assert media[0] < bleed[0] and media[2] > bleed[2]  # crop marks outside the bleed
            assert "/Annots" not in page  # PDF/X allows no link inside the bleed box
            # device RGB is defined as sRGB (allowed with a CMYK output intent)
            assert page.Resources.ColorSpace.DefaultRGB[0] == "/ICCBased"


def test_pdfx_is_reproducible_despite_weasyprints_random_document_id(tmp_path: Path, press_pdf: Path):
    again = build_small(small_project(tmp_path, PLAY, META), profile="press")
    assert again.read_bytes() == press_pdf.read_bytes()


def test_pdfx1a_converts_rgb_to_cmyk_and_declares_only_device_spaces(tmp_path: Path):
    path = build_small(small_project(tmp_path, PLAY, META + "    print: {pdf_variant: pdf/x-1a}\n"))
    with pikepdf.open(path) as pdf:
        assert str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-1a:2003"
        assert pdf.pdf_version == "1.4"
        operators = set()
        for page in pdf.pages:
            assert set(page.Resources.get("/ColorSpace", {}).keys()) == set()  # no ICC, no Lab
            for gstate in page.Resources.get("/ExtGState", {}).values():
                assert float(gstate.get("/ca", 1)) == 1 and float(gstate.get("/CA", 1)) == 1
            operators |= {str(op) for _, op in pikepdf.parse_content_stream(page)}
        assert "k" in operators and not {"rg", "RG", "cs", "CS", "scn", "SCN"} & operators


def test_pdfx1a_refuses_an_rgb_image_naming_it_and_its_place(tmp_path: Path):
    from PIL import Image
    Image.new("RGB", (600, 400), (200, 30, 30)).save(tmp_path / "red.png")
    play = "## A Play\n\n**Ann**: Look.\n\n![a red square](red.png)\n"
    root = small_project(tmp_path, play, META + "    print: {pdf_variant: pdf/x-1a}\n")
    result = run_cli("pdf", cwd=root)
    assert result.returncode == 4, result.stderr
    assert "play.md:5:1: error: image 'red.png' is RGB, and PDF/X-1a allows only greyscale" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "dist" / "small.pdf").exists()
    Image.new("L", (600, 400), 90).save(tmp_path / "red.png")  # greyscale is allowed
    assert run_cli("pdf", cwd=root).returncode == 0


# ------------------------------------------------------------------ book.yaml

def _book(tmp_path: Path, extra: str) -> Path:
    return small_project(tmp_path, PLAY, extra)


def test_printer_is_a_preset_name_or_a_mapping_with_its_paper(tmp_path: Path):
    assert load(_book(tmp_path, "    printer: KDP\n")).books[0].printer.service == "kdp"
    printer = load(_book(tmp_path, "    printer: {service: lulu, paper: cream}\n")).books[0].printer
    assert (printer.service, printer.paper) == ("lulu", "cream")
    inherited = load(small_project(tmp_path, PLAY, "")).books[0].printer
    assert inherited.service == "none" and printer_for(inherited) is None


def test_a_preset_refuses_the_custom_keys_at_their_place(tmp_path: Path):
    with pytest.raises(ConfigError) as error:
        load(_book(tmp_path, "    printer:\n      service: kdp\n      bleed: 3mm\n"))
    assert str(error.value).startswith("book.yaml:7:7: error: printer.bleed is set by the 'kdp' preset")


def test_custom_takes_the_books_values_in_any_unit(tmp_path: Path):
    config = load(_book(tmp_path, "    printer: {service: custom, bleed: 3.175mm, paper_thickness: 0.003in,"
                                  " gutter: 0.8in, min_pages: 40, max_pages: 600, spine_text_pages: 120}\n"))
    printer = printer_for(config.books[0].printer)
    assert printer is not None
    assert (printer.bleed, printer.min_pages, printer.max_pages) == (0.125, 40, 600)
    assert printer.spine(100, "white") == pytest.approx(0.3) and printer.gutter(700) == 0.8
    assert not printer.spine_text_allowed(119) and printer.spine_text_allowed(120)
    for bad in ("bleed: 3", "bleed: -1mm", "bleed: 2ft", "min_pages: 0", "min_pages: many"):
        with pytest.raises(ConfigError, match="printer"):
            load(_book(tmp_path, f"    printer: {{service: custom, {bad}}}\n"))


# ------------------------------------------------------------------ cover geometry

# Each service's own figures, typed here from its published rules (docs/printers.md), not
# read from the presets: KDP multiplies the pages by the paper's thickness; Lulu's formula is
# pages / 444 + 0.06in; IngramSpark's template gives the same spine as KDP's stock.
THICKNESS = {"kdp": {"white": 0.002252, "cream": 0.0025},
             "ingramspark": {"white": 0.002252, "cream": 0.0025}}


def _formula_spine(printer: str, paper: str, pages: int) -> float:
    if printer == "lulu":
        return pages / 444 + 0.06
    return pages * THICKNESS[printer][paper]


@pytest.mark.parametrize("printer", sorted(PRESETS))
@pytest.mark.parametrize("paper", ["white", "cream"])
@pytest.mark.parametrize("pages", [50, 151, 400])
@pytest.mark.parametrize("trim, panel", [("5.5x8.5in", (5.5, 8.5)), ("6x9in", (6.0, 9.0))])
def test_cover_size_is_the_formula(printer: str, paper: str, pages: int, trim: str, panel):
    size = cover_size(PRESETS[printer], trim, paper, pages)
    spine = _formula_spine(printer, paper, pages)
    assert size.spine == pytest.approx(spine, abs=1e-9)
    assert size.width == pytest.approx(2 * panel[0] + spine + 2 * 0.125, abs=1e-9)
    assert size.height == pytest.approx(panel[1] + 2 * 0.125, abs=1e-9)


@pytest.fixture(scope="module")
def kdp_book(tmp_path_factory: pytest.TempPathFactory):
    """A KDP book on cream paper, its interior built (8 pages)."""
    root = small_project(tmp_path_factory.mktemp("kdp"), PLAY, META + "    printer: {service: kdp, paper: cream}\n")
    build_small(root)
    config = load(root)
    return root, assemble(config, config.books[0])


@pytest.fixture(scope="module")
def covers(kdp_book) -> dict[int, Path]:
    """The KDP book's cover rendered as if its interior had 50 and 400 pages."""
    root, job = kdp_book
    made = {}
    for pages in (50, 400):
        folder = root / f"covers-{pages}"
        made[pages] = build_cover(job, job.settings, pages, folder).path
    return made


@pytest.mark.parametrize("pages", [50, 400])
def test_rendered_cover_sheet_is_the_formula_with_trim_and_bleed_boxes(covers, pages: int):
    spine = pages * 0.0025
    with pikepdf.open(covers[pages]) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        media, trim, bleed = (list(map(float, page[key])) for key in ("/MediaBox", "/TrimBox", "/BleedBox"))
        assert (media[2] - media[0]) / PT == pytest.approx(2 * 5.5 + spine + 0.25, abs=0.002)
        assert (media[3] - media[1]) / PT == pytest.approx(8.5 + 0.25, abs=0.002)
        assert (trim[2] - trim[0]) / PT == pytest.approx(2 * 5.5 + spine, abs=0.002)
        assert bleed == media
        assert str(pdf.docinfo.GTS_PDFXVersion).startswith("PDF/X-1a")  # KDP's standard


def _spine_text(path: Path, pages: int) -> str:
    page = pdfium.PdfDocument(path)[0]
    left = 5.5 * PT
    right = left + pages * 0.0025 * PT
    return page.get_textpage().get_text_bounded(left, 0, right, 8.5 * PT).strip()


def test_spine_carries_title_and_author_only_from_kdps_page_count(covers):
    assert _spine_text(covers[50], 50) == ""  # 50 pages: KDP allows no spine text
    assert "SMALL" in _spine_text(covers[400], 400) and "JANE DOE" in _spine_text(covers[400], 400)


def test_front_and_back_carry_the_design_and_the_description(covers):
    text = pdfium.PdfDocument(covers[400])[0].get_textpage()
    front = text.get_text_bounded((5.5 + 1.0) * PT, 0, (11 + 1.0) * PT, 8.5 * PT)
    back = text.get_text_bounded(0, 0, 5.5 * PT, 8.5 * PT)
    assert "Small" in front and "J A N E" in front
    assert "A short play about greetings." in back


# The EAN-13 standard's encodings of a digit (ISO/IEC 15420): L and G on the left half, as
# the first digit's parity pattern chooses, R on the right.
L_CODES = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111",
           "0111011", "0110111", "0001011"]
G_CODES = ["".join("1" if b == "0" else "0" for b in code)[::-1] for code in L_CODES]
R_CODES = ["".join("1" if b == "0" else "0" for b in code) for code in L_CODES]
PARITY = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG",
          "LGLGGL", "LGGLGL"]


def ean13_by_the_standard(digits: str) -> str:
    left = "".join((L_CODES if kind == "L" else G_CODES)[int(d)]
                   for kind, d in zip(PARITY[int(digits[0])], digits[1:7], strict=True))
    right = "".join(R_CODES[int(d)] for d in digits[7:])
    return "101" + left + "01010" + right + "101"


def _bars_of(svg: str) -> str:
    """The modules an SVG's bars cover ('1' dark), read from its <rect> elements."""
    modules = ["0"] * 95
    for x, width in re.findall(r'<rect x="(\d+)" y="[\d.]+" width="(\d+)"', svg):
        for column in range(int(x) - barcode.QUIET_LEFT, int(x) - barcode.QUIET_LEFT + int(width)):
            modules[column] = "1"
    return "".join(modules)


@pytest.mark.parametrize("isbn", ["978-0-306-40615-7", "0-306-40615-2", "979-10-90636-07-1"])
def test_barcode_bars_are_the_standards_encoding_of_the_isbn(isbn: str):
    digits = barcode.ean13_of_isbn(isbn)
    assert digits[:3] in ("978", "979") and len(digits) == 13
    box = barcode.barcode_svg(digits, 2.0, 1.2, "ISBN " + isbn)
    assert _bars_of(box.svg) == ean13_by_the_standard(digits)
    assert box.width <= 2.0 and box.height <= 1.2


def test_barcode_on_the_rendered_cover_decodes_to_the_isbn(covers):
    import zxingcpp
    image = pdfium.PdfDocument(covers[400])[0].render(scale=600 / PT).to_pil()
    found = [(r.format, r.text) for r in zxingcpp.read_barcodes(image)]
    assert found == [(zxingcpp.BarcodeFormat.EAN13, "9780306406157")]


# ------------------------------------------------------------------ preflight

def _preflight(root: Path, *args: str):
    return run_cli("preflight", *args, cwd=root)


def _codes(output: str) -> list[str]:
    return re.findall(r"\[(P\d{3})\]", output)


def test_preflight_reports_too_few_pages_and_a_missing_cover(tmp_path: Path):
    root = small_project(tmp_path, PLAY, META + "    printer: kdp\n")
    build_small(root)
    result = _preflight(root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert _codes(result.stdout) == ["P101", "P205"]
    assert "dist/small.pdf: error[P101]: the interior has 8 pages; Amazon KDP prints 24 to 828" in result.stdout
    assert "hint: run `publish cover --book small`" in result.stdout


def test_preflight_of_a_book_built_for_no_printer_against_ingramspark(tmp_path: Path):
    root = small_project(tmp_path, PLAY, META)
    build_small(root)
    yaml = root / "book.yaml"
    yaml.write_text(yaml.read_text() + "    printer: ingramspark\n")
    result = _preflight(root)
    codes = _codes(result.stdout)
    # 8 pages (P101); bleed on all four edges (P104); folios 0.39in from the
    # foot where IngramSpark wants 0.5in (P105); not PDF/X (P108); no cover (P205)
    assert {"P101", "P104", "P105", "P108", "P205"} <= set(codes), result.stdout
    assert "IngramSpark wants 0.5in (its least margin)" in result.stdout


def test_preflight_finds_an_odd_page_count_a_wrong_trim_and_no_boxes(tmp_path: Path):
    root = small_project(tmp_path, PLAY, META + "    printer: ingramspark\n")
    build_small(root)
    path = root / "dist" / "small.pdf"
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        del pdf.pages[-1]  # 7 pages
        pdf.pages[1].TrimBox = pikepdf.Array([0, 0, 400, 612])
        del pdf.pages[2]["/BleedBox"]
        pdf.save(path)
    codes = _codes(_preflight(root).stdout)
    assert {"P102", "P103", "P104"} <= set(codes)


def test_preflight_finds_low_resolution_images(tmp_path: Path):
    from PIL import Image
    Image.new("L", (120, 80), 90).save(tmp_path / "small.png")
    play = "## A Play\n\n**Ann**: Look.\n\n![a grey square](small.png)\n"
    root = small_project(tmp_path, play, META)
    build_small(root)
    result = _preflight(root)
    assert "P107" in _codes(result.stdout) and result.returncode == 0  # a warning
    assert _preflight(root, "--strict").returncode == 1
    assert re.search(r"warning\[P107\]: page \d+: an image placed at [\d.]+ × [\d.]+in has \d+ ppi",
                     result.stdout)


@pytest.fixture()
def kdp_full(tmp_path: Path):
    """A KDP book whose interior and cover are built (custom, so the page range lets an
    8-page book pass and the checks below see only what each breaks)."""
    printer = ("    printer: {service: custom, min_pages: 2, spine_text_pages: 2, "
               "paper_thickness: 0.1in}\n")
    root = small_project(tmp_path, PLAY, META + printer)
    result = run_cli("cover", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def test_preflight_is_clean_on_a_book_built_for_its_printer(kdp_full: Path):
    result = _preflight(kdp_full)
    assert (result.returncode, result.stdout.strip()) == (0, "preflight: 1 book, no findings"), result.stdout


def test_preflight_finds_a_cover_for_another_page_count(kdp_full: Path):
    yaml = kdp_full / "book.yaml"
    yaml.write_text(yaml.read_text().replace("0.1in", "0.12in"))  # the paper changed
    result = _preflight(kdp_full)
    assert _codes(result.stdout) == ["P201"]
    assert "want 12.2100 × 8.7500in (spine 0.9600in)" in result.stdout


def test_preflight_finds_spine_text_on_a_thin_book(kdp_full: Path):
    yaml = kdp_full / "book.yaml"
    yaml.write_text(yaml.read_text().replace("spine_text_pages: 2", "spine_text_pages: 100"))
    assert _codes(_preflight(kdp_full).stdout) == ["P202"]


def test_preflight_finds_the_barcode_area_not_clear(kdp_full: Path):
    yaml = kdp_full / "book.yaml"  # the ISBN is gone: the printer will put its own there
    yaml.write_text(yaml.read_text().replace("    isbn: 978-0-306-40615-7\n", ""))
    result = _preflight(kdp_full)
    assert _codes(result.stdout) == ["P203"]


def test_preflight_finds_cover_text_outside_the_safe_area_and_unembedded_fonts(kdp_full: Path):
    path = kdp_full / "dist" / "small-cover.pdf"
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        helvetica = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
            FontDescriptor=pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name.Helvetica, Flags=32))))
        page.Resources.Font.Stamp = helvetica
        page.contents_add(pdf.make_stream(b"BT /Stamp 12 Tf 2 300 Td (edge) Tj ET"), prepend=False)
        pdf.save(path)
    result = _preflight(kdp_full)
    assert set(_codes(result.stdout)) == {"P106", "P204"}, result.stdout
    assert "the font Helvetica is not embedded" in result.stdout


@pytest.fixture(scope="module")
def default_project_with_printer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project with a printer for each book, its print PDFs and covers built:
    `collected` (18 pages, below KDP's 24) at IngramSpark, `drafts` at KDP on cream paper."""
    root = tmp_path_factory.mktemp("default-printers")
    shutil.copy2(REPO_ROOT / "book.yaml", root / "book.yaml")
    shutil.copytree(REPO_ROOT / "manuscript", root / "manuscript")
    yaml = root / "book.yaml"
    text = yaml.read_text()
    text = text.replace("defaults:\n", "defaults:\n  printer: {service: kdp, paper: cream}\n", 1)
    text = text.replace("  collected:\n", "  collected:\n    printer: ingramspark\n", 1)
    yaml.write_text(text)
    result = run_cli("cover", cwd=root, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_preflight_finds_nothing_on_the_default_books(default_project_with_printer: Path):
    result = _preflight(default_project_with_printer)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "preflight: 2 books, no findings"
    for book in ("collected", "drafts"):
        assert (default_project_with_printer / "dist" / f"{book}-cover.pdf").is_file()
    # IngramSpark wants an even count (the blank verso an odd layout gets is tested on a small
    # book below: the default books' layouts are even since issue 23's baseline grid).
    collected = pdfium.PdfDocument(default_project_with_printer / "dist" / "collected.pdf")
    assert len(collected) % 2 == 0


def test_an_odd_layout_gets_a_blank_verso_at_a_printer_that_wants_even_pages(tmp_path: Path):
    """IngramSpark: a book laid out to 11 pages is printed as 12, the last one blank."""
    text = "## P\n\n" + "\n".join(f"**A**: {'Words of a speech that runs on. ' * 8}\n"
                                  for _ in range(30))
    path = build_small(small_project(tmp_path, text, "    printer: ingramspark\n"))
    document = pdfium.PdfDocument(path)
    assert len(document) == 12
    assert document[10].get_textpage().count_chars() > 0
    assert document[11].get_textpage().count_chars() == 0
