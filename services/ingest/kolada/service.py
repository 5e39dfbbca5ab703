"""Rules of Kolada syncs: plans, jobs, and storing each chunk whole or not at all."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.kolada import repository
from services.ingest.kolada.client import KoladaClient, KoladaError, chunked
from services.ingest.kolada.parsing import (
    ChunkSpec,
    PageParser,
    ParsedPage,
    RowKey,
    shared_parser,
)
from services.ingest.kolada.schemas import (
    SyncCounts,
    SyncIn,
    SyncJobOut,
    SyncProgress,
    SyncTimings,
)
from services.ingest.observation import bulk
from services.ingest.observation.changes import Changes, emit_changes, merge_change
from shared.auth import Principal
from shared.db import Database
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.i18n import message
from shared.models import KoladaSyncChunk, KoladaSyncJob
from shared.models.ingest import CATALOGUE_CHUNK_KINDS
from shared.public_urls import public_path
from shared.settings import Settings

logger = logging.getLogger("kvn.ingest.kolada")

# The elderly-care and social-services KPIs the indicators and prizes use (KOLADA.md, checked
# against the catalogue in shared/kolada/kpi.json).
DEFAULT_KPIS: tuple[str, ...] = (
    "U21468",
    "U23471",
    "U21466",
    "U23463",
    "U21467",
    "U23464",
    "U21463",
    "U23461",
    "U23470",
    "U21401",
    "U23401",
    "N21006",
    "N23009",
    "N20900",
    "U21432",
    "N20500",
    "U20414",
    "N01951",
)
# OU kinds synced per municipality: hemtjänst, särskilt boende, LSS and SoL units.
OU_PREFIXES = ("V21", "V23", "V25", "V26", "V29", "V30", "V31", "V32", "V34")
# The "Liknande kommuner" areas that matter to social services.
GROUP_AREAS = ("äldreomsorg", "LSS", "IFO", "ekonomiskt bistånd")
RIKET = "0000"
# A data or OU data chunk fetched whole even in an incremental run (no from_date).
WHOLE = ":whole"


def job_url(job_id: uuid.UUID) -> str:
    return public_path(f"/v1/kolada/syncs/{job_id}")


def to_out(job: KoladaSyncJob) -> SyncJobOut:
    seconds = None
    if job.started_at and job.finished_at:
        seconds = round((job.finished_at - job.started_at).total_seconds(), 3)
    total = job.chunks_total
    finished = job.chunks_done + job.chunks_failed
    return SyncJobOut(
        id=job.id,
        url=job_url(job.id),
        state=job.state,
        mode=job.mode,
        trigger=job.trigger,
        municipality_code=job.municipality_code,
        from_date=job.from_date,
        plan=job.plan,
        progress=SyncProgress(
            chunks_total=total,
            chunks_done=job.chunks_done,
            chunks_failed=job.chunks_failed,
            rows_done=job.rows_done,
            percent=round(100.0 * finished / total, 1) if total else 0.0,
        ),
        counts=SyncCounts(
            created=job.created,
            revised=job.revised,
            unchanged=job.unchanged,
            deleted=job.deleted,
            requests=job.requests,
        ),
        errors=job.errors,
        attempts=job.attempts,
        timings=SyncTimings(
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            seconds=seconds,
        ),
    )


async def create_sync(
    session: AsyncSession, payload: SyncIn, *, principal: Principal, settings: Settings
) -> SyncJobOut:
    """Record a pending sync job; the worker runs it. One unfinished job per scope."""
    if payload.municipality_code is None and principal.is_national:
        scope: str | None = None
    else:
        scope = principal.tenant(payload.municipality_code)
    if not principal.is_national and scope is not None:
        await _within_municipal_bounds(session, payload, scope, settings)
    running = await repository.unfinished_job(session, scope)
    if running is not None:
        raise Conflict(
            message(
                "problem.ingest.sync_already_pending_running",
                scope=message("problem.ingest.every_tenant") if scope is None else scope,
                running=job_url(running),
            ),
            extra={"job": job_url(running)},
        )
    from_date: date | None = None
    if payload.mode == "incremental":
        last = await repository.last_completed_start(session, scope)
        # A day of overlap: a value changed while the last run was running is fetched again.
        from_date = (last - timedelta(days=1)).date() if last else None
    include_catalogue = (
        payload.include_catalogue
        if payload.include_catalogue is not None
        else payload.trigger == "scheduler"
    )
    job = await repository.add_job(
        session,
        KoladaSyncJob(
            municipality_code=scope,
            mode=payload.mode,
            trigger=payload.trigger,
            state="pending",
            from_date=from_date,
            plan={
                "resolved": False,
                "kpis": payload.kpis,
                "municipalities": payload.municipalities,
                "years": payload.years,
                "include_ous": payload.include_ous,
                "include_catalogue": include_catalogue,
            },
            requested_by=principal.key_id,
            errors=[],
        ),
    )
    return to_out(job)


def _visible(job: KoladaSyncJob, principal: Principal) -> bool:
    if job.municipality_code is None:
        return principal.is_national
    return principal.can_see(job.municipality_code)


async def get_sync(session: AsyncSession, job_id: uuid.UUID, *, principal: Principal) -> SyncJobOut:
    job = await repository.get_job(session, job_id)
    if job is None or not _visible(job, principal):
        raise NotFound(message("problem.ingest.no_kolada_sync", job_id=job_id))
    return to_out(job)


async def retry_sync(
    session: AsyncSession, job_id: uuid.UUID, *, principal: Principal
) -> SyncJobOut:
    """Queue a failed job again: its failed chunks (or its plan, if planning failed) are
    fetched anew; the chunks it finished stay done."""
    job = await repository.get_job(session, job_id, for_update=True)
    if job is None or not _visible(job, principal):
        raise NotFound(message("problem.ingest.no_kolada_sync", job_id=job_id))
    if job.state != "failed":
        raise Conflict(
            message("problem.ingest.failed_sync_retried", id=job_url(job.id), state=job.state),
            extra={"job": job_url(job.id), "state": job.state},
        )
    running = await repository.unfinished_job(session, job.municipality_code)
    if running is not None:
        raise Conflict(
            message("problem.ingest.another_sync_scope_pending_running", running=job_url(running)),
            extra={"job": job_url(running)},
        )
    await repository.retry_failed(session, job)
    return to_out(job)


async def list_syncs(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    limit: int,
    offset: int,
) -> tuple[list[SyncJobOut], int]:
    """Jobs of every municipality the caller may see (a cooperation sees all of its own), or
    of the one asked for."""
    if municipality_code is not None:
        wanted: list[str] | None = [principal.tenant(municipality_code)]
    else:
        visible = principal.visible_municipalities
        wanted = None if visible is None else sorted(visible)
    jobs, total = await repository.list_jobs(
        session, municipalities=wanted, limit=limit, offset=offset
    )
    return [to_out(j) for j in jobs], total


# --- planning -------------------------------------------------------------------------------


def _too_many(field: str, count: int, limit: int) -> FieldError:
    return FieldError(
        loc=["body", field],
        field=field,
        value=str(count),
        message=message("problem.ingest.municipal_key_may_name_most", limit=limit),
        code="too_many",
    )


async def _within_municipal_bounds(
    session: AsyncSession, payload: SyncIn, municipality: str, settings: Settings
) -> None:
    """A municipal key syncs for itself: its municipality, the members of its comparison
    groups and riket, at most KOLADA_MUNICIPAL_MAX_KPIS KPIs and _MAX_YEARS years."""
    errors: list[FieldError] = []
    if payload.kpis is not None and len(set(payload.kpis)) > settings.KOLADA_MUNICIPAL_MAX_KPIS:
        errors.append(_too_many("kpis", len(set(payload.kpis)), settings.KOLADA_MUNICIPAL_MAX_KPIS))
    if payload.years is not None and len(set(payload.years)) > settings.KOLADA_MUNICIPAL_MAX_YEARS:
        errors.append(
            _too_many("years", len(set(payload.years)), settings.KOLADA_MUNICIPAL_MAX_YEARS)
        )
    if payload.municipalities is not None:
        allowed = set(await comparison_municipalities(session, [municipality]))
        errors += [
            FieldError(
                loc=["body", "municipalities", i],
                field="municipalities",
                value=code,
                message=message(
                    "problem.ingest.not_member_comparison_groups_riket", municipality=municipality
                ),
                code="outside_plan",
            )
            for i, code in enumerate(payload.municipalities)
            if code not in allowed
        ]
    if errors:
        raise Unprocessable(message("problem.ingest.sync_larger_than_municipal_key"), errors=errors)


async def comparison_municipalities(session: AsyncSession, own: list[str]) -> list[str]:
    """The municipalities, the members of their "Liknande kommuner" groups, and riket."""
    found: dict[str, None] = {}
    for code in own:
        found[code] = None
        title = await repository.municipality_title(session, code)
        if title:
            for group in await repository.similar_groups(session, title):
                area = group.title.removeprefix("Liknande kommuner ").split(",")[0].strip()
                if area in GROUP_AREAS:
                    found.update(dict.fromkeys(group.members))
    found[RIKET] = None
    return list(found)


def default_years(settings: Settings, today: date | None = None) -> list[int]:
    year = (today or datetime.now(UTC).date()).year
    return list(range(year - settings.KOLADA_SYNC_YEARS, year))


async def build_plan(
    session: AsyncSession,
    client: KoladaClient,
    job: KoladaSyncJob,
    settings: Settings,
    today: date | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Resolve the request into KPIs, municipalities, OUs and years, and cut it into chunks."""
    spec = job.plan
    kpis: list[str] = list(dict.fromkeys(spec.get("kpis") or DEFAULT_KPIS))
    years: list[int] = sorted(set(spec.get("years") or default_years(settings)))
    own = [job.municipality_code] if job.municipality_code else []
    if not own and not spec.get("municipalities"):
        own = await repository.tenant_municipalities(session)
    if spec.get("municipalities"):
        munis = list(dict.fromkeys(spec["municipalities"]))
    else:
        # Every municipality: ranks and KKiK colours are among all of them, and their
        # municipality-level values are public and small (one page per KPI and year).
        munis = list(
            dict.fromkeys(
                [
                    *await comparison_municipalities(session, own),
                    *await repository.all_municipalities(session),
                ]
            )
        )
    ous: dict[str, list[str]] = {}
    if spec.get("include_ous", True):
        for code in own:
            units = await client.ous(code)
            ous[code] = sorted(u.id for u in units if u.id.startswith(OU_PREFIXES))
    flags = await repository.kpi_flags(session, kpis)
    ou_kpis = [k for k in kpis if flags.get(k)]
    preliminary, published = publication_state(
        await repository.kpi_publications(session, kpis),
        today=today or datetime.now(UTC).date(),
        since=job.from_date,
    )
    plan = {
        "resolved": True,
        "kpis": kpis,
        "municipalities": munis,
        "ous": ous,
        "ou_kpis": ou_kpis,
        "years": years,
        "include_catalogue": bool(spec.get("include_catalogue")),
        "preliminary": preliminary,
        "published": {str(year): ks for year, ks in published.items()},
    }
    rows: list[dict[str, Any]] = []

    def add(kind: str, **values: Any) -> None:
        rows.append(
            {
                "job_id": job.id,
                "seq": len(rows),
                "kind": kind,
                "kpis": values.get("kpis", []),
                "ids": values.get("ids", []),
                "years": values.get("years", []),
                "municipality_code": values.get("municipality_code"),
                "state": "pending",
            }
        )

    if plan["include_catalogue"]:
        for kind in CATALOGUE_CHUNK_KINDS:
            add(kind)
    year_parts = [years[i : i + 25] for i in range(0, len(years), 25)] or [[]]
    for kpi_part in chunked(kpis):
        for muni_part in chunked(munis):
            for year_part in year_parts:
                add("data", kpis=kpi_part, ids=muni_part, years=year_part)
    for code, ou_ids in ous.items():
        for kpi_part in chunked(ou_kpis):
            for ou_part in chunked(ou_ids):
                for year_part in year_parts:
                    add(
                        "oudata",
                        kpis=kpi_part,
                        ids=ou_part,
                        years=year_part,
                        municipality_code=code,
                    )
    # Published definitively since the last run: that period again, whole (no from_date), so
    # values that did not change still become final.
    for year, published_kpis in sorted(published.items()):
        for kpi_part in chunked(published_kpis):
            for muni_part in chunked(munis):
                add(f"data{WHOLE}", kpis=kpi_part, ids=muni_part, years=[year])
        for kpi_part in chunked([k for k in published_kpis if k in ou_kpis]):
            for code, ou_ids in ous.items():
                for ou_part in chunked(ou_ids):
                    add(
                        f"oudata{WHOLE}",
                        kpis=kpi_part,
                        ids=ou_part,
                        years=[year],
                        municipality_code=code,
                    )
    return plan, rows


