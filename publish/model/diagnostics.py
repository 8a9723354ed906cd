"""Diagnostics: what `publish check` reports, with stable codes and source positions.

Codes (stable; tools and CI read them). docs/manuscript-format.md has an example of each.
  M101 warning  unknown speaker       a speaker label not in the play's declared cast
  M102 warning  empty speech          a speaker tag with nothing after it (a draft placeholder)
  M103 info     silent character      a declared cast member who never speaks
  M104 info     repeated speaker      two speeches in a row by the same speaker
  M201 warning  unresolved TODO       a [TODO ...] note left in the manuscript
  M202 warning  unclosed bracket      a '[' that never closes; kept as text
  M203 warning  stray bracket         a ']' that closes nothing; kept as text
  M204 warning  unclosed note         a Fountain note '[[' never closed with ']]'; kept as text
  M205 warning  unclosed boneyard     a Fountain boneyard '/*' never closed with '*/'; kept as text
  M301 warning  missing image         an image file that does not exist in the project
  M302 warning  remote image          an image on the network; builds never fetch it
  M303 warning  unusable image        empty, huge, mislabelled, or an SVG with external references
  (M301-M303 are errors in a book not marked `draft: true`)
  M401 warning  heading level         a heading out of order (scene above the title, skipped level)
  M501 error    missing glyph         a character no font of the book has (`fonts:` in book.yaml);
                                      a warning in a draft book and for text only proofs show
  M502 error    unrepresentable char  a control character, surrogate or non-character (typed
                                      or as `&#1;`): XML, so the EPUB, cannot hold it; shown
                                      as U+FFFD (a warning in a book marked `draft: true`)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from publish.model.errors import Location


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


CODES = {
    "M101": "unknown speaker",
    "M102": "empty speech",
    "M103": "silent character",
    "M104": "repeated speaker",
    "M201": "unresolved TODO",
    "M202": "unclosed bracket",
    "M203": "stray bracket",
    "M204": "unclosed note",
    "M205": "unclosed boneyard",
    "M301": "missing image",
    "M302": "remote image",
    "M303": "unusable image",
    "M401": "heading level",
    "M501": "missing glyph",
    "M502": "unrepresentable character",
}
# Errors in a release book that a book marked `draft: true` shows as warnings (M301-M303 are
# decided where images are checked, reading/check.py).
DRAFT_WARNINGS = frozenset({"M502"})


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    location: Location
    hint: str = ""

    def format(self) -> str:
        """`path:line:col: severity[CODE]: message`, and the hint on an indented line."""
        line = f"{self.location}: {self.severity.value}[{self.code}]: {self.message}"
        return f"{line}\n    hint: {self.hint}" if self.hint else line

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.path, self.location.line, self.location.col, self.code)


def fails(diagnostics: list[Diagnostic], strict: bool) -> bool:
    """Errors always fail a build; with --strict, warnings do too."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(d.severity in failing for d in diagnostics)


def failure_reason(diagnostics: list[Diagnostic], strict: bool) -> str:
    """`2 errors (M301 ×2), 21 warnings (M102 ×3, M201 ×18)`: what fails a build, by code."""
    parts = []
    for severity in (Severity.ERROR, Severity.WARNING):
        if severity is Severity.WARNING and not strict:
            continue
        codes = Counter(d.code for d in diagnostics if d.severity is severity)
        if codes:
            by_code = ", ".join(f"{code} ×{n}" if n > 1 else code for code, n in sorted(codes.items()))
            total = sum(codes.values())
            parts.append(f"{total} {severity.value}{'s' if total > 1 else ''} ({by_code})")
    return ", ".join(parts)
