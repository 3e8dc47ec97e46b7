"""What the launcher needs to know of one service: how to install it, start it, and see it healthy."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from config.settings import Settings


@dataclass
class LaunchSpec:
    """A command to run in the background; its output goes to `<log_dir>/<service>.log`."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    user: str | None = None  # run as this (unprivileged) user; OpenSearch refuses root


class Service(ABC):
    name: str
    #: seconds the launcher waits for `healthy()` after starting it
    start_timeout: float = 120.0

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    @abstractmethod
    def port(self) -> int: ...

    @property
    def ports(self) -> tuple[int, ...]:
        """Every port it listens on: the launcher refuses to start it when one is already taken.

        A service without a port (the worker) has `port` 0.
        """
        return (self.port,) if self.port else ()

    @property
    @abstractmethod
    def url(self) -> str:
        """What the launcher prints for people to open."""

    @abstractmethod
    def install(self) -> None:
        """Fetch and configure whatever is missing; idempotent and cached under the state dir."""

    @abstractmethod
    def launch_spec(self) -> LaunchSpec: ...

    @abstractmethod
    def healthy(self) -> bool: ...

    def after_start(self) -> None:  # noqa: B027 - optional hook, a no-op unless a service needs it
        """One-time set-up once healthy (e.g. create indices); idempotent."""

    def started(self) -> None:  # noqa: B027 - optional hook
        """Called once this launcher has started the service (e.g. to note what code it runs)."""

    def role(self) -> str:
        """What this node is in its cluster (`./mizan status --cluster`): a manager, a primary, a backend."""
        return "-"

    def stale(self) -> bool:
        """A running instance that must be restarted rather than reused (e.g. it runs older code)."""
        return False


def port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False
