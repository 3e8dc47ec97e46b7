"""The guards on the people a case holds: an arrest, a detention and its extensions within their caps, a release
(custody and detention follow the person: a period past is a release due, never restarted), a case that may not
close while it holds someone, and a convict's committal to prison, execution and end of sentence. Named in the
table through core.guards.GUARDS. Pure, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.case import AgencyRef, CaseState, Party
from core.custody import held_parties
from core.fields import parse_instant
from core.guard_context import GuardContext
from core.procedure import ACTIONS_BY_NAME, ActionRule, Close, CloseByVerdicts, Dispose, ExtendDetention, RuleRevision
from core.proceedings import CUSTODY_CLOCKS, final_verdicts
from core.refusal import Refusal, conflict, invalid
from core.sentences import death_unconfirmed
from core.vocabulary import (
    DEFENDANT_ROLES,
    IN_PRISON,
    AgencyKind,
    ClockStatus,
    Custody,
    Outcome,
    SentenceKind,
    Stage,
    VerdictResult,
)

# ---------------------------------------------------------------- arrest and detention


def not_yet_held(context: GuardContext, party: Party) -> Refusal | None:
    if party.custody != Custody.free:
        return conflict("already_held", "this person is already held", "الشخص محتجز بالفعل")
    return None


def arrest_after_report(context: GuardContext) -> Refusal | None:
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


def detained_below_cap(context: GuardContext, party: Party) -> Refusal | None:
    follows_person = context.revision >= RuleRevision.custody_follows_person
    if follows_person and (party.custody == Custody.release_due or (
            party.custody == Custody.detained and not _custody_running(context.state, party))):
        return _release_due()
    if party.custody not in (Custody.detained, Custody.release_due) or (
            party.custody == Custody.release_due and follows_person):
        return conflict("not_detained", "this person is not in pre-trial detention",
                        "هذا الشخص ليس محبوساً احتياطياً")
    clock = extension_clock(context)
    cap = context.state.rules.clock(clock).cap
    if cap and _days_extended(party, clock) >= cap:
        return _cap_reached(cap)
    return None


def extension_within_limits(context: GuardContext) -> Refusal | None:
    clock = extension_clock(context)
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


def extension_clock(context: GuardContext) -> str:
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


def may_be_detained(context: GuardContext, party: Party) -> Refusal | None:
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


def nobody_held(rule: ActionRule, state: CaseState, revision: RuleRevision,
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


# ---------------------------------------------------------------- convicts: prison, execution, end of sentence


def _finally_convicted(context: GuardContext, party: Party) -> Refusal | None:
    verdict = context.state.latest_verdict(party.party_id)
    if verdict is None or verdict.result != VerdictResult.convicted or not verdict.final:
        return conflict("not_convicted", "this person has no final conviction", "لا يوجد حكم بات بالإدانة")
    return None


def executable_conviction(context: GuardContext, party: Party) -> Refusal | None:
    """A final conviction, and (since sentences are data) not a death sentence the Supreme Court has not confirmed."""
    refusal = _finally_convicted(context, party)
    if refusal is not None or context.revision < RuleRevision.sentences_and_prison:
        return refusal
    verdict = context.state.latest_verdict(party.party_id)
    if verdict is not None and death_unconfirmed(verdict):
        return conflict("death_sentence_unconfirmed", "a death sentence is executed only once the Supreme Court has "
                        "confirmed it", "لا تنفذ عقوبة الإعدام إلا بعد إقرارها من المحكمة العليا")
    return None


def nothing_left_to_execute(context: GuardContext) -> Refusal | None:
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


def committable(context: GuardContext, party: Party) -> Refusal | None:
    """A final conviction to imprisonment (or one whose sentence is given in words only), not yet with a prison."""
    refusal = executable_conviction(context, party)
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


def a_prison(context: GuardContext, target: AgencyRef) -> Refusal | None:
    if target.kind != AgencyKind.prison:
        return invalid("to_agency", "a convict is committed to a prison", "يودع المحكوم عليه مؤسسة إصلاح وتأهيل",
                       "not_a_prison")
    return None


def another_prison(context: GuardContext, target: AgencyRef) -> Refusal | None:
    refusal = a_prison(context, target)
    if refusal is None and target.code == context.actor.agency:
        return conflict("same_prison", "the prisoner is already in this prison", "النزيل في هذه المؤسسة بالفعل")
    return refusal


def committed_here(context: GuardContext, party: Party) -> Refusal | None:
    if party.custody != Custody.committed or party.prison != context.actor.agency:
        return conflict("not_committed_here", "no convict of this case is committed to your prison under this name",
                        "هذا الشخص غير مودع بمؤسستكم")
    return None


def imprisoned_here(context: GuardContext, party: Party) -> Refusal | None:
    if party.custody != Custody.imprisoned or party.prison != context.actor.agency:
        return conflict("not_imprisoned_here", "this person is not held in your prison", "هذا الشخص ليس نزيلاً بمؤسستكم")
    return None


def sentence_to_end(context: GuardContext, party: Party) -> Refusal | None:
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


def ended_after_verdict(context: GuardContext) -> Refusal | None:
    verdict = context.state.latest_verdict(context.fields["party_id"])
    if verdict is not None and parse_instant(context.fields["ended_at"], "ended_at") < verdict.at:
        return invalid("ended_at", "a sentence cannot end before the verdict", "لا تنقضي العقوبة قبل صدور الحكم",
                       "ended_before_verdict")
    return None
