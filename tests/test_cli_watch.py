"""`publish watch`: which changes rebuild which proof, fed as change sets (no waiting on the
file system); then one real run of the command with a timeout."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from watchfiles import Change

from cli_support import environment, make_project
from publish.commands.watch import Failed, Rebuilt, Session, rebuilds, targets
from publish.support.paths import STYLES_DIR


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "project")


def change(path: Path) -> set:
    return {(Change.modified, str(path))}


def test_a_saved_manuscript_becomes_the_play_being_edited(project):
    session = Session(project, project / "dist")
    assert targets(session, change(project / "manuscript/rough.md")) == ["manuscript/rough.md"]
    # book.yaml and styles rebuild the play being edited, not every play.
    assert targets(session, change(project / "book.yaml")) == ["manuscript/rough.md"]
    assert targets(session, change(STYLES_DIR / "proof.css")) == ["manuscript/rough.md"]
    assert targets(session, change(project / "manuscript/clean.md")) == ["manuscript/clean.md"]
    assert session.current == ["manuscript/clean.md"]


def test_changes_a_proof_does_not_read_rebuild_nothing(project):
    session = Session(project, project / "dist", current=["manuscript/clean.md"])
    for path in (project / "dist/finished-proof.pdf", project / "manuscript/.clean.md.swp",
                 project / "manuscript/.clean.md.123.tmp", project / ".cache/x.md",
                 project / "notes.odt", STYLES_DIR / "fonts/OFL.txt", Path("/elsewhere/x.md")):
        assert targets(session, change(path)) == [], path


def test_config_change_before_any_edit_rebuilds_nothing(project):
    assert targets(Session(project, project / "dist"), change(project / "book.yaml")) == []


def test_rebuilds_only_the_changed_play_as_part_of_its_book(project):
    session = Session(project, project / "dist")
    events = list(rebuilds(session, [change(project / "manuscript/rough.md")]))
    [event] = events
    assert isinstance(event, Rebuilt), event
    assert [a.path.name for a in event.artifacts] == ["working-rough-proof.pdf"]
    assert {d.code for d in event.diagnostics} == {"M101", "M102", "M201", "M301"}
    # Only that proof was written (hidden entries are the atomic writer's working folder).
    written = [p.name for p in (project / "dist").iterdir() if not p.name.startswith(".")]
    assert written == ["working-rough-proof.pdf"]


def test_a_broken_book_yaml_is_reported_and_watching_goes_on(project):
    good = (project / "book.yaml").read_text(encoding="utf-8")
    session = Session(project, project / "dist", current=["manuscript/clean.md"])

    def saves():
        (project / "book.yaml").write_text("books: [\n", encoding="utf-8")
        yield change(project / "book.yaml")
        (project / "book.yaml").write_text(good, encoding="utf-8")
        yield change(project / "book.yaml")

    events = list(rebuilds(Session(project, project / "dist"), []))
    assert events == []  # nothing being edited yet: nothing to build
    initial, first, second = rebuilds(session, saves())  # built once at the start, then per save
    assert isinstance(initial, Rebuilt)
    assert isinstance(first, Failed) and first.error.exit_code == 3
    assert "book.yaml" in str(first.error)
    assert isinstance(second, Rebuilt)


def test_watch_command_rebuilds_on_save(project):
    """The real thing: start `publish watch FILE`, wait for its first proof, save the file,
    wait for the second. Saves are repeated until seen, since the watcher starts a moment
    after the first build."""
    proof = project / "dist/finished-clean-proof.pdf"
    rebuilt = "rebuilt dist/finished-clean-proof.pdf"
    process = subprocess.Popen([sys.executable, "-m", "publish", "watch", "manuscript/clean.md"],
                               cwd=project, env=environment(NO_COLOR="1"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Its output is read as it comes: the proof is in place a moment before the watcher
    # reports it, and a Ctrl-C in between would cut the report off.
    lines: list[str] = []
    errors: list[str] = []
    readers = [threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True),
               threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True)]
    for reader in readers:
        reader.start()
    try:
        first = _wait_for(proof, lambda: proof.exists(), timeout=60)
        manuscript = project / "manuscript/clean.md"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proof.stat().st_mtime_ns == first:
            manuscript.write_text(manuscript.read_text(encoding="utf-8") + "\n**Bo**: Again.\n",
                                  encoding="utf-8")
            _wait_for(proof, lambda: proof.stat().st_mtime_ns != first, timeout=5, fail=False)
        assert proof.stat().st_mtime_ns != first, "the proof was not rebuilt after a save"
        _wait_for(proof, lambda: sum(rebuilt in line for line in list(lines)) >= 2, timeout=30,
                  fail=False)
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: the way an author stops it
        process.wait(timeout=30)
        for reader in readers:
            reader.join(timeout=10)
    out, err = "".join(lines), "".join(errors)
    assert process.returncode == 0, err
    assert out.count(rebuilt) >= 2, out + err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def _wait_for(proof: Path, condition, timeout: float, fail: bool = True):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return proof.stat().st_mtime_ns
        time.sleep(0.1)
    if fail:
        raise AssertionError(f"timed out waiting for {proof}")
    return None


def test_watch_refuses_a_file_outside_the_project(project, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("## X\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "publish", "watch", str(outside)],
                            cwd=project, env=environment(), capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 4
    assert "outside the project" in result.stderr
