"""`publish clean`: removes what builds wrote, keeps dist/.gitkeep and everything else."""

from __future__ import annotations

from cli_support import make_project, run_cli


def test_clean_removes_outputs_and_cache_only(tmp_path):
    root = make_project(tmp_path / "project")
    dist = root / "dist"
    dist.mkdir()
    for name in (".gitkeep", "finished.pdf", "finished.epub", ".finished.pdf.x.tmp"):
        (dist / name).write_bytes(b"x")
    (dist / "out").mkdir()
    (dist / "out" / "a.pdf").write_bytes(b"x")
    (root / ".cache" / "models").mkdir(parents=True)
    (root / ".cache" / "models" / "a.json").write_text("{}")
    result = run_cli("clean", cwd=root / "manuscript")  # from a subfolder of the project
    assert result.returncode == 0, result.stderr
    assert "removed dist/finished.pdf" in result.stdout
    assert sorted(p.name for p in dist.iterdir()) == [".gitkeep"]
    assert not (root / ".cache").exists()
    assert (root / "book.yaml").is_file() and (root / "manuscript/clean.md").is_file()
    again = run_cli("clean", cwd=root)
    assert (again.returncode, again.stdout.strip()) == (0, "nothing to remove")


def test_clean_never_follows_a_link_out_of_the_project(tmp_path):
    root = make_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.pdf").write_bytes(b"x")
    (root / "dist").mkdir()
    (root / "dist" / "link").symlink_to(elsewhere)
    assert run_cli("clean", "--quiet", cwd=root).returncode == 0
    assert (elsewhere / "precious.pdf").is_file()
    assert not (root / "dist" / "link").exists()


def test_clean_outside_a_project_is_a_configuration_error(tmp_path):
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "keep.pdf").write_bytes(b"x")
    result = run_cli("clean", cwd=tmp_path)
    assert result.returncode == 3
    assert (tmp_path / "dist" / "keep.pdf").is_file()
