"""`make bench`: our `publish all` against the peer pipeline (bench/peer.sh: pandoc -t epub3,
and pandoc -t html5 -s | weasyprint), on the same manuscripts, in one run on this machine.

Scenarios: (a) the default books of book.yaml; (b) one long play: a single manuscript of
about 180 kB in 7 or more divisions, made at bench time from the corpus plays (or, without
../shared, from the repository's own manuscripts and fixtures); (c) a large book made at
bench time from the author's corpus (../shared/corpus, never copied into the repository):
the latest version of each play, repeated to about 330 print pages (1x), and 5x and 20x that.

Each paired run times, alternating which goes first: our cold build (no .cache/), the peer,
our rebuild with nothing changed, and (default books) our rebuild after one play of the
three-play `drafts` book (or the long play's last division) was edited. Medians and median
paired ratios go to BENCHMARKS.md.

    python bench/run.py [--runs 5] [--large-runs 3] [--scales 1,5,20] [--out BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = REPO.parent / "shared" / "corpus"
BIN = Path(sys.executable).parent
EPOCH = "1700000000"
BYTES_PER_PAGE = 1700  # Markdown per print page of the corpus plays (3 repeats gave 213 pages)
EDITED = "manuscript/drafts/llm-successes.md"
LONG_PLAY_BYTES = 180_000
LONG_PLAY = "long/long-play.md"


def measure(command: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Wall seconds and peak MB of the largest process of one command (bench/measure.py)."""
    result = subprocess.run([sys.executable, str(HERE / "measure.py"), *command], cwd=cwd,
                            env=env, capture_output=True, text=True, check=True)
    data = json.loads(result.stdout)
    if data["status"] != 0:
        raise SystemExit(f"failed ({data['status']}): {' '.join(command)} in {cwd}")
    return data


def environment() -> dict:
    import pypandoc
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_COLOR": "1",
            "PANDOC": pypandoc.get_pandoc_path(), "WEASYPRINT": str(BIN / "weasyprint")}


# ---------------------------------------------------------------- projects


def default_project(folder: Path) -> tuple[Path, list[tuple[str, str, list[str]]]]:
    """A copy of this project's book.yaml and manuscripts; its books as (id, title, files)."""
    root = folder / "default"
    root.mkdir()
    shutil.copy2(REPO / "book.yaml", root / "book.yaml")
    shutil.copytree(REPO / "manuscript", root / "manuscript")
    sys.path.insert(0, str(REPO))
    from publish.config import load
    books = [(b.id, b.title, list(b.manuscripts)) for b in load(root).books]
    return root, books


def corpus_plays() -> list[Path]:
    """The latest version of each play in the corpus."""
    return [sorted(folder.glob("*.md"))[-1] for folder in sorted(CORPUS.iterdir())
            if folder.is_dir() and any(folder.glob("*.md"))]


def large_project(folder: Path, scale: int) -> tuple[Path, list[tuple[str, str, list[str]]]]:
    """The corpus plays repeated to about 330 pages, times `scale`: one book, `draft: true`
    (some drafts show remote images, which a release book refuses)."""
    root = folder / f"large-{scale}x"
    (root / "m").mkdir(parents=True)
    for image in (CORPUS / "images").iterdir():
        shutil.copy2(image, root / "m" / image.name)
    plays = corpus_plays()
    size = sum(p.stat().st_size for p in plays)
    repeats = max(1, round(330 * BYTES_PER_PAGE / size)) * scale
    files = []
    for n in range(repeats):
        for play in plays:
            name = f"m/{n + 1:03d}-{play.parent.name}.md"
            shutil.copyfile(play, root / name)
            files.append(name)
    listing = "\n".join(f"      - {name}" for name in files)
    (root / "book.yaml").write_text(
        "defaults:\n  author: Zack M. Davis\n  language: en\n"
        f"books:\n  large:\n    title: The Corpus, {scale}x\n    draft: true\n"
        f"    manuscripts:\n{listing}\n", encoding="utf-8")
    return root, [("large", f"The Corpus, {scale}x", files)]


