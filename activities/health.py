"""The worker's health check: `python -m activities.health` exits 0 while the worker's heartbeat is fresh.

The worker has no port to probe. While it runs and Temporal answers it, it rewrites its heartbeat file every
`MIZAN_WORKER_HEARTBEAT_SECONDS` (activities.worker.heartbeat); this check reads the file's age. Kubernetes
runs it as the worker's liveness and readiness probe (an `exec` probe), the cluster profile as its health.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from config.settings import Settings, get_settings

#: a heartbeat older than this many intervals means the worker stopped polling or lost Temporal
STALE_AFTER_BEATS = 3


def heartbeat_path(settings: Settings) -> Path:
    return settings.worker_heartbeat_file or settings.run_dir / "worker.alive"


def heartbeat_age(settings: Settings, now: float | None = None) -> float | None:
    """Seconds since the worker last found itself healthy, or None when it never has (or has stopped)."""
    try:
        beat = float(heartbeat_path(settings).read_text().strip())
    except (OSError, ValueError):
        return None
    return (time.time() if now is None else now) - beat


def is_alive(settings: Settings, now: float | None = None) -> bool:
    age = heartbeat_age(settings, now)
    return age is not None and age <= STALE_AFTER_BEATS * settings.worker_heartbeat_seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m activities.health", description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    settings = get_settings()
    age = heartbeat_age(settings)
    if is_alive(settings):
        print(f"worker alive: last heartbeat {age:.1f} s ago")
        return 0
    print("worker not alive: " + ("no heartbeat" if age is None else f"last heartbeat {age:.1f} s ago"),
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
