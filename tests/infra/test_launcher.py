"""The launcher's process handling, with `python -m http.server` standing in for a real service."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import Settings
from infra import procs
from infra.launcher import Launcher, LaunchError
from infra.service import LaunchSpec, Service, http_ok
from infra.temporal import TemporalService
from workflows.search_attributes import SEARCH_ATTRIBUTES


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class HttpServer(Service):
    name = "fake"
    start_timeout = 15.0

    def __init__(self, settings: Settings, port: int, argv: list[str] | None = None) -> None:
        super().__init__(settings)
        self._port = port
        self._argv = argv
        self.installed = 0
        self.after_started = 0

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def install(self) -> None:
        self.installed += 1

    def launch_spec(self) -> LaunchSpec:
        argv = self._argv or [sys.executable, "-m", "http.server", str(self._port), "--bind", "127.0.0.1"]
        return LaunchSpec(argv=argv, cwd=self.settings.state_dir)

    def healthy(self) -> bool:
        return http_ok(self.url + "/")

    def after_start(self) -> None:
        self.after_started += 1


@pytest.fixture
def tmp_settings(tmp_path: Path) -> Settings:
    return Settings(state_dir=tmp_path / "state", host="127.0.0.1")


def launcher_for(settings: Settings, *services: Service) -> Launcher:
    return Launcher(settings, stages=[list(services)], say=lambda _msg: None)


def test_up_reuses_a_live_healthy_service_and_stop_all_stops_it(tmp_settings: Settings) -> None:
    port = free_port()
    first = launcher_for(tmp_settings, svc := HttpServer(tmp_settings, port))
    try:
        first.up()
        assert svc.installed == 1 and svc.after_started == 1
        pid = procs.live_pid(tmp_settings.run_dir, "fake")
        assert pid is not None and "fake" in first.started

        second = launcher_for(tmp_settings, again := HttpServer(tmp_settings, port))
        second.up()
        assert second.started == {}, "a running, healthy service must be reused, not restarted"
        assert again.installed == 0, "a reused service is not reinstalled under its running process"
        assert again.after_started == 1, "after_start is idempotent and runs for reused services too"
        assert procs.live_pid(tmp_settings.run_dir, "fake") == pid

        second.stop_started()  # owns nothing: must leave the service running
        assert procs.alive(pid)

        launcher_for(tmp_settings, HttpServer(tmp_settings, port)).stop_all()
        first.started["fake"].wait(timeout=5)
        assert not procs.alive(pid)
        assert not procs.pid_file(tmp_settings.run_dir, "fake").exists()
    finally:
        first.stop_all()


def test_port_in_use_by_another_process_names_the_service_and_port(tmp_settings: Settings) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        launcher = launcher_for(tmp_settings, HttpServer(tmp_settings, port))
        with pytest.raises(LaunchError) as err:
            launcher.up()
    message = str(err.value)
    assert "fake" in message and str(port) in message
    assert f"pid {os.getpid()}" in message, "the error should say who holds the port"
    assert launcher.started == {}


def test_a_service_that_dies_fails_with_its_log_tail(tmp_settings: Settings) -> None:
    argv = [sys.executable, "-c", "import sys; print('boom: no config'); sys.exit(3)"]
    launcher = launcher_for(tmp_settings, HttpServer(tmp_settings, free_port(), argv=argv))
    with pytest.raises(LaunchError, match=r"(?s)exited with code 3.*boom: no config"):
        launcher.up()
    assert not procs.pid_file(tmp_settings.run_dir, "fake").exists()


def test_stale_pid_file_is_ignored(tmp_settings: Settings) -> None:
    tmp_settings.run_dir.mkdir(parents=True)
    # Our own pid with a wrong start time: what a recycled pid looks like.
    procs.pid_file(tmp_settings.run_dir, "fake").write_text(f"{os.getpid()}\n1\n")
    assert procs.live_pid(tmp_settings.run_dir, "fake") is None


def test_temporal_starts_with_ui_and_mizan_search_attributes(tmp_settings: Settings) -> None:
    settings = tmp_settings.model_copy(update={"temporal_port": free_port(), "temporal_ui_port": free_port()})
    temporal = TemporalService(settings)
    launcher = launcher_for(settings, temporal)
    try:
        launcher.up()
        assert http_ok(temporal.url + "/"), "the Temporal web UI should answer"
        listed = subprocess.run(
            [
                str(temporal.binary),
                "operator",
                "search-attribute",
                "list",
                "--output",
                "json",
                "--address",
                settings.temporal_address,
                "--namespace",
                settings.temporal_namespace,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        custom = json.loads(listed.stdout)["customAttributes"]
        assert set(SEARCH_ATTRIBUTES) <= set(custom)
    finally:
        launcher.stop_started()
    assert not procs.pid_file(settings.run_dir, "temporal").exists()


def test_a_service_another_command_stopped_is_not_restarted(tmp_settings: Settings) -> None:
    """`down`, or the failover test stopping one node for a while, is not a crash: `up` leaves it stopped."""
    said: list[str] = []
    launcher = Launcher(tmp_settings, stages=[[HttpServer(tmp_settings, free_port())]], say=said.append)
    try:
        launcher.up()
        Launcher(tmp_settings, stages=launcher.stages, say=lambda _: None)._stop(["fake"])
        launcher.supervise(now=0.0)
        launcher.supervise(now=10.0)
        assert said[-1] == "fake: stopped by another command; no longer supervised here"
        assert "fake" not in launcher.started and procs.live_pid(tmp_settings.run_dir, "fake") is None
    finally:
        launcher.stop_all()


def test_a_service_is_unrecorded_before_it_is_signalled_to_stop(tmp_settings: Settings,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A supervising `up` that sees the process exit finds it stopped on purpose, even while the rest of its stage
    is still stopping (HAProxy quick, a worker slow: `up` restarted HAProxy, unrecorded, holding its port)."""
    recorded_when_signalled: list[bool] = []
    real_killpg = os.killpg

    def killpg(pgid: int, sig: int) -> None:
        recorded_when_signalled.append(procs.pid_file(tmp_settings.run_dir, "fake").exists())
        real_killpg(pgid, sig)

    launcher = Launcher(tmp_settings, stages=[[HttpServer(tmp_settings, free_port())]], say=lambda _: None)
    try:
        launcher.up()
        with monkeypatch.context() as patched:
            patched.setattr(os, "killpg", killpg)
            Launcher(tmp_settings, stages=launcher.stages, say=lambda _: None)._stop(["fake"])
        assert recorded_when_signalled == [False]
        launcher.supervise(now=0.0)
        assert "fake" not in launcher.started
    finally:
        launcher.stop_all()


