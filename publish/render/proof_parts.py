"""The proof put together from its parts: the front (summary page, front matter) and one PDF
per play, each laid out by WeasyPrint on its own (render/proof.py says why), merged into one
PDF with pikepdf (qpdf: some 30 times quicker than pypdf at merging the 19 parts of a
235-page proof).

What a single WeasyPrint document did by itself, the merge does here:
- the front's links to notes, diagnostics, plays and scenes point into the plays' parts
  (WeasyPrint wrote them as `publish-proof-part:<id>` URIs, having no such ids itself); each
  becomes a link to the page and place its element stands on;
- the outline (each play's title and scenes), from each part's bookmarks;
- named destinations for the plays, scenes and diagnostics (`drafts-proof.pdf#play-2`);
- page labels, so a PDF viewer shows and finds the folios printed on the pages (i, ii... for
  the front, 2-1, 2-2... for the second play);
- the front's metadata and language stay those of the whole proof.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from publish.render.proof import PART_LINK, play_folio_prefix
from publish.support.versions import installed_version

if TYPE_CHECKING:
    import pikepdf

POINTS_PER_PX = 0.75  # CSS px are 1/96 in, PDF points 1/72 in

# Where an element stands: (page index, x, y), in PDF points from the page's bottom left.
Place: TypeAlias = tuple[int, float, float]
# An outline entry as WeasyPrint's make_bookmark_tree gives it: (label, place, children, state).
Bookmark: TypeAlias = tuple[str, Place, list["Bookmark"], str]


@dataclass(frozen=True)
class ProofPart:
    """One play's proof, laid out: its PDF; where each element the front links to stands:
    id -> (page index, x, y), in PDF points from the page's bottom left; and its bookmarks,
    as WeasyPrint makes them: (label, (page index, x, y), children, state)."""

    play: int  # the play's index in the book
    pdf: bytes = field(repr=False)
    pages: int
    anchors: dict[str, Place]
    bookmarks: list[Bookmark] = field(default_factory=list)
    changes: tuple[int, int, int] = (0, 0, 0)  # units added, changed, removed (--since)

    def page_labels(self) -> dict[str, str]:
        """id -> the folio of the page it is on (`2-14`)."""
        prefix = play_folio_prefix(self.play)
        return {name: f"{prefix}{page + 1}" for name, (page, _, _) in self.anchors.items()}


def anchors_in(document: Any, wanted: set[str]) -> dict[str, Place]:
    """Where each id of `wanted` stands in a laid-out WeasyPrint document (first place)."""
    found: dict[str, Place] = {}
    for index, page in enumerate(document.pages):
        height = page.height * POINTS_PER_PX
        for name, (x, y, *_) in page.anchors.items():  # (x1, y1, x2, y2): the box's corners
            if name in wanted and name not in found:
                found[name] = (index, x * POINTS_PER_PX, height - y * POINTS_PER_PX)
    return found


def bookmarks_in(document: Any) -> list[Bookmark]:
    """The document's outline, in PDF points from each page's bottom left."""
    tree: list[Bookmark] = document.make_bookmark_tree(POINTS_PER_PX, transform_pages=True)
    return tree


def merge(front_pdf: bytes, parts: list[ProofPart], output: Path) -> int:
    """Write the proof (the front, then the parts in play order) to `output`; returns its
    page count."""
    import pikepdf

    # qpdf copies a part's page contents when the proof is saved: the parts stay open till then.
    with contextlib.ExitStack() as open_parts:
        proof = open_parts.enter_context(pikepdf.Pdf.open(io.BytesIO(front_pdf)))
        front_pages = len(proof.pages)
        starts: list[int] = []
        for part in parts:
            starts.append(len(proof.pages))
            laid_out = open_parts.enter_context(pikepdf.Pdf.open(io.BytesIO(part.pdf)))
            proof.pages.extend(laid_out.pages)
        places = {name: (start + page, x, y) for part, start in zip(parts, starts, strict=True)
                  for name, (page, x, y) in part.anchors.items()}
        resolve_front_links(proof, front_pages, places)
        name_destinations(proof, places)
        _outline(proof, parts, starts)
        _label_pages(proof, front_pages, parts, starts)
        producer = str(proof.docinfo.get("/Producer", "WeasyPrint"))
        proof.docinfo["/Producer"] = f"{producer}; parts merged by pikepdf {installed_version('pikepdf')}"
        # The same parts give the same bytes: the file identifier is derived from the content.
        # Saved in memory, then written by Python: qpdf writing to a full disk ends the whole
        # process (an uncaught C++ exception) and leaves its own temporary file behind,
        # where Python's write raises an OSError the build reports.
        merged = io.BytesIO()
        proof.save(merged, deterministic_id=True)
        output.write_bytes(merged.getvalue())
        return len(proof.pages)


def _destination(proof: pikepdf.Pdf, place: Place) -> pikepdf.Array:
    import pikepdf
    index, x, y = place
    return pikepdf.Array([proof.pages[index].obj, pikepdf.Name.XYZ, round(x, 3), round(y, 3), 0])


def resolve_front_links(proof: pikepdf.Pdf, front_pages: int, places: dict[str, Place]) -> None:
    """Each `publish-proof-part:<id>` link of the front becomes a link to where <id> stands;
    a link to an id no part has (none should) is removed rather than left pointing nowhere."""
    import pikepdf
    for page in proof.pages[:front_pages]:
        if "/Annots" not in page.obj:
            continue
        kept = pikepdf.Array()
        for annotation in page.obj.Annots:
            target = _part_link_target(annotation)
            if target is not None:
                if target not in places:
                    continue
                del annotation["/A"]
                annotation.Dest = _destination(proof, places[target])
            kept.append(annotation)
        page.obj.Annots = kept


def _part_link_target(annotation: pikepdf.Object) -> str | None:
    action = annotation.get("/A")
    if annotation.get("/Subtype") != "/Link" or action is None or action.get("/S") != "/URI":
        return None
    uri = bytes(action.URI).decode("latin-1")
    return uri[len(PART_LINK):] if uri.startswith(PART_LINK) else None


def name_destinations(proof: pikepdf.Pdf, places: dict[str, Place]) -> None:
    import pikepdf
    names = pikepdf.NameTree.new(proof)
    for name in sorted(places):
        names[name] = _destination(proof, places[name])
    proof.Root.Names = pikepdf.Dictionary(Dests=names.obj)


def _outline(proof: pikepdf.Pdf, parts: list[ProofPart], starts: list[int]) -> None:
    from pikepdf import OutlineItem

    def item(bookmark: Bookmark, start: int) -> OutlineItem:
        label, (page, x, y), children, state = bookmark
        entry = OutlineItem(label, start + page, "XYZ", left=round(x, 3), top=round(y, 3))
        entry.is_closed = state == "closed"
        entry.children.extend(item(child, start) for child in children)
        return entry

    with proof.open_outline() as outline:
        for part, start in zip(parts, starts, strict=True):
            outline.root.extend(item(bookmark, start) for bookmark in part.bookmarks)


def _label_pages(proof: pikepdf.Pdf, front_pages: int, parts: list[ProofPart], starts: list[int]) -> None:
    """The folios the pages show, as PDF page labels: i, ii... then 1-1, 1-2..., 2-1..."""
    import pikepdf
    numbers: list[int | pikepdf.Dictionary] = []
    if front_pages:
        numbers += [0, pikepdf.Dictionary(S=pikepdf.Name.r)]
    for part, start in zip(parts, starts, strict=True):
        prefix = pikepdf.String(play_folio_prefix(part.play))
        numbers += [start, pikepdf.Dictionary(S=pikepdf.Name.D, P=prefix)]
    proof.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(numbers))
