"""Application settings: one pydantic-settings class, read once and cached."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FILE_NAME = "secret_key"


class Settings(BaseSettings):
    """Configuration from ``HIRELOOP_*`` environment variables (and ``DATABASE_URL``)."""

    model_config = SettingsConfigDict(env_prefix="HIRELOOP_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "HIRELOOP_DATABASE_URL"),
    )
    database_echo: bool = False
    db_pool_size: int = 10

    jwt_secret: SecretStr | None = None
    jwt_algorithm: Literal["HS256"] = "HS256"
    access_token_minutes: int = 60 * 12

    # Interview engine
    min_questions: int = Field(default=8, ge=1, le=50)
    max_questions: int = Field(default=15, ge=1, le=50)
    time_limit_minutes: int = Field(default=45, ge=1)
    idle_abandon_minutes: int = Field(default=120, ge=1)

    log_level: str = "INFO"
    log_json: bool = True

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalize_database_url(self.database_url)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'hireloop.db').as_posix()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    def jwt_secret_value(self) -> str:
        """The JWT signing key: configured, or generated once and kept in ``data_dir``."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        if self.environment == "production":
            raise RuntimeError("HIRELOOP_JWT_SECRET must be set in production")
        return _load_or_create_secret(self.data_dir / SECRET_FILE_NAME)


def normalize_database_url(url: str) -> str:
    """Accept the common synchronous spellings and switch them to the async drivers."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


def _load_or_create_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    # O_EXCL: when two processes race on first start, exactly one writes and both read it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
