"""Generated cases for the supervision tests, and the dashboard's figures worked out again from case states.

`generate_cases` carries cases through the procedure purely (decide/apply, as the workflow does), at instants
spread over the last 14 months: arrests (dated as the law's fields allow), referrals acknowledged or not,
detentions and their extensions, referrals to court, archives, lapses, reassignments. Most record their clock
events as the workflow would when its timers fire; some are "behind" (the worker down): their expiries are
not on record. `expected_figures` is the oracle: the dashboard's numbers computed from the states alone, with
its own reading of the rules (the issue's buckets, Sunday weeks in Tripoli), not with store.supervision.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from core.access import Viewer, may_see
from core.case import ActionCommand, Actor, CaseState
from core.clock_events import due_clock_events
from core.clocks import TRIPOLI, RuleBook, default_rulebook
from core.effects import apply
from core.refusal import Refusal
from core.supervision import SupervisionScope
from core.transitions import decide, decide_open, new_case
from tests.support.procedure import AGENCIES, actor

STATION_PROSECUTION = {"station.tripoli.central": "pros.tripoli", "station.tripoli.souq_aljuma": "pros.tripoli",
                       "station.benghazi.central": "pros.benghazi", "station.benghazi.alberka": "pros.benghazi"}
COURT_OF = {"pros.tripoli": "court.tripoli", "pros.benghazi": "court.benghazi"}
DIRECTORATE_OF = {"station.tripoli.central": "dir.tripoli", "station.tripoli.souq_aljuma": "dir.tripoli",
                  "station.benghazi.central": "dir.benghazi", "station.benghazi.alberka": "dir.benghazi"}
SUPERVISOR = Actor(username="supervisor", roles=["supervisor"], agency="moi", agency_kind="ministry",
                   scope=["moi"], national=True)
LIBERTY = ("police_custody", "prosecution_detention", "judicial_detention")
BUCKETS = (("0-30", 0, 30), ("31-90", 31, 90), ("91-180", 91, 180), ("181-365", 181, 365), ("365+", 366, None))
WEEKS = 12


class _Late(Exception):
    """The next step would fall after `now`: the case stays where it is."""


@dataclass
class _Walk:
    state: CaseState
    now: datetime
    records_clocks: bool
    rng: random.Random
    at: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.at = self.state.opened_at

    def step(self, who: Actor, action: str, gap: timedelta, **fields: Any) -> None:
        at = self.at + gap
        if at > self.now:
            raise _Late()
        if self.records_clocks:
            record_clocks(self.state, at)
        targets = {name: AGENCIES[value] for name, value in fields.items()
                   if name == "to_agency" and isinstance(value, str)}
        apply(self.state, decide(self.state, ActionCommand(action, who, dict(fields), targets), at))
        self.at = at

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(hours=self.rng.uniform(low, high))

    def days(self, low: float, high: float) -> timedelta:
        return timedelta(days=self.rng.uniform(low, high))


def record_clocks(state: CaseState, until: datetime) -> None:
    """What the case's workflow records as its timers fire, up to `until`."""
    while events := due_clock_events(state, until):
        for event in events:
            apply(state, event)


def open_at(station: str, opened: datetime, rules: RuleBook, rng: random.Random, sealed: bool = False,
            case_id: str | None = None) -> CaseState:
    parties = [{"role": "accused", "name": f"متهم {i + 1}"} for i in range(rng.randint(1, 2))]
    fields = {"offence": rng.choice(["سرقة", "اعتداء بالضرب", "احتيال", "حيازة مخدرات"]),
              "category": rng.choice(["misdemeanour", "felony"]), "sensitivity": "sealed" if sealed else "normal",
              "occurred_at": (opened - timedelta(days=2)).isoformat(), "place": "ليبيا", "narrative": "…",
              "parties": parties}
    event = decide_open(ActionCommand("open_case", actor("police_officer", station), fields), opened)
    case_id = case_id or f"gen-{uuid.uuid4().hex[:16]}"
    return new_case(case_id, f"GEN/{case_id[-10:]}", rules, event)


def generate_cases(rng: random.Random, count: int, now: datetime, rules: RuleBook | None = None) -> list[CaseState]:
    rules = rules or default_rulebook()
    return [_one_case(rng, now, rules) for _ in range(count)]


