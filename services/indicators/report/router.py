from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request, Response

from services.indicators.report import render, service
from services.indicators.report.schemas import TertialReport
from shared.app import service_router
from shared.auth import Principal, require
from shared.cpu import run_cpu
from shared.db import SessionDep
from shared.documents import CSV_MEDIA, PDF_MEDIA, XLSX_MEDIA, CsvDialectQuery
from shared.i18n import DEFAULT, localize, negotiate

router = service_router(prefix="/v1/reports", tags=["reports"])
Reader = Annotated[Principal, Depends(require("indicators:read"))]
MEDIA = {"csv": CSV_MEDIA, "xlsx": XLSX_MEDIA, "html": "text/html; charset=utf-8", "pdf": PDF_MEDIA}


@router.get(
    "/tertial",
    response_model=TertialReport,
    responses={
        200: {
            "content": {
                "text/csv": {},
                "text/html": {},
                XLSX_MEDIA: {},
                PDF_MEDIA: {},
            }
        }
    },
)
async def get_tertial_report(
    request: Request,
    session: SessionDep,
    principal: Reader,
    period: Annotated[str, Query(max_length=10, examples=["2024T2"])],
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    area: Annotated[str | None, Query(max_length=32)] = None,
    format: Annotated[
        Literal["json", "csv", "xlsx", "html", "pdf"], Query(title="ReportFormat")
    ] = "json",
    csv_dialect: CsvDialectQuery = "excel_sv",
) -> Response:
    """The follow-up of the basic mission: per section, STRUKTUR / PROCESS / EFFEKT indicators
    with value, target, status, trend and the women/men split; JSON, CSV, XLSX, printable
    HTML with inline SVG charts, or PDF. Every format follows Accept-Language (Swedish by
    default)."""
    report = await service.tertial_report(
        session,
        principal=principal,
        municipality_code=municipality_code,
        period=period,
        area=area,
        cache=request.app.state.report_cache,
    )
    language = negotiate(request.headers.get("accept-language"))
    headers = {"Content-Language": language, "Vary": "Accept-Language"}
    if format == "json":
        # The cached report is Swedish and shared: translate a copy.
        shown = report if language == DEFAULT else localize(report.model_copy(deep=True), language)
        return Response(shown.model_dump_json(), media_type="application/json", headers=headers)
    if format == "html":
        return Response(
            await run_cpu(render.to_html, report, language=language),
            media_type=MEDIA["html"],
            headers=headers,
        )
    if format == "csv":
        body = await run_cpu(render.to_csv, report, language=language, dialect=csv_dialect)
    elif format == "xlsx":
        body = await run_cpu(render.to_xlsx, report, language=language)
    else:
        body = await run_cpu(render.to_pdf, report, language=language)
    name = f"uppfoljning-{report.municipality_code}-{report.period}"
    return Response(
        body,
        media_type=MEDIA[format],
        headers={**headers, "Content-Disposition": f'attachment; filename="{name}.{format}"'},
    )
