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
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from core.arabic import normalize_name
from core.clocks import TRIPOLI
from core.refusal import forbidden, invalid
from core.vocabulary import Category, Disclosure, Exclusion, RecordRemovalGround, label

RECORD_RULES_VERSION = "2026.1"


@dataclass(frozen=True)
class RecordRule:
    category: str
    label_ar: str
    label_en: str
    listed: bool  # does a final conviction of this category appear on a certificate at all
    lapse_years: int | None  # drops off N years after the sentence's end; None: only rehabilitation clears it
    verify: bool = False  # statutory figure not confirmed from the law's text


class DisclosureSubject(StrEnum):
    """What a disclosure rule is about: a kind of conviction, or a later ground that ends an entry."""

    juvenile = "juvenile"  # the offence was committed under the age of majority (core.juveniles)
    sealed = "sealed"  # the case is sealed (sexual offences, state security; DOMAIN.md sensitivity)
    quashed = "quashed"  # the judgment was quashed after it became final (retrial, cassation in the law's interest)
    amnesty = "amnesty"  # a general amnesty law covers the offence


@dataclass(frozen=True)
class DisclosureRule:
    """One row of the law's disclosure rules: what a certificate shows of a conviction of this subject."""

    subject: DisclosureSubject
    disclosure: Disclosure
    source: str
    verify: bool = False


DEFAULT_DISCLOSURE_RULES: tuple[DisclosureRule, ...] = (
    DisclosureRule(DisclosureSubject.juvenile, Disclosure.withheld,
                   "Libyan Penal Code, Arts. 80-81 and the measures for juveniles: a juvenile's conviction is not "
                   "disclosed on a certificate given for employment or a licence", verify=True),
    DisclosureRule(DisclosureSubject.sealed, Disclosure.without_offence,
                   "Sealed matters (sexual offences, state security): the conviction is listed by category, court and "
                   "date; the offence's wording stays in the sealed file", verify=True),
    DisclosureRule(DisclosureSubject.quashed, Disclosure.withheld,
                   "Code of Criminal Procedure (cassation and retrial): a quashed judgment is no conviction",
                   verify=True),
    DisclosureRule(DisclosureSubject.amnesty, Disclosure.withheld,
                   "Libyan Penal Code (general amnesty): a general amnesty erases the conviction", verify=True),
)


def default_disclosure_rules() -> dict[DisclosureSubject, DisclosureRule]:
    return {r.subject: r for r in DEFAULT_DISCLOSURE_RULES}


@dataclass(frozen=True)
class RecordRules:
    version: str
    rules: dict[str, RecordRule]
    disclosure: dict[DisclosureSubject, DisclosureRule] = field(default_factory=default_disclosure_rules)

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
    disclosure = dict(book.disclosure)
    for name, changes in (data.get("disclosure") or {}).items():
        subject = DisclosureSubject(name)
        changed: dict[str, Any] = {k: Disclosure(v) if k == "disclosure" else v for k, v in changes.items()}
        disclosure[subject] = replace(disclosure[subject], **changed)
    return RecordRules(str(data.get("version") or f"{book.version}+local"), rules, disclosure)


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
    #: what the certificate prints of it (the disclosure rules): listed, or without its offence (sealed)
    disclosure: str = Disclosure.listed


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


@dataclass(frozen=True)
class RecordStanding:
    """What the disclosure rules read of one entry: was it a juvenile's, is its case sealed, and has it been
    removed (a quashed judgment, an amnesty) with its ground."""

    juvenile: bool = False
    sealed: bool = False
    removed: RecordRemovalGround | None = None


def withheld_by_disclosure(standing: RecordStanding, rules: RecordRules) -> Exclusion | None:
    """Why the disclosure rules keep this entry off every certificate, or None. Checked before the
    category's own rules (`exclusion`): a removed entry is no conviction at all."""
    if standing.removed is not None:
        subject = DisclosureSubject(standing.removed.value)
        if rules.disclosure[subject].disclosure == Disclosure.withheld:
            return Exclusion(standing.removed.value)
    if standing.juvenile and rules.disclosure[DisclosureSubject.juvenile].disclosure == Disclosure.withheld:
        return Exclusion.juvenile
    return None


