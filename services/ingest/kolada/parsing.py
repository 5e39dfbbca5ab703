"""Turning one page of Kolada data into staging lines: validation at the boundary, the checks
against the chunk that asked for it, and COPY text. Pure functions, so a page can be parsed in a
worker process (KOLADA_PARSE_PROCESSES): validating a 5000-row page holds the interpreter for
tens of milliseconds, which would otherwise stall the ingest API and the database writes that
the sync does in the same event loop.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from services.ingest.kolada.client import (
    DataRow,
    KoladaError,
    OuDataRow,
    page_adapter,
    validate_page,
)
from services.ingest.observation.changes import Change, Changes

RowKey = tuple[str, str, int]  # KPI, municipality or OU, year

_ESC = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass(frozen=True)
class ChunkSpec:
    """What a chunk asked for; every answered row must be inside it."""

    kind: str  # data | oudata
    kpis: frozenset[str]
    ids: frozenset[str]
    years: frozenset[int]
    municipality_code: str | None
    # (KPI, year) published only preliminarily so far: stored as preliminary whatever the
    # value's own status says.
    preliminary: frozenset[tuple[str, int]] = frozenset()


@dataclass
class ParsedPage:
    """One page as COPY text (see bulk.STAGE), with what the caller needs to check and count."""

    text: str
    values: int
    deletions: int
    next_url: str | None
    rows: set[RowKey]
    # What storing this page changes if every value in it is new (a first sync's case).
    fresh: Changes = field(default_factory=dict)


def _status(status: str | None) -> str:
    return "preliminary" if status and "prel" in status.lower() else "final"


def parse_page(body: bytes, url: str, spec: ChunkSpec, base_url: str) -> ParsedPage:
    """Validate a page fetched from `url` and render its values. Each value's source_url is the
    v3 URL that answers exactly that value: short, and what a reader opens to check it (the page
    URL names up to 75 ids and would make every stored row several times larger)."""
    ou_level = spec.kind == "oudata"
    adapter = page_adapter(OuDataRow if ou_level else DataRow)
    page = validate_page(adapter, body, url)
    prefix = (f"{base_url}/oudata/kpi/" if ou_level else f"{base_url}/data/kpi/").translate(_ESC)
    level = "/ou/" if ou_level else "/municipality/"
    owner = spec.municipality_code or ""
    key_name = "ou" if ou_level else "municipality"
    lines: list[str] = []
    append = lines.append
    rows: set[RowKey] = set()
    fresh: Changes = {}
    deletions = 0
    for row in page["values"]:
        # kpi and ids must be ones the chunk asked for (checked, alphanumeric), so they need no
        # escaping in COPY text.
        where: str = row[key_name]  # type: ignore[literal-required]
        kpi, period = row["kpi"], row["period"]
        if (
            kpi not in spec.kpis
            or where not in spec.ids
            or (spec.years and period not in spec.years)
        ):
            raise KoladaError(
                f"Kolada answered a row that was not asked for ({kpi}, {where}, {period}) at {url}",
                url=url,
            )
        key = (kpi, where, period)
        genders = [entry["gender"] for entry in row["values"]]
        if key in rows or len(set(genders)) != len(genders):
            raise KoladaError(f"Kolada answered ({kpi}, {where}, {period}) twice at {url}", url=url)
        rows.add(key)
        municipality, unit = (owner, where) if ou_level else (where, "")
        early = (kpi, period) in spec.preliminary
        head = f"{municipality}\t{unit}\t{kpi}\t{period}\t{period}-01-01\t{period}-12-31\t"
        source = f"{prefix}{kpi}{level}{where}/year/{period}"
        for entry in row["values"]:
            if entry.get("isdeleted"):
                value, status = "\\N", "deleted"
                deletions += 1
            else:
                number = entry.get("value")
                value = "\\N" if number is None else repr(number)
                status = "preliminary" if early else _status(entry.get("status"))
            append(f"{head}{entry['gender']}\t{value}\t\\N\t\\N\t\\N\t{status}\t\\N\t{source}\n")
        change = fresh.get(municipality)
        if change is None:
            change = fresh[municipality] = Change()
        change.unit_codes.add(unit)
        change.measure_codes.add(kpi)
        change.periods.add(str(period))
        change.created += len(genders)
    return ParsedPage(
        text="".join(lines),
        values=len(lines),
        deletions=deletions,
        next_url=page.get("next_url"),
        rows=rows,
        fresh=fresh,
    )


def exit_with_parent(parent: int, every_s: float = 0.5) -> None:
    """A worker's initializer: it exits as soon as the process that started it is gone (even
    killed with -9, which runs no clean-up), instead of living on as an orphan."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class PageParser:
    """Parses pages in a worker process (spawned once, on first use), or in the event loop
    when `processes` is 0."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    async def parse(self, body: bytes, url: str, spec: ChunkSpec, base_url: str) -> ParsedPage:
        if not self.processes:
            return parse_page(body, url, spec, base_url)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=exit_with_parent,
                initargs=(os.getpid(),),
            )
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, parse_page, body, url, spec, base_url)
        except BrokenProcessPool:
            # The worker died (killed, out of memory): the chunk fails and resumes later; the
            # next page gets a new worker.
            self.close()
            raise

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


_PARSERS: dict[int, PageParser] = {}


def shared_parser(processes: int) -> PageParser:
    """The process's parser for that many worker processes (one pool per ingest process)."""
    found = _PARSERS.get(processes)
    if found is None:
        found = _PARSERS[processes] = PageParser(processes)
    return found


def close_parsers() -> None:
    for parser in _PARSERS.values():
        parser.close()
