"""Turn CustomResourceDefinitions into the JSON Schema files kubeconform reads offline.

    python deploy/k8s/schemas/from_crd.py CRD.yaml... (writes next to this file)

One file per kind and served version, ``<group>/<kind>_<version>.json`` (lower case), as
kubeconform's ``-schema-location 'DIR/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'``
expects. Objects that list their properties get ``additionalProperties: false`` unless the
CRD says otherwise (what kubeconform's "strict" schemas do), so a misspelled field fails.
SOURCES.md says where each CRD came from.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent


def strict(schema: Any) -> Any:
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: strict(value) for key, value in schema.items()}
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


def convert(crd: dict[str, Any]) -> dict[Path, dict[str, Any]]:
    spec = crd["spec"]
    group, kind = spec["group"], spec["names"]["kind"]
    files = {}
    for version in spec["versions"]:
        if not version.get("served"):
            continue
        schema = strict(version["schema"]["openAPIV3Schema"])
        schema["properties"].setdefault("apiVersion", {"type": "string"})
        schema["properties"].setdefault("kind", {"type": "string"})
        schema["properties"].setdefault("metadata", {"type": "object"})
        files[HERE / group / f"{kind.lower()}_{version['name']}.json"] = schema
    return files


def main(paths: list[str]) -> None:
    for path in paths:
        for document in yaml.safe_load_all(Path(path).read_text(encoding="utf-8")):
            if document and document.get("kind") == "CustomResourceDefinition":
                for target, schema in convert(document).items():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
                    print(target.relative_to(HERE))


if __name__ == "__main__":
    main(sys.argv[1:])
