"""Severance: one accused's proceedings continued in a case of their own. `decide()` writes the severed accused's
file into the severing event (`severed_file`); the new case is opened from it (`decide_severed_in`, then
`severed_case`), with their custody and its running clocks carried over (core.custody). Pure, no I/O.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from core.case import CaseEvent, CaseState, Hearing, Party, Verdict
from core.case_clocks import start_clock
from core.clocks import RuleBook
from core.custody import carry_custody, custody_to_carry
from core.effects import add_party, delivered
from core.fields import parse_instant
from core.procedure import ACTIONS_BY_NAME, Sever
from core.proceedings import CUSTODY_CLOCKS
from core.vocabulary import (
    DEFENDANT_ROLES,
    AgencyKind,
    Category,
    CourtLevel,
    Sensitivity,
    Stage,
    SystemEvent,
    VerdictResult,
)

#: where a severed accused's new case ids come from: the source case, the accused and the event (deterministic)
SEVERED_CASE_NAMESPACE = uuid.UUID("5b0f2c1e-7d1a-4b8e-9a51-3c2f7e4d9a10")


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def severed_file(state: CaseState, accused: Party, reason: str) -> dict[str, Any]:
    """The file a severed accused's new case starts from, as plain JSON (it is logged in both cases): the facts
    and their legal description, where the proceedings stand, the accused with their custody and its running
    clocks (core.custody), their verdicts, the holding court's hearings, the parties who are not accused, the
    evidence."""
    others = [p for p in state.parties if p.role not in DEFENDANT_ROLES]
    carried = {p.party_id: c for p in [accused, *others]
               if (c := custody_to_carry(state, p.party_id, CUSTODY_CLOCKS)) is not None}
    return {
        "source_case_id": state.case_id, "source_number": state.number, "reason": reason,
        "offence": state.offence, "category": state.category, "sensitivity": state.sensitivity,
        "occurred_at": state.occurred_at.isoformat(), "place": state.place, "narrative": state.narrative,
        "charges": list(state.charges), "stage": state.stage, "owner_agency": state.owner_agency,
        "region": state.region, "opening_station": state.opening_station,
        "referring_prosecution": state.referring_prosecution, "agencies_involved": list(state.agencies_involved),
        "agency_kinds": dict(state.agency_kinds), "court_levels": dict(state.court_levels),
        # the accused's custody as it travels (core.custody): the same state and instants, no clock restarted
        "parties": [delivered(p, carried) for p in [accused, *others]],
        "verdicts": [{"result": v.result, "in_absentia": v.in_absentia, "at": v.at.isoformat(), "court": v.court,
                      "level": v.level, "sentence": v.sentence, "recorded_at": _iso(v.recorded_at),
                      "served_at": _iso(v.served_at), "final": v.final, "challenged": v.challenged,
                      "executed_at": _iso(v.executed_at)}
                     for v in state.verdicts if v.party_id == accused.party_id],
        "hearings": [{"at": h.at.isoformat(), "court": h.court, "room": h.room, "entered_late": h.entered_late}
                     for h in state.hearings if h.court == state.owner_agency],
        "documents": [dict(d) for d in state.documents],
    }


def severed_case(case_id: str, number: str, rules: RuleBook, event: CaseEvent) -> CaseState:
    """A case severed from another: its first event carries the file (severed_file) it starts from."""
    f = event.fields
    state = CaseState(
        case_id=case_id, number=number, stage=Stage(f["stage"]), owner_agency=f["owner_agency"],
        region=f.get("region"), offence=f["offence"], category=Category(f["category"]),
        sensitivity=Sensitivity(f["sensitivity"]), opened_at=event.at,
        occurred_at=parse_instant(f["occurred_at"], "occurred_at"), rules=rules, place=f.get("place", ""),
        narrative=f.get("narrative", ""), opening_station=f["opening_station"],
        referring_prosecution=f.get("referring_prosecution"), charges=list(f.get("charges", [])),
        agencies_involved=list(f["agencies_involved"]),
        agency_kinds={k: AgencyKind(v) for k, v in f.get("agency_kinds", {}).items()},
        court_levels={k: CourtLevel(v) for k, v in f.get("court_levels", {}).items()},
        documents=[dict(d) for d in f.get("documents", [])],
        severed_from=f["source_case_id"], severed_from_number=f["source_number"],
    )
    for data in f["parties"]:
        party = add_party(state, data)
        if data.get("custody"):
            carry_custody(state, party, data["custody"], event.seq, event.at)
    accused = state.parties[0].party_id
    for v in f.get("verdicts", []):
        state.verdicts.append(Verdict(
            party_id=accused, result=VerdictResult(v["result"]), in_absentia=v["in_absentia"],
            at=parse_instant(v["at"], "at"), court=v["court"], level=Stage(v["level"]), sentence=v.get("sentence"),
            recorded_at=_instant_or_none(v.get("recorded_at")), served_at=_instant_or_none(v.get("served_at")),
            final=v["final"], challenged=v["challenged"], executed_at=_instant_or_none(v.get("executed_at"))))
    for h in f.get("hearings", []):
        state.hearings.append(Hearing(at=parse_instant(h["at"], "at"), court=h["court"], room=h.get("room"),
                                      entered_late=h.get("entered_late", False)))
    if state.stage in rules.stage_sla_days:
        start_clock(state, "stage_sla", event.at, event.seq)
    state.seq = event.seq
    state.last_activity_at = event.at
    return state


def _instant_or_none(value: str | None) -> datetime | None:
    return parse_instant(value, "at") if value else None


def severance_of(event: CaseEvent) -> tuple[str, dict[str, Any]] | None:
    """A severance's new case: its id and the file it starts from, if `event` severs an accused."""
    rule = ACTIONS_BY_NAME.get(event.name)
    sever = next((e for e in rule.effects if isinstance(e, Sever)), None) if rule is not None else None
    if sever is None or sever.case_field not in event.fields:
        return None
    return event.fields[sever.case_field], event.fields[sever.file_field]


def decide_severed_in(case_id: str, file: dict[str, Any], now: datetime) -> CaseEvent:
    """The first event of a severed accused's case: the file the severance carried."""
    return CaseEvent(seq=1, name=SystemEvent.severed_in, at=now, actor=None, fields=dict(file))
