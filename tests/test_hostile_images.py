"""Issue 20, classes 5 and 6: the cover passes the checks every image passes (a regular file
inside the project, its size known before it is read, its type by content, its dimensions),
and an SVG with a DOCTYPE, entity declarations, scripts or references to other files is
refused wherever it is used. Before, a text file named `cover.png` gave exit 0 and a broken
EPUB, a 2 GB sparse cover took 43 s and 6.3 GB, and an SVG declaring an external entity was
shipped in the EPUB as it was.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import run_cli
from test_hostile import SECRET, assert_clean_failure, project

FAST = 60  # seconds: every refusal here happens before anything is rendered


def png(width: int = 4, height: int = 6) -> bytes:
    """A valid RGB PNG of the given size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image
    out = BytesIO()
    Image.new("RGB", (30, 40), (200, 100, 50)).save(out, "JPEG")
    return out.getvalue()


def with_cover(tmp_path: Path, name: str = "cover.png") -> Path:
    root = project(tmp_path, book_yaml=f"books:\n  b:\n    title: B\n    cover: {name}\n"
                                       "    manuscripts: [play.md]\n")
    return root


def test_a_sound_cover_is_used(tmp_path: Path) -> None:
    root = with_cover(tmp_path)
    (root / "cover.png").write_bytes(png(300, 450))
    result = run_cli("epub", cwd=root)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(root / "dist" / "b.epub") as archive:
        assert any(archive.read(name) == png(300, 450) for name in archive.namelist())


@pytest.mark.parametrize("make, pattern", [
    (lambda path: path.write_text("not a picture at all\n", encoding="utf-8"), r"not a readable image"),
    (lambda path: path.write_bytes(b""), r"empty"),
    (lambda path: path.write_bytes(png(300, 450)[:-20]), r"the image is damaged"),
    (lambda path: path.write_bytes(png(300, 450)[:-16] + b"\x00" * 4 + png()[-12:]), r"the image is damaged"),
    (lambda path: path.write_bytes(jpeg()), r"the file is JPEG, not what its name says"),
], ids=["text", "empty", "truncated", "bad-checksum", "jpeg-named-png"])
def test_a_cover_that_is_no_image_is_a_config_error(tmp_path: Path, make, pattern: str) -> None:
    root = with_cover(tmp_path)
    make(root / "cover.png")
    result = run_cli("all", cwd=root, timeout=FAST)
    assert_clean_failure(result, 3,
                         r"book\.yaml:4:\d+: error: cover 'cover\.png' is unusable: .*(" + pattern + ")")
    assert not (root / "dist").exists() or not list((root / "dist").iterdir())


def test_a_sparse_giant_cover_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """2 GB that take no disk: refused on its size alone (it took 43 s and 6.3 GB)."""
    root = with_cover(tmp_path)
    with open(root / "cover.png", "wb") as handle:
        handle.write(png()[:16])
        handle.truncate(2 * 1024 ** 3)
    result = run_cli("all", cwd=root, timeout=FAST)
    assert_clean_failure(result, 3,
                         r"cover 'cover\.png' is unusable: the file is 2048 MB; the limit is \d+ MB")


def test_a_cover_too_large_in_pixels_is_refused(tmp_path: Path) -> None:
    """A small file that decompresses to gigabytes: refused on the dimensions in its header."""
    root = with_cover(tmp_path)
    data = bytearray(png(4, 6))
    data[16:24] = struct.pack(">II", 100_000, 100_000)  # IHDR's width and height
    (root / "cover.png").write_bytes(bytes(data))
    result = run_cli("all", cwd=root, timeout=FAST)
    assert_clean_failure(result, 3, r"cover 'cover\.png' is unusable")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_cover_never_blocks(tmp_path: Path) -> None:
    root = with_cover(tmp_path)
    os.mkfifo(root / "cover.png")
    result = run_cli("all", cwd=root, timeout=FAST)
    assert_clean_failure(result, 3, r"cover 'cover\.png' is unusable: .*(FIFO|not a regular file|fifo)")


def test_a_folder_as_the_cover_is_refused(tmp_path: Path) -> None:
    root = with_cover(tmp_path)
    (root / "cover.png").mkdir()
    result = run_cli("all", cwd=root, timeout=FAST)
    assert_clean_failure(result, 3, r"cover 'cover\.png' is unusable|cover 'cover\.png'.*folder")


def test_a_cover_linked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    root = with_cover(tmp_path)
    (tmp_path / "outside.png").write_bytes(png())
    (root / "cover.png").symlink_to(tmp_path / "outside.png")
    result = run_cli("all", cwd=root, timeout=FAST)
    assert_clean_failure(result, 3, r"cover 'cover\.png' is outside the project")


SVGS = {
    "entity-file": ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file://{secret}">]>\n'
                    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&x;</text></svg>\n',
                    r"DOCTYPE"),
    "internal-entity": ('<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n'
                        '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>\n', r"DOCTYPE"),
    "script": ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n', r"<script>"),
    "event-handler": ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/>'
                      '</svg>\n', r"event handler"),
    "external-href": ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                      '<image xlink:href="file://{secret}" width="1" height="1"/></svg>\n',
                      r"references other files"),
    "css-import": ('<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://example.com/x.css);'
                   '</style></svg>\n', r"references other files"),
    "foreign-object": ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject>'
                       '</svg>\n', r"foreignobject"),
}


@pytest.mark.parametrize("name", sorted(SVGS))
def test_a_hostile_svg_fails_a_release_before_anything_is_written(tmp_path: Path, name: str) -> None:
    svg, why = SVGS[name]
    root = project(tmp_path, "## T\n\n**Simplicia**: Look.\n\n![a picture](picture.svg)\n")
    (root / "picture.svg").write_text(svg.replace("{secret}", str(tmp_path / "secret.txt")),
                                      encoding="utf-8")
    result = run_cli("all", cwd=root, timeout=FAST)
    assert_clean_failure(result, 1,
                         r"play\.md:5:1: error\[M303\]: image 'picture\.svg' is unusable: .*" + why)
    assert not (root / "dist").exists() or not list((root / "dist").iterdir())


@pytest.mark.parametrize("name", sorted(SVGS))
def test_a_draft_never_ships_a_hostile_svg(tmp_path: Path, name: str) -> None:
    """In a draft the image is a warning and a placeholder: the file itself goes nowhere."""
    svg, _ = SVGS[name]
    root = project(tmp_path, "## T\n\n**Simplicia**: Look.\n\n![a picture](picture.svg)\n", draft=True)
    (root / "picture.svg").write_text(svg.replace("{secret}", str(tmp_path / "secret.txt")),
                                      encoding="utf-8")
    result = run_cli("epub", cwd=root, timeout=FAST)
    assert result.returncode == 0, result.stderr
    assert "warning[M303]" in result.stderr
    with zipfile.ZipFile(root / "dist" / "b.epub") as archive:
        names = archive.namelist()
        shipped = b"".join(archive.read(name) for name in names)
    assert not any(name.endswith(".svg") for name in names), names
    assert b"ENTITY" not in shipped and b"alert(1)" not in shipped and SECRET.encode() not in shipped
