"""Block boxes finished as the stylesheet asks, where CSS alone cannot say it: titles whose
lines are balanced, and blocks padded to whole lines of the baseline grid.

Both are asked for with custom properties, which WeasyPrint keeps on an element's style but
does not otherwise read. Only the element's own declaration counts (custom properties are
inherited): a footnote called from a padded paragraph keeps its own leading.

**Balanced lines** (`--text-wrap: balance`, CSS Text 4's `text-wrap: balance`, which
WeasyPrint lacks). A title that wraps is laid out again in the narrowest width (centred
where it was) that still gives it as many lines: "An Extraordinarily Long Scene Title That
Goes On / And On Across Lines", not "… That Goes On And On / Across Lines".

**Whole lines of the grid** (`--line-grid: 15pt`). print.css sets running text on a grid
and gives every vertical margin in whole lines, so every line of a scene sits on the grid
and facing pages end on the same baseline. Some blocks cannot be whole lines by CSS alone:
an image's height is the picture's, a letter's fields are set smaller and tighter. Once
such a block is laid out, the space its height lacks to the next whole line is added as
padding, half above and half below (what it holds moved down by the half). Padding,
because margins collapse: a margin of a fraction of a line would be swallowed by a larger
neighbour and the grid lost again. A block broken across a page turn is padded only in the
part that ends it: its first part ends where the page does.

Patched as patches.py patches: exact lines of `block_level_layout` replaced, and a
WeasyPrint whose lines differ refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# block_level_layout's end: the laid-out box handed back to its parent. Handed through
# `_publish_finished` first, with the means to lay the box out again.
RETURN = (
    "    return block_level_layout_switch(\n"
    "        context, box, bottom_space, skip_stack, containing_block, page_is_empty,\n"
    "        absolute_boxes, fixed_boxes, adjoining_margins, first_letter_style,\n"
    "        first_line_style, discard, max_lines)\n")
RETURN_FIXED = (
    "    return _publish_finished(\n"
    "        context, box, absolute_boxes, fixed_boxes, adjoining_margins,\n"
    "        lambda margins: block_level_layout_switch(\n"
    "            context, box, bottom_space, skip_stack, containing_block, page_is_empty,\n"
    "            absolute_boxes, fixed_boxes, margins, first_letter_style,\n"
    "            first_line_style, discard, max_lines))\n")

GRID = "__line_grid"  # `--line-grid`, as WeasyPrint names it
WRAP = "__text_wrap"  # `--text-wrap`
PX_PER_UNIT = {"px": 1.0, "pt": 4 / 3}
TOLERANCE = 0.01  # px: a height this close to whole lines is whole lines
PRECISION = 0.5  # px: how close the balanced width comes to the narrowest


def declared(style: Any, name: str) -> list[Any] | None:
    """The tokens of custom property `name` as the box's own element declares it, or None."""
    cascaded = getattr(style, "cascaded", None)
    if not cascaded or name not in cascaded:
        return None
    return [token for token in style[name] if getattr(token, "type", "") != "whitespace"]


def declared_grid(style: Any) -> float | None:
    """The grid's line in CSS px that the box's element declares, or None."""
    tokens = declared(style, GRID)
    if not tokens or len(tokens) != 1 or getattr(tokens[0], "type", "") != "dimension":
        return None
    token = tokens[0]
    if token.unit not in PX_PER_UNIT or token.value <= 0:
        return None
    return float(token.value) * PX_PER_UNIT[token.unit]


def declares_balance(style: Any) -> bool:
    tokens = declared(style, WRAP)
    return [getattr(token, "value", None) for token in tokens or []] == ["balance"]


def padding_to_grid(height: float, line: float) -> float:
    """What a block `height` tall lacks to a whole number of `line`s (0 when it has them)."""
    short = -height % line
    return 0.0 if short < TOLERANCE or line - short < TOLERANCE else short


def line_count(box: Any) -> int:
    """The line boxes in `box` and in the blocks it holds."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.LineBox):
        return 1
    children = getattr(box, "children", ())
    return sum(line_count(child) for child in children if not child.is_absolutely_positioned())


LayOut = Callable[[list[Any]], tuple[Any, ...]]  # block_level_layout's work, given the margins


def finished(context: Any, box: Any, absolute_boxes: list[Any], fixed_boxes: list[Any],
             adjoining_margins: list[Any], lay_out: LayOut) -> tuple[Any, ...]:
    """`lay_out`'s result for `box` (block_level_layout's), balanced and padded to the
    grid as `box`'s style asks."""
    cascaded = getattr(box.style, "cascaded", None)
    if not cascaded or (GRID not in cascaded and WRAP not in cascaded):  # most blocks
        return lay_out(adjoining_margins)
    margins = list(adjoining_margins)
    result = lay_out(adjoining_margins)
    if result[0] is None or result[1] is not None:  # nothing laid out, or broken over a page turn
        return result
    if declares_balance(box.style):
        result = balanced(context, box, absolute_boxes, fixed_boxes, margins, lay_out, result)
    line = declared_grid(box.style)
    if line is not None:
        on_grid(result[0], line)
    return result


def balanced(context: Any, box: Any, absolute_boxes: list[Any], fixed_boxes: list[Any],
             margins: list[Any], lay_out: LayOut, result: tuple[Any, ...]) -> tuple[Any, ...]:
    """`result` laid out again in the narrowest width that keeps its number of lines, the
    box centred in the width it had (a search by halves, to PRECISION)."""
    from weasyprint.layout.block import remove_placeholders

    lines = line_count(result[0])
    if lines < 2:
        return result
    start = (box.width, box.max_width, box.margin_left, box.margin_right, box.position_x, box.position_y)
    full = result[0].width

    def again(width: float | None) -> tuple[Any, ...]:
        remove_placeholders(context, [laid[0]], absolute_boxes, fixed_boxes)
        box.width, box.max_width, box.margin_left, box.margin_right, box.position_x, box.position_y = start
        if width is not None:
            box.max_width, box.margin_left, box.margin_right = width, "auto", "auto"
        return lay_out(list(margins))

    laid, tried = result, None
    narrow, wide = full / lines, full  # too narrow for `lines` lines / wide enough
    while wide - narrow > PRECISION:
        middle = (narrow + wide) / 2
        laid, tried = again(middle), middle
        if laid[0] is not None and laid[1] is None and line_count(laid[0]) == lines:
            wide = middle
        else:
            narrow = middle
    if tried is None or tried == wide:  # the last layout tried is the one kept
        return laid
    return again(wide if wide < full else None)


def on_grid(laid_out: Any, line: float) -> None:
    """Pad `laid_out` to whole `line`s, half above and half below."""
    extra = padding_to_grid(laid_out.border_height(), line)
    if extra:
        above = extra / 2
        laid_out.padding_top += above
        laid_out.padding_bottom += extra - above
        for child in laid_out.children:
            child.translate(dy=above)


def apply(rewrite: Callable[..., None]) -> None:
    """Patch `block_level_layout` with `rewrite` (patches._rewrite). Block boxes in flow are
    laid out through block.py's own global, which this replaces."""
    from weasyprint.layout import block

    rewrite(block, "block_level_layout", [(RETURN, RETURN_FIXED)],
            helpers={"_publish_finished": finished})
