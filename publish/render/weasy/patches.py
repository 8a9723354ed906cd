"""Corrections to the pinned WeasyPrint 70's own code: one that keeps footnotes with their
calls, five that make long books lay out in time proportional to their length, and one in
pydyf, its PDF writer, that writes PDFs faster. The rules of line breaking WeasyPrint lacks
(no hyphen at a recto's foot, at most two hyphenated lines in a row, a line looked back on
when the next is loose or a paragraph's lone last word: render/weasy/line_breaking.py) are
added the same way, from here; no upstream change removes them (WeasyPrint has no
`hyphenate-limit-lines` and breaks lines first-fit). So are balanced titles and blocks
padded to whole lines of the baseline grid (render/weasy/blocks.py): WeasyPrint has neither
`text-wrap: balance` nor CSS Line Grid's `line-snap`.

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
books showed four places whose cost per page grows with the pages
before it, so a book 4x longer took far more than 4x the time. Each fix computes exactly
what the original computed (tests compare the PDFs byte for byte):
- `set_page_type_computed_styles` looked for the current page's margin-box styles among
  the styles of every page laid out so far (each page has its own page type, so that dict
  grows by a few entries a page). An index by page type, kept as the styles are added,
  gives the same entries in the same order.
- `make_page` gathered the anchors of every earlier page into a list, for every page, and
  searched it with `in` for each anchor on the page. They are kept in a set per layout,
  which each page extends with the anchors of the pages laid out since the last one.
- `layout_document`, placing each page's `position: fixed` boxes, looked through every
  other page of the book for them, on every page. The pages that have some are found once.
- `_linebox_layout` asked, for every box on every line, whether the box's footnote (almost
  always None) is in the list of all footnotes still to place. Boxes without a footnote
  are skipped before that search.

- `ParentBox.page_values` listed all of a box's children in flow to take the first and
  last, for each page break of each box around them: with a play of 1,000 scenes, its
  1,000 sections at each of its pages. They are found from each end of the list.

**Streams compressed at zlib's default level.** pydyf, WeasyPrint's PDF writer, deflates
every page's content and every font at level 9, for files barely smaller than level 6 (zlib's
own default) gives, at a real cost in time (BENCHMARKS.md).
"""

from __future__ import annotations

import inspect
import itertools
import textwrap
from collections.abc import Callable
from types import ModuleType
from typing import Any

FIXES_MODULE = "publish/render/weasy/patches.py"

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
# but only ever tested with `in` (and added to).
EARLIER_PAGES = (
    "    cached_anchors = []\n"
    "    cached_lookups = []\n"
    "    for (_, _, _, _, x_remake_state) in page_maker[:page_number - 1]:\n"
    "        cached_anchors.extend(x_remake_state.get('anchors', []))\n"
    "        cached_lookups.extend(x_remake_state.get('content_lookups', []))\n")
EARLIER_PAGES_FIXED = (
    "    cached_anchors = _publish_EarlierPages(context, page_maker, page_number - 1, 'anchors')\n"
    "    cached_lookups = _publish_EarlierPages(\n"
    "        context, page_maker, page_number - 1, 'content_lookups')\n")

# layout_document: each page's fixed boxes are laid out on every page, looked for in all
# the pages before it and all the pages after it (in WeasyPrint 70, for every page).
FIXED_BOXES = (
    "        root_children.extend(layout_fixed_boxes(context, pages[:i], page))\n"
    "        root_children.extend(root.children)\n"
    "        root_children.extend(layout_fixed_boxes(context, pages[i + 1:], page))\n")
FIXED_BOXES_FIXED = (
    "        root_children.extend(layout_fixed_boxes(\n"
    "            context, _publish_fixed_box_pages(context, pages, 0, i), page))\n"
    "        root_children.extend(root.children)\n"
    "        root_children.extend(layout_fixed_boxes(\n"
    "            context, _publish_fixed_box_pages(context, pages, i + 1, len(pages)), page))\n")

