"""The real Temporal server (built from `go.temporal.io/server`, not the dev server) on the cluster's PostgreSQL,
its schema set up with its own SQL tool, its frontend behind TLS that asks every client for a certificate from
the local CA (mTLS); and the Temporal UI server, a client like any other."""

from __future__ import annotations

import json
import logging
import subprocess
import time
from pathlib import Path
from typing import Any

import yaml

from config.settings import Settings
from infra import gotools
from infra.cluster.profile import Layout
from infra.cluster.secrets import TEMPORAL_SERVER_NAME, ClusterSecrets
from infra.service import LaunchSpec, Service, http_ok, port_open
from infra.temporal import venv_bin
from workflows.search_attributes import SEARCH_ATTRIBUTES

log = logging.getLogger(__name__)

SERVICES = ("frontend", "history", "matching", "worker")
SCHEMAS = {"temporal": "temporal", "temporal_visibility": "visibility"}
#: history shards are fixed for a cluster's life: 4 is plenty for one machine (production: 512 or more)
HISTORY_SHARDS = 4


class TemporalServerService(Service):
    name = "temporal"
    start_timeout = 120.0

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.layout = Layout(settings)
        self.secrets = ClusterSecrets(settings.state_dir / "secrets")
        self.home = settings.state_dir / "temporal"
        self.config_dir = self.home / "config"

    @property
    def port(self) -> int:
        return self.settings.temporal_port

    @property
    def ports(self) -> tuple[int, ...]:
        return tuple(p for service in SERVICES for p in self.layout.temporal_port(service))

    @property
    def url(self) -> str:
        return f"{self.settings.temporal_address} (gRPC, mTLS)"

    def role(self) -> str:
        return "server: " + ", ".join(SERVICES) + f"; PostgreSQL persistence and visibility, {HISTORY_SHARDS} shards"

    @property
    def tool_dir(self) -> Path:
        return gotools.TEMPORAL_SERVER.directory(self.settings.cache_dir)

    # -- install: the binaries, the schema, the configuration ----------------------------------------

    def install(self) -> None:
        gotools.ensure(gotools.TEMPORAL_SERVER, self.settings.cache_dir)
        self.home.mkdir(mode=0o700, exist_ok=True)
        self._set_up_schema()
        self._write_config()

    def _sql_tool(self, database: str, *args: str) -> None:
        ca = self.secrets.ca.cert_file
        argv = [str(self.tool_dir / "temporal-sql-tool"), "--plugin", "postgres12", "--ep", "127.0.0.1",
                "-p", str(self.layout.postgres_port), "-u", "temporal", "--pw", self.secrets.password("db-temporal"),
                "--db", database, "--tls", "--tls-ca-file", str(ca),
                "--tls-server-name", "127.0.0.1", *args]
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"temporal-sql-tool {' '.join(args)} on {database}: {result.stderr[-1500:]}")

    def _set_up_schema(self) -> None:
        """A new database gets the base schema, then every database is brought to the newest version
        (`update-schema` is idempotent: the upgrade path between Temporal versions too)."""
        for database, schema in SCHEMAS.items():
            versioned = self.tool_dir / "schema" / "postgresql" / "v12" / schema / "versioned"
            marker = self.home / f".schema-{database}"
            if not marker.exists():
                self._sql_tool(database, "setup-schema", "-v", "0.0")
                marker.write_text("0.0\n")
            self._sql_tool(database, "update-schema", "-d", str(versioned))

    def _datastore(self, database: str, max_conns: int) -> dict[str, Any]:
        return {"sql": {
            "pluginName": "postgres12", "databaseName": database,
            "connectAddr": f"127.0.0.1:{self.layout.postgres_port}",
            "connectProtocol": "tcp", "user": "temporal", "password": self.secrets.password("db-temporal"),
            "maxConns": max_conns, "maxIdleConns": max_conns, "maxConnLifetime": "1h",
            "tls": {"enabled": True, "caFile": str(self.secrets.ca.cert_file), "enableHostVerification": True,
                    "serverName": "127.0.0.1"}}}

    def config(self) -> dict[str, Any]:
        server = self.secrets.certificate(TEMPORAL_SERVER_NAME)
        admin = self.secrets.certificate("temporal-admin")
        ca = str(self.secrets.ca.cert_file)
        services: dict[str, Any] = {}
        for service in SERVICES:
            grpc, membership = self.layout.temporal_port(service)
            rpc: dict[str, Any] = {"grpcPort": grpc, "membershipPort": membership, "bindOnIP": "127.0.0.1"}
            if service == "frontend":
                rpc["httpPort"] = self.layout.temporal_http_port
            services[service] = {"rpc": rpc}
        return {
            "log": {"stdout": True, "level": "warn"},
            "persistence": {
                "defaultStore": "default", "visibilityStore": "visibility", "numHistoryShards": HISTORY_SHARDS,
                "datastores": {"default": self._datastore("temporal", 20),
                               "visibility": self._datastore("temporal_visibility", 5)}},
            "global": {
                "membership": {"maxJoinDuration": "30s", "broadcastAddress": "127.0.0.1"},
                "tls": {
                    "frontend": {
                        "server": {"certFile": str(server.cert_file), "keyFile": str(server.key_file),
                                   "clientCaFiles": [ca], "requireClientAuth": True},
                        "client": {"serverName": TEMPORAL_SERVER_NAME, "rootCaFiles": [ca]}},
                    "systemWorker": {"certFile": str(admin.cert_file), "keyFile": str(admin.key_file),
                                     "client": {"serverName": TEMPORAL_SERVER_NAME, "rootCaFiles": [ca]}}},
            },
            "services": services,
            "clusterMetadata": {
                "enableGlobalNamespace": False, "failoverVersionIncrement": 10, "masterClusterName": "active",
                "currentClusterName": "active",
                "clusterInformation": {"active": {"enabled": True, "initialFailoverVersion": 1, "rpcName": "frontend",
                                                  "rpcAddress": f"127.0.0.1:{self.settings.temporal_port}"}}},
            "dcRedirectionPolicy": {"policy": "noop"},
            "dynamicConfigClient": {"filepath": str(self.config_dir / "dynamicconfig.yaml"), "pollInterval": "60s"},
        }

    def _write_config(self) -> None:
        self.config_dir.mkdir(mode=0o700, exist_ok=True)
        # the config holds the database password: owner-only, like the rest of the state's private parts
        path = self.config_dir / "production.yaml"
        path.touch(mode=0o600)
        path.write_text(yaml.safe_dump(self.config(), sort_keys=False))
        (self.config_dir / "dynamicconfig.yaml").write_text(yaml.safe_dump({
            # what the dev server sets, and Mizan relies on: Updates, and their acceptance before the result
            "frontend.enableUpdateWorkflowExecution": [{"value": True}],
            "frontend.enableUpdateWorkflowExecutionAsyncAccepted": [{"value": True}],
        }))

    def launch_spec(self) -> LaunchSpec:
        # --allow-no-auth: no claim-based authorizer; who may call the frontend is decided by mTLS (a certificate
        # from the cluster's CA), and the frontend listens on loopback only
        services = [arg for service in SERVICES for arg in ("--service", service)]
        return LaunchSpec(argv=[str(self.tool_dir / "temporal-server"), "--config-file",
                                str(self.config_dir / "production.yaml"), "--allow-no-auth", "start", *services],
                          cwd=self.home)

    # -- health and set-up through the CLI -----------------------------------------------------------

    def cli(self, *args: str, timeout: float = 10.0) -> subprocess.CompletedProcess[str]:
        admin = self.secrets.certificate("temporal-admin")
        return subprocess.run(
            [str(venv_bin("temporal")), *args, "--address", self.settings.temporal_address,
             "--tls-ca-path", str(self.secrets.ca.cert_file), "--tls-cert-path", str(admin.cert_file),
             "--tls-key-path", str(admin.key_file), "--tls-server-name", TEMPORAL_SERVER_NAME],
            capture_output=True, text=True, timeout=timeout, check=False)

    def healthy(self) -> bool:
        if not port_open("127.0.0.1", self.settings.temporal_port):
            return False
        try:
            result = self.cli("operator", "cluster", "health", "--command-timeout", "3s", timeout=5)
        except subprocess.TimeoutExpired:
            return False
        return result.returncode == 0 and "SERVING" in result.stdout

    def after_start(self) -> None:
        """The namespace (the real server makes none by itself) and Mizan's search attributes."""
        ns = self.settings.temporal_namespace
        if self.cli("operator", "namespace", "describe", "--namespace", ns).returncode != 0:
            created = self.cli("operator", "namespace", "create", "--namespace", ns, "--retention", "30d")
            if created.returncode != 0 and "already" not in created.stderr.lower():
                raise RuntimeError(f"temporal: cannot create namespace {ns}: {created.stderr.strip()}")
        # a new namespace reaches the frontend's registry some seconds later (it refreshes every 10 s)
        deadline = time.monotonic() + 60
        while True:
            listed = self.cli("operator", "search-attribute", "list", "--namespace", ns, "--output", "json")
            if listed.returncode == 0 or "not found" not in listed.stderr or time.monotonic() > deadline:
                break
            time.sleep(2)
        if listed.returncode != 0:
            raise RuntimeError(f"temporal: cannot list search attributes: {listed.stderr.strip()}")
        existing = {row.get("name") for row in _rows(json.loads(listed.stdout))}
        for attr, kind in SEARCH_ATTRIBUTES.items():
            if attr in existing:
                continue
            created = self.cli("operator", "search-attribute", "create", "--namespace", ns, "--name", attr,
                               "--type", kind)
            if created.returncode != 0:
                raise RuntimeError(f"temporal: cannot create search attribute {attr}: {created.stderr.strip()}")


