"""What a notification says, in Arabic or English: one sentence per kind, the same in the web's inbox and
in the email. It names the case by its number and the agency by its name, and tells no fact of the case and
no party's name (an email may leave the ministry's network); a supervisor's own words stay in the inbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from config.rules import rulebook
from core.notifications import IDLE
from core.vocabulary import NotificationKind, label
from i18n.catalogs import N_, translations
from i18n.formatting import local_datetime

K = NotificationKind

#: the sentence of each kind; %(number)s is the case, %(certificate)s the request, %(agency)s an agency's
#: name, %(clock)s a deadline's name, %(due)s a date and time in Tripoli
SENTENCES: dict[NotificationKind, str] = {
    K.handoff_arrived: N_("Case %(number)s has been handed over by %(agency)s. Acknowledge its receipt by "
                          "%(due)s."),
    K.handoff_unacknowledged: N_("Case %(number)s was handed to %(agency)s and its receipt was not acknowledged "
                                 "by %(due)s."),
    K.clock_warning: N_("Case %(number)s: the deadline \u201c%(clock)s\u201d ends at %(due)s."),
    K.clock_expired: N_("Case %(number)s, held by %(agency)s: the deadline \u201c%(clock)s\u201d passed at "
                        "%(due)s, and the case is flagged stalled."),
    K.detention_ending: N_("Case %(number)s: a period of custody or detention (%(clock)s) ends at %(due)s. "
                           "Release the person, or have the detention lawfully extended, before then."),
    K.hearing_tomorrow: N_("Case %(number)s has a hearing at %(agency)s tomorrow, %(due)s."),
    K.verdict_served: N_("A verdict on case %(number)s has been served: the periods for objection and appeal "
                         "have started."),
    K.certificate_to_review: N_("Certificate request %(certificate)s is waiting for review, due by %(due)s."),
    K.certificate_review_overdue: N_("The review of certificate request %(certificate)s was due at %(due)s and "
                                     "is not done."),
    K.certificate_issued: N_("Your criminal-status certificate %(certificate)s has been issued. You can "
                             "download it in Mizan."),
    K.certificate_rejected: N_("Your request for a criminal-status certificate %(certificate)s was not granted. "
                               "The reason is given in Mizan."),
    K.still_stalled: N_("Case %(number)s, held by %(agency)s, has been stalled (%(clock)s) since %(due)s and "
                        "has not moved. You are told as the next level of supervision."),
    K.supervisor_reminder: N_("A supervisor sent a reminder about case %(number)s."),
}

IDLE_LABEL = N_("No activity for too long")


@dataclass(frozen=True)
class NoticeText:
    """A notification as it is written: the sentence, and a title for a list or a subject line."""

    title: str
    sentence: str


def clock_label(name: str | None, language: str) -> str:
    """A deadline's name, from the rule table in force; `idle` is the idle-period check."""
    if not name:
        return ""
    if name == IDLE:
        return translations(language).gettext(IDLE_LABEL)
    rule = rulebook().clocks.get(name)
    return label(rule, language) if rule is not None else name


def notice_text(kind: NotificationKind, params: dict[str, Any], *, case_number: str | None,
                certificate_id: str | None, language: str, agency_name: Callable[[str], str]) -> NoticeText:
    gettext = translations(language).gettext
    due = params.get("due_at")
    values = {
        "number": case_number or "",
        "certificate": certificate_id or "",
        "agency": agency_name(params["agency"]) if params.get("agency") else "",
        "clock": clock_label(params.get("clock"), language),
        "due": local_datetime(datetime.fromisoformat(due), language) if due else "",
    }
    return NoticeText(label(kind, language), gettext(SENTENCES[kind]) % values)
