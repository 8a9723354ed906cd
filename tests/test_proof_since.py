"""Change bars: `publish proof --since REF` in a git repository made here, with one commit
changing a speech and one adding and removing speeches. Exactly those carry change marks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from proof_support import cli, git, page_texts

PLAY = """## A Test Play

### Scene 1: Morning

_[**Ann** enters.]_

**Ann**: Good morning, Bob. The weather is fine today.

**Bob**: Is it? I had not noticed the weather at all.

**Ann**: You never notice anything.

**Bob**: That is unfair.

### Scene 2: Evening

**Ann**: Good night.

**Bob**: Sleep well, Ann.
"""
LABEL = re.compile(r"\s(changed|added|removed)$")


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("since")
    (root / "book.yaml").write_text(
        "books:\n  play:\n    title: A Test Play\n    manuscripts: [play.md]\n", encoding="utf-8")
    play = root / "play.md"
    play.write_text(PLAY, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first draft")
    play.write_text(PLAY.replace("the weather at all", "the rain at all, to be honest"),
                    encoding="utf-8")
    git(root, "commit", "-qam", "change a speech")
    text = play.read_text(encoding="utf-8").replace("**Ann**: You never notice anything.\n\n", "")
    play.write_text(text + "\n**Ann**: And you, Bob. Dream of sunshine.\n", encoding="utf-8")
    git(root, "commit", "-qam", "add and remove speeches")
    return root


@pytest.fixture(scope="module")
def marked_lines(repository) -> list[str]:
    result = cli("proof", "--since", "HEAD~2", cwd=repository)
    assert result.returncode == 0, result.stderr
    lines = "\n".join(page_texts(repository / "dist/play-proof.pdf")).splitlines()
    return [line for line in lines if LABEL.search(line)]


def test_exactly_the_changed_added_and_removed_speeches_are_marked(marked_lines):
    assert len(marked_lines) == 3, marked_lines
    changed, removed, added = marked_lines
    assert changed.startswith("2 Bob. Is it?") and changed.endswith("changed")
    assert "honest" in changed
    assert "You never notice anything." in removed and removed.endswith("removed")
    assert added.startswith("3 Ann. And you, Bob.") and added.endswith("added")


def test_since_the_last_commit_nothing_is_marked(repository):
    result = cli("proof", "--since", "HEAD", cwd=repository)
    assert result.returncode == 0, result.stderr
    text = "\n".join(page_texts(repository / "dist/play-proof.pdf"))
    assert "0 added, 0 changed, 0 removed" in text
    assert not [line for line in text.splitlines() if LABEL.search(line)]


def test_an_unknown_revision_is_an_input_error(repository):
    result = cli("proof", "--since", "no-such-branch", cwd=repository)
    assert result.returncode == 4
    assert "--since 'no-such-branch': not a commit" in result.stderr
