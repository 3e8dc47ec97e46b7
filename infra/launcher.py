"""Start, reuse, watch and stop Mizan's services as background processes.

Every service runs in its own session (process group), so Ctrl-C in the terminal reaches only the
launcher, which then stops the groups it started; and `down` can stop a group another `up` started.
"""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from config.settings import Settings
from infra import procs
from infra.service import Service, port_open

Say = Callable[[str], None]

STOP_GRACE_SECONDS = 20.0
POLL_SECONDS = 0.5
LOG_TAIL_LINES = 30
#: a crashed service is restarted after 1, 2, 4 ... seconds, at most this long
MAX_RESTART_DELAY = 60.0
#: a service past its start timeout that wrote to its log within this many seconds is still starting...
STARTING_QUIET_SECONDS = 90.0
#: ...and is given up to this many times its timeout
STARTING_CEILING = 3.0
#: a restarted service that stays up this long counts as recovered: its next crash waits 1 s again
RECOVERED_AFTER_SECONDS = 60.0


class LaunchError(RuntimeError):
    """A service could not be started; the message says which and why."""


def service_stages(settings: Settings) -> list[list[Service]]:
    """The services in start order; the services within a stage start concurrently."""
    if settings.cluster:
        from infra.cluster.stages import cluster_stages

        return cluster_stages(settings)
    from infra.keycloak import KeycloakService
    from infra.mizan_services import ApiService, MailSinkService, WorkerService
    from infra.opensearch import OpenSearchService
    from infra.temporal import TemporalService

    # The worker and API need Temporal, Keycloak and OpenSearch already answering (and the mail sink, where
    # it stands in for a relay, before the postman sends).
    first: list[Service] = [TemporalService(settings), KeycloakService(settings), OpenSearchService(settings)]
    if settings.mail_sink:
        first.append(MailSinkService(settings))
    return [first, [WorkerService(settings), ApiService(settings)]]


#: what under the state directory holds case files, keys, tokens or personal data: its owner's alone
PRIVATE_DIRS = ("documents", "certificates", "keys", "audit", "logs", "run", "keycloak", "temporal", "mail")


def prepare_state(settings: Settings) -> None:
    """The state directory and what is private in it, owner-only. The state directory itself stays
    traversable (0711, not listable): OpenSearch runs as its own user inside it."""
    state = settings.state_dir
    state.mkdir(parents=True, exist_ok=True)
    for directory in {state, settings.cache_dir.parent} & {state, *state.parents}:
        directory.chmod(0o711)
    for name in PRIVATE_DIRS:
        (state / name).mkdir(exist_ok=True)
        (state / name).chmod(0o700)
    if settings.db_url.startswith("sqlite:///"):
        Path(settings.db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def load_demo_data(settings: Settings, say: Say) -> None:
    """The demo agencies into the read model of `settings` (idempotent; the schema is migrated first)."""
    from sqlalchemy.orm import Session

    from infra.demo import AGENCIES, directory_identities
    from store.agencies import upsert_agencies
    from store.database import ensure_schema, make_engine
    from store.directory import upsert_identities

    engine = make_engine(settings.db_url)
    try:
        ensure_schema(engine)
        with Session(engine) as session, session.begin():
            changed = upsert_agencies(session, AGENCIES)
            users = upsert_identities(session, directory_identities(), datetime.now(UTC))
    finally:
        engine.dispose()
    if changed:
        say(f"demo agencies: {changed} loaded or updated")
    if users:
        say(f"demo users in the notification directory: {users} loaded or updated")


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 64 * 1024))
            text = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _pids_on_port(port: int) -> list[int]:
    """Best-effort owner of a listening TCP port, so the error can say who holds it."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:  # 0A = LISTEN
                inodes.add(cols[9])
    wanted = {f"socket:[{inode}]" for inode in inodes}
    owners: list[int] = []
    for entry in Path("/proc").iterdir() if wanted else ():
        if not entry.name.isdigit():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(fd)
            except OSError:  # closed meanwhile (the listing's own fd, for one)
                continue
            if link in wanted:
                owners.append(int(entry.name))
                break
    return owners


def _describe_pid(pid: int) -> str:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        cmd = "?"
    return f"pid {pid} ({cmd[:80]})"


@dataclass
class Restarts:
    """One service's crashes under supervision: how many in a row, and when the next start is due."""

    in_a_row: int = 0
    due_at: float | None = None
    started_at: float = 0.0


