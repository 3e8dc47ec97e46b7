"""Which clock events are due, and when the next one is: the warnings and expiries of a case's open clocks and
its "no activity" deadline, as events for the workflow to record (their fold is core.effects). Pure, no I/O.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.case import CaseEvent, CaseState
from core.vocabulary import Stage, SystemEvent


def idle_deadline(state: CaseState) -> datetime | None:
    idle_days = state.rules.idle_days
    if state.stage == Stage.closed or state.last_activity_at is None or idle_days <= 0:
        return None
    if any(s.reason == "idle" for s in state.stalled):
        return None
    return state.last_activity_at + timedelta(days=idle_days)


def due_clock_events(state: CaseState, now: datetime) -> list[CaseEvent]:
    """The clock events due at `now`, in order (warnings before expiries)."""
    events: list[CaseEvent] = []
    seq = state.seq
    for clock in sorted(state.open_clocks(), key=lambda c: c.expires_at):
        if not clock.warned and clock.warn_at <= now < clock.expires_at:
            seq += 1
            events.append(CaseEvent(seq, SystemEvent.clock_warning, clock.warn_at, None,
                                    {"clock_id": clock.clock_id, "clock": clock.name, "subject": clock.subject}))
        elif clock.expires_at <= now:
            seq += 1
            events.append(CaseEvent(seq, SystemEvent.clock_expired, clock.expires_at, None,
                                    {"clock_id": clock.clock_id, "clock": clock.name, "subject": clock.subject}))
    idle_at = idle_deadline(state)
    if idle_at is not None and idle_at <= now:
        seq += 1
        events.append(CaseEvent(seq, SystemEvent.clock_expired, idle_at, None, {"clock_id": "idle", "clock": "idle"}))
    return events


def next_clock_instant(state: CaseState) -> datetime | None:
    instants = [c.expires_at if c.warned else min(c.warn_at, c.expires_at) for c in state.open_clocks()]
    idle_at = idle_deadline(state)
    if idle_at is not None:
        instants.append(idle_at)
    return min(instants) if instants else None