def _one_case(rng: random.Random, now: datetime, rules: RuleBook) -> CaseState:
    station = rng.choice(sorted(STATION_PROSECUTION))
    # a few within the last two days (custody ending soon), the rest over fourteen months
    age = rng.uniform(0, 2) if rng.random() < 0.15 else rng.uniform(0, 430)
    state = open_at(station, now - timedelta(days=age), rules, rng, sealed=rng.random() < 0.08)
    walk = _Walk(state, now, records_clocks=rng.random() < 0.8, rng=rng)
    prosecution = STATION_PROSECUTION[station]
    court = COURT_OF[prosecution]
    chief, officer = actor("station_chief", station), actor("police_officer", station)
    prosecutor, chiefpros = actor("prosecutor", prosecution), actor("chief_prosecutor", prosecution)
    try:
        if rng.random() < 0.4:
            arrested = walk.at + walk.hours(0.5, 20)
            walk.step(officer, "record_arrest", arrested - walk.at + walk.hours(0, 2), party_id="p1",
                      arrested_at=arrested.isoformat())
            if rng.random() < 0.4:
                walk.step(officer, "release_person", walk.hours(1, 60), party_id="p1", reason="كفالة")
        if rng.random() < 0.15:
            walk.step(chief, "add_party", walk.days(0, 3), role="witness", name="شاهد")
        if rng.random() < 0.08:
            other = next(s for s in sorted(STATION_PROSECUTION)
                         if s != station and DIRECTORATE_OF[s] == DIRECTORATE_OF[station])
            supervisor = Actor(username=f"supervisor@{DIRECTORATE_OF[station]}", roles=["supervisor"],
                               agency=DIRECTORATE_OF[station], agency_kind="directorate",
                               scope=[DIRECTORATE_OF[station], *[s for s in STATION_PROSECUTION
                                                                 if DIRECTORATE_OF[s] == DIRECTORATE_OF[station]]])
            walk.step(supervisor, "add_supervision_note", walk.days(0, 5), note="ما سبب التأخير؟")
            walk.step(supervisor, "reassign", walk.days(0, 5), to_agency=other, reason="إعادة توزيع")
            if rng.random() < 0.7:
                walk.step(actor("police_officer", other), "acknowledge_receipt", walk.hours(1, 40))
            chief = actor("station_chief", other)
        if rng.random() < 0.35:
            return state  # still with the police
        walk.step(chief, "refer_to_prosecution", walk.days(0.2, 45), to_agency=prosecution)
        if rng.random() < 0.2:
            return state  # not acknowledged (yet)
        walk.step(prosecutor, "acknowledge_receipt", walk.hours(1, 60))
        if rng.random() < 0.35:
            walk.step(prosecutor, "order_detention", walk.days(0, 4), party_id="p1", grounds="خشية الهرب")
            if rng.random() < 0.5:
                walk.step(prosecutor, "request_detention_extension", walk.days(0, 4), party_id="p1",
                          to_agency=court, grounds="مقتضيات التحقيق")
                walk.step(actor("judge", court), "extend_detention", walk.hours(1, 30), party_id="p1",
                          days=rng.randint(1, 15), grounds="…")
            if rng.random() < 0.4:
                walk.step(prosecutor, "release_person", walk.days(1, 20), party_id="p1", reason="…")
        roll = rng.random()
        if roll < 0.2:
            walk.step(chiefpros, "archive", walk.days(1, 100), ground="عدم كفاية الأدلة")
        elif roll < 0.25:
            walk.step(chiefpros, "declare_lapsed", walk.days(1, 100), ground="death")
        elif roll < 0.55:
            walk.step(chiefpros, "refer_to_court", walk.days(1, 90), to_agency=court, charges=["تهمة"])
            if rng.random() < 0.85:
                walk.step(actor("court_clerk", court), "acknowledge_receipt", walk.hours(1, 40))
    except (_Late, Refusal):
        pass
    finally:
        if walk.records_clocks:
            record_clocks(state, now)
    return state


