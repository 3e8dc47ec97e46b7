"""The files for a real cluster, checked without one: Mizan's Helm chart rendered and every object validated
against the Kubernetes schemas (kubeconform, strict), with what production needs in it; the engines' resources
well formed. Marked `stack`: Helm and kubeconform are built from their Go modules on first use (cached)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from config.settings import get_settings
from infra import gotools
from infra.k8s import ENGINES, kubeconform_strict, render, validate

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def objects() -> dict[tuple[str, str], dict[str, Any]]:
    helm = gotools.ensure(gotools.HELM, get_settings().cache_dir) / "helm"
    return {(o["kind"], o["metadata"]["name"]): o for o in yaml.safe_load_all(render(helm)) if o}


def test_the_chart_is_valid_for_kubernetes_in_strict_mode() -> None:
    validation = validate()
    assert "Invalid: 0, Errors: 0, Skipped: 0" in validation.kubeconform_output, validation.kubeconform_output
    assert f"Valid: {validation.rendered_objects}," in validation.kubeconform_output
    for kind in ("Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "Job", "Service"):
        assert validation.kinds.get(kind), f"the chart renders no {kind}"


def test_the_schemas_are_read_offline_and_an_unknown_field_is_refused() -> None:
    """The schemas are found on disk (not "could not find schema": they once named kubernetes.io), and checked."""
    kubeconform = gotools.ensure(gotools.KUBECONFORM, get_settings().cache_dir) / "kubeconform"
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: mizan-api\nspec:\n  ports:\n  - port: 80\n"
    assert "Valid: 1, Invalid: 0, Errors: 0" in kubeconform_strict(kubeconform, service).stdout
    refused = kubeconform_strict(kubeconform, service + "  portz: []\n")
    assert refused.returncode != 0 and "Invalid: 1" in refused.stdout, refused.stdout


def test_the_api_and_the_worker_are_two_commands_of_one_image_with_probes(objects: dict[tuple[str, str], Any]) -> None:
    api = objects[("Deployment", "mizan-api")]["spec"]["template"]["spec"]["containers"][0]
    worker = objects[("Deployment", "mizan-worker")]["spec"]["template"]["spec"]["containers"][0]
    migrate = objects[("Job", "mizan-migrate-1")]["spec"]["template"]["spec"]["containers"][0]
    assert api["image"] == worker["image"] == migrate["image"]
    assert (api["command"], worker["command"], migrate["command"]) == (
        ["python", "-m", "api"], ["python", "-m", "activities.worker"], ["python", "-m", "store.migrate"])
    for probe in ("readinessProbe", "livenessProbe"):
        assert api[probe]["httpGet"]["path"] == "/healthz"
        assert worker[probe]["exec"]["command"] == ["python", "-m", "activities.health"]
    for container in (api, worker, migrate):
        assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_no_secret_is_in_the_chart_only_named(objects: dict[tuple[str, str], Any]) -> None:
    assert not [name for kind, name in objects if kind == "Secret"]
    env = objects[("Deployment", "mizan-api")]["spec"]["template"]["spec"]["containers"][0]["env"]
    names = {e["name"] for e in env}
    assert {"MIZAN_SECRETS_DIR", "MIZAN_TEMPORAL_TLS_CERT_FILE", "MIZAN_CERTIFICATE_KEY_FILE"} <= names
    # a password is named by the file that holds it (a mounted secret), never given as a value
    given = [e for e in env if "value" in e and ("PASSWORD" in e["name"] or "DATABASE_URL" in e["name"])]
    assert all(e["name"].endswith("_FILE") and e["value"].startswith("/run/secrets/") for e in given), given


def test_mail_goes_to_the_relay_with_no_sink_and_only_the_worker_reaches_it(
        objects: dict[tuple[str, str], Any]) -> None:
    for component in ("api", "worker"):
        container = objects[("Deployment", f"mizan-{component}")]["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["MIZAN_MAIL_SINK"] == "false"
        assert env["MIZAN_SMTP_HOST"] and env["MIZAN_SMTP_PORT"] == "587" and env["MIZAN_SMTP_STARTTLS"] == "true"
        assert env["MIZAN_SMTP_PASSWORD_FILE"] == "/run/secrets/keys/smtp-password"
    relay = objects[("NetworkPolicy", "mizan-worker-egress-to-relay")]["spec"]
    assert relay["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "worker"
    assert relay["egress"][0]["ports"] == [{"protocol": "TCP", "port": 587}]


def test_autoscalers_budgets_and_network_policies_hold_the_deployments(objects: dict[tuple[str, str], Any]) -> None:
    for component in ("api", "worker"):
        hpa = objects[("HorizontalPodAutoscaler", f"mizan-{component}")]["spec"]
        assert hpa["scaleTargetRef"]["name"] == f"mizan-{component}" and hpa["minReplicas"] >= 2
        assert objects[("PodDisruptionBudget", f"mizan-{component}")]["spec"]["minAvailable"] >= 1
    deny = objects[("NetworkPolicy", "mizan-default-deny")]["spec"]
    assert deny["policyTypes"] == ["Ingress", "Egress"] and "ingress" not in deny and "egress" not in deny
    api_in = objects[("NetworkPolicy", "mizan-api-ingress")]["spec"]["ingress"]
    assert len(api_in) == 1 and api_in[0]["ports"] == [{"protocol": "TCP", "port": 8000}]


def test_the_engines_resources_name_what_mizan_needs() -> None:
    documents = {path.name: [d for d in yaml.safe_load_all(path.read_text()) if d] for path in ENGINES.glob("*.yaml")}
    (postgres, _scheduled) = documents["postgres-cluster.yaml"]
    assert postgres["spec"]["instances"] == 3
    assert any("temporal_visibility" in sql for sql in postgres["spec"]["bootstrap"]["initdb"]["postInitSQL"])
    (search,) = documents["opensearch-cluster.yaml"]
    assert search["spec"]["nodePools"][0]["replicas"] == 3
    temporal = documents["temporal-values.yaml"][0]["server"]
    assert temporal["config"]["persistence"]["default"]["sql"]["driver"] == "postgres12"
    assert temporal["config"]["tls"]["frontend"]["server"]["requireClientAuth"] is True
    keycloak = documents["keycloak.yaml"][0]
    assert keycloak["spec"]["db"]["vendor"] == "postgres" and keycloak["spec"]["http"]["tlsSecret"]
