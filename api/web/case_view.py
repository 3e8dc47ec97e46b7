"""What the case page shows besides the case's facts, read from the case as the API gives it (CasePublic) and
the procedure table: everything recorded in words (statements, evidence, every note an action carried), the
hearings with their adjournments, each person's standing, the deadlines (an expired one kept and marked), and the
timeline in the order things happened. Presentation only: nothing here decides what is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.cases.schemas import CasePublic, ClockPublic, EventPublic
from core.procedure import ACTIONS_BY_NAME, FieldKind, FieldSpec
from core.vocabulary import DEFENDANT_ROLES, IN_PRISON, Custody, Outcome, VerdictResult

#: the fields a person writes in words; the report's own (offence, place, narrative) stand in "The report"
WORDED_KINDS = (FieldKind.text, FieldKind.line, FieldKind.texts)
SHOWN_ELSEWHERE = {("open_case", "offence"), ("open_case", "place"), ("open_case", "narrative"),
                   ("add_party", "name"), ("schedule_hearing", "room"), ("refer_to_court", "charges"),
                   ("add_supervision_note", "note")}  # the supervision notes have their own panel
STATEMENT = "record_statement"
EVIDENCE = "add_evidence"
ADJOURN = "adjourn_hearing"
HEARING_ACTIONS = ("schedule_hearing", ADJOURN)


@dataclass
class Recorded:
    """One thing written into the case: a statement, an item of evidence, a note an action carried."""

    kind: str  # statement | evidence | note
    seq: int
    action: str
    at: datetime
    actor: str | None
    role: str | None
    agency: str | None
    spec: FieldSpec
    text: str
    party_id: str | None = None
    document: str | None = None


@dataclass
class HearingView:
    at: datetime
    court: str
    room: str | None
    entered_late: bool
    adjourned_to: datetime | None = None
    adjourned_because: str | None = None


@dataclass
class DeadlineView:
    clock: ClockPublic
    expired: bool


def _words(value: Any) -> str | None:
    if isinstance(value, list):
        lines = [str(v) for v in value if v]
        return "\n".join(lines) if lines else None
    return str(value) if value else None


def recorded(case: CasePublic) -> list[Recorded]:
    """Every worded field of every action on record, oldest first."""
    found = []
    for event in case.timeline:
        rule = ACTIONS_BY_NAME.get(event.name)
        if rule is None:
            continue
        for spec in rule.fields:
            text = _words(event.fields.get(spec.name))
            if spec.kind not in WORDED_KINDS or text is None or (rule.name, spec.name) in SHOWN_ELSEWHERE:
                continue
            kind = {STATEMENT: "statement", EVIDENCE: "evidence"}.get(rule.name, "note")
            found.append(Recorded(kind, event.seq, rule.name, event.at, event.actor, event.role, event.agency, spec,
                                  text, event.fields.get("party_id"), event.fields.get("document")))
    return found


def hearings(case: CasePublic) -> list[HearingView]:
    """The hearings as scheduled, each adjourned one marked with the date it was put off to and why: each
    scheduling or adjournment on record added one hearing (core.effects, ScheduleHearing)."""
    views = [HearingView(_instant(h["at"]), h["court"], h.get("room"), bool(h.get("entered_late")))
             for h in case.hearings]
    made_by = [e for e in case.timeline if e.name in HEARING_ACTIONS]
    if len(made_by) != len(views):
        return views  # a history this reading does not know: the hearings as they are, unmarked
    for index, event in enumerate(made_by[1:], start=1):
        if event.name == ADJOURN:
            views[index - 1].adjourned_to = views[index].at
            views[index - 1].adjourned_because = _words(event.fields.get("reason"))
    return views


def _instant(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def standing(case: CasePublic, party: dict[str, Any]) -> list[tuple[str, str]]:
    """A person's standing as the page says it, most telling first: their own outcome where their proceedings ended
    here alone (archived, lapsed, severed…), else their latest verdict (a convict is no longer "in police custody"),
    and where the case holds them while it does (pre-trial detention pending an appeal, a prison, release due).
    Each is ("outcome" | "verdict" | "custody", value)."""
    shown: list[tuple[str, str]] = []
    outcome = party.get("outcome")
    verdicts = [v for v in case.verdicts if v.get("party_id") == party["party_id"]]
    if outcome and outcome not in (Outcome.convicted, Outcome.acquitted):
        shown.append(("outcome", str(outcome)))
    elif verdicts:
        shown.append(("verdict", str(verdicts[-1]["result"])))
    custody = str(party.get("custody", Custody.free))
    if not shown or custody in HELD_AFTER_JUDGMENT:
        shown.append(("custody", custody))
    return shown


#: the holds a judged person may still be under: detention pending a challenge, a period expired, the prison (a
#: police custody left over from before custody followed the person is not one: the verdict says where they stand)
HELD_AFTER_JUDGMENT = frozenset({Custody.detained, Custody.release_due, *IN_PRISON})


def deadlines(case: CasePublic, now: datetime) -> list[DeadlineView]:
    """The running deadlines and those past and not yet resolved, each once (the latest of a name and a person),
    soonest first, a past one marked expired."""
    latest: dict[tuple[str, str | None], ClockPublic] = {}
    for clock in [*case.expired_clocks, *case.open_clocks]:
        key = (clock.name, clock.subject)
        if key not in latest or clock.started_at >= latest[key].started_at:
            latest[key] = clock
    views = [DeadlineView(c, c.status == "expired" or c.expires_at <= now) for c in latest.values()]
    return sorted(views, key=lambda d: d.clock.expires_at)


def timeline(case: CasePublic) -> list[EventPublic]:
    """In the order things happened: a deadline's warning or expiry is recorded when noticed, after what came
    since, but it happened at its own time."""
    return sorted(case.timeline, key=lambda e: (e.at, e.seq))


def convicted(case: CasePublic, party_id: str) -> bool:
    verdicts = [v for v in case.verdicts if v.get("party_id") == party_id]
    return bool(verdicts) and verdicts[-1].get("result") == VerdictResult.convicted


def suspects(case: CasePublic) -> list[str]:
    """The names of the people the case is against, as lists and the case's header name them."""
    return [p["name"] for p in case.parties if p.get("role") in DEFENDANT_ROLES]


def next_hearing(case: CasePublic, now: datetime) -> HearingView | None:
    """The next hearing not adjourned, if one is ahead."""
    ahead = [h for h in hearings(case) if h.adjourned_to is None and h.at >= now]
    return min(ahead, key=lambda h: h.at) if ahead else None
