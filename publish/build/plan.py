"""The build plan: which outputs of which books to render, what the cache already holds, and
what waits for what; then the renders run (build/workers.py) and each output is written.

The library never prints: progress goes to an optional callback; problems are raised as
`PublishError`s or returned as diagnostics.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from publish.build.cache import Cache, copy_out
from publish.build.destinations import check_targets, output_error, prepare_folder
from publish.build.jobs import OUTPUTS, Artifact, BookJob, Progress
from publish.build.keys import image_identities, layout_key, output_key, part_key, text_size
from publish.build.outputs import render, render_proof_part
from publish.build.stamp import build_stamp, since_commit
from publish.build.workers import run_tasks
from publish.config import PrintConfig
from publish.model.diagnostics import fails, failure_reason
from publish.model.errors import CheckFailed
from publish.reading.files import ProjectFiles
from publish.render.html import Stamp
from publish.render.proof_parts import ProofPart
from publish.support.atomic import clean_stale

if TYPE_CHECKING:
    from publish.render.pagemap import PageMap


def build(job: BookJob, outputs: tuple[str, ...], outdir: Path, strict: bool = False,
          progress: Progress | None = None, since: str | None = None,
          profile: str | None = None, cache: Cache | None = None,
          workers: int = 1) -> list[Artifact]:
    """Render the requested outputs of one book into `outdir`, each written atomically.
    `since` (a git revision) adds change bars to the proof; `profile` (pod, press, screen)
    overrides the book's print profile for the print PDF."""
    return build_all([job], outputs, outdir, strict, progress, since, profile, cache, workers)[0]


