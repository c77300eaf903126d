"""Application settings: one pydantic-settings class, read once and cached."""

from __future__ import annotations

import os
import secrets
from decimal import Decimal
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
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
from starlette.requests import HTTPConnection

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
    """Configuration from ``HIRELOOP_*`` environment variables (and ``DATABASE_URL``).

    Every field carries a ``description``: ``hireloop settings --markdown`` turns them into
    the README's tables (a test keeps the two equal), so a new setting is documented here.
    ``json_schema_extra={"doc_default": ...}`` words a default the value alone does not say.
    """

    model_config = SettingsConfigDict(env_prefix="HIRELOOP_", extra="ignore")
    _generated_secret: str | None = PrivateAttr(default=None)

    environment: Literal["development", "test", "production"] = Field(
        default="development",
        description="`production` refuses to start without `HIRELOOP_JWT_SECRET`",
    )
    data_dir: Path = Field(
        default=Path("var"),
        description="where the SQLite file and the generated secret live",
    )
    resume_dir: Path | None = Field(
        default=None,
        description=(
            "where uploaded resume files are kept, under random names; every server process "
            "must see the same directory"
        ),
        json_schema_extra={"doc_default": "`var/resumes` (under the data dir)"},
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "HIRELOOP_DATABASE_URL"),
        description=(
            "`postgresql+asyncpg://user@host/db` (or `postgresql://…`) switches to PostgreSQL"
        ),
        json_schema_extra={"doc_default": "`sqlite+aiosqlite:///var/hireloop.db`"},
    )
    database_echo: bool = Field(default=False, description="log every SQL statement")
    db_pool_size: int = Field(
        default=10,
        ge=1,
        description=(
            "PostgreSQL connections each server process keeps open; up to as many again "
            "are opened under load"
        ),
    )

    jwt_secret: SecretStr | None = Field(
        default=None,
        description=(
            "signing key of access tokens and session cookies; when unset, generated once "
            "into `var/secret_key` (mode 0600)"
        ),
        json_schema_extra={"doc_default": "generated"},
    )
    jwt_algorithm: Literal["HS256"] = Field(default="HS256", description="token signature")
    access_token_minutes: int = Field(default=60 * 12, ge=1, description="access-token lifetime")

    min_questions: int = Field(
        default=8, ge=1, le=50, description="fewest questions before an interview may end"
    )
    max_questions: int = Field(default=15, ge=1, le=50, description="most questions asked")
    time_limit_minutes: int = Field(default=45, ge=1, description="interview time limit")
    idle_abandon_minutes: int = Field(
        default=120,
        ge=1,
        description="an interview left without an answer this long is marked abandoned",
    )
    idle_sweep_seconds: int = Field(
        default=60,
        ge=0,
        description=(
            "how often the server marks idle interviews abandoned "
            "(0: never; run `hireloop sweep` from cron instead)"
        ),
    )

    # Retention (issue 18): how long data is kept once an application is closed
    # (rejected, offered or withdrawn). None keeps it; `hireloop purge` applies them.
    retention_transcript_days: int | None = Field(
        default=None,
        ge=1,
        description=(
            "days a closed application's interview transcript (answers, and the quotes of "
            "them in its results) is kept; unset: kept"
        ),
    )
    retention_resume_days: int | None = Field(
        default=None,
        ge=1,
        description=(
            "days a candidate's resumes (rows and files) are kept once all their "
            "applications are closed; unset: kept"
        ),
    )
    retention_audio_days: int | None = Field(
        default=None,
        ge=1,
        description=(
            "days recorded answers kept for review (`HIRELOOP_SPEECH_KEEP_AUDIO_DAYS`) "
            "survive once the application closes; unset: until their own date"
        ),
    )
    purge_interval_hours: int = Field(
        default=24,
        ge=0,
        description=(
            "how often the server runs `hireloop purge` when a retention setting is set "
            "(0: never; run it from cron instead)"
        ),
    )

    ai_provider: Literal["builtin", "openai"] = Field(
        default="builtin",
        description=(
            "`builtin` (offline, deterministic) or `openai` (any OpenAI-compatible server)"
        ),
    )
    ai_base_url: str | None = Field(
        default=None,
        description="the server's `/v1` URL, e.g. `http://127.0.0.1:11434/v1`",
        json_schema_extra={"doc_default": "OpenAI"},
    )
    ai_api_key: SecretStr | None = Field(
        default=None,
        description="required for api.openai.com; local servers usually ignore it",
    )
    ai_model: str = Field(default="gpt-4o-mini", description="model name as the server knows it")
    ai_timeout_seconds: float = Field(default=30.0, gt=0, le=600, description="per attempt")
    ai_max_retries: int = Field(
        default=2,
        ge=0,
        le=10,
        description=("retries on 429, 5xx, timeouts, refused connections and unusable replies"),
    )
    ai_backoff_seconds: float = Field(
        default=0.5,
        ge=0,
        le=60,
        description=(
            "first retry's base delay; exponential backoff with jitter, a longer "
            "`Retry-After` is honoured"
        ),
    )
    ai_backoff_max_seconds: float = Field(
        default=8.0, ge=0, le=300, description="longest delay between retries"
    )
    # An answer makes two requests, and the interview row stays locked while one runs.
    ai_retry_budget_seconds: float = Field(
        default=60.0,
        gt=0,
        le=1800,
        description="the most one request may take, all attempts and waits included",
    )
    ai_turn_budget_seconds: float = Field(
        default=30.0,
        gt=0,
        le=1800,
        description=(
            "all model calls of one turn together (judge the answer, word what follows); "
            "when it runs out, the built-in engine does the rest of the turn"
        ),
    )
    ai_breaker_failures: int = Field(
        default=5,
        ge=1,
        le=100,
        description=(
            "after that many failed calls in a row the model is skipped for the cool-down "
            "(shared through Redis when `HIRELOOP_REDIS_URL` is set)"
        ),
    )
    ai_breaker_cooldown_seconds: float = Field(
        default=60.0, ge=0, le=3600, description="how long an open breaker skips the model"
    )
    # Replies are parsed tolerantly (code fences, surrounding text) in every mode.
    ai_response_format: Literal["auto", "json_schema", "json_object", "none"] = Field(
        default="auto",
        description=(
            "`auto` tries JSON-schema output, then JSON mode, then plain, stepping down once "
            "on any failure of a richer mode and remembering what works for the server; or "
            "fix one mode"
        ),
    )
    ai_temperature: float = Field(default=0.2, ge=0, le=2, description="sampling temperature")
    ai_prices: dict[str, ModelPrice] = Field(
        default_factory=lambda: dict(DEFAULT_AI_PRICES),
        description=(
            'JSON, US dollars per million tokens: `{"MODEL": {"input": 0.15, '
            '"output": 0.6}}` (replaces the table)'
        ),
        json_schema_extra={"doc_default": "a few OpenAI models"},
    )

    # Voice interviews (issue 16): any server speaking the OpenAI audio API.
    speech_provider: Literal["none", "openai"] = Field(
        default="none",
        description=(
            "`none` (text interviews only) or `openai` (any OpenAI-compatible speech server: "
            "questions spoken, answers recorded and transcribed)"
        ),
    )
    speech_base_url: str | None = Field(
        default=None,
        description="the speech server's `/v1` URL, e.g. `http://127.0.0.1:8000/v1`",
        json_schema_extra={"doc_default": "OpenAI"},
    )
    speech_transcription_base_url: str | None = Field(
        default=None,
        description=(
            "another server for transcription only (e.g. vLLM or Speaches beside a "
            "speech-only Kokoro-FastAPI); same key"
        ),
        json_schema_extra={"doc_default": "the speech base URL"},
    )
    speech_api_key: SecretStr | None = Field(
        default=None,
        description="required for api.openai.com; local servers usually ignore it",
    )
    speech_transcription_model: str = Field(
        default="whisper-1",
        max_length=200,
        description="model for `/v1/audio/transcriptions`, e.g. `Systran/faster-whisper-small`",
    )
    speech_model: str = Field(
        default="tts-1", max_length=200, description="model for `/v1/audio/speech`"
    )
    speech_voice: str = Field(
        default="alloy", max_length=100, description="voice the questions are spoken in"
    )
    speech_language: str | None = Field(
        default=None,
        max_length=20,
        description="answers' language hint for transcription (ISO-639-1, e.g. `en`)",
    )
    speech_timeout_seconds: float = Field(
        default=30.0, gt=0, le=600, description="per request to the speech server"
    )
    speech_max_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=1024,
        description=(
            "largest recorded answer accepted (413 beyond); keep it under "
            "`HIRELOOP_MAX_UPLOAD_BYTES`"
        ),
        json_schema_extra={"doc_default": "4 MiB"},
    )
    speech_max_seconds: int = Field(
        default=180, ge=5, le=3600, description="longest recorded answer accepted"
    )
    speech_keep_audio_days: int = Field(
        default=0,
        ge=0,
        le=3650,
        description=(
            "0: a recorded answer is deleted once its transcript is confirmed; N: kept N "
            "days so recruiters can play it"
        ),
    )

    log_level: str = Field(default="INFO", description="`DEBUG`, `INFO`, `WARNING` or `ERROR`")
    log_json: bool = Field(
        default=True,
        description=(
            "structured (JSON) logs with a per-request `request_id` (`X-Request-ID` is "
            "accepted and echoed); `false` for console lines"
        ),
    )

    # Hardening (see the security package and ratelimit.py). Limits count requests per fixed window.
    redis_url: str | None = Field(
        default=None,
        description=(
            "e.g. `redis://127.0.0.1:6379/0`: rate-limit counters shared by every server "
            "process (in memory per process otherwise)"
        ),
    )
    rate_limits_enabled: bool = Field(
        default=True, description="`false` switches every limit off (e.g. for load benchmarks)"
    )
    login_limit_per_account: int = Field(
        default=10, ge=1, description="login attempts per email address in a window"
    )
    login_limit_per_ip: int = Field(
        default=100, ge=1, description="login attempts per client address in a window"
    )
    login_window_seconds: int = Field(default=300, ge=1, description="the login window")
    interview_start_limit: int = Field(
        default=30, ge=1, description="interview starts per user in a window"
    )
    interview_start_window_seconds: int = Field(
        default=3600, ge=1, description="the interview-start window"
    )
    answer_limit: int = Field(default=60, ge=1, description="answers per user in a window")
    answer_window_seconds: int = Field(default=60, ge=1, description="the answer window")
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="largest request body; larger → 413",
        json_schema_extra={"doc_default": "1 MiB"},
    )
    max_upload_bytes: int = Field(
        default=6 * 1024 * 1024,
        ge=1024,
        description="largest multipart upload (resumes are at most 5 MB); larger → 413",
        json_schema_extra={"doc_default": "6 MiB"},
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "comma-separated origins allowed to call the API from a browser, e.g. "
            "`https://a.example,https://b.example`; empty = same origin only"
        ),
    )

    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list,
        description=(
            "comma-separated addresses or CIDR ranges of the reverse proxies in front of the "
            "server, e.g. `127.0.0.1,10.0.0.0/8`: only requests from them have their "
            "`X-Forwarded-For` (the client address of the per-IP login limit) and "
            "`X-Forwarded-Proto` believed; empty = no proxy, a client is the address it "
            "connects from"
        ),
    )

    bias_report_min_group_size: int = Field(
        default=5,
        ge=1,
        le=1000,
        description=(
            "bias report: a group with fewer people than this behind a rate is shown but "
            "marked too small, gets no impact ratio and is never the reference group"
        ),
    )
    consent_required: bool = Field(
        default=True,
        description=(
            "candidates must accept the current candidate notice before an interview starts "
            "(428 otherwise); turn off only where consent is collected elsewhere, e.g. an ATS"
        ),
    )
    human_alternative_contact: str = Field(
        default="",
        max_length=300,
        description=(
            "who a candidate asks for an assessment by a person instead of the automated "
            "interview (an email address or a web page), named in the candidate notice; "
            "empty = the recruiter who posted the job"
        ),
    )

    # Email (issue 15): sent through the outbox; without a host, messages go to the log.
    smtp_host: str | None = Field(
        default=None,
        description="the mail server that sends Hireloop's email; unset: emails are written "
        "to the log instead of sent",
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="the mail server's port")
    smtp_tls: Literal["none", "starttls", "tls"] = Field(
        default="starttls",
        description="`starttls` (upgrade a plain connection, port 587), `tls` (TLS from the "
        "start, port 465) or `none` (only for a server on the same machine)",
    )
    smtp_user: str | None = Field(
        default=None, description="user name to log in to the mail server; unset: no login"
    )
    smtp_password: SecretStr | None = Field(
        default=None, description="password to log in to the mail server"
    )
    smtp_from: str = Field(
        default="Hireloop <hireloop@localhost>",
        max_length=320,
        description="the sender of every email, e.g. `Hireloop <jobs@example.com>`",
    )
    smtp_timeout_seconds: float = Field(
        default=15.0, gt=0, le=300, description="how long one attempt to send may take"
    )
    public_url: str | None = Field(
        default=None,
        description="the address people reach this site at, e.g. `https://jobs.example.com`, "
        "for links in emails; unset: the address of the request that caused the email",
    )
    invitation_valid_days: int = Field(
        default=14, ge=1, le=365, description="days an invitation link can be used"
    )
    invitation_daily_limit: int = Field(
        default=200,
        ge=1,
        description="invitations one recruiter may send in 24 hours (50 at most per request)",
    )
    digest_interval_hours: int = Field(
        default=24,
        ge=0,
        description="how often recruiters get an email listing the interviews completed for "
        "their postings since the last one (none when nothing happened; 0: never)",
    )

    @field_validator("public_url")
    @classmethod
    def _http_public_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    # The outbox and its worker (issue 15): every webhook and email goes through it.
    outbox_worker_in_server: bool = Field(
        default=True,
        description=(
            "the server delivers outbox messages (webhooks, emails) itself; `false` when "
            "`hireloop worker` processes do it (larger deployments)"
        ),
    )
    outbox_poll_seconds: float = Field(
        default=1.0, gt=0, le=300, description="how often an idle worker looks for due messages"
    )
    outbox_server_share: float = Field(
        default=0.1,
        gt=0,
        le=1,
        description=(
            "while the server is answering requests, the share of time its own worker may "
            "spend delivering (it gives way to them; `1` = never)"
        ),
    )
    outbox_batch_size: int = Field(
        default=20, ge=1, le=500, description="messages a worker claims and sends at once"
    )
    outbox_lease_seconds: float = Field(
        default=120.0,
        ge=1,
        le=3600,
        description=(
            "how long a claimed message is reserved for its attempt; after a crash it is "
            "retried once this runs out (an attempt is cut off before it)"
        ),
    )
    outbox_retry_base_seconds: float = Field(
        default=30.0,
        ge=0,
        le=3600,
        description="first retry's delay; exponential backoff with jitter after that",
    )
    outbox_retry_max_delay_seconds: float = Field(
        default=4 * 3600.0, ge=0, le=86400, description="longest delay between two attempts"
    )
    outbox_retry_hours: float = Field(
        default=24.0,
        gt=0,
        le=24 * 14,
        description="a message still failing this long after it was written is given up",
    )
    webhook_timeout_seconds: float = Field(
        default=15.0,
        gt=0,
        le=60,
        description="the longest one webhook request may take, from connecting to the answer",
    )
    webhook_max_response_bytes: int = Field(
        default=64 * 1024,
        ge=0,
        le=10 * 1024 * 1024,
        description="how much of a receiver's response is read (the rest is dropped)",
        json_schema_extra={"doc_default": "64 KiB"},
    )
    webhook_disable_after_failures: int = Field(
        default=100,
        ge=1,
        description=(
            "an endpoint whose deliveries failed this many times in a row is switched off "
            "(the admin sees why and can switch it on again)"
        ),
    )
    webhook_allowed_networks: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list,
        description=(
            "comma-separated addresses or CIDR ranges webhooks may reach although they are "
            "private, loopback or link-local, e.g. `10.1.2.0/24,127.0.0.1`; empty = public "
            "addresses only"
        ),
    )

    @field_validator("trusted_proxies", "webhook_allowed_networks", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            value = [item.strip() for item in value.split(",") if item.strip()]
        if isinstance(value, list):
            # 10.0.0.1/8 means 10.0.0.0/8; a bare address is a network of one.
            return [
                ip_network(item, strict=False) if isinstance(item, str) else item for item in value
            ]
        return value

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
        if (
            self.speech_provider == "openai"
            and not self.speech_base_url
            and self.speech_api_key is None
        ):
            raise ValueError(
                "HIRELOOP_SPEECH_API_KEY is required when HIRELOOP_SPEECH_PROVIDER=openai "
                "talks to api.openai.com; set HIRELOOP_SPEECH_BASE_URL for a self-hosted "
                "speech server"
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
    def retention_enabled(self) -> bool:
        # A speech server leaves recordings to delete on their dates.
        return self.speech_enabled or any(
            days is not None
            for days in (
                self.retention_transcript_days,
                self.retention_resume_days,
                self.retention_audio_days,
            )
        )

    @property
    def speech_enabled(self) -> bool:
        return self.speech_provider != "none"

    @property
    def audio_directory(self) -> Path:
        return self.data_dir / "audio"

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


def settings_of(connection: HTTPConnection) -> Settings:
    """The settings the running app was created with (``create_app`` stores them)."""
    settings: Settings = connection.app.state.settings
    return settings
