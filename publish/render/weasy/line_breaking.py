"""Rules of line breaking WeasyPrint 70 lacks, added to its own line breaking. They are
applied with the corrections of `patches.py` (the same mechanism: exact lines of
WeasyPrint's code replaced, and a WeasyPrint without those lines refused).

WeasyPrint breaks lines first-fit: each line takes as many words as fit, and the spaces of
a justified line stretch to fill what is left, however much that is. The rules:

- **A line looks back at the one before it.** Lines are laid out one ahead. When a line is
  a paragraph's last and holds a single word, or is justified with spaces wider than
  `LOOSE_SPACE` (in ems), the line before it is laid out again a little narrower, so that
  its last word (or the end of it, hyphenated) comes down, and the two lines are kept that
  way if that is better: the last line then holds two words or more (or a whole word rather
  than a hyphenated word's end), with the line above no looser than `LOOSEST_SPACE`; or the
  looser of the two lines is tighter than it was.
  (A two-line version of what Knuth and Plass's paragraph breaking does for a whole
  paragraph.)
- **At most two hyphenated line ends in a row** (`hyphenate-limit-lines: 2`, which
  WeasyPrint does not implement): a line after two lines that end in an added hyphen is
  broken without hyphenating. How many hyphenated lines lead to each line is kept by the
  place the line starts at, so it holds across a page break and when WeasyPrint lays lines
  out again (to keep widows, it moves lines to the next page and starts them over).
- **No word hyphenated across a turn of the leaf**: a recto's last line is broken again,
  without hyphenating, when it ends in a hyphen, and the word goes whole to the next verso.
  A verso's last line may end in a hyphen (the word goes on in the same spread). A line
  holding a footnote call is left as it is: breaking it again could move the call away
  from its note.

Only hyphens WeasyPrint adds (its hyphenate character, U+2010) count: a word with its own
hyphen may still break after it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

MAX_HYPHENATED_RUN = 2
# A recto's last lines set again without hyphenating: up to this many, the tightest kept.
TURN_LINES = 6
# Looser than this (in ems), a recto's last lines set again without hyphenating are not
# kept: the recto runs a line short instead.
TURN_LOOSEST = 0.55
# A justified line whose spaces are wider than this (in ems of its type) is loose: the line
# before it is tried a word shorter. EB Garamond's own space is 0.2 em.
LOOSE_SPACE = 0.45
# A paragraph's last line is given a second word (or more than a hyphenated word's end) by
# making the line above no looser than this.
LOOSEST_SPACE = 0.55
NARROWER_BY = 1.0  # how much narrower than its words (in CSS px) the line above is tried

# split_first_line: hyphenate automatically unless the line being laid out must not.
HYPHENS = "    hyphens = style['hyphens']\n"
HYPHENS_FIXED = "    hyphens = _publish_hyphens(style, context)\n"

# get_next_linebox: a line may be asked to fill less than the measure (it is still
# justified to the whole measure).
MAX_X = "        max_x = position_x + available_width\n"
MAX_X_FIXED = "        max_x = position_x + available_width - _publish_narrower(context)\n"

# iter_line_boxes: its loop, which lays out and yields one line after another.
LINES_LOOP = (
    "    while True:\n"
    "        line, resume_at = get_next_linebox(\n"
    "            context, box, position_y, bottom_space, skip_stack, containing_block,\n"
    "            absolute_boxes, fixed_boxes, first_letter_style, first_line_style)\n"
    "        first_line_style = None\n"
    "        if line:\n"
    "            handle_leader(context, line, containing_block)\n"
    "            position_y = line.position_y + line.height\n"
    "        if line is None:\n"
    "            return\n"
    "        yield line, resume_at\n"
    "        if resume_at is None:\n"
    "            return\n"
    "        skip_stack = resume_at\n"
    "        box.text_indent = 0\n"
    "        first_letter_style = None\n")
LINES_LOOP_FIXED = (
    "    yield from _publish_lines(\n"
    "        context, box, position_y, bottom_space, skip_stack, containing_block,\n"
    "        absolute_boxes, fixed_boxes, first_letter_style, first_line_style,\n"
    "        get_next_linebox, handle_leader)\n")

# _linebox_layout: where the box's lines on this page start, and its last line broken
# again when the page is a recto.
LINES_START = "    abort = stop = False\n    resume_at = None\n    new_footnotes = []\n"
LINES_START_FIXED = LINES_START + "    _publish_first_skip = skip_stack\n"
LINES_END = "    if new_children:\n        resume_at = {index: new_children[-1].resume_at}\n"
LINES_END_FIXED = (
    "    if stop and not abort and new_children:\n"
    "        _publish_unhyphenated_turn(\n"
    "            context, box, child, new_children, _publish_first_skip, bottom_space,\n"
    "            first_letter_style, first_line_style)\n" + LINES_END)

LINEBOX_LAYOUT_FIXES = [(LINES_START, LINES_START_FIXED), (LINES_END, LINES_END_FIXED)]


def apply(rewrite: Callable[..., None]) -> dict[str, Any]:
    """Patch WeasyPrint's line breaking with `rewrite` (patches._rewrite); returns
    the helpers _linebox_layout's fixes (LINEBOX_LAYOUT_FIXES) call."""
    from weasyprint.layout import block, inline, preferred
    from weasyprint.text import line_break

    rewrite(line_break, "split_first_line", [(HYPHENS, HYPHENS_FIXED)],
            helpers={"_publish_hyphens": hyphens}, importers=[inline, preferred])
    rewrite(inline, "get_next_linebox", [(MAX_X, MAX_X_FIXED)],
            helpers={"_publish_narrower": narrower})
    rewrite(inline, "iter_line_boxes", [(LINES_LOOP, LINES_LOOP_FIXED)],
            helpers={"_publish_lines": lines}, importers=[block])
    return {"_publish_unhyphenated_turn": unhyphenated_turn}


