"""The procedure table is the whole truth: every guard it names exists and refuses something, every effect
it declares changes the state, and every hand-off goes only to a kind of agency that owns the stage the case
enters (STAGE_OWNER_KIND)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import get_args

import pytest

from core.case import ActionCommand, CaseRef, CaseState
from core.clock_events import due_clock_events
from core.effects import apply, apply_effect
from core.guards import GUARDS
from core.procedure import ACTIONS, Effect, FieldKind, Involve, RuleRevision
from core.refusal import Refusal
from core.transitions import decide
from core.vocabulary import STAGE_OWNER_KIND, AgencyKind, Custody, Stage
from tests.core.conftest import Walked
from tests.core.test_prison import WARDEN, admitted, committed, final_convicts
from tests.core.test_remand import _in_cassation
from tests.support.procedure import (
    AGENCIES,
    CHIEF,
    CHIEFPROS,
    CLERK,
    DEMO_ACTORS,
    FELONY_CLERK,
    JUDGE,
    OFFICER,
    PROSECUTOR,
    SUPREME_JUDGE,
    T0,
    act,
    open_case,
    refused,
    to_trial,
    trial_court,
)

SUPERVISOR = next(a for a in DEMO_ACTORS if a.username == "supervisor")  # national (the ministry)
SUPERVISOR_TRIPOLI = next(a for a in DEMO_ACTORS if a.username == "supervisor.tripoli")


def _in_prosecution(category: str = "misdemeanour", parties: int = 1) -> CaseState:
    state = open_case(category, parties)
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    return state


def _judged(category: str = "misdemeanour", in_absentia: bool = False, result: str = "convicted") -> CaseState:
    state = open_case(category)
    when = to_trial(state)
    act(state, trial_court(category)[2], "record_verdict", when, verdicts=[{"party_id": "p1", "result": result,
                                                                          "in_absentia": in_absentia,
                                                         "sentence": "حبس" if result == "convicted" else None}])
    return state


def _final(result: str) -> CaseState:
    state = _judged(result=result)
    for event in due_clock_events(state, T0 + timedelta(days=40)):
        apply(state, event)
    assert state.stage == Stage.final
    return state


def _arrested() -> CaseState:
    state = open_case()
    act(state, OFFICER, "record_arrest", T0, party_id="p1", arrested_at=T0.isoformat())
    return state


def _detained_for(days_extended: int) -> CaseState:
    state = _in_prosecution()
    act(state, PROSECUTOR, "order_detention", T0, party_id="p1", grounds="خشية الهرب")
    act(state, PROSECUTOR, "request_detention_extension", T0, party_id="p1", to_agency="court.tripoli",
        grounds="مقتضيات التحقيق")
    while days_extended > 0:
        act(state, JUDGE, "extend_detention", T0, party_id="p1", days=min(days_extended, 15), grounds="…")
        days_extended -= 15
    return state


def _expired(state: CaseState) -> CaseState:
    """Every clock of the case run to a week past the start: a detention not extended is past its period."""
    for event in due_clock_events(state, T0 + timedelta(days=8)):
        apply(state, event)
    return state


def _with_witness() -> CaseState:
    state = _in_prosecution()
    act(state, PROSECUTOR, "add_party", T0, role="witness", name="شاهد")
    return state


def _in_execution() -> CaseState:
    state = _final("convicted")
    act(state, PROSECUTOR, "record_execution", T0 + timedelta(days=40), party_id="p1", detail="…")
    return state


def _identified(**identity: str) -> CaseState:
    """A case of two accused, the first identified as given."""
    state = open_case(parties=2)
    act(state, OFFICER, "identify_party", T0, party_id="p1", **identity)
    return state


def _merge_into_a_case_in(stage: Stage) -> Refusal:
    command = ActionCommand("merge_into", CHIEFPROS, {"target_case_id": "other"},
                            cases={"target_case_id": CaseRef("other", stage, True)})
    with pytest.raises(Refusal) as info:
        decide(_in_prosecution(), command, T0)
    return info.value


HEARING_HELD = T0 + timedelta(days=3, hours=1)
CONVICTED = {"result": "convicted", "sentence": "حبس"}
#: for each guard of the table, the cases it refuses (and the refusal's code, which is the guard's own)
GUARD_REFUSALS: dict[str, list[tuple[Callable[[], Refusal], str]]] = {
    "arrest_after_report": [
        (lambda: refused(open_case(), OFFICER, "record_arrest", party_id="p1",
                         arrested_at=(T0 - timedelta(days=3)).isoformat()), "arrest_before_report"),
        (lambda: refused(_arrested(), OFFICER, "record_arrest", party_id="p1", arrested_at=T0.isoformat()),
         "already_held"),
    ],
    "person_held": [(lambda: refused(open_case(), OFFICER, "release_person", party_id="p1", reason="…"), "not_held")],
    "person_detained_within_cap": [
        (lambda: refused(_tried(), JUDGE, "extend_detention", T0, party_id="p1", days=5, grounds="…"),
         "not_detained"),
        (lambda: refused(_expired(_detained_for(0)), JUDGE, "extend_detention", T0 + timedelta(days=8),
                         party_id="p1", days=5, grounds="…"), "release_due"),
        (lambda: refused(_detained_for(0), JUDGE, "extend_detention", party_id="p1", days=16, grounds="…"),
         "extension_too_long"),
        (lambda: refused(_detained_for(30), JUDGE, "extend_detention", party_id="p1", days=1, grounds="…"),
         "extension_cap_reached"),
    ],
    "detention_before_competent_court": [
        (lambda: refused(_in_prosecution(), PROSECUTOR, "request_detention_extension", party_id="p1",
                         to_agency="court.tripoli", grounds="…"), "not_detained"),
        (lambda: refused(_detained_for(0), PROSECUTOR, "request_detention_extension", party_id="p1",
                         to_agency="court.benghazi", grounds="…"), "not_competent_court"),
        (lambda: refused(_detained_for(0), PROSECUTOR, "request_detention_extension", party_id="p1",
                         to_agency="pros.tripoli", grounds="…"), "not_competent_court"),
        (lambda: refused(_detained_for(30), PROSECUTOR, "request_detention_extension", party_id="p1",
                         to_agency="court.tripoli", grounds="…"), "extension_cap_reached"),
    ],
    "may_be_detained": [
        (lambda: refused(_with_witness(), PROSECUTOR, "order_detention", party_id="p2", grounds="…"),
         "not_a_defendant"),
        (lambda: refused(_detained_for(0), PROSECUTOR, "order_detention", party_id="p1", grounds="…"),
         "already_detained"),
        (lambda: refused(_expired(_detained_for(0)), PROSECUTOR, "order_detention", T0 + timedelta(days=8),
                         party_id="p1", grounds="…"), "release_due"),
    ],
    "committable_convict": [
        (lambda: refused(committed()[0], PROSECUTOR, "commit_to_prison", T0 + timedelta(days=45), party_id="p1",
                         to_agency="prison.aljdaida"), "already_committed"),
        (lambda: refused(final_convicts()[0], PROSECUTOR, "commit_to_prison", T0 + timedelta(days=45),
                         party_id="p1", to_agency="pros.tripoli"), "not_a_prison"),
    ],
    "committed_here": [(lambda: refused(committed()[0], WARDEN, "admit_to_prison", T0 + timedelta(days=45),
                                        party_id="p2"), "not_committed_here")],
    "imprisoned_here": [(lambda: refused(committed()[0], WARDEN, "release_prisoner", T0 + timedelta(days=45),
                                         party_id="p1", ground="served"), "not_imprisoned_here")],
    "sentence_to_end": [(lambda: refused(admitted()[0], PROSECUTOR, "record_sentence_end", T0 + timedelta(days=45),
                                         party_id="p1", ground="served", ended_at=T0.isoformat()), "in_prison")],
    "handoff_pending": [(lambda: refused(_in_prosecution(), PROSECUTOR, "acknowledge_receipt"), "no_pending_handoff")],
    "archived": [(lambda: refused(_lapsed(), CHIEFPROS, "reopen", reason="…"), "not_archived")],
    "has_accused": [
        (lambda: refused(_in_prosecution(parties=0), CHIEFPROS, "refer_to_court", to_agency="court.tripoli",
                         charges=["سرقة"]), "no_accused"),
        (lambda: refused(_in_prosecution("felony"), CHIEFPROS, "refer_to_court", to_agency="court.tripoli",
                         charges=["قتل"]), "not_competent_court"),
    ],
    "accused_in_proceedings": [
        (lambda: refused(_in_prosecution(parties=2), CHIEFPROS, "archive", ground="…", party_id="p3"), "unknown_party"),
        (lambda: refused(_with_witness(), CHIEFPROS, "archive", ground="…", party_id="p2"), "not_accused"),
        (lambda: refused(_one_lapsed(), CHIEFPROS, "archive", ground="…", party_id="p2"), "accused_disposed"),
    ],
    "severable": [
        (lambda: refused(_in_prosecution(), CHIEFPROS, "sever_accused", party_id="p1", reason="…"), "last_accused"),
        (lambda: refused(_one_lapsed(), CHIEFPROS, "sever_accused", party_id="p2", reason="…"), "last_accused"),
    ],
    "hearing_scheduled": [(lambda: refused(_referred_to_court(), JUDGE, "adjourn_hearing",
                                           hearing_at=(T0 + timedelta(days=9)).isoformat(), reason="…"),
                           "no_hearing")],
    "hearing_held": [
        (lambda: refused(_tried(), JUDGE, "record_verdict", T0, verdicts=[{**CONVICTED, "party_id": "p1"}]),
         "no_hearing_held"),
        (lambda: refused(_judged(), JUDGE, "record_verdict", HEARING_HELD, verdicts=[{**CONVICTED, "party_id": "p1"}]),
         "nobody_at_issue"),
        (lambda: refused(_tried(parties=2), JUDGE, "record_verdict", HEARING_HELD,
                         verdicts=[{**CONVICTED, "party_id": "p1"}]), "verdict_per_accused"),
        (lambda: refused(_tried(), JUDGE, "record_verdict", HEARING_HELD, verdicts=[{**CONVICTED, "party_id": "p1"}],
                         pronounced_at=(T0 + timedelta(days=1)).isoformat()), "pronounced_before_hearing"),
    ],
    "hearing_while_seized": [
        (lambda: refused(_referred_to_court(), CLERK, "schedule_hearing", T0 + timedelta(days=1),
                         hearing_at=(T0 - timedelta(days=1)).isoformat()), "hearing_before_seizure"),
    ],
    "verdict_in_absentia_unserved": [
        (lambda: refused(_judged(), CLERK, "serve_verdict", party_id="p1", served_at=T0.isoformat()),
         "nothing_to_serve"),
        (lambda: refused(_judged(in_absentia=True), CLERK, "serve_verdict", HEARING_HELD, party_id="p1",
                         served_at=T0.isoformat()), "served_before_verdict"),
    ],
    "objection_window_open": [(lambda: refused(_judged(), CLERK, "file_objection", party_id="p1"),
                               "objection_window_closed")],
    "appeal_window_open": [
        (lambda: refused(_judged("felony"), FELONY_CLERK, "file_appeal", party_id="p1",
                         to_agency="court.appeal.tripoli"), "appeal_window_closed"),
        (lambda: refused(_judged(), CLERK, "file_appeal", party_id="p1", to_agency="court.tripoli"),
         "not_competent_court"),
    ],
    "cassation_window_open": [(lambda: refused(_judged(), CLERK, "file_cassation", party_id="p1",
                                               to_agency="supreme_court"), "cassation_window_closed")],
    "convicted_party": [(lambda: refused(_final("acquitted"), PROSECUTOR, "record_execution", party_id="p1",
                                         detail="…"), "not_convicted")],
    "nothing_left_to_execute": [(lambda: refused(_final("convicted"), CHIEFPROS, "close_case"), "execution_pending")],
    "reconcilable": [(lambda: refused(_in_prosecution("felony"), CHIEFPROS, "record_reconciliation", terms="…"),
                      "not_reconcilable")],
    "merge_target_open": [(lambda: _merge_into_a_case_in(Stage.trial), "merge_target_not_open")],
    "remand_to_quashed_court": [
        (lambda: refused(_in_cassation()[0], SUPREME_JUDGE, "remand", _in_cassation()[1], to_agency="court.tripoli",
                         reasons="…"), "not_competent_court"),
    ],
    "identity_to_add": [
        (lambda: refused(_identified(national_id="119850012345", passport_number="LY123456", nationality="LBY"),
                         OFFICER, "identify_party", party_id="p1", birth_date="1985-01-01"), "already_identified"),
        (lambda: refused(open_case(), OFFICER, "identify_party", party_id="p1", birth_date="1985-01-01"),
         "identifier_required"),
        (lambda: refused(_identified(national_id="119850012345"), OFFICER, "identify_party", party_id="p1",
                         national_id="219850012345"), "already_identified"),
        (lambda: refused(_identified(national_id="119850012345"), OFFICER, "identify_party", party_id="p2",
                         national_id="119850012345"), "identity_in_case"),
        (lambda: refused(_identified(passport_number="A1234567", nationality="EGY"), OFFICER, "identify_party",
                         party_id="p2", passport_number="A1234567", nationality="EGY"), "identity_in_case"),
    ],
    "same_kind_target": [
        (lambda: refused(open_case(), SUPERVISOR_TRIPOLI, "reassign", to_agency="station.benghazi.central",
                         reason="…"), "target_out_of_scope"),
        (lambda: refused(open_case(), SUPERVISOR, "reassign", to_agency="station.tripoli.central", reason="…"),
         "same_agency"),
        # before the separation of powers, a national supervisor could move any case: never to another kind
        (lambda: _reassigned_under(RuleRevision.agency_kinds, _in_execution(), "prison.aljdaida"),
         "agency_kind_changes"),
    ],
}


def _lapsed() -> CaseState:
    state = _in_prosecution()
    act(state, CHIEFPROS, "declare_lapsed", T0, ground="death")
    return state


def _one_lapsed() -> CaseState:
    """Two accused, the second's proceedings ended by a lapse for them alone."""
    state = _in_prosecution(parties=2)
    act(state, CHIEFPROS, "declare_lapsed", T0, ground="death", party_id="p2")
    return state


