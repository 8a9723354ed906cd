"""PDF/X, the printers' PDF: what WeasyPrint's `pdf_variant` writes, and what it leaves to us.

WeasyPrint 70 writes the PDF/X identification (GTS_PDFXVersion in the Info dictionary for
X-1a and X-3, in the XMP metadata for all), `Trapped`, and an OutputIntent with S=/GTS_PDFX
from the CMYK profile a stylesheet declares as `device-cmyk`. This module supplies that
profile (styles/icc/gracol-tr006.icc: made with ArgyllCMS from the ANSI CGATS/GRACoL TR 006
characterization data, the coated stock US printers print to; styles/icc/README.md) and, in
a finisher run before the file is written:

- names the output condition as the ICC registry does (`CGATS TR 006`);
- makes the XMP DocumentID a function of the book, where WeasyPrint draws a random one, so
  the same inputs still give the same bytes;
- removes link annotations, which PDF/X forbids inside the bleed box (the print edition
  prints each URL as a footnote: nothing is lost);
- X-3, X-4, X-5g: declares DefaultRGB as sRGB, so the RGB of our stylesheets is a defined
  colour (device RGB with a CMYK output intent is not allowed);
- X-1a, which allows neither RGB nor transparency: converts RGB fills and strokes to CMYK
  (greys to black ink only, as printers want text), and refuses an RGB image or one with an
  alpha channel, naming it (`image_problem`, checked before layout; the finisher checks the
  written images again and names their page).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from publish.model.errors import PublishError
from publish.support.paths import STYLES_DIR

OUTPUT_PROFILE = STYLES_DIR / "icc" / "gracol-tr006.icc"
SRGB_PROFILE = STYLES_DIR / "icc" / "srgb.icc"  # icc-profiles-free's sRGB (zlib licence)
OUTPUT_CONDITION = "CGATS TR 006"  # the ICC registry's name for GRACoL 2006 coated
ICC_REGISTRY = "http://www.color.org"
X_VARIANTS = ("pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/x-5g")
DOCUMENT_IDS = uuid.UUID("0b7f6c52-5d55-4c8e-8f51-3b0c7e1f2a90")  # namespace of DocumentIDs
# Image modes PDF/X-1a accepts: grey, black and white, CMYK, none with an alpha channel.
X1A_IMAGE_MODES = ("1", "L", "CMYK")


class PdfxError(PublishError):
    """What the chosen PDF/X standard forbids is in the book (exit status 4, bad input)."""

    exit_code = 4


def is_pdfx(variant: str | None) -> bool:
    return variant in X_VARIANTS


def output_intent_css(variant: str | None) -> str:
    """The stylesheet rule that gives WeasyPrint the output intent's CMYK profile."""
    if not is_pdfx(variant):
        return ""
    return (f"@color-profile device-cmyk {{ src: url(\"{OUTPUT_PROFILE.as_uri()}\"); "
            "components: cyan, magenta, yellow, black; }")


def image_problem(path: Path, variant: str | None) -> str | None:
    """Why `variant` cannot hold this image, or None. Only PDF/X-1a refuses images: RGB ones
    (convert them to greyscale or CMYK) and any with transparency (flatten them)."""
    if variant != "pdf/x-1a":
        return None
    from PIL import Image
    with Image.open(path) as image:
        mode = image.mode
        transparent = "transparency" in image.info
    if mode in ("RGBA", "LA", "PA", "La", "RGBa") or transparent:
        return (f"image {path.name!r} has transparency, which PDF/X-1a forbids: flatten it "
                "onto its background, or set print.pdf_variant: pdf/x-4")
    if mode not in X1A_IMAGE_MODES:
        return (f"image {path.name!r} is {mode}, and PDF/X-1a allows only greyscale and CMYK "
                "images: convert it, or set print.pdf_variant: pdf/x-4")
    return None


def finisher(variant: str, document_seed: str) -> Callable[[Any, Any], None]:
    """The finishing touches `variant` needs, for WeasyPrint's `write_pdf(finisher=...)`."""
    def finish(document: Any, pdf: Any) -> None:
        import pydyf
        _name_output_condition(pdf, pydyf)
        _fix_document_id(pdf, document_seed)
        _drop_annotations(pdf, pydyf)
        if variant == "pdf/x-1a":
            _refuse_images(pdf, pydyf)
            _rgb_to_cmyk(pdf, pydyf)
            _drop_unused_colour_spaces(pdf, pydyf)
        else:
            _default_rgb_is_srgb(pdf, pydyf)
    return finish


def _dictionaries(pdf: Any, pydyf: Any) -> list[Any]:
    return [obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary)]


def _streams(pdf: Any, pydyf: Any) -> list[Any]:
    return [obj for obj in pdf.objects if isinstance(obj, pydyf.Stream)]


