"""Statutory and administrative clocks as data, and the one way a deadline is computed.

A deadline is a spec, not code: start event, length, unit, warning point and expiry effect live in
the rule table; `deadline()` turns a start instant into the instant the clock expires, in
Africa/Tripoli, and both the display and the expiry decision use that instant.
"""

from __future__ import annotations

import hashlib
import json
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
    #: no objection possible any more, and nothing else: the rule books of cases opened before issue 12 kept a
    #: verdict whose objection window closed last from becoming final; they replay so (new books: verdict_final)
    objection_closed = "objection_closed"
    #: a period that holds a person ended with no extension: escalated as `escalate` is, and the person's state
    #: becomes "detention expired — release due" (no later extension revives it)
    release_due = "release_due"


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
    #: a deadline (counted in days) whose last day the courts do not sit moves to the next day they sit; off by
    #: default, so that a rule book written before this existed counts as it did
    next_sitting_day: bool = False
    article: str = ""  # the provision the figure comes from (docs/procedure.md)
    #: its length is each sentence's own term, less the credit (core.sentences.release_instant), not `length`
    length_of_sentence: bool = False

    @property
    def escalates(self) -> bool:
        """Its expiry means someone is late: the case is flagged stalled and its supervisors are told."""
        return self.expiry in (Expiry.escalate, Expiry.release_due)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class CourtCalendar:
    """The days the courts do not sit: the weekend, and the holidays the rule file lists (MIZAN_RULES)."""

    weekend: tuple[int, ...] = (4, 5)  # Friday, Saturday (Monday = 0)
    holidays: tuple[str, ...] = ()  # ISO dates

    def sits_on(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day.isoformat() not in self.holidays

    def next_sitting_day(self, day: date) -> date:
        """`day` itself if the courts sit that day, else the first day after it that they do."""
        for _ in range(366):
            if self.sits_on(day):
                return day
            day += timedelta(days=1)
        raise ValueError("the court calendar leaves no sitting day within a year")

    def describe(self) -> dict[str, Any]:
        return {"weekend": [WEEKDAYS[d] for d in self.weekend], "holidays": list(self.holidays)}


def calendar_from(data: dict[str, Any], base: CourtCalendar) -> CourtCalendar:
    """A rule file's `calendar` section: `weekend` as day names or numbers (Monday = 0), `holidays` as ISO dates."""
    weekend = base.weekend
    if "weekend" in data:
        days = []
        for day in data["weekend"] or []:
            if isinstance(day, str) and day.lower() in WEEKDAYS:
                days.append(WEEKDAYS.index(day.lower()))
            elif isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= 6:
                days.append(day)
            else:
                raise ValueError(f"MIZAN_RULES: calendar.weekend names no day of the week: {day!r}")
        weekend = tuple(sorted(set(days)))
    holidays = base.holidays
    if "holidays" in data:
        found = []
        for holiday in data["holidays"] or []:
            try:
                found.append(date.fromisoformat(str(holiday)).isoformat())
            except ValueError as exc:
                raise ValueError(f"MIZAN_RULES: calendar.holidays holds no ISO 8601 date: {holiday!r}") from exc
        holidays = tuple(sorted(set(found)))
    calendar = CourtCalendar(weekend, holidays)
    calendar.next_sitting_day(date(2000, 1, 1))  # refuses a calendar with no sitting day at all
    return calendar


@dataclass(frozen=True)
class Regime:
    """A special regime the law sets for a class of offence (state security…): the clocks it changes, with the
    provision it comes from. Data, in the rule table and the rule file (`regimes`)."""

    name: str
    label_ar: str
    label_en: str
    #: per clock, the fields this regime changes (e.g. {"prosecution_detention": {"length": 15}})
    clocks: dict[str, dict[str, Any]] = field(default_factory=dict)
    article: str = ""
    verify: bool = False


@dataclass(frozen=True)
class RuleBook:
    version: str
    clocks: dict[str, ClockRule]
    stage_sla_days: dict[str, int] = field(default_factory=dict)
    calendar: CourtCalendar = field(default_factory=CourtCalendar)
    idle_days: int = 30
    #: the special regimes, by offence classification (core.vocabulary.OffenceClass)
    regimes: dict[str, Regime] = field(default_factory=dict)
    #: the regime this book is the variant of (a case's own book, chosen by its offence's classification)
    regime: str | None = None

    def clock(self, name: str) -> ClockRule:
        # a book written before a clock existed (a running case's) counts it by today's default
        return self.clocks.get(name) or DEFAULT_CLOCKS_BY_NAME[name]

    def for_regime(self, classification: str | None) -> RuleBook:
        """The variant of this book for an offence of `classification`: the clocks its regime changes, changed (the
        book itself when no regime applies, or when it already is that variant)."""
        regime = self.regimes.get(classification or "")
        if regime is None or self.regime == regime.name:
            return self
        clocks = dict(self.clocks)
        for name, changes in regime.clocks.items():
            clocks[name] = replace(self.clock(name), **_clock_changes(changes),
                                   verify=self.clock(name).verify or regime.verify,
                                   article=regime.article or self.clock(name).article)
        return replace(self, version=f"{self.version}/{regime.name}", clocks=clocks, regime=regime.name)


#: Custody and detention never move to a sitting day (a person's liberty is not extended by a holiday); the
#: challenge windows do, as procedural deadlines do in Libyan practice (verify: the general rule on time limits
#: of the Code of Civil and Commercial Procedure, applied to criminal challenges by the courts)
DEFAULT_CLOCKS: tuple[ClockRule, ...] = (
    ClockRule("police_custody", "الحجز لدى الشرطة", "Police custody", "record_arrest", 48, Unit.hours,
              Expiry.escalate, warn_before=6, verify=True, article="CCP, arrest by the judicial police"),
    # handed over with the file, the person is questioned by the prosecution, which detains or releases them
    ClockRule("prosecution_custody", "العرض على النيابة", "Before the prosecution", "refer_to_prosecution", 24,
              Unit.hours, Expiry.release_due, warn_before=4, verify=True,
              article="CCP, questioning by the prosecution within 24 hours of receipt"),
    ClockRule("prosecution_detention", "الحبس الاحتياطي (النيابة)", "Prosecution detention",
              "order_detention", 6, Unit.days, Expiry.release_due, warn_before=1, article="CCP Art. 176"),
    # the cap holds for the extensions during the investigation (the investigating judge's), counted per person
    ClockRule("judicial_detention", "مد الحبس (القاضي)", "Judicial detention", "extend_detention", 15,
              Unit.days, Expiry.release_due, warn_before=2, cap=30, article="CCP Arts. 122, 176"),
    # once the case is before the trial court, that court decides on detention, by periods of its own
    ClockRule("trial_detention", "الحبس بأمر المحكمة", "Detention by the trial court", "extend_detention", 45,
              Unit.days, Expiry.release_due, warn_before=5, verify=True,
              article="CCP, detention ordered by the court seized of the case"),
    # a convict committed to a prison is admitted by it, or the prosecution's and the prison's supervisors are told
    ClockRule("committal_ack", "استلام المحكوم عليه", "Admission of the convict", "commit_to_prison", 24, Unit.hours,
              Expiry.escalate, warn_before=4, article="administrative"),
    # a prisoner's term, credit deducted (core.sentences.release_instant): its length is the sentence's own, not
    # the table's; past it with no release recorded, the person is held unlawfully and it escalates at once
    ClockRule("sentence_term", "انقضاء مدة العقوبة", "End of the prison term", "admit_to_prison", 0, Unit.days,
              Expiry.escalate, warn_before=7, article="CCP, execution of custodial sentences (term less the custody "
              "and detention credited)", length_of_sentence=True),
    ClockRule("handoff_ack", "استلام الملف", "Hand-off acknowledgement", "handoff", 24, Unit.hours,
              Expiry.escalate, warn_before=4, article="administrative"),
    ClockRule("appeal_window", "ميعاد الاستئناف", "Appeal window", "record_verdict", 10, Unit.days,
              Expiry.verdict_final, warn_before=2, next_sitting_day=True, article="CCP Art. 369"),
    # its lapse closes the objection; the last window of an accused to close makes their verdict final (issue 12)
    ClockRule("objection_window", "ميعاد المعارضة", "Objection window", "serve_verdict", 10, Unit.days,
              Expiry.verdict_final, warn_before=2, verify=True, next_sitting_day=True,
              article="CCP, objection to a judgment in absentia"),
    ClockRule("cassation_window", "ميعاد الطعن بالنقض", "Cassation window", "record_verdict", 60,
              Unit.days, Expiry.verdict_final, warn_before=7, verify=True, next_sitting_day=True,
              article="CCP, cassation"),
    ClockRule("stage_sla", "مهلة المرحلة", "Stage SLA", "stage_entered", 30, Unit.days,
              Expiry.escalate, warn_before=5, article="administrative"),
)

DEFAULT_CLOCKS_BY_NAME: dict[str, ClockRule] = {c.name: c for c in DEFAULT_CLOCKS}

DEFAULT_STAGE_SLA_DAYS: dict[str, int] = {
    "police_inquiry": 30,
    "prosecution": 90,
    "trial": 180,
    "appeal": 180,
    "cassation": 365,
    "final": 30,
    "execution": 3650,
}


#: the special regimes the law sets, by offence classification: figures not confirmed from the law's text (verify)
DEFAULT_REGIMES: tuple[Regime, ...] = (
    Regime("state_security", "جرائم أمن الدولة", "Offences against the security of the State",
           {"prosecution_detention": {"length": 15}, "judicial_detention": {"length": 45, "cap": 90}},
           article="CCP as amended for offences against the security of the State", verify=True),
)


def default_rulebook() -> RuleBook:
    return RuleBook(RULES_VERSION, {c.name: c for c in DEFAULT_CLOCKS}, dict(DEFAULT_STAGE_SLA_DAYS),
                    regimes={r.name: r for r in DEFAULT_REGIMES})


def _clock_changes(changes: dict[str, Any]) -> dict[str, Any]:
    return {**changes, "unit": Unit(changes["unit"])} if "unit" in changes else dict(changes)


def _regimes_from(data: dict[str, Any], base: dict[str, Regime], clocks: dict[str, ClockRule]) -> dict[str, Regime]:
    """A rule file's `regimes`: per classification, its labels, article, verify and the clocks it changes."""
    regimes = dict(base)
    for name, spec in (data or {}).items():
        spec = spec or {}
        for clock in spec.get("clocks") or {}:
            if clock not in clocks:
                raise ValueError(f"MIZAN_RULES: regime {name} names an unknown clock: {clock}")
        old = regimes.get(name) or Regime(name, name, name)
        regimes[name] = replace(old, **{k: v for k, v in spec.items() if k in ("label_ar", "label_en", "clocks",
                                                                             "article", "verify")})
    return regimes


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
        clocks[name] = replace(clocks[name], **_clock_changes(changes))
    regimes = _regimes_from(data.get("regimes") or {}, book.regimes, clocks)
    sla = {**book.stage_sla_days, **(data.get("stage_sla_days") or {})}
    calendar = calendar_from(data.get("calendar") or {}, book.calendar)
    # a rule file without a version of its own is named by its content: two installations with the same rules
    # publish the same version, and any change to the file shows in /api/v1/procedure
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:10]
    version = str(data.get("version") or f"{book.version}+local.{digest}")
    return RuleBook(version, clocks, sla, calendar, int(data.get("idle_days", idle_days)), regimes)


