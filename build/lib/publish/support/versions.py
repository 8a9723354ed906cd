"""The installed versions of the libraries whose output we write or key the cache by.

A wheel installs its metadata in a folder named for the distribution and its version
(`weasyprint-70.0.dist-info`), so listing the import path once finds them all. Importing
`importlib.metadata` for them would delay every build's start-up, which every step of the
build waits for; it is still asked about what the folders' names do not tell (an egg, a
name missing from the listing).
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache

SUFFIX = ".dist-info"


def installed_version(name: str) -> str | None:
    """The version of distribution `name` that imports would find, or None if not installed."""
    found = _dist_info_versions().get(_normalized(name))
    if found is not None:
        return found
    from importlib import metadata
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


@lru_cache(maxsize=1)
def _dist_info_versions() -> dict[str, str]:
    """{normalized name: version} of every `*.dist-info` folder on the import path; the first
    on the path wins, as it does for imports."""
    versions: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue  # a zip file, or a folder that is gone
        for folder in names:
            if folder.endswith(SUFFIX):
                # The name part never holds a `-` (wheels write it as `_`).
                name, _, version = folder[:-len(SUFFIX)].partition("-")
                if version:
                    versions.setdefault(_normalized(name), version)
    return versions


def _normalized(name: str) -> str:
    """PEP 503's normalized name (`Pypandoc_Binary` and `pypandoc-binary` are the same)."""
    return re.sub(r"[-_.]+", "-", name).lower()
