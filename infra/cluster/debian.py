"""Debian's packages the cluster profile runs (PostgreSQL's server, HAProxy): installed at set-up when missing,
as `./mizan up` fetches everything else it needs, so `up --cluster` works from a fresh clone."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def ensure_package(package: str, present: Path | str) -> None:
    """Install `package` with apt-get unless `present` (a path, or a command on PATH) is already there."""
    found = Path(present).exists() if isinstance(present, Path) else shutil.which(present) is not None
    if found:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise RuntimeError(f"{package} is not installed: apt-get install {package}")
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=True, capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], env=env, check=True, capture_output=True)
