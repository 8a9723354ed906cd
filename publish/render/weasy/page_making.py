"""Runts pulled forward while WeasyPrint makes the pages, not by laying the book out again.

WeasyPrint makes a document's pages one after another (`make_all_pages`), each from the
state the page before left (its `page_maker` entry). The rule of render/runts.py (a scene's
or play's last page holds at least three lines) is checked as each page is made: when a
page turns out to be a runt, the page or spread before it is given a deeper foot
(`shortened`: {page index: lines}) and the pages are made again from the first shortened
one. Before, the whole book was laid out again, up to twice: a third of the print
edition's layout time on the default books.

What making a page changes outside its `page_maker` entry is kept before each page and
put back when the pages are made again from it: the footnotes still to place and those
carried to the next page, the floats broken across the page turn, the notes rendered.
The rest is WeasyPrint's own: it makes a page again from its entry when a page-based
counter changed (this module's pages are made again the same way).

Patched as patches.py patches: exact lines of `make_all_pages` and `make_page` replaced,
and a WeasyPrint whose lines differ refused.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

# make_all_pages: a page made, then yielded at once. Made into a list instead, so that
# pages can be made again from an earlier one; yielded when the last is made.
MADE = (
    "            page, resume_at = remake_page(i, context, root_box, html)\n"
    "            reported_footnotes = context.reported_footnotes\n"
    "            yield page\n")
MADE_FIXED = (
    "            _publish_pages.before(context, i, len(pages) == 0)\n"
    "            page, resume_at = remake_page(i, context, root_box, html)\n"
    "            reported_footnotes = context.reported_footnotes\n"
    "            _publish_made[i:] = [page]\n")
KEPT = (
    "            reported_footnotes = None\n"
    "            yield pages[i]\n")
KEPT_FIXED = (
    "            reported_footnotes = None\n"
    "            _publish_made[i:] = [pages[i]]\n")
NEXT = (
    "        i += 1\n"
    "        if resume_at is None and not reported_footnotes:\n"
    "            # Throw away obsolete pages and content\n"
    "            context.page_maker = context.page_maker[:i + 1]\n"
    "            context.broken_out_of_flow.clear()\n"
    "            context.reported_footnotes.clear()\n"
    "            return\n")
NEXT_FIXED = (
    "        last = resume_at is None and not reported_footnotes\n"
    "        back = _publish_pages.after(context, _publish_made, i, last, len(pages) == 0)\n"
    "        if back is not None:\n"
    "            i = back\n"
    "            continue\n"
    "        i += 1\n"
    "        if last:\n"
    "            # Throw away obsolete pages and content\n"
    "            context.page_maker = context.page_maker[:i + 1]\n"
    "            context.broken_out_of_flow.clear()\n"
    "            context.reported_footnotes.clear()\n"
    "            yield from _publish_made\n"
    "            return\n")
START = "    context.rendered_notes = []\n"
START_FIXED = "    context.rendered_notes = []\n    _publish_made = []\n"

# make_page: the page's style, with a deeper foot when the page is shortened.
PAGE_STYLE = "    style = context.style_for(page_type)\n"
PAGE_STYLE_FIXED = "    style = _publish_pages.style(context, page_type, context.style_for(page_type))\n"

MAKE_ALL_PAGES_FIXES = [(START, START_FIXED), (MADE, MADE_FIXED), (KEPT, KEPT_FIXED),
                        (NEXT, NEXT_FIXED)]
MAKE_PAGE_FIXES = [(PAGE_STYLE, PAGE_STYLE_FIXED)]

PX_PER_PT = 4 / 3


@dataclass
class _Kept:
    """What making a page changes outside its page_maker entry, as it was before."""

    footnotes: list[Any]
    reported_footnotes: list[Any]
    broken_out_of_flow: dict[Any, Any]
    rendered_notes: int


@dataclass
class _Pulling:
    """The runt rule of the layout under way: `puller` decides (render/runts.py), `line`
    is a line's depth in points, `shortened` the pages given a deeper foot so far."""

    puller: Any
    line: float
    shortened: dict[int, int] = field(default_factory=dict)
    kept: dict[int, _Kept] = field(default_factory=dict)


class _Pages:
    """The hooks the patched functions call. Pulling runts applies only inside
    `pulling_runts()`, to the layouts made there (the print edition in the book style)."""

    pulling: _Pulling | None = None

    def before(self, context: Any, index: int, first_pass: bool) -> None:
        state = self._state(context)
        if state is None or not first_pass:
            return
        state.kept[index] = _Kept(list(context.footnotes), list(context.reported_footnotes),
                                  dict(context.broken_out_of_flow), len(context.rendered_notes))
        for old in [i for i in state.kept if i < index - KEPT_PAGES]:
            del state.kept[old]

    def after(self, context: Any, made: list[Any], index: int, last: bool,
              first_pass: bool) -> int | None:
        """The page to make again from, when the page just made shows a runt; else None.
        Only in the layout's first pass: a later one (WeasyPrint's, for page-based
        counters) keeps the pages shortened in the first."""
        state = self._state(context)
        if state is None or not first_pass:
            return None
        wanted: dict[int, int] = state.puller.shorten(made, index, last, state.shortened)
        if not wanted:
            return None
        back = min(wanted)
        if back not in state.kept:  # the state to start from is gone: leave the runt
            return None
        state.shortened.update(wanted)
        kept = state.kept[back]
        context.footnotes[:] = kept.footnotes
        context.reported_footnotes[:] = kept.reported_footnotes
        context.broken_out_of_flow = dict(kept.broken_out_of_flow)
        del context.rendered_notes[kept.rendered_notes:]
        context.page_maker[back][-1]["content_changed"] = True
        return back

    def style(self, context: Any, page_type: Any, style: Any) -> Any:
        """The page's style, its foot margin deeper by the lines it is shortened by."""
        state = self._state(context)
        lines = state.shortened.get(page_type.index, 0) if state else 0
        if not lines or state is None:
            return style
        from weasyprint.css.properties import Dimension

        deeper = style.copy()
        margin = deeper["margin_bottom"]
        deeper["margin_bottom"] = Dimension(margin.value + lines * state.line * PX_PER_PT, margin.unit)
        return deeper

    def _state(self, context: Any) -> _Pulling | None:
        """The layout's own pulling state, made when its first page is."""
        if self.pulling is None:
            return None
        state: _Pulling | None = context.__dict__.get("_publish_pulling")
        if state is None:
            state = _Pulling(self.pulling.puller, self.pulling.line)
            context._publish_pulling = state
        return state


# Pages whose starting state is kept: a runt is pulled back at most over the spread before
# it, found when the page after it is made.
KEPT_PAGES = 4

PAGES = _Pages()


@contextlib.contextmanager
def pulling_runts(puller: Any, line: float) -> Iterator[None]:
    """Inside: layouts pull runts forward by `puller` (render/runts.RuntPuller), shortening
    pages by whole lines of `line` points."""
    PAGES.pulling = _Pulling(puller, line)
    try:
        yield
    finally:
        PAGES.pulling = None


def apply(rewrite: Callable[..., None]) -> None:
    """Patch `make_all_pages` with `rewrite` (patches._rewrite); make_page's fix is applied
    with patches.py's own (one rewrite per function)."""
    from weasyprint import layout
    from weasyprint.layout import page

    rewrite(page, "make_all_pages", MAKE_ALL_PAGES_FIXES, helpers={"_publish_pages": PAGES},
            importers=[layout])