def publication_state(
    publications: dict[str, tuple[str | None, date | None]], *, today: date, since: date | None
) -> tuple[dict[str, int], dict[int, list[str]]]:
    """From the catalogue's publication dates: KPI → the year whose values are preliminary
    today (published preliminarily, not yet definitively), and year → KPIs published
    definitively since `since` (an incremental run's from_date)."""
    preliminary: dict[str, int] = {}
    published: dict[int, list[str]] = {}
    for kpi, (period, definitive) in publications.items():
        if not (period and period.isdigit() and len(period) == 4 and definitive):
            continue
        if today < definitive:
            preliminary[kpi] = int(period)
        elif since is not None and since <= definitive:
            published.setdefault(int(period), []).append(kpi)
    return preliminary, published


# --- fetching and storing one chunk ---------------------------------------------------------


@dataclass
class Fetched:
    """A chunk's answer, already validated and rendered as COPY text (see bulk.STAGE)."""

    blocks: list[str] = field(default_factory=list)
    # What storing the chunk changes if every value in it is new (the first sync's case).
    fresh: Changes = field(default_factory=dict)
    deletions: int = 0
    rows: int = 0
    pages: int = 0
    catalogue: list[Any] = field(default_factory=list)


async def fetch_chunk(
    client: KoladaClient,
    parser: PageParser,
    chunk: KoladaSyncChunk,
    from_date: date | None,
    preliminary: dict[str, int] | None = None,
) -> Fetched:
    """Fetch and parse one chunk; `preliminary` (KPI → year) marks the values Kolada has
    published only preliminarily so far."""
    result = Fetched()
    if chunk.kind == "catalogue:municipality":
        result.catalogue = await client.municipalities()
    elif chunk.kind == "catalogue:municipality_groups":
        result.catalogue = await client.municipality_groups()
    elif chunk.kind == "catalogue:kpi":
        result.catalogue = await client.kpis()
    else:
        kind = chunk.kind.removesuffix(WHOLE)
        if chunk.kind.endswith(WHOLE):
            from_date = None
        spec = ChunkSpec(
            kind=kind,
            kpis=frozenset(chunk.kpis),
            ids=frozenset(chunk.ids),
            years=frozenset(chunk.years),
            municipality_code=chunk.municipality_code,
            preliminary=frozenset(
                (k, year) for k, year in (preliminary or {}).items() if k in chunk.kpis
            ),
        )
        url, params = client.first_page(kind, chunk.kpis, chunk.ids, chunk.years, from_date)
        rows: set[RowKey] = set()

        async def parse(body: bytes, page_url: str) -> ParsedPage:
            return await parser.parse(body, page_url, spec, client.base_url)

        async for page, page_url in client.follow(url, params, parse, lambda p: p.next_url):
            if not rows.isdisjoint(page.rows):
                kpi, where, period = next(iter(rows & page.rows))
                raise KoladaError(
                    f"Kolada answered ({kpi}, {where}, {period}) twice at {page_url}",
                    url=page_url,
                )
            rows |= page.rows
            result.pages += 1
            result.blocks.append(page.text)
            result.rows += page.values
            result.deletions += page.deletions
            for code, change in page.fresh.items():
                merge_change(result.fresh, code, change)
        return result
    result.pages = 1
    result.rows = len(result.catalogue)
    return result


