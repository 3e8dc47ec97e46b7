"""Juveniles (الأحداث), pure: who was under the age of criminal majority when the offence was committed, and
which court hears an accused who was.

The age and the route are statutory rules not confirmed from the law's text here: they are rows of data with
their source and `verify=True`, never literals in the procedure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.case import Party
from core.clocks import TRIPOLI
from core.vocabulary import CourtLevel, PartyRole


@dataclass(frozen=True)
class JuvenileRule:
    """The age below which an offender is a juvenile, where the law says so, and whether it is confirmed."""

    age_of_majority: int
    source: str
    verify: bool


JUVENILE_RULE = JuvenileRule(
    age_of_majority=18,
    source="Libyan Penal Code, Arts. 80-81 (criminal responsibility by age; juveniles under 18) — article numbers "
           "and the age not confirmed from the text",
    verify=True,
)


@dataclass(frozen=True)
class JuvenileRoute:
    """Which court tries a case whose accused include a juvenile: a court of this level in the case's region."""

    court_level: CourtLevel
    source: str
    verify: bool


JUVENILE_ROUTE = JuvenileRoute(
    court_level=CourtLevel.juvenile,
    source="Libyan juvenile procedure (محكمة الأحداث): an accused under 18 on the day of the offence is tried by the "
           "juvenile court, co-accused adults included until the court severs them — the instrument and its "
           "article not confirmed from the text",
    verify=True,
)


def age_at(birth_date: date, on: date) -> int:
    """Whole years completed on `on` (a birthday counts on its day; 29 February on 1 March of other years)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def juvenile_at_offence(birth_date: str | date | None, occurred_at: datetime | date,
                        rule: JuvenileRule = JUVENILE_RULE) -> bool | None:
    """Was the person under the age of majority on the day of the offence (Tripoli's day)? None when their
    date of birth is not recorded: unknown is not "adult"."""
    if birth_date is None or birth_date == "":
        return None
    born = date.fromisoformat(birth_date) if isinstance(birth_date, str) else birth_date
    day = occurred_at.astimezone(TRIPOLI).date() if isinstance(occurred_at, datetime) else occurred_at
    return age_at(born, day) < rule.age_of_majority


def juvenile_accused(parties: list[Party], occurred_at: datetime, rule: JuvenileRule = JUVENILE_RULE) -> list[str]:
    """The accused (and suspects) who were juveniles at the offence, by party id: their birth date says so."""
    return [p.party_id for p in parties if p.role in (PartyRole.accused, PartyRole.suspect)
            and juvenile_at_offence(p.birth_date, occurred_at, rule)]
