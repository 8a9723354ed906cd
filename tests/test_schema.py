"""Issue 3: the JSON model of `publish ast` has a JSON Schema in the repository that matches
the code, every seed's model validates against it, and `from_json(to_json(m)) == m`."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import FIXTURE_FILES, MANUSCRIPT_FILES, SEEDS_DIR, SHARED_PRESENT, run_cli
from publish import model as m
from publish.model.schema import model_schema
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema" / "model.schema.json"
# The repository's fixtures and manuscripts, and the author's seeds where ../shared is.
SEEDS = FIXTURE_FILES + MANUSCRIPT_FILES + (sorted(SEEDS_DIR.glob("*.txt")) if SHARED_PRESENT else [])


def test_committed_schema_is_the_generated_one() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == model_schema(), "run: publish schema model > schema/model.schema.json"


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_seed_models_validate_and_round_trip(seed: Path) -> None:
    play, _ = normalize(parse_markdown(seed.read_text(encoding="utf-8"), seed.name), seed.name)
    data = m.to_json(play)
    jsonschema.Draft202012Validator(model_schema()).validate(data)
    assert m.from_json(json.loads(json.dumps(data))) == play


def test_schema_rejects_a_wrong_model() -> None:
    bad = {"type": "play", "meta": {"type": "play_meta", "title": 3}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(model_schema()).validate(bad)


def test_publish_ast_output_validates(tmp_path: Path) -> None:
    manuscript = tmp_path / "p.md"
    manuscript.write_text("## T\n\n**A**: _[x]_ Hi. [TODO: y]\n\n**B**: Yo.\n", encoding="utf-8")
    result = run_cli("ast", "p.md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    jsonschema.Draft202012Validator(model_schema()).validate(json.loads(result.stdout))
