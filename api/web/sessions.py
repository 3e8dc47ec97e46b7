"""Server-side web sessions: the browser holds only a signed, random session id.

Tokens never reach the browser. Sessions live in this API process's memory (one uvicorn process
serves the web); a restart asks everyone to log in again, which loses nothing a user typed because
a form posted to an unknown session is stashed first (see `stash_form`).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from itsdangerous import BadSignature, Signer

from api.auth import TokenUser
from api.web.config import cookie_secret, get_web_settings

SESSION_COOKIE = "mizan_session"
STASH_COOKIE = "mizan_stash"
LOGIN_TTL_SECONDS = 600
STASH_TTL_SECONDS = 3600


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
    last_seen: float = field(default_factory=time.time)


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


class SessionStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, WebSession] = {}
        self._logins: dict[str, PendingLogin] = {}
        self._stashes: dict[str, StashedForm] = {}

    # ---- sessions
    def create(self, session: WebSession) -> None:
        with self._lock:
            self._sessions[session.sid] = session

    def get(self, sid: str) -> WebSession | None:
        idle = get_web_settings().session_idle_minutes * 60
        now = time.time()
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                return None
            if now - session.last_seen > idle:
                del self._sessions[sid]
                return None
            session.last_seen = now
            return session

    def drop(self, sid: str) -> WebSession | None:
        with self._lock:
            return self._sessions.pop(sid, None)

    # ---- the PKCE login in progress, by its `state`
    def begin_login(self, state: str, login: PendingLogin) -> None:
        with self._lock:
            self._expire(self._logins, LOGIN_TTL_SECONDS)
            self._logins[state] = login

    def finish_login(self, state: str) -> PendingLogin | None:
        with self._lock:
            login = self._logins.pop(state, None)
        if login is None or time.time() - login.created > LOGIN_TTL_SECONDS:
            return None
        return login

    # ---- forms posted after the session ended
    def stash(self, form: StashedForm) -> str:
        key = secrets.token_urlsafe(24)
        with self._lock:
            self._expire(self._stashes, STASH_TTL_SECONDS)
            self._stashes[key] = form
        return key

    def peek_stash(self, key: str) -> StashedForm | None:
        with self._lock:
            return self._stashes.get(key)

    def take_stash(self, key: str) -> StashedForm | None:
        with self._lock:
            return self._stashes.pop(key, None)

    @staticmethod
    def _expire(table: dict[str, PendingLogin] | dict[str, StashedForm], ttl: float) -> None:
        cutoff = time.time() - ttl
        for key in [k for k, v in table.items() if v.created < cutoff]:
            del table[key]


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
