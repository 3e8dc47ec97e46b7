"""The web's own settings (`MIZAN_WEB_*`), and where its generated files live."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from config.settings import get_settings

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
LANGUAGE_COOKIE = "mizan_lang"


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MIZAN_WEB_", env_file=".env", extra="ignore")

    session_idle_minutes: int = 30  # Keycloak's own SSO idle timeout is 30 minutes too
    htmx_version: str = "2.0.11"
    cookie_secret: str | None = None  # default: a random secret kept in the state directory


@lru_cache
def get_web_settings() -> WebSettings:
    return WebSettings()


def generated_dir() -> Path:
    """Files fetched at set-up (htmx, a pinned version): never in the repository, shareable between checkouts."""
    return get_settings().cache_dir / "web"


def vendor_dir() -> Path:
    return generated_dir() / "vendor"


@lru_cache
def cookie_secret() -> str:
    configured = get_web_settings().cookie_secret
    if configured:
        return configured
    path = get_settings().state_dir / "web-cookie.secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
