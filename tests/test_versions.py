"""publish/versions.py: the versions read from the names of the metadata folders are the
ones importlib.metadata reads from inside them."""

from __future__ import annotations

import re
from importlib import metadata

from publish.build.cache import RENDER_LIBRARIES
from publish.support.versions import installed_version


def test_every_installed_distribution_has_the_version_importlib_metadata_gives():
    names = {dist.metadata["Name"] for dist in metadata.distributions()}
    normalized = {re.sub(r"[-_.]+", "-", name).lower() for name in names}
    assert len(names) > 20 and set(RENDER_LIBRARIES) <= normalized
    for name in names:
        assert installed_version(name) == metadata.version(name), name


def test_names_are_matched_as_pip_matches_them_and_a_missing_one_is_none():
    assert installed_version("Pypandoc_Binary") == installed_version("pypandoc-binary") is not None
    assert installed_version("EbookLib") == metadata.version("ebooklib")
    assert installed_version("no-such-distribution-here") is None
