"""The web's server-side session store in the database: a session written by one API process is served
by another (or by the same one restarted), logins in progress are single-use, stashed forms survive,
and whatever has expired is neither served nor kept."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from api.auth import TokenUser
from api.web.sessions import PendingLogin, SessionStore, StashedForm, WebSession, new_session_id
from store.models import WebSessionRow


def _store(engine: Engine) -> SessionStore:
    """A store with its own sessions on `engine`: what a separate API process would have."""

    @contextmanager
    def scope() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session

    return SessionStore(scope)


def _web_session() -> WebSession:
    user = TokenUser(username="officer.tripoli", roles=("police_officer",), agency="station.tripoli.central",
                     national_id=None, name="ضابط طرابلس")
    return WebSession(sid=new_session_id(), user=user, access_token="access-token", access_expires_at=1e10,
                      refresh_token="refresh-token", refresh_expires_at=1e10, id_token="id-token")


def _expire(engine: Engine, key: str) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(WebSessionRow).where(WebSessionRow.id == key)
                        .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))


def test_a_session_written_by_one_process_is_served_by_another(db_engine: Engine) -> None:
    created = _web_session()
    _store(db_engine).create(created)
    found = _store(db_engine).get(created.sid)  # nothing shared but the database
    assert found == created
    assert found is not None and found.user.roles == ("police_officer",)
    assert _store(db_engine).drop(created.sid) == created
    assert _store(db_engine).get(created.sid) is None


def test_renewed_tokens_replace_the_old_ones_under_the_same_id(db_engine: Engine) -> None:
    store = _store(db_engine)
    session = _web_session()
    store.create(session)
    session.access_token = "renewed"
    store.create(session)
    found = store.get(session.sid)
    assert found is not None and found.access_token == "renewed" and found.csrf == session.csrf


def test_an_idle_session_is_not_served_and_is_purged(db_engine: Engine) -> None:
    store = _store(db_engine)
    idle, live = _web_session(), _web_session()
    store.create(idle)
    _expire(db_engine, idle.sid)
    assert store.get(idle.sid) is None
    store.create(live)  # every write purges what has expired
    with Session(db_engine) as session:
        assert session.scalars(select(WebSessionRow.id)).all() == [live.sid]


def test_a_login_in_progress_is_finished_once(db_engine: Engine) -> None:
    login = PendingLogin(verifier="v", nonce="n", next_path="/web/cases/new", created=1.0)
    _store(db_engine).begin_login("state-1", login)
    assert _store(db_engine).finish_login("state-1") == login
    assert _store(db_engine).finish_login("state-1") is None  # a replayed callback finds nothing
    _store(db_engine).begin_login("state-2", login)
    _expire(db_engine, "state-2")
    assert _store(db_engine).finish_login("state-2") is None


def test_a_stashed_form_is_kept_until_taken(db_engine: Engine) -> None:
    form = StashedForm(path="/web/cases/c1", action_path="/web/cases/c1/documents",
                       items=(("title", "محضر الضبط"), ("title", "ثان")), created=1.0)
    key = _store(db_engine).stash(form)
    assert _store(db_engine).peek_stash(key) == form
    assert _store(db_engine).take_stash(key) == form
    assert _store(db_engine).peek_stash(key) is None
    with Session(db_engine) as session:
        assert session.scalar(select(func.count()).select_from(WebSessionRow)) == 0
