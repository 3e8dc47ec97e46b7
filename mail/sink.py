"""The development SMTP sink (`python -m mail.sink`, started by `./mizan up` and `./mizan test`): takes
every message it is sent, keeps each as an .eml file under `state_dir/mail/messages/`, and lists it in
`state_dir/mail/received.jsonl` (what `./mizan mail` and the tests read). It delivers nothing onwards."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from config.settings import Settings, get_settings

log = logging.getLogger("mizan.mail.sink")
INDEX = "received.jsonl"


@dataclass(frozen=True)
class Received:
    received_at: str
    message_id: str
    to: list[str]
    subject: str
    language: str
    notification: str
    file: str


class SinkHandler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        (directory / "messages").mkdir(parents=True, exist_ok=True)
        self.count = sum(1 for _ in (directory / "messages").glob("*.eml"))

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        self.count += 1
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{self.count:07d}.eml"
        (self.directory / "messages" / name).write_bytes(content)
        entry = Received(received_at=datetime.now(UTC).isoformat(), message_id=str(parsed.get("Message-ID", "")),
                         to=[str(r) for r in envelope.rcpt_tos], subject=str(parsed.get("Subject", "")),
                         language=str(parsed.get("Content-Language", "")),
                         notification=str(parsed.get("X-Mizan-Notification", "")), file=name)
        with (self.directory / INDEX).open("a", encoding="utf-8") as index:
            index.write(json.dumps(entry.__dict__, ensure_ascii=False) + "\n")
        return "250 Message accepted for delivery"


def received(settings: Settings) -> list[Received]:
    """Everything the sink has taken, oldest first."""
    path = settings.mail_dir / INDEX
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Received(**json.loads(line)) for line in lines if line.strip()]


def mailbox(settings: Settings) -> list[Received]:
    """What the recipients' mailboxes show: one message per Message-ID and recipient, as mail stores keep it
    (Exchange's duplicate detection, Gmail): a message sent again after its sender died between the relay's
    acceptance and its own record of it (store.notifications) is the same message, not a second one."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    kept = []
    for entry in received(settings):
        key = (entry.message_id, tuple(entry.to))
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return kept


def read_message(settings: Settings, entry: Received) -> EmailMessage:
    data = (settings.mail_dir / "messages" / entry.file).read_bytes()
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def plain_text(message: EmailMessage) -> str:
    part: Any = message.get_body(preferencelist=("plain",))
    return str(part.get_content()) if part is not None else ""


async def serve(settings: Settings) -> None:
    host, port = settings.host, settings.smtp_port
    settings.mail_dir.mkdir(parents=True, exist_ok=True)
    settings.mail_dir.chmod(0o700)  # what was sent names cases: the owner's only
    controller = Controller(SinkHandler(settings.mail_dir), hostname=host, port=port)
    controller.start()
    log.info("mail sink on %s:%s keeping messages in %s", host, port, settings.mail_dir)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        controller.stop()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(serve(get_settings()))


if __name__ == "__main__":
    main()