def build_all(jobs: list[BookJob], outputs: tuple[str, ...], outdir: Path, strict: bool = False,
              progress: Progress | None = None, since: str | None = None,
              profile: str | None = None, cache: Cache | None = None,
              workers: int = 1) -> list[list[Artifact]]:
    """Every output of every book: what the cache holds is copied out, the rest is rendered
    by up to `workers` processes at once. Returns each book's artifacts, in `outputs` order.
    No book is rendered when any of them fails its checks."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    notify = progress or (lambda message: None)
    if any(kind != "proof" for kind in outputs):
        refuse_failing(jobs, strict)
    prepare_folder(outdir, jobs[0].root if jobs else outdir)
    tasks = [task for job in jobs for task in _tasks(job, outputs, outdir, since, profile, cache)]
    check_targets([(task.describe(), task.target) for task in tasks])
    try:
        clean_stale(outdir)
        return _build_tasks(tasks, jobs, outputs, cache, workers, notify)
    except OSError as exc:  # an output not written: a read-only folder, a full disk
        raise output_error(exc) from exc


def _build_tasks(tasks: list[RenderTask], jobs: list[BookJob], outputs: tuple[str, ...],
                 cache: Cache | None, workers: int, notify: Progress) -> list[list[Artifact]]:
    done: dict[int, Artifact] = {}
    for index, task in enumerate(tasks):
        reused = _reuse(task, cache)
        if reused:
            notify(f"{task.job.id}: {task.kind} (unchanged)")
            done[index] = reused
    todo = [index for index in range(len(tasks)) if index not in done]
    renders, waits = _render_plan([tasks[i] for i in todo], cache)
    rendered = run_tasks(renders, run_task, workers, notify, waits)
    if cache:  # what the render processes found damaged in the cache, for --verbose
        cache.discarded.extend(entry for artifact in rendered.values() for entry in artifact.discarded)
    for position, index in enumerate(todo):
        artifact = rendered[position]
        if artifact.kind == "proof":  # the plays whose parts were laid out anew
            artifact = dataclasses.replace(artifact, rebuilt_parts=tuple(
                renders[p].job.book.plays[renders[p].play].meta.source for p in waits.get(position, ())))
        done[index] = artifact
    per_job = len(outputs)
    return [[done[j * per_job + k] for k in range(per_job)] for j in range(len(jobs))]


def refuse_failing(jobs: list[BookJob], strict: bool) -> None:
    """Before anything is written: stop when a book's diagnostics fail a release build (a
    proof always builds, showing them), naming each failing book and what fails it."""
    failing = [job for job in jobs if fails(job.diagnostics, strict)]
    if not failing:
        return
    reasons = "\n".join(f"  {job.id}: {failure_reason(job.diagnostics, strict)}" for job in failing)
    flag = " under --strict" if strict else ""
    raise CheckFailed(f"the manuscripts have problems that fail the build{flag}:\n{reasons}\n"
                      "nothing was written")


def _render_plan(tasks: list[RenderTask],
                 cache: Cache | None) -> tuple[list[RenderTask], dict[int, list[int]]]:
    """The tasks to render, and which waits for which ({position: [positions]}): `tasks`
    first, in order, then the proof parts they need that the cache does not hold.

    - A proof is laid out in parts (render/proof.py): each play's, kept in the cache on its
      own, then the front with the summary, which gives each part's pages, and the merge.
    - An EPUB takes its page-list from the print PDF's layout, rendered in this build, unless
      the cache holds that layout's page map. Waiting costs little (the EPUB is the quickest
      output) and saves laying the print edition out a second time."""
    renders = list(tasks)
    waits: dict[int, list[int]] = {}
    for position, task in enumerate(tasks):
        if task.kind == "proof":
            parts = [task.part_task(index) for index in range(len(task.job.book.plays))]
            reused = [_reuse_part(part, cache) for part in parts]
            missing = [part for part, found in zip(parts, reused, strict=True) if found is None]
            renders[position] = dataclasses.replace(task, parts=tuple(reused))
            if missing:
                waits[position] = list(range(len(renders), len(renders) + len(missing)))
                renders.extend(missing)
        elif task.kind == "epub":
            if cache and task.layout_key and cache.has("pagemap", task.layout_key):
                continue
            pdfs = [p for p, other in enumerate(tasks) if other.kind == "pdf" and other.job is task.job]
            if pdfs:
                waits[position] = pdfs[:1]
    return renders, waits


@dataclass(frozen=True)
class RenderTask:
    """One output of one book, with everything a render process needs (it is pickled)."""

    job: BookJob
    kind: str
    target: Path
    settings: PrintConfig
    stamp: Stamp
    modified: dt.datetime
    since: str | None
    key: str  # the output's cache key
    cache_folder: Path | None
    layout_key: str = ""  # the print layout's key, under which the EPUB keeps its page map
    page_map: PageMap | None = None  # for the EPUB: the print PDF's page map, when rendered before it
    text_size: int = 0  # the text laid out, in model nodes: what its layout costs
    play: int = -1  # a proof part: the index of its play
    # The proof: each play's laid-out part (ProofPart), None for those still to lay out.
    parts: tuple[ProofPart | None, ...] = ()
    since_commit: str = ""  # the commit `since` names

    def given(self, prerequisites: list[Artifact]) -> RenderTask:
        """This task, with what the tasks it waited for made: the print PDF's page map (an
        EPUB), the parts still missing, in play order (a proof)."""
        if self.kind == "proof":
            laid_out = iter(artifact.part for artifact in prerequisites)
            return dataclasses.replace(self, parts=tuple(part if part is not None else next(laid_out)
                                                          for part in self.parts))
        return dataclasses.replace(self, page_map=prerequisites[0].page_map)

    def part_task(self, index: int) -> RenderTask:
        """The task laying out the proof of play `index` of this (proof) task's book."""
        play = self.job.book.plays[index]
        key = (part_key(self.job, index, self.stamp, self.modified, self.since_commit)
               if self.cache_folder else "")
        return dataclasses.replace(self, kind="proof-part", play=index, key=key,
                                   text_size=len(play.meta.title) + text_size(play))

    def describe(self) -> str:
        """Which output this is, for a message: `the pdf of book 'drafts'`."""
        source = f"book {self.job.id!r}" if self.job.config else next(iter(self.job.manuscripts), self.job.id)
        return f"the {self.kind} of {source}"

    def label(self) -> str:
        """What the progress display calls it: `drafts: proof` or `drafts: proof, play 2`."""
        if self.kind == "proof-part":
            return f"{self.job.id}: proof, play {self.play + 1}"
        return f"{self.job.id}: {self.kind}"

    def lays_out(self) -> bool:
        """Whether this render lays a document out with WeasyPrint: the PDFs and the proof's
        parts and front do, and the EPUB when it has no page map from the print PDF."""
        return self.kind != "epub" or self.page_map is None

    def weight(self) -> int:
        """Rough cost, to start the longest renders first: the text laid out (an EPUB and a
        proof's front lay out much less than their book's text)."""
        return self.text_size // 10 if self.kind in ("epub", "proof") else self.text_size


