"""The cyclic garbage collector's policy for long-lived trees: render processes hold a whole
book's layout, and parsing builds the model from large JSON trees, none of which leave much
cyclic garbage for the collector to find, however often it scans them.

A render process (and the build, when it renders in-process) runs under this policy:
- what existed before the renders (the books' models, the loaded libraries) is frozen
  (`earlier_frozen`): no collection there scans it again;
- each task runs with the collector paused (`collector_paused`): a layout's document, styles
  and boxes live until it is written, and full collections would scan them again and again,
  for almost no garbage (WeasyPrint's layout makes little);
- between tasks, `release_garbage()` collects what earlier tasks left: the cycles among a
  written layout's boxes. A process calls it before a task once the layouts since the last
  release reached a number of pages (build/workers.RELEASE_AFTER_PAGES), so that neither the print
  PDF's result (which the EPUB waits for) nor the end of the build waits for it; a render
  process makes no other collection (`freeze_inherited`).

Releasing never unfreezes what was frozen: a collection scans only what came after. If each
release unfroze and scanned the whole model too, a book 4x longer, which has a 4x larger model
and releases 4x as often, would spend 16x as long in releases.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def earlier_frozen() -> Iterator[None]:
    """Run the body with every object that exists now frozen (gc.freeze): collections in
    the body scan only what it made. Unfrozen after, so the collector takes back what the
    body left at its next full collection."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def freeze_inherited() -> None:
    """Freeze what a forked render process inherited from the build, and collect only when
    released, for the process's whole life. With the collector merely paused during each
    task, its first allocation after the task triggered an automatic collection of the
    written layout's boxes after every task, for garbage that the process (which ends with
    os._exit) may never need to free."""
    gc.freeze()
    gc.disable()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body without the cyclic garbage collector (reference counting still frees
    what is not in a cycle). Decoding pandoc's JSON and normalizing it build large trees
    of dicts and lists that the collector scans again and again, for next to no cyclic
    garbage, at the same peak memory."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def made_frozen() -> Iterator[None]:
    """Run the body with the collector paused, then freeze what it made: for what lives as
    long as the process's work and that collections would only scan again and again.
    - Importing WeasyPrint makes tens of thousands of tracked objects (modules, classes, its
      C declarations parsed by cffi, its default stylesheets), and the collections they set
      off scanned everything again and again, on the build's critical path. Some of them
      are garbage (the parse trees of those C declarations), frozen with the rest:
      collecting them would scan everything once more, and the process's resident size is
      the same either way.
    - Parsing and assembling the books: their models live as long as the build and hold no
      cycles. Made with the collector paused, all of them were still its youngest
      generation, and the collections after the pause scanned every one again.
    A frozen object is still freed when nothing refers to it any more; only the collector no
    longer looks at it."""
    with collector_paused():
        yield
        gc.freeze()


def release_garbage() -> None:
    """Collect every unreachable object that is not frozen."""
    gc.collect()

