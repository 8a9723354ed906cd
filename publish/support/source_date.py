"""SOURCE_DATE_EPOCH set while rendering: fontTools, which WeasyPrint uses to subset fonts,
stamps each subset with the current time unless it is set, so without it two builds of the
same commit differed inside their fonts."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


@contextlib.contextmanager
def source_date(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH is `epoch` (seconds since 1970) inside, as it was after."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