def hyphens(style: Any, context: Any) -> str:
    """The `hyphens` the line being laid out uses: `manual` instead of `auto` when it must
    not hyphenate."""
    if style["hyphens"] == "auto" and getattr(context, "_publish_no_hyphen", False):
        return "manual"
    return str(style["hyphens"])


def narrower(context: Any) -> float:
    return float(getattr(context, "_publish_narrower", 0.0))


# ---------------------------------------------------------------- lines, one ahead


@dataclass
class Laid:
    """A line as laid out, with what it was laid out from (to lay it out again)."""

    box: Any  # the LineBox, or None when there was nothing left to lay out
    resume_at: Any
    skip_stack: Any
    position_y: float
    first_letter_style: Any
    first_line_style: Any
    text_indent: float

    @property
    def bottom(self) -> float:
        return float(self.box.position_y + self.box.height)


def lines(context: Any, box: Any, position_y: float, bottom_space: float, skip_stack: Any,
          containing_block: Any, absolute_boxes: list[Any], fixed_boxes: list[Any],
          first_letter_style: Any, first_line_style: Any, get_next_linebox: Callable[..., Any],
          handle_leader: Callable[..., Any]) -> Iterator[tuple[Any, Any]]:
    """What iter_line_boxes yields, `(line, resume_at)` for each line of `box`, each line
    laid out knowing the next (see the module's docstring)."""
    def lay(skip: Any, y: float, letter_style: Any, line_style: Any, indent: float,
            narrower_by: float = 0.0) -> Laid:
        box.text_indent = indent
        with ladder(context, box, skip) as made:
            context._publish_narrower = narrower_by
            try:
                line, resume_at = get_next_linebox(
                    context, box, y, bottom_space, skip, containing_block, absolute_boxes,
                    fixed_boxes, letter_style, line_style)
            finally:
                context._publish_narrower = 0.0
            made.append((line, resume_at))
        if line:
            handle_leader(context, line, containing_block)
        return Laid(line, resume_at, skip, y, letter_style, line_style, indent)

    previous = None
    line = lay(skip_stack, position_y, first_letter_style, first_line_style, box.text_indent)
    while line.box is not None:
        if previous is not None:
            previous, line = _looked_back(lay, previous, line, containing_block.width,
                                          absolute_boxes, fixed_boxes)
            yield previous.box, previous.resume_at
        if line.resume_at is None:
            yield line.box, None
            return
        previous = line
        line = lay(previous.resume_at, previous.bottom, None, None, 0)
    if previous is not None:
        yield previous.box, previous.resume_at


