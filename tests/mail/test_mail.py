"""Mail without the other services: a notification written as email in both languages from the shared
catalogs, the same Message-ID for every try, and the development sink taking what the relay client sends."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.settings import Settings
from core.vocabulary import NotificationKind
from mail.compose import compose, message_id
from mail.relay import Relay, RelayUnavailable
from mail.sink import SinkHandler, plain_text, read_message, received

DUE = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)  # 12:30 in Tripoli
NAMES = {("station.tripoli.central", "ar"): "مركز شرطة طرابلس المركز",
         ("station.tripoli.central", "en"): "Tripoli Central Police Station"}


def _message(settings: Settings, language: str) -> object:
    return compose(settings, notification_id="abc123", recipient="prosecutor.tripoli", address="p@mizan.example",
                   display_name="نوري القماطي", language=language, kind=NotificationKind.handoff_arrived,
                   params={"agency": "station.tripoli.central", "due_at": DUE.isoformat()}, case_id="c1",
                   case_number="TRP-2026-000001", certificate_id=None,
                   agency_name=lambda code, lang: NAMES[(code, lang)])


def test_an_email_in_arabic_and_in_english_from_the_catalogs() -> None:
    settings = Settings(public_url="https://mizan.gov.ly")
    arabic = _message(settings, "ar")
    english = _message(settings, "en")
    ar_text = plain_text(arabic)  # type: ignore[arg-type]
    en_text = plain_text(english)  # type: ignore[arg-type]
    assert "أحال مركز شرطة طرابلس المركز ملف القضية TRP-2026-000001" in ar_text
    assert "02/12/2026 12:30" in ar_text  # Tripoli time, Western digits
    assert "Case TRP-2026-000001 has been handed over by Tripoli Central Police Station" in en_text
    assert "https://mizan.gov.ly/web/cases/c1" in en_text
    assert arabic["Content-Language"] == "ar" and english["Content-Language"] == "en"  # type: ignore[index]
    assert "TRP-2026-000001" in str(english["Subject"])  # type: ignore[index]
    html = english.get_body(preferencelist=("html",)).get_content()  # type: ignore[attr-defined]
    assert 'dir="ltr"' in html and 'dir="rtl"' in arabic.get_body(  # type: ignore[attr-defined]
        preferencelist=("html",)).get_content()


def test_every_try_of_a_delivery_has_the_same_message_id() -> None:
    settings = Settings()
    first, second = _message(settings, "ar"), _message(settings, "ar")
    assert first["Message-ID"] == second["Message-ID"] == message_id("abc123", "prosecutor.tripoli",  # type: ignore[index]
                                                                    settings.mail_domain)
    assert message_id("abc123", "chiefpros.tripoli", "x") != message_id("abc123", "prosecutor.tripoli", "x")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[Settings]:
    """The development sink, in this process, on a free port."""
    from aiosmtpd.controller import Controller

    settings = Settings(state_dir=tmp_path, smtp_port=_free_port())
    controller = Controller(SinkHandler(settings.mail_dir), hostname="127.0.0.1", port=settings.smtp_port)
    controller.start()
    try:
        yield settings
    finally:
        controller.stop()


def test_the_sink_keeps_what_the_relay_client_sends(sink: Settings) -> None:
    with Relay(sink) as relay:
        relay.send(_message(sink, "ar"))  # type: ignore[arg-type]
        relay.send(_message(sink, "en"))  # type: ignore[arg-type]
    kept = received(sink)
    assert [k.language for k in kept] == ["ar", "en"]
    assert kept[0].to == ["p@mizan.example"] and kept[0].notification == "abc123"
    assert "TRP-2026-000001" in plain_text(read_message(sink, kept[1]))


def test_no_relay_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(RelayUnavailable), Relay(Settings(state_dir=tmp_path, smtp_port=_free_port())):
        pass
