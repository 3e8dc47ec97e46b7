"""Deciding on the procedure table: pure, deterministic, no I/O.

`decide()` checks a command against a state and returns the event to record, or raises a `Refusal`: the
caller's standing (role, stage, agency, a hand-off in transit), the fields, the kind of agency a hand-off
sends the case to, then the action's named guard (core.guards). `action_options()` is `decide()` run dry on the
case as it stands: the same checks, for every action, with the parties and agencies its fields may name. The
event's fold into the state is `apply()` (core.effects); a severed accused's case starts in core.severance.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from core.agencies import COURT_KINDS
from core.case import ActionCommand, Actor, ActorRef, AgencyRef, CaseEvent, CaseState, MergeDelivery
from core.clocks import RuleBook
from core.custody import custody_to_carry, held_parties
from core.custody_effects import RELEASED_FIELD, SENTENCE_TERM_FIELD
from core.custody_guards import extension_clock, nobody_held
from core.effects import (
    ACKNOWLEDGES_FIELD,
    CUSTODY_CARRIED_FIELD,
    JOINS_FIELD,
    RECEIVER_FIELD,
    RECEIVER_KIND_FIELD,
    RECEIVER_LEVEL_FIELD,
    REMANDED_FIELD,
    apply_effect,
    delivered,
)
from core.fields import check_fields, parse_instant
from core.guard_context import Guard, GuardContext
from core.guards import GUARDS, NO_GUARD
from core.procedure import (
    ACTIONS,
    ACTIONS_BY_NAME,
    LATEST_REVISION,
    OPEN_CASE,
    ActionRule,
    AdmitToPrison,
    Challenge,
    EnterStage,
    ExtendDetention,
    FieldKind,
    HandOff,
    HandOverCustody,
    JoinCase,
    RecordVerdicts,
    Requalify,
    Retrial,
    RuleRevision,
    Sever,
    Who,
)
from core.proceedings import CUSTODY_CLOCKS, MERGEABLE_STAGES, accused_at_issue, quashed_judgment
from core.refusal import Refusal, conflict, invalid
from core.sentences import frees_the_accused
from core.severance import SEVERED_CASE_NAMESPACE, severed_case, severed_file
from core.vocabulary import HELD, IN_PRISON, STAGE_OWNER_KIND, Category, Role, Sensitivity, Stage, SystemEvent, label
from core.who_may_act import OPENING_AGENCY_KIND, check_access

# ---------------------------------------------------------------- standing: may this caller act on this case now


@dataclass(frozen=True)
class Standing:
    role: Role
    acknowledges: bool  # the receiver of a file in transit acts on it: that acknowledges the hand-off


def _standing(rule: ActionRule, state: CaseState, actor: Actor, revision: RuleRevision = LATEST_REVISION
              ) -> Standing:
    """May this caller take this action on this case now, whatever they submit? Raises why not."""
    if state.stage == Stage.closed and Stage.closed not in rule.stages:
        raise conflict("case_closed", "the case is closed", "القضية مغلقة")
    role = check_access(rule, state, actor, revision)
    in_transit = state.handoff is not None and state.handoff.acknowledged_at is None
    receives = in_transit and state.handoff is not None and actor.agency == state.handoff.to_agency
    # while the file is in transit only its receiver acts (the acknowledgement itself, or any action of the
    # owner, which acknowledges it), and a supervisor may still send it elsewhere
    if in_transit and not receives and rule.who not in (Who.receiver, Who.scope):
        raise conflict("handoff_pending", "the file is in transit: the receiving agency must acknowledge it",
                       "الملف قيد الإحالة: يجب على الجهة المستلمة تأكيد الاستلام")
    # a supervision of the case (Who.scope) is no sign that the receiver has the file: it acknowledges nothing
    return Standing(role, acknowledges=receives and rule.who not in (Who.receiver, Who.scope))


# ---------------------------------------------------------------- hand-offs: where the case goes


def _receiver(handoff: HandOff, state: CaseState, targets: Mapping[str, AgencyRef]) -> AgencyRef:
    if handoff.to_field is not None:
        return targets[handoff.to_field]
    # a case opened before the kinds were kept has none recorded for its station: a station it is
    kind = state.agency_kinds.get(state.opening_station, OPENING_AGENCY_KIND)
    return AgencyRef(state.opening_station, kind)


def _receiver_refusal(rule: ActionRule, context: GuardContext, receiver: AgencyRef) -> Refusal | None:
    """The receiver of a hand-off must be of a kind that owns the stage the case enters (STAGE_OWNER_KIND)."""
    stage = rule.enters or context.state.stage
    if not context.enforce_agency_kinds and rule.enters is None:
        return None  # before kinds were enforced, only a hand-off into a new stage had its receiver's kind fixed
    allowed = STAGE_OWNER_KIND[stage]
    if receiver.kind in allowed:
        return None
    handoff = rule.handoff
    where = handoff.to_field if handoff is not None else None
    kinds_en = " or ".join(label(k, "en") for k in sorted(allowed))
    kinds_ar = " أو ".join(label(k, "ar") for k in sorted(allowed))
    return Refusal("wrong_agency_kind", 422,
                   f"{receiver.code} is not a {kinds_en}, which holds a case in {label(stage, 'en').lower()}",
                   f"الجهة المختارة ليست {kinds_ar}، وهي الجهة التي تحوز القضية في مرحلة {label(stage, 'ar')}", where)


# ---------------------------------------------------------------- deciding


def _guard(rule: ActionRule) -> Guard:
    return GUARDS[rule.guard] if rule.guard else NO_GUARD


def _parties_named(rule: ActionRule, fields: Mapping[str, Any]) -> list[str]:
    spec = rule.party_field
    if spec is None or spec.name not in fields:
        return []
    if spec.kind is FieldKind.verdicts:
        return [v["party_id"] for v in fields[spec.name]]
    return [fields[spec.name]]


def _guard_refusals(rule: ActionRule, context: GuardContext) -> Iterator[Refusal | None]:
    """The guard's parts in order: on the case, on each party named, on the agency named, on the values."""
    guard = _guard(rule)
    if guard.on_case is not None:
        yield guard.on_case(context)
    if guard.on_party is not None:
        for party_id in _parties_named(rule, context.fields):
            party = context.state.party(party_id)
            assert party is not None  # check_fields refuses a party of another case
            yield guard.on_party(context, party)
    agency = rule.agency_field
    if guard.on_agency is not None and agency is not None and agency.name in context.command.targets:
        yield guard.on_agency(context, context.command.targets[agency.name])
    if guard.on_values is not None:
        yield guard.on_values(context)