def stalled_129_days(now: datetime, rules: RuleBook | None = None) -> CaseState:
    """The issue's case: at a Tripoli station, 129 days past its stage's deadline, nothing done since it was
    opened, and no expiry on record (its workflow has not run since). Its deadline ends at the end of a Tripoli
    day, so the day is chosen, not the instant: the end of the day of (now - 130 days + a minute) lies between
    129 and 130 days before now, whatever the time of day (the time of day once made it 128)."""
    rules = rules or default_rulebook()
    last_day = (now - timedelta(days=130, minutes=-1)).astimezone(TRIPOLI).date()

    def opened_on(day: date) -> CaseState:
        return open_at("station.tripoli.central", datetime.combine(day, time(12), TRIPOLI), rules,
                       random.Random(129), case_id=f"gen-129-{uuid.uuid4().hex[:8]}")

    def deadline_day(state: CaseState) -> date:
        sla = next(c for c in state.clocks if c.name == "stage_sla")
        return (sla.expires_at.astimezone(TRIPOLI) - timedelta(microseconds=1)).date()

    day = last_day
    for _ in range(5):  # a deadline moved past a day the courts do not sit: try the day before
        state = opened_on(day)
        if deadline_day(state) == last_day:
            return state
        day -= deadline_day(state) - last_day if deadline_day(state) > last_day else timedelta(days=-1)
    raise AssertionError(f"no opening day puts the stage's deadline on {last_day}")


# ---------------------------------------------------------------- the oracle


