"""Dates, durations and sizes as Mizan writes them: in Tripoli time, with Western digits in both
languages (as Libya writes them), so that every number on a page or in a message has one script."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime

from core.clocks import TRIPOLI
from i18n.catalogs import translations

BABEL_LOCALES = {"ar": "ar_LY", "en": "en_GB"}
DATE_PATTERN = "dd/MM/yyyy"
DATETIME_PATTERN = "dd/MM/yyyy HH:mm"


def local_datetime(value: datetime | str | None, language: str) -> str:
    """An instant as Tripoli's wall clock shows it."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_datetime(value.astimezone(TRIPOLI), DATETIME_PATTERN, tzinfo=TRIPOLI,
                           locale=BABEL_LOCALES[language])


def local_day(value: datetime | date, language: str) -> str:
    """A day: an instant's day in Tripoli, or a calendar day as it is."""
    day = value.astimezone(TRIPOLI).date() if isinstance(value, datetime) else value
    return format_date(day, DATE_PATTERN, locale=BABEL_LOCALES[language])


def duration(seconds: int, language: str) -> str:
    """A length of time, to the two largest units that matter: "2 days 5 hours", "3 hours 10 minutes",
    "4 minutes", each unit in its language's plural form (Arabic has six: يومان، 3 أيام، 11 يوماً)."""
    catalog = translations(language)
    gettext, ngettext = catalog.gettext, catalog.ngettext
    amount = abs(seconds)
    days, rest = divmod(amount, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60

    def said(*parts: str) -> str:
        return parts[0] if len(parts) == 1 else gettext("%(larger)s %(smaller)s") % {"larger": parts[0],
                                                                                    "smaller": parts[1]}

    day_text = ngettext("%(num)d day", "%(num)d days", days) % {"num": days}
    hour_text = ngettext("%(num)d hour", "%(num)d hours", hours) % {"num": hours}
    minute_text = ngettext("%(num)d minute", "%(num)d minutes", minutes) % {"num": minutes}
    if days:
        return said(day_text, hour_text) if hours else said(day_text)
    if hours:
        return said(hour_text, minute_text) if minutes else said(hour_text)
    if minutes:
        return said(minute_text)
    return gettext("under a minute")


def time_left(expires_at: datetime, now: datetime, language: str) -> str:
    gettext = translations(language).gettext
    seconds = int((expires_at - now).total_seconds())
    span = duration(seconds, language)
    return (gettext("%(span)s left") if seconds > 0 else gettext("passed %(span)s ago")) % {"span": span}


def file_size(size: int, language: str) -> str:
    """A size in bytes, KB or MB (of 1024)."""
    gettext = translations(language).gettext
    if size >= 1024 * 1024:
        return gettext("%(amount)s MB") % {"amount": f"{size / (1024 * 1024):.1f}".removesuffix(".0")}
    if size >= 1024:
        return gettext("%(amount)s KB") % {"amount": f"{size / 1024:.1f}".removesuffix(".0")}
    return gettext("%(amount)s bytes") % {"amount": size}
