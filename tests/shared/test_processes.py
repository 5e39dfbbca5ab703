"""shared.processes: a shutdown does not wait for a long call whose caller is gone."""

from __future__ import annotations

import os
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from shared.processes import ProcessPool


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads process states from /proc")
def test_closing_with_terminate_stops_a_running_call_and_its_worker() -> None:
    pool = ProcessPool(1)
    pool.submit(os.getpid).result(timeout=60)
    assert pool._pool is not None
    (worker,) = pool._pool._processes
    running = pool.submit(time.sleep, 600)
    deadline = time.monotonic() + 30
    while not running.running() and time.monotonic() < deadline:
        time.sleep(0.01)
    pool.close(wait=True, terminate=True)
    # Without terminate, close(wait=True) would wait the ten minutes and the call succeed.
    assert isinstance(running.exception(timeout=30), BrokenProcessPool)
    assert not os.path.exists(f"/proc/{worker}") or _zombie(worker)


def _zombie(pid: int) -> bool:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] == "Z"


def test_a_niced_pool_takes_the_cpu_after_its_parent() -> None:
    pool = ProcessPool(1, nice=5)
    try:
        assert pool.submit(os.nice, 0).result(timeout=60) == min(os.nice(0) + 5, 19)
    finally:
        pool.close(wait=True)
