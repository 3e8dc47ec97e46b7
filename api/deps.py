"""Annotated dependencies: the database session, the Temporal client, the current user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from temporalio.client import Client

from activities.database import session_scope
from api.agencies import AgencyTree
from api.auth import InvalidToken, TokenUser, verify_token
from api.errors import ApiError
from core.case import Actor


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
        raise ApiError(401, "unauthorized", "a bearer token is required", "يلزم تسجيل الدخول")
    try:
        return verify_token(token)
    except InvalidToken as exc:
        raise ApiError(401, "invalid_token", f"the token is not valid: {exc}", "رمز الدخول غير صالح") from exc


def actor_for(user: TokenUser, tree: AgencyTree) -> Actor:
    agency = tree.by_code.get(user.agency)
    national = "supervisor" in user.roles and tree.is_root(user.agency)
    scope = tree.subtree(user.agency) if "supervisor" in user.roles and agency else []
    return Actor(username=user.username, roles=list(user.roles), agency=user.agency,
                 agency_kind=agency.kind if agency else "", region=agency.region if agency else None,
                 scope=scope, national=national)


def get_actor(user: Annotated[TokenUser, Depends(get_token_user)], session: SessionDep) -> Actor:
    return actor_for(user, AgencyTree.load(session))


CurrentUser = Annotated[Actor, Depends(get_actor)]