def _rows(listed: Any) -> list[dict[str, Any]]:
    """The CLI's search-attribute list as rows, whichever shape this CLI version prints."""
    if isinstance(listed, list):
        return [row for row in listed if isinstance(row, dict)]
    if isinstance(listed, dict):
        custom = listed.get("customAttributes", {})
        return [{"name": name} for name in custom] + [{"name": n} for n in listed.get("systemAttributes", {})]
    return []


class TemporalUiService(Service):
    """The Temporal UI server, a client of the frontend with its own certificate."""

    name = "temporal-ui"
    start_timeout = 60.0

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.secrets = ClusterSecrets(settings.state_dir / "secrets")
        self.home = settings.state_dir / "temporal-ui"

    @property
    def port(self) -> int:
        return self.settings.temporal_ui_port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def role(self) -> str:
        return "web UI (client of the frontend, mTLS)"

    def install(self) -> None:
        gotools.ensure(gotools.TEMPORAL_UI, self.settings.cache_dir)
        config_dir = self.home / "config"
        config_dir.mkdir(parents=True, mode=0o700, exist_ok=True)
        admin = self.secrets.certificate("temporal-admin")
        (config_dir / "production.yaml").write_text(yaml.safe_dump({
            "temporalGrpcAddress": self.settings.temporal_address, "host": "127.0.0.1", "port": self.port,
            "enableUi": True, "defaultNamespace": self.settings.temporal_namespace, "disableNewsFetch": True,
            "cors": {"allowOrigins": [self.url], "cookieInsecure": True},
            "tls": {"caFile": str(self.secrets.ca.cert_file), "certFile": str(admin.cert_file),
                    "keyFile": str(admin.key_file), "enableHostVerification": True,
                    "serverName": TEMPORAL_SERVER_NAME},
        }))

    def launch_spec(self) -> LaunchSpec:
        binary = gotools.TEMPORAL_UI.directory(self.settings.cache_dir) / "temporal-ui-server"
        return LaunchSpec(argv=[str(binary), "--root", str(self.home), "--config", "config", "--env", "production",
                                "start"], cwd=self.home)

    def healthy(self) -> bool:
        return http_ok(f"{self.url}/healthz") or http_ok(f"{self.url}/api/v1/settings")
