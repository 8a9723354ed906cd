"""Terminal tables for the CLI: what a build wrote, and `publish stats`. These build rich
renderables and return them; only `publish/cli.py` prints them."""

from __future__ import annotations

import os
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text

from publish.model.stats import CastStats

PRESENT, ABSENT = "●", "·"


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} kB"
    return f"{size / 1024 / 1024:.1f} MB"


def shown_path(path: Path) -> str:
    """A path relative to the current folder when it is below it (shorter, and what the user
    would type), else as given."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def build_summary(rows: list[tuple[Path, int | None, int, int]],
                  loosest: list[float | None] | None = None) -> Table:
    """One row per written file: (path, pages or None, size in bytes, warnings of its book);
    with `loosest` (one per row: a print PDF's widest space between words, in ems, else
    None), a column of it."""
    table = Table(title="Built", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("file")
    table.add_column("pages", justify="right")
    table.add_column("size", justify="right")
    table.add_column("warnings", justify="right")
    if loosest is not None:
        table.add_column("loosest line", justify="right")
    for index, (path, pages, size, warnings) in enumerate(rows):
        cells: list[str | Text] = [shown_path(path), str(pages) if pages else "–", human_size(size),
                                   Text(str(warnings), style="yellow" if warnings else "")]
        if loosest is not None:
            space = loosest[index]
            cells.append("–" if space is None else f"{space:.2f} em")
        table.add_row(*cells)
    return table


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def cast_table(stats: CastStats) -> Table:
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("character")
    for header in ("speeches", "share", "words", "share"):
        table.add_column(header, justify="right")
    for row in stats.characters:
        table.add_row(row.name, str(row.speeches), _percent(row.speech_share), str(row.words),
                      _percent(row.word_share))
    table.add_section()
    table.add_row(Text("total", style="bold"), str(stats.speeches), "", str(stats.words), "")
    return table


def presence_table(stats: CastStats) -> Table:
    """Characters down, scenes across: a dot where the character speaks or is named in a
    stage direction."""
    table = Table(show_edge=False, pad_edge=False, title="scenes", title_justify="left")
    table.add_column("character")
    for label in stats.scene_labels:
        table.add_column(label, justify="center")
    for row in stats.characters:
        table.add_row(row.name, *(PRESENT if here else ABSENT for here in row.scenes))
    return table


def play_stats(title: str, source: str, stats: CastStats) -> Group:
    heading = Text.assemble((title, "bold"), (f"  {source}", "dim"))
    return Group(heading, cast_table(stats), Text(""), presence_table(stats), Text(""))
