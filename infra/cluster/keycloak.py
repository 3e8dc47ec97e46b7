"""Keycloak in production mode (`kc.sh build` for PostgreSQL, then `start --optimized`): HTTPS only, with a
certificate from the local CA; its database on the cluster's PostgreSQL; the realm imported at the first start
(with the demo users: the cluster profile is for tests and demos); passwords given by environment, never on the
command line."""

from __future__ import annotations

import hashlib
import subprocess

from config.settings import Settings
from infra.cluster.profile import Layout
from infra.cluster.secrets import ClusterSecrets
from infra.keycloak import MASTER_ADMIN_USER, KeycloakService
from infra.service import LaunchSpec

#: build-time options: a change means `kc.sh build` again
BUILD_OPTIONS = ("--db=postgres", "--health-enabled=true", "--metrics-enabled=true")
HEAP = "-Xms256m -Xmx512m"


class KeycloakProductionService(KeycloakService):
    # the first start creates its schema (Liquibase) and imports the realm: minutes on a busy 2-core machine
    start_timeout = 600.0

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.layout = Layout(settings)
        self.secrets = ClusterSecrets(settings.state_dir / "secrets")

    @property
    def url(self) -> str:
        return self.settings.keycloak_url

    def role(self) -> str:
        return "production mode (start --optimized), HTTPS, PostgreSQL"

    def install(self) -> None:
        super().install()
        marker = self.dist / ".mizan-build"
        wanted = hashlib.sha256(" ".join(BUILD_OPTIONS).encode()).hexdigest()
        if marker.exists() and marker.read_text().strip() == wanted:
            return
        result = subprocess.run([str(self.dist / "bin" / "kc.sh"), "build", *BUILD_OPTIONS], cwd=self.dist,
                                env=self._environment(), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"keycloak: kc.sh build failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        marker.write_text(wanted + "\n")

    def _environment(self) -> dict[str, str]:
        import os

        return os.environ | {"JAVA_HOME": str(self.java_home), "JAVA_OPTS_KC_HEAP": HEAP}

    def launch_spec(self) -> LaunchSpec:
        certificate = self.secrets.certificate("keycloak")
        ca = self.secrets.ca.cert_file
        jdbc = (f"jdbc:postgresql://127.0.0.1:{self.layout.postgres_port}/keycloak"
                f"?sslmode=verify-full&sslrootcert={ca}")
        argv = [
            str(self.dist / "bin" / "kc.sh"), "start", "--optimized", "--import-realm",
            "--https-port", str(self.layout.keycloak_https_port), "--http-enabled=false",
            "--https-certificate-file", str(certificate.cert_file),
            "--https-certificate-key-file", str(certificate.key_file),
            "--http-host", "127.0.0.1", "--http-management-port", str(self.settings.keycloak_management_port),
            "--hostname", self.settings.keycloak_url,
            "--db-url", jdbc, "--db-username", "keycloak",
            "--log-level", "WARN",
        ]
        env = {
            "JAVA_HOME": str(self.java_home),
            "KC_DB_PASSWORD": self.secrets.password("db-keycloak"),
            "KC_BOOTSTRAP_ADMIN_USERNAME": MASTER_ADMIN_USER,
            "KC_BOOTSTRAP_ADMIN_PASSWORD": self.secrets.password("keycloak-admin"),
            "JAVA_OPTS_KC_HEAP": HEAP,
        }
        return LaunchSpec(argv=argv, env=env, cwd=self.dist)
