"""Backups of the cluster profile, and a restore into an empty one (`mizan backup --cluster`, `mizan restore
--cluster NAME`).

What a backup holds (under `MIZAN_BACKUP_DIR`, by default `.mizan/backups/cluster/<name>/`, owner-only):
- `postgres/`: a base backup of the whole PostgreSQL cluster (`pg_basebackup`, tar, with the WAL to make it
  consistent): the read model, Temporal's persistence and visibility and Keycloak's database, all at one
  instant, so a restored Temporal and a restored read model agree;
- an OpenSearch snapshot of the case index (and its alias) in the filesystem repository shared by the three
  nodes (`opensearch-repository/`, incremental: snapshots share unchanged segments);
- `files.tar.gz`: what the database names on disk (documents, certificate PDFs) and Mizan's keys (the audit
  chain's HMAC key and checkpoints, the certificate signing key). In production those keys are secrets kept
  in a secret store and not in this file; here they live in the state directory;
- `manifest.json`: when, what, sizes and counts.

A restore needs the state directory without data (`--wipe` clears it: the data, never the installed software).
It unpacks the base backup and the files, starts PostgreSQL and the search nodes, restores the snapshot, and
leaves them running for `up --cluster`, which starts the rest. Fresh secrets are fine: PostgreSQL's roles get
their passwords from the secrets at every start, and certificates are issued again by the local CA.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tarfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config.settings import Settings, get_settings
from infra.cluster.profile import backup_root, snapshot_dir

REPOSITORY = "mizan-backups"
#: under the state directory: what the database names on disk, and Mizan's own keys
FILE_PARTS = ("documents", "certificates", "keys", "audit", "web-cookie.secret")
#: what a restore needs gone: the data, never the installed software (dists, built binaries)
DATA_PARTS = ("postgres", *FILE_PARTS, "temporal", "run")


def _opensearch(settings: Settings, method: str, path: str, body: dict[str, Any] | None = None,
                timeout: float = 600) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    last: Exception | None = None
    for url in settings.opensearch_urls:  # any node will do
        request = urllib.request.Request(f"{url}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.load(response)
        except OSError as exc:
            last = exc
    raise RuntimeError(f"no OpenSearch node answered {method} {path}: {last}")


def _register_repository(settings: Settings) -> None:
    _opensearch(settings, "PUT", f"/_snapshot/{REPOSITORY}",
                {"type": "fs", "settings": {"location": str(snapshot_dir()), "compress": True}})


def _counts(settings: Settings) -> dict[str, int]:
    from sqlalchemy import func, select

    from store.audit import AuditRecord
    from store.database import make_engine
    from store.models import Case, CaseEventRow

    engine = make_engine(settings.db_url)
    try:
        with engine.connect() as connection:
            return {name: int(connection.scalar(select(func.count()).select_from(table)) or 0)
                    for name, table in (("cases", Case), ("case_events", CaseEventRow),
                                        ("audit_records", AuditRecord))}
    finally:
        engine.dispose()


def backup(settings: Settings, say: Any = print) -> Path:
    from infra.cluster.postgres import BACKUP_ROLE, server_bin
    from infra.cluster.profile import Layout
    from infra.cluster.secrets import ClusterSecrets

    secrets = ClusterSecrets(settings.state_dir / "secrets")
    name = datetime.now(UTC).strftime("%Y%m%dt%H%M%S").lower()
    target = backup_root() / name
    target.mkdir(parents=True, mode=0o700)
    # each backup is owner-only; the root only lets the search nodes' own user through to the snapshot
    # repository it holds (owned by that user): 0700 here made every snapshot fail ("cannot create blob store")
    backup_root().chmod(0o711)
    figures: dict[str, Any] = {"name": name, "started_at": datetime.now(UTC).isoformat(), "counts": _counts(settings)}

    t0 = time.monotonic()
    env = os.environ | {"PGPASSWORD": secrets.password("db-backup"), "PGSSLMODE": "verify-full",
                        "PGSSLROOTCERT": str(secrets.ca.cert_file)}
    subprocess.run([str(server_bin() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(Layout(settings).postgres_port),
                    "-U", BACKUP_ROLE, "-D", str(target / "postgres"), "-Ft", "-z", "-Xs", "-c", "fast",
                    "--no-password"], env=env, check=True, capture_output=True)
    figures["postgres_seconds"] = round(time.monotonic() - t0, 1)
    say(f"backup {name}: PostgreSQL base backup in {figures['postgres_seconds']} s")

    t0 = time.monotonic()
    _register_repository(settings)
    result = _opensearch(settings, "PUT", f"/_snapshot/{REPOSITORY}/{name}?wait_for_completion=true",
                         {"indices": f"{settings.index_prefix}-*", "include_global_state": False})
    snapshot = result["snapshot"]
    if snapshot["state"] != "SUCCESS":
        raise RuntimeError(f"the OpenSearch snapshot ended {snapshot['state']}: {snapshot.get('failures')}")
    figures["snapshot"] = {"name": name, "indices": snapshot["indices"], "shards": snapshot["shards"]}
    figures["opensearch_seconds"] = round(time.monotonic() - t0, 1)
    say(f"backup {name}: OpenSearch snapshot of {', '.join(snapshot['indices'])} in {figures['opensearch_seconds']} s")

    t0 = time.monotonic()
    with tarfile.open(target / "files.tar.gz", "w:gz") as tar:
        for part in FILE_PARTS:
            if (settings.state_dir / part).exists():
                tar.add(settings.state_dir / part, arcname=part)
    figures["files_seconds"] = round(time.monotonic() - t0, 1)
    figures["bytes"] = {path.name: path.stat().st_size for path in sorted(target.rglob("*")) if path.is_file()}
    (target / "manifest.json").write_text(json.dumps(figures, indent=2) + "\n")
    say(f"backup {name}: {sum(figures['bytes'].values()) / 1e6:.1f} MB in {target}, counts {figures['counts']}")
    return target


def wipe_data(settings: Settings) -> None:
    """The cluster profile's data gone (the services must be stopped), its software kept."""
    from infra.cluster.opensearch import OpenSearchNode
    from infra.cluster.profile import OPENSEARCH_NODES

    for part in DATA_PARTS:
        path = settings.state_dir / part
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    for n in range(1, OPENSEARCH_NODES + 1):
        shutil.rmtree(OpenSearchNode(settings, n).data_dir, ignore_errors=True)


