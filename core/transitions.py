"""Deciding on the procedure table: pure, deterministic, no I/O.

`decide()` checks a command against a state and returns the event to record, or raises a `Refusal`: the
caller's standing (role, stage, agency, a hand-off in transit), the fields, the kind of agency a hand-off
sends the case to, then the action's named guard. `action_options()` is `decide()` run dry on the case as it
stands: the same checks, for every action, with the parties and agencies its fields may name. The event's fold
into the state is `apply()` (core.effects).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from core.agencies import COURT_KINDS
from core.case import ActionCommand, Actor, ActorRef, AgencyRef, CaseEvent, CaseState, MergeDelivery, Party
from core.clocks import TRIPOLI, RuleBook
from core.custody import custody_to_carry, held_parties
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
from core.juveniles import JUVENILE_ROUTE, juvenile_accused
from core.procedure import (
    ACTIONS,
    ACTIONS_BY_NAME,
    LATEST_REVISION,
    OPEN_CASE,
    ActionRule,
    Challenge,
    Close,
    CloseByVerdicts,
    Dispose,
    EnterStage,
    ExtendDetention,
    FieldKind,
    HandOff,
    HandOverCustody,
    JoinCase,
    Requalify,
    Retrial,
    RuleRevision,
    Sever,
    Who,
)
from core.proceedings import (
    CUSTODY_CLOCKS,
    MERGEABLE_STAGES,
    accused_at_issue,
    final_verdicts,
    hearings_in_stage,
    quashed_judgment,
    seized_since,
    window_open,
)
from core.refusal import Refusal, conflict, forbidden, invalid
from core.roles import reassign_power
from core.sentences import death_unconfirmed
from core.severance import SEVERED_CASE_NAMESPACE, severed_case, severed_file
from core.vocabulary import (
    DEFENDANT_ROLES,
    HELD,
    IN_PRISON,
    STAGE_OWNER_KIND,
    AgencyKind,
    Category,
    ClockStatus,
    CourtLevel,
    Custody,
    Outcome,
    Role,
    Sensitivity,
    SentenceKind,
    Stage,
    SystemEvent,
    VerdictResult,
    label,
)

#: a case is opened at a police station (open_case: Who.own_station)
OPENING_AGENCY_KIND = AgencyKind.police_station


# ---------------------------------------------------------------- who may act


def _role_for(rule: ActionRule, actor: Actor) -> Role | None:
    return next((Role(r) for r in actor.roles if r in rule.roles), None)


def _in_scope(actor: Actor, agency: str | None) -> bool:
    """A supervisor's scope is their agency's subtree (national at the root); a chief's, their own agency."""
    return actor.national or (agency is not None and (agency in actor.scope or agency == actor.agency))


def _agency_may_act(rule: ActionRule, state: CaseState | None, actor: Actor,
                    revision: RuleRevision = LATEST_REVISION) -> bool:
    if rule.who is Who.own_station:
        return actor.agency_kind == OPENING_AGENCY_KIND
    assert state is not None
    if rule.who is Who.scope:
        return _in_scope(actor, state.owner_agency)
    if rule.who is Who.receiver:
        return state.handoff is not None and actor.agency == state.handoff.to_agency
    if rule.who is Who.competent_court:
        if actor.agency_kind != AgencyKind.court:
            return False
        if revision >= RuleRevision.courts_asked:
            # the court holding the case, or one the prosecution asked (request_detention_extension): either
            # has held the case, so what its judge may act on, they may also read (core.access)
            return actor.agency in state.agencies_involved
        return actor.agency == state.owner_agency or (actor.region is not None and actor.region == state.region)
    if rule.who is Who.referring_prosecution:
        return actor.agency == state.referring_prosecution
    if rule.who is Who.holding_prison:
        return actor.agency_kind == AgencyKind.prison and actor.agency in {
            p.prison for p in state.parties if p.custody in IN_PRISON}
    if rule.who is Who.owner_or_referring_prosecution:
        if actor.agency == state.owner_agency:
            return True
        return Role.prosecutor in actor.roles and actor.agency == state.referring_prosecution
    return actor.agency == state.owner_agency


def _check_access(rule: ActionRule, state: CaseState | None, actor: Actor,
                  revision: RuleRevision = LATEST_REVISION) -> Role:
    role = _role_for(rule, actor)
    if role is None:
        raise forbidden("forbidden_role", f"your role may not {rule.label_en.lower()}",
                        f"دورك لا يسمح بإجراء: {rule.label_ar}")
    # the agency before the stage: a refusal to an agency with no say in the case tells it nothing of it
    if not _agency_may_act(rule, state, actor, revision):
        raise forbidden("forbidden_agency", "your agency may not act on this case now",
                        "جهتك لا تملك التصرف في هذه القضية الآن")
    if rule.who is Who.scope and state is not None and revision >= RuleRevision.separation_of_powers:
        refusal = _supervision_refusal(state, actor)
        if refusal is not None:
            raise refusal
    if state is not None and rule.stages and state.stage not in rule.stages:
        raise conflict("wrong_stage", f"{rule.name} is not allowed in stage {state.stage}",
                       f"الإجراء «{rule.label_ar}» غير مسموح في هذه المرحلة")
    return role


