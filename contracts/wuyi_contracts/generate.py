"""Generate the committed JSON Schema files and the AsyncAPI 3 document from the models.

``python -m wuyi_contracts.generate`` rewrites them; a test fails when they are stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wuyi_contracts.catalog import EVENT_TYPES, SERVICES, events_of, topic_for

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schemas"
ASYNCAPI_FILE = ROOT / "asyncapi.json"


def event_schemas() -> dict[str, dict[str, Any]]:
    schemas = {}
    for event_type, model in sorted(EVENT_TYPES.items()):
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"urn:wuyi:event:{event_type}"
        schema["description"] = (model.__doc__ or event_type).strip().splitlines()[0]
        schemas[event_type] = schema
    return schemas


def asyncapi_document() -> dict[str, Any]:
    schemas = event_schemas()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for service in SERVICES:
        refs = {}
        for model in events_of(service):
            name = model.event_type()
            messages[name] = {
                "name": name,
                "title": model.__name__,
                "contentType": "application/json",
                "bindings": {"kafka": {"key": {"type": "string", "description": "aggregate id"}}},
                "headers": {"$ref": "#/components/schemas/CloudEventsHeaders"},
                "payload": {"$ref": f"schemas/{name}.json"},
            }
            refs[name] = {"$ref": f"#/components/messages/{name}"}
        channel = f"{service}Events"
        channels[channel] = {"address": topic_for(service), "messages": refs}
        operations[f"receive{service.title()}Events"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{channel}"},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Wuyi (无疫) events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0, Kafka binary content mode; key = aggregate id.",
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": {"CloudEventsHeaders": _headers_schema()}},
        "x-event-count": len(schemas),
    }


def _headers_schema() -> dict[str, Any]:
    required = ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "ce_time"]
    optional = [
        "ce_tenant",
        "ce_correlationid",
        "ce_causationid",
        "ce_actor",
        "ce_traceparent",
        "ce_sequence",
        "ce_position",
        "ce_streamversion",
    ]
    return {
        "type": "object",
        "required": [*required, "ce_tenant"],
        "properties": {name: {"type": "string"} for name in [*required, *optional]},
    }


def rendered() -> dict[Path, str]:
    """Every generated file and its exact text."""
    files = {SCHEMA_DIR / f"{name}.json": _dump(schema) for name, schema in event_schemas().items()}
    files[ASYNCAPI_FILE] = _dump(asyncapi_document())
    return files


def _dump(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> None:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for stale in SCHEMA_DIR.glob("*.json"):
        stale.unlink()
    for path, text in rendered().items():
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(rendered())} files")


if __name__ == "__main__":
    main()
