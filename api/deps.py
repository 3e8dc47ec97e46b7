"""Annotated dependencies: the database session, the Temporal client, the current user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from temporalio.client import Client

from api.auth import InvalidToken, TokenUser, verify_token
from core.agencies import AgencyTree
from core.case import Actor
from core.refusal import Refusal
from core.roles import Capability, may
from store.agencies import load_agency_tree
from store.database import session_scope


def get_session() -> Iterator[Session]:
    with session_scope() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_temporal(request: Request) -> Client:
    client: Client = request.app.state.temporal
    return client


TemporalDep = Annotated[Client, Depends(get_temporal)]


def get_token_user(request: Request) -> TokenUser:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Refusal("unauthorized", 401, "a bearer token is required", "يلزم تسجيل الدخول")
    try:
        return verify_token(token)
    except InvalidToken as exc:
        raise Refusal("invalid_token", 401, f"the token is not valid: {exc}", "رمز الدخول غير صالح") from exc


def actor_for(user: TokenUser, tree: AgencyTree) -> Actor:
    agency = tree.by_code.get(user.agency)
    oversees = may(user.roles, Capability.oversee_scope)
    national = oversees and tree.is_root(user.agency)
    scope = tree.subtree(user.agency) if oversees and agency else []
    return Actor(username=user.username, roles=list(user.roles), agency=user.agency,
                 agency_kind=agency.kind if agency else "", region=agency.region if agency else None,
                 scope=scope, national=national)


def get_actor(user: Annotated[TokenUser, Depends(get_token_user)], session: SessionDep) -> Actor:
    return actor_for(user, load_agency_tree(session))


CurrentUser = Annotated[Actor, Depends(get_actor)]
