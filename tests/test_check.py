"""Issue 3: `publish check` on a set of broken manuscripts gives the golden diagnostics
(tests/broken/expected.txt; refresh with `pytest --update-golden`), with the documented
exit statuses."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_cli

BROKEN = Path(__file__).resolve().parent / "broken"
LINE = re.compile(r"^\S+:\d+:\d+: (error|warning|info)\[M\d{3}\]: .+$")


def test_broken_manuscripts_give_the_golden_diagnostics(update_golden: bool) -> None:
    result = run_cli("check", "--verbose", cwd=BROKEN)
    expected = BROKEN / "expected.txt"
    if update_golden:
        expected.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == expected.read_text(encoding="utf-8")
    assert result.returncode == 0, "warnings alone do not fail check without --strict"
    for line in result.stdout.splitlines():
        assert LINE.match(line) or line.startswith("    hint: "), line


def test_every_documented_code_is_exercised() -> None:
    from publish.model.diagnostics import CODES
    seen = set(re.findall(r"\[(M\d{3})\]", (BROKEN / "expected.txt").read_text(encoding="utf-8")))
    assert seen == set(CODES), f"codes without a broken example: {set(CODES) - seen}"


def test_strict_turns_warnings_into_status_1() -> None:
    assert run_cli("check", "--strict", "images.md", cwd=BROKEN).returncode == 1


def test_clean_manuscript_exits_0(tmp_path: Path) -> None:
    (tmp_path / "clean.md").write_text("## T\n\n**A**: Hi.\n\n**B**: Hello.\n", encoding="utf-8")
    result = run_cli("check", "--strict", "clean.md", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_unknown_speaker_hint_suggests_the_cast_name() -> None:
    result = run_cli("check", "unknown-speaker.md", cwd=BROKEN)
    assert "unknown speaker 'Simplicai'" in result.stdout
    assert "did you mean 'Simplicia'?" in result.stdout