def restore(settings: Settings, name: str, say: Any = print) -> dict[str, float]:
    """Rebuild PostgreSQL, the files and the index from backup `name`; leaves PostgreSQL and the search nodes
    running. Returns the seconds each part took."""
    from infra.cluster.opensearch import OpenSearchNode
    from infra.cluster.postgres import OS_USER, PostgresService
    from infra.cluster.profile import OPENSEARCH_NODES
    from infra.launcher import Launcher, prepare_state

    source = backup_root() / name
    if not (source / "manifest.json").exists():
        raise RuntimeError(f"no backup {name} in {backup_root()}")
    postgres = PostgresService(settings)
    if (postgres.data_dir / "PG_VERSION").exists() or (settings.state_dir / "documents").exists():
        raise RuntimeError(f"{settings.state_dir} holds data: stop the cluster and restore with --wipe")
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    prepare_state(settings)
    owner = __import__("pwd").getpwnam(OS_USER)
    postgres.home.mkdir(exist_ok=True)
    postgres.data_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "postgres" / "base.tar.gz") as tar:
        tar.extractall(postgres.data_dir, filter="fully_trusted")
    (postgres.data_dir / "pg_wal").mkdir(exist_ok=True)
    with tarfile.open(source / "postgres" / "pg_wal.tar.gz") as tar:
        tar.extractall(postgres.data_dir / "pg_wal", filter="fully_trusted")
    for path in [postgres.home, *postgres.home.rglob("*")]:
        os.chown(path, owner.pw_uid, owner.pw_gid, follow_symlinks=False)
    postgres.data_dir.chmod(0o700)
    with tarfile.open(source / "files.tar.gz") as tar:
        tar.extractall(settings.state_dir, filter="fully_trusted")
    timings["unpack_seconds"] = round(time.monotonic() - t0, 1)

    t0 = time.monotonic()
    nodes = [OpenSearchNode(settings, n) for n in range(1, OPENSEARCH_NODES + 1)]
    Launcher(settings, stages=[[postgres, *nodes]], say=say).up()
    timings["start_seconds"] = round(time.monotonic() - t0, 1)

    t0 = time.monotonic()
    _register_repository(settings)
    _opensearch(settings, "POST", f"/_snapshot/{REPOSITORY}/{name}/_restore?wait_for_completion=true",
                {"indices": f"{settings.index_prefix}-*", "include_aliases": True, "include_global_state": False})
    _opensearch(settings, "GET", "/_cluster/health?wait_for_status=yellow&timeout=120s")
    timings["snapshot_restore_seconds"] = round(time.monotonic() - t0, 1)
    say(f"restore {name}: PostgreSQL, files and the index back ({timings}); now `up --cluster` starts the rest")
    return timings


def backup_main(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mizan backup", description="back up the cluster profile (see --help)")
    parser.parse_args(args)
    settings = get_settings()
    if not settings.cluster:
        print("error: backups are of the cluster profile: mizan backup --cluster", flush=True)
        return 2
    print(backup(settings))
    return 0


def restore_main(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mizan restore", description="restore the cluster profile from a backup")
    parser.add_argument("name", help="the backup's name (a directory under the backup directory)")
    parser.add_argument("--wipe", action="store_true", help="stop the cluster and clear its data first")
    parsed = parser.parse_args(args)
    settings = get_settings()
    if not settings.cluster:
        print("error: restores are of the cluster profile: mizan restore --cluster NAME")
        return 2
    if parsed.wipe:
        from infra.launcher import Launcher

        Launcher(settings).stop_all()
        wipe_data(settings)
    restore(settings, parsed.name)
    return 0
