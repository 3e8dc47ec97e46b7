"""Mizan's certificate signing key (Ed25519): made under the state directory on first use.

A certificate's signature covers the exact bytes of its PDF, so any change to the file — one byte
of text, metadata or image — makes the signature fail. The public key is published
(`GET /api/v1/verify/key`) so a verifier can check a certificate without trusting Mizan's server.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from config.settings import get_settings

ALGORITHM = "Ed25519"


@dataclass(frozen=True)
class Signature:
    key_id: str
    value: str  # base64


def key_path() -> Path:
    return get_settings().state_dir / "keys" / "certificate-ed25519.pem"


def _create_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption())
    try:
        # O_EXCL: when the worker and the API start together, one key wins and both use it
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as file:
        file.write(pem)


@lru_cache
def private_key() -> Ed25519PrivateKey:
    path = key_path()
    if not path.exists():
        _create_key(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_pem() -> str:
    return public_key().public_bytes(serialization.Encoding.PEM,
                                     serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id() -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key: names the key a signature used."""
    raw = public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(data: bytes) -> Signature:
    return Signature(key_id(), base64.b64encode(private_key().sign(data)).decode())


def verify(data: bytes, signature_b64: str) -> bool:
    try:
        public_key().verify(base64.b64decode(signature_b64, validate=True), data)
    except (InvalidSignature, ValueError):
        return False
    return True
