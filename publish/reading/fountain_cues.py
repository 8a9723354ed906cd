"""The character cues of exported Fountain: the cast's display names.

A speech's cue names each of its speakers by the display name (`name`) of the cast member
the speaker is, as the issue asks: a theatre's or a collaborator's tools show the cue, and
the display name is the one the author chose for them. Joint speakers are named each by
their display name, joined as the label joins them (`QUINCE ORCHARDSON AND MARMALADE`).

The cue keeps the label as written where there is no display name to use: a play whose
cast was inferred from its labels (its "display names" are only the first spelling met), a
speaker the cast does not have, and a display name whose cue would not read back as the
same speakers (a `(` opens a cue's extension; two members may share a name).

A cue is upper case where that reads back as the label, with or without the cast declared
(an exported file may be read on its own), else forced with `@` in the label's own case.
"""

from __future__ import annotations

from publish import model as m
from publish.reading.fountain_scan import JOINER, Cue, Line, Source, cue_label, cue_names, read_cue
from publish.reading.recognize import Cast, slug

JOINERS = (", ", " and ")  # between names, and before the last, where the label has none to lend


def cue_text(label: str, cast: Cast) -> str:
    """The cue for a label: upper case when that reads back as the label, with or without
    the cast declared (an exported file may be read on its own); else `@` and the label."""
    upper = label.upper()
    undeclared = Cast(cast.members, False)
    if upper != label.lower() and cue_label(upper, cast) == label and cue_label(upper, undeclared) == label:
        cue = parsed_cue(upper)
        if cue is not None and cue.name == upper and not cue.extension and not cue.dual:
            return upper
    return "@" + label


def said_label(label: str, cast: Cast) -> str:
    """The label a reader gets back from `cue_text(label)`."""
    cue = cue_text(label, cast)
    return cue_label(cue[1:], cast, forced=True) if cue.startswith("@") else cue_label(cue, cast)


def parsed_cue(text: str) -> Cue | None:
    """A cue line as the reader reads it (None: it is no cue)."""
    return read_cue(Line(0, text), Source("", text, text, list(range(len(text))), [0]))


def display_label(speech: m.Speech, cast: Cast) -> str:
    """The label a speech's cue gives when cues are the display names of the (declared)
    cast: each speaker's display name where it has one, and the label when the cue would
    not read back as this label and these speakers."""
    names = _display_names(speech, cast)
    if not names:
        return speech.label
    label = _joined(names, _label_joiners(speech.label, len(names)))
    return label if _reads_back(label, speech.speakers, cast) else speech.label


def _display_names(speech: m.Speech, cast: Cast) -> list[str] | None:
    """A name per speaker: the member's display name, else the speaker's name in the label;
    None when that name cannot be told (the label's names are not one per speaker)."""
    members = {member.id: member for member in cast.members}
    written = _label_names(speech)
    names = []
    for index, speaker in enumerate(speech.speakers):
        member = members.get(speaker)
        if member is not None:
            names.append(member.name)
        elif written is not None:
            names.append(written[index])
        else:
            return None
    return names


def _label_names(speech: m.Speech) -> list[str] | None:
    """The label's names, one per speaker, or None when they do not split that way."""
    if len(speech.speakers) == 1:
        return [speech.label]
    names = JOINER.split(speech.label)[::2]
    return names if len(names) == len(speech.speakers) else None


def _label_joiners(label: str, count: int) -> list[str]:
    """The label's joiners between `count` names (`, `, ` and `), or the usual ones."""
    joiners = JOINER.split(label)[1::2]
    if len(joiners) == count - 1:
        return joiners
    return [JOINERS[0]] * (count - 2) + [JOINERS[1]] if count > 1 else []


def _joined(names: list[str], joiners: list[str]) -> str:
    return names[0] + "".join(joiner + name for joiner, name in zip(joiners, names[1:], strict=True))


def _reads_back(label: str, speakers: tuple[str, ...], cast: Cast) -> bool:
    """Whether the cue of `label` reads back, with the cast declared, as this label and these
    speakers, with no extension or `^` made of the name."""
    cue = parsed_cue(cue_text(label, cast))
    if cue is None or cue.extension or cue.dual or cue_label(cue.name, cast, cue.forced) != label:
        return False
    said = tuple(found or slug(spelt) for spelt, found in cue_names(cue.name, cast, cue.forced))
    return said == speakers
