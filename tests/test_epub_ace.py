"""Issues 5 and 25: DAISY Ace finds no accessibility violation of any impact (critical,
serious, moderate or minor) in the EPUBs of the default project (dist/collected.epub,
dist/drafts.epub). A finding that has to stay would be listed, with its reason, in the README
and in ACCEPTED below; there is none.

Ace is not a Python package: it needs Node and a Chromium. It is run when both are found:
the command in $ACE_CLI, else the `ace-cli` that `make test` (.ci/checkers) installs into
the checkout's git-ignored `.ci/node_modules`, else `ace-cli` (or `ace`) on PATH; Chromium at
$PUPPETEER_EXECUTABLE_PATH, else /usr/bin/chromium (Ace's puppeteer is told to use it and
never downloads a browser of its own). `.ci/run` sets both up; by hand, on Debian:

    apt-get install chromium
    PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .ci --no-save --no-package-lock @daisy/ace-cli@1.4.6

Without them the test is SKIPPED, with a reason saying Ace did not run (see `pytest -rs`): a
skip is never a pass. Ace's full report (report.json, report.html) is left in the test's
temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO_ROOT

# Where .ci/checkers installs Ace (npm --prefix .ci).
CHECKOUT_ACE = REPO_ROOT / ".ci" / "node_modules" / ".bin" / "ace-cli"
IMPACTS = ("critical", "serious", "moderate", "minor")
# "rule id: reason" for each finding that stays (also listed in the README): none.
ACCEPTED: dict[str, str] = {}


def _ace_command() -> list[str] | None:
    if os.environ.get("ACE_CLI"):
        return os.environ["ACE_CLI"].split()
    if CHECKOUT_ACE.is_file() and os.access(CHECKOUT_ACE, os.X_OK):
        return [str(CHECKOUT_ACE)]
    for name in ("ace-cli", "ace"):
        found = shutil.which(name)
        if found:
            return [found]
    return None


def _chromium() -> str | None:
    path = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or "/usr/bin/chromium"
    return path if Path(path).is_file() and os.access(path, os.X_OK) else None


def violations(report: dict, impacts: tuple[str, ...] = IMPACTS) -> list[str]:
    """'file: impact rule: description (where)' for each failed check of the given impacts,
    less the ACCEPTED rules."""
    found = []
    for document in report.get("assertions", []):
        subject = document.get("earl:testSubject", {}).get("url", "?")
        for check in document.get("assertions", []):
            test, result = check.get("earl:test", {}), check.get("earl:result", {})
            if (result.get("earl:outcome") == "fail" and test.get("earl:impact") in impacts
                    and test.get("dct:title") not in ACCEPTED):
                where = result.get("earl:pointer", {}).get("css", "")
                found.append(f"{subject}: {test.get('earl:impact')} {test.get('dct:title')}: "
                             f"{result.get('dct:description', '').strip()} {where}")
    return found


@pytest.mark.parametrize("name", ["collected", "drafts"])
def test_ace_finds_no_violation(request, tmp_path, name):
    ace, chromium = _ace_command(), _chromium()
    if not ace or not chromium:
        pytest.skip("DAISY Ace NOT RUN: " + ("no ace-cli (npm @daisy/ace-cli)" if not ace else "")
                    + (" no chromium (set PUPPETEER_EXECUTABLE_PATH)" if not chromium else ""))
    built_dist = request.getfixturevalue("built_dist")  # only once Ace is known to run
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium, PUPPETEER_SKIP_DOWNLOAD="1")
    out = tmp_path / "ace"
    run = subprocess.run([*ace, "--silent", "--outdir", str(out), str(built_dist / f"{name}.epub")],
                         env=env, capture_output=True, text=True, timeout=300, check=False)
    report_file = out / "report.json"
    assert report_file.is_file(), (f"Ace wrote no report ({run.returncode}):\n"
                                   f"{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    found = violations(json.loads(report_file.read_text(encoding="utf-8")))
    assert not found, f"Ace on {name}.epub (report: {out}):\n" + "\n".join(found)
