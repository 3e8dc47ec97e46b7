"""Production settings reach the engines' clients: endpoints, TLS, credentials and secrets from mounted files
(no service needed: each client is built from settings and looked at, or run against a loopback stand-in)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, generate_private_key
from jwt.algorithms import RSAAlgorithm
from pydantic import SecretStr
from temporalio.service import TLSConfig

from config.settings import SECRETS_DIR_VARIABLE, Settings, get_settings
from infra.tls import LocalCA


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for name in list(__import__("os").environ):
        if name.startswith("MIZAN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MIZAN_STATE_DIR", str(tmp_path / "state"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_a_secret_comes_from_a_mounted_file_and_the_environment_still_wins(
        fresh_settings: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = fresh_settings / "secrets"
    secrets.mkdir()
    (secrets / "mizan_database_url").write_text("postgresql+psycopg://mizan:from-file@db/mizan\n")
    (secrets / "mizan_opensearch_password").write_text("s3cret\n")
    monkeypatch.setenv(SECRETS_DIR_VARIABLE, str(secrets))
    settings = get_settings()
    assert settings.db_url == "postgresql+psycopg://mizan:from-file@db/mizan"
    assert settings.opensearch_password is not None
    assert settings.opensearch_password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)  # a secret never reaches a log through the settings' repr
    monkeypatch.setenv("MIZAN_DATABASE_URL", "postgresql+psycopg://mizan:from-env@db/mizan")
    get_settings.cache_clear()
    assert get_settings().db_url.endswith("from-env@db/mizan")


def test_without_endpoints_every_engine_is_on_this_machine(fresh_settings: Path) -> None:
    settings = get_settings()
    assert (settings.api_url, settings.keycloak_url, settings.temporal_address, settings.opensearch_urls) == (
        "http://127.0.0.1:8000", "http://127.0.0.1:8080", "127.0.0.1:7233", ["http://127.0.0.1:9200"])
    assert settings.issuer == "http://127.0.0.1:8080/realms/mizan"


def test_endpoints_name_the_load_balancer_the_login_service_and_every_search_node(fresh_settings: Path) -> None:
    settings = Settings(api_endpoint="https://mizan.example/", keycloak_endpoint="https://sso.example:8443/",
                        temporal_endpoint="temporal-frontend:7233",
                        opensearch_endpoints="https://os-0:9200, https://os-1:9200,https://os-2:9200")
    assert settings.api_url == "https://mizan.example"
    assert settings.issuer == "https://sso.example:8443/realms/mizan"
    assert settings.temporal_address == "temporal-frontend:7233"
    assert settings.opensearch_urls == ["https://os-0:9200", "https://os-1:9200", "https://os-2:9200"]


def test_the_search_client_carries_every_node_credentials_and_the_ca(fresh_settings: Path) -> None:
    from search.client import connection_options

    plain = connection_options(Settings())
    assert plain["hosts"] == ["http://127.0.0.1:9200"] and "http_auth" not in plain and "ca_certs" not in plain
    ca = fresh_settings / "ca.pem"
    ca.write_text("x")
    secured = connection_options(Settings(opensearch_endpoints="https://a:9200,https://b:9200",
                                          opensearch_username="mizan", opensearch_password=SecretStr("pw"),
                                          opensearch_ca_file=ca))
    assert secured["hosts"] == ["https://a:9200", "https://b:9200"]
    assert secured["http_auth"] == ("mizan", "pw")
    assert (secured["use_ssl"], secured["verify_certs"], secured["ca_certs"]) == (True, True, str(ca))


def test_temporal_gets_tls_with_its_ca_and_this_process_certificate(fresh_settings: Path) -> None:
    from workflows.client import tls_config

    assert tls_config(Settings()) is False
    ca = LocalCA.create(fresh_settings / "tls")
    client = ca.issue("mizan-worker", client=True)
    config = tls_config(Settings(temporal_tls_ca_file=ca.cert_file, temporal_tls_cert_file=client.cert_file,
                                 temporal_tls_key_file=client.key_file, temporal_tls_server_name="temporal"))
    assert isinstance(config, TLSConfig)
    assert config.server_root_ca_cert == ca.cert_file.read_bytes()
    assert config.client_cert == client.cert_file.read_bytes() and config.domain == "temporal"
    with pytest.raises(ValueError, match="go together"):
        tls_config(Settings(temporal_tls_ca_file=ca.cert_file, temporal_tls_cert_file=client.cert_file))


def test_the_case_index_keeps_as_many_replicas_as_configured(fresh_settings: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from search.indices import CASES_SETTINGS, dynamic_settings

    assert "number_of_replicas" not in CASES_SETTINGS  # only the dynamic settings name it, re-applied at start
    assert dynamic_settings()["number_of_replicas"] == 0
    monkeypatch.setenv("MIZAN_SEARCH_REPLICAS", "1")
    get_settings.cache_clear()
    assert dynamic_settings()["number_of_replicas"] == 1


# -- the certificate signing key: from a secret, and rotated -------------------------------------------


def test_a_rotated_certificate_key_still_verifies_what_it_signed(fresh_settings: Path) -> None:
    from certificates import signing

    signing.private_key.cache_clear()
    try:
        before = signing.sign(b"certificate one")
        old_id, new_id = signing.rotate_key()
        assert old_id == before.key_id and new_id != old_id
        after = signing.sign(b"certificate two")
        assert after.key_id == new_id == signing.key_id()
        # each signature verifies under the key that made it, and under no other
        assert signing.verify(b"certificate one", before.value, before.key_id)
        assert signing.verify(b"certificate two", after.value, after.key_id)
        assert not signing.verify(b"certificate one", before.value, new_id)
        assert not signing.verify(b"certificate one", before.value)  # the current key did not sign it
        assert not signing.verify(b"certificate one", before.value, "0000000000000000")
        # the retired key's public half is published for the certificates it signed; its private half is gone
        retired = signing.retired_dir() / f"certificate-ed25519-{old_id}.pem"
        assert "PRIVATE" not in retired.read_text()
        assert signing.public_key_pem(old_id) == retired.read_text()
        assert signing.public_key_pem() == signing.public_key_pem(new_id) != signing.public_key_pem(old_id)
    finally:
        signing.private_key.cache_clear()


def test_the_certificate_key_and_its_retired_keys_come_from_mounted_files(fresh_settings: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from certificates import signing

    mounted = fresh_settings / "secret"
    old_key, new_key = mounted / "old.pem", mounted / "new.pem"
    signing._create_key(old_key)
    signing._create_key(new_key)
    monkeypatch.setenv("MIZAN_CERTIFICATE_KEY_FILE", str(old_key))
    get_settings.cache_clear()
    signing.private_key.cache_clear()
    try:
        signed_before = signing.sign(b"issued last year")
        assert not (fresh_settings / "state" / "keys").exists()  # nothing made beside a mounted key
        # the rotation as an operator does it: the new secret mounted, the old one named as retired
        monkeypatch.setenv("MIZAN_CERTIFICATE_KEY_FILE", str(new_key))
        monkeypatch.setenv("MIZAN_CERTIFICATE_RETIRED_KEY_FILES", str(old_key))
        get_settings.cache_clear()
        signing.private_key.cache_clear()
        assert signing.sign(b"issued today").key_id != signed_before.key_id
        assert signing.verify(b"issued last year", signed_before.value, signed_before.key_id)
    finally:
        signing.private_key.cache_clear()


# -- the realm's keys: refreshed on rotation, kept while Keycloak is away --------------------------------


class _Realm(BaseHTTPRequestHandler):
    """A stand-in for Keycloak's certs endpoint on loopback: serves `keys`, counts the fetches."""

    keys: ClassVar[list[dict[str, Any]]] = []
    fetches: ClassVar[int] = 0

    def do_GET(self) -> None:
        type(self).fetches += 1
        body = json.dumps({"keys": type(self).keys}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _jwk(key: RSAPrivateKey, kid: str) -> dict[str, Any]:
    return {**json.loads(RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "RS256", "use": "sig"}


def _token(key: RSAPrivateKey, kid: str, issuer: str) -> str:
    now = int(time.time())
    claims = {"sub": "u1", "preferred_username": "officer.tripoli", "aud": "mizan-api", "iss": issuer,
              "iat": now, "exp": now + 300, "realm_access": {"roles": ["police_officer"]}, "agency": "x"}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def test_realm_keys_follow_a_rotation_and_outlive_the_login_service(fresh_settings: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from api import auth

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Realm)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("MIZAN_KEYCLOAK_ENDPOINT", base)
    get_settings.cache_clear()
    auth._jwks.cache_clear()
    issuer = get_settings().issuer
    first, second = (generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
    _Realm.keys, _Realm.fetches = [_jwk(first, "k1")], 0
    try:
        assert auth.verify_token(_token(first, "k1", issuer)).username == "officer.tripoli"
        # Keycloak rotates: a token signed with a key id not seen before makes the API fetch the keys again
        _Realm.keys = [_jwk(first, "k1"), _jwk(second, "k2")]
        auth._jwks()._last_successful_fetch = time.monotonic() - 60  # past the 30 s between forced refreshes
        assert auth.verify_token(_token(second, "k2", issuer)).username == "officer.tripoli"
        assert _Realm.fetches == 2
        # Keycloak goes away and the key set's lifespan runs out: the last key set still verifies tokens
        server.shutdown()
        server.server_close()
        auth._jwks().jwk_set_cache.lifespan = 0  # type: ignore[union-attr]  # the cache expired meanwhile
        assert auth.verify_token(_token(second, "k2", issuer)).username == "officer.tripoli"
        # and a token signed by a key the realm never published is still refused
        stranger = generate_private_key(public_exponent=65537, key_size=2048)
        with pytest.raises(auth.InvalidToken):
            auth.verify_token(_token(stranger, "k1", issuer))
    finally:
        server.server_close()
        auth._jwks.cache_clear()


# -- the worker's health check ----------------------------------------------------------------------------


def test_the_worker_health_check_reads_the_heartbeat_age(fresh_settings: Path) -> None:
    from activities.health import heartbeat_path, is_alive, main

    settings = get_settings()
    assert not is_alive(settings) and main([]) == 1  # never beaten
    heartbeat_path(settings).parent.mkdir(parents=True, exist_ok=True)
    heartbeat_path(settings).write_text(f"{time.time():.3f}\n")
    assert is_alive(settings) and main([]) == 0
    stale = time.time() + 3 * settings.worker_heartbeat_seconds + 1
    assert not is_alive(settings, now=stale)


# -- the web client's secret: from a mounted file, a rotation used without a restart --------------------------


class _TokenEndpoint(BaseHTTPRequestHandler):
    """A stand-in for Keycloak's token endpoint holding mizan-web as a confidential client: it answers only a
    request that carries `secret` (401 otherwise, as Keycloak does) and keeps each form it was sent."""

    secret: ClassVar[str] = ""
    forms: ClassVar[list[dict[str, list[str]]]] = []

    def do_POST(self) -> None:
        from urllib.parse import parse_qs

        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        type(self).forms.append(form)
        accepted = form.get("client_secret") == [type(self).secret] and form.get("client_id") == ["mizan-web"]
        body = json.dumps({"access_token": "a", "id_token": "i", "expires_in": 300} if accepted
                          else {"error": "unauthorized_client"}).encode()
        self.send_response(200 if accepted else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_the_web_client_secret_comes_from_its_file_and_a_rotation_needs_no_restart(
        fresh_settings: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from api.web import oidc

    server = ThreadingHTTPServer(("127.0.0.1", 0), _TokenEndpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret_file = fresh_settings / "web-client-secret"
    secret_file.write_text("first-secret\n")
    monkeypatch.setenv("MIZAN_KEYCLOAK_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("MIZAN_WEB_CLIENT_SECRET_FILE", str(secret_file))
    get_settings.cache_clear()
    _TokenEndpoint.forms = []
    try:
        _TokenEndpoint.secret = "first-secret"
        assert asyncio.run(oidc._token_request({"grant_type": "refresh_token", "refresh_token": "r"}))["access_token"]
        # Keycloak's secret is rotated; until the mounted file follows, the login service refuses the web
        _TokenEndpoint.secret = "second-secret"
        with pytest.raises(oidc.LoginFailed):
            asyncio.run(oidc._token_request({"grant_type": "refresh_token", "refresh_token": "r"}))
        # the secret store writes the new secret into the mounted file: the same process uses it at once
        secret_file.write_text("second-secret\n")
        assert asyncio.run(oidc._token_request({"grant_type": "refresh_token", "refresh_token": "r"}))["access_token"]
        assert [f["client_secret"] for f in _TokenEndpoint.forms] == [["first-secret"], ["first-secret"],
                                                                      ["second-secret"]]
    finally:
        server.shutdown()
        server.server_close()


def test_a_public_web_client_sends_no_secret(fresh_settings: Path) -> None:
    from api.web import oidc

    assert oidc.client_credentials() == {"client_id": "mizan-web"}


# -- the cluster profile's ports, kept out of the kernel's ephemeral range -----------------------------------


def test_every_port_of_the_cluster_profile_is_in_the_ranges_it_reserves(fresh_settings: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from infra.cluster.profile import API_PROCESSES, OPENSEARCH_NODES, Layout, cluster_profile, port_ranges

    for name, value in cluster_profile().items():
        monkeypatch.setenv(name, value)
    layout = Layout(Settings())
    s = layout.settings
    listening = {s.smtp_port, layout.postgres_port, layout.load_balancer_port, layout.balancer_stats_port,
                 layout.keycloak_https_port, s.keycloak_management_port, s.temporal_ui_port,
                 layout.temporal_http_port,
                 *(layout.api_port(n) for n in range(1, API_PROCESSES + 1)),
                 *(layout.opensearch_port(n) for n in range(1, OPENSEARCH_NODES + 1)),
                 *(layout.opensearch_transport_port(n) for n in range(1, OPENSEARCH_NODES + 1)),
                 *(layout.temporal_port(service)[0] for service in ("frontend", "history", "matching", "worker"))}
    reserved = port_ranges(layout)
    assert [port for port in sorted(listening) if not any(low <= port <= high for low, high in reserved)] == []
    # Temporal's membership ports stay below the ephemeral range (and within a smallint)
    assert all(layout.temporal_port(service)[1] < 32768 for service in ("frontend", "history", "matching", "worker"))
