"""Corrections to the pinned WeasyPrint 70's own code: one that keeps footnotes with their
calls, and three that make long books lay out in time proportional to their length.

Each is a few exact lines replaced in one WeasyPrint function, compiled at that function's
own line numbers (a traceback still points into WeasyPrint) and applied once per process. If
a replaced line is not in WeasyPrint's source exactly once, nothing is patched and
`WeasyPrintFixError` says which function changed: a WeasyPrint upgrade must review this
module rather than have it silently patch the wrong code or do nothing.

**Footnotes stay with their calls.** When the line that overflows a page is the one that
would satisfy `orphans` (the second line of a paragraph, with `orphans: 2`), WeasyPrint 65+
frees room for it by moving footnotes already placed on the page to the next page
(`report_footnote`), rather than pushing the paragraph over. Those footnotes' calls stay
behind, so a reader finds the call on one page and its URL overleaf (upstream:
Kozea/WeasyPrint#2432, fixed that way by #2437). It does so whatever the footnote's
`footnote-policy`, although `line` (GCPM 3) means a footnote body never leaves the page of
its call's line. The correction moves footnotes only when every footnote on the page is
`footnote-policy: auto`; otherwise the line breaks as it would without footnotes (the
paragraph goes over whole, orphans kept). print.css sets `line` on link footnotes.

**Time per page that does not grow with the book.** Profiles of the 1x and 5x benchmark
books (318 and 1,568 pages) showed three places whose cost per page grows with the pages
before it, so a book 4x longer took far more than 4x the time. Each fix computes exactly
what the original computed (tests compare the PDFs byte for byte):
- `set_page_type_computed_styles` looked for the current page's margin-box styles among
  the styles of every page laid out so far (each page has its own page type, so that dict
  grows by a few entries a page). An index by page type, kept as the styles are added,
  gives the same entries in the same order.
- `make_page` gathered the anchors of every earlier page into a list, for every page, and
  searched it with `in` for each anchor on the page. They are gathered (into a set) only
  on pages that have an anchor or a page-based counter to look up.
- `_linebox_layout` asked, for every box on every line, whether the box's footnote (almost
  always None) is in the list of all footnotes still to place. Boxes without a footnote
  are skipped before that search.
"""

from __future__ import annotations

import inspect
import itertools
import textwrap

FIXES_MODULE = "publish/render/weasyprint_fixes.py"

# The condition WeasyPrint 70 uses to decide to move footnotes to fit an orphan line, and
# the same condition that lets only `footnote-policy: auto` footnotes move.
FOOTNOTE_CONDITION = "report = not context.in_column and can_break_now and not could_break_before"
FOOTNOTE_CONDITION_FIXED = (
    FOOTNOTE_CONDITION + " and all(note.style['footnote_policy'] == 'auto' "
    "for note in context.current_page_footnotes)")

# Boxes carrying a footnote call are few; most have `footnote = None`, which `in` compared
# with every footnote still waiting.
FOOTNOTE_SEARCH = "if descendant.footnote in context.footnotes)"
FOOTNOTE_SEARCH_FIXED = ("if descendant.footnote is not None and "
                         "descendant.footnote in context.footnotes)")

# make_page: the anchors and counter lookups of every earlier page, gathered for each page
# but only ever tested with `in` (and added to), on pages that hold an anchor or a
# page-based counter: a few hundred of a long book's thousands of pages.
EARLIER_PAGES = (
    "    cached_anchors = []\n"
    "    cached_lookups = []\n"
    "    for (_, _, _, _, x_remake_state) in page_maker[:page_number - 1]:\n"
    "        cached_anchors.extend(x_remake_state.get('anchors', []))\n"
    "        cached_lookups.extend(x_remake_state.get('content_lookups', []))\n")
EARLIER_PAGES_FIXED = (
    "    earlier_pages = page_maker[:page_number - 1]\n"
    "    cached_anchors = _publish_EarlierPages(earlier_pages, 'anchors')\n"
    "    cached_lookups = _publish_EarlierPages(earlier_pages, 'content_lookups')\n")

# set_page_type_computed_styles: the margin-box styles of this page type only.
PAGE_STYLES_LOOP = "for element, pseudo_type in style_for.get_cascaded_styles():"
PAGE_STYLES_LOOP_FIXED = "for element, pseudo_type in _publish_page_type_keys(style_for, page_type):"


class WeasyPrintFixError(RuntimeError):
    """WeasyPrint's code is not the code these corrections were written for."""


