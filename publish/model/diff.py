"""What changed in a play since an earlier version: a speech-level diff on the model.

The units compared are speeches and block stage directions, in reading order across the whole
play (so a speech moved to the next scene is still the same speech). Old and new are aligned
with difflib on a key of type, speakers and words; inside a stretch that differs, an old and a
new unit with the same type and mostly the same words are the same unit *changed*; the rest
are *added* (new only) or *removed* (old only). Removed units are attached to the new unit they
stood before, so the proof can list them where they were.

Results are keyed by node identity (`id()`) of the new play's nodes: valid while that play is
alive, which is all a renderer needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from publish import model as m

Unit = m.Speech | m.StageDirection
SAME_UNIT = 0.5  # word similarity above which an old and a new unit are one unit, changed


@dataclass
class PlayDiff:
    changed: dict[int, Unit] = field(default_factory=dict)  # id(new) -> its old version
    added: set[int] = field(default_factory=set)  # id(new)
    removed_before: dict[int, list[Unit]] = field(default_factory=dict)  # id(new) -> old units
    removed_at_end: list[Unit] = field(default_factory=list)

    def status(self, node: object) -> str | None:
        """"added", "changed" or None (unchanged, or not a unit)."""
        if id(node) in self.added:
            return "added"
        if id(node) in self.changed:
            return "changed"
        return None

    def old(self, node: object) -> Unit | None:
        return self.changed.get(id(node))

    def removed(self, node: object) -> list[Unit]:
        return self.removed_before.get(id(node), [])


def units(play: m.Play) -> list[Unit]:
    """The play's speeches and block directions in reading order."""
    blocks = [*play.front, *(b for d in play.body for b in d.blocks)]
    return [b for b in blocks if isinstance(b, (m.Speech, m.StageDirection))]


def words(unit: Unit) -> list[str]:
    """What a unit says, as words: its speakers, then its text (delivery included)."""
    if isinstance(unit, m.Speech):
        return [*unit.speakers, ":", *m.plain_text((unit.delivery, unit.paragraphs)).split()]
    return ["[", *m.plain_text(unit.inlines).split()]


def _key(unit: Unit) -> tuple[str, ...]:
    return (unit.TYPE, *words(unit))


def _same_unit(old: Unit, new: Unit) -> bool:
    if old.TYPE != new.TYPE:
        return False
    return SequenceMatcher(None, words(old), words(new), autojunk=False).ratio() >= SAME_UNIT


def diff_play(old: m.Play | None, new: m.Play) -> PlayDiff:
    """How `new` differs from `old` (None: the play did not exist, so everything is added)."""
    result = PlayDiff()
    old_units, new_units = units(old) if old else [], units(new)
    matcher = SequenceMatcher(None, [_key(u) for u in old_units], [_key(u) for u in new_units],
                              autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            _pair(old_units[i1:i2], new_units[j1:j2], new_units[j2:j2 + 1], result)
    return result


def _pair(olds: list[Unit], news: list[Unit], following: list[Unit], result: PlayDiff) -> None:
    """Within one differing stretch, pair old and new units in order; note the rest. Old
    units left over stand before the new units that replaced them (struck text, then new)."""
    pending = list(olds)
    unpaired: list[Unit] = []  # new units since the last pair
    for new in news:
        match = next((k for k, old in enumerate(pending) if _same_unit(old, new)), None)
        if match is None:
            result.added.add(id(new))
            unpaired.append(new)
            continue
        _remove(pending[:match], (unpaired or [new])[0], result)
        result.changed[id(new)] = pending[match]
        pending, unpaired = pending[match + 1:], []
    if pending:
        if unpaired or following:
            _remove(pending, (unpaired or following)[0], result)
        else:
            result.removed_at_end.extend(pending)


def _remove(olds: list[Unit], before: Unit, result: PlayDiff) -> None:
    if olds:
        result.removed_before.setdefault(id(before), []).extend(olds)


def word_diff(old: list[str], new: list[str]) -> list[tuple[str, int, int, list[str]]]:
    """Word-level changes turning `old` into `new`: (op, start, end, old words) where op is
    "insert", "replace" or "delete" and new[start:end] are the new words concerned."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return [(tag, j1, j2, old[i1:i2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "equal"]