def _tasks(job: BookJob, outputs: tuple[str, ...], outdir: Path, since: str | None,
           profile: str | None, cache: Cache | None) -> list[RenderTask]:
    stamp, modified = build_stamp(job.root, list(job.manuscripts.values()))
    settings = job.settings.with_profile(profile)
    commit = since_commit(job.root, since) if since else ""
    folder = cache.folder if cache else None
    # Walks of the whole model, once per book rather than once per output: a long book's
    # model takes a while to walk.
    images = image_identities(job) if folder else []
    layout = layout_key(job, stamp, modified, settings, images) if folder else ""
    size = sum(len(p.meta.title) + text_size(p) for p in job.book.plays)
    tasks = []
    for kind in outputs:
        if kind not in OUTPUTS:
            raise ValueError(f"unknown output {kind!r}; expected one of {OUTPUTS}")
        target = outdir / (f"{job.id}-proof.pdf" if kind == "proof" else f"{job.id}.{kind}")
        key = output_key(job, kind, stamp, modified, settings, commit, images) if folder else ""
        tasks.append(RenderTask(job, kind, target, settings, stamp, modified, since, key, folder,
                                layout, text_size=size, since_commit=commit))
    return tasks


def _reuse(task: RenderTask, cache: Cache | None) -> Artifact | None:
    """The cached output copied to its target, when the cache holds it."""
    entry = cache.file(task.kind, task.key, task.job.id) if cache and task.key else None
    if cache:
        cache.note(task.kind, task.job.id, entry is not None)
    if entry is None:
        return None
    data, info = entry
    copy_out(data, task.target)
    return Artifact(task.kind, task.target, info.get("pages"), len(data), reused=True,
                    loosest_space=info.get("loosest_space"))


def _reuse_part(task: RenderTask, cache: Cache | None) -> ProofPart | None:
    """A play's proof part from the cache, when it holds it."""
    entry = cache.file(task.kind, task.key, task.label()) if cache and task.key else None
    if cache:
        cache.note(task.kind, task.label(), entry is not None)
    if entry is None:
        return None
    data, info = entry
    anchors = {name: tuple(place) for name, place in info["anchors"].items()}
    return ProofPart(task.play, data, info["pages"], anchors, info["bookmarks"],
                     tuple(info["changes"]))


def run_task(task: RenderTask) -> Artifact:
    """Render one output, or one part of one (in this process or a render process), and
    keep it in the cache."""
    cache = Cache(task.cache_folder)
    files = ProjectFiles(task.job.root)
    if task.kind == "proof-part":
        part = render_proof_part(task.job, files, task.stamp, task.modified, task.play,
                                 task.since_commit, cache)
        if task.key:
            cache.keep_bytes(task.kind, task.key, part.pdf, {"pages": part.pages, "anchors": part.anchors,
                                                             "bookmarks": part.bookmarks,
                                                             "changes": part.changes})
        return Artifact(task.kind, task.target, part.pages, len(part.pdf), part=part)
    artifact = render(task.kind, task.job, files, task.stamp, task.modified, task.target,
                      task.settings, task.since, cache, task.layout_key, task.page_map, task.parts)
    if task.key:
        cache.keep_file(task.kind, task.key, task.target,
                        {"pages": artifact.pages, "loosest_space": artifact.loosest_space})
    return dataclasses.replace(artifact, discarded=tuple(cache.discarded))


