"""publish/pandoc.py with pandoc binaries other than pypandoc-binary's: one too old, one that
refuses RTS options (both stand-ins: shell scripts answering as those binaries do)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publish.model.errors import ToolError
from publish.reading import pandoc

EMPTY_AST = {"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": []}


def fake_pandoc(folder: Path, script: str) -> str:
    path = folder / "pandoc"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def use_pandoc(monkeypatch):
    def use(path: str) -> None:
        monkeypatch.setattr(pandoc, "pandoc_path", lambda: path)
        monkeypatch.setattr(pandoc, "_rts_accepted", True)
    return use


def test_a_pandoc_older_than_3_is_named_as_such(tmp_path, use_pandoc):
    old = dict(EMPTY_AST, **{"pandoc-api-version": [1, 22, 2, 1]})
    use_pandoc(fake_pandoc(tmp_path, f"cat > /dev/null; echo '{json.dumps(old)}'\n"))
    too_old = r"pandoc is too old \(its AST is version 1\.22\); need pandoc 3\.0\+"
    with pytest.raises(ToolError, match=too_old):
        pandoc.parse_markdown("Some text.\n", "p.md")


def test_a_pandoc_refusing_rts_options_is_run_without_them(tmp_path, use_pandoc):
    """GHC's message for a binary linked without -rtsopts; then the same binary answers."""
    use_pandoc(fake_pandoc(tmp_path, (
        'case "$1" in +RTS) echo "pandoc: Most RTS options are disabled. '
        'Link with -rtsopts to enable them." >&2; exit 1;; esac\n'
        f"cat > /dev/null; echo '{json.dumps(EMPTY_AST)}'\n")))
    assert pandoc.parse_markdown("Some text.\n", "p.md")["blocks"] == []
    assert not pandoc._rts_accepted
    assert pandoc.pandoc_command(20_000) == [str(tmp_path / "pandoc")]


def test_our_pandoc_takes_the_rts_options_and_gives_a_pandoc_3_ast():
    ast = pandoc.parse_markdown("**Ann**: Hello.\n", "p.md")
    assert tuple(ast["pandoc-api-version"][:2]) >= pandoc.MINIMUM_API
    assert pandoc._rts_accepted


def test_the_allocation_area_grows_with_the_manuscript_within_bounds():
    assert pandoc.rts_options(100) == ["+RTS", "-A8m", "-H1m", "-RTS"]
    assert pandoc.rts_options(27_000) == ["+RTS", "-A37m", "-H1m", "-RTS"]
    assert pandoc.rts_options(5_000_000) == ["+RTS", "-A128m", "-H1m", "-RTS"]