@dataclass(frozen=True)
class Standing:
    role: Role
    acknowledges: bool  # the receiver of a file in transit acts on it: that acknowledges the hand-off


def _standing(rule: ActionRule, state: CaseState, actor: Actor, revision: RuleRevision = LATEST_REVISION
              ) -> Standing:
    """May this caller take this action on this case now, whatever they submit? Raises why not."""
    if state.stage == Stage.closed and Stage.closed not in rule.stages:
        raise conflict("case_closed", "the case is closed", "القضية مغلقة")
    role = _check_access(rule, state, actor, revision)
    in_transit = state.handoff is not None and state.handoff.acknowledged_at is None
    receives = in_transit and state.handoff is not None and actor.agency == state.handoff.to_agency
    # while the file is in transit only its receiver acts (the acknowledgement itself, or any action of the
    # owner, which acknowledges it), and a supervisor may still send it elsewhere
    if in_transit and not receives and rule.who not in (Who.receiver, Who.scope):
        raise conflict("handoff_pending", "the file is in transit: the receiving agency must acknowledge it",
                       "الملف قيد الإحالة: يجب على الجهة المستلمة تأكيد الاستلام")
    # a supervision of the case (Who.scope) is no sign that the receiver has the file: it acknowledges nothing
    return Standing(role, acknowledges=receives and rule.who not in (Who.receiver, Who.scope))


# ---------------------------------------------------------------- guards (named in the table)


@dataclass(frozen=True)
class GuardContext:
    """What a guard judges: the case as it stands, the command (the actor, and the agencies and cases its
    fields name, as the API resolved them), the fields as checked (none in a dry run), and the time."""

    state: CaseState
    command: ActionCommand
    now: datetime
    fields: Mapping[str, Any] = field(default_factory=dict)
    #: older only to replay what was accepted under older rules (workflows.case)
    revision: RuleRevision = LATEST_REVISION

    @property
    def actor(self) -> Actor:
        return self.command.actor

    @property
    def enforce_agency_kinds(self) -> bool:
        return self.revision >= RuleRevision.agency_kinds


CaseCheck = Callable[[GuardContext], Refusal | None]
PartyCheck = Callable[[GuardContext, Party], Refusal | None]
AgencyCheck = Callable[[GuardContext, AgencyRef], Refusal | None]


@dataclass(frozen=True)
class Guard:
    """A named rule of the table, in parts that can be asked before anything is submitted.

    `on_case` is a precondition on the case as it stands; `on_party` one on each party the action's party
    field names (the parties it may name are those that pass); `on_agency` one on the agency its agency
    field names (likewise); `on_values` checks the other values submitted, for which a valid value exists
    whenever the other parts pass (the dry run relies on it, tests/core/test_allowed_actions.py checks it).
    """

    on_case: CaseCheck | None = None
    on_party: PartyCheck | None = None
    on_agency: AgencyCheck | None = None
    on_values: CaseCheck | None = None


def _not_yet_held(context: GuardContext, party: Party) -> Refusal | None:
    if party.custody != Custody.free:
        return conflict("already_held", "this person is already held", "الشخص محتجز بالفعل")
    return None


def _arrest_after_report(context: GuardContext) -> Refusal | None:
    if parse_instant(context.fields["arrested_at"], "arrested_at") < context.state.occurred_at:
        return invalid("arrested_at", "an arrest cannot precede the reported events",
                       "لا يمكن أن يسبق القبض تاريخ الواقعة", "arrest_before_report")
    return None


def _held(context: GuardContext, party: Party) -> Refusal | None:
    if party.custody == Custody.free:
        return conflict("not_held", "this person is not held", "هذا الشخص غير محتجز")
    if party.custody in IN_PRISON and context.revision >= RuleRevision.sentences_and_prison:
        return conflict("in_prison", "a prisoner is released by the prison that holds them",
                        "لا يفرج عن النزيل إلا المؤسسة التي تحتجزه")
    return None


def _cap_reached(cap: int) -> Refusal:
    return invalid("days", f"extensions may not exceed {cap} days in all", f"مجموع مدد المد لا يتجاوز {cap} يوماً",
                   "extension_cap_reached")


def _detained_below_cap(context: GuardContext, party: Party) -> Refusal | None:
    follows_person = context.revision >= RuleRevision.custody_follows_person
    if follows_person and (party.custody == Custody.release_due or (
            party.custody == Custody.detained and not _custody_running(context.state, party))):
        return _release_due()
    if party.custody not in (Custody.detained, Custody.release_due) or (
            party.custody == Custody.release_due and follows_person):
        return conflict("not_detained", "this person is not in pre-trial detention",
                        "هذا الشخص ليس محبوساً احتياطياً")
    clock = _extension_clock(context)
    cap = context.state.rules.clock(clock).cap
    if cap and _days_extended(party, clock) >= cap:
        return _cap_reached(cap)
    return None


def _extension_within_limits(context: GuardContext) -> Refusal | None:
    clock = _extension_clock(context)
    rule = context.state.rules.clock(clock)
    days = context.fields["days"]
    if days > rule.length:
        return invalid("days", f"one extension is at most {rule.length} days",
                       f"مدة المد لا تتجاوز {rule.length} يوماً", "extension_too_long")
    party = context.state.party(context.fields["party_id"])
    if rule.cap and party is not None and _days_extended(party, clock) + days > rule.cap:
        return _cap_reached(rule.cap)
    return None