def long_play_sources() -> list[Path]:
    """The plays a long play is made of: the corpus's latest versions, else our own."""
    if CORPUS.is_dir():
        return corpus_plays()
    return sorted((REPO / "manuscript").rglob("*.md")) + sorted((REPO / "tests" / "fixtures").glob("*.md"))


def long_play_text(sources: list[Path], size: int = LONG_PLAY_BYTES) -> str:
    """One play of about `size` bytes: each source's text, in turn, as a division of its own
    (its title a `### Part N:` heading, its own headings one level down and kept as text
    where they would be a title), until the size is reached; at least seven divisions."""
    parts, total, number = ["## One Long Play: A Benchmark", ""], 0, 0
    while total < size or number < 7:
        for source in sources:
            number += 1
            lines = source.read_text(encoding="utf-8").splitlines()
            title = next((line.lstrip("# ").strip() for line in lines if line.startswith("#")), source.stem)
            body = [line for line in lines if not line.startswith("## ") and not line.startswith("# ")]
            body = [f"**{line.lstrip('#').strip()}**" if line.startswith("###") else line for line in body]
            chunk = f"### Part {number}: {title}\n\n" + "\n".join(body) + "\n"
            parts.append(chunk)
            total += len(chunk.encode("utf-8"))
            if total >= size and number >= 7:
                break
    return "\n".join(parts)


def long_play_project(folder: Path) -> tuple[Path, list[tuple[str, str, list[str]]]]:
    """One book holding one long play (`draft: true`: some sources show remote images)."""
    root = folder / "long"
    (root / "long").mkdir(parents=True)
    if (CORPUS / "images").is_dir():
        for image in (CORPUS / "images").iterdir():
            shutil.copy2(image, root / "long" / image.name)
    (root / LONG_PLAY).write_text(long_play_text(long_play_sources()), encoding="utf-8")
    (root / "book.yaml").write_text(
        "defaults:\n  author: Zack M. Davis\n  language: en\n"
        f"books:\n  long:\n    title: One Long Play\n    draft: true\n"
        f"    manuscripts: [{LONG_PLAY}]\n", encoding="utf-8")
    return root, [("long", "One Long Play", [LONG_PLAY])]


# ---------------------------------------------------------------- one paired run


def ours(root: Path, env: dict) -> dict:
    return measure([str(BIN / "publish"), "all", "-q", "-o", "out"], root, env)


def peer(root: Path, books, env: dict) -> dict:
    """The peer script, book after book, as a user's script would run it."""
    (root / "peer").mkdir(exist_ok=True)
    runs = [measure([str(HERE / "peer.sh"), f"peer/{book_id}", title, *files], root, env)
            for book_id, title, files in books]
    return {"seconds": sum(r["seconds"] for r in runs), "peak_mb": max(r["peak_mb"] for r in runs)}


def paired_run(root: Path, books, env: dict, index: int, edit: str | None) -> dict:
    shutil.rmtree(root / ".cache", ignore_errors=True)
    shutil.rmtree(root / "out", ignore_errors=True)
    if index % 2:
        theirs, cold = peer(root, books, env), ours(root, env)
    else:
        cold, theirs = ours(root, env), peer(root, books, env)
    result = {"cold": cold, "peer": theirs, "unchanged": ours(root, env)}
    if edit:
        path = root / edit
        original = path.read_bytes()
        path.write_bytes(original + f"\n**Simplicia**: An edit, run {index}.\n".encode())
        result["edited"] = ours(root, env)
        path.write_bytes(original)
    parse = subprocess.run([sys.executable, str(HERE / "phases.py"), "parse"], cwd=root, env=env,
                           capture_output=True, text=True, check=True)
    result["parse"] = json.loads(parse.stdout)["seconds"]
    return result


def pages(pdf: Path) -> int:
    import pypdf
    return len(pypdf.PdfReader(pdf).pages)


def weasyprint_alone(root: Path, book_id: str, env: dict) -> dict:
    """WeasyPrint's own peak and time on the HTML our processes lay out (print and proof)."""
    print_pages = pages(root / "out" / f"{book_id}.pdf")
    subprocess.run([sys.executable, str(HERE / "phases.py"), "html", book_id, "html",
                    str(print_pages)], cwd=root, env=env, check=True)
    alone = {}
    for kind in ("print", "proof"):
        alone[kind] = measure([str(BIN / "weasyprint"), "-q", f"html/{kind}.html", f"html/{kind}.pdf"],
                              root, env)
    return alone


