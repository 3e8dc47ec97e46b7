"""The cluster profile's place on this machine: its state directory, its ports, and the settings its own
processes (APIs, workers, the CLI's commands) read — secrets by file, from the state directory's `secrets/`.

Like the test profile, each value is a default: what the environment already sets wins. Every port is the
default's plus PORT_OFFSET; the engines' extra ports (each OpenSearch node, each API behind the balancer,
Temporal's internal services, PostgreSQL) are laid out from the same offset in `Layout`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from config.settings import ROOT, Settings

PORT_OFFSET = 50_000
STATE_DIR = ROOT / ".mizan" / "cluster"
#: backups live apart from the state they back up: a restore starts from an empty state directory
BACKUP_DIR = ROOT / ".mizan" / "backups" / "cluster"
API_PROCESSES = 2
WORKER_PROCESSES = 2
OPENSEARCH_NODES = 3
POSTGRES_DEFAULT_PORT = 5432


def backup_root() -> Path:
    """Where backups go (`MIZAN_BACKUP_DIR`, or BACKUP_DIR)."""
    return Path(os.environ.get("MIZAN_BACKUP_DIR", str(BACKUP_DIR)))


def snapshot_dir() -> Path:
    """OpenSearch's filesystem snapshot repository, shared by the three nodes (their `path.repo`)."""
    return backup_root() / "opensearch-repository"


@dataclass(frozen=True)
class Layout:
    """Every port of the cluster profile, from the settings (so an override of one base port moves its group)."""

    settings: Settings

    @property
    def load_balancer_port(self) -> int:
        return self.settings.api_port

    def api_port(self, n: int) -> int:
        """The n-th API process (1-based), behind the balancer."""
        return self.settings.api_port + n

    @property
    def balancer_stats_port(self) -> int:
        return self.settings.api_port + 10

    def opensearch_port(self, n: int) -> int:
        return self.settings.opensearch_port + n - 1

    def opensearch_transport_port(self, n: int) -> int:
        return self.settings.opensearch_port + 100 + n - 1

    @property
    def postgres_port(self) -> int:
        return self.settings.temporal_port - 7233 + POSTGRES_DEFAULT_PORT

    @property
    def keycloak_https_port(self) -> int:
        return self.settings.keycloak_port

    def temporal_port(self, service: str) -> tuple[int, int]:
        """(gRPC, membership) of one of Temporal's services; the frontend's gRPC is the configured port."""
        base = self.settings.temporal_port
        grpc = {"frontend": base, "history": base + 1, "matching": base + 2, "worker": base + 6}[service]
        # Temporal stores membership ports as a smallint: they must stay below 32768 (57233 -> 30233)
        return grpc, 30_000 + grpc % 1_000

    @property
    def temporal_http_port(self) -> int:
        return self.settings.temporal_port + 10


def cluster_profile() -> dict[str, str]:
    defaults = Settings.model_construct()
    ports = {name: getattr(defaults, name) + PORT_OFFSET for name in (
        "api_port", "keycloak_port", "keycloak_management_port", "opensearch_port", "temporal_port",
        "temporal_ui_port", "smtp_port")}
    env = {"MIZAN_CLUSTER": "true", "MIZAN_STATE_DIR": str(STATE_DIR), "MIZAN_SEARCH_REPLICAS": "1",
           **{f"MIZAN_{name.upper()}": str(port) for name, port in ports.items()}}
    return env


RESERVED_PORTS_FILE = Path("/proc/sys/net/ipv4/ip_local_reserved_ports")


def port_ranges(layout: Layout) -> list[tuple[int, int]]:
    """Every port the profile listens on, as ranges (what the kernel must not hand out as an ephemeral port)."""
    s = layout.settings
    return [(s.smtp_port, s.smtp_port), (layout.postgres_port, layout.postgres_port),
            (s.temporal_port, layout.temporal_http_port), (s.api_port, s.api_port + 10),
            (s.keycloak_port, s.keycloak_port), (s.temporal_ui_port, s.temporal_ui_port),
            (s.keycloak_management_port, s.keycloak_management_port),
            (layout.opensearch_port(1), layout.opensearch_port(OPENSEARCH_NODES)),
            (layout.opensearch_transport_port(1), layout.opensearch_transport_port(OPENSEARCH_NODES))]


def reserve_ports(layout: Layout) -> bool:
    """The profile's ports (+50000) lie in Linux's ephemeral range (32768-60999): a client's outgoing connection
    may take one, or connect to itself on it, while its service is down (seen: OpenSearch failing to bind, a
    health check answered by its own request). Reserved, the kernel never hands them out. Needs root; False
    when the reservation could not be made (the profile still runs, with that risk)."""
    try:
        current = RESERVED_PORTS_FILE.read_text().strip()
        wanted = ",".join(f"{low}-{high}" if high > low else str(low) for low, high in port_ranges(layout))
        merged = ",".join(part for part in (current, wanted) if part)
        RESERVED_PORTS_FILE.write_text(merged + "\n")
    except OSError:
        return False
    return True
