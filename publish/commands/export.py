"""`publish export --to fountain`: plays written as Fountain files, each atomically.

Each play becomes `<its manuscript's stem>.fountain` in the output folder; what Fountain
cannot say is returned as `Loss`es (fountain_view.py), for the CLI to list. The cues are the
cast's display names where book.yaml declares the play's cast (fountain_cues.py).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from publish import model as m
from publish.reading.fountain_view import Loss, fountain_view
from publish.reading.fountain_write import write_fountain
from publish.support.atomic import atomic_output


@dataclass(frozen=True)
class Exported:
    source: str  # the play's manuscript, as shown
    path: Path
    losses: tuple[Loss, ...]


def export_fountain(plays: list[m.Play], outdir: Path, declared: Collection[str]) -> list[Exported]:
    """Write each play; `declared`: the sources of the plays whose cast book.yaml declares."""
    outdir.mkdir(parents=True, exist_ok=True)
    exported = []
    for play, name in zip(plays, _file_names(plays), strict=False):
        view, losses = fountain_view(play, cast_declared=play.meta.source in declared)
        target = outdir / name
        with atomic_output(target) as temporary:
            temporary.write_text(write_fountain(view), encoding="utf-8", newline="\n")
        exported.append(Exported(play.meta.source, target, tuple(losses)))
    return exported


def _file_names(plays: list[m.Play]) -> list[str]:
    """`<stem>.fountain`, with the folders in the name when two plays share a stem."""
    stems = [Path(play.meta.source).stem for play in plays]
    return [
        (
            stem
            if stems.count(stem) == 1
            else Path(play.meta.source).with_suffix("").as_posix().replace("/", "-").lstrip(".-")
        )
        + ".fountain"
        for stem, play in zip(stems, plays, strict=False)
    ]
