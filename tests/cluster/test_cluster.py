"""The cluster profile is the production shape: each engine as it runs in production, and Mizan through the load
balancer over TLS. Each test asks the running engine itself, not the launcher's configuration."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest
from temporalio.client import Client
from temporalio.service import TLSConfig

from config.settings import ROOT, Settings
from infra.cluster.mizan import LoadBalancer
from infra.cluster.profile import Layout
from infra.cluster.secrets import TEMPORAL_SERVER_NAME, ClusterSecrets
from infra.cluster.temporal import TemporalServerService
from tests.support import Tokens, wait_for

pytestmark = pytest.mark.cluster


@pytest.fixture(scope="module")
def secrets(cluster_settings: Settings) -> ClusterSecrets:
    return ClusterSecrets(cluster_settings.state_dir / "secrets")


def _report() -> dict[str, object]:
    return {"offence": "سرقة", "category": "misdemeanour", "place": "طرابلس", "narrative": "اختبار العنقود",
            "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(), "parties": []}


def test_status_shows_every_node_and_its_role(cluster_settings: Settings) -> None:
    shown = subprocess.run([sys.executable, "-m", "infra.cli", "status", "--cluster"], cwd=ROOT, capture_output=True,
                           text=True, check=True, timeout=120).stdout
    rows = {line.split()[0]: line for line in shown.splitlines()[1:]}
    # the mail sink stands in for the ministry's relay on one machine (infra/cluster/stages.py)
    assert set(rows) == {"postgres", "opensearch-1", "opensearch-2", "opensearch-3", "temporal", "keycloak",
                         "temporal-ui", "worker-1", "worker-2", "api-1", "api-2", "load-balancer",
                         *(["mail"] if cluster_settings.mail_sink else [])}
    for name, row in rows.items():
        assert " yes " in row, f"{name} is not healthy: {row}"
    assert sum("elected cluster manager" in rows[f"opensearch-{n}"] for n in (1, 2, 3)) == 1
    assert "cluster green, 3 nodes" in rows["opensearch-1"]
    assert "primary" in rows["postgres"]
    assert "frontend, history, matching, worker" in rows["temporal"] and "PostgreSQL" in rows["temporal"]
    assert "production mode" in rows["keycloak"]
    assert "api-1 UP" in rows["load-balancer"] and "api-2 UP" in rows["load-balancer"]


def test_temporal_is_the_real_server_on_postgresql_and_refuses_a_client_without_a_certificate(
        cluster_settings: Settings, secrets: ClusterSecrets) -> None:
    described = TemporalServerService(cluster_settings).cli("operator", "cluster", "describe", "--output", "json")
    assert described.returncode == 0, described.stderr
    assert '"persistenceStore": "postgres12"' in described.stdout.replace("'", '"')
    assert "postgres12" in described.stdout.split('"visibilityStore"')[1][:40]

    async def connect_without_a_certificate() -> None:
        tls = TLSConfig(server_root_ca_cert=secrets.ca.cert_file.read_bytes(), domain=TEMPORAL_SERVER_NAME)
        client = await Client.connect(cluster_settings.temporal_address, tls=tls, namespace="default")
        await client.count_workflows()

    with pytest.raises(Exception):  # noqa: B017 - the TLS handshake or the first call fails, either way refused
        asyncio.run(asyncio.wait_for(connect_without_a_certificate(), timeout=20))


def test_keycloak_answers_only_over_tls_in_production_mode(cluster_settings: Settings,
                                                          secrets: ClusterSecrets) -> None:
    assert cluster_settings.issuer.startswith("https://")
    discovery = httpx.get(f"{cluster_settings.issuer}/.well-known/openid-configuration",
                          verify=ssl.create_default_context(cafile=str(secrets.ca.cert_file)), timeout=30)
    assert discovery.status_code == 200 and discovery.json()["issuer"] == cluster_settings.issuer
    with pytest.raises(httpx.HTTPError):  # no plain HTTP listener
        httpx.get(cluster_settings.issuer.replace("https://", "http://"), timeout=5)
    from pathlib import Path

    pid = int((cluster_settings.run_dir / "keycloak.pid").read_text().split()[0])
    group = subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True, check=False).stdout.split()
    command = " ".join(Path(f"/proc/{child}/cmdline").read_text().replace("\0", " ") for child in {str(pid), *group})
    assert " start --optimized" in command and "start-dev" not in command


def test_opensearch_is_three_nodes_and_the_case_index_keeps_one_replica_apart(cluster_settings: Settings) -> None:
    from search.client import get_client
    from search.indices import cases_alias

    client = get_client()
    assert client.cluster.health()["number_of_nodes"] == 3
    (index,) = client.indices.get_alias(name=cases_alias())
    assert client.indices.get_settings(index=index)[index]["settings"]["index"]["number_of_replicas"] == "1"
    shards = client.cat.shards(index=index, format="json")
    assert {s["prirep"] for s in shards} == {"p", "r"} and all(s["state"] == "STARTED" for s in shards)
    assert len({s["node"] for s in shards}) == 2  # the copy is on another node


def test_actions_go_through_the_load_balancer_over_tls_to_both_apis(cluster_settings: Settings,
                                                                    tokens: Tokens) -> None:
    assert cluster_settings.api_url.startswith("https://")
    balancer = LoadBalancer(cluster_settings)

    def served() -> dict[str, int]:
        import socket

        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(balancer.stats_socket))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        rows = [line.split(",") for line in data.decode().splitlines()]
        return {cols[1]: int(cols[7] or 0) for cols in rows if len(cols) > 8 and cols[1].startswith("api-")}

    before = served()
    headers = {"Authorization": f"Bearer {tokens('officer.tripoli')}"}
    with httpx.Client(base_url=cluster_settings.api_url, timeout=60, headers=headers) as http:
        opened = http.post("/api/v1/cases", json=_report())
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["id"]
        for _ in range(8):
            assert http.get(f"/api/v1/cases/{case_id}").status_code == 200
    after = served()
    assert all(after[name] > before.get(name, 0) for name in ("api-1", "api-2")), (before, after)


def test_the_read_model_is_on_postgresql_over_tls(cluster_settings: Settings, tokens: Tokens) -> None:
    url = cluster_settings.db_url
    assert url.startswith("postgresql+psycopg://") and "sslmode=verify-full" in url
    headers = {"Authorization": f"Bearer {tokens('officer.tripoli')}"}
    opened = httpx.post(f"{cluster_settings.api_url}/api/v1/cases", json=_report(), headers=headers, timeout=60)
    assert opened.status_code == 201, opened.text
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        assert connection.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone() == (True,)

        def recorded() -> bool:
            row = connection.execute("SELECT count(*) FROM case_events WHERE case_id = %s",
                                     (opened.json()["id"],)).fetchone()
            return row is not None and row[0] > 0

        wait_for(recorded, timeout=60)
    layout = Layout(cluster_settings)
    refused = subprocess.run(["psql", f"host=127.0.0.1 port={layout.postgres_port} dbname=mizan user=mizan "
                              "sslmode=disable connect_timeout=5", "-c", "select 1"], capture_output=True, text=True,
                             env={"PGPASSWORD": "x", "PATH": "/usr/bin:/bin"}, check=False)
    assert refused.returncode != 0 and "no pg_hba.conf entry" in refused.stderr  # plain TCP is not accepted


def test_the_worker_health_check_follows_its_heartbeat(cluster_settings: Settings) -> None:
    env = {"MIZAN_WORKER_HEARTBEAT_FILE": str(cluster_settings.run_dir / "worker-1.alive")}
    import os

    checked = subprocess.run([sys.executable, "-m", "activities.health"], cwd=ROOT, env=os.environ | env,
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    first = (cluster_settings.run_dir / "worker-1.alive").read_text()
    time.sleep(cluster_settings.worker_heartbeat_seconds + 2)
    assert (cluster_settings.run_dir / "worker-1.alive").read_text() != first  # it beats


def test_a_rotated_realm_key_is_picked_up_by_both_apis(cluster_settings: Settings, secrets: ClusterSecrets) -> None:
    """Keycloak's signing key rotated through its admin API (a new RSA key of higher priority): tokens signed with
    it are accepted by every API at once (an unknown key id makes an API fetch the realm's keys again)."""
    import base64
    import json

    from infra.demo import DEMO_PASSWORD

    base = cluster_settings.keycloak_url
    admin = httpx.post(f"{base}/realms/master/protocol/openid-connect/token", timeout=30, data={
        "grant_type": "password", "client_id": "admin-cli", "username": "admin",
        "password": secrets.password("keycloak-admin")})
    assert admin.status_code == 200, admin.text
    headers = {"Authorization": f"Bearer {admin.json()['access_token']}"}
    realm = httpx.get(f"{base}/admin/realms/{cluster_settings.realm}", headers=headers, timeout=30).json()

    def token() -> str:
        response = httpx.post(f"{cluster_settings.issuer}/protocol/openid-connect/token", timeout=30, data={
            "grant_type": "password", "client_id": cluster_settings.cli_client_id, "username": "officer.tripoli",
            "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def kid(jwt: str) -> str:
        header = jwt.split(".")[0]
        return str(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"])

    before = token()
    name = f"rotated-{int(time.time())}"
    created = httpx.post(f"{base}/admin/realms/{cluster_settings.realm}/components", headers=headers, timeout=30,
                         json={"name": name, "providerId": "rsa-generated", "providerType":
                               "org.keycloak.keys.KeyProvider", "parentId": realm["id"],
                               "config": {"priority": [str(int(time.time()))], "keySize": ["2048"],
                                          "active": ["true"], "enabled": ["true"], "algorithm": ["RS256"]}})
    assert created.status_code == 201, created.text
    after = token()
    assert kid(after) != kid(before)
    # both APIs, behind the balancer, take the new key (and still the old one, while Keycloak publishes it)
    for n in (1, 2):
        api = f"http://127.0.0.1:{Layout(cluster_settings).api_port(n)}"
        for signed in (after, before):
            response = httpx.get(f"{api}/api/v1/cases", headers={"Authorization": f"Bearer {signed}"}, timeout=60)
            assert response.status_code == 200, (n, response.text)
