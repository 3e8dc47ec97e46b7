"""Applying an event: `apply()` folds one event into a state through the effects its action's row declares
(core.procedure), in order; clock events and a merged case's arrival have folds of their own. Pure, deterministic,
no I/O.

The workflow and the read-model rebuild both fold the log through it, so a state is always the fold of its event
log: nothing here may depend on anything but the state and the event. The event fields that `decide()`
(core.transitions) writes for the fold to read are named here, where they are read. What an event does to the
people held is applied by core.custody_effects; the clocks it starts and stops, by core.case_clocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, assert_never

from core.case import (
    CaseEvent,
    CaseState,
    Handoff,
    Hearing,
    Party,
    Qualification,
    StalledReason,
    SupervisionNote,
    Verdict,
)
from core.case_clocks import clear_stalled, start_clock, stop_clocks
from core.clocks import Expiry
from core.custody import carry_custody
from core.custody_effects import (
    RELEASED_FIELD,
    admit_to_prison,
    commit_to_prison,
    end_held_period,
    end_sentence,
    execution_begins,
    extend_detention,
    hand_over_custody,
    hold,
    release,
)
from core.fields import parse_instant
from core.procedure import (
    ACTIONS,
    ACTIONS_BY_NAME,
    OPEN_CASE,
    Acknowledge,
    AddParties,
    AddParty,
    AdmitToPrison,
    Challenge,
    ClearOutcome,
    Close,
    CloseByVerdicts,
    CommitToPrison,
    Dispose,
    Effect,
    EndSentence,
    EnterStage,
    ExtendDetention,
    HandOff,
    HandOverCustody,
    Hold,
    IdentifyParty,
    Involve,
    JoinCase,
    KeepDocument,
    KeepNote,
    RecordCharges,
    RecordExecution,
    RecordVerdicts,
    Release,
    RememberReferringProsecution,
    Requalify,
    Retrial,
    ScheduleHearing,
    ServeVerdict,
    Sever,
)
from core.proceedings import CHALLENGE_WINDOWS, final_verdicts
from core.text import normalize_national_id, normalize_passport_number
from core.vocabulary import (
    AgencyKind,
    Category,
    ClockStatus,
    CourtLevel,
    Custody,
    Outcome,
    PartyRole,
    Stage,
    SystemEvent,
    VerdictResult,
)

CLOCK_EVENTS = (SystemEvent.clock_warning, SystemEvent.clock_expired)
#: a merged case's people held, carried to the case it joins (RuleRevision.custody_follows_person)
CUSTODY_CARRIED_FIELD = "custody_carried"
#: a hand-off event records the kind of agency it sent the case to, so that the fold knows it
RECEIVER_FIELD = "to_agency"
RECEIVER_KIND_FIELD = "to_agency_kind"
RECEIVER_LEVEL_FIELD = "to_agency_level"
#: the stage a remand returns the case to, decided with it (RuleRevision.remand_to_quashed_court)
REMAND_STAGE_FIELD = "remand_stage"
ACKNOWLEDGES_FIELD = "_acknowledges"
#: a co-accused's challenge filed where the case already is (the court hearing the others' challenges): it joins
#: the proceedings there; the case neither moves nor changes stage (RuleRevision.per_accused)
JOINS_FIELD = "joins"
#: the accused a remand sends back for retrial, decided with it: those whose judgment it quashes
REMANDED_FIELD = "remanded"


# ---------------------------------------------------------------- applying


def apply(state: CaseState, event: CaseEvent) -> None:
    """Fold one event into the state (the workflow's and the rebuild's only way to change it)."""
    if event.seq != state.seq + 1:
        raise ValueError(f"event {event.seq} does not follow {state.seq}")
    state.seq = event.seq
    if event.name in CLOCK_EVENTS:
        _apply_clock_event(state, event)
        return
    if event.name == SystemEvent.merged_in:
        _apply_merged_in(state, event)
        return
    rule = ACTIONS_BY_NAME[event.name]
    if rule.activity:
        state.last_activity_at = event.at
        clear_stalled(state, "idle")
    if event.fields.get(ACKNOWLEDGES_FIELD):
        _acknowledge(state, event.at)
    joins = bool(event.fields.get(JOINS_FIELD))
    for effect in rule.effects:
        if joins and isinstance(effect, EnterStage | HandOff):
            continue  # a co-accused's challenge joins the proceedings where the case is
        apply_effect(state, event, effect)


def apply_effect(state: CaseState, event: CaseEvent, effect: Effect) -> None:
    """One effect of the table, applied for `event` (apply() applies each of its action's, in order)."""
    fields = event.fields
    match effect:
        case AddParties(field=name):
            for party in fields.get(name, []):
                add_party(state, party)
        case AddParty():
            add_party(state, fields)
        case IdentifyParty(party_field=party_field):
            _identify_party(state, fields[party_field], fields)
        case EnterStage(stage=stage, stage_field=stage_field):
            # an event from before the field existed enters the table's stage
            named = fields.get(stage_field) if stage_field else None
            _enter_stage(state, Stage(named) if named else stage, event.at, event.seq)
        case ClearOutcome():
            state.outcome = None
            for party in state.accused():  # a reopened file reopens the proceedings it had archived
                if party.outcome == Outcome.archived:
                    party.outcome = None
        case KeepDocument(title_field=title_field, document_field=document_field):
            state.documents.append({"seq": event.seq, "kind": event.name, "case_id": state.case_id,
                                    "title": fields.get(title_field, ""), "document": fields.get(document_field)})
        case Hold():
            hold(state, event, effect)
        case Release(party_field=party_field):
            release(state, fields[party_field], event.at)
        case ExtendDetention():
            extend_detention(state, event, effect)
        case HandOverCustody():
            hand_over_custody(state, event, effect)
        case CommitToPrison():
            commit_to_prison(state, event, effect)
        case AdmitToPrison(party_field=party_field):
            admit_to_prison(state, event, fields[party_field])
        case EndSentence():
            end_sentence(state, event, effect)
        case Acknowledge():
            _acknowledge(state, event.at)
        case RecordCharges(field=name):
            state.charges = list(fields[name])
            for party in state.parties:
                if party.role == PartyRole.suspect:
                    party.role = PartyRole.accused
        case RememberReferringProsecution():
            state.referring_prosecution = state.owner_agency
        case ScheduleHearing(field=name, room_field=room_field):
            at = parse_instant(fields[name], name)
            state.hearings.append(Hearing(at=at, court=state.owner_agency,
                                          room=fields.get(room_field) if room_field else None,
                                          entered_late=at <= event.at))
        case RecordVerdicts(field=name, pronounced_field=pronounced_field):
            # an Update accepted before the pronouncement date was asked for: pronounced as it was entered
            pronounced = event.at
            if pronounced_field is not None and fields.get(pronounced_field):
                pronounced = parse_instant(fields[pronounced_field], pronounced_field)
            _record_verdicts(state, event, fields[name], pronounced)
            for party_id in fields.get(RELEASED_FIELD) or []:  # the judgment releases them as it is pronounced
                release(state, party_id, pronounced)
        case ServeVerdict():
            _serve_verdict(state, event, effect)
        case Challenge(party_field=party_field):
            party_id = fields[party_field]
            verdict = state.latest_verdict(party_id)
            if verdict is not None:
                verdict.challenged = True
            stop_clocks(state, CHALLENGE_WINDOWS, party_id)
        case Retrial(party_field=party_field):
            if party_field:
                retried = [fields[party_field]]
            else:  # a remand: the accused it names (since per-accused decisions), else every accused
                retried = list(fields.get(REMANDED_FIELD, [p.party_id for p in state.accused()]))
            _retrial(state, retried)
        case RecordExecution(party_field=party_field):
            execution_begins(state, fields[party_field], event.at)
        case JoinCase(field=name):
            state.merged_into = fields[name]
            state.custody_carried = dict(fields.get(CUSTODY_CARRIED_FIELD) or {})
        case Close(outcome=outcome):
            _close(state, outcome, event.at)
        case CloseByVerdicts():
            for party in state.active_accused():
                verdict = state.latest_verdict(party.party_id)
                if verdict is not None and verdict.final:
                    party.outcome = Outcome(verdict.result)
            _close(state, derived_outcome(state), event.at)
        case Dispose(outcome=outcome, party_field=party_field, ground_field=ground_field):
            ground = fields.get(ground_field) if ground_field else None
            if fields.get(party_field):
                _dispose(state, fields[party_field], outcome, ground, event)
            else:
                _close(state, outcome, event.at)
        case Requalify(category_field=category_field, charges_field=charges_field):
            _requalify(state, event, fields.get(category_field), fields.get(charges_field))
        case Sever(party_field=party_field, case_field=case_field):
            party = state.party(fields[party_field])
            if party is not None:
                party.severed_to = fields[case_field]
                _dispose(state, party.party_id, Outcome.severed, None, event)
        case Involve(field=name):
            _involve(state, fields[name])
        case HandOff():
            _hand_off(state, event, fields[effect.to_field] if effect.to_field else state.opening_station)
        case KeepNote(field=name):
            actor = event.actor
            state.supervision_notes.append(SupervisionNote(
                seq=event.seq, at=event.at, by=actor.username if actor else "", agency=actor.agency if actor else "",
                text=fields[name]))
        case _:
            assert_never(effect)


# ---------------------------------------------------------------- parties, stages and hand-offs


def add_party(state: CaseState, data: Mapping[str, Any]) -> Party:
    # events recorded before national IDs were normalised at the border carry them as they were typed
    national_id = normalize_national_id(data["national_id"]) if data.get("national_id") else None
    party = Party(party_id=f"p{len(state.parties) + 1}", role=PartyRole(data["role"]), name=data["name"],
                  national_id=national_id,
                  passport_number=normalize_passport_number(data["passport_number"]) if data.get("passport_number")
                  else None,
                  nationality=data.get("nationality") or None, birth_date=data.get("birth_date") or None,
                  birth_place=data.get("birth_place") or None, mother_name=data.get("mother_name") or None,
                  aliases=list(data.get("aliases") or []))
    state.parties.append(party)
    return party


def _identify_party(state: CaseState, party_id: str, data: Mapping[str, Any]) -> None:
    party = state.party(party_id)
    if party is None:
        return
    if data.get("national_id") and not party.national_id:
        party.national_id = normalize_national_id(data["national_id"])
    if data.get("passport_number") and not party.passport_number:
        party.passport_number = normalize_passport_number(data["passport_number"])
        party.nationality = data.get("nationality") or party.nationality
    elif data.get("nationality") and not party.nationality:
        party.nationality = data["nationality"]
    if data.get("birth_date") and not party.birth_date:
        party.birth_date = data["birth_date"]
    if data.get("birth_place") and not party.birth_place:
        party.birth_place = data["birth_place"]
    if data.get("mother_name") and not party.mother_name:
        party.mother_name = data["mother_name"]


def _involve(state: CaseState, agency: str) -> None:
    if agency not in state.agencies_involved:
        state.agencies_involved.append(agency)


def _enter_stage(state: CaseState, stage: Stage, at: datetime, seq: int) -> None:
    stop_clocks(state, ("stage_sla",))
    state.stage = stage
    if stage in state.rules.stage_sla_days:
        start_clock(state, "stage_sla", at, seq)


def _acknowledge(state: CaseState, at: datetime) -> None:
    if state.handoff is not None and state.handoff.acknowledged_at is None:
        state.handoff.acknowledged_at = at
        stop_clocks(state, ("handoff_ack",))


def _hand_off(state: CaseState, event: CaseEvent, receiver: str) -> None:
    _acknowledge(state, event.at)  # a new hand-off supersedes an unacknowledged one
    clock = start_clock(state, "handoff_ack", event.at, event.seq)
    state.handoff = Handoff(handoff_id=f"h{event.seq}", action=event.name, from_agency=state.owner_agency,
                            to_agency=receiver, at=event.at, clock_id=clock.clock_id)
    state.owner_agency = receiver
    kind = event.fields.get(RECEIVER_KIND_FIELD)
    if kind:  # absent from hand-offs logged before the kinds were kept
        state.agency_kinds[receiver] = AgencyKind(kind)
    level = event.fields.get(RECEIVER_LEVEL_FIELD)
    if level:  # absent from hand-offs logged before courts had levels, and from hand-offs to other agencies
        state.court_levels[receiver] = CourtLevel(level)
    _involve(state, receiver)


# ---------------------------------------------------------------- verdicts, outcomes and requalification


#: which challenge windows a judgment of each level of court opens (DOMAIN.md's appeal ladder): a first-instance
#: judgment is appealed; a felony chamber's and a court of appeal's go to cassation; the Supreme Court's is final
WINDOWS_AFTER: dict[CourtLevel, tuple[str, ...]] = {
    CourtLevel.first_instance: ("appeal_window",),
    CourtLevel.felony_chamber: ("cassation_window",),
    CourtLevel.appeal: ("cassation_window",),
    CourtLevel.supreme: (),
    CourtLevel.juvenile: ("appeal_window",),  # appealed to the court of appeal it names, as a first-instance court
}


def _windows_after(state: CaseState, level: Stage, court: str | None = None) -> tuple[str, ...]:
    """Which challenge windows a verdict given at `level` by `court` opens: by the court's level where the case
    knows it, else (courts reached before they had levels) by the stage and the category, as before."""
    court_level = state.court_levels.get(court) if court else None
    if court_level is not None:
        return WINDOWS_AFTER[court_level]
    if level == Stage.cassation:
        return ()
    if level == Stage.trial and state.category != Category.felony:
        return ("appeal_window",)
    return ("cassation_window",)


def _record_verdicts(state: CaseState, event: CaseEvent, items: list[dict[str, Any]], pronounced: datetime) -> None:
    """Each verdict as pronounced: its windows run from the pronouncement (CCP Art. 369), however late it is
    entered; a window already past at entry lapses at once (due_clock_events)."""
    level = state.stage
    for item in items:
        verdict = Verdict(party_id=item["party_id"], result=VerdictResult(item["result"]),
                          in_absentia=item["in_absentia"], at=pronounced, court=state.owner_agency, level=level,
                          sentence=item["sentence"], recorded_at=event.at, penalty=item.get("penalty"))
        state.verdicts.append(verdict)
        windows = _windows_after(state, level, verdict.court)
        if not windows:
            verdict.final = True
        elif not verdict.in_absentia:
            for window in windows:
                start_clock(state, window, pronounced, event.seq, verdict.party_id)
    _maybe_final(state, event.at, event.seq)


def _serve_verdict(state: CaseState, event: CaseEvent, service: ServeVerdict) -> None:
    party_id = event.fields[service.party_field]
    verdict = state.latest_verdict(party_id)
    assert verdict is not None
    served = parse_instant(event.fields[service.served_field], service.served_field)
    verdict.served_at = served
    start_clock(state, "objection_window", served, event.seq, party_id)
    for window in _windows_after(state, verdict.level, verdict.court):
        start_clock(state, window, served, event.seq, party_id)


def _retrial(state: CaseState, party_ids: list[str]) -> None:
    """An objection or a remand: the verdicts at issue are set aside; the court hears them again."""
    for party_id in party_ids:
        verdict = state.latest_verdict(party_id)
        if verdict is not None and not verdict.final:
            verdict.challenged = True
            state.verdicts.remove(verdict)
        stop_clocks(state, CHALLENGE_WINDOWS, party_id)


#: which outcome a case takes from its accused's, the first that any of them has (a case with one accused
#: convicted is a conviction, whatever the others')
OUTCOME_PRECEDENCE = (Outcome.convicted, Outcome.acquitted, Outcome.reconciled, Outcome.lapsed, Outcome.archived,
                      Outcome.merged, Outcome.severed)


def derived_outcome(state: CaseState) -> Outcome:
    """The case's outcome from its accused's own: each one's final verdict or the decision taken for them."""
    had = {p.outcome for p in state.accused() if p.outcome is not None}
    had |= {Outcome(v.result) for v in final_verdicts(state)}
    return next((o for o in OUTCOME_PRECEDENCE if o in had), Outcome.acquitted)


def per_accused_rules() -> dict[str, Any]:
    """The per-accused rules as data, from the table (published at /api/v1/procedure and in docs/procedure.md)."""
    return {
        "decisions_for_one_accused": [r.name for r in ACTIONS if any(
            isinstance(e, Dispose) and any(f.name == e.party_field for f in r.fields) for e in r.effects)],
        "challenges_joining_the_case": [r.name for r in ACTIONS if any(isinstance(e, Challenge) for e in r.effects)
                                        and r.enters is not None and r.enters in r.stages],
        "severance": [r.name for r in ACTIONS if any(isinstance(e, Sever) for e in r.effects)],
        "requalification": [r.name for r in ACTIONS if any(isinstance(e, Requalify) for e in r.effects)],
        "outcome_precedence": list(OUTCOME_PRECEDENCE),
    }


def _dispose(state: CaseState, party_id: str, outcome: Outcome, ground: str | None, event: CaseEvent) -> None:
    """One accused's proceedings end here: their windows and custody clocks stop (nobody is held by a case that
    no longer prosecutes them); the case goes on for the others, and ends once none is left."""
    party = state.party(party_id)
    if party is None:
        return
    party.outcome = outcome
    party.outcome_ground = ground
    for clock in state.clocks:
        if clock.subject == party_id and clock.status == ClockStatus.open:
            clock.status = ClockStatus.stopped
            clear_stalled(state, clock.name, clock.clock_id)
    party.custody = Custody.free  # only a severed accused is still held here: their new case holds them now
    end_held_period(party, event.at)
    _settle(state, event.at, event.seq)


def _settle(state: CaseState, at: datetime, seq: int) -> None:
    """After an accused leaves the proceedings: the case closes when none is left (with the outcome its accused
    give), or becomes final when every one left has a final verdict."""
    if state.stage == Stage.closed or not state.accused():
        return
    if not state.active_accused():
        _close(state, derived_outcome(state), at)
        return
    _maybe_final(state, at, seq)


def _requalify(state: CaseState, event: CaseEvent, category: str | None, charges: list[str] | None) -> None:
    """A new legal description of the facts, where it changes anything: kept with the one it replaces."""
    new_category = Category(category) if category else state.category
    new_charges = list(charges) if charges else list(state.charges)
    changes_charges = bool(charges) and bool(state.charges) and new_charges != state.charges
    if new_category == state.category and not changes_charges:
        return
    if not state.qualifications:  # the description the case had until now heads the history
        state.qualifications.append(Qualification(
            seq=1, at=state.opened_at, category=state.category, charges=list(state.charges),
            by_agency=state.opening_station, action=OPEN_CASE.name))
    state.category = new_category
    state.charges = new_charges
    state.qualifications.append(Qualification(
        seq=event.seq, at=event.at, category=new_category, charges=new_charges,
        by_agency=event.actor.agency if event.actor else state.owner_agency, action=event.name))


def _close(state: CaseState, outcome: Outcome, at: datetime) -> None:
    state.outcome = outcome
    for party in state.active_accused():
        party.outcome = outcome
    state.handoff = None
    for clock in state.clocks:
        if clock.status == ClockStatus.open:
            clock.status = ClockStatus.stopped
    state.stalled = []
    for party in state.parties:
        party.custody = Custody.free
        end_held_period(party, at)
    state.stage = Stage.closed


# ---------------------------------------------------------------- a merged case's file arrives


def _apply_merged_in(state: CaseState, event: CaseEvent) -> None:
    state.last_activity_at = event.at
    state.merged_from.append(event.fields["source_case_id"])
    known = {p.national_id: p for p in state.parties if p.national_id}
    for party in event.fields["parties"]:
        here = known.get(party["national_id"]) if party.get("national_id") else None
        if here is None:  # else the same person is already a party here
            here = add_party(state, party)
        carried = party.get("custody")  # held by the merged case: held here, on the same clocks
        if carried and here.custody == Custody.free:
            carry_custody(state, here, carried, event.seq, event.at)
    state.documents.extend(event.fields["documents"])


def delivered(party: Party, custody: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """A merged case's party as the merged_in event carries it (the identity fields only when known, as
    events logged before they existed have them; the custody of a person the merged case held)."""
    carried: dict[str, Any] = {"role": party.role, "name": party.name, "national_id": party.national_id}
    extra = {"passport_number": party.passport_number, "nationality": party.nationality,
             "birth_date": party.birth_date, "birth_place": party.birth_place, "mother_name": party.mother_name,
             "aliases": list(party.aliases), "custody": custody.get(party.party_id)}
    carried.update({k: v for k, v in extra.items() if v})
    return carried


# ---------------------------------------------------------------- clocks


def _maybe_final(state: CaseState, at: datetime, seq: int) -> None:
    accused = state.active_accused()
    if state.stage in (Stage.trial, Stage.appeal, Stage.cassation) and accused and all(
            (v := state.latest_verdict(p.party_id)) is not None and v.final for p in accused):
        if state.referring_prosecution:
            state.owner_agency = state.referring_prosecution
        state.handoff = None
        stop_clocks(state, ("handoff_ack",))
        _enter_stage(state, Stage.final, at, seq)


def _apply_clock_event(state: CaseState, event: CaseEvent) -> None:
    if event.fields["clock_id"] == "idle":
        state.stalled.append(StalledReason("idle", event.at))
        return
    clock = next(c for c in state.clocks if c.clock_id == event.fields["clock_id"])
    if event.name == SystemEvent.clock_warning:
        clock.warned = True
        return
    clock.status = ClockStatus.expired
    expiry = state.rules.clock(clock.name).expiry
    if expiry is Expiry.release_due and clock.subject:
        party = state.party(clock.subject)
        if party is not None and party.custody != Custody.free:
            party.custody = Custody.release_due
    if state.rules.clock(clock.name).escalates:
        state.stalled.append(StalledReason(clock.name, event.at, clock.clock_id))
        if clock.name == "handoff_ack" and state.handoff is not None:
            state.handoff.escalated = True
    elif expiry is Expiry.verdict_final and clock.subject:
        verdict = state.latest_verdict(clock.subject)
        still_open = [c for c in state.clocks if c.subject == clock.subject and c.status == ClockStatus.open
                      and c.name in CHALLENGE_WINDOWS]
        if verdict is not None and not verdict.challenged and not still_open:
            verdict.final = True
        _maybe_final(state, event.at, event.seq)