def test_a_crashed_service_is_restarted_with_a_growing_delay(tmp_settings: Settings) -> None:
    said: list[str] = []
    port = free_port()
    launcher = Launcher(tmp_settings, stages=[[svc := HttpServer(tmp_settings, port)]], say=said.append)
    try:
        launcher.up()
        launcher.supervise(now=0.0)
        assert not any("exited" in s for s in said)
        for crash, delay in enumerate((1, 2, 4), start=1):
            start = 100.0 * crash
            launcher.started["fake"].kill()
            launcher.started["fake"].wait(timeout=10)
            launcher.supervise(now=start)
            assert said[-1].startswith(f"fake: exited with code -9; restarting in {delay} s")
            launcher.supervise(now=start + delay - 0.5)  # not yet
            assert not said[-1].startswith("fake: restarted")
            launcher.supervise(now=start + delay)
            assert said[-1] == f"fake: restarted (crash {crash} in a row)"
            launcher._wait_healthy([svc])
        # up for a minute: the next crash is the first in a row again
        launcher.supervise(now=1000.0)
        launcher.started["fake"].kill()
        launcher.started["fake"].wait(timeout=10)
        launcher.supervise(now=1001.0)
        assert said[-1].startswith("fake: exited with code -9; restarting in 1 s")
    finally:
        launcher.stop_all()
