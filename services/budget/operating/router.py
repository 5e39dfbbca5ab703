from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse

from services.budget.operating import render, service
from services.budget.operating.schemas import (
    ComparisonOut,
    DriftredovisningOut,
    MappingOut,
    MappingsIn,
    OperatingBudgetIn,
    OperatingBudgetOut,
    OperatingBudgetUpdate,
    Phase,
)
from services.budget.params import IfMatch, Municipality, Tolerance
from services.budget.versioning import EDIT_RESPONSES, etag
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.documents import (
    CSV_MEDIA,
    PDF_MEDIA,
    XLSX_MEDIA,
    CsvDialectQuery,
    municipality_name,
)
from shared.errors import UnsupportedMediaType
from shared.i18n import Language, LanguageDep, localize, message
from shared.money import MoneyUnit
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/operating-budgets", tags=["operating budgets"])
mapping_router = service_router(prefix="/v1/account-mappings", tags=["operating budgets"])
Reader = Annotated[Principal, Depends(require("budget:read"))]
Writer = Annotated[Principal, Depends(require("budget:write"))]
Board = Annotated[str, Query(min_length=1, max_length=200)]
Year = Annotated[int, Query(ge=1990, le=2100)]
Tertial = Annotated[int | None, Query(ge=1, le=3)]
_CSV_TYPES = {"text/csv", "text/plain", "application/octet-stream", "application/vnd.ms-excel"}


def _tag(response: Response, budget: OperatingBudgetOut, language: Language) -> OperatingBudgetOut:
    """The budget with its ETag and its warnings in the reader's language (shared.http_cache
    marks an English representation's tag)."""
    response.headers["ETag"] = etag("operating_budget", budget.id, budget.version)
    return localize(budget, language)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=OperatingBudgetOut)
async def create_operating_budget(
    payload: OperatingBudgetIn,
    tolerance: Tolerance,
    session: SessionDep,
    principal: Writer,
    response: Response,
    language: LanguageDep,
) -> OperatingBudgetOut:
    """Store a board's operating budget table for a year and phase. Rounding differences
    within the tolerance are stored as warnings; any real inconsistency (a net without its
    sign, a total that leaves out a line) refuses the table with each cell named."""
    budget = await service.create_budget(
        session, payload, principal=principal, tolerance_tkr=tolerance
    )
    response.headers["Location"] = f"/v1/operating-budgets/{budget.id}"
    return _tag(response, budget, language)


@router.get("", response_model=Page[OperatingBudgetOut])
async def list_operating_budgets(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    language: LanguageDep,
    municipality_code: Municipality = None,
    board: Annotated[str | None, Query(max_length=200)] = None,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    phase: Phase | None = None,
) -> Page[OperatingBudgetOut]:
    """Stored operating budgets, newest year first; every forecast tertial is its own entry."""
    found = await service.list_budgets(
        session,
        principal=principal,
        municipality_code=municipality_code,
        board=board,
        year=year,
        phase=phase,
        limit=page.limit,
        offset=page.offset,
    )
    return localize(found, language)


@router.get("/comparison", response_model=ComparisonOut)
async def get_operating_comparison(
    session: SessionDep,
    principal: Reader,
    board: Board,
    year: Year,
    language: LanguageDep,
    base: Phase = "approved",
    against: Phase = "outcome",
    base_tertial: Tertial = None,
    against_tertial: Tertial = None,
    against_year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    municipality_code: Municipality = None,
    unit: MoneyUnit = "tkr",
) -> ComparisonOut:
    """Budget vs forecast, vs outcome, or vs last year (`against_year`), per activity."""
    comparison = await service.compare(
        session,
        principal=principal,
        municipality_code=municipality_code,
        board=board,
        year=year,
        base=base,
        base_tertial=base_tertial,
        against=against,
        against_tertial=against_tertial,
        against_year=against_year,
        unit=unit,
    )
    return localize(comparison, language)


