"""Scheme-based evaluation runs: fetch a snapshot over HTTP, compute, store immutably."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from services.awards.audit.service import record
from services.awards.project.effect import pool
from services.awards.run import repository
from services.awards.run.compute import ENGINE_VERSION, compute, explained
from services.awards.run.schemas import ReplayOut, RunIn, RunInputsOut, RunOut, RunSummary
from services.awards.scheme.schemas import CriterionSpec, SchemeSpec
from services.awards.scheme.service import load_scheme
from shared import __version__
from shared.auth import Principal
from shared.clients.base import PeerError
from shared.clients.indicators import IndicatorsClient
from shared.contracts.indicators import IndicatorValues
from shared.cpu import run_cpu
from shared.errors import NotFound
from shared.i18n import DEFAULT, Language, message, rendered, stored
from shared.models import AwardRun, AwardScheme
from shared.pagination import Page, PageParams
from shared.periods import Period

CODE_VERSION = f"{__version__}+{ENGINE_VERSION}"


def canonical_hash(value: Any) -> str:
    return hashlib.sha256(
        json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def _entries(data: IndicatorValues) -> dict[str, dict[str, Any]]:
    return {
        v.unit_code: {
            "value": None if v.value is None else str(v.value),
            "n": v.n,
            "suppressed": v.suppressed,
        }
        for v in data.values
        if v.unit_code
    }


class _Fetcher:
    """Fetches each (indicator, period) once; a 404 makes the criterion unavailable."""

    def __init__(self, client: IndicatorsClient, token: str, municipality: str) -> None:
        self.client, self.token, self.municipality = client, token, municipality
        self.cache: dict[tuple[str, str], IndicatorValues | dict[str, Any]] = {}

    async def values(self, code: str, period: str) -> IndicatorValues | dict[str, Any]:
        """The values, or (a 404) why there are none as a stored message."""
        key = (code, period)
        if key not in self.cache:
            try:
                self.cache[key] = await self.client.indicator_values(
                    code,
                    token=self.token,
                    municipality_code=self.municipality,
                    period=period,
                    level="unit",
                    gender="T",
                )
            except PeerError as exc:
                if exc.status != 404:
                    raise
                self.cache[key] = stored("awards.reason.indicator_unavailable", code=code)
        return self.cache[key]


async def _unit_criterion(
    fetch: _Fetcher, c: CriterionSpec, spec: SchemeSpec, period: str, previous: str
) -> dict[str, Any]:
    if c.source == "goal_status":
        try:
            status = await fetch.client.goal_status(
                token=fetch.token, municipality_code=fetch.municipality, period=period
            )
        except PeerError as exc:
            if exc.status != 404:
                raise
            return {
                "available": False,
                "reason": stored("awards.reason.goal_status_unavailable"),
            }
        current = {
            u.unit_code: {
                "value": None if u.fulfilment_share is None else str(u.fulfilment_share),
                "n": u.met + u.partly_met + u.not_met,
                "suppressed": False,
            }
            for u in status.units
        }
        entry: dict[str, Any] = {
            "available": bool(current),
            "reason": None if current else stored("awards.reason.no_goal_status", period=period),
            "source": "GET /v1/scorecards/status",
            "direction": "higher",
            "unit": "%",
            "current": current,
        }
        if spec.mode != "level":
            try:
                before = await fetch.client.goal_status(
                    token=fetch.token, municipality_code=fetch.municipality, period=previous
                )
                entry["previous"] = {
                    u.unit_code: {
                        "value": None if u.fulfilment_share is None else str(u.fulfilment_share),
                        "n": u.met + u.partly_met + u.not_met,
                        "suppressed": False,
                    }
                    for u in before.units
                }
            except PeerError as exc:
                if exc.status != 404:
                    raise
                entry["previous"] = {}
        return entry
    assert c.indicator_code is not None
    data = await fetch.values(c.indicator_code, period)
    if isinstance(data, dict):
        return {"available": False, "reason": data}
    entry = {
        "available": any(v.value is not None for v in data.values if v.unit_code),
        "reason": None,
        "source": f"GET /v1/indicators/{c.indicator_code}/values",
        "indicator_version": data.indicator_version,
        "direction": data.direction,
        "unit": data.unit,
        "current": _entries(data),
    }
    if not entry["available"]:
        entry["reason"] = stored(
            "awards.reason.no_unit_values", code=c.indicator_code, period=period
        )
    if spec.mode != "level":
        earlier = await fetch.values(c.indicator_code, previous)
        entry["previous"] = {} if isinstance(earlier, dict) else _entries(earlier)
    return entry


async def _project_inputs(
    session: AsyncSession, fetch: _Fetcher, spec: SchemeSpec, year: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    projects = await repository.projects_for_year(
        session, municipality_code=fetch.municipality, year=year
    )
    candidates = [
        {
            "code": str(p.id),
            "title": p.title,
            "unit_type": "project",
            "units": list(p.unit_codes),
            "started_on": p.started_on.isoformat(),
        }
        for p in projects
    ]
    criteria: dict[str, Any] = {}
    for c in spec.criteria:
        if c.source == "project_spread":
            criteria[c.code] = {
                "available": bool(projects),
                "reason": None if projects else stored("awards.reason.no_projects", year=year),
                "source": "improvement_project.adopted_by",
                "direction": "higher",
                "unit": "units",
                "current": {
                    str(p.id): {"value": str(len(p.adopted_by)), "n": None, "suppressed": False}
                    for p in projects
                },
            }
            continue
        assert c.indicator_code is not None
        current: dict[str, Any] = {}
        previous: dict[str, Any] = {}
        direction, reason = "higher", cast(dict[str, Any] | None, None)
        for p in projects:
            if c.indicator_code not in p.target_indicators:
                continue
            after = await fetch.values(c.indicator_code, str(year))
            before = await fetch.values(c.indicator_code, str(p.started_on.year - 1))
            if isinstance(after, dict) or isinstance(before, dict):
                reason = after if isinstance(after, dict) else cast(dict[str, Any], before)
                continue
            direction = after.direction
            units = set(p.unit_codes)
            current[str(p.id)] = pool([v for v in after.values if v.unit_code in units])
            previous[str(p.id)] = pool([v for v in before.values if v.unit_code in units]) | {
                "period": str(p.started_on.year - 1)
            }
        criteria[c.code] = {
            "available": bool(current),
            "reason": None
            if current
            else reason or stored("awards.reason.no_project_targets", code=c.indicator_code),
            "source": f"GET /v1/indicators/{c.indicator_code}/values, pooled over project units",
            "direction": direction,
            "unit": "%",
            "current": current,
            "previous": previous,
        }
    return candidates, criteria


async def gather_inputs(
    session: AsyncSession,
    scheme: AwardScheme,
    spec: SchemeSpec,
    *,
    principal: Principal,
    indicators: IndicatorsClient,
) -> dict[str, Any]:
    period = str(Period.parse(str(scheme.year)))
    previous = str(Period.parse(period).same_period_last_year())
    fetch = _Fetcher(indicators, principal.token, scheme.municipality_code)
    previous_period: str | dict[str, Any] | None
    if scheme.candidates == "projects":
        candidates, criteria = await _project_inputs(session, fetch, spec, scheme.year)
        previous_period = stored("awards.period.before_project")
    else:
        units = await indicators.units(
            token=principal.token, municipality_code=scheme.municipality_code
        )
        candidates = [
            {
                "code": u.code,
                "title": u.title,
                "unit_type": u.unit_type,
                "opened_on": None if u.opened_on is None else u.opened_on.isoformat(),
                "closed_on": None if u.closed_on is None else u.closed_on.isoformat(),
            }
            for u in sorted(units, key=lambda u: u.code)
        ]
        criteria = {
            c.code: await _unit_criterion(fetch, c, spec, period, previous) for c in spec.criteria
        }
        previous_period = previous if spec.mode != "level" else None
    return {
        "candidates_kind": scheme.candidates,
        "period": period,
        "previous_period": previous_period or None,
        "candidates": candidates,
        "criteria": criteria,
    }


# Stored texts whose code a client may want beside the text (`reason` → `reason_code`).
_CODED = ("reason", "missing")


def _explained(run: AwardRun) -> dict[str, Any]:
    """The run's results with each ranked candidate's explanation, built from its snapshot
    (a run stored with its explanations holds them)."""
    spec = SchemeSpec.model_validate(run.specification["method"])
    return explained(spec, run.inputs, run.results)


def _to_out(run: AwardRun, language: Language = DEFAULT) -> RunOut:
    """The stored run with its explanations, its texts (kept as messages) in the reader's
    language; a run stored before its texts were kept as messages shows them as they were
    written."""
    return RunOut.model_validate(
        {
            "id": run.id,
            "scheme_id": run.scheme_id,
            "title": run.title,
            "municipality_code": run.municipality_code,
            "spec_hash": run.spec_hash,
            "code_version": run.code_version,
            "created_at": run.created_at,
            **rendered(_explained(run), language, codes=_CODED),
        }
    )


async def create_run(
    session: AsyncSession,
    payload: RunIn,
    *,
    principal: Principal,
    indicators: IndicatorsClient,
    language: Language = DEFAULT,
) -> RunOut:
    scheme = await load_scheme(session, payload.scheme_id, principal=principal)
    spec = SchemeSpec.model_validate(scheme.specification)
    specification = {
        "scheme_id": str(scheme.id),
        "scheme_code": scheme.code,
        "year": scheme.year,
        "candidates": scheme.candidates,
        "prize_amount_ore": scheme.prize_amount_ore,
        "method": spec.model_dump(mode="json"),
    }
    spec_hash = canonical_hash(specification)
    seed = payload.seed if payload.seed is not None else int(spec_hash[:15], 16)
    inputs = await gather_inputs(session, scheme, spec, principal=principal, indicators=indicators)
    # CPU-bound (about a second for a national run): off the event loop.
    results = await asyncio.to_thread(compute, spec, inputs, seed)
    run = await repository.add(
        session,
        AwardRun(
            id=uuid.uuid4(),
            municipality_code=scheme.municipality_code,
            title=payload.title or f"{scheme.title} {scheme.year}",
            period=inputs["period"],
            spec_hash=spec_hash,
            code_version=CODE_VERSION,
            specification=specification,
            inputs=inputs,
            results=results,
            kind="composite",
            scheme_id=scheme.id,
            seed=seed,
        ),
    )
    await record(
        session,
        principal=principal,
        municipality_code=run.municipality_code,
        entity="run",
        entity_id=run.id,
        action="evaluated",
        details={
            "scheme": scheme.code,
            "spec_hash": spec_hash,
            "seed": seed,
            "inputs_hash": canonical_hash(inputs),
            "winner": results["robustness"]["winner"],
            "robust": results["robustness"]["robust"],
        },
    )
    return await run_cpu(_to_out, run, language)


async def load_run(session: AsyncSession, run_id: uuid.UUID, *, principal: Principal) -> AwardRun:
    run = await repository.get(session, run_id)
    if run is None or run.kind != "composite" or not principal.can_see(run.municipality_code):
        raise NotFound(message("problem.awards.no_evaluation_run", run_id=run_id))
    return run


async def get_run(
    session: AsyncSession,
    run_id: uuid.UUID,
    *,
    principal: Principal,
    language: Language = DEFAULT,
) -> RunOut:
    run = await load_run(session, run_id, principal=principal)
    # A national run's texts and explanations are 10⁵ objects: off the event loop.
    return await run_cpu(_to_out, run, language)


async def get_run_inputs(
    session: AsyncSession, run_id: uuid.UUID, *, principal: Principal
) -> RunInputsOut:
    run = await load_run(session, run_id, principal=principal)
    return RunInputsOut(run_id=run.id, specification=run.specification, inputs=run.inputs)


async def list_runs(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    scheme_id: uuid.UUID | None,
    page: PageParams,
) -> Page[RunSummary]:
    municipality = principal.tenant(municipality_code)
    items, total = await repository.page(
        session,
        municipality_code=municipality,
        scheme_id=scheme_id,
        limit=page.limit,
        offset=page.offset,
    )
    return Page[RunSummary](
        items=[
            RunSummary(
                id=r.id,
                scheme_id=r.scheme_id,
                title=r.title,
                municipality_code=r.municipality_code,
                period=r.period,
                spec_hash=r.spec_hash,
                seed=r.seed,
                winner=r.results.get("robustness", {}).get("winner"),
                robust=r.results.get("robustness", {}).get("robust"),
                created_at=r.created_at,
            )
            for r in items
        ],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


def _differences(a: Any, b: Any, path: str = "$") -> list[str]:
    if type(a) is not type(b):
        return [path]
    if isinstance(a, dict):
        out: list[str] = []
        for key in sorted(set(a) | set(b)):
            out += _differences(a.get(key), b.get(key), f"{path}.{key}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [path]
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += _differences(x, y, f"{path}[{i}]")
        return out
    return [] if a == b else [path]


async def replay_run(
    session: AsyncSession, run_id: uuid.UUID, *, principal: Principal
) -> ReplayOut:
    """Recompute a stored run from its own snapshot, specification and seed."""
    run = await load_run(session, run_id, principal=principal)
    assert run.seed is not None
    spec = SchemeSpec.model_validate(run.specification["method"])
    again = json.loads(json.dumps(await asyncio.to_thread(compute, spec, run.inputs, run.seed)))
    if run.results.get("ranking") and "criteria" in run.results["ranking"][0]:
        # Stored with its explanations: they are compared too.
        again = await asyncio.to_thread(explained, spec, run.inputs, again)
    # Texts compared as a reader sees them, in English: a run stored before its texts were
    # kept as messages holds them in English, and its replay says the same.
    differences = _differences(rendered(run.results, "en"), rendered(again, "en"))
    await record(
        session,
        principal=principal,
        municipality_code=run.municipality_code,
        entity="run",
        entity_id=run.id,
        action="replayed",
        details={"identical": not differences, "code_version_now": CODE_VERSION},
    )
    return ReplayOut(
        run_id=run.id,
        identical=not differences,
        spec_hash_matches=canonical_hash(run.specification) == run.spec_hash,
        code_version_then=run.code_version,
        code_version_now=CODE_VERSION,
        differences=differences[:20],
    )