# ---------------------------------------------------------------- custody and detention follow the person


def _release_due() -> Refusal:
    return conflict("release_due", "this person's detention has expired: they must be released, and it can no "
                    "longer be extended", "انتهت مدة حبس هذا الشخص: يجب الإفراج عنه، ولا يجوز مد حبسه بعد انتهائها")


def _custody_running(state: CaseState, party: Party) -> bool:
    """A period still holds this person: one of their custody clocks is open."""
    return any(c.subject == party.party_id and c.name in CUSTODY_CLOCKS and c.status == ClockStatus.open
               for c in state.clocks)


def _extension_clock(context: GuardContext) -> str:
    """Which period an extension adds to: the trial court's own once it holds the case (since custody follows the
    person); during the investigation, the judge's, whose cap counts per person."""
    rule = ACTIONS_BY_NAME["extend_detention"]
    extension = next(e for e in rule.effects if isinstance(e, ExtendDetention))
    if (context.revision >= RuleRevision.custody_follows_person and context.state.stage == Stage.trial
            and extension.trial_clock):
        return extension.trial_clock
    return extension.clock


def _days_extended(party: Party, clock: str) -> int:
    if clock == "judicial_detention":
        return party.detention_days_extended
    return party.days_extended.get(clock, 0)


def _may_be_detained(context: GuardContext, party: Party) -> Refusal | None:
    """A detention order is for a suspect or an accused, and never restarts a detention already running or
    expired (only a judge extends it)."""
    if context.revision < RuleRevision.custody_follows_person:
        return None
    if party.role not in DEFENDANT_ROLES:
        return conflict("not_a_defendant", "only a suspect or an accused can be detained",
                        "لا يحبس احتياطياً إلا المشتبه به أو المتهم")
    if party.custody == Custody.release_due:
        return _release_due()
    if party.custody == Custody.detained:
        return conflict("already_detained", "this person is already detained: only a judge extends a detention",
                        "هذا الشخص محبوس احتياطياً بالفعل: لا يمد الحبس إلا القاضي")
    return None


def closes_case(rule: ActionRule) -> bool:
    """The action ends the case's hold on its people (a merge carries them to the case it joins instead); a
    decision for one accused alone (`Dispose` with its party named) ends it for that accused."""
    return any(isinstance(e, CloseByVerdicts | Dispose) or (isinstance(e, Close) and e.outcome != Outcome.merged)
               for e in rule.effects)


def _disposal(rule: ActionRule) -> Dispose | None:
    return next((e for e in rule.effects if isinstance(e, Dispose)), None)


def _nobody_held(rule: ActionRule, state: CaseState, revision: RuleRevision,
                 fields: Mapping[str, Any] | None = None) -> Refusal | None:
    """A case does not close while someone is held under it, nor do one accused's proceedings end while the case
    holds them: each is released first, and the release recorded. With no `fields` (a dry run), an action that
    may be decided for one accused alone stays open while some accused in the proceedings is free."""
    if revision < RuleRevision.custody_follows_person or not closes_case(rule):
        return None
    held = held_parties(state)
    disposal = _disposal(rule)
    if disposal is not None and revision >= RuleRevision.per_accused:
        if fields is None:
            if any(p not in held for p in state.active_accused()):
                return None
        elif fields.get(disposal.party_field):
            return None  # one accused alone: their guard (_free_to_dispose) asks whether the case holds them
    if not held:
        return None
    names = "، ".join(p.name for p in held)
    return Refusal("person_held", 409, f"the case still holds {len(held)} person(s): record their release first",
                   f"ما زال محتجزاً على ذمة القضية: {names}؛ يجب تسجيل الإفراج أولاً", None,
                   {"held": [p.party_id for p in held]})


def _handoff_pending(context: GuardContext) -> Refusal | None:
    handoff = context.state.handoff
    if handoff is None or handoff.acknowledged_at is not None:
        return conflict("no_pending_handoff", "there is no hand-off to acknowledge", "لا توجد إحالة بانتظار الاستلام")
    return None


def _archived(context: GuardContext) -> Refusal | None:
    if context.state.outcome != Outcome.archived:
        return conflict("not_archived", "only an archived case can be reopened", "لا يعاد فتح إلا القضايا المحفوظة")
    return None


def _has_accused(context: GuardContext) -> Refusal | None:
    if not context.state.accused():
        return conflict("no_accused", "a case goes to court against at least one accused",
                        "لا إحالة إلى المحكمة دون متهم")
    return None


def _hearing_after_seizure(context: GuardContext) -> Refusal | None:
    """A hearing already held may be entered late, never one before the court had the case."""
    since = seized_since(context.state, context.state.owner_agency)
    at = parse_instant(context.fields["hearing_at"], "hearing_at")
    # by the day in Tripoli: a hearing held on the day the case came to the court is the court's
    if at <= context.now and since is not None and at.astimezone(TRIPOLI).date() < since.astimezone(TRIPOLI).date():
        return invalid("hearing_at", "a hearing cannot precede the court's receipt of the case",
                       "لا تسبق الجلسة إحالة القضية إلى المحكمة", "hearing_before_seizure")
    return None