# ParentBox.page_values: a box's first and last children in flow, found by listing every child
# that is, for every page break of every box around them (a play of 1,000 scenes listed its
# 1,000 sections again at each of its 1,000 pages). The same two children, found from each
# end; `super()` spelt out, as the method is compiled outside its class (the only page_values
# between ParentBox and Box in any box's MRO is Box's).
PAGE_VALUES_SUPER = "start_value, end_value = super().page_values()"
PAGE_VALUES_SUPER_FIXED = "start_value, end_value = Box.page_values(self)"
PAGE_VALUES_CHILDREN = (
    "    children = [\n"
    "        child for child in self.children\n"
    "        if child.is_in_normal_flow() or child.is_floated()]\n")
PAGE_VALUES_CHILDREN_FIXED = "    children = _publish_flow_ends(self.children)\n"

# pydyf's Stream.data: deflate at zlib's default level rather than its slowest.
FLATE_LEVEL = "compressobj = zlib.compressobj(level=9)"
FLATE_LEVEL_FIXED = "compressobj = zlib.compressobj(level=6)"

# set_page_type_computed_styles: the margin-box styles of this page type only.
PAGE_STYLES_LOOP = "for element, pseudo_type in style_for.get_cascaded_styles():"
PAGE_STYLES_LOOP_FIXED = "for element, pseudo_type in _publish_page_type_keys(style_for, page_type):"


class WeasyPrintFixError(RuntimeError):
    """WeasyPrint's code is not the code these corrections were written for."""


def apply(linear_time: bool = True) -> None:
    """Apply the corrections, once per process (idempotent). `linear_time=False` applies
    only the footnote correction: WeasyPrint's own speed, for the tests that compare."""
    import pydyf
    from weasyprint import document, layout
    from weasyprint.css import StyleFor
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import block, page

    from publish.render.weasy import blocks, line_breaking, page_making

    # Typography (render/weasy/line_breaking.py): rules of line breaking WeasyPrint lacks.
    turn = line_breaking.apply(_rewrite)
    # Runts pulled forward as the pages are made (render/weasy/page_making.py).
    page_making.apply(_rewrite)
    # Titles balanced, blocks padded to whole lines of the grid (render/weasy/blocks.py).
    blocks.apply(_rewrite)
    page_fixes = list(page_making.MAKE_PAGE_FIXES)
    line_fixes = [(FOOTNOTE_CONDITION, FOOTNOTE_CONDITION_FIXED), *line_breaking.LINEBOX_LAYOUT_FIXES]
    if linear_time:
        line_fixes.append((FOOTNOTE_SEARCH, FOOTNOTE_SEARCH_FIXED))
    _rewrite(block, "_linebox_layout", line_fixes, helpers=turn)
    _rewrite_property(pydyf, pydyf.Stream, "data", [(FLATE_LEVEL, FLATE_LEVEL_FIXED)])
    if not linear_time:
        _rewrite(page, "make_page", page_fixes, helpers={"_publish_pages": page_making.PAGES})
        return
    _rewrite(page, "make_page", [*page_fixes, (EARLIER_PAGES, EARLIER_PAGES_FIXED)],
             helpers={"_publish_EarlierPages": EarlierPages, "_publish_pages": page_making.PAGES})
    _rewrite(layout, "layout_document", [(FIXED_BOXES, FIXED_BOXES_FIXED)],
             helpers={"_publish_fixed_box_pages": fixed_box_pages}, importers=[document])
    _index_page_type_styles(StyleFor)
    _rewrite_method(boxes, boxes.ParentBox, "page_values",
                    [(PAGE_VALUES_SUPER, PAGE_VALUES_SUPER_FIXED),
                     (PAGE_VALUES_CHILDREN, PAGE_VALUES_CHILDREN_FIXED)],
                    helpers={"_publish_flow_ends": flow_ends})
    _rewrite(page, "set_page_type_computed_styles", [(PAGE_STYLES_LOOP, PAGE_STYLES_LOOP_FIXED)],
             helpers={"_publish_page_type_keys": _page_type_keys})


