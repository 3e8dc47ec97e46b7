"""Test helpers: real tokens, the API as a demo user, polling for asynchronous projections."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from config.settings import Settings
from infra.demo import DEMO_PASSWORD


class Tokens:
    """Real access tokens from Keycloak's `mizan-cli` client (password grant), cached until near expiry."""

    def __init__(self, settings: Settings) -> None:
        self._url = f"{settings.issuer}/protocol/openid-connect/token"
        self._client_id = settings.cli_client_id
        self._cache: dict[str, tuple[str, float]] = {}

    def __call__(self, username: str) -> str:
        cached = self._cache.get(username)
        if cached and cached[1] > time.time() + 30:
            return cached[0]
        response = httpx.post(self._url, data={"grant_type": "password", "client_id": self._client_id,
                                               "username": username, "password": DEMO_PASSWORD}, timeout=30)
        response.raise_for_status()
        body = response.json()
        self._cache[username] = (body["access_token"], time.time() + body["expires_in"])
        return str(body["access_token"])


class Api:
    """The REST API as a given demo user."""

    def __init__(self, settings: Settings, tokens: Tokens) -> None:
        self._http = httpx.Client(base_url=settings.api_url, timeout=60)
        self._tokens = tokens

    def as_(self, username: str | None) -> Callable[..., httpx.Response]:
        def request(method: str, path: str, **kwargs: object) -> httpx.Response:
            headers = dict(kwargs.pop("headers", {}) or {})  # type: ignore[call-overload]
            if username:
                headers["Authorization"] = f"Bearer {self._tokens(username)}"
            return self._http.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]

        return request

    def close(self) -> None:
        self._http.close()



def wait_for(predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.25) -> Any:
    """Poll until `predicate()` is truthy (for projections that follow an action asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)
