"""A notification as an email: plain text and HTML in the recipient's language, and a Message-ID that is
the same for every try of the same delivery (so that a relay, or a mail client, that has the message already
knows a second copy for the same message)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from config.settings import Settings
from core.vocabulary import NotificationKind
from i18n.catalogs import LANGUAGES, language_of, translations
from i18n.notices import notice_text

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def message_id(notification_id: str, recipient: str, domain: str) -> str:
    """One delivery's Message-ID: the notification, and whom it goes to."""
    digest = hashlib.sha256(recipient.encode("utf-8")).hexdigest()[:12]
    return f"<{notification_id}.{digest}@{domain}>"


@lru_cache
def _environment(language: str) -> Environment:
    assert language in LANGUAGES
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


def link_for(settings: Settings, kind: NotificationKind, case_id: str | None, certificate_id: str | None) -> str:
    """Where the recipient acts on it: the case, the certificate, or their inbox."""
    base = settings.web_url
    if case_id:
        return f"{base}/web/cases/{case_id}"
    if certificate_id and kind in (NotificationKind.certificate_to_review, NotificationKind.certificate_review_overdue):
        return f"{base}/web/certificates/reviews"
    if certificate_id:
        return f"{base}/web/certificates"
    return f"{base}/web/notifications"


def compose(settings: Settings, *, notification_id: str, recipient: str, address: str, display_name: str,
            language: str, kind: NotificationKind, params: dict[str, Any], case_id: str | None,
            case_number: str | None, certificate_id: str | None,
            agency_name: Callable[[str, str], str]) -> EmailMessage:
    language = language_of(language)
    text = notice_text(kind, params, case_number=case_number, certificate_id=certificate_id, language=language,
                       agency_name=lambda code: agency_name(code, language))
    context = {"name": display_name or recipient, "title": text.title, "sentence": text.sentence,
               "link": link_for(settings, kind, case_id, certificate_id),
               "preferences_link": f"{settings.web_url}/web/notifications/preferences",
               "language": language, "direction": "rtl" if language == "ar" else "ltr"}
    env = _environment(language)
    gettext = translations(language).gettext
    message = EmailMessage()
    subject_about = case_number or certificate_id
    message["Subject"] = f"{gettext('Mizan')}: {text.title}" + (f" — {subject_about}" if subject_about else "")
    sender_name, sender_address = parseaddr(settings.mail_from)
    message["From"] = Address(sender_name, addr_spec=sender_address)
    message["To"] = Address(display_name or recipient, addr_spec=address)
    message["Message-ID"] = message_id(notification_id, recipient, settings.mail_domain)
    message["Date"] = formatdate(usegmt=True)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to it
    message["X-Mizan-Notification"] = notification_id
    message.set_content(env.get_template("notification.txt").render(context))
    message.add_alternative(env.get_template("notification.html").render(context), subtype="html")
    message["Content-Language"] = language  # after the bodies: setting a body clears the Content-* headers
    return message
