"""Statutory and administrative clocks as data, and the one way a deadline is computed.

A deadline is a spec, not code: start event, length, unit, warning point and expiry effect live in
the rule table; `deadline()` turns a start instant into the instant the clock expires, in
Africa/Tripoli, and both the display and the expiry decision use that instant.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

TRIPOLI = ZoneInfo("Africa/Tripoli")
RULES_VERSION = "2026.1"


class Unit(StrEnum):
    seconds = "seconds"  # for demos and tests only (MIZAN_RULES)
    minutes = "minutes"
    hours = "hours"
    days = "days"  # calendar days, ending at the end of the N-th day in Tripoli
    working_days = "working_days"  # days the courts sit (court calendar)


class Expiry(StrEnum):
    escalate = "escalate"  # the case is flagged stalled and its supervisors are told
    verdict_final = "verdict_final"  # that accused's verdict becomes final for this challenge
    objection_closed = "objection_closed"  # no objection possible any more


@dataclass(frozen=True)
class ClockRule:
    name: str
    label_ar: str
    label_en: str
    starts_at: str  # the event that starts it
    length: int
    unit: Unit
    expiry: Expiry
    warn_before: int = 0  # in the same unit; 0 = warn at 80 % of the length
    cap: int = 0  # for judicial_detention: the most that extensions may add up to, in `unit`
    verify: bool = False  # statutory figure not confirmed from the law's text (DOMAIN.md)


@dataclass(frozen=True)
class CourtCalendar:
    weekend: tuple[int, ...] = (4, 5)  # Friday, Saturday (Monday = 0)
    holidays: tuple[str, ...] = ()  # ISO dates

    def sits_on(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day.isoformat() not in self.holidays


@dataclass(frozen=True)
class RuleBook:
    version: str
    clocks: dict[str, ClockRule]
    stage_sla_days: dict[str, int] = field(default_factory=dict)
    calendar: CourtCalendar = field(default_factory=CourtCalendar)
    idle_days: int = 30

    def clock(self, name: str) -> ClockRule:
        return self.clocks[name]


DEFAULT_CLOCKS: tuple[ClockRule, ...] = (
    ClockRule("police_custody", "الحجز لدى الشرطة", "Police custody", "record_arrest", 48, Unit.hours,
              Expiry.escalate, warn_before=6, verify=True),
    ClockRule("prosecution_detention", "الحبس الاحتياطي (النيابة)", "Prosecution detention",
              "order_detention", 6, Unit.days, Expiry.escalate, warn_before=1),
    ClockRule("judicial_detention", "مد الحبس (القاضي)", "Judicial detention", "extend_detention", 15,
              Unit.days, Expiry.escalate, warn_before=2, cap=30),
    ClockRule("handoff_ack", "استلام الملف", "Hand-off acknowledgement", "handoff", 24, Unit.hours,
              Expiry.escalate, warn_before=4),
    ClockRule("appeal_window", "ميعاد الاستئناف", "Appeal window", "record_verdict", 10, Unit.days,
              Expiry.verdict_final, warn_before=2),
    ClockRule("objection_window", "ميعاد المعارضة", "Objection window", "serve_verdict", 10, Unit.days,
              Expiry.objection_closed, warn_before=2, verify=True),
    ClockRule("cassation_window", "ميعاد الطعن بالنقض", "Cassation window", "record_verdict", 60,
              Unit.days, Expiry.verdict_final, warn_before=7, verify=True),
    ClockRule("stage_sla", "مهلة المرحلة", "Stage SLA", "stage_entered", 30, Unit.days,
              Expiry.escalate, warn_before=5),
)

DEFAULT_STAGE_SLA_DAYS: dict[str, int] = {
    "police_inquiry": 30,
    "prosecution": 90,
    "trial": 180,
    "appeal": 180,
    "cassation": 365,
    "final": 30,
    "execution": 3650,
}


def default_rulebook() -> RuleBook:
    return RuleBook(RULES_VERSION, {c.name: c for c in DEFAULT_CLOCKS}, dict(DEFAULT_STAGE_SLA_DAYS))


def rulebook_with(data: dict[str, Any], idle_days: int = 30) -> RuleBook:
    """The default table, with any clock overridden by `data` (a rule file's content, read by config.rules).

    `data` maps clock names to the fields to change, e.g. `{"clocks": {"appeal_window":
    {"length": 5, "unit": "seconds"}}, "stage_sla_days": {"trial": 90}}`.
    """
    book = replace(default_rulebook(), idle_days=idle_days)
    if not data:
        return book
    clocks = dict(book.clocks)
    for name, changes in (data.get("clocks") or {}).items():
        if name not in clocks:
            raise ValueError(f"MIZAN_RULES names an unknown clock: {name}")
        if "unit" in changes:
            changes = {**changes, "unit": Unit(changes["unit"])}
        clocks[name] = replace(clocks[name], **changes)
    sla = {**book.stage_sla_days, **(data.get("stage_sla_days") or {})}
    version = str(data.get("version") or f"{book.version}+local")
    return RuleBook(version, clocks, sla, book.calendar, int(data.get("idle_days", idle_days)))


def _end_of_local_day(day: date) -> datetime:
    """The instant a day ends in Tripoli: the next day's midnight (exclusive)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=TRIPOLI)


def deadline(start: datetime, length: int, unit: Unit, calendar: CourtCalendar | None = None) -> datetime:
    """When a clock of `length` `unit`s started at `start` expires (an aware UTC instant).

    Hours and smaller count exactly. "N days" ends at the end of the N-th day after the start day
    in Tripoli, never a day early; working days skip the court calendar's days off.
    """
    if start.tzinfo is None:
        raise ValueError("clock start must be timezone-aware")
    if unit is Unit.seconds:
        return start + timedelta(seconds=length)
    if unit is Unit.minutes:
        return start + timedelta(minutes=length)
    if unit is Unit.hours:
        return start + timedelta(hours=length)
    local_start = start.astimezone(TRIPOLI).date()
    if unit is Unit.days:
        end = local_start + timedelta(days=length)
    else:
        cal = calendar or CourtCalendar()
        end, counted = local_start, 0
        while counted < length:
            end += timedelta(days=1)
            if cal.sits_on(end):
                counted += 1
    return _end_of_local_day(end).astimezone(ZoneInfo("UTC"))


def warning_instant(start: datetime, rule: ClockRule, expires: datetime) -> datetime:
    if rule.warn_before <= 0 or rule.unit in (Unit.seconds, Unit.minutes):
        return start + (expires - start) * 0.8
    if rule.unit is Unit.hours:
        return expires - timedelta(hours=rule.warn_before)
    return expires - timedelta(days=rule.warn_before)
