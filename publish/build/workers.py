"""Render processes: the outputs a build must render, several at once.

WeasyPrint lays a document out on one core, so the PDF, the proof's parts and the EPUB of a
book (and of several books) are rendered by a pool of processes, the longest first; a book's
EPUB waits for its print PDF, whose layout gives the EPUB's page-list, and its proof's front
for the parts of its plays. The processes are forked from the
build, so they start with what it has loaded (the CLI loads WeasyPrint while parsing). Each
reports the pages it lays out, for the progress display.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Hashable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, Protocol, Self, TypeVar

from publish.model.errors import ToolError
from publish.render import weasy
from publish.support.collector import collector_paused, earlier_frozen, freeze_inherited, release_garbage


class Task(Protocol):
    """What the scheduling needs of a task (build/plan.RenderTask is one)."""

    def label(self) -> str: ...

    def weight(self) -> int: ...

    def lays_out(self) -> bool: ...

    def given(self, prerequisites: list[Any]) -> Self: ...


class Made(Protocol):
    """What running a task gives (build/jobs.Artifact is one): the pages it laid out."""

    @property
    def pages(self) -> int | None: ...


T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
TaskT = TypeVar("TaskT", bound=Task)
R = TypeVar("R", bound=Made)


def default_workers() -> int:
    """One render process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_tasks(tasks: list[TaskT], run: Callable[[TaskT], R], workers: int, notify: Callable[[str], None],
              waits: dict[int, list[int]] | None = None) -> dict[int, R]:
    """`run(task)` for each of `tasks` (build/plan.RenderTask), returning {position: result}.
    `waits` maps a task's position to the positions of the tasks it must wait for; it starts
    once they are all done, as `task.given([their results])`. Of the tasks ready to start,
    the longest starts first. One task, or one worker, runs here without a pool: forking
    would only add its cost. `run` must be a module-level function (the render processes
    are forked with it)."""
    global _run
    _run = run
    schedule: _Schedule[TaskT, R] = _Schedule(tasks, waits or {})
    progress = _PageProgress(notify)
    if workers <= 1 or len(tasks) <= 1:
        return _run_here(schedule, notify, progress)
    return _run_in_pool(schedule, min(workers, len(tasks)), notify, progress)


class _Schedule(Generic[TaskT, R]):
    """Which task starts next: the longest of those whose prerequisites are all done."""

    def __init__(self, tasks: list[TaskT], waits: dict[int, list[int]]) -> None:
        self.tasks = tasks
        self.waits = waits
        self.waiting = {p: [w for w in waits if p in waits[w]] for ps in waits.values() for p in ps}
        self.done: dict[int, R] = {}
        self.ready = [i for i in range(len(tasks)) if not waits.get(i)]

    def next(self) -> tuple[int, list[R]] | None:
        """(position, the artifacts of its prerequisites) of the longest ready task, or None
        when none is ready."""
        if not self.ready:
            return None
        i = max(self.ready, key=lambda i: self.tasks[i].weight())
        self.ready.remove(i)
        return i, [self.done[p] for p in self.waits.get(i, ())]

    def finished(self, i: int, artifact: R) -> None:
        self.done[i] = artifact
        for waiter in self.waiting.get(i, ()):
            if all(p in self.done for p in self.waits[waiter]):
                self.ready.append(waiter)


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


def _run_here(schedule: _Schedule[TaskT, R], notify: Callable[[str], None],
              progress: _PageProgress) -> dict[int, R]:
    _report_layout_to(progress)
    # As in a render process, what the build holds is frozen while the renders run. This
    # process goes on (`publish watch` builds again): unfrozen after, its collector takes
    # back what the renders left at its next full collection, not before the CLI has even
    # reported them.
    try:
        with earlier_frozen():
            while (started := schedule.next()) is not None:
                i, prerequisites = started
                notify(schedule.tasks[i].label())
                schedule.finished(i, _run_given(schedule.tasks[i], prerequisites))
    finally:
        weasy.stop_reporting_pages()
    return schedule.done


