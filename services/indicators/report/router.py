from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request, Response

from services.indicators.report import render, service
from services.indicators.report.schemas import TertialReport
from shared.app import service_router
from shared.auth import Principal, require
from shared.cpu import run_cpu
from shared.db import SessionDep
from shared.i18n import DEFAULT, localize, negotiate

router = service_router(prefix="/v1/reports", tags=["reports"])
Reader = Annotated[Principal, Depends(require("indicators:read"))]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


@router.get(
    "/tertial",
    response_model=TertialReport,
    responses={
        200: {
            "content": {
                "text/csv": {},
                "text/html": {},
                MEDIA["xlsx"]: {},
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
    format: Annotated[Literal["json", "csv", "xlsx", "html"], Query(title="ReportFormat")] = "json",
) -> Response:
    """The follow-up of the basic mission: per area, STRUKTUR / PROCESS / EFFEKT indicators
    with value, target, status, trend and the women/men split; JSON, CSV, XLSX or printable
    HTML with inline SVG charts."""
    report = await service.tertial_report(
        session,
        principal=principal,
        municipality_code=municipality_code,
        period=period,
        area=area,
        cache=request.app.state.report_cache,
    )
    name = f"uppfoljning-{report.municipality_code}-{report.period}"
    if format == "json":
        language = negotiate(request.headers.get("accept-language"))
        # The cached report is Swedish and shared: translate a copy.
        shown = report if language == DEFAULT else localize(report.model_copy(deep=True), language)
        return Response(
            shown.model_dump_json(),
            media_type="application/json",
            headers={"Content-Language": language, "Vary": "Accept-Language"},
        )
    if format == "csv":
        body = await run_cpu(render.to_csv, report)
    elif format == "xlsx":
        body = await run_cpu(render.to_xlsx, report)
    else:
        return Response(
            await run_cpu(render.to_html, report),
            media_type=MEDIA["html"],
            headers={"Content-Language": "sv"},
        )
    return Response(
        body,
        media_type=MEDIA[format],
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{format}"',
            "Content-Language": "sv",
        },
    )