def _end_of_local_day(day: date) -> datetime:
    """The instant a day ends in Tripoli: the next day's midnight (exclusive)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=TRIPOLI)


def deadline(start: datetime, length: int, unit: Unit, calendar: CourtCalendar | None = None,
             next_sitting_day: bool = False) -> datetime:
    """When a clock of `length` `unit`s started at `start` expires (an aware UTC instant).

    Hours and smaller count exactly. "N days" ends at the end of the N-th day after the start day
    in Tripoli, never a day early; working days skip the court calendar's days off. With `next_sitting_day`,
    a deadline in days whose last day the courts do not sit ends at the end of the next day they sit.
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
    cal = calendar or CourtCalendar()
    if unit is Unit.days:
        end = local_start + timedelta(days=length)
        if next_sitting_day:
            end = cal.next_sitting_day(end)
    else:
        end, counted = local_start, 0
        while counted < length:
            end += timedelta(days=1)
            if cal.sits_on(end):
                counted += 1
    return _end_of_local_day(end).astimezone(ZoneInfo("UTC"))


def counts_whole_days(unit: Unit) -> bool:
    """A clock counted in days ends at the end of its last day: shown as that day, not as the next midnight."""
    return unit in (Unit.days, Unit.working_days)


def last_day(expires_at: datetime) -> date:
    """The last day of a deadline that ends at a day's end, in Tripoli ("until the end of 10 Feb")."""
    return (expires_at.astimezone(TRIPOLI) - timedelta(microseconds=1)).date()


def warning_instant(start: datetime, rule: ClockRule, expires: datetime) -> datetime:
    if rule.warn_before <= 0 or rule.unit in (Unit.seconds, Unit.minutes):
        return start + (expires - start) * 0.8
    if rule.unit is Unit.hours:
        return expires - timedelta(hours=rule.warn_before)
    return expires - timedelta(days=rule.warn_before)
