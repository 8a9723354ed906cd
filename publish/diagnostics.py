"""Diagnostics: what `publish check` reports, with stable codes and source positions.

Codes (stable; tools and CI read them):
  M101 unknown speaker        a speaker label not in the play's declared cast
  M102 empty speech           a speaker tag with nothing after it (a draft placeholder)
  M201 editorial note         a [TODO ...] note left in the manuscript
  M202 unclosed bracket       a '[' that never closes; the rest of the file is kept as text
  M301 missing image          an image file that does not exist in the project
  M302 remote image           an image on the network; release builds never fetch it
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from publish.errors import Location


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


CODES = {
    "M101": "unknown speaker",
    "M102": "empty speech",
    "M201": "editorial note",
    "M202": "unclosed bracket",
    "M301": "missing image",
    "M302": "remote image",
}


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    location: Location

    def format(self) -> str:
        return f"{self.location}: {self.severity.value}[{self.code}]: {self.message}"

    def sort_key(self) -> tuple:
        return (self.location.path, self.location.line, self.location.col, self.code)


def fails(diagnostics: list[Diagnostic], strict: bool) -> bool:
    """Errors always fail a build; with --strict, warnings do too."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(d.severity in failing for d in diagnostics)
