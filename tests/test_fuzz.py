"""Issue 8: fuzzing. Random Markdown and random near-manuscripts go through the whole front
half of the pipeline (decode, nesting check, pandoc, normalize, check, fmt); only the
project's own errors (PublishError) may come out, never another exception.

CI runs a small derandomized sample; `make fuzz` runs thousands of random examples."""

from __future__ import annotations

from hypothesis import given, strategies as st

from conftest import FIXTURES_DIR
from publish.model.errors import PublishError
from publish.reading.fmt import format_play
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown
from publish.reading.source import check_nesting, decode

# The repository's own fixture, which holds every convention: the mutations reach them all
# without the author's files.
SEED = (FIXTURES_DIR / "conventions.md").read_text(encoding="utf-8")
TOKENS = ["**", "_", "*", "[", "]", "(", ")", "![", "](", "TODO", "TODO:", "\n", "\n\n", " ",
          "**Simplicia**:", "**Doomimir**:", "Simplicia:", "### Scene 1:", "## ", "> ", " * ",
          "1. ", "`", "```", "<script>", "&amp;", "\\", "—", "…", "...", "---", "\t", "    ",
          "https://example.com", "[...]", "~~", "$", "#", "|", "\r\n", "\u00a0", "é", "⟺"]


def run_front_half(data: bytes) -> None:
    try:
        text = decode(data, "fuzz.md")
        check_nesting(text, "fuzz.md")
        play, _ = normalize(parse_markdown(text, "fuzz.md"), "fuzz.md")
        format_play(play)
    except PublishError:
        pass  # a clear, located error is an allowed outcome


@given(st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), max_size=60))
def test_random_markdown_gives_a_model_or_a_project_error(pieces: list[str]) -> None:
    run_front_half("".join(pieces).encode("utf-8"))


@given(st.data())
def test_mutated_manuscripts_give_a_model_or_a_project_error(data) -> None:
    """The author's seed with random splices: cut, duplicated, and foreign bytes inserted."""
    text = SEED.encode("utf-8")
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(text)))
        kind = data.draw(st.sampled_from(["cut", "insert", "bytes"]))
        if kind == "cut":
            text = text[:at] + text[at + data.draw(st.integers(0, 400)):]
        elif kind == "insert":
            text = text[:at] + data.draw(st.sampled_from(TOKENS)).encode("utf-8") + text[at:]
        else:
            text = text[:at] + data.draw(st.binary(max_size=6)) + text[at:]
    run_front_half(text)
