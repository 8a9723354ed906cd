"""The GitHub workflows: valid against GitHub's workflow schema (bundled in check-jsonschema,
so offline) and audited by zizmor (offline audits) with no findings. Each check is also run on
a deliberately bad workflow, so a tool that silently checks nothing fails the test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
BIN = Path(sys.executable).parent

# Unpinned action, credentials left in .git, default permissions, a commit message pasted
# into a shell script: four classic findings.
BAD_WORKFLOW = """\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.head_commit.message }}"
"""


def run(tool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / tool), *args], capture_output=True, text=True,
                          timeout=120, check=False)


def schema_check(path: Path) -> subprocess.CompletedProcess:
    return run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(path))


def zizmor_findings(path: Path) -> list[dict]:
    result = run("zizmor", "--offline", "--format=json", str(path))
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def test_there_is_a_release_workflow():
    assert ROOT / ".github/workflows/release.yml" in WORKFLOWS


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_github_schema(workflow):
    result = schema_check(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_has_no_zizmor_findings(workflow):
    findings = zizmor_findings(workflow)
    assert findings == [], [f"{f['ident']}: {f['desc']}" for f in findings]


def test_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    steps: not-a-list\n", encoding="utf-8")
    assert schema_check(broken).returncode != 0


def test_zizmor_finds_the_classic_mistakes(tmp_path):
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(BAD_WORKFLOW, encoding="utf-8")
    found = {finding["ident"] for finding in zizmor_findings(bad)}
    assert {"unpinned-uses", "artipacked", "template-injection"} <= found


def test_release_builds_strictly_with_the_tagged_commits_date():
    text = (ROOT / ".github/workflows/release.yml").read_text(encoding="utf-8")
    assert "--strict" in text
    assert "git log -1 --format=%ct" in text and "SOURCE_DATE_EPOCH" in text
    assert "SHA256SUMS" in text
    assert "persist-credentials: false" in text
