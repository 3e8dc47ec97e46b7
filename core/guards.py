"""The guards named in the procedure table (`ActionRule.guard`): each a precondition on the case, on each party an
action names, on the agency it names, or on the values submitted (core.guard_context). `GUARDS` maps the table's
names to them; `decide()` and its dry run `action_options()` (core.transitions) ask them. The guards on the people
a case holds are in core.custody_guards, those on competent courts in core.competence. Pure, no I/O.
"""

from __future__ import annotations

from core.case import AgencyRef, Party
from core.clocks import TRIPOLI
from core.competence import _court, competent_appeal_court, competent_court, competent_trial_court, remand_court
from core.custody_guards import (
    _held,
    a_prison,
    another_prison,
    arrest_after_report,
    committable,
    committed_here,
    detained_below_cap,
    ended_after_verdict,
    executable_conviction,
    extension_within_limits,
    imprisoned_here,
    may_be_detained,
    not_yet_held,
    nothing_left_to_execute,
    sentence_to_end,
)
from core.fields import parse_instant
from core.guard_context import CaseCheck, Guard, GuardContext, PartyCheck
from core.procedure import RuleRevision
from core.proceedings import MERGEABLE_STAGES, accused_at_issue, hearings_in_stage, seized_since, window_open
from core.refusal import Refusal, conflict, forbidden, invalid
from core.roles import reassign_power
from core.vocabulary import DEFENDANT_ROLES, HELD, AgencyKind, Category, Outcome
from core.who_may_act import holder_kinds, in_scope

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
    "arrest_after_report": Guard(on_party=not_yet_held, on_values=arrest_after_report),
    "person_held": Guard(on_party=_held),
    "person_detained_within_cap": Guard(on_party=detained_below_cap, on_values=extension_within_limits),
    "may_be_detained": Guard(on_party=may_be_detained),
    "committable_convict": Guard(on_party=committable, on_agency=a_prison),
    "committed_here": Guard(on_party=committed_here),
    "imprisoned_here": Guard(on_party=imprisoned_here, on_agency=another_prison),
    "sentence_to_end": Guard(on_party=sentence_to_end, on_values=ended_after_verdict),
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
    "convicted_party": Guard(on_party=executable_conviction),
    "nothing_left_to_execute": Guard(on_case=nothing_left_to_execute),
    "reconcilable": Guard(on_case=_reconcilable, on_party=_free_to_dispose),
    "accused_in_proceedings": Guard(on_party=_free_to_dispose),
    "severable": Guard(on_case=_others_remain, on_party=_in_proceedings),
    "merge_target_open": Guard(on_values=_merge_target_open),
    "same_kind_target": Guard(on_agency=_same_kind_target),
    "detention_before_competent_court": Guard(on_party=detained_below_cap, on_agency=competent_court),
    "remand_to_quashed_court": Guard(on_agency=remand_court),
    "identity_to_add": Guard(on_party=_identity_missing, on_values=_identity_added),
}
NO_GUARD = Guard()
