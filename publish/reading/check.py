"""Semantic checks on the model that need the project around it (images on disk).

The normalizer already reports what it meets while reading (unknown speakers, empty speeches,
notes, unclosed brackets); this stage adds what depends on files: missing and remote images.
"""

from __future__ import annotations

from pathlib import Path

from publish import model as m
from publish.model.diagnostics import Diagnostic, Severity
from publish.model.errors import Location
from publish.reading.files import ProjectFiles, image_problem, is_remote


def check_images(play: m.Play, manuscript: Path, files: ProjectFiles,
                 release: bool = False) -> list[Diagnostic]:
    """Missing (M301), remote (M302) and unusable (M303) images: errors in a release book, whose PDF and EPUB
    must not ship a placeholder; warnings in a draft book, whose outputs show one."""
    severity = Severity.ERROR if release else Severity.WARNING
    hint = "; a release book needs every image (or set `draft: true` on the book)" if release else ""
    diagnostics = []
    for node in m.walk(play):
        if not isinstance(node, m.Image):
            continue
        span = node.span
        location = Location(span.path, span.line, span.col) if span else Location(play.meta.source)
        if is_remote(node.url):
            diagnostics.append(Diagnostic(severity, "M302",
                                          f"remote image {node.url!r} is never fetched", location,
                                          "download it into the project, beside the manuscript" + hint))
        elif (candidate := files.image_candidate(node.url, manuscript)) is None:
            diagnostics.append(Diagnostic(severity, "M301",
                                          f"image {node.url!r} not found in the project", location,
                                          "image paths are relative to the manuscript's folder, "
                                          "and must stay inside the project" + hint))
        elif (problem := image_problem(candidate)) is not None:
            diagnostics.append(Diagnostic(
                severity, "M303", f"image {node.url!r} is unusable: {problem}", location,
                "replace it with a PNG, JPEG or self-contained SVG" + hint))
    return diagnostics
