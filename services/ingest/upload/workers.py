"""The worker processes that check a large long-form CSV upload in parts at once
(UPLOAD_CHECK_PROCESSES): the check is pure Python, so one process uses one core. Owned by
the ingest app's lifespan (shared.processes: spawned, each exits with the ingest process)."""

from __future__ import annotations

from shared.processes import ProcessPool


class CheckPool(ProcessPool):
    """The check's workers; 0 or 1 process: the upload is checked in one thread."""

    def __init__(self, processes: int) -> None:
        # The check's import takes a second of CPU, which the first large upload would
        # otherwise wait for.
        super().__init__(processes, imports=("services.ingest.upload.service",))

    async def start(self) -> None:
        if self.processes > 1:
            await super().start()
