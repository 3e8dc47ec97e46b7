"""Certificate test helpers: the demo citizens, a case driven to a final conviction through the API, their
criminal record cleared by rehabilitation orders, the text of a certificate PDF, the audit trail."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from store.audit import AuditRecord
from store.database import session_scope
from tests.support import Api, wait_for

CITIZEN1_ID, CITIZEN2_ID = "119850012345", "219920054321"
CITIZEN1_NAME, CITIZEN2_NAME = "أحمد المبروك", "مريم التاجوري"
ACCUSED_NAME = "أحمد عبد الله المبروك"  # the four-part name a police report records for citizen1
CITIZEN2_FULL_NAME = "مريم سالم علي التاجوري"  # the name the case files record for citizen2
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
Caller = Callable[..., httpx.Response]


def _report(national_id: str, name: str, identity: dict[str, str], sensitivity: str) -> dict[str, object]:
    return {
        "offence": "سرقة هاتف محمول", "category": "misdemeanour", "sensitivity": sensitivity,
        "occurred_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
        "place": "طرابلس، شارع عمر المختار", "narrative": "سرقة هاتف من سيارة مركونة.",
        "parties": [{"role": "accused", "name": name, "national_id": national_id, **identity},
                    {"role": "complainant", "name": "سالم خليفة الورفلي"}],
    }


def convict(api: Api, national_id: str, *, in_absentia: bool = False, identity: dict[str, str] | None = None,
            sensitivity: str = "normal", name: str = ACCUSED_NAME, court: str = "tripoli") -> str:
    """Drive a case from report to a conviction (final once the 5-second appeal window lapses, unless
    given in absentia and never served). `identity`: the accused's further identity fields (birth_date...);
    `court`: "tripoli", or "juvenile" (its court, clerk and judge). Returns the case id."""
    court_code = {"tripoli": "court.tripoli", "juvenile": "court.tripoli.juvenile"}[court]
    created = api.as_("officer.tripoli")("POST", "/api/v1/cases",
                                         json=_report(national_id, name, identity or {}, sensitivity))
    assert created.status_code == 201, created.text
    case_id: str = created.json()["id"]

    def step(user: str, action: str, body: dict[str, object] | None = None) -> None:
        response = api.as_(user)("POST", f"/api/v1/cases/{case_id}/actions/{action}", json=body or {})
        assert response.status_code == 200, response.text

    step("chief.tripoli", "refer_to_prosecution", {"to_agency": "pros.tripoli"})
    step("prosecutor.tripoli", "acknowledge_receipt")
    step("chiefpros.tripoli", "refer_to_court",
         {"to_agency": court_code, "charges": ["السرقة (المادة 444 عقوبات)"]})
    if court == "juvenile":
        step("clerk.juvenile", "acknowledge_receipt")
    hearing_at = datetime.now(UTC) + timedelta(seconds=1)
    step(f"clerk.{court}", "schedule_hearing", {"hearing_at": hearing_at.isoformat(), "room": "القاعة 3"})
    # a verdict may only follow its hearing: a moment on the wall clock, not a condition to poll
    time.sleep(max(0.0, (hearing_at - datetime.now(UTC)).total_seconds()) + 0.3)
    step(f"judge.{court}", "record_verdict", {"pronounced_at": datetime.now(UTC).isoformat(), "verdicts": [
        {"party_id": "p1", "result": "convicted", "sentence": "الحبس ستة أشهر", "in_absentia": in_absentia}]})
    if not in_absentia:
        wait_for(lambda: api.as_("chiefpros.tripoli")("GET", f"/api/v1/cases/{case_id}").json()["stage"] == "final",
                 timeout=40)
    return case_id


def records_of(api: Api, national_id: str) -> list[dict[str, Any]]:
    response = api.as_("records")("GET", "/api/v1/criminal-records", params={"national_id": national_id})
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def request_certificate(api: Api, user: str, purpose: str = "تقديم على وظيفة", english: bool = False) -> dict:
    response = api.as_(user)("POST", "/api/v1/certificates", json={"purpose": purpose, "english": english})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return BIDI_CONTROLS.sub("", out)


def rehabilitate_everything(api: Api, national_id: str) -> None:
    """Earlier runs against the same database may have left convictions: clear them with orders."""
    for record in records_of(api, national_id):
        if not record["rehabilitated"]:
            response = api.as_("records")("POST", f"/api/v1/criminal-records/{record['record_id']}/rehabilitation",
                                          json={"order_number": f"رد اعتبار {record['record_id']}",
                                                "ordered_at": datetime.now(UTC).isoformat(),
                                                "court": "محكمة استئناف طرابلس"})
            assert response.status_code == 201, response.text


def holder_name(national_id: str, account_name: str) -> str:
    """The name a certificate gives its holder: the fullest the case files record (earlier tests against the
    same database may have filed cases under this national ID), the account's while none does."""
    from store.records import holder_identity

    with session_scope() as session:
        return holder_identity(session, national_id, account_name).name


def audited_record(action: str, record_id: int) -> list[str]:
    """The usernames the audit log names for this web action on this criminal record entry."""
    with session_scope() as session:
        return [r.username for r in session.scalars(select(AuditRecord).where(AuditRecord.action == action))
                if r.detail.get("record_id") == record_id and r.outcome == "ok" and r.detail.get("via") == "web"]


def audited(action: str, certificate_id: str) -> bool:
    return bool(audited_by(action, certificate_id))


def audited_by(action: str, certificate_id: str) -> list[str]:
    """The usernames the audit log names for this action on this certificate."""
    with session_scope() as session:
        return [r.username for r in session.scalars(select(AuditRecord).where(AuditRecord.action == action))
                if r.detail.get("certificate_id") == certificate_id]
