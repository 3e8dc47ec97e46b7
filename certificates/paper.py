"""What an issued certificate is made of beside its content: a verification code, the address that
checks it, and its PDF file under the state directory."""

from __future__ import annotations

import secrets
from pathlib import Path

from config.settings import get_settings

#: no 0/O or 1/I: a code is read aloud and typed from paper
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def pdf_path(certificate_id: str) -> Path:
    return get_settings().state_dir / "certificates" / f"{certificate_id}.pdf"


def verify_url(code: str) -> str:
    settings = get_settings()
    return f"{(settings.public_url or settings.api_url).rstrip('/')}/verify/{code}"


def new_verification_code() -> str:
    """MZN- and three groups of five from a 32-letter alphabet: 75 random bits."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(15))
    return "MZN-" + "-".join(letters[i:i + 5] for i in range(0, 15, 5))