async def _store_catalogue(session: AsyncSession, kind: str, items: list[Any]) -> None:
    if kind == "catalogue:municipality":
        await repository.upsert_municipalities(
            session, [{"code": m.id, "title": m.title, "type": m.type} for m in items]
        )
    elif kind == "catalogue:municipality_groups":
        await repository.upsert_groups(
            session,
            [
                {
                    "id": g.id,
                    "title": g.title,
                    "members": [m.member_id for m in g.members if len(m.member_id) == 4],
                }
                for g in items
            ],
        )
    else:
        await repository.upsert_kpis(
            session,
            [
                {
                    "id": k.id,
                    "title": k.title,
                    "description": k.description,
                    "is_divided_by_gender": k.is_divided_by_gender,
                    "municipality_type": k.municipality_type,
                    "operating_area": k.operating_area,
                    "perspective": k.perspective,
                    "has_ou_data": k.has_ou_data,
                    "publ_period": k.publ_period,
                    "prel_publication_date": k.prel_publication_date,
                    "publication_date": k.publication_date,
                }
                for k in items
            ],
        )


async def store_chunk(
    session: AsyncSession, job: KoladaSyncJob, chunk_id: int, fetched: Fetched, requests: int
) -> bool:
    """Store one chunk in the caller's transaction: its values, its 'done' mark, the job's
    progress and every touched municipality's data_version. False if it was already done."""
    chunk = await repository.lock_chunk(session, chunk_id)
    if chunk is None:
        return False
    counts = bulk.UpsertCounts(0, 0, 0, 0)
    if chunk.kind.startswith("catalogue:"):
        await _store_catalogue(session, chunk.kind, fetched.catalogue)
    elif (
        fetched.rows and not fetched.deletions and await _store_direct(session, job, chunk, fetched)
    ):
        counts = bulk.UpsertCounts(
            created=fetched.rows, revised=0, unchanged=0, deleted=0, changes=fetched.fresh
        )
    elif fetched.rows:
        await bulk.create_stage(session)
        await bulk.copy_lines(session, fetched.blocks)
        skipped = await bulk.drop_unknown_deletions(session, "kolada")
        counts = await bulk.merge_stage(
            session,
            source="kolada",
            staged=fetched.rows - skipped,
            job_id=job.id,
            sent_by=job.requested_by,
        )
        if counts.created or counts.revised:
            await bulk.bump_data_versions(session)
    await emit_changes(session, counts.changes, source="kolada")
    await repository.finish_chunk(
        session, chunk, state="done", rows=fetched.rows, pages=fetched.pages, error=None
    )
    await repository.add_progress(
        session,
        job.id,
        done=1,
        rows=fetched.rows,
        counts=counts.as_dict(),
        requests=requests,
    )
    return True


