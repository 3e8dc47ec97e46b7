"""The cluster profile's secrets, made at set-up under `<state>/secrets/` (owner-only) and never committed:
database passwords, Keycloak's bootstrap admin password, a local CA and the certificates it issues, and the
files Mizan's own processes read their secret settings from (`MIZAN_SECRETS_DIR`, one file per setting).

A secret is made once and then kept: a restart, a restore or a second `up` finds the same ones. Rotation is
a new file and a restart of what reads it (README, "Secrets and their rotation").
"""

from __future__ import annotations

import os
import secrets
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from config.settings import SECRETS_DIR_VARIABLE, Settings
from infra.cluster.profile import Layout, cluster_profile, reserve_ports
from infra.tls import Issued, LocalCA, _write_private

#: the databases on the cluster's PostgreSQL and the role owning each
DATABASES = {"mizan": "mizan", "temporal": "temporal", "temporal_visibility": "temporal", "keycloak": "keycloak"}
PASSWORDS = ("db-mizan", "db-temporal", "db-keycloak", "db-backup", "keycloak-admin")
#: the name Temporal's frontend certificate carries, and clients check
TEMPORAL_SERVER_NAME = "temporal-frontend"


@dataclass(frozen=True)
class ClusterSecrets:
    directory: Path

    @classmethod
    def prepare(cls, state_dir: Path, layout: Layout) -> ClusterSecrets:
        state_dir.mkdir(parents=True, exist_ok=True)
        state_dir.chmod(0o711)
        made = cls(state_dir / "secrets")
        made.directory.mkdir(mode=0o700, exist_ok=True)
        made.directory.chmod(0o700)
        for name in PASSWORDS:
            path = made.directory / f"{name}.password"
            if not path.exists():
                _write_private(path, secrets.token_urlsafe(24).encode())
        ca = LocalCA.create(made.tls_dir)
        for name, client in (("postgres", False), ("keycloak", False), (TEMPORAL_SERVER_NAME, False),
                             ("load-balancer", False), ("mizan-client", True), ("temporal-admin", True)):
            ca.issue(name, client=client)
        made._write_ca_bundle(ca)
        made._write_settings(layout)
        return made

    # -- where things are -------------------------------------------------------------------------

    @property
    def tls_dir(self) -> Path:
        return self.directory / "tls"

    @property
    def ca(self) -> LocalCA:
        return LocalCA(self.tls_dir)

    def certificate(self, name: str) -> Issued:
        return Issued(self.tls_dir / f"{name}.pem", self.tls_dir / f"{name}.key")

    @property
    def ca_bundle(self) -> Path:
        """The system's CAs and the local one: what Mizan's processes trust (SSL_CERT_FILE)."""
        return self.tls_dir / "trusted-bundle.pem"

    @property
    def settings_dir(self) -> Path:
        """MIZAN_SECRETS_DIR of Mizan's own processes: a file per secret setting."""
        return self.directory / "settings"

    def password(self, name: str) -> str:
        return (self.directory / f"{name}.password").read_text().strip()

    # -- what Mizan's processes are given ------------------------------------------------------------

    def database_url(self, layout: Layout, *, role: str = "mizan", database: str = "mizan") -> str:
        tls = f"sslmode=verify-full&sslrootcert={quote(str(self.ca.cert_file))}"
        return (f"postgresql+psycopg://{role}:{quote(self.password('db-' + role), safe='')}@127.0.0.1:"
                f"{layout.postgres_port}/{database}?{tls}")

    def _write_settings(self, layout: Layout) -> None:
        self.settings_dir.mkdir(mode=0o700, exist_ok=True)
        _write_private(self.settings_dir / "mizan_database_url", self.database_url(layout).encode())

    def _write_ca_bundle(self, ca: LocalCA) -> None:
        # the system's roots too (Debian's ca-certificates), so a process given this bundle still reaches others
        system = [ssl.get_default_verify_paths().cafile, "/etc/ssl/certs/ca-certificates.crt"]
        roots = next((Path(f) for f in system if f and Path(f).exists()), None)
        parts = [roots.read_bytes()] if roots else []
        parts.append(ca.cert_file.read_bytes())
        _write_private(self.ca_bundle, b"\n".join(parts), mode=0o644)

    def client_environment(self, layout: Layout) -> dict[str, str]:
        """The settings (not secret themselves) that point Mizan's processes at the cluster's engines."""
        client = self.certificate("mizan-client")
        nodes = ",".join(f"http://127.0.0.1:{layout.opensearch_port(n)}" for n in range(1, 4))
        return {
            "MIZAN_API_ENDPOINT": f"https://127.0.0.1:{layout.load_balancer_port}",
            "MIZAN_KEYCLOAK_ENDPOINT": f"https://127.0.0.1:{layout.keycloak_https_port}",
            "MIZAN_KEYCLOAK_CA_FILE": str(self.ca.cert_file),
            "MIZAN_TEMPORAL_TLS_CA_FILE": str(self.ca.cert_file),
            "MIZAN_TEMPORAL_TLS_CERT_FILE": str(client.cert_file),
            "MIZAN_TEMPORAL_TLS_KEY_FILE": str(client.key_file),
            "MIZAN_TEMPORAL_TLS_SERVER_NAME": TEMPORAL_SERVER_NAME,
            "MIZAN_OPENSEARCH_ENDPOINTS": nodes,
            "MIZAN_TRUSTED_PROXIES": "127.0.0.1",
            "SSL_CERT_FILE": str(self.ca_bundle),
        }


def apply_cluster_profile() -> None:
    """The cluster profile into this process's environment (what is set already stays), its secrets made (or
    found) under its state directory, and every setting that names them: what the services it starts inherit."""
    for name, value in cluster_profile().items():
        os.environ.setdefault(name, value)
    state = Path(os.environ["MIZAN_STATE_DIR"])
    probe = Settings()  # ports and state dir as now set, before the secrets' settings are known
    secrets = ClusterSecrets.prepare(state, Layout(probe))
    for name, value in secrets.client_environment(Layout(probe)).items():
        os.environ.setdefault(name, value)
    # a machine may name its system bundle in SSL_CERT_FILE already: the cluster's bundle holds those roots and
    # the local CA, and without it no process of this profile trusts Keycloak's or the balancer's certificate
    os.environ["SSL_CERT_FILE"] = str(secrets.ca_bundle)
    os.environ.setdefault(SECRETS_DIR_VARIABLE, str(secrets.settings_dir))
    reserve_ports(Layout(Settings()))
