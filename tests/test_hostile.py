"""Issue 8: hostile and broken input. Each case has its expected outcome: a clear diagnostic
naming file, line and column, or a safe result; a documented exit status; never a traceback;
nothing read from outside the project; nothing remote; no script in any output.

Exit statuses (publish/errors.py): 1 the manuscripts have errors, 3 configuration, 4 input.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import run_cli

SECRET = "TOPSECRET-4f1d2c"  # planted outside the project; must never reach an output

CAST_YAML = """
plays:
  play.md:
    cast:
      - {id: simplicia, name: Simplicia}
      - {id: doomimir, name: Doomimir}
"""


def project(tmp_path: Path, manuscript: bytes | str = "## T\n\n**Simplicia**: Hi.\n",
            book_yaml: str | None = None, draft: bool = False) -> Path:
    """A project in tmp_path/project with one manuscript `play.md`, and a secret beside it."""
    root = tmp_path / "project"
    root.mkdir(parents=True)
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    data = manuscript.encode("utf-8") if isinstance(manuscript, str) else manuscript
    (root / "play.md").write_bytes(data)
    if book_yaml is None:
        book_yaml = CAST_YAML + f"books:\n  b:\n    title: B\n    draft: {str(draft).lower()}\n" \
                                "    manuscripts: [play.md]\n"
    (root / "book.yaml").write_text(book_yaml, encoding="utf-8")
    return root


def assert_clean_failure(result, status: int, pattern: str) -> None:
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert re.search(pattern, result.stderr + result.stdout), result.stderr + result.stdout


def output_texts(dist: Path) -> str:
    """Everything the outputs say: PDF text and every file inside each EPUB."""
    import pdfplumber
    parts = []
    for pdf_path in sorted(dist.glob("*.pdf")):
        with pdfplumber.open(pdf_path) as pdf:
            parts += [page.extract_text() or "" for page in pdf.pages]
    for epub_path in sorted(dist.glob("*.epub")):
        with zipfile.ZipFile(epub_path) as epub:
            parts += [epub.read(name).decode("utf-8", "replace") for name in epub.namelist()]
    return "\n".join(parts)


# ---------------------------------------------------------------- encodings and sizes


def test_non_utf8_bytes_name_file_line_and_column(tmp_path: Path) -> None:
    root = project(tmp_path, b"## T\n\n**Simplicia**: caf\xe9\n")
    assert_clean_failure(run_cli("check", cwd=root), 4, r"play\.md:3:19: error: not valid UTF-8")


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    root = project(tmp_path, "## T\n\n**Simplicia**: Hi.\n".encode("utf-16"))
    result = run_cli("ast", "play.md", cwd=root)
    assert result.returncode == 0, result.stderr
    assert '"speakers": [\n    "simplicia"' in result.stdout.replace("  ", " ").replace(" \n", "\n") \
        or '"simplicia"' in result.stdout


def test_utf8_bom_does_not_hide_the_title(tmp_path: Path) -> None:
    root = project(tmp_path, b"\xef\xbb\xbf## The Title\n\n**Simplicia**: Hi.\n")
    result = run_cli("ast", "play.md", cwd=root)
    assert result.returncode == 0 and '"title": "The Title"' in result.stdout


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"], ids=["crlf", "cr"])
def test_crlf_and_cr_give_the_lf_model(tmp_path: Path, newline: bytes) -> None:
    text = b"## T\n\n**Simplicia**: Hi.\nMore.\n\n_[A beat.]_\n"
    lf = project(tmp_path / "lf", text)
    other = project(tmp_path / "other", text.replace(b"\n", newline))
    assert run_cli("ast", "play.md", cwd=lf).stdout == run_cli("ast", "play.md", cwd=other).stdout


def test_empty_file_is_an_empty_play(tmp_path: Path) -> None:
    root = project(tmp_path, b"")
    result = run_cli("ast", "play.md", cwd=root)
    assert result.returncode == 0 and '"type": "play"' in result.stdout


def test_binary_file_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert_clean_failure(run_cli("check", cwd=root), 4, r"play\.md:\d+:\d+: error: contains NUL bytes")


def test_50_mb_manuscript_is_refused_quickly(tmp_path: Path) -> None:
    root = project(tmp_path, b"**Simplicia**: " + b"word " * (10 * 1024 * 1024))
    assert_clean_failure(run_cli("check", cwd=root, timeout=30), 4, r"play\.md: error: .*limit is 5 MB")


@pytest.mark.parametrize("text", [
    "".join("  " * i + "* x\n" for i in range(300)),
    ">" * 10000 + " x\n",
    "".join(">" * i + " x\n" for i in range(1, 200)),
], ids=["lists", "quotes-one-line", "quotes-growing"])
def test_deep_nesting_is_refused_with_its_line(tmp_path: Path, text: str) -> None:
    root = project(tmp_path, text)
    assert_clean_failure(run_cli("check", cwd=root, timeout=60), 4,
                         r"play\.md:\d+:1: error: block quotes or lists nested \d+ deep")


def test_ten_thousand_brackets_are_fast_and_reported_once(tmp_path: Path) -> None:
    root = project(tmp_path, "**Simplicia**: " + "[" * 10000 + "\n")
    result = run_cli("check", cwd=root, timeout=60)
    assert result.returncode == 0
    assert result.stdout.count("[M202]") == 1


def test_unclosed_bracket_at_end_of_file(tmp_path: Path) -> None:
    root = project(tmp_path, "## T\n\n**Simplicia**: Hi.\n\n[TODO: unfinished")
    result = run_cli("check", cwd=root)
    assert result.returncode == 0
    assert re.search(r"play\.md:5:1: warning\[M202\]: editorial note never closes", result.stdout)


def test_directory_and_missing_file_on_the_command_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "folder.md").mkdir()
    # click refuses a directory before publish runs: a usage error (2), in one clear line
    assert_clean_failure(run_cli("check", "folder.md", cwd=root), 2, r"'folder\.md' is a directory")
    assert_clean_failure(run_cli("check", "nope.md", cwd=root), 4, r"nope\.md: error: manuscript not found")


# ---------------------------------------------------------------- book.yaml


@pytest.mark.parametrize("yaml_text, pattern", [
    (CAST_YAML + "books:\n  b:\n    title: B\n    manuscripts: [gone.md]\n",
     r"book\.yaml:\d+:\d+: error: manuscript 'gone\.md' does not exist"),
    ("books:\n  b: [\n", r"book\.yaml:\d+:\d+: error: YAML syntax error"),
    ("books:\n  b:\n    title: [not, text]\n    manuscripts: [play.md]\n",
     r"book\.yaml:3:12: error: title must be text"),
    ("books:\n  b:\n    titel: B\n    manuscripts: [play.md]\n",
     r"book\.yaml:3:5: error: unknown key 'titel' in books\.b; did you mean 'title'\?"),
    ("books:\n  b:\n    title: !!python/object:os.system echo\n    manuscripts: [play.md]\n",
     r"book\.yaml:3:12: error: YAML tag .*python/object.* is not allowed"),
    ("plays:\n  play.md:\n    cast:\n      - {id: a, name: A}\n      - {id: a, name: B}\n"
     "books:\n  b:\n    title: B\n    manuscripts: [play.md]\n",
     r"book\.yaml:5:9: error: duplicate cast id 'a'"),
    ("books:\n  b:\n    title: B\n    manuscripts: [../secret.txt]\n",
     r"book\.yaml:4:19: error: manuscript '\.\./secret\.txt' is outside the project"),
    ("", r"book\.yaml:1:1: error: book\.yaml is empty"),
], ids=["missing-manuscript", "syntax", "wrong-type", "unknown-key", "python-tag", "duplicate-cast",
        "outside", "empty"])
def test_bad_book_yaml(tmp_path: Path, yaml_text: str, pattern: str) -> None:
    root = project(tmp_path, book_yaml=yaml_text)
    assert_clean_failure(run_cli("all", cwd=root), 3, pattern)


# ---------------------------------------------------------------- images


def big_png_header(path: Path, width: int, height: int) -> None:
    """A PNG whose header claims enormous dimensions (a decompression bomb's calling card)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
                     + struct.pack(">I", zlib.crc32(chunk)))


