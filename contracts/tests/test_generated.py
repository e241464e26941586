"""The committed JSON Schema files and AsyncAPI document are exactly what the models generate."""

from __future__ import annotations

import json
import re

from jsonschema import Draft202012Validator
from wuyi_contracts.catalog import EVENT_TYPES
from wuyi_contracts.generate import ASYNCAPI_FILE, SCHEMA_DIR, rendered
from wuyi_contracts.registry import GridRegistered

TYPE_NAME = re.compile(r"^cn\.wuyi\.[a-z]+\.[a-z_]+\.[a-z_]+\.v[0-9]+$")


def test_committed_files_match_the_models():
    stale = [
        path.name
        for path, text in rendered().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"run `python -m wuyi_contracts.generate`; stale: {stale}"


def test_no_orphan_schema_files_remain():
    expected = {path.name for path in rendered() if path.parent == SCHEMA_DIR}
    assert {path.name for path in SCHEMA_DIR.glob("*.json")} == expected


def test_every_type_name_follows_the_convention():
    assert all(TYPE_NAME.match(name) for name in EVENT_TYPES)


def test_asyncapi_lists_every_event_on_its_topic():
    document = json.loads(ASYNCAPI_FILE.read_text(encoding="utf-8"))
    assert document["asyncapi"].startswith("3.")
    assert document["channels"]["registryEvents"]["address"] == "wuyi.registry.events"
    assert set(document["components"]["messages"]) == set(EVENT_TYPES)


def test_the_schema_accepts_model_output_and_rejects_extras():
    schema = json.loads((SCHEMA_DIR / f"{GridRegistered.event_type()}.json").read_text())
    validator = Draft202012Validator(schema)
    sample = GridRegistered(grid_id="g", name="n", level=3, entity_id="e", parent_grid_id="p")
    assert not list(validator.iter_errors(json.loads(sample.model_dump_json())))
    assert list(validator.iter_errors({**sample.model_dump(), "phone": "138"}))
