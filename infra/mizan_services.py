"""Mizan's own processes: the Temporal worker and the HTTP API. A running one is reused only while it runs
the code in the tree: after an edit, the launcher restarts it (so `./mizan test --keep` never tests old code)."""

from __future__ import annotations

import hashlib
import smtplib
import sys
from pathlib import Path

from config.settings import ROOT
from infra import procs
from infra.service import LaunchSpec, Service, http_ok

#: the code the API and the worker run: a change to any of these files makes a running one stale
CODE_ROOTS = ("core", "config", "i18n", "store", "search", "certificates", "mail", "workflows", "activities", "api")
CODE_SUFFIXES = (".py", ".html", ".txt", ".po", ".css", ".js", ".yaml", ".json")


def code_fingerprint() -> str:
    digest = hashlib.sha256()
    for root in CODE_ROOTS:
        for path in sorted((ROOT / root).rglob("*")):
            if path.suffix in CODE_SUFFIXES and path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(ROOT)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class MizanProcess(Service):
    """The API or the worker: this repository's code, run from the venv."""

    def install(self) -> None:
        """Nothing to fetch: this repository's code, installed with the venv."""

    @property
    def _code_file(self) -> Path:
        return self.settings.run_dir / f"{self.name}.code"

    def started(self) -> None:
        self._code_file.parent.mkdir(parents=True, exist_ok=True)
        self._code_file.write_text(code_fingerprint() + "\n")

    def stale(self) -> bool:
        try:
            return self._code_file.read_text().strip() != code_fingerprint()
        except FileNotFoundError:
            return True


class ApiService(MizanProcess):
    name = "api"
    start_timeout = 60.0

    @property
    def port(self) -> int:
        return self.settings.api_port

    @property
    def url(self) -> str:
        return self.settings.api_url

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(
            argv=[sys.executable, "-m", "api"],  # host, port and trusted proxies from the settings
            cwd=ROOT,
        )

    def healthy(self) -> bool:
        return http_ok(f"{self.settings.api_url}/healthz")


class WorkerService(MizanProcess):
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


class MailSinkService(Service):
    """The development SMTP sink (mail.sink) in the place of the ministry's relay: keeps what it is sent."""

    name = "mail"
    start_timeout = 30.0

    @property
    def port(self) -> int:
        return self.settings.smtp_port

    @property
    def url(self) -> str:
        return f"smtp://{self.settings.host}:{self.settings.smtp_port}"

    def install(self) -> None:
        """Nothing to fetch: aiosmtpd is installed with the venv."""

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(argv=[sys.executable, "-m", "mail.sink"], cwd=ROOT)

    def healthy(self) -> bool:
        try:
            with smtplib.SMTP(self.settings.host, self.settings.smtp_port, timeout=2) as smtp:
                return smtp.noop()[0] == 250
        except (OSError, smtplib.SMTPException):
            return False