IMAGE_CASES = {
    "missing": ("missing.png", "M301", None),
    "http": ("http://example.com/x.png", "M302", None),
    "https": ("https://example.com/x.png", "M302", None),
    "file-url": ("file:///etc/passwd", "M302", None),
    "parent": ("../secret.txt", "M301", None),
    "absolute-device": ("/dev/urandom", "M301", None),
    "symlink-out": ("link.png", "M301", "symlink"),
    "zero-bytes": ("zero.png", "M303", "zero"),
    "not-an-image": ("text.png", "M303", "text"),
    "enormous": ("huge.png", "M303", "huge"),
    "svg-external": ("ext.svg", "M303", "svg"),
}


@pytest.mark.parametrize("case", sorted(IMAGE_CASES))
def test_bad_images_fail_a_release_and_read_nothing_outside(tmp_path: Path, case: str) -> None:
    url, code, setup = IMAGE_CASES[case]
    root = project(tmp_path, f"## T\n\n**Simplicia**: Look.\n\n![a picture]({url})\n")
    if setup == "symlink":
        os.symlink(tmp_path / "secret.txt", root / "link.png")
    elif setup == "zero":
        (root / "zero.png").write_bytes(b"")
    elif setup == "text":
        (root / "text.png").write_text("I am not a PNG", encoding="utf-8")
    elif setup == "huge":
        big_png_header(root / "huge.png", 100_000, 100_000)
    elif setup == "svg":
        (root / "ext.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            '<image xlink:href="file:///etc/passwd"/><image href="http://example.com/x.png"/></svg>',
            encoding="utf-8")
    result = run_cli("pdf", cwd=root)
    assert_clean_failure(result, 1, rf"play\.md:5:1: error\[{code}\]")
    assert not list((root / "dist").glob("*.pdf")), "a release with a bad image must write nothing"


