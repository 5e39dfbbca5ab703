"""Settings for every process of the suite; the only reader of the environment."""

from __future__ import annotations

import os
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.roles import OidcIssuer

REPO_ROOT = Path(__file__).resolve().parent.parent

ServiceName = Literal["ingest", "indicators", "awards", "budget"]
SERVICES: tuple[ServiceName, ...] = ("ingest", "indicators", "awards", "budget")


def usable_cpus() -> int:
    """The cores this process may run on: those it is pinned to, fewer under a cgroup CPU
    quota (a container's CPU limit, which os.cpu_count() does not see)."""
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        return count or 1
    if quota != "max":
        count = min(count or 1, max(1, -(-int(quota) // int(period))))
    return count or 1


_PLACEHOLDERS = {"", "change-me", "changeme", "secret", "dev-service-key"}


class Settings(BaseSettings):
    """Every field is an environment variable of the same name (see .env.example)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    ENVIRONMENT: Literal["development", "test", "production"] = "development"
    LOG_LEVEL: str = "INFO"
    LOG_JSON: bool = True
    # OpenTelemetry traces (shared.tracing): off unless one of these two is set. The SDK reads
    # the other OTEL_* variables itself (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES,
    # OTEL_TRACES_SAMPLER …).
    OTEL_TRACES_EXPORTER: str = ""
    OTEL_EXPORTER_OTLP_ENDPOINT: str = ""
    OTEL_SERVICE_NAME: str = ""  # empty: kvalitetsnavet-<service>
    # The scheduler's own /metrics port (it serves no HTTP otherwise); 0: none (compose and
    # Kubernetes set 9100).
    SCHEDULER_METRICS_PORT: int = Field(default=0, ge=0, le=65535)

    DATABASE_URL: str | None = Field(
        default=None,
        description="postgresql+psycopg://... ; unset means the embedded server under var/",
    )
    DATABASE_POOL_SIZE: int = Field(default=10, ge=1, le=200)
    DATABASE_STATEMENT_TIMEOUT_MS: int = Field(default=30_000, ge=100)
    EMBEDDED_DATA_DIR: Path = REPO_ROOT / "var" / "pgdata"

    INGEST_URL: str = "http://127.0.0.1:8001"
    INDICATORS_URL: str = "http://127.0.0.1:8002"
    AWARDS_URL: str = "http://127.0.0.1:8003"
    BUDGET_URL: str = "http://127.0.0.1:8004"
    SERVICE_API_KEY: str = Field(
        default="dev-service-key",
        description="API key the services and the scheduler use when no caller is present",
    )
    HTTP_TIMEOUT_S: float = Field(default=10.0, gt=0)
    HTTP_RETRIES: int = Field(default=2, ge=0, le=10)

    MAX_BODY_BYTES: int = Field(default=5 * 1024 * 1024, ge=1024)
    MAX_UPLOAD_BYTES: int = Field(default=512 * 1024 * 1024, ge=1024)
    MAX_PAGE_SIZE: int = Field(default=500, ge=1, le=10_000)
    RATE_LIMIT_PER_MINUTE: int = Field(
        default=6000, ge=0, description="per API key and service process; 0 disables"
    )
    AUTH_FAILURE_BURST: int = Field(
        default=20, ge=0, description="failed authentications per client address before 429; 0 off"
    )
    AUTH_FAILURES_PER_MINUTE: float = Field(
        default=10.0, gt=0, description="how fast an address earns failed attempts back"
    )

    SCHEDULER_ENABLED: bool = True
    KOLADA_BASE_URL: str = "https://api.kolada.se/v3"
    KOLADA_ALLOWED_HOSTS: list[str] = ["api.kolada.se"]
    KOLADA_RATE_PER_S: float = Field(default=5.0, gt=0)
    KOLADA_CA_FILE: Path | None = Field(
        default=None,
        description="PEM file of the CAs trusted for Kolada's certificate instead of the "
        "system's (a stand-in with its own certificate)",
    )

    HOST: str = "127.0.0.1"
    PORT: int = 8080

    # --- budget ---
    BUDGET_ROUNDING_TOLERANCE_TKR: Decimal = Field(
        default=Decimal(2),
        ge=0,
        description="a part/total or net difference up to this (tkr) is a rounding warning; "
        "more is an error",
    )

    # --- ingest ---
    OBSERVATION_YEARS_AHEAD: int = Field(
        default=1, ge=0, le=50, description="observations may be for at most this year + N"
    )
    KOLADA_TIMEOUT_S: float = Field(default=30.0, gt=0, description="per Kolada request")
    KOLADA_RETRIES: int = Field(default=4, ge=0, le=10, description="on 429, 5xx, timeouts")
    KOLADA_BACKOFF_S: float = Field(default=0.5, ge=0, description="first backoff; doubles")
    KOLADA_MAX_RETRY_AFTER_S: float = Field(default=120.0, ge=0)
    KOLADA_PER_PAGE: int = Field(default=5000, ge=1, le=5000)
    KOLADA_CONCURRENCY: int = Field(default=4, ge=1, le=32, description="requests in flight")
    KOLADA_PARSE_PROCESSES: int = Field(
        default=1, ge=0, le=8, description="worker processes validating pages; 0: in the loop"
    )
    UPLOAD_CHECK_PROCESSES: int = Field(
        default_factory=lambda: min(usable_cpus(), 64),
        ge=0,
        le=64,
        description="worker processes checking a large long-form CSV upload in parts; "
        "0 or 1: one thread",
    )
    SHUTDOWN_GRACE_S: int = Field(
        default=20,
        ge=0,
        le=3600,
        description="on SIGTERM, seconds requests in progress get to finish before they are "
        "cancelled (below the orchestrator's own grace, 30 s in Kubernetes by default)",
    )
    COMPUTE_PROCESSES: int = Field(
        default_factory=lambda: min(usable_cpus(), 64),
        ge=0,
        le=64,
        description="worker processes of the indicators service that compute reports and "
        "target statuses, each on its own database connection; 0: a worker thread",
    )
    UPLOAD_SPLIT_BYTES: int = Field(
        default=4 * 1024 * 1024,
        ge=64,
        description="a long-form CSV upload larger than this is checked in parts this large",
    )
    KOLADA_SYNC_YEARS: int = Field(default=10, ge=1, le=50, description="default years back")
    KOLADA_WORKER_ENABLED: bool | None = Field(
        default=None, description="run the sync worker in the ingest process; unset: not in test"
    )
    KOLADA_WORKER_POLL_S: float = Field(default=5.0, gt=0)
    KOLADA_JOB_STALE_S: float = Field(
        default=120.0, gt=0, description="a running job without heartbeat this long is resumed"
    )
    KOLADA_MUNICIPAL_MAX_KPIS: int = Field(
        default=100, ge=1, description="KPIs a municipal key may name in one sync"
    )
    KOLADA_MUNICIPAL_MAX_YEARS: int = Field(
        default=20, ge=1, description="years a municipal key may name in one sync"
    )
    KOLADA_SLICE_CHUNKS: int = Field(
        default=20, ge=1, description="chunks a job runs before another tenant's job gets a turn"
    )

    # --- indicators ---
    INDICATORS_CACHE_ENTRIES: int = Field(
        default=512, ge=0, description="analytics responses kept in memory per process; 0 = off"
    )
    INDICATORS_REPORT_CACHE_ENTRIES: int = Field(
        default=64, ge=0, description="tertial reports kept in memory per process; 0 = off"
    )
    INDICATORS_GENDER_GAP_THRESHOLD: float = Field(
        default=5.0, ge=0, description="flag |women − men| above this (indicator's own wins)"
    )
    INDICATORS_GENDER_GAP_MIN_N: int = Field(
        default=20, ge=1, description="flag a gender gap only when both groups have this n"
    )
    INDICATORS_STATE_TTL_S: float = Field(
        default=1.0,
        ge=0,
        description="seconds a municipality's data state is reused by the analytics cache",
    )

    @field_validator("DATABASE_URL")
    @classmethod
    def _async_driver(cls, value: str | None) -> str | None:
        if value and value.startswith(("postgresql://", "postgres://")):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self) -> Settings:
        if self.ENVIRONMENT == "production" and self.SERVICE_API_KEY in _PLACEHOLDERS:
            raise ValueError("SERVICE_API_KEY must be set to a real key in production")
        return self

    @model_validator(mode="after")
    def _kolada_base_url_allowed(self) -> Settings:
        from shared.urls import check_allowed_https_url

        check_allowed_https_url(self.KOLADA_BASE_URL, self.KOLADA_ALLOWED_HOSTS)
        return self

    def service_url(self, service: ServiceName) -> str:
        urls: dict[ServiceName, str] = {
            "ingest": self.INGEST_URL,
            "indicators": self.INDICATORS_URL,
            "awards": self.AWARDS_URL,
            "budget": self.BUDGET_URL,
        }
        return urls[service]

    # --- identity ---
    OIDC_ISSUERS: list[OidcIssuer] = Field(
        default_factory=list,
        description="JSON list of OpenID Connect issuers whose access tokens are accepted",
    )
    OIDC_LEEWAY_S: int = Field(default=30, ge=0, le=300, description="clock skew for exp/nbf")
    OIDC_JWKS_CACHE_S: float = Field(default=3600.0, ge=0, description="JWKS kept this long")
    OIDC_JWKS_REFETCH_S: float = Field(
        default=30.0, ge=0, description="at most one refetch per issuer this often (unknown kid)"
    )
    DEV_ISSUER_ENABLED: bool = Field(
        default=False,
        description="development only: `kvn run` mints demo tokens (never in production)",
    )
    CORS_ALLOW_ORIGINS: list[str] = Field(
        default_factory=list, description="browser origins allowed to call the API"
    )
    CORS_ALLOW_CREDENTIALS: bool = False
    CORS_MAX_AGE_S: int = Field(default=600, ge=0, description="how long a preflight is cached")
    DOCS_ENABLED: bool | None = Field(
        default=None, description="serve /docs; unset = only when ENVIRONMENT=development"
    )
    WEBHOOK_ALLOWED_HOSTS: list[str] = Field(
        default_factory=list,
        description="hosts webhook URLs may point at; '*.example.se' allows its subdomains",
    )
    WEBHOOK_ALLOW_PRIVATE: bool = Field(
        default=False, description="allow loopback/private addresses (tests only)"
    )
    WEBHOOK_MAX_ATTEMPTS: int = Field(default=8, ge=1, le=20)
    WEBHOOK_TIMEOUT_S: float = Field(default=5.0, gt=0)
    WEBHOOK_POLL_S: float = Field(default=5.0, gt=0, description="delivery loop interval")
    WEBHOOK_BATCH_SIZE: int = Field(default=50, ge=1, le=1000)
    WEBHOOK_RETENTION_DAYS: int = Field(
        default=30, ge=1, description="events and their delivery log kept this long once settled"
    )

    # --- scale ---
    DATABASE_READ_URL: str | None = Field(
        default=None,
        description="a read replica for read-only queries (ReadSessionDep); unset = DATABASE_URL",
    )

    @field_validator("DATABASE_READ_URL")
    @classmethod
    def _async_read_driver(cls, value: str | None) -> str | None:
        if value and value.startswith(("postgresql://", "postgres://")):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @property
    def docs_enabled(self) -> bool:
        if self.DOCS_ENABLED is not None:
            return self.DOCS_ENABLED
        return self.ENVIRONMENT == "development"

    @model_validator(mode="after")
    def _identity_rules(self) -> Settings:
        if self.DEV_ISSUER_ENABLED and self.ENVIRONMENT == "production":
            raise ValueError("DEV_ISSUER_ENABLED must not be set in production")
        if "*" in self.CORS_ALLOW_ORIGINS and self.CORS_ALLOW_CREDENTIALS:
            raise ValueError("CORS_ALLOW_ORIGINS may not be '*' when credentials are allowed")
        for origin in self.CORS_ALLOW_ORIGINS:
            if origin != "*" and (
                not origin.startswith(("https://", "http://")) or origin.endswith("/")
            ):
                raise ValueError(f"CORS origin {origin!r} must be scheme://host[:port]")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
