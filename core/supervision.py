"""What supervisors watch: a case's deadlines, which are past, how urgent, and how old. Pure, no I/O.

One definition, read by everything that says a case is late: the read model projects `case_deadlines(state)`
into its `case_deadlines` table (store.readmodel) so that SQL can filter and page it, and the work lists, the
stalled list, the dashboard and the REST answers all read those rows (or this function) at the same `now`.

A case's deadlines are its running clocks that escalate at expiry (police custody, detention, a hand-off's
acknowledgement, the stage's SLA: core.clocks, `Expiry.escalate`), the ones that expired and are still flagged,
and the idle period (`RuleBook.idle_days` after the last action). A deadline is past from its due instant on,
whether or not the case's workflow has recorded the expiry yet (the worker down, the log behind): `on_record`
says which. An expired clock whose flag was resolved (the file acknowledged, the person released, the stage
left) is no deadline any more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.case import Actor, CaseState
from core.clock_events import idle_deadline
from core.clocks import TRIPOLI
from core.proceedings import CUSTODY_CLOCKS
from core.roles import Capability, may
from core.vocabulary import AgeBucket, ClockStatus, Stage, StallReason, Urgency

DAY = timedelta(days=1)
#: the order of urgency: liberty first, then hand-offs, then the rest (each by how long it has been past)
URGENCY_RANK: dict[Urgency, int] = {Urgency.liberty: 0, Urgency.handoff: 1, Urgency.other: 2}
#: how long "ending soon" looks ahead for custody and detention (the issue's 48 hours)
ENDING_SOON = timedelta(hours=48)
#: weeks begin on Sunday, the first working day of the Libyan week (Monday = 0)
WEEK_STARTS_ON = 6


def urgency_of(reason: StallReason) -> Urgency:
    """A person held by the case (the clocks the procedure table's custody effects start, and a prisoner's term),
    a hand-off, the rest."""
    if reason.value in CUSTODY_CLOCKS or reason is StallReason.sentence_term:
        return Urgency.liberty
    if reason is StallReason.handoff_ack:
        return Urgency.handoff
    return Urgency.other


@dataclass(frozen=True)
class Deadline:
    """One deadline of a case: what it is about (`reason`, and the person for custody and detention), when it
    started and falls due, and whether its expiry is on the case's record yet."""

    key: str  # the clock's id, or "idle"
    reason: StallReason
    subject: str | None  # a party id, for custody and detention
    started_at: datetime
    warn_at: datetime | None  # the clock's warning point (none for the idle period)
    due_at: datetime  # also when it was first past: "overdue since"
    on_record: bool  # the expiry is in the case's event log (the case is flagged)

    @property
    def urgency(self) -> Urgency:
        return urgency_of(self.reason)

    @property
    def rank(self) -> int:
        return URGENCY_RANK[self.urgency]

    def overdue(self, now: datetime) -> bool:
        return self.due_at <= now

    def sort_key(self) -> tuple[int, datetime, str]:
        """Most urgent first: by urgency, then the longest past (the earliest due)."""
        return self.rank, self.due_at, self.key


def _reason(name: str) -> StallReason | None:
    try:
        return StallReason(name)
    except ValueError:
        return None


def case_deadlines(state: CaseState) -> list[Deadline]:
    """Every deadline the case has now, past or not, most urgent first. Independent of the time: what is past
    is `overdue(deadlines, now)`."""
    flagged = {s.clock_id: s for s in state.stalled if s.clock_id}
    found: list[Deadline] = []
    for clock in state.clocks:
        reason = _reason(clock.name)
        rule = state.rules.clocks.get(clock.name)
        if reason is None or rule is None or not rule.escalates:
            continue
        if clock.status == ClockStatus.open:
            found.append(Deadline(clock.clock_id, reason, clock.subject, clock.started_at, clock.warn_at,
                                  clock.expires_at, on_record=False))
        elif clock.status == ClockStatus.expired and clock.clock_id in flagged:
            found.append(Deadline(clock.clock_id, reason, clock.subject, clock.started_at, clock.warn_at,
                                  clock.expires_at, on_record=True))
    idle = next((s for s in state.stalled if s.reason == StallReason.idle), None)
    last_moved = state.last_activity_at or state.opened_at
    if idle is not None:
        found.append(Deadline(StallReason.idle.value, StallReason.idle, None, last_moved, None, idle.since, True))
    elif (idle_at := idle_deadline(state)) is not None:
        found.append(Deadline(StallReason.idle.value, StallReason.idle, None, last_moved, None, idle_at, False))
    return sorted(found, key=Deadline.sort_key)


