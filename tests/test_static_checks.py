"""The static checks run in the suite: mypy over `publish/` and ruff over the whole tree, clean.

Both are configured in pyproject.toml (`make lint` runs the same two commands). Each check is
also run once on a probe written here with the mistakes it exists to catch (a field typed
`object` used as what it holds, an Optional used unchecked, a signature left unannotated, a
bare `dict`; an unsorted import, a `zip` that drops items silently...), so a configuration
that lost its strictness fails here rather than passing everything.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = REPO_ROOT / "pyproject.toml"
MYPY_CACHE = REPO_ROOT / ".mypy_cache"


def run(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


def test_mypy_is_clean_over_the_package():
    result = run("mypy")
    assert result.returncode == 0, f"mypy found errors:\n{result.stdout}{result.stderr}"


def test_ruff_is_clean_over_the_tree():
    result = run("ruff", "check", "--no-fix", "--output-format", "concise")
    assert result.returncode == 0, f"ruff found problems:\n{result.stdout}{result.stderr}"


# Each line marked `# expect: CODE` must be reported with that code, and nothing else may be.
MYPY_PROBE = '''\
from __future__ import annotations

import json
import re


class Job:
    cache: object  # a field typed `object` to dodge an import cycle

    def run(self) -> None:
        self.cache.load("key")  # expect: attr-defined


def first_word(text: str) -> str:
    return re.match(r"\\w+", text).group(0)  # expect: union-attr


def label(name: str = None) -> str:  # expect: assignment
    return name


def scale(value, factor: int):  # expect: no-untyped-def
    return value * factor


def untyped(value):  # expect: no-untyped-def
    return value


def counts(words: list[str]) -> dict:  # expect: type-arg
    return {word: words.count(word) for word in words}


def parse(text: str) -> dict[str, int]:
    return json.loads(text)  # expect: no-any-return


def same(a: str, b: int) -> bool:
    return a == b  # expect: comparison-overlap
'''

RUFF_PROBE = '''\
import sys
import os


def pairs(names, roles):
    return list(zip(names, roles))  # expect: B905


def first(values=[]):  # expect: B006
    return values[0] if values else os.sep + sys.platform
'''


def expected_findings(probe: str) -> set[tuple[int, str]]:
    return {(number, match.group(1))
            for number, line in enumerate(probe.splitlines(), start=1)
            if (match := re.search(r"# expect: ([\w-]+)", line))}


def test_mypy_configuration_catches_object_optional_and_incomplete_signatures(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(MYPY_PROBE, encoding="utf-8")
    result = run("mypy", "--config-file", str(PYPROJECT), "--cache-dir", str(MYPY_CACHE),
                 probe.name, cwd=tmp_path)
    found = {(int(number), code) for number, code in
             re.findall(r"^probe\.py:(\d+): error: .*\[([\w-]+)\]$", result.stdout, re.M)}
    assert found == expected_findings(MYPY_PROBE), result.stdout + result.stderr


def test_ruff_configuration_catches_import_order_and_bugbear(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(RUFF_PROBE, encoding="utf-8")
    result = run("ruff", "check", "--no-fix", "--config", str(PYPROJECT),
                 "--output-format", "concise", probe.name, cwd=tmp_path)
    found = {(int(number), code) for number, code in
             re.findall(r"^probe\.py:(\d+):\d+: ([A-Z]+\d+)", result.stdout, re.M)}
    # The unsorted block of imports is reported at its first line.
    assert found == expected_findings(RUFF_PROBE) | {(1, "I001")}, result.stdout + result.stderr
