"""Keycloak login for the web: authorization code with PKCE (client `mizan-web`: public, or confidential with
its secret from a mounted file, `web_client_secret_file`).

The access token is verified like the API's (api.auth.verify_token: signature, issuer, audience
`mizan-api`); the ID token is taken from the back channel (the token endpoint), so per OpenID
Connect Core 3.1.3.7 its nonce and audience are checked without re-verifying its signature.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from api.auth import InvalidToken, verify_token
from api.web.sessions import PendingLogin, WebSession, new_session_id
from config.settings import get_settings

TOKEN_TIMEOUT_SECONDS = 15
REFRESH_MARGIN_SECONDS = 30


class LoginFailed(Exception):
    pass


def _endpoint(name: str) -> str:
    return f"{get_settings().issuer}/protocol/openid-connect/{name}"


#: how long the answer of `login_service_up` is kept (every login asks)
_UP_FOR_SECONDS = 10.0
_last_seen_up: float = 0.0


def login_service_up() -> bool:
    """Does the login service answer? Asked before sending a browser there: when it is down, the web says so
    in the person's language instead of the browser's own error page. (A valid session keeps working.)"""
    global _last_seen_up
    if time.monotonic() - _last_seen_up < _UP_FOR_SECONDS:
        return True
    try:
        up = httpx.get(f"{get_settings().issuer}/.well-known/openid-configuration", timeout=3).status_code == 200
    except httpx.HTTPError:
        up = False
    if up:
        _last_seen_up = time.monotonic()
    return up


def new_login(next_path: str) -> tuple[str, PendingLogin, str]:
    """A fresh `state`, what to remember about it, and the PKCE challenge to send."""
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    login = PendingLogin(verifier=verifier, nonce=secrets.token_urlsafe(24), next_path=next_path, created=time.time())
    return secrets.token_urlsafe(24), login, challenge


def authorization_url(state: str, login: PendingLogin, challenge: str, redirect_uri: str, language: str) -> str:
    query = {
        "client_id": get_settings().web_client_id, "response_type": "code", "scope": "openid",
        "redirect_uri": redirect_uri, "state": state, "nonce": login.nonce,
        "code_challenge": challenge, "code_challenge_method": "S256", "ui_locales": language,
    }
    return f"{_endpoint('auth')}?{urlencode(query)}"


def logout_url(id_token: str | None, post_logout_redirect_uri: str) -> str:
    query = {"client_id": get_settings().web_client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    if id_token:
        query["id_token_hint"] = id_token
    return f"{_endpoint('logout')}?{urlencode(query)}"


def client_credentials() -> dict[str, str]:
    """The web client's identity at the token endpoint, with its secret when it is a confidential client: read
    from its file each time, so the secret in force is whatever the mounted secret holds now."""
    settings = get_settings()
    credentials = {"client_id": settings.web_client_id}
    if settings.web_client_secret_file is not None:
        credentials["client_secret"] = settings.web_client_secret_file.read_text(encoding="utf-8").strip()
    return credentials


async def _token_request(form: dict[str, str]) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=TOKEN_TIMEOUT_SECONDS) as client:
        response = await client.post(_endpoint("token"), data={**client_credentials(), **form})
    if response.status_code != 200:
        raise LoginFailed(f"token endpoint answered {response.status_code}")
    body: dict[str, Any] = response.json()
    return body


def _session_from(body: dict[str, Any], sid: str, nonce: str | None) -> WebSession:
    try:
        user = verify_token(body["access_token"])
    except (InvalidToken, KeyError) as exc:
        raise LoginFailed(f"access token rejected: {exc}") from exc
    id_token = body.get("id_token")
    if nonce is not None:
        claims = jwt.decode(id_token or "", options={"verify_signature": False})
        if claims.get("nonce") != nonce or get_settings().web_client_id not in _audiences(claims):
            raise LoginFailed("the ID token does not answer this login")
    now = time.time()
    return WebSession(
        sid=sid, user=user, access_token=body["access_token"],
        access_expires_at=now + float(body.get("expires_in", 60)), refresh_token=body.get("refresh_token"),
        refresh_expires_at=now + float(body.get("refresh_expires_in", 0) or 0), id_token=id_token)


def _audiences(claims: dict[str, Any]) -> list[str]:
    aud = claims.get("aud", [])
    return [aud] if isinstance(aud, str) else list(aud)


async def complete_login(code: str, login: PendingLogin, redirect_uri: str) -> WebSession:
    body = await _token_request({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                                 "code_verifier": login.verifier})
    return _session_from(body, new_session_id(), login.nonce)


def needs_refresh(session: WebSession) -> bool:
    return time.time() > session.access_expires_at - REFRESH_MARGIN_SECONDS


async def refresh(session: WebSession) -> WebSession | None:
    """New tokens for the same web session, or None when Keycloak's session has ended."""
    if not session.refresh_token or (session.refresh_expires_at and time.time() > session.refresh_expires_at):
        return None
    try:
        body = await _token_request({"grant_type": "refresh_token", "refresh_token": session.refresh_token})
        renewed = _session_from(body, session.sid, None)
    except (LoginFailed, httpx.HTTPError):
        return None
    renewed.csrf = session.csrf
    renewed.id_token = renewed.id_token or session.id_token
    return renewed
