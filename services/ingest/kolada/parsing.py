"""Turning one page of Kolada data into staging lines: validation at the boundary, the checks
against the chunk that asked for it, and COPY text. Pure functions, so a page can be parsed in a
worker process (KOLADA_PARSE_PROCESSES): validating a 5000-row page holds the interpreter for
tens of milliseconds, which would otherwise stall the ingest API and the database writes that
the sync does in the same event loop.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field

from services.ingest.kolada.client import (
    DataRow,
    KoladaError,
    OuDataRow,
    page_adapter,
    validate_page,
)
from services.ingest.observation.changes import Change, Changes
from shared.processes import ProcessPool

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


def parse_page(body: bytes, url: str, spec: ChunkSpec, base_url: str) -> ParsedPage:
    """Validate a page fetched from `url` and render its values. Each value's source_url is the
    v3 URL that answers exactly that value: short, and what a reader opens to check it (the page
    URL names up to 75 ids and would make every stored row several times larger).

    The cycle collector is paused meanwhile: a page is tens of thousands of new containers
    (none in a cycle, so reference counting frees them), and the collections they would set off
    each walk every object of the process, which doubled the time of a page."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _parse_page(body, url, spec, base_url)
    finally:
        if paused:
            gc.enable()


def _parse_page(body: bytes, url: str, spec: ChunkSpec, base_url: str) -> ParsedPage:
    ou_level = spec.kind == "oudata"
    adapter = page_adapter(OuDataRow if ou_level else DataRow)
    page = validate_page(adapter, body, url)
    prefix = (f"{base_url}/oudata/kpi/" if ou_level else f"{base_url}/data/kpi/").translate(_ESC)
    level = "/ou/" if ou_level else "/municipality/"
    owner = spec.municipality_code or ""
    key_name = "ou" if ou_level else "municipality"
    kpis, ids, years, preliminary = spec.kpis, spec.ids, spec.years, spec.preliminary
    lines: list[str] = []
    append = lines.append
    rows: set[RowKey] = set()
    fresh: Changes = {}
    change, changed = Change(), None  # the municipality of the row before, most often this one
    deletions = 0
    for row in page["values"]:
        # kpi and ids must be ones the chunk asked for (checked, alphanumeric), so they need no
        # escaping in COPY text.
        where: str = row[key_name]  # type: ignore[literal-required]
        kpi, period, values = row["kpi"], row["period"], row["values"]
        if kpi not in kpis or where not in ids or (years and period not in years):
            raise KoladaError(
                f"Kolada answered a row that was not asked for ({kpi}, {where}, {period}) at {url}",
                url=url,
            )
        key = (kpi, where, period)
        if key in rows or (
            len(values) > 1 and len({entry["gender"] for entry in values}) != len(values)
        ):
            raise KoladaError(f"Kolada answered ({kpi}, {where}, {period}) twice at {url}", url=url)
        rows.add(key)
        municipality, unit = (owner, where) if ou_level else (where, "")
        early = bool(preliminary) and (kpi, period) in preliminary
        head = f"{municipality}\t{unit}\t{kpi}\t{period}\t{period}-01-01\t{period}-12-31\t"
        source = f"{prefix}{kpi}{level}{where}/year/{period}\n"
        for entry in values:
            if entry.get("isdeleted"):
                value, status = "\\N", "deleted"
                deletions += 1
            else:
                number = entry.get("value")
                value = "\\N" if number is None else repr(number)
                if early:
                    status = "preliminary"
                else:
                    given = entry.get("status")
                    status = "preliminary" if given and "prel" in given.lower() else "final"
            append(f"{head}{entry['gender']}\t{value}\t\\N\t\\N\t\\N\t{status}\t\\N\t{source}")
        if municipality != changed:
            found = fresh.get(municipality)
            if found is None:
                found = fresh[municipality] = Change()
            change, changed = found, municipality
        change.unit_codes.add(unit)
        change.measure_codes.add(kpi)
        change.periods.add(str(period))
        change.created += len(values)
    return ParsedPage(
        text="".join(lines),
        values=len(lines),
        deletions=deletions,
        next_url=page.get("next_url"),
        rows=rows,
        fresh=fresh,
    )


class PageParser(ProcessPool):
    """Parses pages in worker processes (KOLADA_PARSE_PROCESSES), or in the event loop when
    `processes` is 0. A worker that died (killed, out of memory) fails the page it had; the
    chunk resumes later and the next page gets a new worker."""

    def __init__(self, processes: int) -> None:
        # At the pools' nice: the pages are parsed ahead of the COPY that stores them, and
        # on a busy machine the COPY goes first (bench/kolada_sync.py: ratio_vs_copy 1.8-2.1
        # → 1.4-1.6 when the machine's two cores had other work too).
        super().__init__(processes, imports=(__name__,))

    def warm(self) -> None:
        """Spawn the workers now, without waiting for them: starting one and importing the
        parser takes a second or more, which the first page would otherwise wait for."""
        for _ in range(self.processes):
            self.submit(os.getpid)

    def pids(self) -> list[int]:
        """The workers' process ids (none before the first call)."""
        return list(self._pool._processes) if self._pool is not None else []

    async def parse(self, body: bytes, url: str, spec: ChunkSpec, base_url: str) -> ParsedPage:
        if not self.processes:
            return parse_page(body, url, spec, base_url)
        return await self.run(parse_page, body, url, spec, base_url)


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
