"""A typed client for the Kolada v3 API: path-form routes, paging by next_url, at most 25 ids
per path segment, a shared throttle, retries with backoff that honour Retry-After, and every
payload validated at the boundary (a malformed answer raises KoladaError; nothing is guessed).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Literal, NotRequired, TypeVar

import httpx
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from shared.settings import Settings
from shared.urls import DisallowedUrl, check_allowed_https_url

logger = logging.getLogger("kvn.ingest.kolada")

MAX_IDS = 25
RowT = TypeVar("RowT")
PageT = TypeVar("PageT")
Sleep = Callable[[float], Awaitable[None]]


class KoladaError(Exception):
    """A chunk could not be fetched or its answer was malformed; the message says which."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in the parser process too (kolada.parsing); keep url and status across.
        return (_rebuild_error, (str(self), self.url, self.status))


def _rebuild_error(message: str, url: str | None, status: int | None) -> KoladaError:
    return KoladaError(message, url=url, status=status)


class _Upstream(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# Data rows are validated into plain dicts (TypedDict): the same checks as a model, about three
# times faster, and a full sync validates millions of them. Unknown keys are ignored.
class KoladaValue(TypedDict):
    gender: Literal["T", "K", "M"]
    count: NotRequired[int | None]
    status: NotRequired[str | None]
    value: NotRequired[Annotated[float | None, Field(allow_inf_nan=False)]]
    isdeleted: NotRequired[bool]


class DataRow(TypedDict):
    kpi: Annotated[str, Field(min_length=1, max_length=16)]
    municipality: Annotated[str, Field(pattern=r"^\d{4}$")]
    period: Annotated[int, Field(ge=1900, le=2200)]
    values: list[KoladaValue]


class OuDataRow(TypedDict):
    kpi: Annotated[str, Field(min_length=1, max_length=16)]
    ou: Annotated[str, Field(min_length=1, max_length=32)]
    period: Annotated[int, Field(ge=1900, le=2200)]
    values: list[KoladaValue]


def _lenient_date(value: object) -> date | None:
    """A publication date as Kolada writes it ("2026-08-28", sometimes with a time); anything
    else is no date rather than a refused catalogue."""
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


class KpiMeta(_Upstream):
    id: str = Field(min_length=1, max_length=16)
    title: str
    description: str | None = None
    is_divided_by_gender: bool = False
    municipality_type: str | None = None
    operating_area: str | None = None
    perspective: str | None = None
    has_ou_data: bool = False
    publ_period: str | None = None
    prel_publication_date: Annotated[date | None, BeforeValidator(_lenient_date)] = None
    publication_date: Annotated[date | None, BeforeValidator(_lenient_date)] = None


class MunicipalityMeta(_Upstream):
    id: str = Field(pattern=r"^\d{4}$")
    title: str
    type: str = Field(pattern=r"^[KL]$")


class GroupMember(_Upstream):
    member_id: str
    member_title: str | None = None


class GroupMeta(_Upstream):
    id: str = Field(min_length=1, max_length=16)
    title: str
    members: list[GroupMember]


class OuMeta(_Upstream):
    id: str = Field(min_length=1, max_length=32)
    municipality: str = Field(pattern=r"^\d{4}$")
    title: str


class KoladaPage(TypedDict, Generic[RowT]):
    count: Annotated[int, Field(ge=0)]
    values: list[RowT]
    next_url: NotRequired[str | None]
    previous_url: NotRequired[str | None]


_ADAPTERS: dict[object, TypeAdapter[Any]] = {}


def page_adapter(row: type[RowT]) -> TypeAdapter[KoladaPage[RowT]]:
    """One validator per row type (building one is far slower than using it)."""
    found = _ADAPTERS.get(row)
    if found is None:
        found = _ADAPTERS[row] = TypeAdapter(KoladaPage[row])  # type: ignore[valid-type]
    return found


def validate_page(adapter: TypeAdapter[PageT], body: bytes, url: str) -> PageT:
    """A page validated at the boundary, or KoladaError naming the first problem."""
    try:
        return adapter.validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise KoladaError(
            f"malformed Kolada answer from {url}: {where}: {first.get('msg')} "
            f"({exc.error_count()} problem(s))",
            url=url,
        ) from None


def chunked(ids: Sequence[str], size: int = MAX_IDS) -> list[list[str]]:
    """Split an id list into path segments of at most `size` (Kolada answers 422 beyond 25)."""
    if size > MAX_IDS:
        raise ValueError("Kolada accepts at most 25 ids per path segment")
    unique = list(dict.fromkeys(ids))
    return [unique[i : i + size] for i in range(0, len(unique), size)]


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Throttle:
    """At most `rate` request starts per second, shared by every concurrent caller."""

    def __init__(self, rate: float, sleep: Sleep, clock: Callable[[], float]) -> None:
        self.interval = 1.0 / rate
        self._sleep = sleep
        self._clock = clock
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            await self._sleep(start - now)


_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class KoladaClient:
    """One per process (or per job), over the process's httpx client."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: Settings,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        throttle_sleep: Sleep = asyncio.sleep,
    ) -> None:
        """`sleep` waits between retries, `throttle_sleep` between requests (tests record them)."""
        self.http = http
        self.base_url = settings.KOLADA_BASE_URL.rstrip("/")
        self.allowed_hosts = list(settings.KOLADA_ALLOWED_HOSTS)
        self.host = check_allowed_https_url(self.base_url, self.allowed_hosts)
        self.per_page = settings.KOLADA_PER_PAGE
        self.retries = settings.KOLADA_RETRIES
        self.backoff = settings.KOLADA_BACKOFF_S
        self.max_retry_after = settings.KOLADA_MAX_RETRY_AFTER_S
        self.timeout = settings.KOLADA_TIMEOUT_S
        self.throttle = Throttle(settings.KOLADA_RATE_PER_S, throttle_sleep, clock)
        self._sleep = sleep
        self.requests = 0

    def _check_url(self, url: str) -> None:
        try:
            host = check_allowed_https_url(url, self.allowed_hosts)
        except DisallowedUrl as exc:
            raise KoladaError(f"refused to follow {url}: {exc}", url=url) from exc
        if host != self.host:
            raise KoladaError(f"refused to follow {url}: another host than {self.host}", url=url)

    async def get(self, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """One GET of an allow-listed URL: throttled, retried, 200 or KoladaError."""
        self._check_url(url)
        last = ""
        for attempt in range(self.retries + 1):
            await self.throttle.wait()
            self.requests += 1
            try:
                response = await self.http.get(
                    url,
                    params=params,
                    timeout=self.timeout,
                    headers={"Accept": "application/json"},
                    follow_redirects=False,
                )
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                last = f"{type(exc).__name__}: {exc}"
                delay = self.backoff * 2**attempt
            else:
                if response.status_code == 200:
                    return response
                if response.status_code not in _RETRY_STATUS:
                    raise KoladaError(
                        f"Kolada answered {response.status_code} for {response.url}: "
                        f"{response.text[:300]}",
                        url=str(response.url),
                        status=response.status_code,
                    )
                last = f"HTTP {response.status_code}"
                delay = self.backoff * 2**attempt
                hinted = _retry_after(response.headers.get("retry-after"))
                if hinted is not None:
                    delay = max(delay, min(hinted, self.max_retry_after))
            if attempt < self.retries:
                logger.info("kolada retry", extra={"url": url, "attempt": attempt + 1, "why": last})
                await self._sleep(delay)
        raise KoladaError(
            f"Kolada did not answer {url} after {self.retries + 1} attempts ({last})", url=url
        )

    async def follow(
        self,
        url: str,
        params: dict[str, Any] | None,
        parse: Callable[[bytes, str], Awaitable[PageT]],
        next_url: Callable[[PageT], str | None],
    ) -> AsyncIterator[tuple[PageT, str]]:
        """Every page from `url` on, each parsed by `parse(body, page URL)`, following next_url
        until null (a next_url seen before is refused); yields (page, page URL)."""
        seen: set[str] = set()
        current: str | None = url
        while current is not None:
            response = await self.get(current, params)
            page_url = str(response.url)
            if page_url in seen:
                raise KoladaError(f"Kolada's next_url loops back to {page_url}", url=page_url)
            seen.add(page_url)
            page = await parse(response.content, page_url)
            yield page, page_url
            current, params = next_url(page), None  # next_url carries its own query string

    async def pages(
        self, path: str, row: type[RowT], params: dict[str, Any] | None = None
    ) -> AsyncIterator[tuple[list[RowT], str]]:
        """Every page of a listing, validated; yields (rows, page URL)."""
        adapter = page_adapter(row)

        async def parse(body: bytes, page_url: str) -> KoladaPage[RowT]:
            return validate_page(adapter, body, page_url)

        query = {"per_page": self.per_page, **(params or {})}
        async for page, page_url in self.follow(
            f"{self.base_url}{path}", query, parse, lambda p: p.get("next_url")
        ):
            yield page["values"], page_url

    async def listing(
        self, path: str, row: type[RowT], params: dict[str, Any] | None = None
    ) -> list[RowT]:
        found: list[RowT] = []
        async for rows, _ in self.pages(path, row, params):
            found.extend(rows)
        return found

    async def kpis(self, ids: Sequence[str] | None = None) -> list[KpiMeta]:
        if not ids:
            return await self.listing("/kpi", KpiMeta)
        found: list[KpiMeta] = []
        for part in chunked(ids):
            found.extend(await self.listing(f"/kpi/{','.join(part)}", KpiMeta))
        return found

    async def municipalities(self) -> list[MunicipalityMeta]:
        return await self.listing("/municipality", MunicipalityMeta)

    async def municipality_groups(self) -> list[GroupMeta]:
        return await self.listing("/municipality_groups", GroupMeta)

    async def ous(self, municipality: str) -> list[OuMeta]:
        return await self.listing("/ou", OuMeta, {"municipality": municipality})

    def data_path(self, kpis: Sequence[str], munis: Sequence[str], years: Sequence[int]) -> str:
        _check_segments(kpis, munis, years)
        path = f"/data/kpi/{','.join(kpis)}/municipality/{','.join(munis)}"
        return path + (f"/year/{','.join(map(str, years))}" if years else "")

    def oudata_path(self, kpis: Sequence[str], ous: Sequence[str], years: Sequence[int]) -> str:
        _check_segments(kpis, ous, years)
        path = f"/oudata/kpi/{','.join(kpis)}/ou/{','.join(ous)}"
        return path + (f"/year/{','.join(map(str, years))}" if years else "")

    def first_page(
        self,
        kind: str,
        kpis: Sequence[str],
        ids: Sequence[str],
        years: Sequence[int],
        from_date: date | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """The URL and query of a data (`data`) or OU data (`oudata`) listing's first page."""
        path = (self.data_path if kind == "data" else self.oudata_path)(kpis, ids, years)
        params: dict[str, Any] = {"per_page": self.per_page}
        if from_date:
            params["from_date"] = from_date.isoformat()
        return f"{self.base_url}{path}", params

    # Typed reads of data and OU data, validated here. A sync does not use them: it pages with
    # first_page/get and validates in its parser process (kolada.parsing), with the same types.
    def data(
        self,
        kpis: Sequence[str],
        munis: Sequence[str],
        years: Sequence[int],
        from_date: date | None = None,
    ) -> AsyncIterator[tuple[list[DataRow], str]]:
        params = {"from_date": from_date.isoformat()} if from_date else None
        return self.pages(self.data_path(kpis, munis, years), DataRow, params)

    def oudata(
        self,
        kpis: Sequence[str],
        ous: Sequence[str],
        years: Sequence[int],
        from_date: date | None = None,
    ) -> AsyncIterator[tuple[list[OuDataRow], str]]:
        params = {"from_date": from_date.isoformat()} if from_date else None
        return self.pages(self.oudata_path(kpis, ous, years), OuDataRow, params)


def _check_segments(*segments: Iterable[object]) -> None:
    for segment in segments:
        items = list(segment)
        if len(items) > MAX_IDS:
            raise ValueError(f"at most {MAX_IDS} ids per path segment, got {len(items)}")
        for item in items:
            text = str(item)
            if not text or not text.replace("_", "").isalnum():
                raise ValueError(f"not a Kolada id: {text!r}")
