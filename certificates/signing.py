"""Mizan's certificate signing key (Ed25519): a mounted secret (`MIZAN_CERTIFICATE_KEY_FILE`), or made under
the state directory on first use.

A certificate's signature covers the exact bytes of its PDF, so any change to the file — one byte
of text, metadata or image — makes the signature fail. The public key is published
(`GET /api/v1/verify/key`) so a verifier can check a certificate without trusting Mizan's server.

Rotation: a new key signs from then on; the earlier keys' public halves stay known (the files named in
`MIZAN_CERTIFICATE_RETIRED_KEY_FILES`, and `keys/retired/*.pem` beside the key), so every certificate signed
before still verifies, under the key id it was signed with. `rotate_key()` does this for a key kept under the
state directory; for a mounted secret, see the README's "Secrets and their rotation".
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
    return get_settings().certificate_key_path


def retired_dir() -> Path:
    return key_path().parent / "retired"


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


def _pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def public_key_pem(kid: str | None = None) -> str:
    """The current public key, or the one (current or retired) named `kid`."""
    if kid is None:
        return _pem(public_key())
    key = known_public_keys().get(kid)
    if key is None:
        raise KeyError(f"no certificate key has the id {kid}")
    return _pem(key)


def _id_of(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def key_id() -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key: names the key a signature used."""
    return _id_of(public_key())


def _load_public(path: Path) -> Ed25519PublicKey:
    """A retired key's file holds its public half (or, as a mounted secret may, the whole private key)."""
    data = path.read_bytes()
    key: object = (serialization.load_pem_private_key(data, password=None) if b"PRIVATE KEY" in data
                   else serialization.load_pem_public_key(data))
    if isinstance(key, Ed25519PrivateKey):
        return key.public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    return key


def known_public_keys() -> dict[str, Ed25519PublicKey]:
    """Every key a valid certificate may carry a signature of, by key id: the current one and the retired."""
    paths = [*get_settings().certificate_retired_key_paths, *sorted(retired_dir().glob("*.pem"))]
    keys = {_id_of(key): key for key in map(_load_public, paths)}
    current = public_key()
    keys[_id_of(current)] = current
    return keys


def sign(data: bytes) -> Signature:
    return Signature(key_id(), base64.b64encode(private_key().sign(data)).decode())


def verify(data: bytes, signature_b64: str, kid: str | None = None) -> bool:
    """Did the key named `kid` (by default the current key) sign exactly these bytes?"""
    key = public_key() if kid is None else known_public_keys().get(kid)
    if key is None:
        return False
    try:
        key.verify(base64.b64decode(signature_b64, validate=True), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def rotate_key() -> tuple[str, str]:
    """A new signing key under the state directory; the old key's public half kept in `keys/retired/` so what it
    signed still verifies. Returns (old key id, new key id). Processes running pick the new key up when they
    restart (the key is read once per process)."""
    path = key_path()
    old = private_key()
    old_id = _id_of(old.public_key())
    retired = retired_dir()
    retired.mkdir(parents=True, exist_ok=True, mode=0o700)
    (retired / f"certificate-ed25519-{old_id}.pem").write_text(_pem(old.public_key()))
    staged = path.with_name(path.name + ".new")
    staged.unlink(missing_ok=True)
    _create_key(staged)
    staged.replace(path)  # atomic: a process reading the key sees the old file or the new, never half of one
    private_key.cache_clear()
    return old_id, key_id()