@router.get(
    "/driftredovisning",
    response_model=DriftredovisningOut,
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_MEDIA: {"schema": {"type": "string", "format": "binary"}},
                PDF_MEDIA: {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
async def get_driftredovisning(
    session: SessionDep,
    principal: Reader,
    board: Board,
    year: Year,
    language: LanguageDep,
    phase: Phase = "approved",
    previous_phase: Phase | None = None,
    municipality_code: Municipality = None,
    unit: MoneyUnit = "tkr",
    format: Annotated[Literal["json", "csv", "xlsx", "pdf"], Query(title="ExportFormat")] = "json",
    csv_dialect: CsvDialectQuery = "excel_sv",
) -> DriftredovisningOut | Response:
    """The Driftredovisning table (this year vs last per activity: revenue, costs, net and
    the change in net cost) from stored data, as JSON, CSV, XLSX (Summa as formulas) or PDF;
    the documents follow Accept-Language (Swedish by default)."""
    report = await service.driftredovisning(
        session,
        principal=principal,
        municipality_code=municipality_code,
        board=board,
        year=year,
        phase=phase,
        previous_phase=previous_phase,
        unit=unit,
    )
    if format == "json":
        return localize(report, language)
    filename = f"driftredovisning_{report.municipality_code}_{year}"
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}.{format}"',
        "Content-Language": language,
        "Vary": "Accept-Language",
    }
    if format == "csv":
        body = render.to_csv(report, language=language, dialect=csv_dialect)
        return Response(body, media_type=CSV_MEDIA, headers=headers)
    municipality = await municipality_name(session, report.municipality_code)
    if format == "xlsx":
        body = render.to_xlsx(report, municipality=municipality, language=language)
        return Response(body, media_type=XLSX_MEDIA, headers=headers)
    body = render.to_pdf(report, municipality=municipality, language=language)
    return Response(body, media_type=PDF_MEDIA, headers=headers)


@router.post(
    "/outcome-import",
    status_code=status.HTTP_200_OK,
    response_model=OperatingBudgetOut,
    description="201 when the outcome is new, 200 when it replaced the stored one.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": "konto;belopp\n3010;350 000\n4010;-1 250 000\n",
                }
            },
        }
    },
    responses={
        **EDIT_RESPONSES,
        201: {"model": OperatingBudgetOut, "description": "The outcome is new"},
    },
)
async def import_outcome(
    request: Request,
    tolerance: Tolerance,
    session: SessionDep,
    principal: Writer,
    response: Response,
    board: Board,
    year: Year,
    language: LanguageDep,
    municipality_code: Municipality = None,
    unit: MoneyUnit = "kr",
    sign: Literal["api", "ledger"] = "ledger",
    if_match: IfMatch = None,
) -> OperatingBudgetOut | JSONResponse:
    """Import the outcome (utfall) from the accounting system's CSV (columns account/konto and
    amount/belopp) through the stored account mapping; replaces a stored outcome only with
    If-Match."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in _CSV_TYPES:
        raise UnsupportedMediaType(
            message(
                "problem.budget.send_outcome_text_csv",
                media=media or message("problem.budget.nothing"),
            ),
            headers={"Accept-Post": "text/csv"},
        )
    budget = await service.import_outcome(
        session,
        await request.body(),
        principal=principal,
        municipality_code=municipality_code,
        board=board,
        year=year,
        unit=unit,
        sign=sign,
        tolerance_tkr=tolerance,
        if_match=if_match,
    )
    if budget.version == 1:
        response.status_code = status.HTTP_201_CREATED
        response.headers["Location"] = f"/v1/operating-budgets/{budget.id}"
    return _tag(response, budget, language)


@router.get("/{budget_id}", response_model=OperatingBudgetOut)
async def get_operating_budget(
    budget_id: uuid.UUID,
    session: SessionDep,
    principal: Reader,
    response: Response,
    language: LanguageDep,
) -> OperatingBudgetOut:
    """One operating budget with its activities, totals and stored warnings."""
    budget = await service.get_budget(session, budget_id, principal=principal)
    return _tag(response, budget, language)


@router.put("/{budget_id}", response_model=OperatingBudgetOut, responses=EDIT_RESPONSES)
async def update_operating_budget(
    budget_id: uuid.UUID,
    payload: OperatingBudgetUpdate,
    tolerance: Tolerance,
    session: SessionDep,
    principal: Writer,
    response: Response,
    language: LanguageDep,
    if_match: IfMatch = None,
) -> OperatingBudgetOut:
    """Replace the activities; If-Match required (428 without, 412 when stale)."""
    budget = await service.update_budget(
        session,
        budget_id,
        payload,
        principal=principal,
        if_match=if_match,
        tolerance_tkr=tolerance,
    )
    return _tag(response, budget, language)


@mapping_router.put("", response_model=list[MappingOut])
async def update_account_mappings(
    payload: MappingsIn, session: SessionDep, principal: Writer
) -> list[MappingOut]:
    """Add or change account → activity mappings for a board (an account may be a prefix:
    '45' maps every 45xx account; the longest prefix wins)."""
    return await service.put_mappings(session, payload, principal=principal)


@mapping_router.get("", response_model=list[MappingOut])
async def list_account_mappings(
    session: SessionDep, principal: Reader, board: Board, municipality_code: Municipality = None
) -> list[MappingOut]:
    """A board's account → activity mappings."""
    return await service.list_mappings(
        session, principal=principal, municipality_code=municipality_code, board=board
    )
