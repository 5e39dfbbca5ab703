from __future__ import annotations

import hashlib
import tempfile
import uuid
from typing import IO, Annotated, Literal

from fastapi import Depends, Header, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse

from services.ingest.batch.service import StoredResponse
from services.ingest.upload import service, templates
from services.ingest.upload.kinds import KINDS, kind_measures
from services.ingest.upload.schemas import UploadColumn, UploadKindOut, UploadOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.documents import CsvDialectQuery
from shared.errors import NotFound, Unprocessable
from shared.i18n import message

router = service_router(prefix="/v1/uploads", tags=["uploads"])

IngestWriter = Annotated[Principal, Depends(require("ingest:write"))]
IngestReader = Annotated[Principal, Depends(require("ingest:read"))]
KindName = Literal["survey", "continuity", "sick_leave", "incidents", "cases", "observations"]
SPOOL_BYTES = 4 * 1024 * 1024


async def _spool(request: Request) -> tuple[IO[bytes], str, str | None]:
    """The file, streamed to a spooled temporary file (memory stays flat), its SHA-256, and
    the filename a multipart form gave."""
    digest = hashlib.sha256()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    if media == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise Unprocessable(message("problem.ingest.send_file_form_field_file"))
        while block := await upload.read(1 << 20):
            digest.update(block)
            spool.write(block)
        filename = upload.filename
    else:
        async for block in request.stream():
            digest.update(block)
            spool.write(block)
        filename = None
    spool.seek(0)
    return spool, digest.hexdigest(), filename


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=UploadOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
                templates.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            },
        }
    },
)
async def create_upload(
    request: Request,
    session: SessionDep,
    principal: IngestWriter,
    response: Response,
    kind: Annotated[
        KindName,
        Query(title="UploadKind", description="what the file holds; see /v1/uploads/kinds"),
    ],
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    mode: Annotated[Literal["insert", "revise"], Query(title="WriteMode")] = "insert",
    dry_run: Annotated[bool, Query(description="validate only; store nothing")] = False,
    filename: Annotated[str | None, Query(max_length=255)] = None,
    idempotency_key: Annotated[
        str | None, Header(min_length=1, max_length=255, description="IETF Idempotency-Key")
    ] = None,
) -> UploadOut | JSONResponse:
    """Upload a CSV (UTF-8 or Windows-1252; `;`, `,` or tab; decimal comma or point) or XLSX
    file of one kind. Every problem is reported at once with row, column, value and reason;
    a rejected file stores nothing, an accepted one is stored whole, once."""
    spool, sha256, form_filename = await _spool(request)
    try:
        result = await service.upload(
            session,
            principal=principal,
            kind_name=kind,
            municipality_code=municipality_code,
            mode=mode,
            dry_run=dry_run,
            filename=filename or form_filename,
            file=spool,
            file_sha256=sha256,
            idempotency_key=idempotency_key,
            years_ahead=request.app.state.settings.OBSERVATION_YEARS_AHEAD,
            checks=getattr(request.app.state, "upload_checks", None),
            split_bytes=request.app.state.settings.UPLOAD_SPLIT_BYTES,
        )
    finally:
        spool.close()
    if isinstance(result, StoredResponse):
        return JSONResponse(
            result.body, status_code=result.status, headers={"Idempotent-Replayed": "true"}
        )
    if result.dry_run:
        response.status_code = status.HTTP_200_OK
    else:
        response.headers["Location"] = f"/v1/uploads/{result.id}"
    return result


@router.get("/kinds", response_model=list[UploadKindOut])
async def list_upload_kinds(principal: IngestReader) -> list[UploadKindOut]:
    """The kinds of file, their columns, measures and template links."""
    return [
        UploadKindOut(
            name=k.name,
            title=k.title,
            period_types=sorted(t.value for t in k.period_types),
            unit_required=k.unit_required,
            columns=[
                UploadColumn(
                    name=c.name,
                    required=c.required,
                    measure=c.measure,
                    choices=list(c.choices),
                    aliases=list(c.aliases),
                    example=c.example,
                )
                for c in k.columns
            ],
            measures=list(kind_measures(k)),
            template=f"/v1/uploads/templates/{k.name}",
        )
        for k in KINDS.values()
    ]


@router.get(
    "/templates/{kind}",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, templates.XLSX_MEDIA_TYPE: {}}}},
)
async def get_upload_template(
    kind: Annotated[KindName, Path(title="UploadKind")],
    principal: IngestReader,
    format: Annotated[Literal["csv", "xlsx"], Query(title="FileFormat")] = "csv",
    csv_dialect: CsvDialectQuery = "excel_sv",
) -> Response:
    """A template file for one kind: the header row and an example row."""
    spec = KINDS.get(kind)
    if spec is None:
        raise NotFound(message("problem.ingest.no_upload_kind", kind=kind))
    if format == "xlsx":
        return Response(
            templates.xlsx_template(spec),
            media_type=templates.XLSX_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{kind}.xlsx"'},
        )
    return Response(
        templates.csv_template(spec, csv_dialect),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'},
    )


@router.get("/{upload_id}", response_model=UploadOut)
async def get_upload(
    upload_id: uuid.UUID, session: SessionDep, principal: IngestReader
) -> UploadOut:
    """A stored upload and what it did."""
    return await service.get_upload(session, upload_id, principal=principal)