def _check_guard(rule: ActionRule, context: GuardContext) -> None:
    refusal = next((r for r in _guard_refusals(rule, context) if r is not None), None)
    if refusal is not None:
        raise refusal


def decide(state: CaseState, command: ActionCommand, now: datetime, *, revision: RuleRevision = LATEST_REVISION
           ) -> CaseEvent:
    """Validate `command` against `state`; the event to record, or a Refusal. Changes nothing.

    `revision` is older than the latest only where the workflow replays an Update accepted under older rules
    (workflows.case)."""
    rule = ACTIONS_BY_NAME.get(command.action)
    if rule is None or rule.opens_case:
        raise Refusal("unknown_action", 404, f"no action named {command.action}", "إجراء غير معروف")
    standing = _standing(rule, state, command.actor, revision)
    fields = check_fields(rule, command.fields, state, now, command.targets, command.cases, revision)
    context = GuardContext(state, command, now, fields, revision)
    handoff = rule.handoff
    if handoff is not None:
        receiver = _receiver(handoff, state, command.targets)
        refusal = _receiver_refusal(rule, context, receiver)
        if refusal is not None:
            raise refusal
        fields.setdefault(RECEIVER_FIELD, receiver.code)  # the log says where the file went
        fields[RECEIVER_KIND_FIELD] = receiver.kind
        if receiver.level is not None:
            fields[RECEIVER_LEVEL_FIELD] = receiver.level
    _check_guard(rule, context)
    refusal = nobody_held(rule, state, revision, fields)
    if refusal is not None:
        raise refusal
    if revision >= RuleRevision.per_accused:
        _decide_per_accused(rule, context, fields)
    if revision >= RuleRevision.custody_follows_person:
        _decide_custody(rule, context, fields)
    if revision >= RuleRevision.sentence_term and any(isinstance(e, AdmitToPrison) for e in rule.effects):
        fields[SENTENCE_TERM_FIELD] = True  # the admission's fold starts the prisoner's term as a clock
    if revision >= RuleRevision.released_by_judgment:
        for effect in rule.effects:
            if isinstance(effect, RecordVerdicts) and (freed := _freed_by(state, fields[effect.field])):
                fields[RELEASED_FIELD] = freed
    if revision >= RuleRevision.remand_to_quashed_court:
        for effect in rule.effects:
            quashed = quashed_judgment(state)
            if isinstance(effect, EnterStage) and effect.stage_field and quashed is not None:
                fields[effect.stage_field] = quashed.level  # the log says which stage the case went back to
    if standing.acknowledges and state.handoff is not None:
        fields[ACKNOWLEDGES_FIELD] = state.handoff.handoff_id
    return CaseEvent(
        seq=state.seq + 1,
        name=rule.name,
        at=now,
        actor=ActorRef(command.actor.username, standing.role, command.actor.agency),
        fields=fields,
    )


