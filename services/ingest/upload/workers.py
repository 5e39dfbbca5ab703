"""The worker processes that check a large long-form CSV upload in parts at once
(UPLOAD_CHECK_PROCESSES): the check is pure Python, so one process uses one core. Started
like the Kolada parser's (spawn; each exits as soon as the ingest process is gone, even
killed with -9) and owned by the ingest app's lifespan."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from services.ingest.kolada.parsing import exit_with_parent

T = TypeVar("T")


def start_worker(parent: int) -> None:
    """A worker's initializer: it exits with its parent, and imports the check before it
    takes its first part (a second of CPU)."""
    exit_with_parent(parent)
    import services.ingest.upload.service  # noqa: F401


def ready() -> int:
    """A warm-up call; it holds its worker a moment, so that the calls of a round go to
    different workers."""
    time.sleep(0.05)
    return os.getpid()


class CheckPool:
    """A few worker processes, spawned on first use (or by `start`)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._running: set[Future[object]] = set()
        self.submitted = 0  # calls, ever

    def submit(self, function: Callable[..., T], *args: object) -> Future[T]:
        """A call on a worker. A pool that broke (a worker was killed or ran out of memory)
        is replaced here, by the next call, never by the upload that saw it break: that
        could close a pool another upload has just started using."""
        if self._pool is None:
            self._pool = self._new_pool()
        try:
            future = self._pool.submit(function, *args)
        except BrokenProcessPool:
            broken, self._pool = self._pool, self._new_pool()
            broken.shutdown(wait=False, cancel_futures=True)
            future = self._pool.submit(function, *args)
        self.submitted += 1
        self._running.add(future)  # type: ignore[arg-type]
        future.add_done_callback(self._running.discard)
        return future

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=start_worker,
            initargs=(os.getpid(),),
        )

    @property
    def busy(self) -> int:
        """Calls submitted and not finished (waiting or running)."""
        return len(self._running)

    async def start(self) -> None:
        """Every worker spawned and ready (importing the check takes a second of CPU, which
        the first large upload would otherwise wait for): rounds of warm-up calls until each
        worker has answered one (a worker takes calls once its initializer is done)."""
        if self.processes <= 1:
            return
        answered: set[int] = set()
        for _ in range(600):
            calls = [asyncio.wrap_future(self.submit(ready)) for _ in range(self.processes)]
            answered.update(await asyncio.gather(*calls))
            if len(answered) >= self.processes:
                return

    def close(self, wait: bool = False) -> None:
        """Calls waiting are dropped; `wait`: until the workers have exited (the app's
        shutdown, so that the process leaves nothing of them behind)."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=wait, cancel_futures=True)
