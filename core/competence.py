"""Competent courts: which court may receive a case, a detention request, an appeal or a remand. The data is
in the agency tree (each court's level, region and the court of appeal it names: core.agencies), as the API hands
it to a command (`ActionCommand.courts`); these are the parts of the table's guards that judge it. Pure, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.case import AgencyRef
from core.guard_context import GuardContext
from core.juveniles import JUVENILE_ROUTE, juvenile_accused
from core.procedure import RuleRevision
from core.proceedings import quashed_judgment, window_open
from core.refusal import Refusal, invalid
from core.vocabulary import AgencyKind, Category, CourtLevel


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


def competent_court(context: GuardContext, target: AgencyRef) -> Refusal | None:
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


def competent_trial_court(context: GuardContext, target: AgencyRef) -> Refusal | None:
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


def competent_appeal_court(context: GuardContext, target: AgencyRef) -> Refusal | None:
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


def remand_court(context: GuardContext, target: AgencyRef) -> Refusal | None:
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
