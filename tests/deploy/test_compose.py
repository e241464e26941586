"""docker-compose.yml: valid Compose, and complete: every service in the code runs there.

No Docker engine here, so the file is checked as data: against the Compose Specification's JSON
Schema (vendored, deploy/schemas/SOURCES.md) and against the code's list of services, so that a
new service cannot be forgotten.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from jsonschema import Draft7Validator
from wuyi_contracts.catalog import SERVICES as PUBLISHING
from wuyi_contracts.catalog import topic_for

from tests.deploy.compose import DEPLOY, ROOT, compose, load_yaml
from wuyi.distributed import SERVED
from wuyi.services import SERVICE_NAMES


def _command(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return command if isinstance(command, list) else command.split()


def test_compose_file_is_valid_against_the_compose_specification_schema() -> None:
    schema = json.loads((DEPLOY / "schemas" / "compose-spec.json").read_text(encoding="utf-8"))
    errors = sorted(Draft7Validator(schema).iter_errors(compose()), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_every_service_in_the_code_has_an_api_and_a_worker_in_compose() -> None:
    services = compose()["services"]
    commands = {name: _command(s) for name, s in services.items()}
    assert set(SERVED) == set(SERVICE_NAMES), "wuyi serve and the deployment disagree"
    for service in SERVED:
        apis = [n for n, c in commands.items() if c == ["serve", service]]
        workers = [n for n, c in commands.items() if c == ["serve", service, "--worker"]]
        assert apis, f"no API container runs `wuyi serve {service}`"
        assert workers, f"no worker container runs `wuyi serve {service} --worker`"
    served_here = {c[1] for c in commands.values() if c[:1] == ["serve"]}
    assert served_here <= set(SERVED), f"compose serves unknown services {served_here}"


def test_every_wuyi_container_has_the_required_settings_and_a_health_check_role() -> None:
    """wuyi serve refuses to start without the database, Kafka, the JWT secret and the audit
    keys (wuyi/distributed.py); each container names its service for the image's health check."""
    required = {"WUYI_DATABASE_URL", "WUYI_KAFKA_BOOTSTRAP", "WUYI_JWT_SECRET"}
    for name, service in compose()["services"].items():
        if _command(service)[:1] != ["serve"]:
            continue
        env = service["environment"]
        assert required <= set(env), f"{name} lacks {required - set(env)}"
        assert {"WUYI_AUDIT_KEYS", "WUYI_AUDIT_KEYS_FILE"} & set(env), f"{name}: no audit keys"
        assert env["WUYI_SERVICE"] == _command(service)[1]
        assert ("--worker" in _command(service)) == (env.get("WUYI_ROLE") == "worker")
        if "--worker" in _command(service):  # its probes, checked by the image's health check
            assert env["WUYI_PROBE_PORT"] and service["healthcheck"]["test"][-1].endswith(
                "healthcheck.py"
            ), f"{name}: the worker's probes are not served or not checked"
        assert service["depends_on"]["kafka-topics"]["condition"] == (
            "service_completed_successfully"
        ), f"{name} may start before its topics exist"


def test_every_event_topic_is_created_explicitly_before_the_services_start() -> None:
    topics_job = compose()["services"]["kafka-topics"]
    created = set(topics_job["environment"]["TOPICS"].split())
    wanted = {topic_for(s) for s in (*PUBLISHING, *SERVED)}
    assert wanted <= created, f"topics not created: {wanted - created}"
    script = (DEPLOY / "compose" / "create-topics.sh").read_text(encoding="utf-8")
    for setting in ("--partitions", "--replication-factor", "retention.ms=-1", "min.insync"):
        assert setting in script


def test_kafka_runs_in_kraft_mode_on_the_official_image_with_a_three_broker_profile() -> None:
    services = compose()["services"]
    brokers = {n: s for n, s in services.items() if n.startswith("kafka") and n != "kafka-topics"}
    assert all(s["image"].startswith("apache/kafka:") for s in brokers.values())
    assert all("KAFKA_PROCESS_ROLES" in s["environment"] for s in brokers.values())
    assert "zookeeper" not in json.dumps(services).lower()
    for name, broker in brokers.items():
        env = broker["environment"]
        # kafka-storage format refuses anything but a base64url UUID (16 bytes, no padding)
        assert len(base64.urlsafe_b64decode(env["CLUSTER_ID"] + "==")) == 16, name
        data = env["KAFKA_LOG_DIRS"]
        assert any(v.endswith(":" + data) for v in broker["volumes"]), f"{name} keeps no data"
    in_profile = [n for n, s in brokers.items() if "kafka-3" in s.get("profiles", [])]
    assert len(brokers) == 3 and len(in_profile) == 2


def test_observability_stack_is_wired_to_every_service() -> None:
    services = compose()["services"]
    for needed in ("otel-collector", "jaeger", "prometheus", "grafana", "postgres", "demo"):
        assert needed in services
    prometheus = load_yaml(DEPLOY / "compose" / "prometheus.yml")
    paths = {job.get("metrics_path") for job in prometheus["scrape_configs"]}
    assert {f"/{s}/metrics" for s in SERVED} <= paths
    for mount in services["grafana"]["volumes"] + services["prometheus"]["volumes"]:
        source = mount.split(":")[0]
        if source.startswith("./"):
            assert (ROOT / source).exists(), f"{source} is mounted but missing"
