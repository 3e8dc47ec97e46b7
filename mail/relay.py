"""Sending through an SMTP relay: one connection for a batch of messages, and each refusal sorted into what
may succeed later (a busy or unreachable relay, a 4xx) and what never will (a 5xx for that recipient)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from types import TracebackType

from config.settings import Settings


class RelayUnavailable(Exception):
    """The relay cannot be reached or dropped the connection: nothing more can be sent now."""


class Refused(Exception):
    """The relay refused this one message; `permanent` when it never will take it (5xx)."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Relay:
    """`with Relay(settings) as relay: relay.send(message)`; connects on entry, says goodbye on exit."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Relay:
        host, port = self.settings.smtp_address
        try:
            smtp = smtplib.SMTP(host, port, timeout=self.settings.smtp_timeout_seconds)
            if self.settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.settings.smtp_username:
                password_file = self.settings.smtp_password_file
                password = password_file.read_text(encoding="utf-8").strip() if password_file else ""
                smtp.login(self.settings.smtp_username, password)
        except (OSError, smtplib.SMTPException) as error:
            raise RelayUnavailable(f"{host}:{port}: {error!r}") from error
        self._smtp = smtp
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def send(self, message: EmailMessage) -> None:
        assert self._smtp is not None, "send inside `with Relay(...)`"
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise Refused(f"recipient refused: {error.recipients!r}", permanent=all(c >= 500 for c in codes)) from error
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            raise Refused(f"{error.smtp_code} {error.smtp_error!r}", permanent=error.smtp_code >= 500) from error
        except (OSError, smtplib.SMTPException) as error:  # disconnected, timed out: the relay, not the message
            raise RelayUnavailable(repr(error)) from error
        if refused:  # some recipients of several refused; a notification email has one
            raise Refused(f"recipient refused: {refused!r}", permanent=False)