def disclosure_of(standing: RecordStanding, rules: RecordRules) -> Disclosure:
    """How a listed entry is printed: a sealed case's without its offence, where the rules say so."""
    if standing.juvenile:
        juvenile = rules.disclosure[DisclosureSubject.juvenile].disclosure
        if juvenile != Disclosure.listed:
            return juvenile
    if standing.sealed:
        return rules.disclosure[DisclosureSubject.sealed].disclosure
    return Disclosure.listed


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


# ---------------------------------------------------------------- the holder's identity


@dataclass(frozen=True)
class RecordedIdentity:
    """What one case file recorded of a person: the name and, where recorded, birth date, place, mother."""

    name: str
    birth_date: str | None = None
    birth_place: str | None = None
    mother_name: str | None = None


@dataclass(frozen=True)
class HolderIdentity:
    """The holder as a certificate names them: from the records, not from the login account."""

    name: str
    birth_date: str | None = None
    birth_place: str | None = None
    mother_name: str | None = None
    from_records: bool = True  # False: no case file names this national ID; the account's name stands


def _most_recorded(values: list[str | None]) -> str | None:
    """The value most files agree on (the first recorded among equals); None when none recorded it."""
    given = [v.strip() for v in values if v and v.strip()]
    return max(given, key=given.count) if given else None


def identity_from_records(recorded: list[RecordedIdentity], account_name: str) -> HolderIdentity:
    """The fullest name the files record (most name parts: the four-part name over a short one; the most
    recorded among equals), with the birth date, place and mother's name most files agree on. No file: the
    account's name, marked so."""
    if not recorded:
        return HolderIdentity(account_name.strip(), from_records=False)
    names = [r.name.strip() for r in recorded if r.name.strip()]
    name = max(names, key=lambda n: (len(n.split()), names.count(n))) if names else account_name.strip()
    return HolderIdentity(name, _most_recorded([r.birth_date for r in recorded]),
                          _most_recorded([r.birth_place for r in recorded]),
                          _most_recorded([r.mother_name for r in recorded]))


# ---------------------------------------------------------------- the review's four eyes
# A finding of the holder's own record (their national ID) may be left off a certificate only with a recorded
# ground, and then only once a second records officer approves. Doubtful name matches are another person's
# until the officer decides otherwise: listing one is the exception, leaving one off needs no ground.

MIN_GROUND = 3


def left_off_findings(finding: RecordFinding, record_ids: list[int], omissions: dict[str, str]) -> dict[str, str]:
    """The holder's own findings an issue decision leaves off, each with its ground; refuses a decision that
    leaves one off without a ground, or gives a ground for a finding it does not leave off."""
    listed = set(record_ids)
    known = {e.record_id for e in finding.entries + finding.doubtful}
    if not listed <= known:
        raise invalid("record_ids", "only convictions found for this request may be listed",
                      "لا يجوز إدراج إلا السوابق التي ظهرت في هذا الطلب")
    own_left_off = {str(e.record_id) for e in finding.entries if e.record_id not in listed}
    stray = set(omissions) - own_left_off
    if stray:
        raise invalid("omissions", "a ground is given only for a finding of the holder's own record that is left off",
                      "يُذكر السبب فقط لسابقة من سجل صاحب الشهادة لم تُدرج", "omission_not_left_off")
    missing = sorted(r for r in own_left_off if len((omissions.get(r) or "").strip()) < MIN_GROUND)
    if missing:
        refusal = invalid("omissions", "a finding of the holder's own record is left off only with its ground",
                          "لا تُستبعد سابقة من سجل صاحب الشهادة إلا مع بيان السبب", "omission_ground_required")
        refusal.details["record_ids"] = missing
        raise refusal
    return {r: omissions[r].strip() for r in sorted(own_left_off)}


def check_second_officer(proposed_by: str, approver: str) -> None:
    """Four eyes: the officer who left a finding off cannot also approve it."""
    if proposed_by == approver:
        raise forbidden("four_eyes", "a second records officer must approve what you left off",
                        "يلزم أن يوافق موظف سجل ثانٍ على ما استبعدته")
