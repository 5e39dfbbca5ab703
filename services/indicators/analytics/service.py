"""The one analytics query a dashboard needs: indicators × units (or a level) × periods ×
gender, with targets, statuses, comparisons, trends and the women/men gap in one response.

Responses are keyed by the computation's state token (ingest's data_version for the
municipality, the definitions, units and targets it reads, and, only for an answer with
comparisons, every other municipality's data_version), which is also the ETag: a repeated
query is served from memory, a conditional one gets 304. A client that has just written
sends the data_version its write answered in Min-Data-Version and is answered under a state
at least that new; other readers keep the state reused for INDICATORS_STATE_TTL_S.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import heapq
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import chain, islice
from typing import TypeVar, cast

import pydantic_core
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.analytics.schemas import (
    CellComparison,
    CellTarget,
    GenderGap,
    IndicatorMeta,
    Trend,
)
from services.indicators.comparison import service as comparison
from services.indicators.computation import engine
from services.indicators.computation import repository as computation_repository
from services.indicators.computation import service as computation
from services.indicators.computation.engine import Cell, UnitBlock, UnitRef
from services.indicators.computation.repository import State
from services.indicators.indicator import repository as indicator_repository
from services.indicators.indicator.service import visible_sources
from services.indicators.scorecard.service import arithmetic
from services.indicators.target import repository as target_repository
from services.indicators.target import service as target_service
from shared import tenancy
from shared.auth import Principal
from shared.errors import FieldError, Unprocessable
from shared.i18n import DEFAULT as DEFAULT_LANGUAGE
from shared.i18n import Language, Message, localize, message
from shared.lru import Lru
from shared.models import Indicator, Target
from shared.periods import Period

MAX_PERIODS = 240
STALE_GRACE_S = 10.0
log = logging.getLogger(__name__)
MAX_INDICATORS = 50
# (the caller's key hash, the query string, the negotiated language)
FastKey = tuple[str, bytes, str]


@dataclass(frozen=True, slots=True)
class Body:
    """A serialized response, also gzip-compressed once so a cached hit costs no CPU for it."""

    raw: bytes
    gzipped: bytes

    @classmethod
    def of(cls, raw: bytes) -> Body:
        return cls(raw, gzip.compress(raw, compresslevel=3, mtime=0))


class ResponseCache:
    """A small LRU of serialized responses, keyed by ETag (which embeds the state token)."""

    def __init__(self, entries: int, *, state_ttl: float = 0.0) -> None:
        self.entries = entries
        self.state_ttl = state_ttl
        self._states: dict[str, tuple[float, State]] = {}
        self._state_inflight: dict[str, asyncio.Future[State]] = {}
        self._data: Lru[str, Body] = Lru(entries, name="analytics_responses")
        # Identical queries arriving together are computed once (single flight).
        self.inflight: dict[str, asyncio.Future[Body]] = {}
        # (key hash, raw query string) → what the slow path resolved them to, so a repeated
        # request can be answered from the cache without FastAPI's dependency machinery.
        self._resolved: dict[FastKey, Resolved] = {}
        self._refreshing: dict[str, asyncio.Task[None]] = {}
        # What a computation reads besides the observations (definitions, the organisation
        # per period, targets), by the state's structure: a new data version alone (a sync,
        # a batch) reads none of it again. Kept whatever `entries` is: it is not an answer.
        self.structure: Lru[tuple[object, ...], object] = Lru(256, name="analytics_structure")

    def fresh_state(self, municipality: str) -> State | None:
        """The municipality's state if it is still within its time to live."""
        found = self._states.get(municipality)
        if found is not None and found[0] > time.monotonic():
            return found[1]
        return None

    def usable_state(
        self,
        municipality: str,
        sessions: Callable[[], AbstractAsyncContextManager[AsyncSession]],
    ) -> State | None:
        """The state for the hot path: the fresh one, or, just after it expired, the
        previous one while a refresh runs in the background (stale while revalidating, at
        most STALE_GRACE_S), so no request waits on the database for it. None when there is
        no state recent enough: the caller must wait for a refresh."""
        found = self._states.get(municipality)
        if found is None:
            return None
        expiry, state = found
        now = time.monotonic()
        if expiry > now:
            return state
        if municipality not in self._refreshing and municipality not in self._state_inflight:
            self._refreshing[municipality] = asyncio.get_running_loop().create_task(
                self._refresh(municipality, sessions)
            )
        return state if now < expiry + STALE_GRACE_S else None

    async def _refresh(
        self,
        municipality: str,
        sessions: Callable[[], AbstractAsyncContextManager[AsyncSession]],
    ) -> None:
        try:
            async with sessions() as session:
                await self.state(session, municipality)
        except Exception:  # the next request tries again, or waits for the database
            log.warning("state token refresh failed for %s", municipality, exc_info=True)
        finally:
            self._refreshing.pop(municipality, None)

    def remember(self, key: FastKey, resolved: Resolved) -> None:
        if self.entries <= 0 or self.state_ttl <= 0:
            return
        if len(self._resolved) > 50_000:
            self._resolved.clear()
        self._resolved[key] = resolved

    def resolved(self, key: FastKey) -> Resolved | None:
        return self._resolved.get(key)

    def get(self, key: str) -> Body | None:
        return self._data.get(key)

    async def state(
        self, session: AsyncSession, municipality: str, *, at_least: int | None = None
    ) -> State:
        """The municipality's state, reused for `state_ttl` seconds: a hot dashboard query
        then needs no database round trip (a change shows within that time). `at_least` is
        a data version the caller has seen (Min-Data-Version, the answer to its own write):
        a state older than it is read again now, not reused."""
        found = self._states.get(municipality)
        if found is not None and found[0] > time.monotonic() and _meets(found[1], at_least):
            return found[1]
        if self.state_ttl <= 0:
            return await computation_repository.state(session, municipality)
        pending = self._state_inflight.get(municipality)
        if pending is not None:  # one refresh per municipality, not one per waiting request
            shared = await asyncio.shield(pending)
            # A read that started before the caller's write may not show it: read again.
            if _meets(shared, at_least):
                return shared
            return await self._read(session, municipality)
        future: asyncio.Future[State] = asyncio.get_running_loop().create_future()
        self._state_inflight[municipality] = future
        try:
            state = await self._read(session, municipality)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()
            raise
        finally:
            self._state_inflight.pop(municipality, None)
        future.set_result(state)
        return state

    async def _read(self, session: AsyncSession, municipality: str) -> State:
        started = time.monotonic()
        state = await computation_repository.state(session, municipality)
        if len(self._states) > 10_000:
            self._states.clear()
        self._states[municipality] = (started + self.state_ttl, state)
        return state

    def put(self, key: str, body: Body) -> None:
        self._data.put(key, body)