def _hearing_scheduled(context: GuardContext) -> Refusal | None:
    if not hearings_in_stage(context.state, context.revision):
        return conflict("no_hearing", "no hearing is scheduled", "لا توجد جلسة محددة")
    return None


def _hearing_held(context: GuardContext) -> Refusal | None:
    hearings = hearings_in_stage(context.state, context.revision)
    if context.revision < RuleRevision.legal_dates:
        if not hearings or hearings[-1].at > context.now:
            return _no_hearing_held()
        return None
    if not any(h.at <= context.now for h in hearings):
        return _no_hearing_held()
    return None


def _no_hearing_held() -> Refusal:
    return conflict("no_hearing_held", "a verdict needs a hearing of this court that has taken place",
                    "لا يصدر حكم قبل انعقاد جلسة أمام هذه المحكمة")


def _pronounced_at_a_hearing(context: GuardContext) -> Refusal | None:
    """A verdict is pronounced at or after a hearing of the court giving it (and, a past date, entered late)."""
    if context.revision < RuleRevision.legal_dates or "pronounced_at" not in context.fields:
        return None
    pronounced = parse_instant(context.fields["pronounced_at"], "pronounced_at")
    if not any(h.at <= pronounced for h in hearings_in_stage(context.state, context.revision)):
        return invalid("pronounced_at", "a verdict cannot be pronounced before a hearing of this court",
                       "لا ينطق بالحكم قبل انعقاد جلسة أمام المحكمة", "pronounced_before_hearing")
    return None


def _verdict_per_accused() -> Refusal:
    return invalid("verdicts", "give exactly one verdict for each accused at issue",
                   "يجب إصدار حكم لكل متهم في الدعوى", "verdict_per_accused")


def _at_issue(context: GuardContext, party: Party) -> Refusal | None:
    if party.party_id not in {p.party_id for p in accused_at_issue(context.state, context.revision)}:
        return _verdict_per_accused()
    return None


def _every_accused_at_issue(context: GuardContext) -> Refusal | None:
    given = {v["party_id"] for v in context.fields["verdicts"]}
    if given != {p.party_id for p in accused_at_issue(context.state, context.revision)}:
        return _verdict_per_accused()
    return None


def _someone_at_issue(context: GuardContext) -> Refusal | None:
    """Since per-accused decisions, a court rules only on accused before it: once each is judged, nobody is."""
    if context.revision >= RuleRevision.per_accused and not accused_at_issue(context.state, context.revision):
        return conflict("nobody_at_issue", "no accused awaits a verdict of this court",
                        "لا يوجد متهم ينتظر حكماً من هذه المحكمة")
    return None


def _in_proceedings(context: GuardContext, party: Party) -> Refusal | None:
    """A decision for one accused alone: a party who is accused here, whose proceedings were not already ended."""
    if party.role not in DEFENDANT_ROLES:
        return invalid("party_id", "this party is not an accused", "هذا الطرف ليس متهماً", "not_accused")
    if party.outcome is not None:
        return conflict("accused_disposed", "the proceedings against this accused have already ended here",
                        "انتهت الدعوى بالنسبة لهذا المتهم في هذه القضية")
    return None


def _free_to_dispose(context: GuardContext, party: Party) -> Refusal | None:
    """A decision that ends one accused's proceedings: an accused still in them, whom the case no longer holds
    (since custody follows the person, their release is recorded first, as for a whole case's closing)."""
    refusal = _in_proceedings(context, party)
    if refusal is not None or context.revision < RuleRevision.custody_follows_person:
        return refusal
    if party.custody in HELD:
        return Refusal("person_held", 409, "the case still holds this person: record their release first",
                       f"ما زال {party.name} محتجزاً على ذمة القضية؛ يجب تسجيل الإفراج أولاً", "party_id",
                       {"held": [party.party_id]})
    return None


def _others_remain(context: GuardContext) -> Refusal | None:
    """A severance leaves at least one accused in the case: severing the last one would only renumber it."""
    if len(context.state.active_accused()) < 2:
        return conflict("last_accused", "the case has no other accused to sever from",
                        "لا يوجد في القضية متهم آخر يفصل عنه")
    return None


def _unserved_in_absentia(context: GuardContext, party: Party) -> Refusal | None:
    verdict = context.state.latest_verdict(party.party_id)
    if verdict is None or not verdict.in_absentia or verdict.served_at is not None:
        return conflict("nothing_to_serve", "no unserved in-absentia verdict for this person",
                        "لا يوجد حكم غيابي غير معلن لهذا الشخص")
    return None


def _served_after_verdict(context: GuardContext) -> Refusal | None:
    verdict = context.state.latest_verdict(context.fields["party_id"])
    if verdict is not None and parse_instant(context.fields["served_at"], "served_at") < verdict.at:
        return invalid("served_at", "service cannot precede the verdict", "لا يسبق الإعلان صدور الحكم",
                       "served_before_verdict")
    return None


def _window(name: str, en: str, ar: str) -> PartyCheck:
    def check(context: GuardContext, party: Party) -> Refusal | None:
        if not window_open(context.state, name, party.party_id):
            return conflict(f"{name}_closed", en, ar)
        return None

    return check


