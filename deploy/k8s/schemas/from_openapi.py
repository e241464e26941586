"""Turn Kubernetes' OpenAPI v2 document (``api/openapi-spec/swagger.json`` of the
``k8s.io/kubernetes`` module) into kubeconform's per-kind JSON Schema files, for the kinds the
manifests use only (the whole set is hundreds of megabytes).

    python deploy/k8s/schemas/from_openapi.py swagger.json

Each file holds the kind's definition and the definitions it reaches, strict like
kubeconform's "-strict" schemas: no unknown fields. ``IntOrString`` accepts both. Files are
``<group>/<kind>_<version>.json``; the core group is ``core``. SOURCES.md says where the
document came from.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
KINDS = {
    ("", "v1"): ["ConfigMap", "Namespace", "PersistentVolumeClaim", "Service", "ServiceAccount"],
    ("apps", "v1"): ["Deployment"],
    ("autoscaling", "v2"): ["HorizontalPodAutoscaler"],
    ("batch", "v1"): ["CronJob", "Job"],
    ("networking.k8s.io", "v1"): ["Ingress", "NetworkPolicy"],
    ("policy", "v1"): ["PodDisruptionBudget"],
}
INT_OR_STRING = {"oneOf": [{"type": "string"}, {"type": "integer"}]}


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].split("/")[-1]} if "$ref" in node else set()
        for value in node.values():
            found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node)) if node else set()
    return set()


def _strict(definition: dict[str, Any]) -> dict[str, Any]:
    if definition.get("format") == "int-or-string":
        return INT_OR_STRING
    out = dict(definition)
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def schema_for(definitions: dict[str, Any], name: str) -> dict[str, Any]:
    reached, todo = {}, [name]
    while todo:
        current = todo.pop()
        if current in reached:
            continue
        reached[current] = _strict(definitions[current])
        todo.extend(_refs(definitions[current]))
    return {"$ref": f"#/definitions/{name}", "definitions": reached}


def main(swagger: str) -> None:
    definitions = json.loads(Path(swagger).read_text(encoding="utf-8"))["definitions"]
    by_gvk = {
        (gvk["group"], gvk["version"], gvk["kind"]): name
        for name, definition in definitions.items()
        for gvk in definition.get("x-kubernetes-group-version-kind", [])
    }
    for (group, version), kinds in KINDS.items():
        for kind in kinds:
            target = HERE / (group or "core") / f"{kind.lower()}_{version}.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            schema = schema_for(definitions, by_gvk[(group, version, kind)])
            target.write_text(json.dumps(schema, sort_keys=True, separators=(",", ":")) + "\n")
            print(target.relative_to(HERE))


if __name__ == "__main__":
    main(sys.argv[1])
