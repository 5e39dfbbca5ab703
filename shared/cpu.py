"""CPU-bound work that grows with the data runs here, never on a serving process's event
loop: a worker thread, at most CPU_THREADS at once per process, so `/healthz` and every other
request keep being answered while a report, a status evaluation or an upload is computed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ParamSpec, TypeVar

import anyio
import anyio.to_thread

P = ParamSpec("P")
T = TypeVar("T")
# Python threads share the GIL: more CPU threads than this only slow the event loop down.
CPU_THREADS = 2
_limiter: anyio.CapacityLimiter | None = None


def _cpu_limiter() -> anyio.CapacityLimiter:
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(CPU_THREADS)
    return _limiter


async def run_cpu(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`function(*args, **kwargs)` in a worker thread; the caller's task waits for it."""
    return await anyio.to_thread.run_sync(
        partial(function, *args, **kwargs), limiter=_cpu_limiter()
    )
