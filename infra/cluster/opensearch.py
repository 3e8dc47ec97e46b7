"""OpenSearch as a cluster of three nodes on one machine: one distribution, and for each node its own
configuration, data and logs directories, HTTP and transport ports. Every node is cluster-manager-eligible
and holds data; the case index keeps one replica (MIZAN_SEARCH_REPLICAS=1), so any one node can go away.
All three share a snapshot repository (`path.repo`) for backups."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any

from config.settings import Settings
from infra.cluster.profile import OPENSEARCH_NODES, Layout, snapshot_dir
from infra.opensearch import OpenSearchService
from infra.service import LaunchSpec

HEAP = "-Xms384m -Xmx384m"
CLUSTER_NAME = "mizan-cluster"


def node_name(n: int) -> str:
    return f"opensearch-{n}"


def snapshot_repository(settings: Settings) -> str:
    return str(snapshot_dir())


class OpenSearchNode(OpenSearchService):
    start_timeout = 240.0

    def __init__(self, settings: Settings, n: int) -> None:
        super().__init__(settings)
        self.n = n
        self.layout = Layout(settings)
        self.name = node_name(n)
        node_home = self.home / self.name
        # one distribution for the three (self.dist, installed once); the rest is each node's own
        self.config_dir = node_home / "config"
        self.data_dir = node_home / "data"
        self.logs_dir = node_home / "logs"

    @property
    def port(self) -> int:
        return self.layout.opensearch_port(self.n)

    @property
    def transport_port(self) -> int:
        return self.layout.opensearch_transport_port(self.n)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _write_config(self) -> None:
        super()._write_config()

        repository = snapshot_dir()
        repository.mkdir(parents=True, exist_ok=True)
        names = [node_name(i) for i in range(1, OPENSEARCH_NODES + 1)]
        settings: dict[str, Any] = {
            "cluster.name": CLUSTER_NAME,
            "node.name": self.name,
            "node.roles": ["cluster_manager", "data", "ingest"],
            "network.host": "127.0.0.1",
            "http.port": self.port,
            "transport.port": self.transport_port,
            "discovery.seed_hosts": [f"127.0.0.1:{self.layout.opensearch_transport_port(i)}"
                                     for i in range(1, OPENSEARCH_NODES + 1)],
            "cluster.initial_cluster_manager_nodes": names,
            "path.data": str(self.data_dir),
            "path.logs": str(self.logs_dir),
            "path.repo": [str(repository)],
            "node.store.allow_mmap": False,
            # the disk is shared with everything else on this machine: its watermarks would say nothing of Mizan
            "cluster.routing.allocation.disk.threshold_enabled": False,
        }
        (self.config_dir / "opensearch.yml").write_text(
            "".join(f"{key}: {json.dumps(value)}\n" for key, value in settings.items()))

    def _grant_to_user(self) -> None:
        super()._grant_to_user()
        import os
        import pwd

        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            repository = snapshot_dir()
            for path in [repository, *repository.rglob("*")]:
                os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)

    def launch_spec(self) -> LaunchSpec:
        spec = super().launch_spec()
        spec.env["OPENSEARCH_JAVA_OPTS"] = HEAP
        return spec

    def _get(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=2.0) as response:
            return json.load(response)

    def healthy(self) -> bool:
        """This node answers and has joined a cluster that has elected its manager."""
        try:
            health = self._get("/_cluster/health")
            joined = self._get("/_nodes/_local")["nodes"]
        except (urllib.error.URLError, OSError, ValueError, KeyError, http.client.HTTPException):
            # a node still starting may answer with half an HTTP response
            return False
        return health.get("status") in ("green", "yellow") and len(joined) == 1

    def role(self) -> str:
        try:
            rows = self._get("/_cat/nodes?format=json&h=name,node.role,cluster_manager")
            health = self._get("/_cluster/health")
        except (urllib.error.URLError, OSError, ValueError):
            return "not answering"
        for row in rows:
            if row.get("name") == self.name:
                elected = "elected cluster manager" if row.get("cluster_manager") == "*" else "cluster-manager-eligible"
                return (f"{elected}, data; cluster {health.get('status')}, {health.get('number_of_nodes')} nodes, "
                        f"{health.get('active_shards')} shards")
        return "not in the cluster"
