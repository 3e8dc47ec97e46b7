"""The hostile-input table: for each class of input a careless or a hostile client sends, through the real
API with real tokens, what Mizan must answer. Every row is a clear 4xx with a machine-readable code and a
message in Arabic and English, changing nothing; or, where the input is legitimate text, it is stored as
sent (normalised) and shown escaped. No row may produce a 5xx, or freeze the case it was sent to."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from config.settings import Settings
from tests.support import Api, Tokens

pytestmark = [pytest.mark.stack, pytest.mark.reliability]

LONE_SURROGATE = "x\udc00y"


@dataclass(frozen=True)
class Row:
    """One hostile input: a request on a fresh case's behalf (`{case}` in the path is that case's id)."""

    kind: str
    method: str
    path: str
    body: Any = None
    raw: bytes | None = None  # sent as is, instead of `body`
    headers: dict[str, str] = field(default_factory=dict)
    user: str = "officer.tripoli"
    status: int = 422
    code: str | None = None  # the refusal's code, when it is refused


def _report(**changes: Any) -> dict[str, Any]:
    return {"offence": "سرقة", "category": "misdemeanour", "place": "طرابلس", "narrative": "…",
            "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(), "parties": [], **changes}


ADD_PARTY = "/api/v1/cases/{case}/actions/add_party"
TABLE: tuple[Row, ...] = (
    # text that no database or page should hold
    Row("lone surrogate in a name", "POST", ADD_PARTY, {"role": "witness", "name": LONE_SURROGATE},
        code="invalid_text"),
    Row("lone surrogate in a report", "POST", "/api/v1/cases", _report(narrative=LONE_SURROGATE), code="invalid_text"),
    Row("NUL in a name", "POST", ADD_PARTY, {"role": "witness", "name": "a\x00b"}, code="invalid_text"),
    Row("escape character", "POST", ADD_PARTY, {"role": "witness", "name": "a\x1b[31mb"}, code="invalid_text"),
    Row("right-to-left override", "POST", ADD_PARTY, {"role": "witness", "name": "أحمد\u202egnp.exe"},
        code="invalid_text"),
    Row("line break in a name", "POST", ADD_PARTY, {"role": "witness", "name": "سطر\nسطر"}, code="invalid_text"),
    Row("a name of 301 letters", "POST", ADD_PARTY, {"role": "witness", "name": "ن" * 301}, code="text_too_long"),
    Row("a narrative of 20,001 letters", "POST", "/api/v1/cases", _report(narrative="ن" * 20_001),
        code="text_too_long"),
    Row("lone surrogate in a grant reason", "POST", "/api/v1/cases/{case}/grants",
        {"agency": "cid", "reason": LONE_SURROGATE}, user="supervisor.tripoli", code="invalid_text"),
    # identities
    Row("11-digit national ID", "POST", ADD_PARTY, {"role": "accused", "name": "س", "national_id": "11985001234"},
        code="invalid_national_id"),
    Row("letters in a national ID", "POST", ADD_PARTY, {"role": "accused", "name": "س", "national_id": "1198500123ab"},
        code="invalid_national_id"),
    Row("a national ID that is a number", "POST", ADD_PARTY,
        {"role": "accused", "name": "س", "national_id": 119850012345}, code="invalid_national_id"),
    # shapes and types
    Row("a name that is a number", "POST", ADD_PARTY, {"role": "witness", "name": 123}, code="invalid_field"),
    Row("an unknown role", "POST", ADD_PARTY, {"role": "king", "name": "س"}, code="invalid_choice"),
    Row("an unknown field", "POST", ADD_PARTY, {"role": "witness", "name": "س", "admin": True}, code="unknown_field"),
    Row("a list for a body", "POST", ADD_PARTY, [1, 2, 3], code="invalid_request"),
    Row("broken JSON", "POST", ADD_PARTY, raw=b'{"role": "witness", "name": ', code="invalid_request",
        headers={"Content-Type": "application/json"}),
    Row("parties that are a string", "POST", "/api/v1/cases", _report(parties="x"), code="invalid_request"),
    Row("5,000 parties at once", "POST", "/api/v1/cases",
        _report(parties=[{"role": "witness", "name": f"شاهد {i}"} for i in range(5000)]), code="too_many_items"),
    # numbers past their columns
    Row("an offset of 2^63", "GET", f"/api/v1/cases?offset={2**63}", code="invalid_request"),
    Row("a record id of 10^20", "POST", f"/api/v1/criminal-records/{10**20}/rehabilitation",
        {"order_number": "1", "ordered_at": "2026-01-01T00:00:00+02:00", "court": "x"}, user="records",
        code="invalid_request"),
    # references
    Row("a path in a document reference", "POST", "/api/v1/cases/{case}/actions/attach_document",
        {"document": "sha256:../../etc/passwd", "title": "x"}, code="unknown_document"),
    Row("a case that does not exist", "POST", "/api/v1/cases/" + "0" * 32 + "/actions/add_party",
        {"role": "witness", "name": "س"}, status=404, code="case_not_found"),
    # the transport
    Row("an Idempotency-Key of 3,000 characters", "POST", ADD_PARTY, {"role": "witness", "name": "س"},
        headers={"Idempotency-Key": "k" * 3000}, code="invalid_idempotency_key"),
    Row("a body past the limit", "POST", ADD_PARTY, {"role": "witness", "name": "س", "pad": "x" * (2 * 1024 * 1024)},
        status=413, code="request_too_large"),
    Row("no token", "GET", "/api/v1/cases", user="", status=401, code="unauthorized"),
    Row("a token that is not one", "GET", "/api/v1/cases", headers={"Authorization": "Bearer not.a.token"},
        user="", status=401, code="invalid_token"),
)


@pytest.fixture(scope="module")
def case_id(api: Api) -> str:
    response = api.as_("officer.tripoli")("POST", "/api/v1/cases",
                                          json=_report(parties=[{"role": "suspect", "name": "مشتبه"}]))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _timeline(api: Api, case_id: str) -> list[dict[str, Any]]:
    return list(api.as_("officer.tripoli")("GET", f"/api/v1/cases/{case_id}").json()["timeline"])


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.kind)
def test_a_hostile_input_gets_a_clear_4xx_and_changes_nothing(row: Row, api: Api, case_id: str, settings: Settings,
                                                              tokens: Tokens) -> None:
    before = _timeline(api, case_id)
    headers = dict(row.headers)
    if row.user:
        headers["Authorization"] = f"Bearer {tokens(row.user)}"
    content = row.raw if row.raw is not None else (
        json.dumps(row.body, ensure_ascii=False).encode("utf-8", "surrogatepass") if row.body is not None else None)
    if content is not None:
        headers.setdefault("Content-Type", "application/json")
    response = httpx.request(row.method, settings.api_url + row.path.format(case=case_id), content=content,
                             headers=[(k.encode(), v.encode()) for k, v in headers.items()], timeout=60)
    assert response.status_code == row.status, response.text[:500]
    error = response.json()["error"]
    assert error["code"] == row.code, error
    assert error["message"] and error["message_ar"]
    assert _timeline(api, case_id) == before  # nothing changed
    # and the case still takes an action: nothing froze it
    marker = uuid.uuid4().hex[:8]
    assert api.as_("officer.tripoli")("POST", f"/api/v1/cases/{case_id}/actions/add_party",
                                      json={"role": "witness", "name": f"شاهد {marker}"}).status_code == 200


LEGITIMATE: tuple[tuple[str, dict[str, Any], str], ...] = (
    ("markup in a name is text", {"role": "witness", "name": "<script>alert(1)</script>"},
     "<script>alert(1)</script>"),
    ("SQL in a name is text", {"role": "witness", "name": "'; DROP TABLE cases;--"}, "'; DROP TABLE cases;--"),
    ("Arabic-Indic digits in a national ID", {"role": "accused", "name": "ع", "national_id": "١١٩٨٥٠٠١٢٣٤٥"},
     "119850012345"),
    ("full-width digits in a national ID", {"role": "accused", "name": "غ", "national_id": "１１９８５００１２３４５"},
     "119850012345"),
    ("a decomposed letter", {"role": "witness", "name": "\u0627\u0654حمد"}, "أحمد"),
)


@pytest.mark.parametrize(("kind", "party", "stored"), LEGITIMATE, ids=[row[0] for row in LEGITIMATE])
def test_legitimate_text_is_stored_normalised(kind: str, party: dict[str, Any], stored: str, api: Api,
                                              case_id: str) -> None:
    response = api.as_("officer.tripoli")("POST", f"/api/v1/cases/{case_id}/actions/add_party", json=party)
    assert response.status_code == 200, response.text
    parties = api.as_("officer.tripoli")("GET", f"/api/v1/cases/{case_id}").json()["parties"]
    key = "national_id" if "national_id" in party else "name"
    assert stored in [p[key] for p in parties]
