"""Idempotency keys in the database, on both backends: held per user and key, the first answer kept, the
same key with another request refused, a refused request's key freed."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from store.idempotency import KeyReused, claim, fingerprint, release, remember


def test_a_key_is_held_answered_and_found_again(db_engine: Engine) -> None:
    request = fingerprint({"action": "add_party", "fields": {"name": "هدى", "role": "witness"}})
    with Session(db_engine) as session:
        assert claim(session, "officer", "k1", request).result is None
        assert claim(session, "officer", "k1", request).result is None  # asked again before the first answer
        remember(session, "officer", "k1", '{"seq": 2}')
        assert claim(session, "officer", "k1", request).result == '{"seq": 2}'
        # the key is the user's own: another user's k1 is another request
        assert claim(session, "chief", "k1", fingerprint({"other": 1})).result is None


def test_the_same_key_with_another_request_is_refused(db_engine: Engine) -> None:
    with Session(db_engine) as session:
        claim(session, "officer", "k2", fingerprint({"fields": {"name": "أ"}}))
        with pytest.raises(KeyReused):
            claim(session, "officer", "k2", fingerprint({"fields": {"name": "ب"}}))


def test_a_refused_request_frees_its_key_but_an_answered_one_keeps_it(db_engine: Engine) -> None:
    first, second = fingerprint({"n": 1}), fingerprint({"n": 2})
    with Session(db_engine) as session:
        claim(session, "officer", "k3", first)
        release(session, "officer", "k3")
        assert claim(session, "officer", "k3", second).result is None
        remember(session, "officer", "k3", "answer")
        release(session, "officer", "k3")  # too late: it was answered
        with pytest.raises(KeyReused):
            claim(session, "officer", "k3", first)


def test_the_fingerprint_ignores_the_order_of_keys() -> None:
    assert fingerprint({"a": 1, "b": {"c": 2, "d": 3}}) == fingerprint({"b": {"d": 3, "c": 2}, "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": "1"})