async def _store_direct(
    session: AsyncSession, job: KoladaSyncJob, chunk: KoladaSyncChunk, fetched: Fetched
) -> bool:
    """A chunk of values never seen before (a first sync) goes straight into observation with
    COPY; if any key exists already the savepoint is rolled back (False) and the caller takes
    the staged upsert, which keeps revisions."""
    sent_by = str(job.requested_by) if job.requested_by else "\\N"
    tail = f"\tkolada\t\\N\t{sent_by}\t1\t{job.id}\n"
    await bulk.allow_long_statements(session)
    try:
        async with session.begin_nested(), await bulk.open_copy(session, direct=True) as copy:
            for block in fetched.blocks:
                await copy.write(block.replace("\n", tail))
    except (DBAPIError, psycopg.Error) as exc:
        if not isinstance(getattr(exc, "orig", exc), psycopg.errors.UniqueViolation):
            raise
        return False
    touched = [chunk.municipality_code] if chunk.kind.startswith("oudata") else list(chunk.ids)
    await bulk.bump_data_versions_for(session, [c for c in touched if c])
    return True


async def fail_chunk(
    session: AsyncSession, job_id: uuid.UUID, chunk_id: int, error: KoladaError, requests: int
) -> None:
    chunk = await repository.lock_chunk(session, chunk_id)
    if chunk is None:
        return
    await repository.finish_chunk(session, chunk, state="failed", rows=0, pages=0, error=str(error))
    await repository.add_progress(
        session,
        job_id,
        failed=1,
        requests=requests,
        error={
            "chunk": chunk.seq,
            "kind": chunk.kind,
            "kpis": chunk.kpis,
            "ids": chunk.ids,
            "years": chunk.years,
            "url": error.url,
            "status": error.status,
            "message": str(error),
        },
    )


