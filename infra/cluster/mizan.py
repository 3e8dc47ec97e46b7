"""Mizan's own processes in the cluster profile: two APIs on ports of their own behind the load balancer, two
workers on the same task queue, and HAProxy in front, terminating TLS."""

from __future__ import annotations

import socket
import ssl
import urllib.request
from pathlib import Path

from config.settings import Settings
from infra.cluster.debian import ensure_package
from infra.cluster.profile import API_PROCESSES, Layout
from infra.cluster.secrets import ClusterSecrets
from infra.mizan_services import ApiService, WorkerService
from infra.service import LaunchSpec, Service, http_ok


class ClusterApi(ApiService):
    def __init__(self, settings: Settings, n: int) -> None:
        super().__init__(settings)
        self.n = n
        self.name = f"api-{n}"
        self.layout = Layout(settings)

    @property
    def port(self) -> int:
        return self.layout.api_port(self.n)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def role(self) -> str:
        return "API behind the load balancer"

    def launch_spec(self) -> LaunchSpec:
        spec = super().launch_spec()
        spec.env["MIZAN_API_PORT"] = str(self.port)
        return spec

    def healthy(self) -> bool:
        return http_ok(f"{self.url}/healthz")


class ClusterWorker(WorkerService):
    def __init__(self, settings: Settings, n: int) -> None:
        super().__init__(settings)
        self.n = n
        self.name = f"worker-{n}"

    @property
    def heartbeat_file(self) -> Path:
        return self.settings.run_dir / f"{self.name}.alive"

    def role(self) -> str:
        return f"worker on {self.settings.task_queue}"

    def launch_spec(self) -> LaunchSpec:
        spec = super().launch_spec()
        spec.env["MIZAN_WORKER_HEARTBEAT_FILE"] = str(self.heartbeat_file)
        return spec

    def healthy(self) -> bool:
        """Its own heartbeat is fresh (the same check as Kubernetes' probe, `python -m activities.health`)."""
        from activities.health import is_alive

        return is_alive(self.settings.model_copy(update={"worker_heartbeat_file": self.heartbeat_file}))


class LoadBalancer(Service):
    """HAProxy (Debian's): TLS with the local CA's certificate, the APIs checked on /healthz every second; a
    request whose API cannot be reached is sent to the other (`redispatch`)."""

    name = "load-balancer"
    start_timeout = 30.0

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.layout = Layout(settings)
        self.secrets = ClusterSecrets(settings.state_dir / "secrets")
        self.config_file = settings.state_dir / "haproxy" / "haproxy.cfg"

    @property
    def port(self) -> int:
        return self.layout.load_balancer_port

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.port, self.layout.balancer_stats_port)

    @property
    def url(self) -> str:
        return self.settings.api_url

    @property
    def stats_socket(self) -> Path:
        return self.settings.run_dir / "haproxy.sock"

    def role(self) -> str:
        states = self.backend_states()
        listed = ", ".join(f"{name} {state}" for name, state in states.items()) or "no backends answering"
        return f"TLS termination, round robin: {listed}"

    def backend_states(self) -> dict[str, str]:
        """Each API as HAProxy sees it (UP, DOWN, ...), from its stats socket."""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(2)
                sock.connect(str(self.stats_socket))
                sock.sendall(b"show stat\n")
                data = b""
                while chunk := sock.recv(65536):
                    data += chunk
        except OSError:
            return {}
        states = {}
        for line in data.decode().splitlines():
            cols = line.split(",")
            if len(cols) > 17 and cols[0] == "api" and cols[1].startswith("api-"):
                states[cols[1]] = cols[17]
        return states

    def install(self) -> None:
        ensure_package("haproxy", "haproxy")
        certificate = self.secrets.certificate("load-balancer")
        servers = "\n".join(f"    server api-{n} 127.0.0.1:{self.layout.api_port(n)} check inter 1s fall 2 rise 2"
                            for n in range(1, API_PROCESSES + 1))
        self.config_file.parent.mkdir(mode=0o700, exist_ok=True)
        self.config_file.write_text(f"""# written by Mizan's cluster profile (infra/cluster/mizan.py)
global
    maxconn 2000
    stats socket {self.stats_socket} mode 600 level admin
    ssl-default-bind-options ssl-min-ver TLSv1.2

defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    option httplog
    # a request whose API is gone (connection refused) is tried again, on the other API; never a request an
    # API may have received (an empty or late answer): that one the client retries with its Idempotency-Key
    retries 3
    option redispatch 1
    retry-on conn-failure

frontend mizan
    bind 127.0.0.1:{self.port} ssl crt {certificate.bundle_file} alpn http/1.1
    http-request set-header X-Forwarded-Proto https
    option forwardfor
    default_backend api

backend api
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
{servers}

frontend stats
    bind 127.0.0.1:{self.layout.balancer_stats_port}
    stats enable
    stats uri /
""")

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(argv=["haproxy", "-f", str(self.config_file), "-db"], cwd=self.config_file.parent)

    def healthy(self) -> bool:
        context = ssl.create_default_context(cafile=str(self.secrets.ca.cert_file))
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2, context=context) as response:
                return bool(response.status == 200)
        except OSError:
            return False