def _rewrite(module: ModuleType, name: str, replacements: list[tuple[str, str]],
             helpers: dict[str, object] | None = None, importers: list[ModuleType] | None = None) -> None:
    """Replace each `old` (present exactly once) by `new` in `module.name`'s source; the
    `importers`, modules that imported the function by name, get the new one too."""
    function = getattr(module, name)
    if getattr(function, "_publish_patched", False):
        return
    module.__dict__.update(helpers or {})
    patched = _recompiled(function, module, name, replacements, f"WeasyPrint's {module.__name__}.{name}")
    patched._publish_patched = True
    setattr(module, name, patched)
    for importer in importers or []:
        if getattr(importer, name) is not function:
            raise WeasyPrintFixError(
                f"{importer.__name__}.{name} is not WeasyPrint's {module.__name__}.{name}; "
                f"review {FIXES_MODULE} for this WeasyPrint version")
        setattr(importer, name, patched)


def _rewrite_method(module: ModuleType, cls: type, name: str, replacements: list[tuple[str, str]],
                    helpers: dict[str, Any] | None = None) -> None:
    """As `_rewrite`, for the method `cls.name` defined in `module`."""
    original = cls.__dict__[name]
    if getattr(original, "_publish_patched", False):
        return
    module.__dict__.update(helpers or {})
    patched = _recompiled(original, module, name, replacements,
                          f"{module.__name__}.{cls.__name__}.{name}")
    patched._publish_patched = True
    setattr(cls, name, patched)


def _rewrite_property(module: ModuleType, cls: type, name: str,
                      replacements: list[tuple[str, str]]) -> None:
    """As `_rewrite`, for the property `cls.name` defined in `module`."""
    original = cls.__dict__[name]
    if getattr(original.fget, "_publish_patched", False):
        return
    # The getter's source starts at its `@property`: compiled, it defines the property again.
    patched = _recompiled(original.fget, module, name, replacements,
                          f"{module.__name__}.{cls.__name__}.{name}")
    patched.fget._publish_patched = True
    setattr(cls, name, patched)


def _recompiled(function: Callable[..., Any], module: ModuleType, name: str,
                replacements: list[tuple[str, str]], shown: str) -> Any:
    """What `function`'s source defines as `name` once each `old` (present exactly once) is
    replaced by `new`, compiled in `module` at the source's own line numbers (a traceback
    through it still points into the library's file)."""
    try:
        lines, first_line = inspect.getsourcelines(function)
        filename = inspect.getsourcefile(module)
    except (OSError, TypeError) as exc:  # installed without its .py sources (bytecode only)
        raise WeasyPrintFixError(
            f"{shown}: WeasyPrint's Python source is not installed ({exc}); the corrections in "
            f"{FIXES_MODULE} need it: reinstall WeasyPrint from its wheel") from exc
    source = textwrap.dedent("".join(lines))
    for old, new in replacements:
        if source.count(old) != 1:
            raise WeasyPrintFixError(f"{shown} changed; review {FIXES_MODULE} for this version")
        source = source.replace(old, new)
    namespace: dict[str, Any] = {}
    code = compile("\n" * (first_line - 1) + source, filename or shown, "exec")
    exec(code, module.__dict__, namespace)  # noqa: S102 - the library's own code, lines changed
    return namespace[name]


