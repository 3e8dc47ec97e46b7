"""Separation of powers (issue 12, DOMAIN.md Additions): a case is reassigned only within the branch that holds
it. The Ministry of Interior's supervisors move police cases among police stations; a case the prosecution holds
moves only within the prosecution's hierarchy (the Attorney General's office above the offices); a case a court
holds only by that court's president. Rules published before the revision still decide the Updates accepted then."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.case import ActionCommand, CaseState
from core.effects import apply
from core.procedure import RuleRevision
from core.refusal import Refusal
from core.transitions import action_options, decide
from core.vocabulary import Stage
from tests.support.procedure import (
    AGENCIES,
    AGENCY_REFS,
    CHIEF,
    PROSECUTOR,
    T0,
    act,
    demo,
    open_case,
    refused,
    to_trial,
)

MINISTRY = demo("supervisor")
DIRECTORATE = demo("supervisor.tripoli")
ATTORNEY_GENERAL = demo("attorney.general")
CHIEFPROS_TRIPOLI = demo("chiefpros.tripoli")
PRESIDENT_TRIPOLI = demo("president.tripoli")
PRESIDENT_BENGHAZI = demo("president.benghazi")


def _in_prosecution() -> CaseState:
    state = open_case()
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    return state


def _in_trial() -> CaseState:
    state = open_case()
    to_trial(state)
    return state


def _reassign_targets(state: CaseState, who: str) -> set[str]:
    options = {o.action: o for o in action_options(state, demo(who), T0, AGENCY_REFS)}
    return set(options["reassign"].choices["to_agency"]) if "reassign" in options else set()


def test_the_ministry_takes_no_case_from_a_court_or_the_prosecution() -> None:
    """The measured leak: the national supervisor moved a case in trial from court.tripoli to pros.tripoli."""
    for state, target in ((_in_trial(), "court.benghazi"), (_in_prosecution(), "pros.benghazi")):
        refusal = refused(state, MINISTRY, "reassign", to_agency=target, reason="…")
        assert (refusal.status, refusal.code) == (403, "outside_supervision"), state.stage
        assert "prosecution" in refusal.message_en or "president" in refusal.message_en
        # a directorate's supervisor has no say beyond its stations at all
        assert refused(state, DIRECTORATE, "reassign", to_agency=target, reason="…").code == "forbidden_agency"
    assert _reassign_targets(_in_trial(), "supervisor") == set()


def test_a_ministry_supervisor_moves_police_cases_among_the_stations_in_scope() -> None:
    state = open_case()
    assert _reassign_targets(state, "supervisor.tripoli") == {"station.tripoli.souq_aljuma"}
    assert _reassign_targets(state, "supervisor") == {"station.tripoli.souq_aljuma", "station.benghazi.central",
                                                     "station.benghazi.alberka"}
    act(state, DIRECTORATE, "reassign", T0, to_agency="station.tripoli.souq_aljuma", reason="اختصاص مكاني")
    assert state.owner_agency == "station.tripoli.souq_aljuma"


def test_the_prosecutions_hierarchy_moves_its_cases_among_its_offices() -> None:
    state = _in_prosecution()
    assert _reassign_targets(state, "attorney.general") == {"pros.ag", "pros.benghazi"}
    # an office's own chief oversees their office only: nowhere to send it
    assert _reassign_targets(state, "chiefpros.tripoli") == set()
    assert refused(state, CHIEFPROS_TRIPOLI, "reassign", to_agency="pros.benghazi",
                   reason="…").code == "target_out_of_scope"
    # a chief prosecutor has no say over a court's or a station's case
    assert refused(_in_trial(), ATTORNEY_GENERAL, "reassign", to_agency="court.benghazi",
                   reason="…").code == "forbidden_agency"
    act(state, ATTORNEY_GENERAL, "reassign", T0, to_agency="pros.benghazi", reason="دواعي الأمن")
    assert (state.owner_agency, state.stage) == ("pros.benghazi", Stage.prosecution)


def test_only_the_holding_courts_president_reassigns_its_case() -> None:
    state = _in_trial()
    # Benghazi's president presides over another court: they may not act on Tripoli's case (not in their scope)
    assert refused(state, PRESIDENT_BENGHAZI, "reassign", to_agency="court.benghazi",
                   reason="…").code == "forbidden_agency"
    assert "court.benghazi" in _reassign_targets(state, "president.tripoli")
    assert refused(open_case(), PRESIDENT_TRIPOLI, "reassign", to_agency="station.tripoli.souq_aljuma",
                   reason="…").code == "forbidden_agency"
    act(state, PRESIDENT_TRIPOLI, "reassign", T0, to_agency="court.benghazi", reason="تنحي المحكمة لقيام سبب")
    assert (state.owner_agency, state.stage) == ("court.benghazi", Stage.trial)


def test_a_reassignment_the_ministry_made_before_the_revision_is_decided_as_then() -> None:
    """workflows.case replays an Update accepted before SEPARATION_OF_POWERS_PATCH under the rules then."""
    state = _in_trial()
    command = ActionCommand("reassign", MINISTRY, {"to_agency": "court.benghazi", "reason": "…"},
                            {"to_agency": AGENCIES["court.benghazi"]})
    with pytest.raises(Refusal):
        decide(state, command, T0 + timedelta(days=4))
    apply(state, decide(state, command, T0 + timedelta(days=4), revision=RuleRevision.courts_asked))
    assert state.owner_agency == "court.benghazi"
