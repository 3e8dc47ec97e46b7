"""The criminal record's rules, pure: which final convictions a certificate lists, when a record
lapses, when a name is a doubtful match, and when a certificate expires.

The lapse periods are statutory figures not confirmed from the law's text (DOMAIN.md *(verify)*):
they are a versioned rule table, overridable by a file (`MIZAN_RECORD_RULES`, read by config.rules), never
literals in code.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.arabic import normalize_name
from core.clocks import TRIPOLI
from core.vocabulary import Category, Exclusion, label

RECORD_RULES_VERSION = "2026.1"


@dataclass(frozen=True)
class RecordRule:
    category: str
    label_ar: str
    label_en: str
    listed: bool  # does a final conviction of this category appear on a certificate at all
    lapse_years: int | None  # drops off N years after the sentence's end; None: only rehabilitation clears it
    verify: bool = False  # statutory figure not confirmed from the law's text


@dataclass(frozen=True)
class RecordRules:
    version: str
    rules: dict[str, RecordRule]

    def rule(self, category: str) -> RecordRule:
        # an unknown category is listed and never lapses: a certificate errs towards the officer's review
        return self.rules.get(category) or RecordRule(category, category, category, True, None)


def _default(category: Category, *, listed: bool, lapse_years: int | None, verify: bool = False) -> RecordRule:
    """A rule for one of the domain's categories, labelled as the vocabulary labels it."""
    return RecordRule(category, label(category, "ar"), label(category, "en"), listed, lapse_years, verify)


DEFAULT_RECORD_RULES: tuple[RecordRule, ...] = (
    _default(Category.contravention, listed=False, lapse_years=None),
    _default(Category.misdemeanour, listed=True, lapse_years=3, verify=True),
    _default(Category.felony, listed=True, lapse_years=6, verify=True),
)


def default_record_rules() -> RecordRules:
    return RecordRules(RECORD_RULES_VERSION, {r.category: r for r in DEFAULT_RECORD_RULES})


def record_rules_with(data: dict[str, Any]) -> RecordRules:
    """The default table with categories overridden by `data` (a rule file's content, read by
    config.rules), e.g. `{"version": "2026.2", "categories": {"misdemeanour": {"lapse_years": 5}}}`."""
    book = default_record_rules()
    rules = dict(book.rules)
    for category, changes in (data.get("categories") or {}).items():
        base = rules.get(category) or RecordRule(category, category, category, True, None)
        rules[category] = replace(base, **changes)
    return RecordRules(str(data.get("version") or f"{book.version}+local"), rules)


@dataclass(frozen=True)
class RecordFacts:
    category: str
    final_at: datetime
    executed_at: datetime | None
    rehabilitated_at: datetime | None
    #: when the sentence ended: served, remitted or prescribed (issue 13: the lapse runs from it, and only from it)
    sentence_ended_at: datetime | None = None


@dataclass
class RecordEntry:
    """One final conviction as the review and the certificate show it."""

    record_id: int
    case_id: str
    case_number: str
    name: str
    national_id: str | None
    offence: str
    category: str
    sentence: str | None
    court: str
    court_name_ar: str
    court_name_en: str
    final_at: datetime


@dataclass
class RecordFinding:
    """A citizen's record as a certificate computed at one instant shows it."""

    entries: list[RecordEntry]  # listed convictions of this national ID
    doubtful: list[RecordEntry]  # convictions of people without a national ID whose name may be this citizen's
    excluded: dict[str, str] = field(default_factory=dict)  # record id -> why it is left off (Exclusion)
    rules_version: str = ""

    @property
    def clean(self) -> bool:
        return not self.entries and not self.doubtful


def add_months(at: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = at.month - 1 + months
    year, month = at.year + month_index // 12, month_index % 12 + 1
    day = min(at.day, calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day)


def exclusion(facts: RecordFacts, rules: RecordRules, now: datetime) -> Exclusion | None:
    """Why a final conviction is left off a certificate computed at `now`, or None when it is listed."""
    rule = rules.rule(facts.category)
    if not rule.listed:
        return Exclusion.not_listed
    if facts.rehabilitated_at is not None and facts.rehabilitated_at <= now:
        return Exclusion.rehabilitated
    # the lapse runs from the end of the sentence (served, remitted or prescribed): never while it is unexecuted,
    # so neither a prisoner still serving nor a fugitive's record lapses (issue 13, Deliver 5)
    if rule.lapse_years is not None and facts.sentence_ended_at is not None:
        if add_months(facts.sentence_ended_at, 12 * rule.lapse_years) <= now:
            return Exclusion.lapsed
    return None


def names_may_match(citizen_name: str, party_name: str) -> bool:
    """A doubtful match: the same normalised name, or the same first and last names (a citizen's
    account name is often shorter than the four-part name a police report records)."""
    citizen, party = normalize_name(citizen_name).split(), normalize_name(party_name).split()
    if not citizen or not party:
        return False
    if citizen == party:
        return True
    return len(citizen) >= 2 and citizen[0] == party[0] and citizen[-1] == party[-1]


def certificate_expiry(issued_at: datetime, months: int) -> datetime:
    """The instant a certificate stops being valid: the end of the day, in Tripoli, `months` after issue."""
    local = issued_at.astimezone(TRIPOLI).date()
    last_day = add_months(datetime.combine(local, time(0)), months).date()
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=TRIPOLI).astimezone(ZoneInfo("UTC"))


def last_valid_day(expires_at: datetime) -> date:
    """The day shown as "valid until": the Tripoli day that ends at the expiry instant."""
    return (expires_at.astimezone(TRIPOLI) - timedelta(microseconds=1)).date()
