"""What an issued certificate is made of beside its content: a verification code, the address that
checks it, and its PDF file under the state directory."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from config.settings import get_settings

#: no 0/O or 1/I: a code is read aloud and typed from paper
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_PREFIX = "MZN"
CODE_LETTERS, CODE_GROUP_LENGTH = 15, 5
#: a code typed on an Arabic keyboard may come with Arabic-Indic or Persian digits
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.]+")


def pdf_path(certificate_id: str) -> Path:
    return get_settings().state_dir / "certificates" / f"{certificate_id}.pdf"


def verify_url(code: str) -> str:
    settings = get_settings()
    return f"{(settings.public_url or settings.api_url).rstrip('/')}/verify/{code}"


def new_verification_code() -> str:
    """MZN- and three groups of five from a 32-letter alphabet: 75 random bits."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(15))
    return "MZN-" + "-".join(letters[i:i + 5] for i in range(0, 15, 5))


def canonical_code(typed: str) -> str | None:
    """A code as a person may type it from paper (any case, spaces or dashes anywhere, with or without
    the MZN prefix, Arabic-Indic digits) in its printed form; None when it cannot be a code."""
    letters = _SEPARATORS.sub("", typed.translate(_DIGITS)).upper()
    # the random part may itself begin with the prefix's letters: strip the prefix only from a full-length code
    body = letters[len(CODE_PREFIX):] if len(letters) == len(CODE_PREFIX) + CODE_LETTERS else letters
    if letters != body and not letters.startswith(CODE_PREFIX):
        return None
    if len(body) != CODE_LETTERS or any(ch not in CODE_ALPHABET for ch in body):
        return None
    groups = [body[i:i + CODE_GROUP_LENGTH] for i in range(0, len(body), CODE_GROUP_LENGTH)]
    return "-".join([CODE_PREFIX, *groups])