def _index_page_type_styles(style_for_class: Any) -> None:
    """Make `StyleFor.add_page_declarations` also note, by page type, the keys it adds to
    the cascaded styles (WeasyPrint adds page types' keys nowhere else once the document's
    styles are computed and the dict cleared)."""
    original = style_for_class.add_page_declarations
    if getattr(original, "_publish_patched", False):
        return
    try:
        source = inspect.getsource(original)
    except (OSError, TypeError) as exc:
        raise WeasyPrintFixError(f"WeasyPrint's Python source is not installed ({exc}); "
                                 f"reinstall WeasyPrint from its wheel") from exc
    if "self._cascaded_styles.setdefault(" not in source:
        raise WeasyPrintFixError(
            "WeasyPrint's StyleFor.add_page_declarations changed; review "
            f"{FIXES_MODULE} for this WeasyPrint version")

    def add_page_declarations(self: Any, page_type: Any) -> None:
        cascaded = self._cascaded_styles
        before = len(cascaded)
        original(self, page_type)
        added = list(itertools.islice(reversed(cascaded), len(cascaded) - before))[::-1]
        index = self.__dict__.setdefault("_publish_page_type_keys", {})
        for key in added:
            index.setdefault(key[0], []).append(key)

    add_page_declarations.__dict__["_publish_patched"] = True
    style_for_class.add_page_declarations = add_page_declarations


class EarlierPages:
    """What make_page gathered in a list from the states of the pages before page `index`
    (`key`: 'anchors' or 'content_lookups'), as a set; make_page asks it `in` and appends.

    The set of the earlier pages' items is kept on the layout context, with how many pages
    it covers, and extended with the pages laid out since it was last asked for: a page
    costs the pages before it nothing. A page's lists are filled only while make_page lays
    that page out, right after WeasyPrint gave it new empty ones (make_all_pages, before
    every remake_page), so the set is still right unless the page now laid out is one it
    covers: then it is gathered again. That check runs for every page, even one that never
    asks (the set itself is gathered only when asked). What make_page appends goes into a
    set of this page's own: its list holds it too, gathered from the next page on.
    """

    def __init__(self, context: Any, page_maker: list[Any], index: int, key: str) -> None:
        kept = context.__dict__.setdefault("_publish_earlier_pages", {})
        if key not in kept or kept[key][0] > index:
            kept[key] = [0, set()]  # [pages covered, their items]
        self._kept = kept[key]
        self._page_maker = page_maker
        self._index = index
        self._key = key
        self._added: set[object] = set()

    def _gathered(self) -> set[object]:
        covered: int = self._kept[0]
        items: set[object] = self._kept[1]
        for entry in self._page_maker[covered:self._index]:
            items.update(entry[-1].get(self._key, ()))
        self._kept[0] = max(covered, self._index)
        return items

    def __contains__(self, item: object) -> bool:
        return item in self._added or item in self._gathered()

    def append(self, item: object) -> None:
        self._added.add(item)


def flow_ends(children: list[Any]) -> list[Any]:
    """What `ParentBox.page_values` uses of its list of the children in flow (or floated):
    [] when there is none, [the one] when one, [first, last] otherwise."""
    def in_flow(child: Any) -> bool:
        return bool(child.is_in_normal_flow() or child.is_floated())
    first = next((child for child in children if in_flow(child)), None)
    if first is None:
        return []
    last = next(child for child in reversed(children) if in_flow(child))
    return [first] if last is first else [first, last]


def fixed_box_pages(context: Any, pages: list[Any], start: int, stop: int) -> list[Any]:
    """The pages of pages[start:stop] that have fixed boxes, in order; which pages have any
    is found once per layout (`pages` is the finished list of the layout's pages)."""
    found = context.__dict__.get("_publish_fixed_box_pages")
    if found is None or found[0] is not pages:
        found = (pages, [index for index, page in enumerate(pages) if page.fixed_boxes])
        context._publish_fixed_box_pages = found
    return [pages[index] for index in found[1] if start <= index < stop]


def _page_type_keys(style_for: Any, page_type: Any) -> list[Any]:
    """The cascaded-style keys of `page_type`, in the order they were added: the entries
    of `style_for.get_cascaded_styles()` whose element is `page_type`."""
    keys: list[Any] = style_for.__dict__.get("_publish_page_type_keys", {}).get(page_type, [])
    return keys