@dataclass
class Launcher:
    settings: Settings
    stages: list[list[Service]] | None = None
    say: Say = print
    #: services this launcher started (and so will stop); reused ones are not in here
    started: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    restarts: dict[str, Restarts] = field(default_factory=dict)
    _waited_longer: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.stages is None:
            self.stages = service_stages(self.settings)

    @property
    def services(self) -> list[Service]:
        assert self.stages is not None
        return [svc for stage in self.stages for svc in stage]

    @property
    def run_dir(self) -> Path:
        return self.settings.run_dir

    def log_file(self, svc: Service) -> Path:
        return self.settings.log_dir / f"{svc.name}.log"

    # -- starting -----------------------------------------------------------------------------

    def up(self) -> float:
        """Start (or reuse) everything and run the one-time set-up; returns the seconds it took.

        On failure, stops what it started and raises LaunchError.
        """
        t0 = time.monotonic()
        assert self.stages is not None
        try:
            prepare_state(self.settings)
            for stage in self.stages:
                self._start_stage(stage)
                # a stage's set-up (databases, a namespace) before the next stage's services need it
                for svc in stage:
                    svc.after_start()
            load_demo_data(self.settings, self.say)
        except BaseException:
            self.stop_started()
            raise
        return time.monotonic() - t0

    def _start_stage(self, stage: list[Service]) -> None:
        to_start: list[Service] = []
        waiting: list[Service] = []
        for svc in stage:
            pid = procs.live_pid(self.run_dir, svc.name)
            if pid is not None and svc.stale():
                self.say(f"{svc.name}: running (pid {pid}) older code; restarting it")
                self._stop([svc.name])
                pid = None
            if pid is not None:
                if svc.healthy():
                    self.say(f"{svc.name}: already running (pid {pid}), reused")
                else:
                    # Maybe still starting under another `up`; wait rather than kill what isn't ours.
                    self.say(f"{svc.name}: running (pid {pid}) but not healthy yet; waiting")
                    waiting.append(svc)
                continue
            procs.pid_file(self.run_dir, svc.name).unlink(missing_ok=True)
            for port in svc.ports:
                if port_open(self.settings.host, port):
                    holders = ", ".join(_describe_pid(p) for p in _pids_on_port(port)) or "another process"
                    raise LaunchError(
                        f"{svc.name}: port {port} on {self.settings.host} is already in use by {holders}, "
                        f"not by a Mizan-started {svc.name}; stop it or change the port (MIZAN_*_PORT)"
                    )
            to_start.append(svc)
        # Installs run one at a time: concurrent Maven runs share ~/.m2 and may clash.
        for svc in to_start:
            svc.install()
        for svc in to_start:
            self._spawn(svc)
        self._wait_healthy(to_start + waiting)

    def _spawn(self, svc: Service) -> None:
        spec = svc.launch_spec()
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        env = os.environ | spec.env
        uid: int | None = None
        gid: int | None = None
        groups: list[int] | None = None
        if spec.user is not None:
            entry = pwd.getpwnam(spec.user)
            # Drop root's groups too, and give it its own HOME so it writes nothing under /root.
            uid, gid, groups = entry.pw_uid, entry.pw_gid, []
            env = env | {"HOME": spec.env.get("HOME", entry.pw_dir), "USER": spec.user}
        log: IO[bytes] = self.log_file(svc).open("ab")
        try:
            log.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {' '.join(spec.argv)}\n".encode())
            log.flush()
            proc = subprocess.Popen(
                spec.argv,
                env=env,
                cwd=spec.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=uid,
                group=gid,
                extra_groups=groups,
            )
        finally:
            log.close()
        procs.write_pid(self.run_dir, svc.name, proc.pid)
        self.started[svc.name] = proc
        svc.started()
        self.say(f"{svc.name}: started (pid {proc.pid}), log {self.log_file(svc)}")

    def _wait_healthy(self, pending: Iterable[Service]) -> None:
        t0 = time.monotonic()
        remaining = list(pending)
        while remaining:
            for svc in list(remaining):
                proc = self.started.get(svc.name)
                if proc is not None and proc.poll() is not None:
                    self._fail(svc, f"exited with code {proc.returncode} before becoming healthy")
                if proc is None and procs.live_pid(self.run_dir, svc.name) is None:
                    self._fail(svc, "the running instance exited before becoming healthy")
                if svc.healthy():
                    self.say(f"{svc.name}: healthy after {time.monotonic() - t0:.1f} s")
                    remaining.remove(svc)
                elif time.monotonic() - t0 > svc.start_timeout and not self._still_starting(svc, t0):
                    self._fail(svc, f"not healthy after {time.monotonic() - t0:.0f} s")
            if remaining:
                time.sleep(POLL_SECONDS)

    def _still_starting(self, svc: Service, t0: float) -> bool:
        """Past its start timeout, a service whose log was written lately is given more time, up to
        STARTING_CEILING times the timeout: on a loaded machine (a CI run beside other work) Keycloak's first
        start alone has taken four minutes while progressing all along."""
        if time.monotonic() - t0 > svc.start_timeout * STARTING_CEILING:
            return False
        try:
            quiet = time.time() - self.log_file(svc).stat().st_mtime
        except OSError:
            return False
        if quiet > STARTING_QUIET_SECONDS:
            return False
        if svc.name not in self._waited_longer:
            self._waited_longer.add(svc.name)
            self.say(f"{svc.name}: not healthy after {svc.start_timeout:.0f} s but still starting; waiting longer")
        return True

    def _fail(self, svc: Service, why: str) -> None:
        log = self.log_file(svc)
        raise LaunchError(f"{svc.name}: {why}. Last {LOG_TAIL_LINES} lines of {log}:\n{tail(log)}")

    # -- supervising --------------------------------------------------------------------------

    def supervise(self, now: float | None = None) -> None:
        """Restart what this launcher started and has since exited, with a growing delay (`./mizan up` calls
        this every few seconds). Says each crash and each restart."""
        now = time.monotonic() if now is None else now
        by_name = {svc.name: svc for svc in self.services}
        for name, proc in list(self.started.items()):
            restarts = self.restarts.setdefault(name, Restarts(started_at=now))
            if proc.poll() is None:
                if restarts.in_a_row and now - restarts.started_at >= RECOVERED_AFTER_SECONDS:
                    restarts.in_a_row = 0
                continue
            record = procs.read_pid(self.run_dir, name)
            if record is None or record.pid != proc.pid:
                # stopped on purpose by another command (`down`, the failover test), which removes the pid
                # file, or started again by one: not a crash, and not this launcher's to restart
                self.started.pop(name, None)
                self.restarts.pop(name, None)
                self.say(f"{name}: stopped by another command; no longer supervised here")
                continue
            if restarts.due_at is None:
                delay = min(MAX_RESTART_DELAY, 2.0 ** restarts.in_a_row)
                restarts.due_at = now + delay
                self.say(f"{name}: exited with code {proc.returncode}; restarting in {delay:.0f} s "
                         f"(see {self.log_file(by_name[name])})")
            elif now >= restarts.due_at:
                restarts.in_a_row += 1
                restarts.due_at, restarts.started_at = None, now
                self._spawn(by_name[name])
                self.say(f"{name}: restarted (crash {restarts.in_a_row} in a row)")

    # -- stopping -----------------------------------------------------------------------------

    def stop_started(self) -> None:
        """Stop only what this launcher started, latest stage first."""
        for stage in reversed(self.stages or []):
            names = [svc.name for svc in stage if svc.name in self.started]
            self._stop(names)

    def stop_all(self) -> None:
        """Stop every service that has a pid file, whoever started it."""
        for stage in reversed(self.stages or []):
            self._stop([svc.name for svc in stage])
        known = {svc.name for svc in self.services}
        # Pid files of services no longer in the stages (renamed or removed since they were started).
        self._stop([p.stem for p in sorted(self.run_dir.glob("*.pid")) if p.stem not in known])

    def _stop(self, names: list[str]) -> None:
        groups: dict[str, int] = {}
        for name in names:
            pid = procs.live_pid(self.run_dir, name)
            if pid is None:
                procs.pid_file(self.run_dir, name).unlink(missing_ok=True)
                self.started.pop(name, None)
                continue
            # the pid file goes before the signal: a supervising `up` that sees the process exit then knows it
            # was stopped on purpose. Removed only after the whole stage had stopped, a quick member (HAProxy)
            # was restarted by `up` while a slow one (a worker) was still stopping, and left running unrecorded.
            procs.pid_file(self.run_dir, name).unlink(missing_ok=True)
            try:
                os.killpg(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            groups[name] = pid
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while groups and time.monotonic() < deadline:
            for name, pgid in list(groups.items()):
                proc = self.started.get(name)
                if proc is not None:
                    proc.poll()  # reap our own child, or its zombie keeps the group "alive"
                if not procs.group_alive(pgid):
                    del groups[name]
                    self.say(f"{name}: stopped")
            if groups:
                time.sleep(0.2)
        for name, pgid in groups.items():
            self.say(f"{name}: did not stop within {STOP_GRACE_SECONDS:.0f} s; killing")
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc = self.started.get(name)
            if proc is not None:
                proc.wait(timeout=5)
        for name in names:
            procs.pid_file(self.run_dir, name).unlink(missing_ok=True)
            self.started.pop(name, None)

    # -- reporting ----------------------------------------------------------------------------

    def status(self) -> str:
        with_roles = self.settings.cluster  # the cluster profile says what each node is (the default has one each)
        rows = [("SERVICE", "PID", "PORT", "HEALTHY", "URL", *(("ROLE",) if with_roles else ()))]
        for svc in self.services:
            pid = procs.live_pid(self.run_dir, svc.name)
            role = ""
            try:
                healthy = svc.healthy()
                state = "yes" if healthy else "no"
                if healthy and pid is None:
                    state = "yes (not ours)"
                ports, url = ",".join(map(str, svc.ports)) or "-", svc.url or "-"
                role = svc.role() if with_roles and (healthy or pid) else "-"
            except Exception as exc:  # one broken service must not hide the others
                state, ports, url = f"error: {exc}", "?", "?"
            rows.append((svc.name, str(pid or "-"), ports, state, url, *((role,) if with_roles else ())))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)

    def summary(self, elapsed: float) -> str:
        from infra.demo import DEMO_PASSWORD, USERS

        s = self.settings
        by_name = {svc.name: svc for svc in self.services}
        links = [
            ("API", s.api_url),
            ("API docs", f"{s.api_url}/docs"),
            ("Temporal UI", by_name["temporal"].url if "temporal" in by_name else ""),
            ("Keycloak admin console", f"{s.keycloak_url}/admin/"),
            ("OpenSearch", s.opensearch_url),
        ]
        out = [f"Mizan is up ({elapsed:.1f} s).", ""]
        out += [f"  {label:<24}{url}" for label, url in links if url]
        out += ["", f"Demo logins (password '{DEMO_PASSWORD}'):"]
        width = max(len(u.username) for u in USERS)
        role_width = max(len(u.role) for u in USERS)
        out += [f"  {u.username:<{width}}  {u.role:<{role_width}}  {u.agency or '-'}" for u in USERS]
        return "\n".join(out)
