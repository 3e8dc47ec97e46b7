"""The `mizan` realm: its import file (unit) and real tokens from a running Keycloak (integration).

The integration tests need the Keycloak at `settings.keycloak_url`, which tests/conftest.py starts
(≈35 s cold, ≈10 s warm) unless it is already running.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from config.settings import Settings
from core.vocabulary import Role
from infra.demo import DEMO_PASSWORD, USERS, DemoUser
from infra.keycloak import KeycloakService, load_realm, realm_with_demo_users

#: the realm's roles are exactly the domain's (core.vocabulary.Role): no role the code does not know
REALM_ROLES = {role.value for role in Role}


# -- unit: the realm file and the merged import ----------------------------------------------------


def test_realm_file_has_exact_roles_and_no_users() -> None:
    realm = load_realm()
    assert realm["realm"] == "mizan"
    assert {r["name"] for r in realm["roles"]["realm"]} == REALM_ROLES
    # The checked-in realm is production-shaped: demo users are only merged into the dev import.
    assert not realm.get("users")


def test_failed_logins_delay_but_never_lock_out_for_good() -> None:
    """Anyone who knows a username can fail logins in that user's name: the lockout is temporary, grows by 30 s
    per 5 failures and stops at 5 minutes (a guesser gets at most a few hundred tries a day; the user waits
    at most 5 minutes)."""
    realm = load_realm()
    assert realm["bruteForceProtected"] is True and realm["permanentLockout"] is False
    assert realm["maxTemporaryLockouts"] == 0  # never turned into a permanent lock
    assert (realm["failureFactor"], realm["waitIncrementSeconds"], realm["maxFailureWaitSeconds"]) == (5, 30, 300)
    assert realm["bruteForceStrategy"] == "LINEAR"


def test_user_profile_declares_mizan_attributes() -> None:
    # Undeclared attributes are silently dropped by Keycloak's declarative user profile.
    (provider,) = load_realm()["components"]["org.keycloak.userprofile.UserProfileProvider"]
    profile = json.loads(provider["config"]["kc.user.profile.config"][0])
    attrs = {a["name"]: a for a in profile["attributes"]}
    assert {"username", "email", "firstName", "lastName", "agency", "national_id"} <= attrs.keys()
    assert "required" not in attrs["email"]
    # Users must not be able to move themselves to another agency.
    assert attrs["agency"]["permissions"]["edit"] == ["admin"]


def test_clients_shape() -> None:
    clients = {c["clientId"]: c for c in load_realm()["clients"]}
    assert clients["mizan-api"]["bearerOnly"] is True
    web = clients["mizan-web"]
    assert web["publicClient"] and web["standardFlowEnabled"] and not web["directAccessGrantsEnabled"]
    assert web["attributes"]["pkce.code.challenge.method"] == "S256"
    assert set(web["redirectUris"]) == {"http://127.0.0.1:8000/*", "http://localhost:8000/*"}
    assert clients["mizan-cli"]["publicClient"] and clients["mizan-cli"]["directAccessGrantsEnabled"]
    for client_id in ("mizan-web", "mizan-cli"):
        mappers = {m["name"]: m for m in clients[client_id]["protocolMappers"]}
        assert mappers["mizan-api audience"]["config"]["included.client.audience"] == "mizan-api"
        assert {"agency", "national_id"} <= mappers.keys()


def test_realm_with_demo_users() -> None:
    realm = realm_with_demo_users()
    users = {u["username"]: u for u in realm["users"]}
    assert users.keys() == {u.username for u in USERS}
    role_names = {r["name"] for r in realm["roles"]["realm"]}
    for demo in USERS:
        rep = users[demo.username]
        assert rep["enabled"] and rep["emailVerified"]
        assert rep["realmRoles"] == [demo.role]
        assert set(rep["realmRoles"]) <= role_names
        assert rep["firstName"] == demo.first_name and rep["lastName"] == demo.last_name
        assert rep["credentials"] == [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}]
        assert rep["attributes"].get("agency") == ([demo.agency] if demo.agency else None)
        assert rep["attributes"].get("national_id") == ([demo.national_id] if demo.national_id else None)
    # Merging must not leak users into the checked-in realm.
    assert not load_realm().get("users")


# -- integration: real tokens --------------------------------------------------------------------


@pytest.fixture(scope="module")
def keycloak(settings: Settings) -> KeycloakService:
    # The services themselves are started by tests/conftest.py (or `./mizan test`).
    service = KeycloakService(settings)
    if not service.healthy():
        pytest.fail(f"Keycloak realm {settings.realm!r} is not being served at {settings.keycloak_url}")
    return service


def token_url(settings: Settings) -> str:
    return f"{settings.keycloak_url}/realms/{settings.realm}/protocol/openid-connect/token"


def password_grant(settings: Settings, username: str, password: str = DEMO_PASSWORD) -> httpx.Response:
    return httpx.post(
        token_url(settings),
        data={
            "grant_type": "password",
            "client_id": settings.cli_client_id,
            "username": username,
            "password": password,
            "scope": "openid",
        },
        timeout=30,
    )


def claims(jwt: str) -> dict[str, Any]:
    """Payload without verification: these tests check what Keycloak puts in, not signatures."""
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def audiences(token_claims: dict[str, Any]) -> list[str]:
    # A single audience comes back as a bare string, several as a list.
    aud = token_claims.get("aud", [])
    return [aud] if isinstance(aud, str) else list(aud)


@pytest.mark.stack
@pytest.mark.parametrize(
    "demo", [u for u in USERS if u.username in {"officer.tripoli", "prosecutor.benghazi", "judge.supreme", "citizen1"}],
    ids=lambda u: u.username,
)
def test_token_claims(keycloak: KeycloakService, settings: Settings, demo: DemoUser) -> None:
    response = password_grant(settings, demo.username)
    assert response.status_code == 200, response.text
    c = claims(response.json()["access_token"])
    assert c["iss"] == settings.issuer
    assert c["preferred_username"] == demo.username
    assert demo.role in c["realm_access"]["roles"]
    assert settings.api_audience in audiences(c)
    if demo.agency:
        assert c["agency"] == demo.agency
    else:
        assert "agency" not in c
    if demo.national_id:
        assert c["national_id"] == demo.national_id
    else:
        assert "national_id" not in c


@pytest.mark.stack
def test_officer_tripoli_token(keycloak: KeycloakService, settings: Settings) -> None:
    response = password_grant(settings, "officer.tripoli")
    assert response.status_code == 200, response.text
    c = claims(response.json()["access_token"])
    assert "police_officer" in c["realm_access"]["roles"]
    assert c["agency"] == "station.tripoli.central"
    assert "mizan-api" in audiences(c)
    # 15 minutes: long enough for a test run, short enough to limit a leaked token.
    assert c["exp"] - c["iat"] == 900


@pytest.mark.stack
def test_wrong_password_refused(keycloak: KeycloakService, settings: Settings) -> None:
    response = password_grant(settings, "auditor", "not-the-password")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_grant"
    # A single failure must not lock the account (brute-force protection waits only after 5).
    assert password_grant(settings, "auditor").status_code == 200
