"""Mizan's own processes: the Temporal worker and the HTTP API."""

from __future__ import annotations

import sys
from pathlib import Path

from config.settings import ROOT
from infra import procs
from infra.service import LaunchSpec, Service, http_ok


class ApiService(Service):
    name = "api"
    start_timeout = 60.0

    @property
    def port(self) -> int:
        return self.settings.api_port

    @property
    def url(self) -> str:
        return self.settings.api_url

    def install(self) -> None:
        """Nothing to fetch: the API is this repository's code, installed with the venv."""

    def launch_spec(self) -> LaunchSpec:
        s = self.settings
        return LaunchSpec(
            argv=[sys.executable, "-m", "uvicorn", "api.main:app", "--host", s.host, "--port", str(s.api_port)],
            cwd=ROOT,
        )

    def healthy(self) -> bool:
        return http_ok(f"{self.settings.api_url}/healthz")


class WorkerService(Service):
    name = "worker"
    start_timeout = 60.0

    @property
    def port(self) -> int:
        return 0  # it only polls Temporal

    @property
    def url(self) -> str:
        return ""

    @property
    def ready_file(self) -> Path:
        return self.settings.run_dir / "worker.ready"

    def install(self) -> None:
        """Nothing to fetch: the worker is this repository's code, installed with the venv."""

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(argv=[sys.executable, "-m", "activities.worker"], cwd=ROOT)

    def healthy(self) -> bool:
        pid = procs.live_pid(self.settings.run_dir, self.name)
        if pid is None:
            return False
        started = procs.start_time(pid)
        try:
            ready_at = self.ready_file.stat().st_mtime
        except FileNotFoundError:
            return False
        # A ready file left by an earlier worker must not vouch for this one; start times from /proc
        # are truncated to clock ticks, hence the small allowance.
        return started is not None and ready_at >= started - 0.05
