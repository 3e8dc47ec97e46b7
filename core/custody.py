"""A person's custody as it travels with them: what a case hands on when the person's proceedings move to another
case (a merge; a severance), and how the receiving case takes it up. Pure: no I/O.

The clocks keep their instants: a person held for five days arrives with a day left, not with a fresh period, and
a period already past arrives expired ("release due"), so that no move between case files restarts a clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.case import CaseState, Clock, Party, StalledReason
from core.vocabulary import HELD, ClockStatus, Custody


def held_parties(state: CaseState) -> list[Party]:
    """The people this case holds now (in custody, detention, or past their period and due for release)."""
    return [p for p in state.parties if p.custody in HELD]


def custody_to_carry(state: CaseState, party_id: str, clocks: tuple[str, ...]) -> dict[str, Any] | None:
    """What another case must carry for this person, JSON-ready: their custody state, the days already added to
    their detention, and their custody clocks (`clocks`: the names that hold a person) that still bear on them
    (the open one, or the last expired one of a person due for release). None for a person not held."""
    party = state.party(party_id)
    if party is None or party.custody not in HELD:
        return None
    mine = [c for c in state.clocks if c.subject == party_id and c.name in clocks]
    bearing = [c for c in mine if c.status == ClockStatus.open]
    if not bearing and party.custody == Custody.release_due:
        expired = [c for c in mine if c.status == ClockStatus.expired]
        bearing = expired[-1:]
    return {
        "custody": party.custody.value,
        "detention_days_extended": party.detention_days_extended,
        "days_extended": dict(party.days_extended),
        "held_since": party.held_since.isoformat() if party.held_since else None,
        "held_seconds": party.held_seconds,
        "clocks": [{"name": c.name, "started_at": c.started_at.isoformat(), "expires_at": c.expires_at.isoformat(),
                    "warn_at": c.warn_at.isoformat(), "status": c.status.value, "warned": c.warned}
                   for c in bearing],
    }


def carry_custody(state: CaseState, party: Party, carried: dict[str, Any], seq: int, at: datetime) -> None:
    """The receiving case takes up a person's custody as `custody_to_carry` gave it: the same state, the same
    instants (clock ids of this case's own); a period already expired is flagged as the case's own would be."""
    party.custody = Custody(carried["custody"])
    party.detention_days_extended = max(party.detention_days_extended, int(carried.get("detention_days_extended", 0)))
    if carried.get("held_since") and party.held_since is None:
        party.held_since = datetime.fromisoformat(carried["held_since"])
        party.held_seconds += float(carried.get("held_seconds", 0.0))
    for name, days in (carried.get("days_extended") or {}).items():
        party.days_extended[name] = max(party.days_extended.get(name, 0), int(days))
    for item in carried.get("clocks", []):
        clock = Clock(clock_id=f"{item['name']}-{seq}-{party.party_id}", name=item["name"],
                      started_at=datetime.fromisoformat(item["started_at"]),
                      expires_at=datetime.fromisoformat(item["expires_at"]),
                      warn_at=datetime.fromisoformat(item["warn_at"]), subject=party.party_id,
                      status=ClockStatus(item.get("status", ClockStatus.open)), warned=bool(item.get("warned")))
        state.clocks.append(clock)
        if clock.status == ClockStatus.expired:
            state.stalled.append(StalledReason(clock.name, at, clock.clock_id))