def _meets(state: State, at_least: int | None) -> bool:
    return at_least is None or state.data_version >= at_least


@dataclass(frozen=True)
class AnalyticsQuery:
    municipality_code: str | None
    indicators: tuple[str, ...]
    levels: tuple[str, ...]
    units: tuple[str, ...] | None
    periods: tuple[str, ...]
    from_period: str | None
    to_period: str | None
    genders: tuple[str, ...]
    include: tuple[str, ...]
    as_of: date | None
    limit: int
    offset: int
    # Titles and status labels are in it: part of the ETag and of the cache key.
    language: Language = DEFAULT_LANGUAGE


@dataclass(slots=True)
class Resolved:
    """A parsed query for one caller: its municipality, the sources it may see, and the
    last ETag computed for it (with the state token it was computed under)."""

    municipality: str
    query: AnalyticsQuery
    sources: list[str] | None
    token: str
    etag: str

    @property
    def comparison(self) -> bool:
        return "comparison" in self.query.include


def etag_of(token: str, query: AnalyticsQuery, sources: list[str] | None) -> str:
    digest = hashlib.sha256(repr((token, query, sources)).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


async def fast_lookup(
    cache: ResponseCache,
    key: FastKey,
    sessions: Callable[[], AbstractAsyncContextManager[AsyncSession]],
    *,
    at_least: int | None = None,
) -> tuple[str, Body] | None:
    """(ETag, body) of a query this caller asked before, under the current state token
    (refreshed once per municipality and time to live, shared by the requests waiting for
    it; read again at once when older than `at_least`), when the body is still cached; None
    sends the request down the full path."""
    resolved = cache.resolved(key)
    if resolved is None:
        return None
    state = cache.usable_state(resolved.municipality, sessions)
    if state is None or not _meets(state, at_least):
        async with sessions() as session:
            state = await cache.state(session, resolved.municipality, at_least=at_least)
        if not _meets(state, at_least):
            return None  # a replica behind the caller's write: the full path asks the primary
    token = state.token(comparison=resolved.comparison)
    if token != resolved.token:
        resolved.etag = etag_of(token, resolved.query, resolved.sources)
        resolved.token = token
    body = cache.get(resolved.etag)
    return None if body is None else (resolved.etag, body)


@dataclass(frozen=True)
class GapRule:
    threshold: Decimal
    min_n: int


def _bad(field: str, value: object, text: Message) -> Unprocessable:
    return Unprocessable(
        text,
        errors=[FieldError(loc=["query", field], field=field, value=value, message=text)],
    )


def resolve_periods(query: AnalyticsQuery) -> list[Period]:
    periods = [computation.parse_period(p, field="period") for p in query.periods]
    if query.from_period or query.to_period:
        if not (query.from_period and query.to_period):
            raise _bad("to", query.to_period, message("problem.indicators.give_both_from"))
        first = computation.parse_period(query.from_period, field="from")
        last = computation.parse_period(query.to_period, field="to")
        if first.type != last.type:
            raise _bad("to", query.to_period, message("problem.indicators.from_same_kind_period"))
        if last < first:
            raise _bad("to", query.to_period, message("problem.indicators.before_from"))
        p = first
        while p <= last:
            periods.append(p)
            p = p.next()
            if len(periods) > MAX_PERIODS:
                raise _bad(
                    "to",
                    query.to_period,
                    message("problem.indicators.most_periods", maximum=MAX_PERIODS),
                )
    if not periods:
        raise _bad("period", None, message("problem.indicators.give_period_from"))
    return sorted(set(periods))


def _three_years_ago(p: Period) -> Period:
    return Period(p.year - 3, p.type, p.index)


def _shown(cell: Cell | None, decimals: int) -> Decimal | None:
    if cell is None or cell.suppressed:
        return None
    return engine.quantize(cell.value, decimals)


def _cell_target(t: Target) -> CellTarget:
    return CellTarget(
        id=t.id,
        scope_type=t.scope_type,
        scope_value=t.scope_value,
        period=t.period,
        comparator=t.comparator,
        value=t.value,
        upper_value=t.upper_value,
        tolerance=t.tolerance,
        label=t.label,
    )


async def analytics(
    session: AsyncSession,
    query: AnalyticsQuery,
    *,
    principal: Principal,
    cache: ResponseCache,
    gap_rule: GapRule,
    if_none_match: str | None = None,
    fast_key: FastKey | None = None,
    at_least: int | None = None,
    primary: Callable[[], AbstractAsyncContextManager[AsyncSession]] | None = None,
) -> tuple[str, Body | None]:
    """(ETag, body); body is None when If-None-Match already names the current ETag.

    `at_least` (Min-Data-Version) is a data version the caller has seen: the answer is
    computed under a state at least that new. When `session` (a replica's) is behind it,
    the answer is computed on a `primary` session instead."""
    # Kolada data is public: any caller may name any municipality and sees only that.
    # Another tenant's analytics are absent (its data_version would leak through the ETag).
    municipality = principal.tenant(query.municipality_code)
    sources = visible_sources(principal, municipality)
    state = await cache.state(session, municipality, at_least=at_least)
    if not _meets(state, at_least) and primary is not None:
        async with primary() as fresh:
            return await analytics(
                fresh,
                query,
                principal=principal,
                cache=cache,
                gap_rule=gap_rule,
                if_none_match=if_none_match,
                fast_key=fast_key,
                at_least=at_least,
            )
    # An answer without comparisons reads nothing of other municipalities: its token leaves
    # their versions out, so a sync of riket's figures does not turn it cold.
    token = state.token(comparison="comparison" in query.include)
    etag = etag_of(token, query, sources)
    if fast_key is not None:
        cache.remember(fast_key, Resolved(municipality, query, sources, token, etag))
    if if_none_match is not None and etag in {t.strip() for t in if_none_match.split(",")}:
        return etag, None
    cached = cache.get(etag)
    if cached is not None:
        return etag, cached
    pending = cache.inflight.get(etag)
    if pending is not None:
        return etag, await asyncio.shield(pending)
    future: asyncio.Future[Body] = asyncio.get_running_loop().create_future()
    cache.inflight[etag] = future
    try:
        body = await _compute(
            session,
            query,
            municipality=municipality,
            sources=sources,
            gap=gap_rule,
            state=state,
            structure=cache.structure,
        )
    except BaseException as exc:
        future.set_exception(exc)
        future.exception()  # retrieved: waiters re-raise it, nobody logs it as lost
        raise
    finally:
        cache.inflight.pop(etag, None)
    future.set_result(body)
    cache.put(etag, body)
    return etag, body


async def _compute(
    session: AsyncSession,
    query: AnalyticsQuery,
    *,
    municipality: str,
    sources: list[str] | None,
    gap: GapRule,
    state: State,
    structure: Lru[tuple[object, ...], object],
) -> Body:
    if not query.indicators:
        raise _bad("indicators", "", message("problem.indicators.name_least_one_indicator"))
    if len(query.indicators) > MAX_INDICATORS:
        raise _bad(
            "indicators",
            len(query.indicators),
            message("problem.indicators.most_indicators", maximum=MAX_INDICATORS),
        )

    async def versions_of() -> dict[str, list[Indicator]]:
        found = await indicator_repository.versions_of(
            session, list(query.indicators), visible=tenancy.visible_to([municipality], Indicator)
        )
        return {code: [v.transient_copy() for v in vs] for code, vs in found.items()}

    # Read under `state`, so never older than what the ETag names.
    key = (municipality, state.structure)
    versions = await _kept(structure, ("versions", *key, query.indicators), versions_of)
    unknown = [c for c in query.indicators if c not in versions]
    if unknown:
        raise Unprocessable(
            message("problem.indicators.unknown_indicator_s"),
            errors=[
                FieldError(
                    loc=["query", "indicators"],
                    field="indicators",
                    value=c,
                    message=message("problem.indicators.unknown_indicator"),
                )
                for c in unknown
            ],
        )
    periods = resolve_periods(query)
    include = set(query.include)
    all_periods = set(periods)
    if "trend" in include:
        for p in periods:
            all_periods.update({p.previous(), _three_years_ago(p)})
    wanted_genders = list(query.genders)
    genders = list(wanted_genders)
    if "gender_gap" in include:
        genders = list(dict.fromkeys([*genders, "K", "M"]))
    levels = list(query.levels)
    if "comparison" in include and "municipality" not in levels:
        levels.append("municipality")
    organisation = (
        await _kept(
            structure,
            ("organisation", *key, tuple(sorted(all_periods)), query.as_of),
            lambda: computation.hierarchy(session, municipality, sorted(all_periods), query.as_of),
        )
        if sources is None
        else computation.Organisation({})
    )
    units = organisation.units
    if query.units is not None:
        known = {u.code for u in units}
        missing = [u for u in query.units if u not in known]
        if missing:
            raise Unprocessable(
                message("problem.indicators.unknown_unit_s"),
                errors=[
                    FieldError(
                        loc=["query", "units"],
                        field="units",
                        value=u,
                        message=message(
                            "problem.indicators.no_unit_time", unit=u, municipality=municipality
                        ),
                    )
                    for u in missing
                ],
            )
    targets: list[Target] = []
    if include & {"target", "status"} and sources is None:

        async def targets_of() -> list[Target]:
            found = await target_repository.for_municipality(
                session, municipality, list(query.indicators)
            )
            return [t.transient_copy() for t in found]

        targets = await _kept(structure, ("targets", *key, query.indicators), targets_of)
    metas: list[IndicatorMeta] = []
    nationals: dict[tuple[str, str], dict[str, dict[str, Decimal]]] = {}
    groups: dict[str, comparison.Group | None] = {}
    population = await comparison.population(session) if "comparison" in include else None
    for code in query.indicators:
        vs = versions[code]
        current = computation.version_for(vs, max(periods).end)
        metas.append(
            IndicatorMeta(
                code=code,
                version=current.version,
                title=current.title,
                title_sv=current.title,
                title_en=current.title_en,
                area=current.area,
                classification=current.classification,
                perspective=current.perspective,
                unit=current.unit,
                direction=current.direction,
                decimals=current.decimals,
            )
        )
        if "comparison" in include:
            if current.area not in groups:
                groups[current.area] = await comparison.similar_group(
                    session, municipality, current.area
                )
            for p in periods:
                indicator = computation.version_for(vs, p.end)
                nationals[(code, str(p))] = await comparison.national_values(
                    session,
                    computation.definition(indicator),
                    p,
                    wanted_genders,
                    municipality=municipality,
                )
    page = _Page(
        query=query,
        municipality=municipality,
        data_version=state.data_version,
        periods=periods,
        versions={code: versions[code] for code in query.indicators},
        metas=metas,
        targets=targets,
        nationals=nationals,
        groups=groups,
        population=population,
        organisation=organisation,
        gap=gap,
    )
    planned = computation.plan(
        {code: versions[code] for code in query.indicators},
        municipality=municipality,
        periods=sorted(all_periods),
        genders=genders,
        levels=levels,
        units=organisation,
        only_units=list(query.units) if query.units is not None else None,
        sources=sources,
        # Observation ids only when asked: without them the engine works on columns, and
        # makes a unit cell only for the page returned.
        provenance="provenance" in include,
        unit_blocks=True,
    )
    # The cells, the page and its JSON in a worker process (or thread): the serving
    # process only reads and sends; the session is done, its connection goes back first.
    return await computation.compute_many(session, planned, _body, page, release=True)


T = TypeVar("T")


async def _kept(
    structure: Lru[tuple[object, ...], object],
    key: tuple[object, ...],
    read: Callable[[], Awaitable[T]],
) -> T:
    """`read()`, or what it returned before under the same key (plain data: transient
    copies, never objects of a session)."""
    found = structure.get(key)
    if found is None:
        found = await read()
        structure.put(key, found)
    return cast(T, found)


@dataclass(frozen=True)
class _Page:
    """What a page is built from besides the cells, as plain data (no database object): a
    worker process builds the page from this and the computed cells."""

    query: AnalyticsQuery
    municipality: str
    data_version: int
    periods: list[Period]
    versions: dict[str, list[Indicator]]  # indicator code → its versions (transient)
    metas: list[IndicatorMeta]
    targets: list[Target]  # (transient)
    nationals: dict[tuple[str, str], dict[str, dict[str, Decimal]]]
    groups: dict[str, comparison.Group | None]
    population: int | None
    organisation: computation.Organisation
    gap: GapRule


def _body(computed: dict[str, computation.Computed], page: _Page) -> Body:
    """The page of `computed`'s cells asked for, serialized (parts not asked for by include=
    are left out rather than sent as null)."""
    return Body.of(pydantic_core.to_json(_build(computed, page)))


def _build(computed_by_code: dict[str, computation.Computed], page: _Page) -> dict[str, object]:
    """The page as AnalyticsPage's JSON form (`model_dump(mode="json", exclude_unset=True)`):
    plain values, the parts with labels (a target, a status, …) dumped by their models.
    Building and validating an AnalyticsCell per item would cost more than computing it
    (tests/services/indicators/analytics/test_page_json.py holds the two forms equal)."""
    query, periods, organisation = page.query, page.periods, page.organisation
    include = set(query.include)
    wanted_genders = list(query.genders)
    by_code = {u.code: u for u in organisation.units}
    # Every cell shown, in the page's order; the output objects only for the page returned.
    order = {code: i for i, code in enumerate(query.indicators)}
    level_order = {"municipality": 0, "area": 1, "unit": 2}
    period_order = {str(p): n for n, p in enumerate(periods)}
    gender_order = {g: i for i, g in enumerate("TKM")}
    asked = {str(p): p for p in periods}
    shown_levels = set(query.levels)
    shown_genders = set(wanted_genders)
    allowed = None if query.units is None else set(query.units)
    # Every shown cell in the page's order, as (order, the cell or the block it is in, its
    # position there, its indicator's context): made one by one, and only up to the page's
    # end (a block's thousands of unit cells are counted, not listed and sorted).
    ordered: list[Iterator[_Row]] = []
    total = 0
    for code in query.indicators:
        vs = page.versions[code]
        computed = computed_by_code[code]
        current = computation.version_for(vs, max(periods).end)
        cells = _Cells(
            {(c.level, c.code, c.period, c.gender): c for c in computed.cells},
            {b.period: b for b in computed.unit_blocks},
        )
        comparisons: dict[tuple[str, str], comparison.Comparison] = {}
        if "comparison" in include:
            group = page.groups[current.area]
            for p in periods:
                indicator = computation.version_for(vs, p.end)
                national = page.nationals[(code, str(p))]
                for g in wanted_genders:
                    own = cells.get(("municipality", "", str(p), g))
                    comparisons[(str(p), g)] = comparison.compare(
                        national.get(g, {}),
                        municipality=page.municipality,
                        own=None if own is None or own.suppressed else own.value,
                        group=group,
                        direction=indicator.direction,
                        population=page.population,
                    )
        context = _Context(vs, cells, comparisons)
        rank = order[code]
        rows: list[_Row] = [
            (
                (
                    rank,
                    level_order[c.level],
                    c.code,
                    period_order[c.period],
                    gender_order[c.gender],
                ),
                c,
                -1,
                context,
            )
            for c in computed.cells
            if c.level in shown_levels and c.gender in shown_genders and c.period in asked
        ]
        rows.sort(key=_order)
        total += len(rows)
        if "unit" in shown_levels and computed.unit_blocks:
            count, in_blocks = _block_rows(
                rank,
                [(period_order[b.period], b) for b in computed.unit_blocks if b.period in asked],
                {g: gender_order[g] for g in shown_genders},
                allowed,
                context,
            )
            total += count
            ordered.append(heapq.merge(rows, in_blocks, key=_order))
        else:
            ordered.append(iter(rows))

    items: list[dict[str, object]] = []
    # The version each indicator shows for a period, looked up once per pair.
    valid: dict[tuple[int, str], _Shown] = {}
    for (rank, _, _, _, _), found, i, context in islice(
        chain.from_iterable(ordered), query.offset, query.offset + query.limit
    ):
        c = found.cell(i) if isinstance(found, UnitBlock) else found
        shown = valid.get((rank, c.period))
        if shown is None:
            period = asked[c.period]
            indicator = computation.version_for(context.versions, period.end)
            shown = valid[(rank, c.period)] = _Shown(
                indicator, indicator.code, indicator.version, indicator.decimals, period
            )
        items.append(
            _cell(
                c,
                shown,
                include=include,
                unit=(organisation.ref(c.code, c.period) or by_code.get(c.code))
                if c.level == "unit"
                else None,
                cells=context.cells,
                targets=page.targets,
                comparison_=context.comparisons.get((c.period, c.gender)),
                gap=page.gap,
                language=query.language,
            )
        )
    return {
        "municipality_code": page.municipality,
        "data_version": page.data_version,
        "as_of": None if query.as_of is None else query.as_of.isoformat(),
        "periods": [str(p) for p in periods],
        "indicators": [_dumped(m, query.language) for m in page.metas],
        "items": items,
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
    }


_Row = tuple[tuple[int, int, str, int, int], "Cell | UnitBlock", int, "_Context"]


def _order(row: _Row) -> tuple[int, int, str, int, int]:
    return row[0]


def _block_rows(
    rank: int,
    blocks: list[tuple[int, UnitBlock]],
    genders: dict[str, int],
    allowed: set[str] | None,
    context: _Context,
) -> tuple[int, Iterator[_Row]]:
    """The shown unit cells of an indicator's blocks (by period position): how many, and
    the rows in the page's order (unit, period, gender), each made when it is reached."""
    at_block = []
    codes: set[str] = set()
    count = 0
    for at, block in sorted(blocks, key=lambda b: b[0]):
        width = len(block.genders)
        places = sorted((genders[g], k) for k, g in enumerate(block.genders) if g in genders)
        positions = {
            code: n for n, code in enumerate(block.codes) if allowed is None or code in allowed
        }
        codes.update(positions)
        count += len(positions) * len(places)
        at_block.append((at, block, width, places, positions))

    def rows() -> Iterator[_Row]:
        for unit in sorted(codes):
            for at, block, width, places, positions in at_block:
                n = positions.get(unit)
                if n is not None:
                    for gender_rank, k in places:
                        yield (rank, 2, unit, at, gender_rank), block, n * width + k, context

    return count, rows()


@dataclass(frozen=True, slots=True)
class _Shown:
    """The version of an indicator a period's cells show, its fields read once."""

    indicator: Indicator
    code: str
    version: int
    decimals: int
    period: Period


def _dumped(part: BaseModel | None, language: Language) -> dict[str, object] | None:
    """A part of the page in the response's language, as its JSON form. The language applies
    to the metadata and to the parts of a cell that carry labels; a cell's own fields are
    codes and figures."""
    if part is None:
        return None
    return localize(part, language).model_dump(mode="json", exclude_unset=True)


@dataclass(frozen=True, slots=True)
class _Cells:
    """An indicator's computed cells by (level, code, period, gender): the cells computed as
    cells, and the unit cells of a block, each made when it is looked up."""

    known: dict[tuple[str, str, str, str], Cell]
    blocks: dict[str, UnitBlock]

    def get(self, key: tuple[str, str, str, str]) -> Cell | None:
        found = self.known.get(key)
        if found is None and key[0] == "unit":
            block = self.blocks.get(key[2])
            if block is not None:
                return block.find(key[1], key[3])
        return found


@dataclass(frozen=True, slots=True)
class _Context:
    """What an indicator's cells are built with: its versions, every computed cell (for
    trends and gaps) and the comparisons per (period, gender)."""

    versions: list[Indicator]
    cells: _Cells
    comparisons: dict[tuple[str, str], comparison.Comparison]


def _cell(
    c: Cell,
    version: _Shown,
    *,
    include: set[str],
    unit: UnitRef | None,
    cells: _Cells,
    targets: Sequence[Target],
    comparison_: comparison.Comparison | None,
    gap: GapRule,
    language: Language = DEFAULT_LANGUAGE,
) -> dict[str, object]:
    """One item of the page, in AnalyticsCell's JSON form and field order."""
    indicator = version.indicator
    shown = c.suppression is None
    decimals = version.decimals
    value = engine.quantize(c.value, decimals) if shown else None
    out: dict[str, object] = {
        "indicator_code": version.code,
        "indicator_version": version.version,
        "level": c.level,
        "unit_code": c.code,
        "unit_title": None
        if unit is None
        else (unit.title_en if language == "en" else None) or unit.title,
        "area": unit.area if unit else (c.code if c.level == "area" else None),
        "period": c.period,
        "gender": c.gender,
        "value": None if value is None else str(value),
        "n": c.n if shown else None,
        "units": c.units if c.level != "unit" else None,
        "suppressed": not shown,
        "suppression": c.suppression,
        "suppression_reason": c.suppression_reason,
        "attribution": "kolada" if c.attribution == "kolada" else "derived",
        "source_note": "Källa: Kolada" if c.attribution == "kolada" else None,
        "basis": c.basis,
        "unit_rollup": None
        if c.rollup is None
        else _dumped(engine.unit_rollup(c, decimals), language),
    }
    if "numerator" in include and shown:
        out["numerator"] = None if c.numerator is None else str(c.numerator)
    if "denominator" in include and shown:
        out["denominator"] = None if c.denominator is None else str(c.denominator)
    if "provenance" in include:
        out["observation_ids"] = c.observation_ids
    p = version.period
    if include & {"target", "status"} and targets:
        target = target_service.applicable(
            targets,
            indicator_code=indicator.code,
            level=c.level,
            code=c.code,
            unit=unit,
            period=p,
            gender=c.gender,
            indicator_area=indicator.area,
        )
        if target is not None:
            if "target" in include:
                out["target"] = _dumped(_cell_target(target), language)
            if "status" in include:
                out["status"] = _dumped(
                    arithmetic(target_service.judge_cell(c, target, indicator), c.gender),
                    language,
                )
    if "trend" in include:
        prev, old = p.previous(), _three_years_ago(p)
        prev_v = _shown(cells.get((c.level, c.code, str(prev), c.gender)), decimals)
        old_v = _shown(cells.get((c.level, c.code, str(old), c.gender)), decimals)
        out["trend"] = _dumped(
            Trend(
                previous_period=str(prev),
                previous_value=prev_v,
                change=None if value is None or prev_v is None else value - prev_v,
                three_years_ago_period=str(old),
                three_years_ago_value=old_v,
                change_three_years=None if value is None or old_v is None else value - old_v,
            ),
            language,
        )
    if comparison_ is not None:
        out["comparison"] = _dumped(
            CellComparison(
                # One decimal more than the indicator's: a mean of whole numbers is not one,
                # and a comparison should not hide a difference the rounding makes disappear.
                riket=engine.quantize(comparison_.riket, decimals + 1),
                group_id=comparison_.group_id,
                group_title=comparison_.group_title,
                group_mean=engine.quantize(comparison_.group_mean, decimals + 1),
                group_members=comparison_.group_members,
                group_members_with_data=comparison_.group_members_with_data,
                rank=comparison_.rank if c.level == "municipality" else None,
                of=comparison_.of if c.level == "municipality" else None,
                colour=comparison_.colour if c.level == "municipality" else None,
                population=comparison_.population if c.level == "municipality" else None,
                scope=comparison_.scope if c.level == "municipality" else None,
                synthetic=comparison_.synthetic,
            ),
            language,
        )
    if "gender_gap" in include and c.gender == "T":
        out["gender_gap"] = _dumped(
            gender_gap(
                cells.get((c.level, c.code, c.period, "K")),
                cells.get((c.level, c.code, c.period, "M")),
                indicator=indicator,
                rule=gap,
            ),
            language,
        )
    return out


def gender_gap(
    women: Cell | None, men: Cell | None, *, indicator: Indicator, rule: GapRule
) -> GenderGap:
    """Women − men; flagged when it exceeds the threshold and both groups are large enough."""
    k = _shown(women, indicator.decimals)
    m = _shown(men, indicator.decimals)
    threshold = (
        Decimal(indicator.threshold_gender_gap)
        if indicator.threshold_gender_gap is not None
        else rule.threshold
    )
    difference = None if k is None or m is None else k - m
    large = all(c is not None and c.n is not None and c.n >= rule.min_n for c in (women, men))
    return GenderGap(
        women=k,
        men=m,
        gap=difference,
        threshold=threshold,
        flagged=difference is not None and abs(difference) > threshold and large,
    )
