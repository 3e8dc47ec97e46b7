"""The prison (issue 13, Deliver 3) through `decide` and `apply`: a convict's committal is a hand-off of the person
to a prison, which acknowledges it by admitting them; the warden records admission, transfer and release; execution
is per convict, and the case closes only once every convict's is recorded and nobody is held under it."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.case import CaseState
from core.clock_events import due_clock_events
from core.effects import apply
from core.transitions import allowed_actions
from core.vocabulary import Custody, Stage
from tests.support.procedure import (
    AGENCY_REFS,
    CHIEFPROS,
    JUDGE,
    PROSECUTOR,
    T0,
    act,
    actor,
    open_case,
    refused,
    to_trial,
)

WARDEN = actor("prison_officer", "prison.aljdaida")
OTHER_WARDEN = actor("prison_officer", "prison.alkuwaifiya")
CONVICTED = {"result": "convicted", "sentence": "الحبس سنة", "in_absentia": False}


def final_convicts(penalty: dict[str, object] | None = None) -> tuple[CaseState, datetime]:
    """Two accused convicted, the verdicts final: the instant after."""
    state = open_case(parties=2)
    when = to_trial(state)
    extra = {"penalty": penalty} if penalty else {}
    act(state, JUDGE, "record_verdict", when, verdicts=[{**CONVICTED, **extra, "party_id": p} for p in ("p1", "p2")])
    later = when + timedelta(days=40)
    for event in due_clock_events(state, later):
        apply(state, event)
    assert state.stage == Stage.final
    return state, later


def committed() -> tuple[CaseState, datetime]:
    state, now = final_convicts()
    act(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="prison.aljdaida")
    return state, now


def admitted() -> tuple[CaseState, datetime]:
    state, now = committed()
    act(state, WARDEN, "admit_to_prison", now, party_id="p1")
    return state, now


def test_committal_is_a_hand_off_of_the_person_the_prison_acknowledges() -> None:
    state, now = final_convicts()
    assert refused(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="court.tripoli").code == \
        "not_a_prison"
    # before the committal the warden has no say in the case
    assert refused(state, WARDEN, "admit_to_prison", now, party_id="p1").code == "forbidden_agency"
    act(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="prison.aljdaida")
    party = state.party("p1")
    assert party is not None and (party.custody, party.prison, state.stage) == (Custody.committed, "prison.aljdaida",
                                                                               Stage.execution)
    assert "prison.aljdaida" in state.agencies_involved  # the prison sees the case from now on
    assert refused(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="prison.aljdaida").code == \
        "already_committed"
    assert allowed_actions(state, WARDEN, now, AGENCY_REFS) == ["admit_to_prison"]
    assert refused(state, WARDEN, "admit_to_prison", now, party_id="p2").code == "not_committed_here"
    # unacknowledged, the committal is escalated like any hand-off
    for event in due_clock_events(state, now + timedelta(hours=25)):
        apply(state, event)
    assert [s.reason for s in state.stalled] == ["committal_ack"]
    act(state, WARDEN, "admit_to_prison", now + timedelta(hours=25), party_id="p1")
    assert party.custody == Custody.imprisoned and not state.stalled
    assert state.latest_verdict("p1").executed_at == now + timedelta(hours=25)  # type: ignore[union-attr]
    assert state.latest_verdict("p2").executed_at is None  # type: ignore[union-attr]  # per convict


def test_the_warden_transfers_and_releases_and_nobody_else_releases_a_prisoner() -> None:
    state, now = admitted()
    assert refused(state, PROSECUTOR, "release_person", now, party_id="p1", reason="…").code == "in_prison"
    assert refused(state, WARDEN, "transfer_prisoner", now, party_id="p1", to_agency="prison.aljdaida",
                   reason="…").code == "same_prison"
    act(state, WARDEN, "transfer_prisoner", now, party_id="p1", to_agency="prison.alkuwaifiya", reason="قرب الأسرة")
    party = state.party("p1")
    assert party is not None and (party.custody, party.prison) == (Custody.committed, "prison.alkuwaifiya")
    assert refused(state, WARDEN, "release_prisoner", now, party_id="p1", ground="served").code == "forbidden_agency"
    act(state, OTHER_WARDEN, "admit_to_prison", now, party_id="p1")
    released = now + timedelta(days=300)
    act(state, OTHER_WARDEN, "release_prisoner", released, party_id="p1", ground="remitted")
    verdict = state.latest_verdict("p1")
    assert verdict is not None and (verdict.sentence_ended_at, verdict.sentence_end_ground) == (released, "remitted")
    assert party.custody == Custody.free


def test_close_case_waits_for_every_convict() -> None:
    state, now = admitted()
    later = now + timedelta(days=365)
    refusal = refused(state, CHIEFPROS, "close_case", later)
    assert (refusal.code, refusal.details) == ("execution_pending", {"pending": ["p2"]})
    assert "close_case" not in allowed_actions(state, CHIEFPROS, later, AGENCY_REFS)
    # p2's fine paid: the prosecution records the sentence's end
    assert refused(state, PROSECUTOR, "record_sentence_end", later, party_id="p2", ground="served",
                   ended_at=(T0 - timedelta(days=1)).isoformat()).code == "ended_before_verdict"
    act(state, PROSECUTOR, "record_sentence_end", later, party_id="p2", ground="served",
        ended_at=(now + timedelta(days=2)).isoformat())
    # p1 is in prison: the case still holds them
    assert refused(state, CHIEFPROS, "close_case", later).code == "person_held"
    act(state, WARDEN, "release_prisoner", later, party_id="p1", ground="served")
    act(state, CHIEFPROS, "close_case", later)
    assert (state.stage, state.outcome) == (Stage.closed, "convicted")


def test_a_sentence_without_imprisonment_is_not_committed() -> None:
    state, now = final_convicts({"kind": "fine", "fine": 300})
    assert refused(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="prison.aljdaida").code == \
        "no_custodial_sentence"
