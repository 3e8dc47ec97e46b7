"""Pid files and process checks shared by the launcher and services that have no port to probe.

A pid file holds the pid and the process's start time (clock ticks since boot, from /proc), so a
pid recycled by the kernel after a reboot or a crash is never mistaken for one of ours.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PidRecord:
    pid: int
    start_ticks: int | None


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: split after its last ')'.
    return raw[raw.rindex(")") + 2 :].split()


def start_ticks(pid: int) -> int | None:
    fields = _stat_fields(pid)
    # After the name, index 0 is field 3 (state); starttime is field 22.
    return int(fields[19]) if fields else None


def start_time(pid: int) -> float | None:
    """Wall-clock start time of a process, or None when it is gone."""
    ticks = start_ticks(pid)
    if ticks is None:
        return None
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return int(line.split()[1]) + ticks / os.sysconf("SC_CLK_TCK")
    return None


def alive(pid: int) -> bool:
    """True when the process exists and is not a zombie (a zombie has exited but not been reaped)."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def pid_file(run_dir: Path, name: str) -> Path:
    return run_dir / f"{name}.pid"


def write_pid(run_dir: Path, name: str, pid: int) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    ticks = start_ticks(pid)
    pid_file(run_dir, name).write_text(f"{pid}\n{ticks if ticks is not None else ''}\n")


def read_pid(run_dir: Path, name: str) -> PidRecord | None:
    try:
        lines = pid_file(run_dir, name).read_text().split("\n")
        pid = int(lines[0])
    except (OSError, ValueError):
        return None
    ticks = int(lines[1]) if len(lines) > 1 and lines[1].strip().isdigit() else None
    return PidRecord(pid, ticks)


def live_pid(run_dir: Path, name: str) -> int | None:
    """The pid recorded for `name` if that very process is still running, else None."""
    record = read_pid(run_dir, name)
    if record is None or not alive(record.pid):
        return None
    if record.start_ticks is not None and start_ticks(record.pid) != record.start_ticks:
        return None
    return record.pid


def group_alive(pgid: int) -> bool:
    """True while any process of the group runs. Zombies do not count: a leader whose parent (an
    `up` in another terminal, say) has not reaped it yet has stopped all the same."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            # After the name: index 0 is the state, index 2 the process group.
            if fields is not None and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                return True
    return False
