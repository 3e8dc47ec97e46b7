"""Keycloak bearer tokens: verified against the realm's keys (cached), turned into an Actor."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt
from jwt import PyJWKClient

from config.settings import get_settings


@dataclass(frozen=True)
class TokenUser:
    username: str
    roles: tuple[str, ...]
    agency: str
    national_id: str | None
    name: str
    email: str | None = None


@lru_cache
def _jwks() -> PyJWKClient:
    settings = get_settings()
    # PyJWKClient caches the key set and refetches it when a token names an unknown key id
    return PyJWKClient(f"{settings.issuer}/protocol/openid-connect/certs", cache_keys=True, lifespan=3600)


class InvalidToken(Exception):
    pass


def verify_token(token: str) -> TokenUser:
    settings = get_settings()
    try:
        key = _jwks().get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(token, key.key, algorithms=["RS256"], audience=settings.api_audience,
                                            issuer=settings.issuer, options={"require": ["exp", "iat"]})
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    roles = tuple(claims.get("realm_access", {}).get("roles", []))
    return TokenUser(
        username=claims.get("preferred_username", claims["sub"]),
        roles=roles,
        agency=claims.get("agency") or "",
        national_id=claims.get("national_id"),
        name=claims.get("name", ""),
        email=claims.get("email") or None,
    )


def claimed_username(token: str) -> str | None:
    """Who a token says it is, unverified: for the audit of a refused login only, never to trust."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False, "verify_exp": False, "verify_aud": False})
    except jwt.PyJWTError:
        return None
    name = claims.get("preferred_username") or claims.get("sub")
    return str(name)[:128] if name else None
