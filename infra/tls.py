"""A local certificate authority, made at set-up, for the cluster profile's TLS (load balancer, Keycloak,
Temporal's frontend with client certificates, PostgreSQL).

In production a real CA (or cert-manager) issues these; here one is made under the state directory's
`secrets/tls/`, private to its owner, and every certificate it issues names this machine (`localhost`,
127.0.0.1) and the service. Keys are RSA 2048, which every engine here reads (Go, Java, OpenSSL, libpq).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
LEAF_DAYS = 825
#: a certificate this close to its end is issued again at set-up
RENEW_BEFORE = dt.timedelta(days=30)
LOCAL_NAMES = ("localhost",)
LOCAL_ADDRESSES = ("127.0.0.1",)


def _write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staged = path.with_name(path.name + ".tmp")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    staged.chmod(mode)
    staged.replace(path)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@dataclass(frozen=True)
class Issued:
    """A certificate and its key, as PEM files; `bundle_file` holds both (what HAProxy reads)."""

    cert_file: Path
    key_file: Path

    @property
    def bundle_file(self) -> Path:
        return self.cert_file.with_suffix(".bundle.pem")


@dataclass(frozen=True)
class LocalCA:
    directory: Path

    @property
    def cert_file(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def key_file(self) -> Path:
        return self.directory / "ca.key"

    @classmethod
    def create(cls, directory: Path) -> LocalCA:
        """The CA under `directory`, made now unless it is already there (idempotent)."""
        ca = cls(directory)
        if ca.cert_file.exists() and ca.key_file.exists():
            return ca
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Mizan"),
                          x509.NameAttribute(NameOID.COMMON_NAME, "Mizan local CA")])
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=CA_DAYS))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                             key_encipherment=False, data_encipherment=False, key_agreement=False,
                                             key_cert_sign=True, crl_sign=True, encipher_only=False,
                                             decipher_only=False), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .sign(key, hashes.SHA256()))
        _write_private(ca.key_file, _key_pem(key))
        _write_private(ca.cert_file, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
        return ca

    def _load(self) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        cert = x509.load_pem_x509_certificate(self.cert_file.read_bytes())
        key = serialization.load_pem_private_key(self.key_file.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return cert, key

    def issue(self, name: str, *, dns: tuple[str, ...] = (), client: bool = False,
              readable_by: int | None = None) -> Issued:
        """A certificate for `name` (also a DNS name in it, with localhost and 127.0.0.1), for a server, or with
        `client=True` for a client of mTLS; kept while valid and signed by this CA. `readable_by`: a uid that
        must read the key too (a service running as its own user)."""
        issued = Issued(self.directory / f"{name}.pem", self.directory / f"{name}.key")
        if not self._still_good(issued):
            self._issue(issued, name, dns, client)
        if readable_by is not None:
            for path in (issued.cert_file, issued.key_file, issued.bundle_file):
                os.chown(path, readable_by, -1)
        return issued

    def _still_good(self, issued: Issued) -> bool:
        if not (issued.cert_file.exists() and issued.key_file.exists() and issued.bundle_file.exists()):
            return False
        cert = x509.load_pem_x509_certificate(issued.cert_file.read_bytes())
        ca_cert, _ = self._load()
        return (cert.issuer == ca_cert.subject
                and cert.not_valid_after_utc - RENEW_BEFORE > dt.datetime.now(dt.UTC))

    def _issue(self, issued: Issued, name: str, dns: tuple[str, ...], client: bool) -> None:
        ca_cert, ca_key = self._load()
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = dt.datetime.now(dt.UTC)
        names: list[x509.GeneralName] = [x509.DNSName(n) for n in dict.fromkeys((name, *dns, *LOCAL_NAMES))]
        names += [x509.IPAddress(ipaddress.ip_address(a)) for a in LOCAL_ADDRESSES]
        usage = [ExtendedKeyUsageOID.CLIENT_AUTH] if client else [ExtendedKeyUsageOID.SERVER_AUTH,
                                                                   ExtendedKeyUsageOID.CLIENT_AUTH]
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Mizan"),
                                         x509.NameAttribute(NameOID.COMMON_NAME, name)]))
                .issuer_name(ca_cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=LEAF_DAYS))
                .add_extension(x509.SubjectAlternativeName(names), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage(usage), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                               critical=False)
                .sign(ca_key, hashes.SHA256()))
        cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        _write_private(issued.key_file, _key_pem(key))
        _write_private(issued.cert_file, cert_pem, mode=0o644)
        _write_private(issued.bundle_file, cert_pem + _key_pem(key))
