"""Jinja2 environments (one per language, so translations never leak between requests) and the
filters every page shares: dates in Africa/Tripoli, time left, and the domain's labels (from
core.vocabulary and the procedure and clock tables; gettext is for the web's own wording)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from api.web.config import TEMPLATES_DIR
from core.clocks import TRIPOLI
from core.procedure import ACTIONS_BY_NAME
from core.records import last_valid_day
from core.vocabulary import (
    AgeBucket,
    AgencyKind,
    Category,
    CertificateRequestStatus,
    Custody,
    Exclusion,
    LapseGround,
    NotificationKind,
    Outcome,
    PartyRole,
    PersonDecisionKind,
    RecordRemovalGround,
    Role,
    Sensitivity,
    SentenceEnd,
    SentenceKind,
    SlaBand,
    Stage,
    StallReason,
    SystemEvent,
    Urgency,
    VerdictResult,
    label,
    label_of,
)
from i18n.catalogs import LANGUAGES, translations
from i18n.formatting import file_size, local_datetime, local_day, time_left
from i18n.notices import clock_label

#: a template helper per vocabulary: `category_label(case.category)` and so on
VOCABULARY_HELPERS: dict[str, type[StrEnum]] = {
    "stage_label": Stage, "role_label": Role, "outcome_label": Outcome, "category_label": Category,
    "sensitivity_label": Sensitivity, "party_role_label": PartyRole, "verdict_label": VerdictResult,
    "custody_label": Custody, "agency_kind_label": AgencyKind, "certificate_status": CertificateRequestStatus,
    "exclusion_label": Exclusion, "notification_label": NotificationKind, "reason_label": StallReason,
    "age_label": AgeBucket, "urgency_label": Urgency, "sla_label": SlaBand, "person_decision_label": PersonDecisionKind,
    "sentence_kind_label": SentenceKind, "sentence_end_label": SentenceEnd,
    "removal_label": RecordRemovalGround, "lapse_ground_label": LapseGround,
}

def time_element(value: datetime | str | None, language: str) -> Markup:
    """A <time>, isolated left-to-right so that "date time" keeps its order inside Arabic text."""
    text = local_datetime(value, language)
    if not text:
        return Markup("")
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert instant is not None
    return Markup('<time datetime="{}" dir="ltr">{}</time>').format(instant.isoformat(), text)


def local_date(value: datetime | date | str | None, language: str) -> Markup:
    """A day as a <time>: an instant's day in Tripoli, or a calendar day as it is (either in ISO 8601 too, as a
    case's state carries it)."""
    if value is None or value == "":
        return Markup("")
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    day = value.astimezone(TRIPOLI).date() if isinstance(value, datetime) else value
    text = local_day(day, language)
    return Markup('<time datetime="{}" dir="ltr">{}</time>').format(day.isoformat(), text)


def valid_until(expires_at: datetime | None, language: str) -> Markup:
    """A validity's last day (DOMAIN: a deadline is shown as its last day), not the instant it ends."""
    return local_date(last_valid_day(expires_at), language) if expires_at is not None else Markup("")


def _vocabulary_helper(kind: type[StrEnum], language: str) -> Callable[[str | None], str]:
    return lambda value: label_of(kind, value, language)


def _labels(language: str) -> dict[str, Any]:
    def action(name: str) -> str:
        """An action's label from the procedure table, or a system event's from the vocabulary."""
        rule = ACTIONS_BY_NAME.get(name)
        return label(rule, language) if rule is not None else label_of(SystemEvent, name, language)

    helpers = {name: _vocabulary_helper(kind, language) for name, kind in VOCABULARY_HELPERS.items()}
    return {**helpers, "action_label": action,
            "clock_label": lambda name: clock_label(name, language),
            "local_datetime": lambda value: time_element(value, language),
            "local_date": lambda value: local_date(value, language),
            "valid_until": lambda expires_at: valid_until(expires_at, language),
            "court_name": lambda entry: entry.court_name_ar if language == "ar" else entry.court_name_en,
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