def scenario(name: str, root: Path, books, runs: int, env: dict, edit: str | None,
             alone: bool) -> dict:
    results = []
    for index in range(runs):
        results.append(paired_run(root, books, env, index, edit))
        cold, theirs = results[-1]["cold"]["seconds"], results[-1]["peer"]["seconds"]
        print(f"{name} run {index + 1}/{runs}: ours {cold:.1f}s, peer {theirs:.1f}s", file=sys.stderr)
    summary = {"runs": runs, "raw": results,
               "pages": {b: pages(root / "out" / f"{b}.pdf") for b, _, _ in books},
               "proof_pages": {b: pages(root / "out" / f"{b}-proof.pdf") for b, _, _ in books},
               "peer_pages": {b: pages(root / "peer" / f"{b}.pdf") for b, _, _ in books}}
    if alone:
        summary["alone"] = weasyprint_alone(root, books[0][0], env)
    return summary


# ---------------------------------------------------------------- the table


def median(values) -> float:
    return statistics.median(values)


def row(name: str, s: dict) -> dict:
    raw = s["raw"]
    cold = [r["cold"]["seconds"] for r in raw]
    out = {
        "name": name, "runs": s["runs"], "pages": sum(s["pages"].values()),
        "proof_pages": sum(s["proof_pages"].values()), "peer_pages": sum(s["peer_pages"].values()),
        "cold": median(cold), "peer": median(r["peer"]["seconds"] for r in raw),
        "ratio": median(r["cold"]["seconds"] / r["peer"]["seconds"] for r in raw),
        "unchanged": median(r["unchanged"]["seconds"] for r in raw),
        "unchanged_ratio": median(r["unchanged"]["seconds"] / r["cold"]["seconds"] for r in raw),
        "parse_share": median(r["parse"] / r["cold"]["seconds"] for r in raw),
        "peak": max(r["cold"]["peak_mb"] for r in raw),
        "peer_peak": max(r["peer"]["peak_mb"] for r in raw),
    }
    if "edited" in raw[0]:
        out["edited"] = median(r["edited"]["seconds"] for r in raw)
        out["edited_ratio"] = median(r["edited"]["seconds"] / r["cold"]["seconds"] for r in raw)
    if "alone" in s:
        out["alone_peak"] = max(a["peak_mb"] for a in s["alone"].values())
        out["alone_seconds"] = sum(a["seconds"] for a in s["alone"].values())
    return out


def versions() -> str:
    from importlib import metadata

    import pypandoc
    names = ("weasyprint", "ebooklib", "pypandoc-binary")
    libs = ", ".join(f"{n} {metadata.version(n)}" for n in names)
    return f"Python {platform.python_version()}, pandoc {pypandoc.get_pandoc_version()}, {libs}"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in
                   Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), 0)
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), {memory} GB"


