"""The procedure applied purely, as the unit tests drive it: demo actors, a case opened at T0, an action
decided and applied, a refusal caught, the common path to trial."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.case import ActionCommand, Actor, AgencyRef, CaseState
from core.clocks import default_rulebook
from core.refusal import Refusal
from core.transitions import apply, decide, decide_open, new_case

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
AGENCIES = {
    "station.tripoli.central": AgencyRef("station.tripoli.central", "police_station", "tripoli"),
    "pros.tripoli": AgencyRef("pros.tripoli", "prosecution_office", "tripoli"),
    "court.tripoli": AgencyRef("court.tripoli", "court", "tripoli"),
    "court.appeal.tripoli": AgencyRef("court.appeal.tripoli", "court", "tripoli"),
    "supreme_court": AgencyRef("supreme_court", "supreme_court", None),
}


def actor(role: str, agency: str) -> Actor:
    ref = AGENCIES[agency]
    return Actor(username=f"{role}@{agency}", roles=[role], agency=agency, agency_kind=ref.kind, region=ref.region)


OFFICER = actor("police_officer", "station.tripoli.central")
CHIEF = actor("station_chief", "station.tripoli.central")
PROSECUTOR = actor("prosecutor", "pros.tripoli")
CHIEFPROS = actor("chief_prosecutor", "pros.tripoli")
CLERK = actor("court_clerk", "court.tripoli")
JUDGE = actor("judge", "court.tripoli")


def open_case(category: str = "misdemeanour", parties: int = 1) -> CaseState:
    fields = {"offence": "سرقة", "category": category, "occurred_at": (T0 - timedelta(days=1)).isoformat(),
              "place": "طرابلس", "narrative": "...",
              "parties": [{"role": "accused", "name": f"متهم {i}"} for i in range(parties)]}
    event = decide_open(ActionCommand("open_case", OFFICER, fields), T0)
    return new_case("c1", "N/1", default_rulebook(), event)


def act(state: CaseState, who: Actor, action: str, now: datetime, **fields: object) -> None:
    targets = {k: AGENCIES[v] for k, v in fields.items() if k == "to_agency" and isinstance(v, str)}
    apply(state, decide(state, ActionCommand(action, who, dict(fields), targets), now))


def refused(state: CaseState, who: Actor, action: str, now: datetime = T0, **fields: object) -> Refusal:
    targets = {k: AGENCIES[v] for k, v in fields.items() if k == "to_agency" and isinstance(v, str)}
    with pytest.raises(Refusal) as info:
        decide(state, ActionCommand(action, who, dict(fields), targets), now)
    return info.value


def to_trial(state: CaseState) -> datetime:
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    act(state, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli", charges=["سرقة"])
    act(state, CLERK, "schedule_hearing", T0, hearing_at=(T0 + timedelta(days=3)).isoformat())
    return T0 + timedelta(days=3, hours=1)