def _days(since: datetime, now: datetime) -> int:
    return int((now - since).total_seconds() // 86400)


def _bucket(days: int) -> str | None:
    return next((name for name, low, high in BUCKETS if days >= low and (high is None or days <= high)), None)


def _sunday(instant: datetime) -> date:
    local = instant.astimezone(TRIPOLI).date()
    return local - timedelta(days=local.isoweekday() % 7)


@dataclass(frozen=True)
class _Due:
    reason: str
    started: datetime
    warn: datetime | None
    due: datetime


def _deadlines(state: CaseState) -> list[_Due]:
    """The case's deadlines read straight from its clocks and flags (DOMAIN.md, "stalled")."""
    if state.stage == "closed":
        return []
    flagged = {s.clock_id for s in state.stalled if s.clock_id}
    found = [_Due(c.name, c.started_at, c.warn_at, c.expires_at) for c in state.clocks
             if state.rules.clock(c.name).escalates
             and (c.status == "open" or (c.status == "expired" and c.clock_id in flagged))]
    idle = [s for s in state.stalled if s.reason == "idle"]
    last = state.last_activity_at or state.opened_at
    if idle:
        found.append(_Due("idle", last, None, idle[0].since))
    elif state.rules.idle_days > 0:
        found.append(_Due("idle", last, None, last + timedelta(days=state.rules.idle_days)))
    return found


def expected_figures(states: Iterable[CaseState], grants: Mapping[str, Iterable[str]], viewer: Viewer,
                     scope: SupervisionScope, now: datetime) -> dict[str, Any]:
    """The dashboard's numbers for one viewer, from case states alone."""
    this_week = _sunday(now)
    weeks = [this_week - timedelta(weeks=back) for back in range(WEEKS - 1, -1, -1)]
    figures: dict[str, Any] = {
        "open_by_stage": Counter(), "open_by_agency": Counter(), "stalled_total": 0, "stalled_by_reason": Counter(),
        "stalled_by_age": Counter({name: 0 for name, _, _ in BUCKETS}), "handoffs": defaultdict(lambda: [0, 0]),
        "ending_soon_total": 0, "ending_soon_by_reason": Counter(), "time_in_stage": defaultdict(lambda: [0, 0, 0]),
        "pendency": Counter({name: 0 for name, _, _ in BUCKETS}), "opened": Counter(), "closed": Counter(),
        "weeks": weeks,
    }
    for state in states:
        if not may_see(viewer, state.sensitivity, state.agencies_involved, grants.get(state.case_id, ())):
            continue
        if (scope.national or state.opening_station in scope.agencies) and state.opened_at >= _start(weeks[0]):
            week = _sunday(state.opened_at)
            if week in weeks:
                figures["opened"][(week, state.opening_station)] += 1
        if not (scope.national or state.owner_agency in scope.agencies):
            continue
        if state.stage == "closed":
            closed = state.last_activity_at or state.opened_at
            if _sunday(closed) in weeks and closed >= _start(weeks[0]):
                figures["closed"][(_sunday(closed), state.owner_agency)] += 1
            continue
        figures["open_by_stage"][state.stage.value] += 1
        figures["open_by_agency"][state.owner_agency] += 1
        figures["pendency"][_bucket(_days(state.opened_at, now))] += 1
        deadlines = _deadlines(state)
        past = [d for d in deadlines if d.due <= now]
        if past:
            figures["stalled_total"] += 1
            for reason in {d.reason for d in past}:
                figures["stalled_by_reason"][reason] += 1
            figures["stalled_by_age"][_bucket(_days(min(d.due for d in past), now))] += 1
        for d in deadlines:
            if d.reason == "handoff_ack":
                figures["handoffs"][state.owner_agency][0] += 1
                figures["handoffs"][state.owner_agency][1] += d.due <= now
            if d.reason == "stage_sla":
                band = 2 if d.due <= now else 1 if d.warn is not None and d.warn <= now else 0
                figures["time_in_stage"][state.stage.value][band] += 1
        soon = {d.reason for d in deadlines if d.reason in LIBERTY and now < d.due <= now + timedelta(hours=48)}
        figures["ending_soon_total"] += bool(soon)
        for reason in soon:
            figures["ending_soon_by_reason"][reason] += 1
    return _plain(figures)


def _start(week: date) -> datetime:
    return datetime.combine(week, datetime.min.time(), tzinfo=TRIPOLI)


def _plain(figures: dict[str, Any]) -> dict[str, Any]:
    plain = {name: dict(value) if isinstance(value, (Counter, defaultdict)) else value
             for name, value in figures.items()}
    plain["handoffs"] = {agency: tuple(numbers) for agency, numbers in plain["handoffs"].items()}
    plain["time_in_stage"] = {stage: tuple(numbers) for stage, numbers in plain["time_in_stage"].items()}
    for name in ("stalled_by_reason", "ending_soon_by_reason", "open_by_stage", "open_by_agency", "opened", "closed"):
        plain[name] = {key: n for key, n in plain[name].items() if n}
    return plain


def figures_from_dashboard(body: Mapping[str, Any]) -> dict[str, Any]:
    """`GET /api/v1/stats/dashboard`'s answer, in the oracle's shape."""
    flow = body["flow"]
    weeks = [date.fromisoformat(w) for w in flow["weeks"]]
    figures: dict[str, Any] = {
        "open_by_stage": {c["key"]: c["count"] for c in body["open_cases"]["by_stage"]},
        "open_by_agency": {c["key"]: c["count"] for c in body["open_cases"]["by_agency"]},
        "stalled_total": body["stalled"]["total"]["count"],
        "stalled_by_reason": {c["key"]: c["count"] for c in body["stalled"]["by_reason"]},
        "stalled_by_age": {c["key"]: c["count"] for c in body["stalled"]["by_age"]},
        "handoffs": {h["agency"]: (h["waiting"]["count"], h["overdue"]["count"])
                     for h in body["handoffs"]["by_agency"]},
        "ending_soon_total": body["ending_soon"]["total"]["count"],
        "ending_soon_by_reason": {c["key"]: c["count"] for c in body["ending_soon"]["by_reason"]},
        "time_in_stage": {t["stage"]: (t["within"]["count"], t["near"]["count"], t["over"]["count"])
                          for t in body["time_in_stage"]},
        "pendency": {c["key"]: c["count"] for c in body["pendency"]["by_age"]},
        "opened": {(weeks[i], a["agency"]): c["count"] for a in flow["by_agency"] for i, c in enumerate(a["opened"])
                   if c["count"]},
        "closed": {(weeks[i], a["agency"]): c["count"] for a in flow["by_agency"] for i, c in enumerate(a["closed"])
                   if c["count"]},
        "weeks": weeks,
    }
    return figures


def seed_read_model(db_url: str, seed: int, count: int, now: datetime) -> list[CaseState]:
    """`count` generated cases and the issue's 129-days case, written into a running stack's read model as the
    fold writes them (store.readmodel.project_case). No workflow stands behind them: exactly cases whose
    expiries nobody has recorded yet, which the lists must show all the same."""
    from sqlalchemy.orm import Session

    from store.database import make_engine
    from store.readmodel import project_case

    states = [*generate_cases(random.Random(seed), count, now), stalled_129_days(now)]
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            for state in states:
                project_case(session, state)
            session.commit()
    finally:
        engine.dispose()
    return states
