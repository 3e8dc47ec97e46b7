"""The guards named in the procedure table (`ActionRule.guard`): each a precondition on the case, on each party an
action names, on the agency it names, or on the values submitted (core.guard_context). `GUARDS` maps the table's
names to them; `decide()` and its dry run `action_options()` (core.transitions) ask them. Pure, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.case import AgencyRef, CaseState, Party
from core.clocks import TRIPOLI
from core.competence import _court, competent_appeal_court, competent_court, competent_trial_court, remand_court
from core.custody import held_parties
from core.fields import parse_instant
from core.guard_context import CaseCheck, Guard, GuardContext, PartyCheck
from core.procedure import ACTIONS_BY_NAME, ActionRule, Close, CloseByVerdicts, Dispose, ExtendDetention, RuleRevision
from core.proceedings import (
    CUSTODY_CLOCKS,
    MERGEABLE_STAGES,
    accused_at_issue,
    final_verdicts,
    hearings_in_stage,
    seized_since,
    window_open,
)
from core.refusal import Refusal, conflict, forbidden, invalid
from core.roles import reassign_power
from core.sentences import death_unconfirmed
from core.vocabulary import (
    DEFENDANT_ROLES,
    HELD,
    IN_PRISON,
    AgencyKind,
    Category,
    ClockStatus,
    Custody,
    Outcome,
    SentenceKind,
    Stage,
    VerdictResult,
)
from core.who_may_act import holder_kinds, in_scope

# ---------------------------------------------------------------- arrest and detention


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
    clock = extension_clock(context)
    cap = context.state.rules.clock(clock).cap
    if cap and _days_extended(party, clock) >= cap:
        return _cap_reached(cap)
    return None


def _extension_within_limits(context: GuardContext) -> Refusal | None:
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


# ---------------------------------------------------------------- the case and its proceedings


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


# ---------------------------------------------------------------- convicts: prison, execution, end of sentence


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


# ---------------------------------------------------------------- separation of powers: where a case is reassigned


def _same_kind_target(context: GuardContext, target: AgencyRef) -> Refusal | None:
    """DOMAIN.md (Additions): a supervisor moves a case within their scope, and never to another kind of
    agency than the one holding it; a court's president sends a case their court holds to another court."""
    power = next((p for kind in sorted(holder_kinds(context.state))
                  if (p := reassign_power(context.actor.roles, kind)) is not None), None)
    within_scope = power is None or power.within_scope or context.revision < RuleRevision.separation_of_powers
    if within_scope and not in_scope(context.actor, target.code):
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


# ---------------------------------------------------------------- identity


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


# ---------------------------------------------------------------- the table's guards by name


def _all_of(*checks: CaseCheck) -> CaseCheck:
    """One check of several, the first refusal winning."""
    def check(context: GuardContext) -> Refusal | None:
        return next((r for c in checks if (r := c(context)) is not None), None)
    return check


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
    "has_accused": Guard(on_case=_has_accused, on_agency=competent_trial_court),
    "hearing_scheduled": Guard(on_case=_hearing_scheduled),
    "hearing_held": Guard(on_case=_all_of(_hearing_held, _someone_at_issue), on_party=_at_issue,
                          on_values=_all_of(_every_accused_at_issue, _pronounced_at_a_hearing)),
    "hearing_while_seized": Guard(on_values=_hearing_after_seizure),
    "verdict_in_absentia_unserved": Guard(on_party=_unserved_in_absentia, on_values=_served_after_verdict),
    "objection_window_open": Guard(on_party=_window("objection_window", "the objection window is closed",
                                                    "انقضى ميعاد المعارضة")),
    "appeal_window_open": Guard(on_party=_window("appeal_window", "the appeal window is closed",
                                                 "انقضى ميعاد الاستئناف"), on_agency=competent_appeal_court),
    "cassation_window_open": Guard(on_party=_window("cassation_window", "the cassation window is closed",
                                                    "انقضى ميعاد الطعن بالنقض")),
    "convicted_party": Guard(on_party=_executable_conviction),
    "nothing_left_to_execute": Guard(on_case=_nothing_left_to_execute),
    "reconcilable": Guard(on_case=_reconcilable, on_party=_free_to_dispose),
    "accused_in_proceedings": Guard(on_party=_free_to_dispose),
    "severable": Guard(on_case=_others_remain, on_party=_in_proceedings),
    "merge_target_open": Guard(on_values=_merge_target_open),
    "same_kind_target": Guard(on_agency=_same_kind_target),
    "detention_before_competent_court": Guard(on_party=_detained_below_cap, on_agency=competent_court),
    "remand_to_quashed_court": Guard(on_agency=remand_court),
    "identity_to_add": Guard(on_party=_identity_missing, on_values=_identity_added),
}
NO_GUARD = Guard()