def _referred_to_court() -> CaseState:
    state = _in_prosecution()
    act(state, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli", charges=["سرقة"])
    return state


def _tried(parties: int = 1) -> CaseState:
    state = open_case(parties=parties)
    to_trial(state)
    return state


def test_every_guard_the_table_names_exists_and_nothing_else() -> None:
    named = {rule.guard for rule in ACTIONS if rule.guard}
    assert named == set(GUARDS) == set(GUARD_REFUSALS)


@pytest.mark.parametrize("guard", sorted(GUARD_REFUSALS))
def test_every_guard_refuses_its_cases(guard: str) -> None:
    for refusal_of, code in GUARD_REFUSALS[guard]:
        assert refusal_of().code == code, (guard, code)


def test_every_effect_type_is_declared_by_the_table() -> None:
    declared = {type(effect) for rule in ACTIONS for effect in rule.effects}
    assert declared == set(get_args(Effect))


def test_every_effect_of_every_action_changes_the_state(walked: Walked) -> None:
    """Each effect, applied alone for an accepted action, changes the case (on some state the walks meet)."""
    unchanged = {(rule.name, index) for rule in ACTIONS if not rule.opens_case for index in range(len(rule.effects))}
    for state, now, found in walked:
        for (_, action), commands in found.items():
            rule = next(r for r in ACTIONS if r.name == action)
            for command in {id(c): c for c in commands[:1] + commands[-1:]}.values():  # the barest, the fullest
                event = decide(state, command, now)
                for index, effect in enumerate(rule.effects):
                    if (action, index) in unchanged:
                        after = copy.deepcopy(state)
                        apply_effect(after, event, effect)
                        if after != state:
                            unchanged.discard((action, index))
    assert not unchanged


def test_the_opening_effects_change_a_new_case() -> None:
    state = open_case(parties=2)
    assert (state.stage, [p.party_id for p in state.parties]) == (Stage.police_inquiry, ["p1", "p2"])
    assert [c.name for c in state.clocks] == ["stage_sla"]


def test_every_handoff_goes_only_to_a_kind_of_agency_that_owns_the_stage_entered(walked: Walked) -> None:
    """From the table: for each hand-off, once accepted, every agency of another kind is refused (422, on the
    field that names it), and the event records the receiver's kind for the state to keep."""
    handoffs = {rule.name: rule for rule in ACTIONS if rule.handoff is not None}
    checked: set[str] = set()
    for state, now, found in walked:
        for (_, action), commands in found.items():
            rule = handoffs.get(action)
            if rule is None or not commands or action in checked:
                continue
            checked.add(action)
            command = commands[0]
            handoff = rule.handoff
            assert handoff is not None
            allowed = STAGE_OWNER_KIND[rule.enters or state.stage]
            after = copy.deepcopy(state)
            apply(after, decide(state, command, now))
            assert after.agency_kinds[after.owner_agency] in allowed
            if handoff.to_field is None:
                assert after.owner_agency == state.opening_station
                continue
            for agency in AGENCIES.values():
                if agency.kind in allowed:
                    continue
                wrong = ActionCommand(action, command.actor, {**command.fields, handoff.to_field: agency.code},
                                      {**command.targets, handoff.to_field: agency}, cases=command.cases)
                with pytest.raises(Refusal) as info:
                    decide(state, wrong, now)
                assert (info.value.status, info.value.code, info.value.field) == (
                    422, "wrong_agency_kind", handoff.to_field), (action, agency.code)
    assert checked == set(handoffs)


def _reassigned_under(revision: RuleRevision, state: CaseState, to_agency: str) -> Refusal:
    command = ActionCommand("reassign", SUPERVISOR, {"to_agency": to_agency, "reason": "…"},
                            {"to_agency": AGENCIES[to_agency]})
    with pytest.raises(Refusal) as info:
        decide(state, command, T0 + timedelta(days=41), revision=revision)
    return info.value


def test_a_national_supervisor_keeps_a_police_case_with_a_police_station() -> None:
    """The measured leak: a police case to the records department."""
    police = open_case()
    records = refused(police, SUPERVISOR, "reassign", to_agency="records", reason="…")
    assert (records.status, records.code, records.field) == (422, "wrong_agency_kind", "to_agency")
    act(police, SUPERVISOR, "reassign", T0, to_agency="station.benghazi.central", reason="اختصاص مكاني")
    assert (police.owner_agency, police.agency_kinds["station.benghazi.central"]) == (
        "station.benghazi.central", AgencyKind.police_station)


def test_a_reassignment_accepted_before_kinds_were_enforced_is_decided_as_then() -> None:
    """workflows.case replays such an Update under the original rules: what was accepted stays accepted."""
    state = _in_execution()
    command = ActionCommand("reassign", SUPERVISOR, {"to_agency": "prison.aljdaida", "reason": "…"},
                            {"to_agency": AGENCIES["prison.aljdaida"]})
    with pytest.raises(Refusal):
        decide(state, command, T0 + timedelta(days=41))
    event = decide(state, command, T0 + timedelta(days=41), revision=RuleRevision.original)
    apply(state, event)
    assert state.owner_agency == "prison.aljdaida"


def test_a_case_whose_kinds_were_never_recorded_falls_back_on_its_stage() -> None:
    """A state from before the kinds were kept (an old snapshot) still hands off and reassigns by its stage."""
    state = _in_prosecution()
    state.agency_kinds = {}
    act(state, PROSECUTOR, "request_further_inquiry", T0, instructions="…")
    assert state.agency_kinds == {"station.tripoli.central": AgencyKind.police_station}
    state.agency_kinds = {}
    assert refused(state, SUPERVISOR, "reassign", to_agency="pros.benghazi", reason="…").code == "wrong_agency_kind"
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    state.agency_kinds = {}  # a prosecution stage, held by nobody's recorded kind: the stage's owner stands for it
    assert refused(state, SUPERVISOR, "reassign", to_agency="pros.benghazi", reason="…").code == "outside_supervision"


def test_record_execution_marks_only_that_convicts_verdict() -> None:
    state = open_case(parties=2)
    when = to_trial(state)
    act(state, JUDGE, "record_verdict", when,
        verdicts=[{**CONVICTED, "party_id": "p1"}, {**CONVICTED, "party_id": "p2"}])
    for event in due_clock_events(state, when + timedelta(days=40)):
        apply(state, event)
    executed_at = when + timedelta(days=41)
    act(state, PROSECUTOR, "record_execution", executed_at, party_id="p2", detail="أودع المؤسسة")
    assert [(v.party_id, v.executed_at) for v in state.verdicts] == [("p1", None), ("p2", executed_at)]
    act(state, PROSECUTOR, "record_execution", executed_at + timedelta(days=1), party_id="p2", detail="أفرج عنه")
    assert state.latest_verdict("p2").executed_at == executed_at  # type: ignore[union-attr]  # the first record


def test_custody_clocks_come_from_the_table() -> None:
    from core.proceedings import CUSTODY_CLOCKS

    assert set(CUSTODY_CLOCKS) == {"police_custody", "prosecution_detention", "judicial_detention",
                                   "prosecution_custody", "trial_detention"}
    state = _arrested()
    assert state.party("p1").custody is Custody.police_custody  # type: ignore[union-attr]


def test_each_action_has_at_most_one_party_field_and_one_agency_field_which_a_handoff_or_involve_names() -> None:
    for rule in ACTIONS:
        assert sum(f.chooses_parties for f in rule.fields) <= 1, rule.name
        agency_fields = [f.name for f in rule.fields if f.kind is FieldKind.agency]
        handoff = rule.handoff
        named = [handoff.to_field] if handoff and handoff.to_field else []
        named += [e.field for e in rule.effects if isinstance(e, Involve)]
        assert agency_fields == named, rule.name