def _finally_convicted(context: GuardContext, party: Party) -> Refusal | None:
    verdict = context.state.latest_verdict(party.party_id)
    if verdict is None or verdict.result != VerdictResult.convicted or not verdict.final:
        return conflict("not_convicted", "this person has no final conviction", "لا يوجد حكم بات بالإدانة")
    return None


def _executable_conviction(context: GuardContext, party: Party) -> Refusal | None:
    """A final conviction, and (since sentences are data) not a death sentence the Supreme Court has not confirmed."""
    refusal = _finally_convicted(context, party)
    if refusal is not None or context.revision < RuleRevision.sentences_and_prison:
        return refusal
    verdict = context.state.latest_verdict(party.party_id)
    if verdict is not None and death_unconfirmed(verdict):
        return conflict("death_sentence_unconfirmed", "a death sentence is executed only once the Supreme Court has "
                        "confirmed it", "لا تنفذ عقوبة الإعدام إلا بعد إقرارها من المحكمة العليا")
    return None


def _nothing_left_to_execute(context: GuardContext) -> Refusal | None:
    state = context.state
    if state.stage == Stage.final and any(v.result == VerdictResult.convicted for v in final_verdicts(state)):
        return conflict("execution_pending", "record the execution of the sentences first",
                        "يجب تسجيل تنفيذ الأحكام أولاً")
    if context.revision >= RuleRevision.sentences_and_prison:
        # execution is per convict: the case waits for every one of them, not the first
        pending = [v.party_id for v in final_verdicts(state) if v.result == VerdictResult.convicted
                   and v.executed_at is None and v.sentence_ended_at is None]
        if pending:
            return Refusal("execution_pending", 409, "record the execution of every convict's sentence first",
                           "يجب تسجيل تنفيذ العقوبة على كل محكوم عليه أولاً", None, {"pending": pending})
    return None


# ---------------------------------------------------------------- the prison


def _committable(context: GuardContext, party: Party) -> Refusal | None:
    """A final conviction to imprisonment (or one whose sentence is given in words only), not yet with a prison."""
    refusal = _executable_conviction(context, party)
    if refusal is not None:
        return refusal
    verdict = context.state.latest_verdict(party.party_id)
    assert verdict is not None
    if party.custody in IN_PRISON:
        return conflict("already_committed", "this convict is already committed to a prison",
                        "المحكوم عليه مودع بإحدى المؤسسات بالفعل")
    if verdict.sentence_ended_at is not None:
        return conflict("sentence_ended", "this sentence has ended", "انقضت هذه العقوبة")
    if verdict.penalty and verdict.penalty.get("kind") != SentenceKind.imprisonment:
        return conflict("no_custodial_sentence", "this sentence imprisons nobody",
                        "العقوبة المحكوم بها ليست سالبة للحرية")
    return None


def _a_prison(context: GuardContext, target: AgencyRef) -> Refusal | None:
    if target.kind != AgencyKind.prison:
        return invalid("to_agency", "a convict is committed to a prison", "يودع المحكوم عليه مؤسسة إصلاح وتأهيل",
                       "not_a_prison")
    return None


def _another_prison(context: GuardContext, target: AgencyRef) -> Refusal | None:
    refusal = _a_prison(context, target)
    if refusal is None and target.code == context.actor.agency:
        return conflict("same_prison", "the prisoner is already in this prison", "النزيل في هذه المؤسسة بالفعل")
    return refusal


def _committed_here(context: GuardContext, party: Party) -> Refusal | None:
    if party.custody != Custody.committed or party.prison != context.actor.agency:
        return conflict("not_committed_here", "no convict of this case is committed to your prison under this name",
                        "هذا الشخص غير مودع بمؤسستكم")
    return None


def _imprisoned_here(context: GuardContext, party: Party) -> Refusal | None:
    if party.custody != Custody.imprisoned or party.prison != context.actor.agency:
        return conflict("not_imprisoned_here", "this person is not held in your prison", "هذا الشخص ليس نزيلاً بمؤسستكم")
    return None


def _sentence_to_end(context: GuardContext, party: Party) -> Refusal | None:
    """The prosecution records the end of a sentence served outside a prison (a fine paid, a suspension run) or
    prescribed; a prisoner's is recorded by their prison when it releases them."""
    refusal = _finally_convicted(context, party)
    if refusal is not None:
        return refusal
    if party.custody in IN_PRISON:
        return conflict("in_prison", "a prisoner is released by the prison that holds them",
                        "لا يفرج عن النزيل إلا المؤسسة التي تحتجزه")
    verdict = context.state.latest_verdict(party.party_id)
    if verdict is not None and verdict.sentence_ended_at is not None:
        return conflict("sentence_ended", "this sentence has ended", "انقضت هذه العقوبة")
    return None


def _ended_after_verdict(context: GuardContext) -> Refusal | None:
    verdict = context.state.latest_verdict(context.fields["party_id"])
    if verdict is not None and parse_instant(context.fields["ended_at"], "ended_at") < verdict.at:
        return invalid("ended_at", "a sentence cannot end before the verdict", "لا تنقضي العقوبة قبل صدور الحكم",
                       "ended_before_verdict")
    return None


def _reconcilable(context: GuardContext) -> Refusal | None:
    if context.state.category == Category.felony:
        return conflict("not_reconcilable", "a felony cannot be settled by reconciliation",
                        "لا يجوز الصلح في الجنايات")
    return None


