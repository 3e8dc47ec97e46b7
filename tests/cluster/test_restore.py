"""Backups restored: a backup of the running cluster (PostgreSQL base backup, OpenSearch snapshot, files), the
cluster stopped and its data wiped, rebuilt from the backup; then `audit verify` and `search check` pass, what
was there at the backup is back, and what came after it is not. (Last of the cluster's tests: it restarts every
service.)"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from config.settings import ROOT, Settings
from infra.cluster.backup import backup, restore, wipe_data
from infra.launcher import Launcher
from tests.support import Tokens

pytestmark = pytest.mark.cluster


def _open(settings: Settings, tokens: Tokens, narrative: str) -> str:
    body = {"offence": "سرقة", "category": "misdemeanour", "place": "طرابلس", "narrative": narrative,
            "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(), "parties": [
                {"role": "suspect", "name": "سالم المبروك"}]}
    response = httpx.post(f"{settings.api_url}/api/v1/cases", json=body, timeout=60,
                          headers={"Authorization": f"Bearer {tokens('officer.tripoli')}"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _mizan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "infra.cli", *args, "--cluster"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)


def test_an_empty_cluster_rebuilt_from_the_backups_verifies_and_searches(cluster_settings: Settings,
                                                                         tokens: Tokens) -> None:
    settings = cluster_settings
    kept = _open(settings, tokens, "قبل النسخ الاحتياطي")
    time.sleep(3)  # its projection and index document written
    backup_dir = backup(settings)
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    later = _open(settings, tokens, "بعد النسخ الاحتياطي")

    launcher = Launcher(settings)
    launcher.stop_all()
    wipe_data(settings)
    assert not (settings.state_dir / "postgres").exists()
    t0 = time.monotonic()
    timings = restore(settings, backup_dir.name)
    Launcher(settings).up()
    rebuilt_seconds = round(time.monotonic() - t0, 1)
    print(f"\nrestore: {timings}, whole cluster back in {rebuilt_seconds} s; backup {manifest}")

    audit = _mizan("audit", "verify")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "chain intact" in audit.stdout
    checked = _mizan("search", "check", "--dry-run")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report = json.loads(checked.stdout.strip().splitlines()[-1])
    assert report.get("missing", 0) == 0 and report.get("extra", 0) == 0, report

    fresh = Tokens(settings)
    headers = {"Authorization": f"Bearer {fresh('officer.tripoli')}"}
    assert httpx.get(f"{settings.api_url}/api/v1/cases/{kept}", headers=headers, timeout=60).status_code == 200
    assert httpx.get(f"{settings.api_url}/api/v1/cases/{later}", headers=headers, timeout=60).status_code == 404
    # and the restored cluster works: a new case goes through every engine
    _open(settings, fresh, "بعد الاستعادة")
