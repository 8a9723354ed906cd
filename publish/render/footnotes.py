"""Keep every footnote on the page of its call: one correction to WeasyPrint 70's layout.

When the line that overflows a page is the one that would satisfy `orphans` (the second line
of a paragraph, with `orphans: 2`), WeasyPrint 65+ frees room for it by moving footnotes
already placed on the page to the next page (`report_footnote`), rather than pushing the
paragraph over. Those footnotes' calls stay behind, so a reader finds the call on one page
and its URL overleaf (upstream: Kozea/WeasyPrint#2432, fixed that way by #2437). It does so
whatever the footnote's `footnote-policy`, although `line` (GCPM 3) means a footnote body
never leaves the page of its call's line.

The correction makes that branch honour the policy: footnotes are moved only when every
footnote on the page is `footnote-policy: auto`; otherwise the line breaks as it would
without footnotes (the paragraph goes over whole, orphans kept). print.css sets `line` on
link footnotes, which also makes WeasyPrint push a call's line to the next page when its
note does not fit below it. The patch is one condition in `_linebox_layout`, applied to the
pinned WeasyPrint's own source, and refuses to apply (raising) if that source has changed.
"""

from __future__ import annotations

import inspect
import textwrap

# The condition WeasyPrint 70 uses to decide to move footnotes to fit an orphan line, and
# the same condition that lets only `footnote-policy: auto` footnotes move.
ORIGINAL = "report = not context.in_column and can_break_now and not could_break_before"
PATCHED = (ORIGINAL + " and all(note.style['footnote_policy'] == 'auto' "
           "for note in context.current_page_footnotes)")


class FootnotePatchError(RuntimeError):
    """WeasyPrint's layout code is not the one this correction was written for."""


def keep_footnotes_with_calls() -> None:
    """Patch WeasyPrint's line layout once per process (idempotent)."""
    from weasyprint.layout import block

    if getattr(block._linebox_layout, "_publish_patched", False):
        return
    lines, first_line = inspect.getsourcelines(block._linebox_layout)
    source = textwrap.dedent("".join(lines))
    if source.count(ORIGINAL) != 1:
        raise FootnotePatchError(
            "WeasyPrint's _linebox_layout changed; review publish/render/footnotes.py "
            "for this WeasyPrint version")
    namespace: dict = {}
    # Compiled at its own line numbers, so a traceback through it points into WeasyPrint.
    code = compile("\n" * (first_line - 1) + source.replace(ORIGINAL, PATCHED),
                   inspect.getsourcefile(block), "exec")
    exec(code, block.__dict__, namespace)  # noqa: S102 - WeasyPrint's own code, one condition changed
    patched = namespace["_linebox_layout"]
    patched._publish_patched = True
    block._linebox_layout = patched
