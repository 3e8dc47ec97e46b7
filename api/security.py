"""Headers every response carries: a Content-Security-Policy on every page (only Mizan's own scripts,
styles and images; forms post only to Mizan and to the login service; no page may be framed), and the
usual guards against sniffing and referrers. Pages draw nothing from elsewhere (htmx is served by Mizan,
its indicator styles off), so the policy needs no exception."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(login_origin: str) -> str:
    return "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        # logging out posts to Mizan, which sends the browser on to the login service's logout
        f"form-action 'self' {login_origin}",
    ))


DEVELOPER_PAGES = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})


class SecurityHeaders:
    """ASGI middleware: the headers above, on every HTTP response (the policy on HTML ones)."""

    def __init__(self, app: ASGIApp, login_origin: str) -> None:
        self.app = app
        self.policy = content_security_policy(login_origin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                # FastAPI's own /docs and /redoc pages run an inline script and load their assets from a CDN:
                # developer pages, left out of the policy (the JSON at /openapi.json is what clients use)
                if headers.get("content-type", "").startswith("text/html") and scope["path"] not in DEVELOPER_PAGES:
                    headers.setdefault("Content-Security-Policy", self.policy)
                    headers.setdefault("X-Frame-Options", "DENY")
            await send(message)

        await self.app(scope, receive, with_headers)
