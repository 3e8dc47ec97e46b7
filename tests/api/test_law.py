"""The procedure holds the law (issue 12), through the real API with real tokens: each rule of the issue as a
prosecutor, a judge or a supervisor meets it. The pure rules behind them are tested through decide/apply in
tests/core (test_separation_of_powers, test_competent_courts, test_legal_dates, test_per_accused, …)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support import Api

pytestmark = pytest.mark.stack


class Case:
    """One case through the API: `act(user, action, **fields)` expects success unless `status` says otherwise."""

    def __init__(self, api: Api, category: str = "misdemeanour", accused: int = 1) -> None:
        self.api = api
        report = {"offence": "سرقة", "category": category, "place": "طرابلس", "narrative": "…",
                  "occurred_at": (datetime.now(UTC) - timedelta(days=30)).isoformat(),
                  "parties": [{"role": "accused", "name": f"متهم {i + 1}"} for i in range(accused)]}
        response = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
        assert response.status_code == 201, response.text
        self.id = str(response.json()["id"])

    def act(self, user: str, action: str, status: int = 200, **fields: Any) -> dict[str, Any]:
        response = self.api.as_(user)("POST", f"/api/v1/cases/{self.id}/actions/{action}", json=fields)
        assert response.status_code == status, (user, action, response.text)
        body: dict[str, Any] = response.json()
        return body if status == 200 else body["error"]

    def read(self, user: str = "officer.tripoli") -> dict[str, Any]:
        response = self.api.as_(user)("GET", f"/api/v1/cases/{self.id}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def to_prosecution(self) -> Case:
        self.act("chief.tripoli", "refer_to_prosecution", to_agency="pros.tripoli")
        self.act("prosecutor.tripoli", "acknowledge_receipt")
        return self

    def to_trial(self, court: str = "court.tripoli", clerk: str = "clerk.tripoli") -> Case:
        self.to_prosecution()
        self.act("chiefpros.tripoli", "refer_to_court", to_agency=court, charges=["سرقة"])
        self.act(clerk, "acknowledge_receipt")
        return self


def _get(api: Api, user: str) -> Callable[..., httpx.Response]:
    return api.as_(user)


# ---------------------------------------------------------------- 1. separation of powers


def test_separation_of_powers_through_the_api(api: Api) -> None:
    """The Ministry's supervisor moves police cases only; the Attorney General moves the prosecution's cases;
    only the holding court's president moves a court's case."""
    police = Case(api)
    police.act("supervisor", "reassign", to_agency="station.tripoli.souq_aljuma", reason="اختصاص مكاني")

    prosecution = Case(api).to_prosecution()
    refused = prosecution.act("supervisor", "reassign", 403, to_agency="pros.benghazi", reason="…")
    assert refused["code"] == "outside_supervision" and refused["message_ar"]
    assert "reassign" not in prosecution.read("supervisor")["allowed_actions"]
    assert prosecution.read("attorney.general")["action_choices"]["reassign"]["to_agency"] == ["pros.ag",
                                                                                             "pros.benghazi"]
    prosecution.act("attorney.general", "reassign", to_agency="pros.benghazi", reason="دواعي أمنية")

    trial = Case(api).to_trial()
    assert trial.act("supervisor", "reassign", 403, to_agency="court.benghazi", reason="…")["code"] == (
        "outside_supervision")
    assert trial.act("president.benghazi", "reassign", 404, to_agency="court.benghazi", reason="…")["code"] == (
        "case_not_found")  # another court's president may not even see it
    moved = trial.act("president.tripoli", "reassign", to_agency="court.benghazi", reason="تنحي المحكمة")
    assert (moved["owner_agency"], moved["stage"]) == ("court.benghazi", "trial")
