"""Starting and stopping a case's clocks as its events are applied: a clock's deadline and warning from the rules
(core.clocks), and what a stopped clock had flagged (a stalled reason) resolved with it. Pure, no I/O.
"""

from __future__ import annotations

from datetime import datetime

from core.case import CaseState, Clock
from core.clocks import deadline, warning_instant
from core.vocabulary import ClockStatus


def start_clock(state: CaseState, name: str, at: datetime, seq: int, subject: str | None = None,
                length: int | None = None, expires_at: datetime | None = None) -> Clock:
    """A clock of the rule book; `expires_at` for one whose end is not the table's (a prisoner's own term)."""
    rule = state.rules.clock(name)
    if name == "stage_sla":
        length = state.rules.stage_sla_days.get(state.stage, rule.length)
    expires = expires_at or deadline(at, length if length is not None else rule.length, rule.unit,
                                     state.rules.calendar, rule.next_sitting_day)
    clock = Clock(clock_id=f"{name}-{seq}" + (f"-{subject}" if subject else ""), name=name, started_at=at,
                  expires_at=expires, warn_at=warning_instant(at, rule, expires), subject=subject)
    state.clocks.append(clock)
    return clock


def stop_clocks(state: CaseState, names: tuple[str, ...], subject: str | None = None) -> None:
    """Stop the matching open clocks; what they (or their expired predecessors) flagged is resolved too."""
    for clock in state.clocks:
        if clock.name in names and (subject is None or clock.subject == subject):
            if clock.status == ClockStatus.open:
                clock.status = ClockStatus.stopped
            clear_stalled(state, clock.name, clock.clock_id)


def clear_stalled(state: CaseState, reason: str, clock_id: str | None = None) -> None:
    state.stalled = [s for s in state.stalled
                     if not (s.reason == reason and (clock_id is None or s.clock_id == clock_id))]
