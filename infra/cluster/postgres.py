"""The cluster's PostgreSQL: Debian's server binaries, a cluster of its own under the state directory (its own
port, run as the `postgres` user), TLS only from the network with the local CA's certificate, and the
databases of the read model, Temporal (persistence and visibility) and Keycloak, each owned by its own role.

Base backups (infra.cluster.backup) connect as `mizan_backup`, a replication role.
"""

from __future__ import annotations

import pwd
import shutil
import subprocess
from pathlib import Path

from config.settings import Settings
from infra.cluster.debian import ensure_package
from infra.cluster.profile import Layout
from infra.cluster.secrets import DATABASES, ClusterSecrets
from infra.service import LaunchSpec, Service, port_open

OS_USER = "postgres"
BACKUP_ROLE = "mizan_backup"


def server_bin() -> Path:
    """The newest Debian PostgreSQL's binaries (`/usr/lib/postgresql/<major>/bin`)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL's server is not installed: apt-get install postgresql")
    return found[-1].parent


class PostgresService(Service):
    name = "postgres"
    start_timeout = 60.0

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.layout = Layout(settings)
        self.secrets = ClusterSecrets(settings.state_dir / "secrets")
        self.home = settings.state_dir / "postgres"
        self.data_dir = self.home / "data"
        self.socket_dir = self.home / "run"

    @property
    def port(self) -> int:
        return self.layout.postgres_port

    @property
    def url(self) -> str:
        return f"postgresql://127.0.0.1:{self.port}"

    def role(self) -> str:
        result = self.psql("SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END", check=False)
        return f"primary, {len(DATABASES)} databases" if result.strip() == "primary" else result.strip() or "-"

    def _owner(self) -> pwd.struct_passwd:
        return pwd.getpwnam(OS_USER)

    def install(self) -> None:
        ensure_package("postgresql", Path("/usr/lib/postgresql"))
        owner = self._owner()
        self.home.mkdir(exist_ok=True)
        for directory in (self.home, self.socket_dir):
            directory.mkdir(exist_ok=True)
            shutil.chown(directory, owner.pw_uid, owner.pw_gid)
            directory.chmod(0o700)
        if not (self.data_dir / "PG_VERSION").exists():
            self.data_dir.mkdir(exist_ok=True)
            shutil.chown(self.data_dir, owner.pw_uid, owner.pw_gid)
            self.data_dir.chmod(0o700)
            subprocess.run(["runuser", "-u", OS_USER, "--", str(server_bin() / "initdb"), "-D", str(self.data_dir),
                            "--auth-local=peer", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
                            "--username=postgres"], check=True, capture_output=True)
        self.write_config()

    def write_config(self) -> None:
        owner = self._owner()
        certificate = self.secrets.certificate("postgres")
        # the server's own copies of its key and certificate: PostgreSQL wants its key owned by itself, 0600
        for source, name in ((certificate.cert_file, "server.crt"), (certificate.key_file, "server.key"),
                             (self.secrets.ca.cert_file, "root.crt")):
            shutil.copyfile(source, self.data_dir / name)
            shutil.chown(self.data_dir / name, owner.pw_uid, owner.pw_gid)
            (self.data_dir / name).chmod(0o600)
        settings = {
            "listen_addresses": "'127.0.0.1'", "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'",
            "ssl": "on", "ssl_cert_file": "'server.crt'", "ssl_key_file": "'server.key'", "ssl_ca_file": "'root.crt'",
            "ssl_min_protocol_version": "'TLSv1.2'", "password_encryption": "'scram-sha-256'",
            # small on a shared 2-core machine: Temporal holds ~25 connections, Keycloak ~10, each Mizan process ~15
            "max_connections": "200", "shared_buffers": "'128MB'", "wal_level": "replica", "max_wal_senders": "4",
            "logging_collector": "off", "log_min_messages": "warning", "log_line_prefix": "'%m [%p] %q%u@%d '",
        }
        (self.data_dir / "postgresql.auto.conf").write_text(
            "# written by Mizan's cluster profile at every start (infra/cluster/postgres.py)\n"
            + "".join(f"{key} = {value}\n" for key, value in settings.items()))
        (self.data_dir / "pg_hba.conf").write_text(
            "# local: the postgres superuser by peer; the network: TLS and a password, nothing else\n"
            "local   all          postgres                    peer\n"
            f"hostssl replication  {BACKUP_ROLE}  127.0.0.1/32  scram-sha-256\n"
            "hostssl all          all           127.0.0.1/32  scram-sha-256\n")
        for name in ("postgresql.auto.conf", "pg_hba.conf"):
            shutil.chown(self.data_dir / name, owner.pw_uid, owner.pw_gid)

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(argv=[str(server_bin() / "postgres"), "-D", str(self.data_dir)], cwd=self.home,
                          user=OS_USER, env={"HOME": str(self.home)})

    def psql(self, sql: str, *, database: str = "postgres", check: bool = True) -> str:
        """Run SQL as the superuser over the cluster's own socket (peer authentication)."""
        result = subprocess.run(["runuser", "-u", OS_USER, "--", str(server_bin() / "psql"),
                                 "-h", str(self.socket_dir), "-p", str(self.port), "-d", database, "-v",
                                 "ON_ERROR_STOP=1", "-qAtX", "-c", sql], capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            raise RuntimeError(f"postgres: {sql[:80]}...: {result.stderr.strip()}")
        return result.stdout

    def healthy(self) -> bool:
        if not port_open("127.0.0.1", self.port):
            return False
        return subprocess.run([str(server_bin() / "pg_isready"), "-h", str(self.socket_dir), "-p", str(self.port)],
                              capture_output=True, check=False).returncode == 0

    def after_start(self) -> None:
        """Roles and databases, idempotent; each password is (re)set from its secret, so a rotated secret
        takes effect at the next `up`."""
        roles = {owner: self.secrets.password(f"db-{owner}") for owner in set(DATABASES.values())}
        roles[BACKUP_ROLE] = self.secrets.password("db-backup")
        for role, password in roles.items():
            options = "LOGIN REPLICATION" if role == BACKUP_ROLE else "LOGIN"
            quoted = password.replace("'", "''")
            self.psql(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
                      f"CREATE ROLE {role} {options}; END IF; END $$; "
                      f"ALTER ROLE {role} {options} PASSWORD '{quoted}'")
        for database, owner in DATABASES.items():
            if self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'").strip() != "1":
                self.psql(f"CREATE DATABASE {database} OWNER {owner}")
        self.psql(f"GRANT pg_read_all_data TO {BACKUP_ROLE}")
