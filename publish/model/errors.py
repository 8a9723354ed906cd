"""The project's few error classes, each with the exit status the CLI gives it.

Exit statuses (documented in the README):
  0  success
  1  the manuscripts have errors (diagnostics of severity error, or warnings with --strict);
     for `publish check`: warnings under --strict
  2  usage error (bad command line), set by click; for `publish check`: the manuscripts have
     errors (check's own scale: 0 clean, 1 warnings under --strict, 2 errors)
  3  configuration error (book.yaml missing, malformed, or naming what does not exist)
  4  input error (a manuscript cannot be read: missing, not UTF-8, too large)
  5  tool error (pandoc, WeasyPrint or ebooklib failed)
  6  output error (an output or the build cache cannot be written where it goes: a link,
     folder or file in its place, two outputs of one build with the same name, a read-only
     folder, a full disk)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Location:
    """A 1-based place in a file; line and column may be unknown (0)."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line and self.col:
            return f"{self.path}:{self.line}:{self.col}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path


class PublishError(Exception):
    """Base class: a problem the user can fix, reported as one line, never a traceback."""

    exit_code = 1

    def __init__(self, message: str, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __reduce__(self) -> tuple[Callable[..., object], tuple[object, ...], dict[str, Any]]:
        # Keep location and details when a render process sends the error back to the CLI
        # (the default pickling would call __init__ with the message only).
        return (self.__class__.__new__, (self.__class__, *self.args), self.__dict__)

    def __str__(self) -> str:
        if self.location is not None:
            return f"{self.location}: error: {self.message}"
        return f"error: {self.message}"


class ConfigError(PublishError):
    exit_code = 3


class InputError(PublishError):
    exit_code = 4


class UsageError(PublishError):
    """The command line or its environment is wrong (SOURCE_DATE_EPOCH not a date)."""

    exit_code = 2


class OutputError(PublishError):
    """An output (or the build cache) cannot be written where it belongs: a symbolic link,
    folder or file stands in its place, two outputs of one build would share a name, or the
    folder is read-only or its disk full. Nothing outside the project is ever written."""

    exit_code = 6


class ToolError(PublishError):
    """An external tool failed; `details` keeps its stderr for --verbose."""

    exit_code = 5

    def __init__(self, message: str, location: Location | None = None, details: str = ""):
        super().__init__(message, location)
        self.details = details


class CheckFailed(PublishError):
    """The manuscripts have diagnostics that fail the build."""

    exit_code = 1
