"""Go programs Mizan runs or uses, built from their modules through the Go module proxy with the machine's Go,
once, and cached under the shared cache directory (every state directory and checkout reuses them).

The real Temporal server and its SQL schema tool (`go.temporal.io/server`), the Temporal UI server, and for the
Kubernetes files kubeconform and Helm. A cold build of the Temporal server takes minutes on two cores; the
binaries are kept under `<cache>/go/<name>-<version>/` and built again only when the version changes.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


class GoBuildError(RuntimeError):
    pass


@dataclass(frozen=True)
class GoTool:
    name: str
    module: str
    version: str
    #: binary name -> package path inside the module
    binaries: dict[str, str]
    #: directories of the module's source kept beside the binaries (the Temporal schema)
    keep: tuple[str, ...] = field(default=())

    def directory(self, cache_dir: Path) -> Path:
        return cache_dir / "go" / f"{self.name}-{self.version}"


#: Temporal's server: v1.30.x builds with the Go this machine has (v1.31 and later need Go >= 1.26.10)
TEMPORAL_SERVER = GoTool("temporal-server", "go.temporal.io/server", "v1.30.4",
                         {"temporal-server": "cmd/server", "temporal-sql-tool": "cmd/tools/sql"},
                         keep=("schema/postgresql",))
#: the UI the `temporal` CLI bundles (2.54.1); later versions need a newer Go
TEMPORAL_UI = GoTool("temporal-ui", "github.com/temporalio/ui-server/v2", "v2.54.1",
                     {"temporal-ui-server": "cmd/server"})
KUBECONFORM = GoTool("kubeconform", "github.com/yannh/kubeconform", "v0.8.0", {"kubeconform": "cmd/kubeconform"})
HELM = GoTool("helm", "helm.sh/helm/v3", "v3.22.0", {"helm": "cmd/helm"})


def ensure(tool: GoTool, cache_dir: Path, say: object = print) -> Path:
    """The directory holding `tool`'s binaries (and kept sources), built now unless cached."""
    target = tool.directory(cache_dir)
    marker = target / ".built"
    if marker.exists():
        return target
    go = shutil.which("go")
    if go is None:
        raise GoBuildError(f"Go is not installed: it builds {tool.name} ({tool.module}@{tool.version})")
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / f".{tool.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time; a second caller waits and reuses it
        if marker.exists():
            return target
        if callable(say):
            say(f"{tool.name}: building {tool.module}@{tool.version} with Go (cached afterwards; minutes when cold)")
        staging = target.with_name(target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        env = os.environ | {"GOBIN": str(staging / "bin"), "GOFLAGS": "-buildvcs=false"}
        packages = [f"{tool.module}/{path}@{tool.version}" for path in tool.binaries.values()]
        result = subprocess.run([go, "install", *packages], env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise GoBuildError(f"could not build {tool.name}:\n{result.stderr[-3000:]}")
        for binary, path in tool.binaries.items():
            built = staging / "bin" / Path(path).name
            built.rename(staging / binary)
        shutil.rmtree(staging / "bin")
        if tool.keep:
            source = _module_dir(go, tool)
            for kept in tool.keep:
                shutil.copytree(source / kept, staging / kept)
                for copied in (staging / kept).rglob("*"):
                    copied.chmod(0o755 if copied.is_dir() else 0o644)  # the module cache's files are read-only
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        marker.write_text(f"{tool.module}@{tool.version}\n")
    return target


def _module_dir(go: str, tool: GoTool) -> Path:
    result = subprocess.run([go, "mod", "download", "-json", f"{tool.module}@{tool.version}"],
                            capture_output=True, text=True, check=False)
    info = json.loads(result.stdout or "{}")
    if result.returncode != 0 or "Dir" not in info:
        raise GoBuildError(f"could not find the source of {tool.module}@{tool.version}: {info.get('Error')}")
    return Path(info["Dir"])
