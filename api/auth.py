"""Keycloak bearer tokens: verified against the realm's keys (cached), turned into an Actor."""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt
from jwt import PyJWKClient
from jwt.exceptions import PyJWKClientConnectionError

from config.settings import get_settings

log = logging.getLogger(__name__)

#: how long the realm's key set is trusted before it is fetched again: a key Keycloak removed (rotated out,
#: or revoked) stops verifying tokens within this time
KEYS_LIFESPAN_SECONDS = 300


@dataclass(frozen=True)
class TokenUser:
    username: str
    roles: tuple[str, ...]
    agency: str
    national_id: str | None
    name: str
    email: str | None = None


class RealmKeys(PyJWKClient):
    """The realm's signing keys, cached and refreshed: fetched again every KEYS_LIFESPAN_SECONDS and at once
    when a token names a key id not yet seen (a rotation; at most every 30 s). When Keycloak cannot be
    reached, the last key set fetched keeps verifying tokens: the login service being briefly away
    stops new logins, not the work of those already logged in."""

    def __init__(self, uri: str, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(uri, cache_keys=True, lifespan=KEYS_LIFESPAN_SECONDS, ssl_context=ssl_context)
        self._last_known: Any = None

    def fetch_data(self) -> Any:
        try:
            data = super().fetch_data()
        except PyJWKClientConnectionError:
            if self._last_known is None:
                raise
            log.warning("the login service's keys cannot be fetched; using the last key set fetched")
            return self._last_known
        self._last_known = data
        return data


@lru_cache
def _jwks() -> RealmKeys:
    settings = get_settings()
    context = ssl.create_default_context(cafile=str(settings.keycloak_ca_file)) if settings.keycloak_ca_file else None
    return RealmKeys(f"{settings.issuer}/protocol/openid-connect/certs", ssl_context=context)


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