def _merge_target_open(context: GuardContext) -> Refusal | None:
    target = context.command.cases.get("target_case_id")
    if target is None or target.stage not in MERGEABLE_STAGES:
        return conflict("merge_target_not_open", "a case can only be joined to a case in inquiry or prosecution",
                        "لا يضم ملف إلا إلى قضية في مرحلة الاستدلال أو التحقيق")
    return None


def holder_kinds(state: CaseState) -> frozenset[AgencyKind]:
    """The kind of agency holding the case: as its hand-off recorded it, else whatever its stage allows."""
    kind = state.agency_kinds.get(state.owner_agency)
    return frozenset({kind}) if kind is not None else STAGE_OWNER_KIND[state.stage]


# ---------------------------------------------------------------- competent courts (data in the agency tree)


def _court(context: GuardContext, code: str | None) -> AgencyRef | None:
    """A court as the command's agency tree knows it (ActionCommand.courts)."""
    return next((c for c in context.command.courts if c.code == code), None)


def not_competent(en: str, ar: str, competent: Iterable[AgencyRef], field: str = "to_agency") -> Refusal:
    """422 not_competent_court, naming the competent courts in both languages (and by code, for a client)."""
    courts = sorted(competent, key=lambda c: c.code)
    names_en = ", ".join(c.name("en") for c in courts) or "no court in the agency tree"
    names_ar = "، ".join(c.name("ar") for c in courts) or "لا توجد محكمة مختصة في شجرة الجهات"
    return Refusal("not_competent_court", 422, f"{en}: {names_en}", f"{ar}: {names_ar}", field,
                   {"competent": [c.code for c in courts]})


def _of_region(context: GuardContext, court: AgencyRef) -> bool:
    region = context.state.region
    return region is None or court.region is None or court.region == region


def _competent_court(context: GuardContext, target: AgencyRef) -> Refusal | None:
    """A detention is put before a court of the case's region (DOMAIN.md: the court competent for it); since
    competent courts are data, a first-instance court's judge (CCP Art. 176: the summary judge)."""
    if context.revision < RuleRevision.competent_courts:
        if target.kind != AgencyKind.court or target.region != context.state.region:
            return invalid("to_agency", "ask a court of the case's region", "يقدم الطلب إلى محكمة من دائرة القضية",
                           "not_competent_court")
        return None
    competent = [c for c in context.command.courts if c.level == CourtLevel.first_instance and _of_region(context, c)]
    fits = target.kind == AgencyKind.court and target.level in (CourtLevel.first_instance, None)
    if not fits or target.region != context.state.region:
        return not_competent("a detention is extended by a first-instance court of the case's region",
                             "يعرض أمر مد الحبس على المحكمة الابتدائية المختصة بدائرة القضية", competent)
    return None


def trial_level(category: Category, juvenile: bool = False) -> CourtLevel:
    """Which court tries an offence of this category: felonies the felony chamber, the rest a first-instance court;
    since the juvenile route, a case with a juvenile accused the juvenile court (core.juveniles.JUVENILE_ROUTE)."""
    if juvenile:
        return JUVENILE_ROUTE.court_level
    return CourtLevel.felony_chamber if category == Category.felony else CourtLevel.first_instance


def _competent_trial_court(context: GuardContext, target: AgencyRef) -> Refusal | None:
    """A case goes to the court of its region that tries its category (the category as the referral states it)."""
    if context.revision < RuleRevision.competent_courts or target.level is None:
        return None  # a court whose level the agency tree does not give is judged as before: by its kind
    category = Category(context.fields.get("category") or context.state.category)
    juvenile = context.revision >= RuleRevision.juvenile_route and bool(
        juvenile_accused(context.state.parties, context.state.occurred_at))
    level = trial_level(category, juvenile)
    competent = [c for c in context.command.courts if c.level == level and _of_region(context, c)]
    if target.level != level or not _of_region(context, target):
        if juvenile:
            return not_competent("an accused under 18 at the offence is tried by the juvenile court of the case's "
                                 "region", "يحاكم المتهم الذي لم يبلغ 18 سنة وقت الجريمة أمام محكمة الأحداث المختصة "
                                 "بدائرة القضية", competent)
        if level == CourtLevel.felony_chamber:
            return not_competent("a felony is tried by the felony chamber of the case's region",
                                 "تنظر الجناية دائرة الجنايات المختصة بدائرة القضية", competent)
        return not_competent("a misdemeanour or a contravention is tried by a first-instance court of the case's "
                             "region", "تنظر الجنحة والمخالفة المحكمة الابتدائية المختصة بدائرة القضية", competent)
    return None


def _appellants(context: GuardContext) -> list[str]:
    """The accused an appeal is for: the one named, or in a dry run each whose appeal window is open."""
    if "party_id" in context.fields:
        return [context.fields["party_id"]]
    return [p.party_id for p in context.state.parties if window_open(context.state, "appeal_window", p.party_id)]


