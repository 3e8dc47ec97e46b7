"""Bad sizes and numbers get a clear 4xx, never a 5xx: bodies past their path's limit (announced or
streamed), offsets and ids past what a database column holds; and a client cannot name its own address."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from config.settings import Settings
from tests.support import Api, Tokens

pytestmark = pytest.mark.stack


def _report(narrative: str = "سرقة هاتف") -> dict[str, object]:
    return {"offence": "سرقة", "category": "misdemeanour", "place": "طرابلس", "narrative": narrative,
            "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(), "parties": []}


def test_a_body_past_the_limit_is_refused_before_it_is_read(api: Api, settings: Settings) -> None:
    big = _report("ن" * settings.max_request_bytes)
    response = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=big)
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "request_too_large"
    assert response.json()["error"]["message_ar"]


def test_a_streamed_body_without_a_length_is_cut_at_the_limit(settings: Settings, tokens: Tokens) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"offence": "'
        for _ in range(settings.max_request_bytes // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    response = httpx.post(f"{settings.api_url}/api/v1/cases", content=chunks(), timeout=60,
                          headers={"Authorization": f"Bearer {tokens('officer.tripoli')}",
                                   "Content-Type": "application/json"})
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "request_too_large"


@pytest.mark.parametrize(("user", "path"), [
    ("officer.tripoli", f"/api/v1/cases?offset={2**63}"),
    ("officer.tripoli", "/api/v1/cases?offset=1000001"),
    ("auditor", f"/api/v1/audit?offset={2**63}"),
    ("investigator", f"/api/v1/search?q=x&offset={2**63}"),
])
def test_an_offset_past_the_bound_is_a_422(api: Api, user: str, path: str) -> None:
    response = api.as_(user)("GET", path)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"].endswith("offset")


def test_ids_past_a_bigint_are_a_422(api: Api) -> None:
    records = api.as_("records")
    order = {"order_number": "1/2026", "ordered_at": "2026-01-01T10:00:00+02:00", "court": "court.tripoli"}
    response = records("POST", f"/api/v1/criminal-records/{10**20}/rehabilitation", json=order)
    assert response.status_code == 422, response.text
    response = records("POST", f"/api/v1/certificates/{uuid.uuid4().hex}/issue", json={"record_ids": [10**20]})
    assert response.status_code == 422, response.text


def test_a_forwarded_address_from_a_client_is_not_believed(api: Api) -> None:
    """No trusted proxy is configured: X-Forwarded-For is the client's say-so, not its address."""
    officer = api.as_("officer.tripoli")
    marker = uuid.uuid4().hex
    response = officer("POST", "/api/v1/cases", json=_report(marker), headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 201, response.text
    case_id = response.json()["id"]
    audit = api.as_("auditor")("GET", "/api/v1/audit", params={"case_id": case_id, "action": "case.action"})
    addresses = {r["address"] for r in audit.json()["items"]}
    assert addresses == {"127.0.0.1"}


def test_a_refused_token_says_nothing_of_why_and_is_audited(api: Api, settings: Settings, tokens: Tokens) -> None:
    import jwt

    marker = uuid.uuid4().hex[:12]
    forged = jwt.encode({"preferred_username": f"forger-{marker}", "sub": "x"}, "not-the-realm-key", algorithm="HS256")
    response = httpx.get(f"{settings.api_url}/api/v1/cases", headers={"Authorization": f"Bearer {forged}"}, timeout=30)
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "invalid_token", "message": "the token is not valid",
                                        "message_ar": "رمز الدخول غير صالح"}
    audit = api.as_("auditor")("GET", "/api/v1/audit", params={"action": "auth.failed"}).json()["items"]
    mine = [r for r in audit if r["detail"].get("claimed_username") == f"forger-{marker}"]
    assert len(mine) == 1 and mine[0]["outcome"] == "refused:invalid_token" and mine[0]["detail"]["reason"]
    assert mine[0]["address"] == "127.0.0.1" and mine[0]["username"] == "anonymous"


def test_pages_carry_a_content_security_policy(settings: Settings) -> None:
    for path in ("/verify", "/web/signed-out"):
        response = httpx.get(f"{settings.api_url}{path}", headers={"Accept": "text/html"}, timeout=30)
        assert response.status_code == 200, (path, response.text[:200])
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and settings.keycloak_url in policy
        assert response.headers["x-frame-options"] == "DENY"
    api_response = httpx.get(f"{settings.api_url}/api/v1/procedure", timeout=30)
    assert api_response.headers["x-content-type-options"] == "nosniff"
