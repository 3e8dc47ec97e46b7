"""`./mizan mail`: what the development SMTP sink received, and where the email queue stands.

    ./mizan mail                 the last 20 messages (newest last) and the queue's counts
    ./mizan mail --last 100      more of them
    ./mizan mail --show N        message N of the list (1 = the oldest), its plain text in full
"""

from __future__ import annotations

import argparse

from config.settings import get_settings
from mail.sink import mailbox, plain_text, read_message, received


def main(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mizan mail", description="what the development mail sink received")
    parser.add_argument("--last", type=int, default=20, help="how many of the newest messages to list")
    parser.add_argument("--show", type=int, help="print message N (1 = the oldest) in full")
    options = parser.parse_args(args)
    settings = get_settings()
    messages = received(settings)
    if options.show is not None:
        if not 1 <= options.show <= len(messages):
            print(f"no message {options.show}: the sink holds {len(messages)}")
            return 2
        entry = messages[options.show - 1]
        message = read_message(settings, entry)
        for header in ("Date", "From", "To", "Subject", "Message-ID", "Content-Language"):
            print(f"{header}: {message.get(header, '')}")
        print()
        print(plain_text(message))
        return 0
    first = max(0, len(messages) - options.last)
    for number, entry in enumerate(messages[first:], start=first + 1):
        print(f"{number:>6}  {entry.received_at[:19]}  {', '.join(entry.to):<36}  {entry.subject}")
    distinct = len(mailbox(settings))
    again = f" ({len(messages) - distinct} sent again under the same Message-ID)" if distinct != len(messages) else ""
    print(f"{len(messages)} message{'s' if len(messages) != 1 else ''} in {settings.mail_dir}{again}")
    print(f"email queue: {_queue_counts() or 'empty'}")
    return 0


def _queue_counts() -> str:
    from store.database import session_scope
    from store.notifications import queue_counts

    try:
        with session_scope() as session:
            counts = queue_counts(session)
    except Exception as error:  # the database is not there yet: the sink's list is still worth showing
        return f"unknown ({error.__class__.__name__})"
    return ", ".join(f"{status} {count}" for status, count in sorted(counts.items()))
