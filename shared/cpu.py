"""CPU-bound work that grows with the data runs here, never on a serving process's event
loop: a worker thread, at most CPU_THREADS at once per process, so `/healthz` and every other
request keep being answered while a report, a status evaluation or an upload is computed."""

from __future__ import annotations

import sys
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
# A worker thread that computes holds the GIL, and the event loop's thread waits for it after
# every socket call. Python hands the GIL over every 5 ms by default, so a request's handful
# of socket calls waited tens of milliseconds behind a report. bench/event_loop.py at 1 M
# values, indicators /healthz p99 loaded ÷ idle: ×27.6 at 5 ms, ×5.4 at 0.5 ms, ×5.2 at
# 0.1 ms (the report's own time unchanged).
SWITCH_INTERVAL_S = 0.0005


def favour_the_event_loop() -> None:
    """Hand the GIL over often enough that the event loop is not kept waiting behind a
    computing worker thread (every serving process, when its app is built)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)


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
