"""Render processes: the outputs a build must render, several at once.

WeasyPrint lays a document out on one core, so the PDF, the proof and the EPUB of a book (and
of several books) are rendered by a pool of processes, the longest first; a book's EPUB waits
for its print PDF, whose layout gives the EPUB's page-list. The processes are forked from the
build, so they start with what it has loaded (the CLI loads WeasyPrint while parsing). Each
reports the pages it lays out, for the progress display.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import os
import signal
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Callable

from publish.collector import release_garbage, survivors_frozen


def default_workers() -> int:
    """One render process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_tasks(tasks: list, indexes: list[int], workers: int,
              notify: Callable[[str], None], waits: dict[int, int] | None = None) -> dict:
    """Render `tasks` (build.RenderTask), returning {index: Artifact} for the given indexes.
    `waits` maps a task's position to the position of a task it must wait for; it starts
    once that one is done, as `task.given(that one's artifact)`. The rest start longest
    first. One task, or one worker, runs here without a pool: forking would only add its
    cost."""
    waits = waits or {}
    order = sorted((i for i in range(len(tasks)) if i not in waits), key=lambda i: -tasks[i].weight())
    waiting = {p: [w for w in waits if waits[w] == p] for p in set(waits.values())}
    progress = _PageProgress(notify)
    if workers <= 1 or len(tasks) <= 1:
        results = _run_here(tasks, order, waiting, notify, progress)
    else:
        results = _run_in_pool(tasks, order, waiting, min(workers, len(tasks)), notify, progress)
    return {indexes[i]: artifact for i, artifact in results.items()}


class _PageProgress:
    """Tells `notify` how far each task's layout has come: the furthest page it reached (a
    second pass of WeasyPrint's pagination reports its pages again from the first)."""

    def __init__(self, notify: Callable[[str], None]) -> None:
        self.notify = notify
        self.furthest: dict[str, int] = {}

    def __call__(self, label: str, page: int) -> None:
        if page > self.furthest.get(label, 0):
            self.furthest[label] = page
            self.notify(f"{label}, {page} pages laid out")


def _run_here(tasks: list, order: list[int], waiting: dict, notify, progress) -> dict:
    _report_layout_to(progress)
    results: dict = {}
    try:
        for i in order:
            for j in [i, *waiting.get(i, ())]:
                task = tasks[j].given(results[i]) if j != i else tasks[j]
                notify(f"{task.job.id}: {task.kind}")
                results[j] = _run_labelled(task)
    finally:
        logging.getLogger("weasyprint.progress").handlers = []
        # This process goes on (`publish watch` builds again): its collector takes back
        # what the renders left at its next full collection, not now, before the CLI has
        # even reported them.
        gc.unfreeze()
    return results


def _run_in_pool(tasks: list, order: list[int], waiting: dict, workers: int, notify,
                 progress) -> dict:
    context = multiprocessing.get_context("fork")
    pages_laid_out = context.SimpleQueue()  # (task label, page) from the render processes
    build = os.getpid()

    def start_render_process() -> None:
        _die_with(build)
        _report_layout_to(lambda label, page: pages_laid_out.put((label, page)))

    def show_pages() -> None:
        while not pages_laid_out.empty():
            progress(*pages_laid_out.get())

    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=start_render_process) as pool:
        def submit(i: int, task) -> None:
            notify(f"{task.job.id}: {task.kind}")
            futures[pool.submit(_run_labelled, task)] = i

        def then(i: int, artifact) -> None:
            for j in waiting.get(i, ()):
                submit(j, tasks[j].given(artifact))

        futures: dict = {}
        for i in order:
            submit(i, tasks[i])
        return _collect(futures, then, show_pages)


def _die_with(build: int) -> None:
    """End this process when the build that forked it ends, even by SIGKILL: otherwise a
    render process outlives a killed build, finishes its output into dist/ after the build
    was stopped, then waits forever for work that never comes (Linux: PR_SET_PDEATHSIG)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: no such guard
        return
    if os.getppid() != build:  # the build died before the guard was set
        os._exit(1)


PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


# ---------------------------------------------------------------- layout progress

_current_label = ""  # the task this process renders, for its progress messages


def _run_labelled(task):
    global _current_label
    from publish.build import run_task
    _current_label = f"{task.job.id}: {task.kind}"
    if task.lays_out() and gc.get_freeze_count():
        release_garbage()  # what earlier tasks here left: never two layouts' boxes at once
    with survivors_frozen():
        return run_task(task)


class _PageListener(logging.Handler):
    """WeasyPrint logs each page it lays out ("Step 5 - Creating layout - Page N") to its
    progress logger: the one hook it offers into a long layout."""

    def __init__(self, report: Callable[[str, int], None]) -> None:
        super().__init__(logging.INFO)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.endswith("Page %d") and record.args:
            self.report(_current_label, int(record.args[0]))


def _report_layout_to(report: Callable[[str, int], None]) -> None:
    """Send (task label, page number) to `report` for every page WeasyPrint lays out here."""
    logger = logging.getLogger("weasyprint.progress")
    logger.handlers = [_PageListener(report)]
    logger.setLevel(logging.INFO)
    logger.propagate = False


def parallel_map(function: Callable, args: list[tuple], workers: int,
                 meanwhile: Callable[[], None] | None = None) -> list:
    """`function(*a)` for each `a` of `args`, in up to `workers` forked processes, in order;
    `meanwhile()` runs here once they have started (the processes are forked first, so
    nothing it loads or starts is copied into them)."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(args)), mp_context=context,
                             initializer=_die_with, initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(function, *a): index for index, a in enumerate(args)}
        if meanwhile:
            meanwhile()
        results = _collect(futures)
    return [results[index] for index in range(len(args))]


def _collect(futures: dict, then: Callable | None = None, poll: Callable | None = None) -> dict:
    """Wait for every future of `futures` ({future: key}); `then(key, result)` may add more
    to it; `poll()` runs a few times a second meanwhile. On the first failure, cancel what
    has not started and raise it (the renders already running finish, and write only their
    own temporary files)."""
    results = {}
    pending = set(futures)
    while pending:
        finished, pending = wait(pending, timeout=0.25 if poll else None,
                                 return_when=FIRST_COMPLETED)
        if poll:
            poll()
        for future in finished:
            error = future.exception()
            if error is not None:
                for other in pending:
                    other.cancel()
                raise error
            results[futures[future]] = future.result()
            if then:
                known = set(futures)
                then(futures[future], future.result())
                pending |= set(futures) - known
    return results
