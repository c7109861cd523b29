"""The kinds of notification a person chooses the delivery of. The app that notifies registers
its kinds in its `AppConfig.ready` (the radar: one per rule), so notifications imports none of
them — as a record kind registers with `access`."""

from __future__ import annotations

from collections.abc import Callable

# A function giving (key, label) for each kind, read when a person's settings are shown.
Provider = Callable[[], list[tuple[str, str]]]

_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def all_kinds() -> list[tuple[str, str]]:
    return [kind for provider in _PROVIDERS for kind in provider()]