# --- running a job --------------------------------------------------------------------------


async def fail_job(database: Database, job_id: uuid.UUID, step: str, exc: Exception) -> None:
    """Mark a job failed with what went wrong, so it blocks no later sync of its scope and
    `POST …/retry` can run it again (its done chunks stay done)."""
    message = str(exc) if isinstance(exc, KoladaError) else f"{type(exc).__name__}: {exc}"
    error: dict[str, Any] = {"step": step, "message": message[:2000]}
    if isinstance(exc, KoladaError):
        error["url"] = exc.url
    async with database.unit_of_work() as session:
        await repository.add_progress(session, job_id, error=error)
        await repository.finish_job(session, job_id, "failed")


async def run_job(
    database: Database, client: KoladaClient, job_id: uuid.UUID, settings: Settings
) -> str:
    """Run (or resume) a claimed job: plan once, then every pending chunk, fetched a few ahead
    and stored one transaction each. A crash leaves finished chunks done; a rerun resumes."""
    parser = shared_parser(settings.KOLADA_PARSE_PROCESSES)
    parser.warm()  # while the job is planned
    async with database.unit_of_work() as session:
        job = await repository.get_job(session, job_id)
        if job is None:
            raise NotFound(message("problem.ingest.no_kolada_sync", job_id=job_id))
        planned = job.plan.get("resolved", False)
    if not planned:
        try:
            async with database.unit_of_work() as session:
                job = await repository.get_job(session, job_id)
                assert job is not None
                plan, rows = await build_plan(session, client, job, settings)
                await repository.add_chunks(session, rows)
                await repository.set_plan(session, job, plan, len(rows))
        except Exception as exc:
            logger.exception("kolada sync planning failed", extra={"job": str(job_id)})
            await fail_job(database, job_id, "plan", exc)
            return "failed"
    async with database.unit_of_work() as session:
        job = await repository.get_job(session, job_id)
        assert job is not None
        pending = [c for c in await repository.chunks(session, job_id) if c.state == "pending"]
        session.expunge_all()
    from_date = job.from_date
    preliminary: dict[str, int] = job.plan.get("preliminary") or {}

    ahead = max(1, settings.KOLADA_CONCURRENCY)
    tasks: dict[int, asyncio.Task[Fetched]] = {}

    def start(index: int) -> None:
        if index < len(pending) and index not in tasks:
            tasks[index] = asyncio.create_task(
                fetch_chunk(client, parser, pending[index], from_date, preliminary)
            )

    try:
        for i in range(ahead):
            start(i)
        for index, chunk in enumerate(pending):
            if index and index % settings.KOLADA_SLICE_CHUNKS == 0:
                # Its slice is used up: back to the queue if another tenant's job waits.
                async with database.unit_of_work() as session:
                    if await repository.requeue_if_others_wait(session, job_id):
                        return "pending"
            start(index + ahead)
            try:
                fetched = await tasks.pop(index)
            except KoladaError as exc:
                logger.warning("kolada chunk failed", extra={"chunk": chunk.seq, "error": str(exc)})
                async with database.unit_of_work() as session:
                    await fail_chunk(session, job_id, chunk.id, exc, 0)
                continue
            async with database.unit_of_work() as session:
                await store_chunk(session, job, chunk.id, fetched, fetched.pages)
    finally:
        for task in tasks.values():
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks.values(), return_exceptions=True)

    async with database.unit_of_work() as session:
        job = await repository.get_job(session, job_id)
        assert job is not None
        state = "failed" if job.chunks_failed else "completed"
        await repository.finish_job(session, job_id, state)
    return state
