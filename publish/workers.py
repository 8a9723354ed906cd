"""Render processes: the outputs a build must render, several at once.

WeasyPrint lays a document out on one core, so the PDF, the proof and the EPUB of a book (and
of several books) are rendered by a pool of processes, the longest first; a book's EPUB waits
for its print PDF, whose layout gives the EPUB's page-list. The processes are forked from the
build, so they start with what it has loaded (the CLI loads WeasyPrint while parsing). Each
reports the pages it lays out, for the progress display.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Callable


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
    if workers <= 1 or len(tasks) <= 1:
        most: dict[str, int] = {}

        def show_page(label: str, page: int) -> None:
            if page > most.get(label, 0):
                most[label] = page
                notify(f"{label}, {page} pages laid out")
        _report_layout_to(show_page)
        results = {}
        try:
            for i in order:
                for j in [i, *waiting.get(i, ())]:
                    task = tasks[j].given(results[indexes[i]]) if j != i else tasks[j]
                    notify(f"{task.job.id}: {task.kind}")
                    results[indexes[j]] = _run_labelled(task)
        finally:
            logging.getLogger("weasyprint.progress").handlers = []
        return results
    context = multiprocessing.get_context("fork")
    pages_laid_out = context.SimpleQueue()  # (task label, page) from the render processes
    build = os.getpid()

    def start_render_process() -> None:
        _die_with(build)
        _report_layout_to(lambda label, page: pages_laid_out.put((label, page)))

    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context,
                             initializer=start_render_process) as pool:
        def submit(i: int, task) -> None:
            notify(f"{task.job.id}: {task.kind}")
            futures[pool.submit(_run_labelled, task)] = i

        def then(i: int, artifact) -> None:
            for j in waiting.get(i, ()):
                submit(j, tasks[j].given(artifact))

        most: dict[str, int] = {}  # the furthest page each task reached (a second pass of
        # WeasyPrint's pagination reports the pages it lays out again from the start)

        def show_pages() -> None:
            grown = {}
            while not pages_laid_out.empty():
                label, page = pages_laid_out.get()
                if page > most.get(label, 0):
                    most[label] = grown[label] = page
            for label, page in grown.items():
                notify(f"{label}, {page} pages laid out")

        futures: dict = {}
        for i in order:
            submit(i, tasks[i])
        results = _collect(futures, then, show_pages)
        return {indexes[i]: artifact for i, artifact in results.items()}


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
