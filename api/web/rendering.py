"""Jinja2 environments (one per language, so translations never leak between requests) and the
filters every page shares: dates in Africa/Tripoli, time left, and the domain's labels."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_datetime
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from api.web.config import LANGUAGES, TEMPLATES_DIR
from api.web.forms import choice_label
from api.web.i18n import N_, translations
from config.rules import rulebook
from core.clocks import TRIPOLI
from core.procedure import ACTIONS_BY_NAME
from core.records import last_valid_day
from core.vocabulary import STAGE_LABELS, Stage

# Babel's Arabic keeps Western digits (as Libya writes them), so every number on a page has one script
BABEL_LOCALES = {"ar": "ar_LY", "en": "en_GB"}
ROLE_LABELS = {
    "police_officer": N_("Police officer"), "station_chief": N_("Station chief"), "investigator": N_("Investigator"),
    "prosecutor": N_("Prosecutor"), "chief_prosecutor": N_("Chief prosecutor"), "court_clerk": N_("Court clerk"),
    "judge": N_("Judge"), "prison_officer": N_("Prison officer"), "records_officer": N_("Records officer"),
    "supervisor": N_("Supervisor"), "auditor": N_("Auditor"), "citizen": N_("Citizen"), "admin": N_("Administrator"),
}
EVENT_LABELS = {
    "clock_warning": N_("Deadline approaching"), "clock_expired": N_("Deadline passed"),
    "idle": N_("No activity for too long"),
}
OUTCOME_LABELS = {
    "archived": N_("Archived"), "acquitted": N_("Acquitted"), "convicted": N_("Convicted"),
    "reconciled": N_("Reconciled"), "lapsed": N_("Lapsed"), "merged": N_("Merged"),
}

CERTIFICATE_STATUS_LABELS = {
    "computing": N_("Being checked"), "in_review": N_("Under review"), "issued": N_("Issued"),
    "rejected": N_("Rejected"),
}
EXCLUSION_LABELS = {
    "not_listed": N_("Never listed on a certificate"), "rehabilitated": N_("Rehabilitated"),
    "lapsed": N_("Lapsed under the rules"),
}
DATE_PATTERN = "dd/MM/yyyy"


def local_datetime(value: datetime | str | None, language: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_datetime(value.astimezone(TRIPOLI), "dd/MM/yyyy HH:mm", tzinfo=TRIPOLI,
                           locale=BABEL_LOCALES[language])


def time_element(value: datetime | str | None, language: str) -> Markup:
    """A <time>, isolated left-to-right so that "date time" keeps its order inside Arabic text."""
    text = local_datetime(value, language)
    if not text:
        return Markup("")
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert instant is not None
    return Markup('<time datetime="{}" dir="ltr">{}</time>').format(instant.isoformat(), text)


def local_date(value: datetime | date | None, language: str) -> Markup:
    """A day as a <time>: an instant's day in Tripoli, or a calendar day as it is."""
    if value is None:
        return Markup("")
    day = value.astimezone(TRIPOLI).date() if isinstance(value, datetime) else value
    text = format_date(day, DATE_PATTERN, locale=BABEL_LOCALES[language])
    return Markup('<time datetime="{}" dir="ltr">{}</time>').format(day.isoformat(), text)


def valid_until(expires_at: datetime | None, language: str) -> Markup:
    """A validity's last day (DOMAIN: a deadline is shown as its last day), not the instant it ends."""
    return local_date(last_valid_day(expires_at), language) if expires_at is not None else Markup("")


def time_left(expires_at: datetime, now: datetime, language: str) -> str:
    gettext = translations(language).gettext
    seconds = int((expires_at - now).total_seconds())
    amount = abs(seconds)
    days, rest = divmod(amount, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        span = gettext("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    elif hours:
        span = gettext("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    elif minutes:
        span = gettext("%(minutes)d min") % {"minutes": minutes}
    else:
        span = gettext("under a minute")
    return (gettext("%(span)s left") if seconds > 0 else gettext("passed %(span)s ago")) % {"span": span}


def file_size(size: int, language: str) -> str:
    """A size in bytes, KB or MB (of 1024), Western digits like every other number on the page."""
    gettext = translations(language).gettext
    if size >= 1024 * 1024:
        return gettext("%(amount)s MB") % {"amount": f"{size / (1024 * 1024):.1f}".removesuffix(".0")}
    if size >= 1024:
        return gettext("%(amount)s KB") % {"amount": f"{size / 1024:.1f}".removesuffix(".0")}
    return gettext("%(amount)s bytes") % {"amount": size}


def _labels(language: str) -> dict[str, Any]:
    gettext = translations(language).gettext
    ar = language == "ar"

    def stage(name: str) -> str:
        labels = STAGE_LABELS.get(Stage(name)) if name in Stage.__members__ else None
        return (labels[0] if ar else labels[1]) if labels else name

    def action(name: str) -> str:
        rule = ACTIONS_BY_NAME.get(name)
        if rule is not None:
            return rule.label_ar if ar else rule.label_en
        return gettext(EVENT_LABELS[name]) if name in EVENT_LABELS else name

    def role(name: str) -> str:
        return gettext(ROLE_LABELS[name]) if name in ROLE_LABELS else name

    def clock(name: str) -> str:
        """A clock's label from the rule table in force; `idle` is the idle-period check."""
        if name in EVENT_LABELS:
            return gettext(EVENT_LABELS[name])
        rule = rulebook().clocks.get(name)
        return (rule.label_ar if ar else rule.label_en) if rule else name

    def outcome(name: str | None) -> str:
        return gettext(OUTCOME_LABELS[name]) if name in OUTCOME_LABELS else (name or "")

    def certificate_status(name: str) -> str:
        return gettext(CERTIFICATE_STATUS_LABELS[name]) if name in CERTIFICATE_STATUS_LABELS else name

    def exclusion(name: str) -> str:
        return gettext(EXCLUSION_LABELS[name]) if name in EXCLUSION_LABELS else name

    return {"stage_label": stage, "action_label": action, "role_label": role, "outcome_label": outcome,
            "clock_label": clock,
            "choice_label": lambda value: choice_label(language, value),
            "local_datetime": lambda value: time_element(value, language),
            "local_date": lambda value: local_date(value, language),
            "valid_until": lambda expires_at: valid_until(expires_at, language),
            "certificate_status": certificate_status, "exclusion_label": exclusion,
            "court_name": lambda entry: entry.court_name_ar if ar else entry.court_name_en,
            "time_left": lambda expires_at, now: time_left(expires_at, now, language),
            "file_size": lambda size: file_size(size, language)}


def highlight(fragment: str) -> Markup:
    """A search fragment: everything escaped (it is case text), then only the index's <mark> tags restored."""
    escaped = str(escape(fragment))
    return Markup(escaped.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


@lru_cache
def environment(language: str) -> Environment:
    assert language in LANGUAGES
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(_labels(language))
    env.filters["highlight"] = highlight
    env.globals["language"] = language
    env.globals["direction"] = "rtl" if language == "ar" else "ltr"
    return env


def render(language: str, template: str, context: dict[str, Any]) -> str:
    return environment(language).get_template(template).render(context)