def _looked_back(lay: Callable[..., Laid], previous: Laid, line: Laid, measure: float,
                 absolute_boxes: list[Any], fixed_boxes: list[Any]) -> tuple[Laid, Laid]:
    """The two lines, or the line before made a word shorter (or two: one may only be the
    end of a hyphenated word) and the line laid out again after it, whichever is better
    (see the module's docstring)."""
    single = line.resume_at is None and _words(line.box) == 1
    loose = _looseness(line.box)
    if not (single or loose > LOOSE_SPACE) or _words(previous.box) < 3:
        return previous, line
    kept = len(absolute_boxes), len(fixed_boxes)
    shorter = previous
    for _ in range(2):
        narrower_by = (previous.box.width - shorter.box.width) + \
            _room(shorter.box, measure - shorter.text_indent) + NARROWER_BY
        shorter = lay(previous.skip_stack, previous.position_y, previous.first_letter_style,
                      previous.first_line_style, previous.text_indent, narrower_by)
        if shorter.box is None or shorter.resume_at is None or _words(shorter.box) < 2:
            break
        after = lay(shorter.resume_at, shorter.bottom, None, None, 0)
        if after.box is not None and _better(previous, line, shorter, after, single):
            return shorter, after
    # Not better: the lines as they were (each layout makes new boxes; only what it added
    # to the lists of positioned boxes is taken back).
    del absolute_boxes[kept[0]:], fixed_boxes[kept[1]:]
    return previous, line


def _better(previous: Laid, line: Laid, shorter: Laid, after: Laid, single: bool) -> bool:
    if single:
        # Two words or more on the last line; or, for a hyphenated word's end, the whole word.
        whole = _words(after.box) >= 2 or (ends_hyphenated(previous.box) and
                                           not ends_hyphenated(shorter.box))
        return (after.resume_at is None and whole and
                _looseness(shorter.box) <= max(LOOSEST_SPACE, _looseness(previous.box)))
    return max(_looseness(shorter.box), _looseness(after.box)) < _looseness(line.box)


def _looseness(line: Any) -> float:
    """The widest space of a justified line, in ems (0 for a line not stretched)."""
    from publish.render.spacing import widest_space
    return widest_space(line) or 0.0


def _room(line: Any, available: float) -> float:
    """How much narrower a line's words are than the `available` width: what justification
    added to its spaces, or what a ragged line leaves empty."""
    from weasyprint.formatting_structure import boxes

    added = 0.0
    for box in line.descendants():
        if isinstance(box, boxes.TextBox) and box.justification_spacing:
            added += box.justification_spacing * (box.text.count(" ") + box.text.count("\u00a0"))
    return float(max(added, available - line.width))


def _words(line: Any) -> int:
    from weasyprint.formatting_structure import boxes

    text = "".join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox))
    return len(re.findall(r"[^ \n\u00a0]+", text))


# ---------------------------------------------------------------- hyphens


@contextlib.contextmanager
def ladder(context: Any, box: Any, skip_stack: Any) -> Iterator[list[tuple[Any, Any]]]:
    """Lay out the line of `box` (a block's line box) starting at `skip_stack` without
    hyphenation if the two lines before it end in a hyphen; the caller appends the
    (line, resume_at) it made, from which the run is noted for the line after it."""
    runs = context.__dict__.setdefault("_publish_hyphen_runs", {})
    run = runs.get((id(box.element), repr(skip_stack)), 0) if skip_stack is not None else 0
    made: list[tuple[Any, Any]] = []
    previous = getattr(context, "_publish_no_hyphen", False)
    context._publish_no_hyphen = previous or run >= MAX_HYPHENATED_RUN
    try:
        yield made
    finally:
        context._publish_no_hyphen = previous
    if made and made[0][0] is not None and made[0][1] is not None:
        line, resume_at = made[0]
        runs[(id(box.element), repr(resume_at))] = run + 1 if ends_hyphenated(line) else 0


