"""Work to do each time `mutuals worker` starts, registered by the apps that need it.

The worker command lives in `core`, below the apps, so it cannot call them; an app registers
a callable in its `AppConfig.ready` (imports registers its recovery of stalled imports) and
the command runs them all before it takes its first task. Each must be idempotent and quick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_HOOKS: list[Callable[[], object]] = []


def register(hook: Callable[[], object]) -> None:
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def run_all() -> None:
    for hook in _HOOKS:
        result = hook()
        logger.info("worker start: %s -> %s", getattr(hook, "__name__", hook), result)
