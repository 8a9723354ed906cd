"""Render processes: the outputs a build must render, several at once.

WeasyPrint lays a document out on one core, so the PDF, the proof and the EPUB of a book (and
of several books) are rendered by a pool of processes, the longest first. The processes are
forked from the build, so they start without importing anything again; each imports
WeasyPrint once, on its first PDF.
"""

from __future__ import annotations

import multiprocessing
import os
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
    from publish.build import run_task
    waits = waits or {}
    order = sorted((i for i in range(len(tasks)) if i not in waits), key=lambda i: -tasks[i].weight())
    waiting = {p: [w for w in waits if waits[w] == p] for p in set(waits.values())}
    if workers <= 1 or len(tasks) <= 1:
        results = {}
        for i in order:
            for j in [i, *waiting.get(i, ())]:
                task = tasks[j].given(results[indexes[i]]) if j != i else tasks[j]
                notify(f"{task.job.id}: {task.kind}")
                results[indexes[j]] = run_task(task)
        return results
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
        def submit(i: int, task) -> None:
            notify(f"{task.job.id}: {task.kind}")
            futures[pool.submit(run_task, task)] = i

        def then(i: int, artifact) -> None:
            for j in waiting.get(i, ()):
                submit(j, tasks[j].given(artifact))

        futures: dict = {}
        for i in order:
            submit(i, tasks[i])
        results = _collect(futures, then)
        return {indexes[i]: artifact for i, artifact in results.items()}


def parallel_map(function: Callable, args: list[tuple], workers: int,
                 meanwhile: Callable[[], None] | None = None) -> list:
    """`function(*a)` for each `a` of `args`, in up to `workers` forked processes, in order;
    `meanwhile()` runs here once they have started (the processes are forked first, so
    nothing it loads or starts is copied into them)."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(args)), mp_context=context) as pool:
        futures = {pool.submit(function, *a): index for index, a in enumerate(args)}
        if meanwhile:
            meanwhile()
        results = _collect(futures)
    return [results[index] for index in range(len(args))]


def _collect(futures: dict, then: Callable | None = None) -> dict:
    """Wait for every future of `futures` ({future: key}); `then(key, result)` may add more
    to it. On the first failure, cancel what has not started and raise it (the renders
    already running finish, and write only their own temporary files)."""
    results = {}
    pending = set(futures)
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
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
