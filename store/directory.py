"""The directory of users who can be told (store.models.DirectoryUser): who works where, in which roles,
and how each wants to be reached.

Keycloak is the source of who a user is; the directory keeps what notifications need to find them when they
are not calling: loaded from the demo realm at set-up (infra), and refreshed from each user's own token when
they call (api.deps) — an identity change is written, an unchanged one costs nothing. Preferences are the
user's own, and neither source overwrites them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.notifications import AgencyRoles, Audience, Person
from core.vocabulary import NotificationKind
from store.models import DirectoryUser


@dataclass(frozen=True)
class Identity:
    """What the identity provider says of a user."""

    username: str
    display_name: str
    agency: str
    roles: tuple[str, ...]
    email: str | None


@dataclass(frozen=True)
class Preferences:
    language: str
    email_enabled: bool
    muted_kinds: frozenset[NotificationKind]


def upsert_identity(session: Session, identity: Identity, now: datetime) -> bool:
    """Create or refresh a user's entry; True when something was written."""
    row = session.get(DirectoryUser, identity.username)
    values: dict[str, object] = dict(display_name=identity.display_name, agency=identity.agency,
                                     roles=sorted(identity.roles), active=True)
    if identity.email is not None:  # a token without an address leaves the one the directory has
        values["email"] = identity.email
    if row is None:
        try:
            with session.begin_nested():
                session.add(DirectoryUser(username=identity.username, updated_at=now, language="ar",
                                          email_enabled=True, muted_kinds=[], **values))
            return True
        except IntegrityError:  # another request made it first: refresh that one
            row = session.get(DirectoryUser, identity.username)
            assert row is not None
    if all(getattr(row, key) == value for key, value in values.items()):
        return False
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = now
    return True


def upsert_identities(session: Session, identities: Iterable[Identity], now: datetime) -> int:
    return sum(upsert_identity(session, identity, now) for identity in identities)


def preferences_of(session: Session, username: str) -> Preferences | None:
    row = session.get(DirectoryUser, username)
    if row is None:
        return None
    return Preferences(row.language, row.email_enabled, frozenset(NotificationKind(k) for k in row.muted_kinds
                                                                   if k in NotificationKind.__members__))


def set_preferences(session: Session, username: str, preferences: Preferences, now: datetime) -> bool:
    """A user's own choice; False for a user the directory does not know."""
    row = session.get(DirectoryUser, username)
    if row is None:
        return False
    row.language = preferences.language
    row.email_enabled = preferences.email_enabled
    row.muted_kinds = sorted(k.value for k in preferences.muted_kinds)
    row.updated_at = now
    return True


def members(session: Session, audiences: Sequence[Audience]) -> list[DirectoryUser]:
    """The active users the audiences name, each once, in the order first named."""
    found: dict[str, DirectoryUser] = {}
    for audience in audiences:
        match audience:
            case AgencyRoles(agency=agency, roles=roles):
                rows = session.scalars(select(DirectoryUser).where(DirectoryUser.agency == agency,
                                                                   DirectoryUser.active.is_(True))
                                       .order_by(DirectoryUser.username))
                wanted = {role.value for role in roles}
                for row in rows:
                    if wanted & set(row.roles):
                        found.setdefault(row.username, row)
            case Person(username=username):
                person = session.get(DirectoryUser, username)
                if person is not None and person.active:
                    found.setdefault(username, person)
    return list(found.values())


def display_names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """The names people go by (as their identity provider gives them), by username, for those who have one: a
    page names people, not their accounts."""
    wanted = sorted({u for u in usernames if u})
    if not wanted:
        return {}
    rows = session.execute(select(DirectoryUser.username, DirectoryUser.display_name)
                           .where(DirectoryUser.username.in_(wanted))).tuples()
    return {username: name for username, name in rows if name}
