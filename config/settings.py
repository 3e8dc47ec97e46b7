"""All configuration, read from `MIZAN_*` environment variables (pydantic-settings)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


#: a directory of mounted secrets (a Kubernetes Secret, the cluster profile's `secrets/`): a file named
#: `mizan_<setting>` holds that setting's value (e.g. `mizan_database_url`); the environment still wins
SECRETS_DIR_VARIABLE = "MIZAN_SECRETS_DIR"


class Settings(BaseSettings):
    """Every setting, from `MIZAN_*` variables, `.env`, or files in `MIZAN_SECRETS_DIR` (see `get_settings`).

    Nothing secret has a default that works outside one machine: passwords, keys and the database URL come
    from the environment or from mounted files, and the keys Mizan makes itself are made under the state dir.
    """

    model_config = SettingsConfigDict(env_prefix="MIZAN_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    state_dir: Path = ROOT / ".mizan"
    #: downloads (Maven artifacts, web assets): shared by every state directory, the test suite's too
    cache_dir: Path = ROOT / ".mizan" / "cache"

    api_port: int = 8000
    keycloak_port: int = 8080
    keycloak_management_port: int = 9000
    opensearch_port: int = 9200
    temporal_port: int = 7233
    temporal_ui_port: int = 8233

    keycloak_version: str = "26.5.6"
    opensearch_version: str = "2.19.6"
    java_home: Path | None = None

    temporal_namespace: str = "default"
    task_queue: str = "mizan-cases"

    realm: str = "mizan"
    api_audience: str = "mizan-api"
    web_client_id: str = "mizan-web"
    cli_client_id: str = "mizan-cli"
    #: when Keycloak holds the web's client as confidential: its secret, a mounted file read at every token
    #: request, so a rotated secret is used without a restart (README "Secrets and their rotation")
    web_client_secret_file: Path | None = None

    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite under state_dir")
    index_prefix: str = "mizan"
    # The index is a projection of the event log: fsyncing its translog on every request cost
    # OpenSearch 7 ms of CPU per action (bench actions). "async" syncs every 5 s; after an OpenSearch
    # crash, `./mizan search check` restores what those seconds lost. "request" for fsync per write.
    search_translog_durability: Literal["async", "request"] = "async"

    rules: Path | None = Field(default=None, description="YAML/JSON file overriding clock rules")
    idle_days: int = 30

    # the criminal-status certificate (شهادة الحالة الجنائية)
    certificate_validity_months: int = Field(default=3, description="how long an issued certificate is valid")
    certificate_review_hours: float = Field(default=48, description="a records officer's review clock; escalates after")
    record_rules: Path | None = Field(default=None, description="YAML/JSON file overriding the record lapse rules")
    certificate_font_dir: Path = Path("/usr/share/fonts/opentype/fonts-hosny-amiri")  # Debian's fonts-hosny-amiri
    public_url: str | None = Field(default=None, description="the address verifiers reach; default: api_url")
    verify_rate_per_minute: int = Field(default=60, description="public verification requests per client address")
    verify_burst: int = 20

    # the audit chain (store.audit): its key and its checkpoints live outside the database; in production
    # both point at storage the database's writers cannot change (a secret, a write-once volume)
    audit_key_file: Path | None = None
    audit_anchor_file: Path | None = None
    audit_anchor_seconds: int = Field(default=60, description="how often the worker checkpoints the chain's head")

    # mail (notifications): `./mizan up` runs a development sink on smtp_port that keeps what it is sent under
    # state_dir/mail (`./mizan mail` reads it); production sets smtp_host to the ministry's relay and mail_sink off
    smtp_host: str | None = Field(default=None, description="the SMTP relay; default: host (the local sink)")
    smtp_port: int = 1025
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password_file: Path | None = None
    smtp_timeout_seconds: float = 20
    mail_sink: bool = Field(default=True, description="`up` starts the development SMTP sink")
    mail_from: str = "Mizan <no-reply@mizan.example>"
    #: the domain of each message's Message-ID (a notification's id is the local part)
    mail_domain: str = "mizan.example"
    email_batch: int = Field(default=50, description="emails the postman claims (and sends over one connection)")
    email_lanes: int = Field(default=4, ge=1, le=32,
                             description="connections the postman sends over at once (each claims its own batches)")
    escalation_climb_hours: float = Field(default=48, description="a stalled case climbs one level after this")
    reminders_every_seconds: int = Field(default=3600, description="how often hearings and stalls are swept")

    trusted_proxies: str = Field(default="", description="comma-separated addresses whose X-Forwarded-For is believed")
    max_request_bytes: int = Field(default=1024 * 1024, description="largest request body, uploads aside")

    document_max_bytes: int = Field(default=25 * 1024 * 1024, description="largest document upload accepted")

    #: the production shape on one machine (`./mizan up --cluster`): which services the launcher runs
    cluster: bool = False

    # -- where the engines are, when not on this machine's default ports (the cluster profile, Kubernetes)
    api_endpoint: str | None = Field(default=None, description="where clients reach the API (the load balancer)")
    keycloak_endpoint: str | None = Field(default=None, description="Keycloak's base URL, e.g. https://sso:8443")
    keycloak_ca_file: Path | None = Field(default=None, description="CA that signed Keycloak's certificate")
    temporal_endpoint: str | None = Field(default=None, description="Temporal's frontend, host:port")
    #: TLS to Temporal's frontend: its CA, and a client certificate when the frontend asks for one (mTLS)
    temporal_tls_ca_file: Path | None = None
    temporal_tls_cert_file: Path | None = None
    temporal_tls_key_file: Path | None = None
    temporal_tls_server_name: str | None = None
    opensearch_endpoints: str | None = Field(default=None, description="comma-separated OpenSearch node URLs")
    opensearch_username: str | None = None
    opensearch_password: SecretStr | None = None
    opensearch_ca_file: Path | None = None
    #: copies of the case index besides its primary: 1 on a cluster of three nodes, 0 on one node
    search_replicas: int = Field(default=0, ge=0, le=5)

    # the certificate signing key (Ed25519, PEM): a mounted secret in production; earlier keys stay able to
    # verify what they signed (a rotation moves the old key file into this list)
    certificate_key_file: Path | None = None
    certificate_retired_key_files: str = Field(default="", description="comma-separated PEM files of earlier keys")

    #: the worker's heartbeat file (its liveness probe reads it): default `run/worker-<pid>.alive`
    worker_heartbeat_file: Path | None = None
    worker_heartbeat_seconds: float = Field(default=10.0, gt=0)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.state_dir / 'mizan.db'}"

    @property
    def smtp_address(self) -> tuple[str, int]:
        return self.smtp_host or self.host, self.smtp_port

    @property
    def mail_dir(self) -> Path:
        """What the development sink received."""
        return self.state_dir / "mail"

    @property
    def web_url(self) -> str:
        """Where a person reaches the web from a message (public_url, or the API's own address)."""
        return (self.public_url or self.api_url).rstrip("/")

    @property
    def temporal_address(self) -> str:
        return self.temporal_endpoint or f"{self.host}:{self.temporal_port}"

    @property
    def keycloak_url(self) -> str:
        return (self.keycloak_endpoint or f"http://{self.host}:{self.keycloak_port}").rstrip("/")

    @property
    def opensearch_urls(self) -> list[str]:
        if self.opensearch_endpoints:
            return [url.strip().rstrip("/") for url in self.opensearch_endpoints.split(",") if url.strip()]
        return [f"http://{self.host}:{self.opensearch_port}"]

    @property
    def opensearch_url(self) -> str:
        return self.opensearch_urls[0]

    @property
    def api_url(self) -> str:
        return (self.api_endpoint or f"http://{self.host}:{self.api_port}").rstrip("/")

    @property
    def certificate_key_path(self) -> Path:
        return self.certificate_key_file or self.state_dir / "keys" / "certificate-ed25519.pem"

    @property
    def certificate_retired_key_paths(self) -> list[Path]:
        return [Path(p.strip()) for p in self.certificate_retired_key_files.split(",") if p.strip()]

    @property
    def issuer(self) -> str:
        return f"{self.keycloak_url}/realms/{self.realm}"

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [address.strip() for address in self.trusted_proxies.split(",") if address.strip()]

    @property
    def audit_key_path(self) -> Path:
        """The audit chain's HMAC key: outside the database, made on first use unless provided."""
        return self.audit_key_file or self.state_dir / "keys" / "audit-hmac.key"

    @property
    def audit_anchor_path(self) -> Path:
        """Where the audit chain's head is checkpointed, outside the database (append-only lines)."""
        return self.audit_anchor_file or self.state_dir / "audit" / "anchors.jsonl"

    @property
    def documents_dir(self) -> Path:
        return self.state_dir / "documents"

    @property
    def log_dir(self) -> Path:
        return self.state_dir / "logs"

    @property
    def run_dir(self) -> Path:
        return self.state_dir / "run"


def secrets_dir() -> Path | None:
    configured = os.environ.get(SECRETS_DIR_VARIABLE)
    return Path(configured) if configured and Path(configured).is_dir() else None


@lru_cache
def get_settings() -> Settings:
    return Settings(_secrets_dir=secrets_dir())  # type: ignore[call-arg]
