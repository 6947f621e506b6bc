"""Settings from `BANGKOM_*` environment variables."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import stat
import time
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BANGKOM_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    # Empty means the embedded default: a SQLite file in data_dir.
    database_url: str = ""
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_max_overflow: int = Field(default=10, ge=0, le=200)
    db_echo: bool = False
    # Connections per worker for the driver-level fast read path (app/core/fastread.py).
    fast_read_pool_size: int = Field(default=10, ge=1, le=200)

    secret_key: str = ""
    jwt_issuer: str = "bangkom"
    jwt_audience: str = "bangkom-api"
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    # How long a worker trusts what it last read about a token's subject (active, generation, login
    # family) before reading it again: the longest a deactivation or logout made through another
    # worker takes to reach this one. 0 reads it on every request.
    access_recheck_seconds: float = Field(default=5.0, ge=0, le=300)

    # Failed logins for one username within the window lock it out for lockout_seconds.
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=900, ge=1)
    login_lockout_seconds: int = Field(default=300, ge=1)

    cors_origins: list[str] = []
    docs_enabled: bool = True
    spa_dir: Path | None = None
    data_dir: Path = Path("./var")
    # Learning-record evidence files; None means data_dir / "evidence".
    evidence_dir: Path | None = None
    log_level: str = "INFO"
    # "json": one JSON object per line (request id, route, status, duration; no personal data).
    # "text": the same fields for a human at a terminal.
    log_format: Literal["json", "text"] = "json"

    # Requests per minute per caller (token subject, else client address); 0 turns the limit off.
    rate_limit_per_minute: int = Field(default=600, ge=0)
    # Learning-record claims an ASN may file per hour (claim flooding); 0 turns the limit off.
    claims_per_hour: int = Field(default=30, ge=0)

    # SQLite: how long a writer waits for the write lock, and how often a transaction that still
    # finds the database locked is retried before the caller gets a 503.
    sqlite_busy_timeout_ms: int = Field(default=15000, ge=0)
    db_busy_retries: int = Field(default=3, ge=0, le=20)
    # PostgreSQL: how long a migration waits for a lock before it fails. Every query on a table queues
    # behind a migration waiting to alter it, so waiting long would stall the running app; 0 waits forever.
    migration_lock_timeout_ms: int = Field(default=5000, ge=0)
    # An import job whose heartbeat is older than this is shown as interrupted and may be retried.
    import_stale_seconds: int = Field(default=300, ge=1)
    # How long a cached province report may be served while the data is unchanged (0: no cache). Every
    # change made through Bangkom drops the cache at once; the limit only bounds changes made around it.
    report_cache_seconds: int = Field(default=300, ge=0, le=86400)
    # `bangkom serve` runs the notification sender and the daily jobs (app/background.py) unless cron
    # does; the daily jobs' time is WIT (UTC+9), the zone whose date every "today" of the API uses.
    background_jobs: bool = True
    daily_jobs_at: dt.time = dt.time(6, 0)

    # Email for notifications (app/notifications/). No host: email deliveries wait in the outbox, nothing
    # fails; they go out once a host is set. `security`: "starttls" upgrades a plain connection (port
    # 587), "tls" speaks TLS from the first byte (port 465), "none" only on a trusted network.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    # The From of every message, e.g. "Bangkom BPSDM <no-reply@bpsdm.kaltimprov.go.id>".
    smtp_sender: str = ""
    smtp_timeout_s: float = Field(default=30.0, gt=0, le=600)
    # A CA bundle to trust besides the system's (a mail server with a certificate of an internal CA).
    smtp_ca_file: Path | None = None
    # The SPA's address as people open it, so an email can link to the page it is about.
    public_url: str = ""
    # The notification sender (`bangkom notifications send`, or the task inside `bangkom serve`): how
    # often it looks for due messages, how many it claims at once, how long a claim holds before another
    # sender may take the message over, and the retries after a failure (base × 2^(n-1), capped).
    notify_interval_s: float = Field(default=30.0, gt=0, le=3600)
    notify_batch: int = Field(default=100, ge=1, le=1000)
    notify_lease_s: int = Field(default=300, ge=1, le=86400)
    notify_max_attempts: int = Field(default=12, ge=1, le=100)
    notify_backoff_base_s: int = Field(default=60, ge=1, le=86400)
    notify_backoff_max_s: int = Field(default=3600, ge=1, le=7 * 86400)

    @model_validator(mode="after")
    def _smtp_sender_with_host(self) -> Settings:
        if self.smtp_host and not self.smtp_sender:
            raise ValueError("BANGKOM_SMTP_SENDER must be set when BANGKOM_SMTP_HOST is")
        # A sender starts a message only while its claim has a whole SMTP timeout left to run.
        if self.notify_lease_s <= self.smtp_timeout_s:
            raise ValueError("BANGKOM_NOTIFY_LEASE_S must be longer than BANGKOM_SMTP_TIMEOUT_S")
        return self

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{(self.data_dir / 'bangkom.db').resolve()}"
            self.data_dir.mkdir(parents=True, exist_ok=True)
        return self

    @model_validator(mode="after")
    def _secret_required_in_production(self) -> Settings:
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError(
                "BANGKOM_SECRET_KEY must be set (32+ characters) when BANGKOM_ENVIRONMENT=production"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def effective_secret_key(self) -> str:
        """The signing key; outside production a random one is kept in data_dir so workers share it."""
        if self.secret_key:
            return self.secret_key
        return _dev_secret(self.data_dir.resolve())

    def resolved_spa_dir(self) -> Path | None:
        if self.spa_dir is not None:
            return self.spa_dir if self.spa_dir.is_dir() else None
        built = REPO_ROOT / "frontend" / "dist"
        return built if (built / "index.html").is_file() else None


class SecretKeyFileError(RuntimeError):
    """The development signing key file is unsafe (others may read it) or unusable."""


@lru_cache
def _dev_secret(data_dir: Path) -> str:
    path = data_dir / "dev-secret-key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # 0600 from the first byte: a key written first and chmod-ed after could be read in between.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # an earlier run, or another worker winning the race
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    mode = path.stat().st_mode
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        # Anyone who can read the key can sign tokens as any user.
        raise SecretKeyFileError(
            f"{path} is readable or writable by other users (mode {stat.S_IMODE(mode):o}); "
            f"run `chmod 600 {path}` or set BANGKOM_SECRET_KEY"
        )
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)  # the worker that created the file has not written the key yet
    raise SecretKeyFileError(f"{path} is empty; delete it to have a new key made, or set BANGKOM_SECRET_KEY")


@lru_cache
def get_settings() -> Settings:
    return Settings()