def test_bad_images_are_placeholders_in_a_draft_and_leak_nothing(tmp_path: Path) -> None:
    lines = [f"![{case}]({url})" for case, (url, _, setup) in sorted(IMAGE_CASES.items()) if not setup]
    root = project(tmp_path, "## T\n\n**Simplicia**: Look.\n\n" + "\n\n".join(lines) + "\n", draft=True)
    os.symlink(tmp_path / "secret.txt", root / "link.png")
    (root / "play.md").write_text((root / "play.md").read_text() + "\n![l](link.png)\n")
    result = run_cli("all", cwd=root)
    assert result.returncode == 0, result.stderr
    texts = output_texts(root / "dist")
    assert SECRET not in texts and "root:x:0:0" not in texts
    assert "missing image" in texts  # the proof's placeholder


# ---------------------------------------------------------------- raw HTML and injection

HOSTILE_HTML = """## T

**Simplicia**: <script>alert('x')</script> and <iframe src="http://example.com/"></iframe>

<object data="http://example.com/x.swf"></object>

<link rel=stylesheet href=http://example.com/x.css>

<style>@import url(http://example.com/x.css); body { display: none }</style>

<img src="file:///etc/passwd" onerror="alert(1)">

**Doomimir**: <b onclick="alert(1)">bold?</b> [a link](javascript:alert(1)) and *styled*{style="color:red"}
"""


def test_raw_html_is_text_never_markup(tmp_path: Path) -> None:
    from lxml import etree
    root = project(tmp_path, HOSTILE_HTML)
    result = run_cli("all", cwd=root)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(root / "dist" / "b.epub") as epub:
        for name in epub.namelist():
            data = epub.read(name)
            if not name.endswith(".xhtml"):
                continue
            tree = etree.fromstring(data)
            tags = {etree.QName(el).localname for el in tree.iter() if isinstance(el.tag, str)}
            assert not tags & {"script", "iframe", "object", "embed", "style"}, (name, tags)
            for element in tree.iter():
                if not isinstance(element.tag, str):
                    continue
                assert not [a for a in element.attrib if a.lower().startswith("on")], name
                for attribute in ("src", "href"):
                    value = element.get(attribute, "")
                    assert not value.startswith(("javascript:", "file:")), (name, value)
                    if etree.QName(element).localname in ("link", "img"):
                        assert not value.startswith("http"), (name, value)
            assert b"http://example.com/x.css" not in data or b"&lt;link" in data or b"@import" in data
    texts = output_texts(root / "dist")
    assert "<script>alert('x')</script>" in texts.replace("‘", "'").replace("’", "'") or \
        "alert" in texts  # shown as the words the author typed
    assert "root:x:0:0" not in texts


def test_no_output_references_a_remote_resource(tmp_path: Path) -> None:
    root = project(tmp_path, HOSTILE_HTML)
    assert run_cli("epub", cwd=root).returncode == 0
    with zipfile.ZipFile(root / "dist" / "b.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode("utf-8")
    assert "remote-resources" not in opf
    assert "http://example.com" not in re.sub(r"<dc:source[^>]*>.*?</dc:source>", "", opf)
