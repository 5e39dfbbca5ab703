"""A local fake of the Kolada v3 API serving payloads in the real v3 shape, for tests (as a respx
side effect), benchmarks and offline demos (as an httpx.MockTransport). Never used in production.

It enforces what the real API enforces (at most 25 ids per segment, per_page ≤ 5000 → 422),
pages with next_url, and answers `from_date` with only the values changed since that date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

CATALOGUE = Path(__file__).resolve().parents[3] / "shared" / "demo" / "data"
Key = tuple[str, str, int, str]  # kpi, municipality or OU, year, gender

_DATA = re.compile(r"^/v3/(data|oudata)/kpi/([^/]+)/(municipality|ou)/([^/]+)(?:/year/([^/]+))?$")


_GENDER_STEP = {"T": 0, "K": 3, "M": 6}


def default_value(kpi: str, where: str, year: int, gender: str) -> float:
    seed = hash((kpi, where)) % 1000 + year * 7 + _GENDER_STEP[gender]
    return (400 + seed % 600) / 10


@dataclass
class FakeKolada:
    base: str = "https://api.kolada.se/v3"
    genders: tuple[str, ...] = ("T", "K", "M")
    # KPIs split by gender; None: every KPI. Others answer T only, as Kolada does.
    gendered: set[str] | None = None
    value: Callable[[str, str, int, str], float | None] = default_value
    ous: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    # Values changed after a date: key → (changed on, value or None, status, deleted)
    changes: dict[Key, tuple[str, float | None, str, bool]] = field(default_factory=dict)
    preliminary: set[Key] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)
    _catalogue: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # The rows of the listing being paged (a client pages one listing at a time, or a few).
    _listings: dict[tuple[str, str | None], list[dict[str, Any]]] = field(default_factory=dict)

    def catalogue(self, name: str) -> list[dict[str, Any]]:
        if name not in self._catalogue:
            text = (CATALOGUE / f"kolada_{name}.json").read_text(encoding="utf-8")
            self._catalogue[name] = json.loads(text)["values"]
        return self._catalogue[name]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        path = request.url.path
        params = dict(request.url.params)
        per_page = int(params.get("per_page", 5000))
        page = int(params.get("page", 1))
        if per_page > 5000:
            return _error(422, "per_page must be at most 5000")
        if path == "/v3/kpi":
            return self._page(request, self.catalogue("kpi"), per_page, page)
        if path == "/v3/municipality":
            return self._page(request, self.catalogue("municipality"), per_page, page)
        if path == "/v3/municipality_groups":
            return self._page(request, self.catalogue("municipality_groups"), per_page, page)
        if path == "/v3/ou":
            rows = self.ous.get(params.get("municipality", ""), [])
            return self._page(request, rows, per_page, page)
        match = _DATA.match(path)
        if not match:
            return _error(404, f"no route {path}")
        kind, kpis, _, ids, years = match.groups()
        kpi_list, id_list = kpis.split(","), ids.split(",")
        year_list = [int(y) for y in years.split(",")] if years else list(range(1998, 2025))
        if max(len(kpi_list), len(id_list), len(year_list)) > 25:
            return _error(422, "at most 25 ids per segment")
        since = params.get("from_date")
        listing = (path, since)
        cached = self._listings.get(listing)
        if cached is None:
            if len(self._listings) > 16:
                self._listings.clear()
            cached = self._listings[listing] = self._rows(kind, kpi_list, id_list, year_list, since)
        return self._page(request, cached, per_page, page)

    def _rows(
        self, kind: str, kpis: list[str], ids: list[str], years: list[int], since: str | None
    ) -> list[dict[str, Any]]:
        where_key = "municipality" if kind == "data" else "ou"
        rows: list[dict[str, Any]] = []
        for kpi in kpis:
            genders = self.genders if self.gendered is None or kpi in self.gendered else ("T",)
            for where in ids:
                for year in years:
                    values = []
                    for gender in genders:
                        key = (kpi, where, year, gender)
                        change = self.changes.get(key)
                        if since is not None and (change is None or change[0] < since):
                            continue
                        if change is not None and (since is not None or change[0] <= "9999"):
                            _, value, status, deleted = change
                        else:
                            value = self.value(kpi, where, year, gender)
                            status = "Prel" if key in self.preliminary else ""
                            deleted = False
                        values.append(
                            {
                                "gender": gender,
                                "count": 1,
                                "status": status,
                                "value": value,
                                "isdeleted": deleted,
                            }
                        )
                    if values:
                        rows.append(
                            {"kpi": kpi, where_key: where, "period": year, "values": values}
                        )
        return rows

    def _page(
        self, request: httpx.Request, rows: list[dict[str, Any]], per_page: int, page: int
    ) -> httpx.Response:
        start = (page - 1) * per_page
        chunk = rows[start : start + per_page]
        params = dict(request.url.params)
        base = f"{self.base}{request.url.path.removeprefix('/v3')}"
        next_url = None
        if start + per_page < len(rows):
            next_url = f"{base}?{urlencode({**params, 'page': page + 1, 'per_page': per_page})}"
        previous_url = None
        if page > 1:
            previous_url = f"{base}?{urlencode({**params, 'page': page - 1, 'per_page': per_page})}"
        body = {
            "count": len(chunk),
            "values": chunk,
            "next_url": next_url,
            "previous_url": previous_url,
        }
        return httpx.Response(200, json=body)


def _error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"detail": message})
