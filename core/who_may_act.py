"""Who may act on a case: the caller's role for the action, whether their agency has a say in the case now (the
table's `Who`: the owner, the receiver of a hand-off, a competent court, the prison holding a convict, a
supervisor within their scope), and the separation of powers (which supervisor may reassign a case held by which
kind of agency). Refusals name the role or the agency and tell an agency with no say nothing of the case. Pure.
"""

from __future__ import annotations

from core.case import Actor, CaseState
from core.procedure import LATEST_REVISION, ActionRule, RuleRevision, Who
from core.refusal import Refusal, conflict, forbidden
from core.roles import reassign_power
from core.vocabulary import IN_PRISON, STAGE_OWNER_KIND, AgencyKind, Role

#: a case is opened at a police station (open_case: Who.own_station)
OPENING_AGENCY_KIND = AgencyKind.police_station


def _role_for(rule: ActionRule, actor: Actor) -> Role | None:
    return next((Role(r) for r in actor.roles if r in rule.roles), None)


def in_scope(actor: Actor, agency: str | None) -> bool:
    """A supervisor's scope is their agency's subtree (national at the root); a chief's, their own agency."""
    return actor.national or (agency is not None and (agency in actor.scope or agency == actor.agency))


def _agency_may_act(rule: ActionRule, state: CaseState | None, actor: Actor,
                    revision: RuleRevision = LATEST_REVISION) -> bool:
    if rule.who is Who.own_station:
        return actor.agency_kind == OPENING_AGENCY_KIND
    assert state is not None
    if rule.who is Who.scope:
        return in_scope(actor, state.owner_agency)
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


def check_access(rule: ActionRule, state: CaseState | None, actor: Actor,
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
        refusal = supervision_refusal(state, actor)
        if refusal is not None:
            raise refusal
    if state is not None and rule.stages and state.stage not in rule.stages:
        raise conflict("wrong_stage", f"{rule.name} is not allowed in stage {state.stage}",
                       f"الإجراء «{rule.label_ar}» غير مسموح في هذه المرحلة")
    return role


# ---------------------------------------------------------------- separation of powers: who reassigns a case


def holder_kinds(state: CaseState) -> frozenset[AgencyKind]:
    """The kind of agency holding the case: as its hand-off recorded it, else whatever its stage allows."""
    kind = state.agency_kinds.get(state.owner_agency)
    return frozenset({kind}) if kind is not None else STAGE_OWNER_KIND[state.stage]


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


def supervision_refusal(state: CaseState, actor: Actor) -> Refusal | None:
    """The caller's reassigning power must be over the branch holding the case: an executive supervisor never
    takes a case away from the prosecution or a court."""
    kinds = holder_kinds(state)
    if any(reassign_power(actor.roles, kind) is not None for kind in kinds):
        return None
    en, ar = next((_SUPERVISED_BY[k] for k in sorted(kinds) if k in _SUPERVISED_BY),
                  ("nobody reassigns a case held by this agency", "لا يعاد إسناد قضية لدى هذه الجهة"))
    return forbidden("outside_supervision", en, ar)
