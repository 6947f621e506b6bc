"""Reactions one domain offers another without importing it: the lower domain fires, the higher one
listens, and app.reactions.connect() is the one place that says who listens to what.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

H = TypeVar("H", bound=Callable[..., Any])


class Hooks(Generic[H]):
    """The functions to run when something happens, in the transaction where it happens."""

    def __init__(self) -> None:
        self._hooks: list[H] = []

    def add(self, hook: H) -> None:
        # Connecting twice (an app and a CLI command in one process, a second app in tests) must
        # not run a reaction twice.
        if hook not in self._hooks:
            self._hooks.append(hook)

    def __iter__(self) -> Iterator[H]:
        return iter(tuple(self._hooks))

    def __len__(self) -> int:
        return len(self._hooks)

    def __contains__(self, hook: object) -> bool:
        return hook in self._hooks
