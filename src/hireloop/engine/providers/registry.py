"""Which provider interviews use: chosen by ``HIRELOOP_AI_PROVIDER`` (SPEC §6).

Providers are kept per configuration, so a model client's connection pool is shared by
every request of a process instead of being rebuilt per turn.
"""

from __future__ import annotations

from collections.abc import Callable

from hireloop.config import Settings
from hireloop.engine.providers.base import BUILTIN, OPENAI, InterviewProvider
from hireloop.engine.providers.builtin import BuiltinProvider
from hireloop.engine.providers.openai_provider import OpenAIProvider

ProviderFactory = Callable[[Settings], InterviewProvider]

PROVIDERS: dict[str, ProviderFactory] = {
    BUILTIN: lambda _settings: BuiltinProvider(),
    OPENAI: OpenAIProvider,
}

_BUILTIN = BuiltinProvider()
_providers: dict[str, InterviewProvider] = {}


def _key(settings: Settings) -> str:
    secret = settings.ai_api_key.get_secret_value() if settings.ai_api_key else ""
    names = {name for name in type(settings).model_fields if name.startswith("ai_")}
    ai = settings.model_dump_json(include=names)
    return f"{ai}|{secret}"


def get_provider(settings: Settings) -> InterviewProvider:
    if settings.ai_provider == BUILTIN:
        return _BUILTIN
    key = _key(settings)
    provider = _providers.get(key)
    if provider is None:
        provider = _providers[key] = PROVIDERS[settings.ai_provider](settings)
    return provider


async def close_providers() -> None:
    """Close every model client (at shutdown)."""
    providers = list(_providers.values())
    _providers.clear()
    for provider in providers:
        await provider.aclose()