def _name_output_condition(pdf: Any, pydyf: Any) -> None:
    intents = pdf.catalog.get("OutputIntents")
    if not intents:
        raise PublishError("the PDF/X output intent is missing: the CMYK profile "
                           f"{OUTPUT_PROFILE} was not loaded")
    for intent in intents:
        intent["OutputConditionIdentifier"] = pydyf.String(OUTPUT_CONDITION)
        intent["RegistryName"] = pydyf.String(ICC_REGISTRY)
        intent["OutputCondition"] = pydyf.String("GRACoL 2006, coated paper (ISO 12647-2 PT1)")


_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def _fix_document_id(pdf: Any, seed: str) -> None:
    """The XMP DocumentID from the book (its identifier and date), not from chance."""
    reference = pdf.catalog.get("Metadata")
    if reference is None:
        return
    metadata = pdf.objects[int(reference.split()[0])]
    stable = f"xmp.did:{uuid.uuid5(DOCUMENT_IDS, seed)}".encode()
    metadata.stream = [_DOCUMENT_ID.sub(stable, part) if isinstance(part, bytes) else part
                       for part in metadata.stream]


def _drop_annotations(pdf: Any, pydyf: Any) -> None:
    for page in _dictionaries(pdf, pydyf):
        if page.get("Type") == "/Page" and "Annots" in page:
            del page["Annots"]


def _refuse_images(pdf: Any, pydyf: Any) -> None:
    """A backstop to `image_problem` (which names the file): any image written in RGB or
    with a soft mask."""
    for stream in _streams(pdf, pydyf):
        if stream.extra.get("Subtype") != "/Image":
            continue
        space = stream.extra.get("ColorSpace")
        if "SMask" in stream.extra or space not in ("/DeviceGray", "/DeviceCMYK"):
            raise PdfxError(f"the PDF holds an image in {space} "
                            f"{'with transparency ' if 'SMask' in stream.extra else ''}, which "
                            "PDF/X-1a forbids: convert it to greyscale or CMYK and flatten it, "
                            "or set print.pdf_variant: pdf/x-4")


_RGB = re.compile(rb"^(-?[0-9.]+) (-?[0-9.]+) (-?[0-9.]+) (rg|RG)$")


def _rgb_to_cmyk(pdf: Any, pydyf: Any) -> None:
    """Every RGB fill and stroke of the page and form streams, as CMYK."""
    for stream in _streams(pdf, pydyf):
        if stream.extra.get("Subtype") not in (None, "/Form"):
            continue
        stream.stream = [_cmyk_operator(part) if isinstance(part, bytes) else part
                         for part in stream.stream]


def _cmyk_operator(part: bytes) -> bytes:
    match = _RGB.match(part)
    if not match:
        return part
    c, m, y, k = rgb_to_cmyk(*(float(value) for value in match.groups()[:3]))
    operator = b"K" if match.group(4) == b"RG" else b"k"
    return b" ".join(_number(v) for v in (c, m, y, k)) + b" " + operator


def rgb_to_cmyk(r: float, g: float, b: float) -> tuple[float, float, float, float]:
    """A grey is black ink alone (text printed in four inks looks soft and registers badly);
    a colour takes its black from its darkest channel (grey component replacement)."""
    if r == g == b:
        return 0.0, 0.0, 0.0, round(1 - r, 4)
    k = 1 - max(r, g, b)
    return tuple(round((1 - channel - k) / (1 - k), 4) for channel in (r, g, b)) + (round(k, 4),)  # type: ignore[return-value]


def _number(value: float) -> bytes:
    return (f"{value:.4f}".rstrip("0").rstrip(".") or "0").encode("ascii")


def _drop_unused_colour_spaces(pdf: Any, pydyf: Any) -> None:
    """WeasyPrint declares its Lab spaces, and the output profile as an ICC-based space, on
    every page; X-1a allows neither, even unused, so those no stream sets are removed (the
    profile stays, as the output intent's)."""
    names = ("lab-d50", "lab-d65", "device-cmyk")
    used = b" ".join(part for stream in _streams(pdf, pydyf)
                     if stream.extra.get("Subtype") in (None, "/Form")
                     for part in stream.stream
                     if isinstance(part, bytes) and any(n.encode() in part for n in names))
    for dictionary in _dictionaries(pdf, pydyf):
        for name in names:
            if name in dictionary and f"/{name}".encode() not in used:
                del dictionary[name]


def _default_rgb_is_srgb(pdf: Any, pydyf: Any) -> None:
    """DefaultRGB in the shared colour spaces: device RGB is then sRGB, a defined colour."""
    profile = pydyf.Stream([SRGB_PROFILE.read_bytes()], pydyf.Dictionary({"N": 3}),
                           compress=True)
    pdf.add_object(profile)
    for dictionary in _dictionaries(pdf, pydyf):
        if "lab-d50" in dictionary:  # WeasyPrint's colour-space dictionary
            dictionary["DefaultRGB"] = pydyf.Array(("/ICCBased", profile.reference))
