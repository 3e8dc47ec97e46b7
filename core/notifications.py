"""Who must be told what: the notices a case's events, its hearings, its stalls and a certificate's steps
give rise to. Pure: the read model's fold (store.readmodel), the reminders sweep and the certificate steps
call these, and store.notifications turns each notice into one notification per recipient x channel.

The recipients come from three places: the procedure table (the roles that act on the case in its stage, at
the agency that holds it), the agency tree (escalation climbs it: ESCALATION), and each recipient's own
preferences (applied by store.notifications when it fans a notice out).

A notice's `key` is unique to what happened (the case and the event's sequence number, the hearing, the
stall and its level): a notice made twice is one notification (the fan-out ignores a key it has seen).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core.agencies import AgencyTree
from core.case import CaseEvent, CaseState, Clock
from core.clocks import TRIPOLI
from core.procedure import ACTIONS, ACTIONS_BY_NAME, ActionRule, Who
from core.proceedings import CUSTODY_CLOCKS
from core.roles import ROLE_CAPABILITIES, Capability
from core.vocabulary import IN_PRISON, AgencyKind, NotificationKind, Role, Stage, SystemEvent

K = NotificationKind

#: the clock a stalled case's "no activity" reason stands for (core.clock_events.idle_deadline)
IDLE = "idle"
#: how long a case may stay stalled at one level of escalation before the next level up is told
#: (an administrative rule of the ministry, not a statute; MIZAN_ESCALATION_CLIMB_HOURS overrides it)
CLIMB_AFTER = timedelta(hours=48)


# ---------------------------------------------------------------- audiences


@dataclass(frozen=True)
class AgencyRoles:
    """The users of one agency who hold any of these roles."""

    agency: str
    roles: frozenset[Role]


@dataclass(frozen=True)
class Person:
    """One user by name (a citizen about their own certificate)."""

    username: str


Audience = AgencyRoles | Person


def acting_roles(stage: Stage) -> frozenset[Role]:
    """The roles the procedure table lets act on a case in `stage` who work case files: not the supervisors
    (they are told by escalation), not the administrator. Addressed to the agency that holds the case, they
    are the people that agency puts to work on it (its prosecutors at a prosecution office, its clerks and
    judges at a court)."""
    return frozenset(role for rule in ACTIONS if stage in rule.stages and rule.who is not Who.scope
                     for role in rule.roles if _works_cases(role) or _acts_in_own_right(role, rule))


def _works_cases(role: Role) -> bool:
    granted = ROLE_CAPABILITIES[role]
    return Capability.read_case_files in granted and Capability.oversee_scope not in granted


#: the roles that read case files and oversee a scope (a supervisor, a chief prosecutor, a court's president)
_OVERSEERS = frozenset(role for role, granted in ROLE_CAPABILITIES.items()
                       if Capability.read_case_files in granted and Capability.oversee_scope in granted)


def _acts_in_own_right(role: Role, rule: ActionRule) -> bool:
    """An overseeing role that the table names for an action of its own (a chief prosecutor refers to court,
    closes a case) acts on the case too, beside being told by escalation; an action open to every overseer
    (a statement, a document) makes none of them one who acts."""
    return role in _OVERSEERS and role in rule.roles and not rule.roles >= _OVERSEERS


def holders(state: CaseState) -> AgencyRoles:
    """Those who act next: the acting roles at the agency that holds the case (a file handed over is held by
    its receiver from the hand-off)."""
    return AgencyRoles(state.owner_agency, acting_roles(state.stage))


PROSECUTORS = frozenset({Role.prosecutor, Role.chief_prosecutor})


# ---------------------------------------------------------------- escalation


@dataclass(frozen=True)
class UpTheTree:
    """Each agency above, nearest first, through its users of `role` (station → directorate → national)."""

    role: Role


@dataclass(frozen=True)
class ToParent:
    """The agency directly above, through its users of `role` (a prosecution office → the attorney
    general's office), and no further: the separation of powers keeps the ministry out of it."""

    role: Role


@dataclass(frozen=True)
class WithinAgency:
    """The agency's own head, through its users of `role` (a court → its president)."""

    role: Role


Climb = UpTheTree | ToParent | WithinAgency

#: where escalation goes when a case held by an agency of each kind is stalled (issue 15); an agency kind
#: not named here escalates nowhere, and says so (see `escalation_levels`)
ESCALATION: dict[AgencyKind, Climb] = {
    AgencyKind.police_station: UpTheTree(Role.supervisor),
    AgencyKind.directorate: UpTheTree(Role.supervisor),
    AgencyKind.cid: UpTheTree(Role.supervisor),
    AgencyKind.records_office: UpTheTree(Role.supervisor),
    AgencyKind.prosecution_office: ToParent(Role.chief_prosecutor),
    # the separation of powers: a court's stalled case goes to its own president, never to the ministry or the
    # prosecution (issue 12)
    AgencyKind.court: WithinAgency(Role.court_president),
    AgencyKind.supreme_court: WithinAgency(Role.court_president),
}


def escalation_levels(agency: str, tree: AgencyTree) -> list[Audience]:
    """Who is told, level by level (level 1 first), when a case held by `agency` is stalled."""
    held_by = tree.by_code.get(agency)
    if held_by is None:
        return []
    climb = ESCALATION.get(held_by.kind)
    match climb:
        case UpTheTree(role=role):
            levels: list[Audience] = []
            parent = held_by.parent
            while parent is not None and parent in tree.by_code:
                levels.append(AgencyRoles(parent, frozenset({role})))
                parent = tree.by_code[parent].parent
            return levels
        case ToParent(role=role):
            return [AgencyRoles(held_by.parent, frozenset({role}))] if held_by.parent else []
        case WithinAgency(role=role):
            return [AgencyRoles(agency, frozenset({role}))]
        case None:
            return []


# ---------------------------------------------------------------- notices


@dataclass(frozen=True)
class Notice:
    """Something someone must act on, and who. What a message may say is kept here; a message names no
    party and tells no fact of the case (it may leave the ministry's network): the case's number, what
    happened, the deadline, and where to look."""

    key: str
    kind: NotificationKind
    at: datetime
    audiences: tuple[Audience, ...]
    case_id: str | None = None
    case_number: str | None = None
    certificate_id: str | None = None
    agency: str | None = None  # the agency it is about: the holder, the receiver, the court
    clock: str | None = None  # a clock's name (core.clocks), or "idle"
    due_at: datetime | None = None  # the deadline, the hearing's time
    level: int = 0  # 0: those who act; 1, 2…: escalation levels
    note: str | None = None  # a supervisor's own words (a reminder)
    sender: str | None = None  # the user who sent it (a reminder)

    def params(self) -> dict[str, Any]:
        """What a message is written from (kept with the notification)."""
        return {name: value for name, value in (
            ("agency", self.agency), ("clock", self.clock),
            ("due_at", self.due_at.isoformat() if self.due_at else None), ("level", self.level or None),
            ("note", self.note), ("sender", self.sender)) if value is not None}


@dataclass(frozen=True)
class _About:
    state: CaseState
    event: CaseEvent

    def notice(self, kind: NotificationKind, audiences: list[Audience], *, suffix: str = "",
               **details: Any) -> Notice:
        key = f"case:{self.state.case_id}:{self.event.seq}:{kind.value}{suffix}"
        return Notice(key, kind, self.event.at, tuple(audiences), case_id=self.state.case_id,
                      case_number=self.state.number, **details)


def notices_for_event(state: CaseState, event: CaseEvent, tree: AgencyTree) -> list[Notice]:
    """The notices one event of a case gives rise to; `state` is the case right after the event."""
    about = _About(state, event)
    if event.name == SystemEvent.clock_warning:
        return _clock_warning(about)
    if event.name == SystemEvent.clock_expired:
        return _clock_expired(about, tree)
    rule = ACTIONS_BY_NAME.get(event.name)
    if rule is None:
        return []
    found: list[Notice] = []
    handoff = state.handoff
    if rule.handoff is not None and handoff is not None and handoff.handoff_id == f"h{event.seq}":
        found.append(about.notice(K.handoff_arrived, [holders(state)], agency=handoff.from_agency,
                                  due_at=_clock_due(state, handoff.clock_id)))
    if event.name == "serve_verdict":
        audiences: list[Audience] = [holders(state)]
        if state.referring_prosecution and state.referring_prosecution != state.owner_agency:
            audiences.append(AgencyRoles(state.referring_prosecution, PROSECUTORS))
        found.append(about.notice(K.verdict_served, audiences, agency=state.owner_agency))
    return found


def _clock(state: CaseState, clock_id: str) -> Clock | None:
    return next((c for c in state.clocks if c.clock_id == clock_id), None)


def _clock_due(state: CaseState, clock_id: str) -> datetime | None:
    clock = _clock(state, clock_id)
    return clock.expires_at if clock else None


def _clock_warning(about: _About) -> list[Notice]:
    state, event = about.state, about.event
    clock = _clock(state, event.fields["clock_id"])
    if clock is None or not state.rules.clock(clock.name).escalates:
        return []  # a challenge window nearing its end is the parties' to use, not the agencies' to act on
    kind = K.detention_ending if clock.name in CUSTODY_CLOCKS else K.clock_warning
    return [about.notice(kind, [holders(state), *_prison_holding(state, clock)], agency=state.owner_agency,
                         clock=clock.name, due_at=clock.expires_at)]


def _prison_holding(state: CaseState, clock: Clock | None) -> list[Audience]:
    """The prison that holds the person a clock is about, whose officers must act (admit them, release them)."""
    party = state.party(clock.subject) if clock is not None and clock.subject else None
    if party is None or party.prison is None or party.custody not in IN_PRISON:
        return []
    return [AgencyRoles(party.prison, frozenset({Role.prison_officer}))]


def _clock_expired(about: _About, tree: AgencyTree) -> list[Notice]:
    state, event = about.state, about.event
    name = event.fields.get("clock", IDLE)
    if name != IDLE and not state.rules.clock(name).escalates:
        return []  # a window that lapsed made a verdict final or closed an objection: nobody is late
    clock = None if name == IDLE else _clock(state, event.fields["clock_id"])
    due = clock.expires_at if clock else event.at
    kind = K.handoff_unacknowledged if name == "handoff_ack" else K.clock_expired
    found = [about.notice(kind, [holders(state), *_prison_holding(state, clock)], agency=state.owner_agency,
                          clock=name, due_at=due)]
    levels = escalation_levels(state.owner_agency, tree)
    if levels:
        found.append(about.notice(kind, [levels[0]], suffix=":L1", agency=state.owner_agency, clock=name,
                                  due_at=due, level=1))
    return found


def hearing_notices(state: CaseState, now: datetime) -> list[Notice]:
    """A reminder, the day before, of each of the case's hearings tomorrow (days in Tripoli)."""
    if state.stage == Stage.closed:
        return []
    tomorrow = now.astimezone(TRIPOLI).date() + timedelta(days=1)
    found = []
    for hearing in state.hearings:
        if hearing.at.astimezone(TRIPOLI).date() != tomorrow:
            continue
        audiences: list[Audience] = [AgencyRoles(hearing.court, acting_roles(state.stage))]
        if state.referring_prosecution:
            audiences.append(AgencyRoles(state.referring_prosecution, PROSECUTORS))
        found.append(Notice(f"case:{state.case_id}:hearing:{hearing.at.isoformat()}", K.hearing_tomorrow, now,
                            tuple(audiences), case_id=state.case_id, case_number=state.number,
                            agency=hearing.court, due_at=hearing.at))
    return found


def still_stalled_notices(state: CaseState, tree: AgencyTree, now: datetime,
                          climb_after: timedelta = CLIMB_AFTER) -> list[Notice]:
    """Escalation climbing: a case stalled for `climb_after` past each level's notice is told to the next
    level up, as far as the tree goes. Every level reached so far is returned (the fan-out keeps the ones it
    has seen), so a sweep that was down for a while catches up without skipping a level."""
    levels = escalation_levels(state.owner_agency, tree)
    found = []
    for stalled in state.stalled:
        overdue = now - stalled.since
        reached = min(len(levels), 1 + int(overdue / climb_after)) if overdue >= timedelta(0) else 0
        for level in range(2, reached + 1):
            what = stalled.clock_id or stalled.reason
            found.append(Notice(
                f"case:{state.case_id}:stalled:{what}:{stalled.since.isoformat()}:L{level}", K.still_stalled,
                stalled.since + climb_after * (level - 1), (levels[level - 1],), case_id=state.case_id,
                case_number=state.number, agency=state.owner_agency, clock=stalled.reason, due_at=stalled.since,
                level=level))
    return found


def reminder_notice(state: CaseState, request_id: str, at: datetime, sender: str, note: str) -> Notice:
    """A supervisor's reminder to those who hold the case."""
    return Notice(f"case:{state.case_id}:reminder:{request_id}", K.supervisor_reminder, at, (holders(state),),
                  case_id=state.case_id, case_number=state.number, agency=state.owner_agency, note=note,
                  sender=sender)


# ---------------------------------------------------------------- certificates


@dataclass(frozen=True)
class CertificateStep:
    """A step of a citizen's certificate request that someone must know of."""

    certificate_id: str
    kind: NotificationKind
    at: datetime
    requester: str  # the citizen's username
    records_office: str  # the agency that reviews requests
    due_at: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)


def certificate_notices(step: CertificateStep, tree: AgencyTree) -> list[Notice]:
    key = f"certificate:{step.certificate_id}:{step.kind.value}"
    details: dict[str, Any] = dict(certificate_id=step.certificate_id, agency=step.records_office,
                                   due_at=step.due_at)
    if step.kind in (K.certificate_issued, K.certificate_rejected):
        return [Notice(key, step.kind, step.at, (Person(step.requester),), **details)]
    if step.kind is K.certificate_to_review:
        return [Notice(key, step.kind, step.at, (AgencyRoles(step.records_office,
                                                             frozenset({Role.records_officer})),), **details)]
    if step.kind is K.certificate_review_overdue:
        levels = escalation_levels(step.records_office, tree)
        officers = AgencyRoles(step.records_office, frozenset({Role.records_officer}))
        return [Notice(key, step.kind, step.at, (officers, *levels[:1]), **details)]
    raise ValueError(f"not a certificate step: {step.kind}")