def table(rows: list[dict], notes: list[str]) -> str:
    lines = [
        "# Benchmarks", "",
        f"Written by `make bench` (bench/run.py) on {dt.date.today().isoformat()}.", "",
        f"- Machine: {machine()}; load average when the run ended: {os.getloadavg()[0]:.1f}",
        "  (anything else running makes times noisy: the ratios are paired, same run, order",
        "  alternated, and their medians are shown).",
        f"- Versions: {versions()}.",
        "- Ours: `publish all` (print PDF + EPUB + proof), default `--jobs` (one render process",
        "  per core). Peer: bench/peer.sh, book after book (PDF + EPUB only).",
        "- Peak: the largest single process (ru_maxrss), render processes included.", "",
        "| scenario | runs | pages (print/proof/peer) | ours cold s | peer s | cold/peer | "
        "unchanged s | unchanged/cold | one play edited s | edited/cold | parse share | "
        "peak MB ours | peak MB peer | WeasyPrint alone peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        edited = (f"{r['edited']:.2f} | {r['edited_ratio']:.2f}x" if "edited" in r else "– | –")
        alone = f"{r['alone_peak']:.0f}" if "alone_peak" in r else "–"
        lines.append(
            f"| {r['name']} | {r['runs']} | {r['pages']}/{r['proof_pages']}/{r['peer_pages']} | "
            f"{r['cold']:.2f} | {r['peer']:.2f} | {r['ratio']:.2f}x | {r['unchanged']:.2f} | "
            f"{r['unchanged_ratio']:.3f}x | {edited} | {r['parse_share']:.1%} | "
            f"{r['peak']:.0f} | {r['peer_peak']:.0f} | {alone} |")
    lines += ["", *notes, ""]
    return "\n".join(lines)


def targets(rows: list[dict]) -> list[str]:
    notes = ["## Targets (issue 7)", ""]
    by_name = {r["name"]: r for r in rows}
    for r in rows:
        notes.append(f"- {r['name']}: cold/peer {r['ratio']:.2f}x (target <= 1.0: "
                     f"{'met' if r['ratio'] <= 1.0 else 'NOT met'}); unchanged/cold "
                     f"{r['unchanged_ratio']:.3f}x "
                     f"(<= 0.1: {'met' if r['unchanged_ratio'] <= 0.1 else 'NOT met'}); "
                     f"parse share {r['parse_share']:.1%} "
                     f"(<= 5%: {'met' if r['parse_share'] <= 0.05 else 'NOT met'})")
        if "alone_peak" in r:
            ratio = r["peak"] / r["alone_peak"]
            notes.append(f"  - peak memory ours/WeasyPrint alone on our largest HTML: {ratio:.2f}x "
                         f"(<= 1.2: {'met' if ratio <= 1.2 else 'NOT met'})")
    if "large 1x" in by_name and "large 5x" in by_name:
        ratio = by_name["large 5x"]["cold"] / by_name["large 1x"]["cold"]
        notes.append(f"- time per page, 5x cold / 1x cold = {ratio:.2f}x (flat would be 5.0x)")
    if "large 5x" in by_name and "large 20x" in by_name:
        ratio = by_name["large 20x"]["cold"] / by_name["large 5x"]["cold"]
        notes.append(f"- time per page: 20x cold / 5x cold = {ratio:.2f}x (<= 4.4: "
                     f"{'met' if ratio <= 4.4 else 'NOT met'})")
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="paired runs of the default books and 1x")
    parser.add_argument("--large-runs", type=int, default=5, help="paired runs of 5x and larger")
    parser.add_argument("--scales", default="1,5,20", help="large-book scales (comma-separated)")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    args = parser.parse_args()
    env = environment()
    rows = []
    with tempfile.TemporaryDirectory(prefix="publish-bench-") as folder:
        root, books = default_project(Path(folder))
        rows.append(row("default books", scenario("default", root, books, args.runs, env,
                                                  edit=EDITED, alone=False)))
        root, books = long_play_project(Path(folder))
        rows.append(row("one long play", scenario("one long play", root, books, args.runs, env,
                                                  edit=LONG_PLAY, alone=True)))
        shutil.rmtree(root)
        if not CORPUS.is_dir():
            print("no ../shared/corpus beside the checkout: the large book is not measured",
                  file=sys.stderr)
        for scale in (int(s) for s in args.scales.split(",") if s and CORPUS.is_dir()):
            root, books = large_project(Path(folder), scale)
            runs = args.runs if scale <= 1 else args.large_runs
            rows.append(row(f"large {scale}x", scenario(f"large {scale}x", root, books, runs, env,
                                                        edit=None, alone=True)))
            shutil.rmtree(root)
    text = table(rows, targets(rows) + [f"Command: `{' '.join(sys.argv)}`"])
    args.out.write_text(text + kept_history(args.out), encoding="utf-8")
    print(text)


HISTORY = "## Measurements behind the code"


def kept_history(path: Path) -> str:
    """What BENCHMARKS.md holds from HISTORY on (the figures behind design choices, moved
    out of code comments): kept when a run rewrites the tables above it."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    at = old.find(HISTORY)
    return "\n" + old[at:] if at >= 0 else ""


if __name__ == "__main__":
    main()
