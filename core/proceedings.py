"""Where a case's proceedings stand: the questions about a `CaseState` that the guards, `decide()` and `apply()`
all ask (the hearings of the court holding the case, the verdicts final or at issue, an open challenge window, the
judgment a remand quashes), and the groups of clocks and stages they share. Pure, no I/O.

They stand apart so that the modules that judge an action (core.guards, core.competence, core.transitions) and
the one that folds its event (core.effects) read the case the same way without importing each other.
"""

from __future__ import annotations

from datetime import datetime

from core.case import CaseState, Hearing, Party, Verdict
from core.procedure import ACTIONS, LATEST_REVISION, ExtendDetention, HandOverCustody, Hold, RuleRevision
from core.vocabulary import ClockStatus, Outcome, Stage

#: the clocks that run while a person is held by the case: those the table's custody effects start
CUSTODY_CLOCKS: tuple[str, ...] = tuple(dict.fromkeys(
    [e.clock for rule in ACTIONS for e in rule.effects if isinstance(e, Hold | ExtendDetention | HandOverCustody)]
    + [e.trial_clock for rule in ACTIONS for e in rule.effects if isinstance(e, ExtendDetention) and e.trial_clock]))
CHALLENGE_WINDOWS = ("appeal_window", "objection_window", "cassation_window")
MERGEABLE_STAGES = (Stage.police_inquiry, Stage.prosecution)


# ---------------------------------------------------------------- hearings and verdicts


def seized_since(state: CaseState, court: str) -> datetime | None:
    """When the court got the case this time (its hand-off), if the case knows: a round of hearings starts there."""
    handoff = state.handoff
    return handoff.at if handoff is not None and handoff.to_agency == court else None


def hearings_in_stage(state: CaseState, revision: RuleRevision = LATEST_REVISION) -> list[Hearing]:
    """The hearings of the court holding the case; since legal dates, only those since it got the case this time
    (a retrial after a remand holds a hearing of its own)."""
    court = state.owner_agency
    since = seized_since(state, court) if revision >= RuleRevision.legal_dates else None
    return [h for h in state.hearings if h.court == court and (since is None or h.at >= since)]


def final_verdicts(state: CaseState) -> list[Verdict]:
    latest = [state.latest_verdict(p.party_id) for p in state.accused() if p.outcome in (None, Outcome.convicted,
                                                                                        Outcome.acquitted)]
    return [v for v in latest if v is not None and v.final]


def accused_at_issue(state: CaseState, revision: RuleRevision = LATEST_REVISION) -> list[Party]:
    """The accused this court must rule on. Since per-accused decisions: those still in the case's proceedings
    whose verdict is before it: never judged at this level (a first trial, a retrial after an objection or a
    remand), or judged and challenged (an appeal, a cassation). A co-accused who did not challenge is not
    judged again. Before: every accused whose verdict was not yet final."""
    if revision >= RuleRevision.per_accused:
        return [p for p in state.active_accused()
                if (v := state.latest_verdict(p.party_id)) is None or (v.challenged and not v.final)]
    at_issue = []
    for party in state.accused():
        verdict = state.latest_verdict(party.party_id)
        if verdict is None or not verdict.final:
            at_issue.append(party)
    return at_issue


def window_open(state: CaseState, name: str, party_id: str) -> bool:
    return any(c.name == name and c.subject == party_id and c.status == ClockStatus.open for c in state.clocks)


def quashed_judgment(state: CaseState) -> Verdict | None:
    """The judgment a remand quashes: the latest verdict challenged before the court that holds the case."""
    return next((v for v in reversed(state.verdicts) if v.challenged and not v.final), None)
