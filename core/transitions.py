"""Applying the procedure table: pure, deterministic, no I/O.

`decide()` checks a command against a state (role, stage, agency, fields, guard) and returns the
event to record, or raises a `Refusal`. `apply()` folds an event into a state; the workflow and the
read-model rebuild both use it, so a state is always the fold of its event log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from core.case import (
    ActionCommand,
    Actor,
    ActorRef,
    CaseEvent,
    CaseState,
    Clock,
    Handoff,
    Hearing,
    MergeDelivery,
    Party,
    StalledReason,
    Verdict,
)
from core.clocks import Expiry, RuleBook, deadline, warning_instant
from core.fields import check_fields, parse_instant
from core.procedure import ACTIONS, ACTIONS_BY_NAME, ActionRule, Who
from core.refusal import Refusal, conflict, forbidden
from core.vocabulary import Stage

CLOCK_EVENTS = ("clock_warning", "clock_expired")
MERGED_IN = "merged_in"  # a system event: another case's file joined this one (merge_into)
MERGEABLE_STAGES = (Stage.police_inquiry, Stage.prosecution)


# ---------------------------------------------------------------- who may act


def _role_for(rule: ActionRule, actor: Actor) -> str | None:
    return next((r for r in actor.roles if r in rule.roles), None)


def _in_scope(actor: Actor, agency: str | None) -> bool:
    return actor.national or (agency is not None and agency in actor.scope)


def _agency_may_act(rule: ActionRule, state: CaseState | None, actor: Actor) -> bool:
    if rule.who is Who.own_station:
        return actor.agency_kind == "police_station"
    assert state is not None
    if rule.who is Who.scope:
        return _in_scope(actor, state.owner_agency)
    if rule.who is Who.receiver:
        return state.handoff is not None and actor.agency == state.handoff.to_agency
    if rule.who is Who.competent_court:
        return actor.agency_kind == "court" and (
            actor.agency == state.owner_agency or (actor.region is not None and actor.region == state.region))
    if rule.who is Who.referring_prosecution:
        return actor.agency == state.referring_prosecution
    if rule.who is Who.owner_or_referring_prosecution:
        if actor.agency == state.owner_agency:
            return True
        return "prosecutor" in actor.roles and actor.agency == state.referring_prosecution
    return actor.agency == state.owner_agency


def _check_access(rule: ActionRule, state: CaseState | None, actor: Actor) -> str:
    role = _role_for(rule, actor)
    if role is None:
        raise forbidden("forbidden_role", f"your role may not {rule.label_en.lower()}",
                        f"دورك لا يسمح بإجراء: {rule.label_ar}")
    if state is not None and rule.stages and state.stage not in rule.stages:
        raise conflict("wrong_stage", f"{rule.name} is not allowed in stage {state.stage}",
                       f"الإجراء «{rule.label_ar}» غير مسموح في هذه المرحلة")
    if not _agency_may_act(rule, state, actor):
        raise forbidden("forbidden_agency", "your agency may not act on this case now",
                        "جهتك لا تملك التصرف في هذه القضية الآن")
    return role


# ---------------------------------------------------------------- guards (named in the table)


def _g_arrest_after_report(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    if parse_instant(fields["arrested_at"], "arrested_at") < state.occurred_at:
        raise Refusal("arrest_before_report", 422, "an arrest cannot precede the reported events",
                      "لا يمكن أن يسبق القبض تاريخ الواقعة", "arrested_at")
    party = state.party(fields["party_id"])
    if party is not None and party.custody != "free":
        raise conflict("already_held", "this person is already held", "الشخص محتجز بالفعل")


def _g_person_held(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    party = state.party(fields["party_id"])
    if party is None or party.custody == "free":
        raise conflict("not_held", "this person is not held", "هذا الشخص غير محتجز")


def _g_person_detained_within_cap(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    party = state.party(fields["party_id"])
    if party is None or party.custody != "detained":
        raise conflict("not_detained", "this person is not in pre-trial detention",
                       "هذا الشخص ليس محبوساً احتياطياً")
    rule = state.rules.clock("judicial_detention")
    if fields["days"] > rule.length:
        raise Refusal("extension_too_long", 422, f"one extension is at most {rule.length} days",
                      f"مدة المد لا تتجاوز {rule.length} يوماً", "days")
    if rule.cap and party.detention_days_extended + fields["days"] > rule.cap:
        raise Refusal("extension_cap_reached", 422, f"extensions may not exceed {rule.cap} days in all",
                      f"مجموع مدد المد لا يتجاوز {rule.cap} يوماً", "days")


def _g_handoff_pending(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    if state.handoff is None or state.handoff.acknowledged_at is not None:
        raise conflict("no_pending_handoff", "there is no hand-off to acknowledge", "لا توجد إحالة بانتظار الاستلام")


def _g_archived(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    if state.outcome != "archived":
        raise conflict("not_archived", "only an archived case can be reopened", "لا يعاد فتح إلا القضايا المحفوظة")


def _g_has_accused(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    if not state.accused():
        raise conflict("no_accused", "a case goes to court against at least one accused",
                       "لا إحالة إلى المحكمة دون متهم")


def _g_hearing_scheduled(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    if not _hearings_in_stage(state):
        raise conflict("no_hearing", "no hearing is scheduled", "لا توجد جلسة محددة")


def _g_hearing_held(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    hearings = _hearings_in_stage(state)
    if not hearings or hearings[-1].at > now:
        raise conflict("no_hearing_held", "a verdict needs a hearing that has taken place",
                       "لا يصدر حكم قبل انعقاد جلسة")
    pending = {p.party_id for p in _accused_at_issue(state)}
    given = {v["party_id"] for v in fields["verdicts"]}
    if given != pending:
        raise Refusal("verdict_per_accused", 422, "give exactly one verdict for each accused at issue",
                      "يجب إصدار حكم لكل متهم في الدعوى", "verdicts")


def _g_verdict_in_absentia_unserved(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    verdict = state.latest_verdict(fields["party_id"])
    if verdict is None or not verdict.in_absentia or verdict.served_at is not None:
        raise conflict("nothing_to_serve", "no unserved in-absentia verdict for this person",
                       "لا يوجد حكم غيابي غير معلن لهذا الشخص")
    if parse_instant(fields["served_at"], "served_at") < verdict.at:
        raise Refusal("served_before_verdict", 422, "service cannot precede the verdict",
                      "لا يسبق الإعلان صدور الحكم", "served_at")


def _window_open(state: CaseState, name: str, party_id: str) -> bool:
    return any(c.name == name and c.subject == party_id and c.status == "open" for c in state.clocks)


def _require_window(name: str, en: str, ar: str) -> Callable[[CaseState, dict[str, Any], datetime], None]:
    def guard(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
        if not _window_open(state, name, fields["party_id"]):
            raise conflict(f"{name}_closed", en, ar)

    return guard


def _g_convicted_party(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    verdict = state.latest_verdict(fields["party_id"])
    if verdict is None or verdict.result != "convicted" or not verdict.final:
        raise conflict("not_convicted", "this person has no final conviction", "لا يوجد حكم بات بالإدانة")


def _g_nothing_left_to_execute(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    if state.stage == Stage.final and any(v.result == "convicted" for v in _final_verdicts(state)):
        raise conflict("execution_pending", "record the execution of the sentences first",
                       "يجب تسجيل تنفيذ الأحكام أولاً")


def _g_reconcilable(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    if state.category == "felony":
        raise conflict("not_reconcilable", "a felony cannot be settled by reconciliation",
                       "لا يجوز الصلح في الجنايات")


def _g_merge_target_open(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    pass  # checked in decide(), where the target's stage is known


def _g_same_kind_target(state: CaseState, fields: dict[str, Any], now: datetime) -> None:
    pass  # checked in decide(), where the target's kind is known


GUARDS: dict[str, Callable[[CaseState, dict[str, Any], datetime], None]] = {
    "arrest_after_report": _g_arrest_after_report,
    "person_held": _g_person_held,
    "person_detained_within_cap": _g_person_detained_within_cap,
    "handoff_pending": _g_handoff_pending,
    "archived": _g_archived,
    "has_accused": _g_has_accused,
    "hearing_scheduled": _g_hearing_scheduled,
    "hearing_held": _g_hearing_held,
    "verdict_in_absentia_unserved": _g_verdict_in_absentia_unserved,
    "objection_window_open": _require_window("objection_window", "the objection window is closed",
                                             "انقضى ميعاد المعارضة"),
    "appeal_window_open": _require_window("appeal_window", "the appeal window is closed", "انقضى ميعاد الاستئناف"),
    "cassation_window_open": _require_window("cassation_window", "the cassation window is closed",
                                             "انقضى ميعاد الطعن بالنقض"),
    "convicted_party": _g_convicted_party,
    "nothing_left_to_execute": _g_nothing_left_to_execute,
    "reconcilable": _g_reconcilable,
    "same_kind_target": _g_same_kind_target,
    "merge_target_open": _g_merge_target_open,
}


def _hearings_in_stage(state: CaseState) -> list[Hearing]:
    return [h for h in state.hearings if h.court == state.owner_agency]


def _final_verdicts(state: CaseState) -> list[Verdict]:
    latest = [state.latest_verdict(p.party_id) for p in state.accused()]
    return [v for v in latest if v is not None and v.final]


def _accused_at_issue(state: CaseState) -> list[Party]:
    """The accused whose verdict is not yet final: the ones this court must rule on."""
    at_issue = []
    for party in state.accused():
        verdict = state.latest_verdict(party.party_id)
        if verdict is None or not verdict.final:
            at_issue.append(party)
    return at_issue


# ---------------------------------------------------------------- deciding


def decide(state: CaseState, command: ActionCommand, now: datetime) -> CaseEvent:
    """Validate `command` against `state`; the event to record, or a Refusal. Changes nothing."""
    rule = ACTIONS_BY_NAME.get(command.action)
    if rule is None or rule.name == "open_case":
        raise Refusal("unknown_action", 404, f"no action named {command.action}", "إجراء غير معروف")
    if state.stage == Stage.closed and Stage.closed not in rule.stages:
        raise conflict("case_closed", "the case is closed", "القضية مغلقة")
    role = _check_access(rule, state, command.actor)
    implied_ack = (
        state.handoff is not None
        and state.handoff.acknowledged_at is None
        and rule.name != "acknowledge_receipt"
        and command.actor.agency == state.handoff.to_agency
    )
    if (state.handoff is not None and state.handoff.acknowledged_at is None and rule.who is not Who.receiver
            and not implied_ack and rule.who is not Who.scope):
        raise conflict("handoff_pending", "the file is in transit: the receiving agency must acknowledge it",
                       "الملف قيد الإحالة: يجب على الجهة المستلمة تأكيد الاستلام")
    fields = check_fields(rule, command.fields, state, now, command.targets, command.cases)
    if rule.guard:
        GUARDS[rule.guard](state, fields, now)
    if rule.name == "merge_into" and command.cases["target_case_id"].stage not in MERGEABLE_STAGES:
        raise conflict("merge_target_not_open", "a case can only be joined to a case in inquiry or prosecution",
                       "لا يضم ملف إلا إلى قضية في مرحلة الاستدلال أو التحقيق")
    if rule.name == "reassign":
        target = command.targets["to_agency"]
        if not _in_scope(command.actor, target.code):
            raise forbidden("target_out_of_scope", "the new agency is outside your scope", "الجهة الجديدة خارج نطاقك")
        if target.code == state.owner_agency:
            raise conflict("same_agency", "the case is already with that agency", "القضية لدى هذه الجهة بالفعل")
    if rule.handoff and "to_agency" not in fields and rule.name == "request_further_inquiry":
        fields["to_agency"] = state.opening_station
    if implied_ack:
        fields["_acknowledges"] = state.handoff.handoff_id if state.handoff else None
    return CaseEvent(
        seq=state.seq + 1,
        name=rule.name,
        at=now,
        actor=ActorRef(command.actor.username, role, command.actor.agency),
        fields=fields,
    )


def decide_open(command: ActionCommand, now: datetime) -> CaseEvent:
    rule = ACTIONS_BY_NAME["open_case"]
    role = _check_access(rule, None, command.actor)
    fields = check_fields(rule, command.fields, None, now, command.targets)
    fields.setdefault("sensitivity", "normal")
    fields.setdefault("parties", [])
    fields["station"] = command.actor.agency
    fields["region"] = command.actor.region
    return CaseEvent(seq=1, name="open_case", at=now,
                     actor=ActorRef(command.actor.username, role, command.actor.agency), fields=fields)


def new_case(case_id: str, number: str, rules: RuleBook, event: CaseEvent) -> CaseState:
    f = event.fields
    state = CaseState(
        case_id=case_id, number=number, stage=Stage.police_inquiry, owner_agency=f["station"],
        region=f.get("region"), offence=f["offence"], category=f["category"], sensitivity=f["sensitivity"],
        opened_at=event.at, occurred_at=parse_instant(f["occurred_at"], "occurred_at"), rules=rules,
        place=f.get("place", ""), narrative=f.get("narrative", ""), opening_station=f["station"],
        agencies_involved=[f["station"]],
    )
    for party in f["parties"]:
        _add_party(state, party)
    _enter_stage(state, Stage.police_inquiry, event.at, event.seq)
    state.seq = event.seq
    state.last_activity_at = event.at
    return state


# ---------------------------------------------------------------- applying


def apply(state: CaseState, event: CaseEvent) -> None:
    """Fold one event into the state (the workflow's and the rebuild's only way to change it)."""
    if event.seq != state.seq + 1:
        raise ValueError(f"event {event.seq} does not follow {state.seq}")
    state.seq = event.seq
    if event.name in CLOCK_EVENTS:
        _apply_clock_event(state, event)
        return
    if event.name == MERGED_IN:
        _apply_merged_in(state, event)
        return
    state.last_activity_at = event.at
    _clear_stalled(state, "idle")
    rule = ACTIONS_BY_NAME[event.name]
    if event.fields.get("_acknowledges"):
        _acknowledge(state, event.at)
    for effect in rule.effects:
        name, _, arg = effect.partition(":")
        EFFECTS[name](state, event, arg)
    if rule.handoff:
        _handoff(state, event)


def _add_party(state: CaseState, data: dict[str, Any]) -> Party:
    party = Party(party_id=f"p{len(state.parties) + 1}", role=data["role"], name=data["name"],
                  national_id=data.get("national_id"))
    state.parties.append(party)
    return party


def _start_clock(state: CaseState, name: str, at: datetime, seq: int, subject: str | None = None,
                 length: int | None = None) -> Clock:
    rule = state.rules.clock(name)
    if name == "stage_sla":
        length = state.rules.stage_sla_days.get(state.stage, rule.length)
    expires = deadline(at, length if length is not None else rule.length, rule.unit, state.rules.calendar)
    clock = Clock(clock_id=f"{name}-{seq}" + (f"-{subject}" if subject else ""), name=name, started_at=at,
                  expires_at=expires, warn_at=warning_instant(at, rule, expires), subject=subject)
    state.clocks.append(clock)
    return clock


def _stop_clocks(state: CaseState, names: tuple[str, ...], subject: str | None = None) -> None:
    """Stop the matching open clocks; what they (or their expired predecessors) flagged is resolved too."""
    for clock in state.clocks:
        if clock.name in names and (subject is None or clock.subject == subject):
            if clock.status == "open":
                clock.status = "stopped"
            _clear_stalled(state, clock.name, clock.clock_id)


def _clear_stalled(state: CaseState, reason: str, clock_id: str | None = None) -> None:
    state.stalled = [s for s in state.stalled
                     if not (s.reason == reason and (clock_id is None or s.clock_id == clock_id))]


def _involve(state: CaseState, agency: str) -> None:
    if agency not in state.agencies_involved:
        state.agencies_involved.append(agency)


def _enter_stage(state: CaseState, stage: str, at: datetime, seq: int) -> None:
    _stop_clocks(state, ("stage_sla",))
    state.stage = stage
    if stage in state.rules.stage_sla_days:
        _start_clock(state, "stage_sla", at, seq)


def _e_enter_stage(state: CaseState, event: CaseEvent, stage: str) -> None:
    if stage == Stage.prosecution and event.name == "reopen":
        state.outcome = None
    _enter_stage(state, stage, event.at, event.seq)


def _e_add_party(state: CaseState, event: CaseEvent, _: str) -> None:
    _add_party(state, event.fields)


def _e_start_clock(state: CaseState, event: CaseEvent, name: str) -> None:
    subject = event.fields.get("party_id")
    start = parse_instant(event.fields["arrested_at"], "arrested_at") if name == "police_custody" else event.at
    _start_clock(state, name, start, event.seq, subject)
    party = state.party(subject) if subject else None
    if party is not None:
        party.custody = "police_custody" if name == "police_custody" else "detained"


def _e_stop_custody(state: CaseState, event: CaseEvent, _: str) -> None:
    subject = event.fields["party_id"]
    _stop_clocks(state, ("police_custody", "prosecution_detention", "judicial_detention"), subject)
    party = state.party(subject)
    if party is not None:
        party.custody = "free"


def _e_extend_detention(state: CaseState, event: CaseEvent, _: str) -> None:
    subject = event.fields["party_id"]
    _stop_clocks(state, ("prosecution_detention", "judicial_detention"), subject)
    _start_clock(state, "judicial_detention", event.at, event.seq, subject, length=event.fields["days"])
    party = state.party(subject)
    if party is not None:
        party.detention_days_extended += event.fields["days"]


def _acknowledge(state: CaseState, at: datetime) -> None:
    if state.handoff is not None and state.handoff.acknowledged_at is None:
        state.handoff.acknowledged_at = at
        _stop_clocks(state, ("handoff_ack",))


def _e_acknowledge(state: CaseState, event: CaseEvent, _: str) -> None:
    _acknowledge(state, event.at)


def _handoff(state: CaseState, event: CaseEvent) -> None:
    to_agency = event.fields["to_agency"]
    _acknowledge(state, event.at)  # a new hand-off supersedes an unacknowledged one
    clock = _start_clock(state, "handoff_ack", event.at, event.seq)
    state.handoff = Handoff(handoff_id=f"h{event.seq}", action=event.name, from_agency=state.owner_agency,
                            to_agency=to_agency, at=event.at, clock_id=clock.clock_id)
    state.owner_agency = to_agency
    _involve(state, to_agency)


def _e_remember_referring_prosecution(state: CaseState, event: CaseEvent, _: str) -> None:
    state.referring_prosecution = state.owner_agency
    state.charges = list(event.fields["charges"])
    for party in state.parties:
        if party.role == "suspect":
            party.role = "accused"


def _e_back_to_station(state: CaseState, event: CaseEvent, _: str) -> None:
    pass  # the hand-off names the opening station; nothing else changes


def _e_schedule_hearing(state: CaseState, event: CaseEvent, _: str) -> None:
    state.hearings.append(Hearing(at=parse_instant(event.fields["hearing_at"], "hearing_at"),
                                  court=state.owner_agency, room=event.fields.get("room")))


def _windows_after(state: CaseState, level: str) -> tuple[str, ...]:
    """Which challenge windows a verdict given at `level` opens (DOMAIN.md's appeal ladder)."""
    if level == Stage.cassation:
        return ()
    if level == Stage.trial and state.category != "felony":
        return ("appeal_window",)
    return ("cassation_window",)


def _e_record_verdicts(state: CaseState, event: CaseEvent, _: str) -> None:
    level = state.stage
    for item in event.fields["verdicts"]:
        verdict = Verdict(party_id=item["party_id"], result=item["result"], in_absentia=item["in_absentia"],
                          at=event.at, court=state.owner_agency, level=level, sentence=item["sentence"])
        state.verdicts.append(verdict)
        windows = _windows_after(state, level)
        if not windows:
            verdict.final = True
        elif not verdict.in_absentia:
            for window in windows:
                _start_clock(state, window, event.at, event.seq, verdict.party_id)
    _maybe_final(state, event.at, event.seq)


def _e_serve_verdict(state: CaseState, event: CaseEvent, _: str) -> None:
    party_id = event.fields["party_id"]
    verdict = state.latest_verdict(party_id)
    assert verdict is not None
    served = parse_instant(event.fields["served_at"], "served_at")
    verdict.served_at = served
    _start_clock(state, "objection_window", served, event.seq, party_id)
    for window in _windows_after(state, verdict.level):
        _start_clock(state, window, served, event.seq, party_id)


def _e_retrial(state: CaseState, event: CaseEvent, _: str) -> None:
    """An objection or a remand: the verdicts at issue are set aside; the court hears them again."""
    party_ids = [event.fields["party_id"]] if "party_id" in event.fields else [p.party_id for p in state.accused()]
    for party_id in party_ids:
        verdict = state.latest_verdict(party_id)
        if verdict is not None and not verdict.final:
            verdict.challenged = True
            state.verdicts.remove(verdict)
        _stop_clocks(state, ("appeal_window", "objection_window", "cassation_window"), party_id)


def _e_challenge(state: CaseState, event: CaseEvent, stage: str) -> None:
    party_id = event.fields["party_id"]
    verdict = state.latest_verdict(party_id)
    if verdict is not None:
        verdict.challenged = True
    _stop_clocks(state, ("appeal_window", "objection_window", "cassation_window"), party_id)
    _enter_stage(state, stage, event.at, event.seq)


def _e_criminal_record(state: CaseState, event: CaseEvent, _: str) -> None:
    pass  # the read model writes the criminal record entry from this event


def _e_close(state: CaseState, event: CaseEvent, outcome: str) -> None:
    if outcome == "derived":
        results = {v.result for v in _final_verdicts(state)}
        outcome = "convicted" if "convicted" in results else "acquitted"
    state.outcome = outcome
    if outcome == "merged":
        state.merged_into = event.fields["target_case_id"]
    state.handoff = None
    for clock in state.clocks:
        if clock.status == "open":
            clock.status = "stopped"
    state.stalled = []
    for party in state.parties:
        party.custody = "free"
    state.stage = Stage.closed


def _e_keep_evidence(state: CaseState, event: CaseEvent, _: str) -> None:
    state.documents.append({"seq": event.seq, "kind": event.name, "case_id": state.case_id,
                            "title": event.fields.get("title") or event.fields.get("description", ""),
                            "document": event.fields.get("document")})


def _apply_merged_in(state: CaseState, event: CaseEvent) -> None:
    state.last_activity_at = event.at
    state.merged_from.append(event.fields["source_case_id"])
    known_ids = {p.national_id for p in state.parties if p.national_id}
    for party in event.fields["parties"]:
        if party.get("national_id") and party["national_id"] in known_ids:
            continue  # the same person is already a party here
        _add_party(state, {"role": party["role"], "name": party["name"], "national_id": party.get("national_id")})
    state.documents.extend(event.fields["documents"])


def decide_merged_in(state: CaseState, delivery: MergeDelivery, now: datetime) -> CaseEvent:
    """Validate the arrival of a merged case's file (the merge_into of another case)."""
    if state.stage not in MERGEABLE_STAGES:
        raise conflict("merge_target_not_open", "a case can only be joined to a case in inquiry or prosecution",
                       "لا يضم ملف إلا إلى قضية في مرحلة الاستدلال أو التحقيق")
    if delivery.source_case_id == state.case_id or delivery.source_case_id in state.merged_from:
        raise conflict("already_merged", "this case was already joined here", "سبق ضم هذه القضية")
    return CaseEvent(seq=state.seq + 1, name=MERGED_IN, at=now, actor=None, fields={
        "source_case_id": delivery.source_case_id, "source_number": delivery.source_number,
        "parties": [{"role": p.role, "name": p.name, "national_id": p.national_id} for p in delivery.parties],
        "documents": list(delivery.documents)})


def _e_reassign(state: CaseState, event: CaseEvent, _: str) -> None:
    pass  # the hand-off moves ownership


def _e_enter_stage_for(stage: str) -> Callable[[CaseState, CaseEvent, str], None]:
    def effect(state: CaseState, event: CaseEvent, arg: str) -> None:
        if event.name in ("file_appeal", "file_cassation"):
            _e_challenge(state, event, arg)
        else:
            _e_enter_stage(state, event, arg)

    return effect


EFFECTS: dict[str, Callable[[CaseState, CaseEvent, str], None]] = {
    "enter_stage": _e_enter_stage_for(""),
    "add_party": _e_add_party,
    "start_clock": _e_start_clock,
    "stop_custody": _e_stop_custody,
    "extend_detention": _e_extend_detention,
    "acknowledge": _e_acknowledge,
    "remember_referring_prosecution": _e_remember_referring_prosecution,
    "back_to_station": _e_back_to_station,
    "schedule_hearing": _e_schedule_hearing,
    "record_verdicts": _e_record_verdicts,
    "serve_verdict": _e_serve_verdict,
    "retrial": _e_retrial,
    "criminal_record": _e_criminal_record,
    "close": _e_close,
    "reassign": _e_reassign,
    "keep_evidence": _e_keep_evidence,
}


# ---------------------------------------------------------------- clocks


def _maybe_final(state: CaseState, at: datetime, seq: int) -> None:
    accused = state.accused()
    if state.stage in (Stage.trial, Stage.appeal, Stage.cassation) and accused and all(
            (v := state.latest_verdict(p.party_id)) is not None and v.final for p in accused):
        if state.referring_prosecution:
            state.owner_agency = state.referring_prosecution
        state.handoff = None
        _stop_clocks(state, ("handoff_ack",))
        _enter_stage(state, Stage.final, at, seq)


def _apply_clock_event(state: CaseState, event: CaseEvent) -> None:
    if event.fields["clock_id"] == "idle":
        state.stalled.append(StalledReason("idle", event.at))
        return
    clock = next(c for c in state.clocks if c.clock_id == event.fields["clock_id"])
    if event.name == "clock_warning":
        clock.warned = True
        return
    clock.status = "expired"
    expiry = state.rules.clock(clock.name).expiry
    if expiry is Expiry.escalate:
        state.stalled.append(StalledReason(clock.name, event.at, clock.clock_id))
        if clock.name == "handoff_ack" and state.handoff is not None:
            state.handoff.escalated = True
    elif expiry is Expiry.verdict_final and clock.subject:
        verdict = state.latest_verdict(clock.subject)
        still_open = [c for c in state.clocks if c.subject == clock.subject and c.status == "open"
                      and c.name in ("appeal_window", "objection_window", "cassation_window")]
        if verdict is not None and not verdict.challenged and not still_open:
            verdict.final = True
        _maybe_final(state, event.at, event.seq)


def idle_deadline(state: CaseState) -> datetime | None:
    idle_days = state.rules.idle_days
    if state.stage == Stage.closed or state.last_activity_at is None or idle_days <= 0:
        return None
    if any(s.reason == "idle" for s in state.stalled):
        return None
    return state.last_activity_at + timedelta(days=idle_days)


def due_clock_events(state: CaseState, now: datetime) -> list[CaseEvent]:
    """The clock events due at `now`, in order (warnings before expiries)."""
    events: list[CaseEvent] = []
    seq = state.seq
    for clock in sorted(state.open_clocks(), key=lambda c: c.expires_at):
        if not clock.warned and clock.warn_at <= now < clock.expires_at:
            seq += 1
            events.append(CaseEvent(seq, "clock_warning", clock.warn_at, None,
                                    {"clock_id": clock.clock_id, "clock": clock.name, "subject": clock.subject}))
        elif clock.expires_at <= now:
            seq += 1
            events.append(CaseEvent(seq, "clock_expired", clock.expires_at, None,
                                    {"clock_id": clock.clock_id, "clock": clock.name, "subject": clock.subject}))
    idle_at = idle_deadline(state)
    if idle_at is not None and idle_at <= now:
        seq += 1
        events.append(CaseEvent(seq, "clock_expired", idle_at, None, {"clock_id": "idle", "clock": "idle"}))
    return events


def next_clock_instant(state: CaseState) -> datetime | None:
    instants = [c.expires_at if c.warned else min(c.warn_at, c.expires_at) for c in state.open_clocks()]
    idle_at = idle_deadline(state)
    if idle_at is not None:
        instants.append(idle_at)
    return min(instants) if instants else None


# ---------------------------------------------------------------- what a user may do now


def allowed_actions(state: CaseState, actor: Actor, now: datetime) -> list[str]:
    """The actions `actor` may attempt now: role, stage, agency and hand-off pass (fields aside)."""
    allowed = []
    for rule in ACTIONS:
        if rule.name == "open_case":
            continue
        try:
            if state.stage == Stage.closed and Stage.closed not in rule.stages:
                continue
            _check_access(rule, state, actor)
        except Refusal:
            continue
        pending = state.handoff is not None and state.handoff.acknowledged_at is None
        if pending and rule.who not in (Who.receiver, Who.scope) and actor.agency != state.handoff.to_agency:  # type: ignore[union-attr]
            continue
        if rule.guard in ("handoff_pending", "archived", "has_accused", "nothing_left_to_execute",
                          "reconcilable", "hearing_scheduled"):
            try:
                GUARDS[rule.guard](state, {}, now)
            except Refusal:
                continue
        allowed.append(rule.name)
    return allowed