def _run_in_pool(schedule: _Schedule[TaskT, R], workers: int, notify: Callable[[str], None],
                 progress: _PageProgress) -> dict[int, R]:
    context = multiprocessing.get_context("fork")
    pages_laid_out = context.SimpleQueue()  # (task label, page) from the render processes
    build = os.getpid()

    def start_render_process() -> None:
        _die_with(build)
        _report_layout_to(lambda label, page: pages_laid_out.put((label, page)))
        freeze_inherited()

    def show_pages() -> None:
        while not pages_laid_out.empty():
            progress(*pages_laid_out.get())

    global _forked_tasks
    # The render processes are forked with the tasks in memory: each is sent its position
    # only, not its book's whole model again (a long book's model took longer to pickle and
    # unpickle than a play's proof part takes to lay out).
    _forked_tasks = schedule.tasks
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=start_render_process) as pool:
        futures: dict[Future[R], int] = {}
        running: set[int] = set()

        # No more tasks in the pool than it has processes: a task that becomes ready later
        # (a proof's front, an EPUB) then starts as soon as a process is free, rather than
        # behind every task queued before it.
        def start_ready() -> None:
            while len(running) < workers and (started := schedule.next()) is not None:
                i, prerequisites = started
                notify(schedule.tasks[i].label())
                futures[pool.submit(_run_forked, i, prerequisites)] = i
                running.add(i)

        def then(i: int, artifact: R) -> None:
            running.discard(i)
            schedule.finished(i, artifact)
            start_ready()

        try:
            start_ready()
            _collect(futures, then, show_pages)
        finally:
            _forked_tasks = []
    return schedule.done


_forked_tasks: list[Any] = []  # the tasks of the pool this render process was forked for


# What these return is what `_run` returns: the result type of the function run_tasks was
# given, which a module-level variable (inherited by the forked processes) cannot carry.
def _run_forked(position: int, prerequisites: list[Any]) -> Any:
    return _run_given(_forked_tasks[position], prerequisites)


def _run_given(task: Task, prerequisites: list[Any]) -> Any:
    """Run `task`, given what the tasks it waited for made."""
    return _run_labelled(task.given(prerequisites) if prerequisites else task)


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


_pages_unreleased = 0  # pages laid out here since the last release_garbage()
# What earlier tasks here left is released before a task once they laid out this many
# pages: never two long layouts' boxes at once (nor a long layout's boxes under an EPUB), but
# not a collection before each of a long book's short proof parts (publish/collector.py).
RELEASE_AFTER_PAGES = 100


_run: Callable[[Any], Any] = lambda task: None  # noqa: E731  (the task function run_tasks was given)


def _run_labelled(task: Task) -> Any:
    global _current_label, _pages_unreleased
    _current_label = task.label()
    if _pages_unreleased >= RELEASE_AFTER_PAGES:
        release_garbage()
        _pages_unreleased = 0
    with collector_paused():
        artifact: Made = _run(task)
    if task.lays_out():
        _pages_unreleased += artifact.pages or 0
    return artifact


def _report_layout_to(report: Callable[[str, int], None]) -> None:
    """Send (task label, page number) to `report` for every page WeasyPrint lays out here."""
    weasy.report_pages_to(lambda page: report(_current_label, page))


def parallel_map(function: Callable[..., T], args: list[tuple[Any, ...]], workers: int,
                 meanwhile: Callable[[], None] | None = None) -> list[T]:
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


def _collect(futures: dict[Future[T], K], then: Callable[[K, T], None] | None = None,
             poll: Callable[[], None] | None = None) -> dict[K, T]:
    """Wait for every future of `futures` ({future: key}); `then(key, result)` may add more
    to it; `poll()` runs a few times a second meanwhile. On the first failure, cancel what
    has not started and raise it (the renders already running finish, and write only their
    own temporary files)."""
    results: dict[K, T] = {}
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
                if isinstance(error, BrokenProcessPool):
                    raise ToolError("a render process ended unexpectedly (killed, or out of memory?); "
                                    "run again with --jobs 1 to see what failed") from error
                raise error
            results[futures[future]] = future.result()
            if then:
                known = set(futures)
                then(futures[future], future.result())
                pending |= set(futures) - known
    return results