def apply(linear_time: bool = True) -> None:
    """Apply the corrections, once per process (idempotent). `linear_time=False` applies
    only the footnote correction: WeasyPrint's own speed, for the tests that compare."""
    from weasyprint.css import StyleFor
    from weasyprint.layout import block, page

    line_fixes = [(FOOTNOTE_CONDITION, FOOTNOTE_CONDITION_FIXED)]
    if linear_time:
        line_fixes.append((FOOTNOTE_SEARCH, FOOTNOTE_SEARCH_FIXED))
    _rewrite(block, "_linebox_layout", line_fixes)
    if not linear_time:
        return
    _rewrite(page, "make_page", [(EARLIER_PAGES, EARLIER_PAGES_FIXED)],
             helpers={"_publish_EarlierPages": EarlierPages})
    _index_page_type_styles(StyleFor)
    _rewrite(page, "set_page_type_computed_styles", [(PAGE_STYLES_LOOP, PAGE_STYLES_LOOP_FIXED)],
             helpers={"_publish_page_type_keys": _page_type_keys})


def _rewrite(module, name: str, replacements: list[tuple[str, str]],
             helpers: dict | None = None) -> None:
    """Replace each `old` (present exactly once) by `new` in `module.name`'s source."""
    function = getattr(module, name)
    if getattr(function, "_publish_patched", False):
        return
    lines, first_line = inspect.getsourcelines(function)
    source = textwrap.dedent("".join(lines))
    for old, new in replacements:
        if source.count(old) != 1:
            raise WeasyPrintFixError(
                f"WeasyPrint's {module.__name__}.{name} changed; review {FIXES_MODULE} "
                "for this WeasyPrint version")
        source = source.replace(old, new)
    namespace: dict = {}
    module.__dict__.update(helpers or {})
    # Compiled at its own line numbers, so a traceback through it points into WeasyPrint.
    code = compile("\n" * (first_line - 1) + source, inspect.getsourcefile(module), "exec")
    exec(code, module.__dict__, namespace)  # noqa: S102 - WeasyPrint's own code, lines changed
    patched = namespace[name]
    patched._publish_patched = True
    setattr(module, name, patched)


def _index_page_type_styles(style_for_class) -> None:
    """Make `StyleFor.add_page_declarations` also note, by page type, the keys it adds to
    the cascaded styles (WeasyPrint adds page types' keys nowhere else once the document's
    styles are computed and the dict cleared)."""
    original = style_for_class.add_page_declarations
    if getattr(original, "_publish_patched", False):
        return
    if "self._cascaded_styles.setdefault(" not in inspect.getsource(original):
        raise WeasyPrintFixError(
            "WeasyPrint's StyleFor.add_page_declarations changed; review "
            f"{FIXES_MODULE} for this WeasyPrint version")

    def add_page_declarations(self, page_type):
        cascaded = self._cascaded_styles
        before = len(cascaded)
        original(self, page_type)
        added = list(itertools.islice(reversed(cascaded), len(cascaded) - before))[::-1]
        index = self.__dict__.setdefault("_publish_page_type_keys", {})
        for key in added:
            index.setdefault(key[0], []).append(key)

    add_page_declarations._publish_patched = True
    style_for_class.add_page_declarations = add_page_declarations


class EarlierPages:
    """What make_page gathered in a list from each earlier page's state (`key`: 'anchors'
    or 'content_lookups'), gathered into a set the first time it is asked for. make_page
    appends to it and asks `in`; neither it nor what it calls changes the earlier pages'
    lists meanwhile (WeasyPrint resets them only in make_all_pages, between pages)."""

    def __init__(self, earlier_pages: list, key: str) -> None:
        self._earlier_pages = earlier_pages
        self._key = key
        self._items: set | None = None

    def _gathered(self) -> set:
        if self._items is None:
            self._items = set()
            for *_, remake_state in self._earlier_pages:
                self._items.update(remake_state.get(self._key, []))
        return self._items

    def __contains__(self, item) -> bool:
        return item in self._gathered()

    def append(self, item) -> None:
        self._gathered().add(item)


def _page_type_keys(style_for, page_type) -> list:
    """The cascaded-style keys of `page_type`, in the order they were added: the entries
    of `style_for.get_cascaded_styles()` whose element is `page_type`."""
    return style_for.__dict__.get("_publish_page_type_keys", {}).get(page_type, [])