def _competent_appeal_court(context: GuardContext, target: AgencyRef) -> Refusal | None:
    """An appeal goes to the court of appeal that the court whose judgment is appealed names (its `appeals_to`);
    for a court that names none, to a court of appeal."""
    if context.revision < RuleRevision.competent_courts:
        return None
    named: set[str] = set()
    judging: list[AgencyRef] = []
    for party_id in _appellants(context):
        verdict = context.state.latest_verdict(party_id)
        court = _court(context, verdict.court) if verdict is not None else None
        if court is not None:
            judging.append(court)
            if court.appeals_to:
                named.add(court.appeals_to)
    if named:
        if target.code in named:
            return None
        competent = [c for c in context.command.courts if c.code in named]
    else:
        if target.level in (CourtLevel.appeal, None):
            return None
        competent = [c for c in context.command.courts if c.level == CourtLevel.appeal]
    judged_by = "، ".join(c.name("ar") for c in judging)
    return not_competent(f"an appeal from {', '.join(c.name('en') for c in judging) or 'this judgment'} is heard by",
                         f"يستأنف حكم {judged_by or 'هذه المحكمة'} أمام", competent)


def _remand_court(context: GuardContext, target: AgencyRef) -> Refusal | None:
    """A remand returns the case to the court whose judgment is quashed, or to another court of its level."""
    if context.revision < RuleRevision.remand_to_quashed_court:
        return None
    quashed = quashed_judgment(context.state)
    if quashed is None or target.code == quashed.court:
        return None
    judged_by = _court(context, quashed.court)
    level = judged_by.level if judged_by is not None else context.state.court_levels.get(quashed.court)
    if level is not None and target.level == level:
        return None
    if level is None and judged_by is None:
        return None  # a court the tree does not know: judged by its kind, as before
    competent = [c for c in context.command.courts if c.code == quashed.court or (level and c.level == level)]
    return not_competent("a remand returns the case to the court whose judgment is quashed, or to a court of its "
                         "level", "تعاد القضية إلى المحكمة التي نقض حكمها أو إلى محكمة من درجتها", competent)


#: who reassigns a case held by each kind of agency (DOMAIN.md, Additions: separation of powers)
_SUPERVISED_BY: dict[AgencyKind, tuple[str, str]] = {
    AgencyKind.police_station: ("a police station's case is reassigned by the Ministry of Interior's supervisors",
                                "يعيد إسناد قضايا مراكز الشرطة مشرفو وزارة الداخلية"),
    AgencyKind.prosecution_office: ("a case the prosecution holds is reassigned only within the prosecution's "
                                    "hierarchy (the Attorney General's office)",
                                    "لا يعاد إسناد قضية لدى النيابة العامة إلا من داخل تسلسلها (مكتب النائب العام)"),
    AgencyKind.court: ("a case a court holds is reassigned only by that court's president",
                       "لا يعيد إسناد قضية لدى المحكمة إلا رئيسها"),
}


def _supervision_refusal(state: CaseState, actor: Actor) -> Refusal | None:
    """The caller's reassigning power must be over the branch holding the case: an executive supervisor never
    takes a case away from the prosecution or a court."""
    kinds = holder_kinds(state)
    if any(reassign_power(actor.roles, kind) is not None for kind in kinds):
        return None
    en, ar = next((_SUPERVISED_BY[k] for k in sorted(kinds) if k in _SUPERVISED_BY),
                  ("nobody reassigns a case held by this agency", "لا يعاد إسناد قضية لدى هذه الجهة"))
    return forbidden("outside_supervision", en, ar)


def _same_kind_target(context: GuardContext, target: AgencyRef) -> Refusal | None:
    """DOMAIN.md (Additions): a supervisor moves a case within their scope, and never to another kind of
    agency than the one holding it; a court's president sends a case their court holds to another court."""
    power = next((p for kind in sorted(holder_kinds(context.state))
                  if (p := reassign_power(context.actor.roles, kind)) is not None), None)
    within_scope = power is None or power.within_scope or context.revision < RuleRevision.separation_of_powers
    if within_scope and not _in_scope(context.actor, target.code):
        return forbidden("target_out_of_scope", "the new agency is outside your scope", "الجهة الجديدة خارج نطاقك")
    if target.code == context.state.owner_agency:
        return conflict("same_agency", "the case is already with that agency", "القضية لدى هذه الجهة بالفعل")
    if context.enforce_agency_kinds and target.kind not in holder_kinds(context.state):
        return invalid("to_agency", "a reassignment keeps the case with the same kind of agency",
                       "لا تغير إعادة الإسناد نوع الجهة التي تحوز القضية", "agency_kind_changes")
    if context.revision >= RuleRevision.competent_courts and target.kind == AgencyKind.court:
        holder = context.state.court_levels.get(context.state.owner_agency) or getattr(
            _court(context, context.state.owner_agency), "level", None)
        if holder is not None and target.level is not None and target.level != holder:
            return invalid("to_agency", "a court's case goes to another court of the same level",
                           "لا تحال القضية إلا إلى محكمة من درجة المحكمة التي تحوزها", "court_level_changes")
    return None


def _all_of(*checks: CaseCheck) -> CaseCheck:
    """One check of several, the first refusal winning."""
    def check(context: GuardContext) -> Refusal | None:
        return next((r for c in checks if (r := c(context)) is not None), None)
    return check


def _identity_missing(context: GuardContext, party: Party) -> Refusal | None:
    if party.national_id and party.passport_number:
        return conflict("already_identified", "this party already carries a national ID and a passport",
                        "هذا الطرف مثبت الهوية بالرقم الوطني وجواز السفر")
    return None


