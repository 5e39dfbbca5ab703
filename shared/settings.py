"""Settings for every process of the suite; the only reader of the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

ServiceName = Literal["ingest", "indicators", "awards", "budget"]
SERVICES: tuple[ServiceName, ...] = ("ingest", "indicators", "awards", "budget")

_PLACEHOLDERS = {"", "change-me", "changeme", "secret", "dev-service-key"}


class Settings(BaseSettings):
    """Every field is an environment variable of the same name (see .env.example)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    ENVIRONMENT: Literal["development", "test", "production"] = "development"
    LOG_LEVEL: str = "INFO"
    LOG_JSON: bool = True

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

    SCHEDULER_ENABLED: bool = True
    KOLADA_BASE_URL: str = "https://api.kolada.se/v3"
    KOLADA_ALLOWED_HOSTS: list[str] = ["api.kolada.se"]
    KOLADA_RATE_PER_S: float = Field(default=5.0, gt=0)

    HOST: str = "127.0.0.1"
    PORT: int = 8080

    # --- indicators ---
    INDICATORS_CACHE_ENTRIES: int = Field(
        default=512, ge=0, description="analytics responses kept in memory per process; 0 = off"
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

    def service_url(self, service: ServiceName) -> str:
        urls: dict[ServiceName, str] = {
            "ingest": self.INGEST_URL,
            "indicators": self.INDICATORS_URL,
            "awards": self.AWARDS_URL,
            "budget": self.BUDGET_URL,
        }
        return urls[service]


@lru_cache
def get_settings() -> Settings:
    return Settings()
