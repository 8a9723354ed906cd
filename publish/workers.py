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
              notify: Callable[[str], None]) -> dict:
    """Render `tasks` (build.RenderTask), returning {index: Artifact} for the given indexes.
    One task, or one worker, runs here without a pool: forking would only add its cost."""
    from publish.build import run_task
    order = sorted(range(len(tasks)), key=lambda i: -tasks[i].weight())
    if workers <= 1 or len(tasks) <= 1:
        results = {}
        for i in order:
            notify(f"{tasks[i].job.id}: {tasks[i].kind}")
            results[indexes[i]] = run_task(tasks[i])
        return results
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
        futures = {}
        for i in order:
            notify(f"{tasks[i].job.id}: {tasks[i].kind}")
            futures[pool.submit(run_task, tasks[i])] = indexes[i]
        return _collect(futures)


def parallel_map(function: Callable, args: list[tuple], workers: int) -> list:
    """`function(*a)` for each `a` of `args`, in up to `workers` forked processes, in order."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(args)), mp_context=context) as pool:
        futures = {pool.submit(function, *a): index for index, a in enumerate(args)}
        results = _collect(futures)
    return [results[index] for index in range(len(args))]


def _collect(futures: dict) -> dict:
    """Wait for every render; on the first failure, cancel what has not started and raise
    it (the renders already running finish, and write only their own temporary files)."""
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
    return results
