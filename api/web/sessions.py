"""Server-side web sessions: the browser holds only a signed, random session id.

Tokens never reach the browser. Sessions, logins in progress and stashed forms live in the
database (`web_sessions`), so every API process serves every session and a restart logs no one
out. A session idles out after `MIZAN_WEB_SESSION_IDLE_MINUTES`; a form posted to a session that
has ended is stashed first (see `stash`), so nothing typed is lost.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from itsdangerous import BadSignature, Signer
from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from api.auth import TokenUser
from api.web.config import cookie_secret, get_web_settings
from store.database import session_scope
from store.models import WebSessionRow

SESSION_COOKIE = "mizan_session"
STASH_COOKIE = "mizan_stash"
LOGIN_TTL_SECONDS = 600
STASH_TTL_SECONDS = 3600
#: a session's idle deadline is pushed forward at most this often: not one database write per page
TOUCH_INTERVAL_SECONDS = 60

SESSION, LOGIN, STASH = "session", "login", "stash"


@dataclass
class WebSession:
    sid: str
    user: TokenUser
    access_token: str
    access_expires_at: float
    refresh_token: str | None
    refresh_expires_at: float
    id_token: str | None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def to_data(self) -> dict[str, Any]:
        data = asdict(self)
        del data["sid"]
        return data

    @classmethod
    def from_data(cls, sid: str, data: dict[str, Any]) -> WebSession:
        user = dict(data["user"])
        user["roles"] = tuple(user["roles"])
        return cls(**{**data, "sid": sid, "user": TokenUser(**user)})


@dataclass(frozen=True)
class PendingLogin:
    verifier: str
    nonce: str
    next_path: str
    created: float


@dataclass(frozen=True)
class StashedForm:
    """What a user submitted when their session had ended: offered back after they log in again."""

    path: str  # the page the form belongs to
    action_path: str  # where it was posted
    items: tuple[tuple[str, str], ...]
    created: float

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> StashedForm:
        return cls(**{**data, "items": tuple((str(k), str(v)) for k, v in data["items"])})


SessionScope = Callable[[], AbstractContextManager[Session]]


class SessionStore:
    """The `web_sessions` table, row kinds `session`, `login` and `stash`; expired rows are never
    served and are purged whenever a new row is written."""

    def __init__(self, scope: SessionScope = session_scope) -> None:
        self._scope = scope

    @staticmethod
    def _idle() -> timedelta:
        return timedelta(minutes=get_web_settings().session_idle_minutes)

    def _put(self, key: str, kind: str, data: dict[str, Any], ttl: timedelta, username: str | None = None) -> None:
        now = datetime.now(UTC)
        with self._scope() as db:
            db.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
            db.merge(WebSessionRow(id=key, kind=kind, username=username, data=data, created_at=now,
                                   expires_at=now + ttl))

    def _live(self, db: Session, key: str, kind: str) -> WebSessionRow | None:
        return db.scalar(select(WebSessionRow).where(WebSessionRow.id == key, WebSessionRow.kind == kind,
                                                     WebSessionRow.expires_at > datetime.now(UTC)))

    def _take(self, key: str, kind: str) -> dict[str, Any] | None:
        """The live row's data, deleted in the same transaction: one taker wins, across processes."""
        with self._scope() as db:
            row = self._live(db, key, kind)
            if row is None:
                return None
            data = row.data
            taken = cast(CursorResult[Any], db.execute(
                delete(WebSessionRow).where(WebSessionRow.id == key, WebSessionRow.kind == kind)))
            return data if taken.rowcount == 1 else None

    # ---- sessions
    def create(self, session: WebSession) -> None:
        """Store a new session, or the same session with renewed tokens."""
        self._put(session.sid, SESSION, session.to_data(), self._idle(), session.user.username)

    def get(self, sid: str) -> WebSession | None:
        idle = self._idle()
        with self._scope() as db:
            row = self._live(db, sid, SESSION)
            if row is None:
                return None
            now = datetime.now(UTC)
            if row.expires_at < now + idle - timedelta(seconds=TOUCH_INTERVAL_SECONDS):
                row.expires_at = now + idle
            return WebSession.from_data(row.id, row.data)

    def drop(self, sid: str) -> WebSession | None:
        data = self._take(sid, SESSION)
        return WebSession.from_data(sid, data) if data is not None else None

    # ---- the PKCE login in progress, by its `state`
    def begin_login(self, state: str, login: PendingLogin) -> None:
        self._put(state, LOGIN, asdict(login), timedelta(seconds=LOGIN_TTL_SECONDS))

    def finish_login(self, state: str) -> PendingLogin | None:
        data = self._take(state, LOGIN)
        return PendingLogin(**data) if data is not None else None

    # ---- forms posted after the session ended
    def stash(self, form: StashedForm) -> str:
        key = secrets.token_urlsafe(24)
        self._put(key, STASH, asdict(form), timedelta(seconds=STASH_TTL_SECONDS))
        return key

    def peek_stash(self, key: str) -> StashedForm | None:
        with self._scope() as db:
            row = self._live(db, key, STASH)
            return StashedForm.from_data(row.data) if row is not None else None

    def take_stash(self, key: str) -> StashedForm | None:
        data = self._take(key, STASH)
        return StashedForm.from_data(data) if data is not None else None


STORE = SessionStore()


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def _signer() -> Signer:
    return Signer(cookie_secret(), salt="mizan-web-session")


def sign(value: str) -> str:
    return _signer().sign(value).decode()


def unsign(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return _signer().unsign(value).decode()
    except BadSignature:
        return None