def ends_hyphenated(line: Any) -> bool:
    """Whether a line box ends in a hyphen WeasyPrint added."""
    from weasyprint.formatting_structure import boxes
    texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox) and box.text]
    if not texts:
        return False
    last = texts[-1]
    return bool(last.text.endswith(last.style["hyphenate_character"]))


def _on_recto(context: Any) -> bool:
    """Whether the page being made is a recto: its side as WeasyPrint's pagination has it
    (`page_maker[index]` holds the page's `right_page`), not the parity of its number, for a
    document may begin on a verso (a print part: render/print_parts.py)."""
    right_page: bool = context.page_maker[context.current_page - 1][2]
    return right_page


def unhyphenated_turn(context: Any, box: Any, child: Any, new_children: list[Any],
                      first_skip: Any, bottom_space: float, first_letter_style: Any,
                      first_line_style: Any) -> None:
    """When the page is a recto and `new_children`, the lines of `box` that end it, end in
    a hyphen: its last lines laid out again without hyphenating. The last one to
    `TURN_LINES` lines are tried, and the one whose loosest line is tightest is kept: the
    words of a line that loses the end of a word can then come from the lines above it too.
    When even that is looser than `TURN_LOOSEST`, the page runs a line short (the
    hyphenated line goes over whole, its paragraph keeping two lines here), its new last
    line set again in the same way if it ends in a hyphen too, or, when that is loose too,
    the page runs two lines short."""
    def best_of(lines: list[Any]) -> tuple[float, int, list[Any]] | None:
        best = None
        for count in range(1, min(TURN_LINES, len(lines)) + 1):
            relaid = _unhyphenated(context, box, child, lines, count, first_skip, bottom_space,
                                   first_letter_style, first_line_style)
            if relaid is not None:
                loosest = max(_looseness(line) for line in relaid)
                if best is None or loosest < best[0]:
                    best = (loosest, count, relaid)
        return best

    last = new_children[-1]
    if not _on_recto(context) or not ends_hyphenated(last):
        return  # a verso: the word goes on in the same spread
    best = best_of(new_children)
    if best is not None and best[0] <= TURN_LOOSEST:
        new_children[-best[1]:] = best[2]
        return
    if len(new_children) > MAX_HYPHENATED_RUN and not _calls([last]):
        shorter = new_children[:-1]
        if not ends_hyphenated(shorter[-1]):
            del new_children[-1]
            return
        other = best_of(shorter)
        if other is not None and other[0] <= TURN_LOOSEST:
            new_children[-other[1] - 1:] = other[2]
            return
        if len(shorter) > MAX_HYPHENATED_RUN and not _calls(shorter[-1:]) \
                and not ends_hyphenated(shorter[-2]):
            del new_children[-2:]  # two lines short: still better than a line that loose
            return
    if best is not None:
        new_children[-best[1]:] = best[2]


def _unhyphenated(context: Any, box: Any, child: Any, new_children: list[Any], count: int,
                  first_skip: Any, bottom_space: float, first_letter_style: Any,
                  first_line_style: Any) -> list[Any] | None:
    """The last `count` lines of `new_children` laid out again without hyphenating, or None
    when they would not hold the same footnote calls (a call would leave its note's page)
    or the text would not fill them."""
    from weasyprint.layout.inline import iter_line_boxes

    old = new_children[-count:]
    start = new_children[-count - 1].resume_at if len(new_children) > count else first_skip
    first = len(new_children) == count and first_skip is None
    previous = getattr(context, "_publish_no_hyphen", False)
    context._publish_no_hyphen = True
    lines = []
    try:
        laid = iter_line_boxes(context, child, old[0].position_y, bottom_space, start, box, [], [],
                               first_letter_style if first else None,
                               first_line_style if first else None)
        for line, resume_at in laid:
            line.resume_at = resume_at
            lines.append(line)
            if len(lines) == count or resume_at is None:
                break
    finally:
        context._publish_no_hyphen = previous
    if len(lines) < count or lines[-1].resume_at is None or _calls(lines) != _calls(old):
        return None
    return lines


def _calls(lines: list[Any]) -> list[Any]:
    return [descendant.footnote for line in lines for descendant in line.descendants()
            if getattr(descendant, "footnote", None) is not None]
