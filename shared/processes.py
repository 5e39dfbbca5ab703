"""Worker processes for CPU-bound work that must use more than one core, or must not hold a
serving process's GIL at all: spawned (never forked from a process with threads and open
connections), each exits as soon as the process that started it is gone, even killed with
-9, and is owned by an app's lifespan."""

from __future__ import annotations

import asyncio
import gc
import importlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")
# Workers do what takes seconds: on a busy machine the serving processes' requests (each a
# few milliseconds) and the database go first, and the workers take what is left.
WORKER_NICE = 10
# A worker builds tens of thousands of rows and cells per call, none of them in a cycle: at
# the default threshold (700) the collector would walk them again and again while they are
# made (a third of a cold computation over 60 000 rows). What it loaded at start is frozen.
WORKER_GC_THRESHOLD = (50_000, 10, 10)


def exit_with_parent(parent: int, every_s: float = 0.5) -> None:
    """Called in a worker: it exits as soon as the process that started it is gone (even
    killed with -9, which runs no clean-up), instead of living on as an orphan."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def start_worker(
    parent: int,
    imports: Sequence[str],
    setup: Callable[..., object] | None,
    setup_args: tuple[object, ...],
    nice: int,
) -> None:
    """A worker's initializer: it exits with its parent, takes the CPU after the serving
    processes (`nice`), imports what its calls need before it takes the first one (seconds of
    CPU a first call would otherwise wait for), runs `setup(*setup_args)`, and collects
    cycles less often (WORKER_GC_THRESHOLD)."""
    exit_with_parent(parent)
    if nice:
        os.nice(nice)
    for module in imports:
        importlib.import_module(module)
    if setup is not None:
        setup(*setup_args)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLD)


def _ready() -> int:
    """A warm-up call; it holds its worker a moment, so that the calls of a round go to
    different workers."""
    time.sleep(0.05)
    return os.getpid()


class ProcessPool:
    """A few worker processes, spawned on first use (or by `start`)."""

    def __init__(
        self,
        processes: int,
        *,
        imports: Sequence[str] = (),
        setup: Callable[..., object] | None = None,
        setup_args: tuple[object, ...] = (),
        nice: int = WORKER_NICE,
    ) -> None:
        self.processes = processes
        self._initargs = (os.getpid(), tuple(imports), setup, setup_args, nice)
        self._pool: ProcessPoolExecutor | None = None
        self._running: set[Future[object]] = set()
        self.submitted = 0  # calls, ever

    def submit(self, function: Callable[..., T], *args: object) -> Future[T]:
        """A call on a worker. A pool that broke (a worker was killed or ran out of memory)
        is replaced here, by the next call, never by the caller that saw it break: that
        could close a pool another caller has just started using."""
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

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` on a worker; the caller's task waits without holding the loop."""
        return await asyncio.wrap_future(self.submit(function, *args))

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=start_worker,
            initargs=self._initargs,
        )

    @property
    def busy(self) -> int:
        """Calls submitted and not finished (waiting or running)."""
        return len(self._running)

    async def start(self) -> None:
        """Every worker spawned and ready: rounds of warm-up calls until each worker has
        answered one (a worker takes calls once its initializer is done)."""
        if self.processes < 1:
            return
        answered: set[int] = set()
        for _ in range(600):
            calls = [asyncio.wrap_future(self.submit(_ready)) for _ in range(self.processes)]
            answered.update(await asyncio.gather(*calls))
            if len(answered) >= self.processes:
                return

    def close(self, wait: bool = False, *, terminate: bool = False) -> None:
        """Calls waiting are dropped; `wait`: until the workers have exited (the app's
        shutdown, so that the process leaves nothing of them behind); `terminate`: calls
        running are stopped too (SIGTERM to the workers), so a shutdown does not wait for a
        long computation whose caller is gone."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            if terminate:
                # ProcessPoolExecutor has no public way to stop running calls before 3.14.
                for process in list(pool._processes.values()):
                    process.terminate()
            pool.shutdown(wait=wait, cancel_futures=True)
