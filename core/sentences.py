"""Sentences as data (issue 13, Deliver 4), pure: from a final conviction's sentence (its kind, term and fine,
beside the judge's wording) and the time the case held the person, the credit for custody and detention, the
expected release date, whether the person is held past their sentence, and whether a death sentence still awaits
the Supreme Court's confirmation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.case import CaseState, Party, Verdict
from core.clocks import TRIPOLI
from core.records import add_months
from core.vocabulary import HELD, SentenceKind, Stage, VerdictResult

DAY_SECONDS = 86_400


@dataclass(frozen=True)
class SentenceFacts:
    """What the system computes for one convict's sentence at one instant."""

    party_id: str
    kind: SentenceKind | None  # None: the verdict gives the judge's wording only
    #: custody and detention spent under the case before the execution began, each day begun counting
    credited_days: int
    #: the day the term ends, credit deducted: from the start of its execution (None: not executing, or no term)
    expected_release: date | None
    #: held under the case past the sentence: acquitted, a sentence without imprisonment, or a term the credit
    #: already covers; or still held past the expected release of a term being served
    over_detention: bool
    #: a death sentence is executed only once the Supreme Court has confirmed it (its judgment is the last)
    awaits_confirmation: bool


def held_seconds(party: Party, now: datetime) -> float:
    """The time the case has held this person, up to `now`."""
    running = (now - party.held_since).total_seconds() if party.held_since is not None else 0.0
    return party.held_seconds + max(running, 0.0)


def credited_days(party: Party, now: datetime) -> int:
    return _days(held_seconds(party, now))


def _days(seconds: float) -> int:
    """Whole days, each day begun counting."""
    return math.ceil(seconds / DAY_SECONDS - 1e-9)


def term_end(start: datetime, penalty: dict[str, object]) -> datetime:
    """`start` plus the sentence's term: years and months by the calendar, then days."""
    months = 12 * int(penalty.get("years") or 0) + int(penalty.get("months") or 0)  # type: ignore[call-overload]
    return add_months(start, months) + timedelta(days=int(penalty.get("days") or 0))  # type: ignore[call-overload]


#: the sentences that imprison nobody: a judgment giving one (or an acquittal) frees an accused held under the case
NON_CUSTODIAL: frozenset[SentenceKind] = frozenset(
    {SentenceKind.fine, SentenceKind.suspended, SentenceKind.community_service, SentenceKind.confiscation})


def frees_the_accused(verdict: dict[str, object]) -> bool:
    """A verdict as the court enters it (`record_verdict`'s item) that leaves no ground to hold the accused: an
    acquittal, or a conviction whose sentence, as data, imprisons nobody. A conviction in words only is not
    read: the prosecution releases such a person itself."""
    if verdict.get("result") == VerdictResult.acquitted:
        return True
    penalty = verdict.get("penalty")
    return (verdict.get("result") == VerdictResult.convicted and isinstance(penalty, dict)
            and penalty.get("kind") in NON_CUSTODIAL)


def release_instant(verdict: Verdict) -> datetime | None:
    """When a prison term being executed ends: from the start of its execution, the term less the custody and
    detention credited (each day begun counting). None: not a term of imprisonment, or not being executed."""
    penalty = verdict.penalty
    if not penalty or penalty.get("kind") != SentenceKind.imprisonment or verdict.executed_at is None:
        return None
    return term_end(verdict.executed_at, penalty) - timedelta(days=_days(verdict.credit_seconds or 0.0))


def death_unconfirmed(verdict: Verdict) -> bool:
    """A death sentence not given or confirmed by the Supreme Court (a cassation judgment)."""
    penalty = verdict.penalty or {}
    return (verdict.result == VerdictResult.convicted and penalty.get("kind") == SentenceKind.death
            and verdict.level != Stage.cassation)


def sentence_facts(state: CaseState, party_id: str, now: datetime) -> SentenceFacts | None:
    """The computed facts of this person's latest verdict, if it is a conviction (or an acquittal while held)."""
    party = state.party(party_id)
    verdict = state.latest_verdict(party_id)
    if party is None or verdict is None:
        return None
    held = party.custody in HELD
    # the credit is the time held before the execution began (all of it, while the sentence is not executing)
    credit = credited_days(party, now) if verdict.credit_seconds is None else _days(verdict.credit_seconds)
    if verdict.result == VerdictResult.acquitted:
        if not held:
            return None
        return SentenceFacts(party_id, None, credit, None, over_detention=verdict.final, awaits_confirmation=False)
    penalty = verdict.penalty
    if not penalty:
        return SentenceFacts(party_id, None, credit, None, False, False)
    kind = SentenceKind(str(penalty["kind"]))
    custodial = kind == SentenceKind.imprisonment
    expected: date | None = None
    over = False
    end = release_instant(verdict)
    if end is not None:
        expected = end.astimezone(TRIPOLI).date()
        over = end <= now and held and verdict.sentence_ended_at is None
    elif held and verdict.final:
        # still held before execution: past the sentence when it imprisons nobody, or when the credit covers it
        over = not custodial or term_end(now - timedelta(days=credit), penalty) <= now
    return SentenceFacts(party_id, kind, credit, expected, over, death_unconfirmed(verdict))


def case_sentences(state: CaseState, now: datetime) -> list[SentenceFacts]:
    found = [sentence_facts(state, p.party_id, now) for p in state.accused()]
    return [f for f in found if f is not None]

