"""Keycloak (Quarkus distribution) in dev mode, with the `mizan` realm and the demo users imported.

The realm itself (roles, clients, mappers, user profile) lives in `infra/keycloak/realm-mizan.json`
and carries no users, so it can go to production as is; the demo users from `infra/demo.py` are
merged in only for the import file written under the (dev) state dir.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from infra import maven
from infra.demo import DEMO_PASSWORD, USERS, DemoUser, demo_email
from infra.service import LaunchSpec, Service, http_ok

log = logging.getLogger(__name__)

REALM_FILE = Path(__file__).resolve().parent / "keycloak" / "realm-mizan.json"
DEFAULT_JAVA_HOME = Path("/usr/lib/jvm/java-17-openjdk-amd64")
MASTER_ADMIN_USER = "admin"
MASTER_ADMIN_PASSWORD = "admin"  # master-realm bootstrap admin for the dev console only


def load_realm() -> dict[str, Any]:
    """The production-shaped realm, without users."""
    return json.loads(REALM_FILE.read_text(encoding="utf-8"))


def demo_user_representation(user: DemoUser) -> dict[str, Any]:
    """One demo user as a Keycloak UserRepresentation."""
    attributes: dict[str, list[str]] = {}
    # Keycloak attributes are always lists; empty values are left out rather than stored as "".
    if user.agency:
        attributes["agency"] = [user.agency]
    if user.national_id:
        attributes["national_id"] = [user.national_id]
    return {
        "username": user.username,
        "enabled": True,
        # an address in a domain reserved for examples; marked verified so that VERIFY_EMAIL never triggers
        "email": demo_email(user),
        "emailVerified": True,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "attributes": attributes,
        "credentials": [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}],
        "realmRoles": [user.role],
        "requiredActions": [],
    }


#: the address the realm file names for the web's client; an API on another host or port is written in
DEFAULT_WEB_ORIGIN = "http://127.0.0.1:8000"


def realm_with_demo_users(web_origin: str = DEFAULT_WEB_ORIGIN) -> dict[str, Any]:
    """The realm plus every demo user (for dev/test imports only), its web client on `web_origin`."""
    realm = copy.deepcopy(load_realm())
    realm["users"] = [demo_user_representation(u) for u in USERS]
    if web_origin != DEFAULT_WEB_ORIGIN:
        port = DEFAULT_WEB_ORIGIN.rsplit(":", 1)[1]
        new_port = web_origin.rsplit(":", 1)[1]
        text = json.dumps(realm, ensure_ascii=False).replace(DEFAULT_WEB_ORIGIN, web_origin)
        text = text.replace(f"http://localhost:{port}", f"http://localhost:{new_port}")
        realm = json.loads(text)
    return realm


class KeycloakService(Service):
    name = "keycloak"
    # Cold start (augmentation + realm import + H2 creation) is slow on 2 cores.
    start_timeout = 240.0

    @property
    def port(self) -> int:
        return self.settings.keycloak_port

    @property
    def ports(self) -> tuple[int, ...]:
        # The management interface (health, metrics) is a second listener in KC 26.
        return (self.settings.keycloak_port, self.settings.keycloak_management_port)

    @property
    def url(self) -> str:
        return self.settings.keycloak_url

    @property
    def home(self) -> Path:
        return self.settings.state_dir / "keycloak"

    @property
    def dist(self) -> Path:
        return self.home / "dist"

    @property
    def import_file(self) -> Path:
        return self.dist / "data" / "import" / f"realm-{self.settings.realm}.json"

    @property
    def discovery_url(self) -> str:
        return f"{self.settings.issuer}/.well-known/openid-configuration"

    @property
    def java_home(self) -> Path:
        return self.settings.java_home or DEFAULT_JAVA_HOME

    # -- install -------------------------------------------------------------------------------

    def install(self) -> None:
        self._unpack()
        self._write_import_file()

    def _unpack(self) -> None:
        version = self.settings.keycloak_version
        marker = self.dist / ".mizan-version"
        if (self.dist / "bin" / "kc.sh").exists() and marker.exists() and marker.read_text().strip() == version:
            return
        archive = maven.fetch(
            f"org.keycloak:keycloak-quarkus-dist:{version}:tar.gz", self.settings.cache_dir / "maven"
        )
        if self.dist.exists():
            # A different version: its dev H2 data may not migrate cleanly, and the demo realm
            # is re-imported anyway, so start from a clean tree.
            log.info("keycloak: replacing %s with version %s", self.dist, version)
            shutil.rmtree(self.dist)
        self.home.mkdir(parents=True, exist_ok=True)
        # Unpack next to the target and rename, so an interrupted unpack never looks installed.
        with tempfile.TemporaryDirectory(dir=self.home) as tmp:
            with tarfile.open(archive) as tar:
                tar.extractall(tmp, filter="data")
            (top,) = Path(tmp).iterdir()  # the archive holds a single `keycloak-<version>/`
            (top / ".mizan-version").write_text(version + "\n")
            top.rename(self.dist)
        log.info("keycloak: unpacked %s into %s", archive.name, self.dist)

    def _write_import_file(self) -> None:
        text = json.dumps(realm_with_demo_users(self.settings.api_url), ensure_ascii=False, indent=2) + "\n"
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        hash_file = self.import_file.with_name(self.import_file.name + ".sha256")
        previous = hash_file.read_text().strip() if hash_file.exists() else None
        h2 = self.dist / "data" / "h2"
        # `--import-realm` skips a realm that already exists, so edits to the realm file would
        # silently not apply. In dev we drop the H2 database instead so the next start imports
        # afresh; it holds only the imported realm, sessions, the master admin and any admin
        # console edits (which are lost, deliberately: the realm file is the source of truth).
        if previous != digest and h2.exists():
            log.warning("keycloak: realm file changed since the last import; deleting %s to re-import", h2)
            shutil.rmtree(h2)
        self.import_file.parent.mkdir(parents=True, exist_ok=True)
        self.import_file.write_text(text, encoding="utf-8")
        hash_file.write_text(digest + "\n")

    # -- run -----------------------------------------------------------------------------------

    def launch_spec(self) -> LaunchSpec:
        s = self.settings
        argv = [
            str(self.dist / "bin" / "kc.sh"),
            "start-dev",
            "--import-realm",
            "--http-port", str(s.keycloak_port),
            "--http-host", s.host,
            # KC 26 serves /health on the management interface, not the main HTTP port.
            "--health-enabled=true",
            "--http-management-port", str(s.keycloak_management_port),
            # Issuer must match settings.issuer exactly whatever Host header clients use.
            "--hostname", s.keycloak_url,
        ]
        # The launcher merges this over its own environment.
        env = {
            "JAVA_HOME": str(self.java_home),
            "KC_BOOTSTRAP_ADMIN_USERNAME": MASTER_ADMIN_USER,
            "KC_BOOTSTRAP_ADMIN_PASSWORD": MASTER_ADMIN_PASSWORD,
            # kc.sh's default outside containers is -Xms64m -Xmx512m: a little more headroom for the
            # import and token bursts, still bounded on this shared 2-core box. (kc.sh ignores this
            # when JAVA_OPTS is set in the environment.)
            "JAVA_OPTS_KC_HEAP": "-Xms256m -Xmx768m",
        }
        return LaunchSpec(argv=argv, env=env, cwd=self.dist)

    def healthy(self) -> bool:
        # Discovery of *our* realm answers 200 only once the import has happened.
        return http_ok(self.discovery_url)