def _decide_per_accused(rule: ActionRule, context: GuardContext, fields: dict[str, Any]) -> None:
    """What a decision about some accused settles with it, in its event: a challenge joining the proceedings where
    the case is, the accused a remand retries, a severed accused's new case."""
    state = context.state
    if any(isinstance(e, Challenge) for e in rule.effects) and rule.enters is not None:
        others = [p.party_id for p in accused_at_issue(state) if p.party_id != fields.get("party_id")]
        if rule.enters == state.stage:
            if fields.get(RECEIVER_FIELD) != state.owner_agency:
                raise invalid("to_agency", "the co-accused's challenges are already before another court: file "
                              "this one there", "طعون باقي المتهمين منظورة أمام محكمة أخرى: يقدم هذا الطعن إليها",
                              "case_before_another_court")
            fields[JOINS_FIELD] = True
        elif others and state.stage in (Stage.appeal, Stage.cassation):
            raise conflict("others_before_this_court",
                           "other accused still await this court's verdict: sever this accused's proceedings "
                           "first", "ما زال متهمون آخرون ينتظرون حكم هذه المحكمة: تفصل الدعوى بالنسبة لهذا "
                           "المتهم أولاً")
    if any(isinstance(e, Retrial) and e.party_field is None for e in rule.effects):
        fields[REMANDED_FIELD] = [p.party_id for p in accused_at_issue(state)]
    for effect in rule.effects:
        if isinstance(effect, Sever):
            party = state.party(fields[effect.party_field])
            assert party is not None
            fields[effect.case_field] = uuid.uuid5(
                SEVERED_CASE_NAMESPACE, f"{state.case_id}/{party.party_id}/{state.seq + 1}").hex
            fields[effect.file_field] = severed_file(state, party, fields.get("reason", ""))


def _decide_custody(rule: ActionRule, context: GuardContext, fields: dict[str, Any]) -> None:
    """What the action does to the people held, decided with it so that the log says it (and a replay of an older
    event, which lacks it, does what it did then)."""
    state = context.state
    for effect in rule.effects:
        if isinstance(effect, HandOverCustody):
            fields[effect.field] = [p.party_id for p in state.parties if p.custody == effect.from_custody]
        elif isinstance(effect, ExtendDetention) and effect.trial_clock:
            fields[effect.clock_field] = extension_clock(context)
        elif isinstance(effect, JoinCase):
            carried = {p.party_id: custody_to_carry(state, p.party_id, CUSTODY_CLOCKS) for p in held_parties(state)}
            fields[CUSTODY_CARRIED_FIELD] = {k: v for k, v in carried.items() if v is not None}


def _freed_by(state: CaseState, verdicts: list[dict[str, Any]]) -> list[str]:
    """The accused a judgment frees: held under the case (in custody or detention, not serving a sentence in a
    prison) and acquitted, or sentenced to no imprisonment (core.sentences.frees_the_accused)."""
    freed = []
    for verdict in verdicts:
        party = state.party(str(verdict.get("party_id")))
        if party is not None and party.custody in HELD and party.custody not in IN_PRISON and frees_the_accused(
                verdict):
            freed.append(party.party_id)
    return freed


def decide_open(command: ActionCommand, now: datetime) -> CaseEvent:
    role = check_access(OPEN_CASE, None, command.actor)
    fields = check_fields(OPEN_CASE, command.fields, None, now, command.targets)
    fields.setdefault("sensitivity", Sensitivity.normal)
    fields.setdefault("parties", [])
    fields["station"] = command.actor.agency
    fields["region"] = command.actor.region
    return CaseEvent(seq=1, name=OPEN_CASE.name, at=now,
                     actor=ActorRef(command.actor.username, role, command.actor.agency), fields=fields)


