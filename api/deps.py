"""Annotated dependencies: the database session, the Temporal client, the current user."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from temporalio.client import Client

from api.auth import InvalidToken, TokenUser, claimed_username, verify_token
from api.ratelimit import TokenBuckets, client_address
from core.agencies import AgencyTree
from core.case import Actor
from core.refusal import Refusal
from core.roles import Capability, known_roles, may
from store.agencies import load_agency_tree
from store.audit import Who, audit
from store.database import session_scope
from store.directory import Identity, upsert_identity

log = logging.getLogger("mizan.api")


def get_session() -> Iterator[Session]:
    with session_scope() as session:
        yield session


#: the transaction commits when the route returns, before the answer is sent (scope "function"): FastAPI's
#: default runs a yield dependency's exit after the response, so a client could be told 200 for a write whose
#: commit then failed, and its next request could read the database before the write was committed
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_temporal(request: Request) -> Client:
    client: Client = request.app.state.temporal
    return client


TemporalDep = Annotated[Client, Depends(get_temporal)]


#: failed logins audited per client address and minute (a flood of bad tokens is logged, not all audited)
_FAILED_LOGINS = TokenBuckets(rate_per_minute=30, burst=30)


def get_token_user(request: Request) -> TokenUser:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Refusal("unauthorized", 401, "a bearer token is required", "يلزم تسجيل الدخول")
    try:
        return verify_token(token)
    except InvalidToken as exc:
        # the reason stays in the log and the audit: the caller learns only that the token is not valid
        log.info("refused a token from %s: %s", client_address(request), exc)
        _audit_failed_login(request, token, str(exc))
        raise Refusal("invalid_token", 401, "the token is not valid", "رمز الدخول غير صالح") from exc


def _audit_failed_login(request: Request, token: str, reason: str) -> None:
    if _FAILED_LOGINS.take(client_address(request)) > 0:
        log.warning("failed logins from %s beyond the audit's rate: not audited one by one", client_address(request))
        return
    with session_scope() as session:
        audit(session, Who("anonymous", "", "", client_address(request)), "auth.failed",
              outcome="refused:invalid_token",
              detail={"claimed_username": claimed_username(token), "reason": reason[:200], "path": request.url.path})


def known_role_names(roles: Iterable[str]) -> list[str]:
    return [role.value for role in known_roles(roles)]


def actor_for(user: TokenUser, tree: AgencyTree) -> Actor:
    agency = tree.by_code.get(user.agency)
    oversees = may(user.roles, Capability.oversee_scope)
    national = oversees and tree.is_root(user.agency)
    scope = tree.subtree(user.agency) if oversees and agency else []
    return Actor(username=user.username, roles=list(user.roles), agency=user.agency,
                 agency_kind=agency.kind if agency else "", region=agency.region if agency else None,
                 scope=scope, national=national)


#: the identity each user was last written to the directory with, by this process
_KNOWN_IDENTITIES: dict[str, Identity] = {}


def remember_identity(user: TokenUser) -> None:
    """Keep the notification directory's entry for the caller current (store.directory): written when the
    token says something the directory was not last told by this process, so most calls write nothing."""
    identity = Identity(user.username, user.name, user.agency, tuple(sorted(known_role_names(user.roles))),
                        user.email)
    if _KNOWN_IDENTITIES.get(user.username) == identity:
        return
    with session_scope() as session:
        upsert_identity(session, identity, datetime.now(UTC))
    _KNOWN_IDENTITIES[user.username] = identity


def get_actor(user: Annotated[TokenUser, Depends(get_token_user)], session: SessionDep) -> Actor:
    remember_identity(user)
    return actor_for(user, load_agency_tree(session))


CurrentUser = Annotated[Actor, Depends(get_actor)]
