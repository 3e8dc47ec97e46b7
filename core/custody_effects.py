"""Applying what an event does to the people a case holds: an arrest or a detention (the custody clock that starts
with it), a release, an extension (its period replacing the one running), custody handed over with the file, a
convict's committal to a prison, admission, execution and end of sentence, and the time held that counts towards
the sentence (core.sentences). Called by `apply_effect()` (core.effects). Pure, no I/O.
"""

from __future__ import annotations

from datetime import datetime

from core.case import CaseEvent, CaseState, Party
from core.case_clocks import start_clock, stop_clocks
from core.fields import parse_instant
from core.procedure import CommitToPrison, EndSentence, ExtendDetention, HandOverCustody, Hold
from core.proceedings import CUSTODY_CLOCKS
from core.sentences import held_seconds, release_instant
from core.vocabulary import IN_PRISON, ClockStatus, Custody

#: a prisoner's term as a clock (RuleRevision.sentence_term): an admission decided since says so in the log, and
#: its fold starts the clock; an admission logged before starts none, as it did not
SENTENCE_TERM_CLOCK = "sentence_term"
SENTENCE_TERM_FIELD = "sentence_term"
#: the accused a verdict frees (RuleRevision.released_by_judgment): held under the case, acquitted or sentenced to
#: no imprisonment; decided with the verdict, so that its fold releases them as it was decided
RELEASED_FIELD = "released"


def hold(state: CaseState, event: CaseEvent, hold: Hold) -> None:
    subject = event.fields[hold.party_field]
    since = hold.since_field
    start = parse_instant(event.fields[since], since) if since else event.at
    start_clock(state, hold.clock, start, event.seq, subject)
    party = state.party(subject)
    if party is not None:
        party.custody = hold.custody
        if party.held_since is None:
            party.held_since = start


def release(state: CaseState, subject: str, at: datetime) -> None:
    stop_clocks(state, CUSTODY_CLOCKS, subject)
    party = state.party(subject)
    if party is not None:
        party.custody = Custody.free
        end_held_period(party, at)


def end_held_period(party: Party, at: datetime) -> None:
    """The time the case held this person counts towards their sentence (core.sentences)."""
    if party.held_since is not None:
        party.held_seconds += max((at - party.held_since).total_seconds(), 0.0)
        party.held_since = None


def extend_detention(state: CaseState, event: CaseEvent, extension: ExtendDetention) -> None:
    subject = event.fields[extension.party_field]
    days = event.fields[extension.days_field]
    # an extension logged before the trial court had periods of its own is the judge's
    clock = event.fields.get(extension.clock_field) or extension.clock
    stop_clocks(state, CUSTODY_CLOCKS, subject)  # the extension's period replaces the one running
    start_clock(state, clock, event.at, event.seq, subject, length=days)
    party = state.party(subject)
    if party is not None:
        if clock == extension.clock:
            party.detention_days_extended += days
        else:
            party.days_extended[clock] = party.days_extended.get(clock, 0) + days
        if party.custody == Custody.release_due:  # accepted so under the rules before custody followed the person
            party.custody = Custody.detained


def commit_to_prison(state: CaseState, event: CaseEvent, committal: CommitToPrison) -> None:
    """The convict goes to the prison named: whatever held them before ends, and that prison's admission is due."""
    subject = event.fields[committal.party_field]
    party = state.party(subject)
    if party is None:
        return
    stop_clocks(state, (*CUSTODY_CLOCKS, committal.clock), subject)
    start_clock(state, committal.clock, event.at, event.seq, subject)
    party.prison = event.fields[committal.to_field]
    party.custody = Custody.committed
    if party.held_since is None:
        party.held_since = event.at


def admit_to_prison(state: CaseState, event: CaseEvent, subject: str) -> None:
    party = state.party(subject)
    if party is None:
        return
    stop_clocks(state, ("committal_ack",), subject)
    party.custody = Custody.imprisoned
    execution_begins(state, subject, event.at)  # a prisoner's sentence is executed from their admission
    if event.fields.get(SENTENCE_TERM_FIELD):
        start_sentence_term(state, subject, event)


def start_sentence_term(state: CaseState, subject: str, event: CaseEvent) -> None:
    """The term's clock, at the first admission: a transfer's admission finds it running (the term runs on)."""
    verdict = state.latest_verdict(subject)
    ends = release_instant(verdict) if verdict is not None else None
    if ends is None or any(c.name == SENTENCE_TERM_CLOCK and c.subject == subject and c.status == ClockStatus.open
                           for c in state.clocks):
        return
    start_clock(state, SENTENCE_TERM_CLOCK, event.at, event.seq, subject, expires_at=ends)


def execution_begins(state: CaseState, subject: str, at: datetime) -> None:
    """The first record of a convict's execution: its instant, and the custody it credits (the time held so far)."""
    verdict = state.latest_verdict(subject)
    party = state.party(subject)
    if verdict is not None and verdict.executed_at is None:
        verdict.executed_at = at
        verdict.credit_seconds = held_seconds(party, at) if party is not None else 0.0


def end_sentence(state: CaseState, event: CaseEvent, end: EndSentence) -> None:
    subject = event.fields[end.party_field]
    at = parse_instant(event.fields[end.at_field], end.at_field) if end.at_field else event.at
    verdict = state.latest_verdict(subject)
    if verdict is not None:
        verdict.sentence_ended_at = at
        verdict.sentence_end_ground = event.fields[end.ground_field]
    party = state.party(subject)
    if party is not None and party.custody in IN_PRISON:
        stop_clocks(state, ("committal_ack", SENTENCE_TERM_CLOCK), subject)
        party.custody = Custody.free
        end_held_period(party, event.at)


def hand_over_custody(state: CaseState, event: CaseEvent, handover: HandOverCustody) -> None:
    """The people the event names go with the file: their custody ends, and the receiver's period starts."""
    for subject in event.fields.get(handover.field) or []:  # absent from events logged before custody moved
        party = state.party(subject)
        if party is None:
            continue
        stop_clocks(state, CUSTODY_CLOCKS, subject)
        start_clock(state, handover.clock, event.at, event.seq, subject)
        party.custody = handover.to_custody