def new_case(case_id: str, number: str, rules: RuleBook, event: CaseEvent) -> CaseState:
    if event.name == SystemEvent.severed_in:
        return severed_case(case_id, number, rules, event)
    f = event.fields
    station = f["station"]
    state = CaseState(
        case_id=case_id, number=number, stage=Stage.police_inquiry, owner_agency=station,
        region=f.get("region"), offence=f["offence"], category=Category(f["category"]),
        sensitivity=Sensitivity(f["sensitivity"]), opened_at=event.at,
        # a special regime's variant of the rules, for an offence its law sets apart (absent from older openings)
        occurred_at=parse_instant(f["occurred_at"], "occurred_at"), rules=rules.for_regime(f.get("classification")),
        place=f.get("place", ""),
        narrative=f.get("narrative", ""), opening_station=station, agencies_involved=[station],
        agency_kinds={station: OPENING_AGENCY_KIND},
    )
    for effect in OPEN_CASE.effects:
        apply_effect(state, event, effect)
    state.seq = event.seq
    state.last_activity_at = event.at
    return state


def decide_merged_in(state: CaseState, delivery: MergeDelivery, now: datetime) -> CaseEvent:
    """Validate the arrival of a merged case's file (the merge_into of another case)."""
    if state.stage not in MERGEABLE_STAGES:
        raise conflict("merge_target_not_open", "a case can only be joined to a case in inquiry or prosecution",
                       "لا يضم ملف إلا إلى قضية في مرحلة الاستدلال أو التحقيق")
    if delivery.source_case_id == state.case_id or delivery.source_case_id in state.merged_from:
        raise conflict("already_merged", "this case was already joined here", "سبق ضم هذه القضية")
    return CaseEvent(seq=state.seq + 1, name=SystemEvent.merged_in, at=now, actor=None, fields={
        "source_case_id": delivery.source_case_id, "source_number": delivery.source_number,
        "parties": [delivered(p, delivery.custody) for p in delivery.parties],
        "documents": list(delivery.documents)})


# ---------------------------------------------------------------- what a user may do now


@dataclass(frozen=True)
class ActionOption:
    """An action the caller may take now, and the values its party and agency fields may take that would
    be accepted (party ids; agency codes)."""

    action: str
    choices: dict[str, tuple[str, ...]]


def action_options(state: CaseState, actor: Actor, now: datetime, agencies: Iterable[AgencyRef]
                   ) -> list[ActionOption]:
    """`decide()` run dry for every action: those some submission would make it accept, with the parties
    and agencies (from `agencies`, the agency tree) their fields may name."""
    known = list(agencies)
    courts = [a for a in known if a.kind in COURT_KINDS]
    options = []
    for rule in ACTIONS:
        if not rule.opens_case:
            option = _option(rule, state, actor, now, known, courts)
            if option is not None:
                options.append(option)
    return options


def allowed_actions(state: CaseState, actor: Actor, now: datetime, agencies: Iterable[AgencyRef]) -> list[str]:
    return [option.action for option in action_options(state, actor, now, agencies)]


def _requalifications(rule: ActionRule) -> tuple[str, ...]:
    """The categories an action's own requalification field may give (none for most actions)."""
    spec = next((f for f in rule.fields if f.name == "category" and not f.required), None)
    return tuple(spec.choices) if spec is not None and any(isinstance(e, Requalify) for e in rule.effects) else ()


def _option(rule: ActionRule, state: CaseState, actor: Actor, now: datetime, agencies: list[AgencyRef],
            courts: list[AgencyRef]) -> ActionOption | None:
    try:
        _standing(rule, state, actor)
    except Refusal:
        return None
    context = GuardContext(state, ActionCommand(rule.name, actor, courts=courts), now)
    guard = _guard(rule)
    if guard.on_case is not None and guard.on_case(context) is not None:
        return None
    if nobody_held(rule, state, LATEST_REVISION) is not None:
        return None
    choices: dict[str, tuple[str, ...]] = {}
    party_spec = rule.party_field
    if party_spec is not None:
        on_party = guard.on_party
        parties = tuple(p.party_id for p in state.parties if on_party is None or on_party(context, p) is None)
        if party_spec.required and not parties:
            return None
        choices[party_spec.name] = parties
    handoff = rule.handoff
    if handoff is not None and handoff.to_opening_station:
        if _receiver_refusal(rule, context, _receiver(handoff, state, {})) is not None:
            return None
    agency_spec = rule.agency_field
    if agency_spec is not None:
        on_agency = guard.on_agency
        receives = handoff is not None and handoff.to_field == agency_spec.name
        # an action that may requalify the facts may name the agency competent for any category it may give
        contexts = [context] + [replace(context, fields={"category": c}) for c in _requalifications(rule)]
        codes = tuple(a.code for a in agencies if (not receives or _receiver_refusal(rule, context, a) is None)
                      and (on_agency is None or any(on_agency(c, a) is None for c in contexts)))
        if agency_spec.required and not codes:
            return None
        choices[agency_spec.name] = codes
    return ActionOption(rule.name, choices)