def overdue(deadlines: list[Deadline], now: datetime) -> list[Deadline]:
    """The deadlines past at `now`, most urgent first."""
    return sorted((d for d in deadlines if d.overdue(now)), key=Deadline.sort_key)


def stalled_since(deadlines: list[Deadline], now: datetime) -> datetime | None:
    """Since when the case has been past a deadline (its longest past), or None if it is past none."""
    past = [d.due_at for d in deadlines if d.overdue(now)]
    return min(past) if past else None


def stage_entered_at(state: CaseState) -> datetime | None:
    """When the case entered its stage, as the stage's SLA clock counts it (None: a stage without one, closed)."""
    if state.stage == Stage.closed:
        return None
    current = next((c for c in reversed(state.clocks) if c.name == StallReason.stage_sla.value), None)
    if current is None or current.status == ClockStatus.stopped:
        return None
    return current.started_at


def closed_at(state: CaseState) -> datetime | None:
    """When a closed case closed: its last action was the one that closed it (nothing acts on it after)."""
    if state.stage != Stage.closed:
        return None
    return state.last_activity_at or state.opened_at


# ---------------------------------------------------------------- how old: whole days, in buckets

#: each bucket's first and last day (None: no end)
AGE_BUCKETS: dict[AgeBucket, tuple[int, int | None]] = {
    AgeBucket.days_0_30: (0, 30),
    AgeBucket.days_31_90: (31, 90),
    AgeBucket.days_91_180: (91, 180),
    AgeBucket.days_181_365: (181, 365),
    AgeBucket.over_365: (366, None),
}


def age_days(since: datetime, now: datetime) -> int:
    """Whole days from `since` to `now` (negative if `since` is later)."""
    return (now - since) // DAY


def bucket_of(days: int) -> AgeBucket | None:
    for bucket, (first, last) in AGE_BUCKETS.items():
        if days >= first and (last is None or days <= last):
            return bucket
    return None  # a negative age: not yet


def bucket_window(bucket: AgeBucket, now: datetime) -> tuple[datetime | None, datetime]:
    """The instants whose age at `now` falls in `bucket`: after the first (exclusive; None: no limit), up to the
    second (inclusive). The same boundaries as `bucket_of(age_days(since, now))`, for SQL."""
    first, last = AGE_BUCKETS[bucket]
    latest = now - first * DAY
    earliest = now - (last + 1) * DAY if last is not None else None
    return earliest, latest


# ---------------------------------------------------------------- weeks, in Tripoli


def week_start(instant: datetime) -> date:
    """The first day (Sunday) of the week, in Tripoli, that `instant` falls in."""
    day = instant.astimezone(TRIPOLI).date()
    return day - timedelta(days=(day.weekday() - WEEK_STARTS_ON) % 7)


def week_window(first_day: date) -> tuple[datetime, datetime]:
    """The week beginning on `first_day`: from its first instant (inclusive) to the next week's (exclusive)."""
    start = datetime.combine(first_day, time(0), tzinfo=TRIPOLI)
    end = datetime.combine(first_day + timedelta(days=7), time(0), tzinfo=TRIPOLI)
    return start, end


def recent_weeks(now: datetime, count: int) -> list[date]:
    """The first days of the last `count` weeks, this one last."""
    this_week = week_start(now)
    return [this_week - timedelta(weeks=back) for back in range(count - 1, -1, -1)]


# ---------------------------------------------------------------- who supervises what


@dataclass(frozen=True)
class SupervisionScope:
    """What a supervisor watches, within what they may read (core.access): every case (national), or the cases
    held by the agencies of their scope. A chief's scope is their own agency."""

    national: bool
    agencies: frozenset[str]


def supervision_scope(actor: Actor) -> SupervisionScope | None:
    """The caller's scope, or None for one who supervises nothing (core.roles: watch_stalled_cases)."""
    if not may(actor.roles, Capability.watch_stalled_cases):
        return None
    agencies = set(actor.scope) | ({actor.agency} if actor.agency else set())
    return SupervisionScope(national=actor.national, agencies=frozenset(agencies))