def _identity_added(context: GuardContext) -> Refusal | None:
    """identify_party adds what is missing: at least one identifier, none replacing one the party carries
    (a correction is not an identification), none carried by another party of the case (one person, one
    party)."""
    fields = context.fields
    party = context.state.party(fields["party_id"])
    assert party is not None
    if not fields.get("national_id") and not fields.get("passport_number"):
        return invalid("national_id", "give a national ID, or a passport number with its nationality",
                       "أدخل الرقم الوطني، أو رقم جواز السفر مع الجنسية", "identifier_required")
    for name, held in (("national_id", party.national_id), ("passport_number", party.passport_number)):
        given = fields.get(name)
        if given and held and given != held:
            return Refusal("already_identified", 409,
                           f"this party already carries another {name.replace('_', ' ')}",
                           "يحمل هذا الطرف رقماً آخر من قبل", name)
    for other in context.state.parties:
        if other.party_id == party.party_id:
            continue
        if (fields.get("national_id") and other.national_id == fields["national_id"]) or (
                fields.get("passport_number") and other.passport_number == fields["passport_number"]
                and other.nationality == fields.get("nationality")):
            return Refusal("identity_in_case", 409, f"{other.party_id} of this case already carries this identifier",
                           "يحمل طرف آخر في القضية هذا الرقم",
                           "national_id" if fields.get("national_id") else "passport_number")
    return None


GUARDS: dict[str, Guard] = {
    "arrest_after_report": Guard(on_party=_not_yet_held, on_values=_arrest_after_report),
    "person_held": Guard(on_party=_held),
    "person_detained_within_cap": Guard(on_party=_detained_below_cap, on_values=_extension_within_limits),
    "may_be_detained": Guard(on_party=_may_be_detained),
    "committable_convict": Guard(on_party=_committable, on_agency=_a_prison),
    "committed_here": Guard(on_party=_committed_here),
    "imprisoned_here": Guard(on_party=_imprisoned_here, on_agency=_another_prison),
    "sentence_to_end": Guard(on_party=_sentence_to_end, on_values=_ended_after_verdict),
    "handoff_pending": Guard(on_case=_handoff_pending),
    "archived": Guard(on_case=_archived),
    "has_accused": Guard(on_case=_has_accused, on_agency=_competent_trial_court),
    "hearing_scheduled": Guard(on_case=_hearing_scheduled),
    "hearing_held": Guard(on_case=_all_of(_hearing_held, _someone_at_issue), on_party=_at_issue,
                          on_values=_all_of(_every_accused_at_issue, _pronounced_at_a_hearing)),
    "hearing_while_seized": Guard(on_values=_hearing_after_seizure),
    "verdict_in_absentia_unserved": Guard(on_party=_unserved_in_absentia, on_values=_served_after_verdict),
    "objection_window_open": Guard(on_party=_window("objection_window", "the objection window is closed",
                                                    "انقضى ميعاد المعارضة")),
    "appeal_window_open": Guard(on_party=_window("appeal_window", "the appeal window is closed",
                                                 "انقضى ميعاد الاستئناف"), on_agency=_competent_appeal_court),
    "cassation_window_open": Guard(on_party=_window("cassation_window", "the cassation window is closed",
                                                    "انقضى ميعاد الطعن بالنقض")),
    "convicted_party": Guard(on_party=_executable_conviction),
    "nothing_left_to_execute": Guard(on_case=_nothing_left_to_execute),
    "reconcilable": Guard(on_case=_reconcilable, on_party=_free_to_dispose),
    "accused_in_proceedings": Guard(on_party=_free_to_dispose),
    "severable": Guard(on_case=_others_remain, on_party=_in_proceedings),
    "merge_target_open": Guard(on_values=_merge_target_open),
    "same_kind_target": Guard(on_agency=_same_kind_target),
    "detention_before_competent_court": Guard(on_party=_detained_below_cap, on_agency=_competent_court),
    "remand_to_quashed_court": Guard(on_agency=_remand_court),
    "identity_to_add": Guard(on_party=_identity_missing, on_values=_identity_added),
}
NO_GUARD = Guard()


def _guard(rule: ActionRule) -> Guard:
    return GUARDS[rule.guard] if rule.guard else NO_GUARD


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
    refusal = _nobody_held(rule, state, revision, fields)
    if refusal is not None:
        raise refusal
    if revision >= RuleRevision.per_accused:
        _decide_per_accused(rule, context, fields)
    if revision >= RuleRevision.custody_follows_person:
        _decide_custody(rule, context, fields)
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
            fields[effect.clock_field] = _extension_clock(context)
        elif isinstance(effect, JoinCase):
            carried = {p.party_id: custody_to_carry(state, p.party_id, CUSTODY_CLOCKS) for p in held_parties(state)}
            fields[CUSTODY_CARRIED_FIELD] = {k: v for k, v in carried.items() if v is not None}


def decide_open(command: ActionCommand, now: datetime) -> CaseEvent:
    role = _check_access(OPEN_CASE, None, command.actor)
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
    if _nobody_held(rule, state, LATEST_REVISION) is not None:
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


# ---------------------------------------------------------------- applying


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
