"""Application settings: one pydantic-settings class, read once and cached."""

from __future__ import annotations

import os
import secrets
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    Field,
    PrivateAttr,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SECRET_FILE_NAME = "secret_key"


class ModelPrice(BaseModel):
    """What a language model costs, in US dollars per million tokens."""

    input: Decimal = Field(ge=0)
    output: Decimal = Field(ge=0)


# Published list prices when this table was written; override the whole table with
# HIRELOOP_AI_PRICES='{"my-model": {"input": 0.5, "output": 1.5}}'. A model missing from the
# table still has its tokens counted; its cost is recorded as unknown (null).
DEFAULT_AI_PRICES: dict[str, ModelPrice] = {
    "gpt-4o-mini": ModelPrice(input=Decimal("0.15"), output=Decimal("0.60")),
    "gpt-4o": ModelPrice(input=Decimal("2.50"), output=Decimal("10.00")),
    "gpt-4.1-mini": ModelPrice(input=Decimal("0.40"), output=Decimal("1.60")),
    "gpt-4.1": ModelPrice(input=Decimal("2.00"), output=Decimal("8.00")),
}


class Settings(BaseSettings):
    """Configuration from ``HIRELOOP_*`` environment variables (and ``DATABASE_URL``)."""

    model_config = SettingsConfigDict(env_prefix="HIRELOOP_", extra="ignore")
    _generated_secret: str | None = PrivateAttr(default=None)

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    # Original resume files, stored under opaque names; default: <data_dir>/resumes.
    resume_dir: Path | None = None
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

    # AI provider (SPEC §6, engine/providers/): "builtin" is offline and deterministic;
    # "openai" is any OpenAI-compatible Chat Completions server (OpenAI, Azure, Ollama, vLLM...).
    ai_provider: Literal["builtin", "openai"] = "builtin"
    ai_base_url: str | None = None  # None: api.openai.com; e.g. http://127.0.0.1:11434/v1
    ai_api_key: SecretStr | None = None  # required for api.openai.com; local servers ignore it
    ai_model: str = "gpt-4o-mini"
    ai_timeout_seconds: float = Field(default=30.0, gt=0, le=600)  # per call
    ai_max_retries: int = Field(default=2, ge=0, le=10)  # on 429, 5xx, timeouts, bad output
    ai_backoff_seconds: float = Field(default=0.5, ge=0, le=60)  # first retry's base delay
    ai_backoff_max_seconds: float = Field(default=8.0, ge=0, le=300)
    # The most one model request (all its attempts and waits) may take before the built-in
    # engine answers instead; an answer makes two requests, and the interview row stays
    # locked while it is processed.
    ai_retry_budget_seconds: float = Field(default=60.0, gt=0, le=1800)
    # "auto": JSON-schema structured output, downgraded to JSON mode (then to none) when
    # the server rejects it. Replies are parsed tolerantly (code fences, surrounding text).
    ai_response_format: Literal["auto", "json_schema", "json_object", "none"] = "auto"
    ai_temperature: float = Field(default=0.2, ge=0, le=2)
    ai_prices: dict[str, ModelPrice] = Field(default_factory=lambda: dict(DEFAULT_AI_PRICES))

    log_level: str = "INFO"
    log_json: bool = True

    # Hardening (see security.py and ratelimit.py). Limits count requests per fixed window.
    redis_url: str | None = None  # shares rate limits across processes when set
    rate_limits_enabled: bool = True
    login_limit_per_account: int = Field(default=10, ge=1)
    login_limit_per_ip: int = Field(default=100, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)
    interview_start_limit: int = Field(default=30, ge=1)
    interview_start_window_seconds: int = Field(default=3600, ge=1)
    answer_limit: int = Field(default=60, ge=1)
    answer_window_seconds: int = Field(default=60, ge=1)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=6 * 1024 * 1024, ge=1024)  # multipart (resumes ≤ 5 MB)
    # Origins allowed to call the API from a browser; empty = same-origin only.
    # Comma-separated in the environment: HIRELOOP_CORS_ORIGINS=https://a.example,https://b.example
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _ai_provider_is_usable(self) -> Settings:
        if self.ai_provider == "openai" and not self.ai_base_url and self.ai_api_key is None:
            raise ValueError(
                "HIRELOOP_AI_API_KEY is required when HIRELOOP_AI_PROVIDER=openai talks to "
                "api.openai.com; set HIRELOOP_AI_BASE_URL for a local or self-hosted server"
            )
        if not self.ai_model.strip():
            raise ValueError("HIRELOOP_AI_MODEL must name a model")
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalize_database_url(self.database_url)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'hireloop.db').as_posix()}"

    @property
    def resume_directory(self) -> Path:
        return self.resume_dir if self.resume_dir is not None else self.data_dir / "resumes"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    def jwt_secret_value(self) -> str:
        """The JWT signing key: configured, or generated once and kept in ``data_dir``."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        if self.environment == "production":
            raise RuntimeError("HIRELOOP_JWT_SECRET must be set in production")
        # Every request verifies a token; read the file once, not once per request.
        if self._generated_secret is None:
            self._generated_secret = _load_or_create_secret(self.data_dir / SECRET_FILE_NAME)
        return self._generated_secret


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
