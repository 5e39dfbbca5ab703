"""The error hierarchy and its one renderer: RFC 9457 application/problem+json.

Titles, and details given as a `shared.i18n.Message`, are rendered in the language the
request's Accept-Language asks for, Swedish when it names none (`Content-Language` says
which)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from shared import API_VERSION
from shared.i18n import Invalid, Language, Message, message, negotiate, rendered, vary
from shared.i18n_catalogue import CATALOGUE
from shared.personal_data import HIDDEN, contains_personnummer
from shared.schemas import NotConverted

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://kvalitetsnavet.se/problems/"

logger = logging.getLogger("kvn.errors")


class FieldError(BaseModel):
    """One located problem: where (loc/row/field), what value, why."""

    # Our code gives `message` as a `Message`; the problem renderer shows it in the request's
    # language (`message` as an attribute holds its English text, for logs and peers' errors
    # read back). The docstring above is the schema's description in the OpenAPI documents.

    model_config = ConfigDict(extra="allow")

    loc: list[str | int] = Field(description="path to the offending input, e.g. ['body','rows',3]")
    field: str | None = None
    row: int | None = None
    value: Any = None
    message: str
    code: str | None = None
    _text: Message | None = PrivateAttr(default=None)

    def __init__(self, *, message: Message, **data: Any) -> None:
        given: Any = message  # a peer's error read back (model_validate) brings its text
        if isinstance(given, Message):
            super().__init__(message=given.render("en"), **data)
            self._text = given
        else:
            super().__init__(message=given, **data)

    def shown(self, language: Language) -> dict[str, Any]:
        """The error as a problem shows it, its message in the language."""
        body = self.model_dump(exclude_none=True)
        if self._text is not None:
            body["message"] = self._text.render(language)
        if isinstance(self.value, Message):  # a value described in words, not echoed
            body["value"] = self.value.render(language)
        return body


class Problem(BaseModel):
    """RFC 9457 problem details, with the request id and located errors."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


class AppError(Exception):
    """Base of every expected failure; carries its HTTP status."""

    status = 500
    slug = "internal-error"
    title = "Internal Server Error"

    def __init__(
        self,
        detail: Message | None = None,
        *,
        errors: Sequence[FieldError] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail.render("en") if detail is not None else self.title)
        # A peer's problem passed on keeps the peer's own text (shared.clients.base.PeerError).
        self.detail: str | Message | None = detail
        self.errors = list(errors) if errors else None
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


class BadRequest(AppError):
    status, slug, title = 400, "bad-request", "Bad Request"


class Unauthorized(AppError):
    status, slug, title = 401, "unauthorized", "Unauthorized"

    def __init__(self, detail: Message | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="kvalitetsnavet"'})
        super().__init__(detail, **kwargs)


class Forbidden(AppError):
    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(AppError):
    status, slug, title = 404, "not-found", "Not Found"


class Conflict(AppError):
    status, slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(AppError):
    status, slug, title = 412, "precondition-failed", "Precondition Failed"


class PayloadTooLarge(AppError):
    status, slug, title = 413, "payload-too-large", "Payload Too Large"


class UnsupportedMediaType(AppError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported Media Type"


class Unprocessable(AppError):
    status, slug, title = 422, "validation-error", "Unprocessable Content"


class PreconditionRequired(AppError):
    status, slug, title = 428, "precondition-required", "Precondition Required"


class TooManyRequests(AppError):
    status, slug, title = 429, "too-many-requests", "Too Many Requests"

    def __init__(self, detail: Message | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"Retry-After": "60"})
        super().__init__(detail, **kwargs)


class Upstream(AppError):
    status, slug, title = 502, "upstream-error", "Bad Gateway"


class Unavailable(AppError):
    """--- api: every 503 says when to try again (Retry-After), as OpenAPI documents. ---"""

    status, slug, title = 503, "unavailable", "Service Unavailable"

    def __init__(self, detail: Message | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"Retry-After": "5"})
        super().__init__(detail, **kwargs)


def problem_title(status: int, title: str | None, language: Language) -> str:
    """The catalogue's title of a status when the title is the status's own (or none); a
    title of its own (a subclass's) is kept."""
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    entry = CATALOGUE.get(f"problem.{status}")
    if entry is not None and (title is None or title in {phrase, entry["en"]}):
        return entry[language]
    return title or phrase


def problem_response(
    request: Request,
    *,
    status: int,
    title: str | None = None,
    slug: str | None = None,
    detail: str | Message | None = None,
    errors: Sequence[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    language = negotiate(request.headers.get("accept-language"))
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug if slug else "about:blank",
        "title": problem_title(status, title, language),
        "status": status,
        "detail": detail.render(language) if isinstance(detail, Message) else detail,
        # The path as the client sent it (under `kvn run`'s mounts it includes /api/<service>).
        "instance": request.url.path,
        "request_id": getattr(request.state, "request_id", None),
    }
    if errors:
        body["errors"] = [e.shown(language) for e in errors]
    if extra:
        # Stored messages among the extra members (a refused table's warnings) in the language.
        body.update(rendered(dict(extra), language))
    response = JSONResponse(
        jsonable_encoder({k: v for k, v in body.items() if v is not None}),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={**dict(headers or {}), "Content-Language": language},
    )
    vary(response, "Accept-Language")
    return response


def _printable(value: Any) -> Any:
    """The refused value as an error shows it; one holding a personnummer is never echoed."""
    if isinstance(value, NotConverted):
        value = value.value
    if isinstance(value, bytes):
        value = value[:200].decode("utf-8", "replace")
    if isinstance(value, int | float | bool) or value is None:
        return value
    text = value if isinstance(value, str) else repr(value)
    if contains_personnummer(text):
        return HIDDEN
    return text if isinstance(value, str) or len(text) <= 200 else text[:200] + "…"


def validation_message(err: Mapping[str, Any]) -> Message:
    """Pydantic's error as a catalogue message: Swedish by its type with the error's context,
    English pydantic's own message. A type without a Swedish text says "Ogiltigt värde" and
    names the type."""
    type_ = str(err.get("type", ""))
    msg = str(err.get("msg", "invalid"))
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    cause = ctx.get("error")
    if isinstance(cause, Invalid):
        return message("validation.invalid", msg=msg, text=cause.text)
    if isinstance(cause, BaseException):
        ctx["error"] = str(cause)
    for name in ("expected", "expected_tags", "expected_schemes"):
        if isinstance(ctx.get(name), str):
            ctx[name] = ctx[name].replace(" or ", " eller ")
    key = f"validation.{type_}"
    if key not in CATALOGUE:
        return message("validation.unknown", msg=msg, type=type_)
    return Message(key, {**ctx, "msg": msg})


def reason_of(exc: ValueError) -> Message:
    """Why a value was refused, as a catalogue message: an `Invalid`'s own text, pydantic's
    first error by its type, else the exception's text as it is (`problem.refused`)."""
    if isinstance(exc, Invalid):
        return exc.text
    if isinstance(exc, ValidationError) and exc.errors():
        return validation_message(exc.errors()[0])
    return message("problem.refused", reason=str(exc))


def _validation_errors(exc: RequestValidationError) -> list[FieldError]:
    result = []
    for err in exc.errors():
        loc = [p if isinstance(p, int | str) else str(p) for p in err.get("loc", ())]
        fields = [p for p in loc[1:] if isinstance(p, str)]
        result.append(
            FieldError(
                loc=loc,
                field=".".join(fields) if fields else None,
                value=_printable(err.get("input")),
                message=validation_message(err),
                code=str(err.get("type")) if err.get("type") else None,
            )
        )
    return result


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(
        request,
        status=exc.status,
        title=exc.title,
        slug=exc.slug,
        detail=exc.detail,
        errors=exc.errors,
        headers=exc.headers,
        extra=exc.extra,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slugs = {404: "not-found", 405: "method-not-allowed", 401: "unauthorized"}
    detail = exc.detail if exc.detail != HTTPStatus(exc.status_code).phrase else None
    shown: str | Message | None = detail
    if exc.status_code == 404 and detail is None:
        shown = message("problem.no_resource", path=request.url.path)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # A path that names a resource of its own answers with that resource's methods.
        headers["Allow"] = _served_elsewhere(request) or _allowed_methods(
            request, headers.get("Allow", "")
        )
        if detail is None:
            shown = message(
                "problem.method_not_allowed", method=request.method, allowed=headers["Allow"]
            )
    return problem_response(
        request,
        status=exc.status_code,
        slug=slugs.get(exc.status_code, "http-error"),
        detail=shown,
        headers=headers,
    )


def _allowed_methods(request: Request, given: str) -> str:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    methods = [m.strip() for m in given.split(",") if m.strip()]
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        if method in methods:
            continue
        probe = {**request.scope, "method": method}
        if any(route.matches(probe)[0] == Match.FULL for route in request.app.router.routes):
            methods.append(method)
    order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return ", ".join(sorted(set(methods), key=lambda m: (order.index(m) if m in order else 99, m)))


def _served_elsewhere(request: Request) -> str | None:
    """The methods a route without path parameters serves at exactly this path, when this
    request reached a route only through a path parameter (PUT /v1/investments/plans against
    PUT /v1/investments/{project_id}, where /v1/investments/plans is a POST route)."""
    path, root = request.scope["path"], request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    methods: set[str] = set()
    for context in iter_route_contexts(request.app.router.routes):
        literal = context.path_format
        if literal is not None and "{" not in literal and literal == path:
            methods |= set(context.methods or ())
    if not methods:
        return None
    order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return ", ".join(sorted(methods, key=lambda m: (order.index(m) if m in order else 99, m)))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    if any(e.loc[:1] == ["path"] for e in errors):
        allowed = _served_elsewhere(request)
        if allowed is not None:
            return problem_response(
                request,
                status=405,
                slug="method-not-allowed",
                detail=message(
                    "problem.method_not_allowed", method=request.method, allowed=allowed
                ),
                headers={"Allow": allowed},
            )
    return problem_response(
        request,
        status=422,
        title="Unprocessable Content",
        slug="validation-error",
        detail=message("problem.invalid_values", count=len(errors)),
        errors=errors,
    )


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    logger.warning("database unavailable: %s", type(exc).__name__)
    return problem_response(
        request,
        status=503,
        slug="database-unavailable",
        detail=message("problem.database_unavailable"),
        headers={"Retry-After": "5"},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", extra={"path": request.url.path})
    # Starlette answers an unhandled exception outside every middleware, so the headers the
    # request-context middleware adds are set here too (it replaces them when it sees them).
    request_id = getattr(request.state, "request_id", None)
    headers = {"API-Version": API_VERSION}
    if request_id:
        headers["X-Request-ID"] = request_id
    return problem_response(
        request,
        status=500,
        slug="internal-error",
        detail=message("problem.unexpected"),
        headers=headers,
    )


def _is_connection_error(exc: DBAPIError) -> bool:
    return bool(exc.connection_invalidated) or isinstance(exc, OperationalError)


def _sqlstate(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlstate", None) or "")


def _db_message(exc: DBAPIError) -> str:
    diag = getattr(exc.orig, "diag", None)
    primary = getattr(diag, "message_primary", None)
    text = str(primary or exc.orig or "").strip() or "the value cannot be stored"
    return text.splitlines()[0][:300]


async def _dbapi_error(request: Request, exc: Exception) -> JSONResponse:
    """A safety net for what input validation missed: the database's refusal of a value is the
    client's 422 (or 409 for a uniqueness/reference conflict), never a 500."""
    assert isinstance(exc, DBAPIError)
    if _is_connection_error(exc):
        return await _database_error(request, exc)
    state = _sqlstate(exc)
    if isinstance(exc, DataError) or state.startswith("22") or state == "23514":
        logger.warning("database refused a value: %s", _db_message(exc))
        return problem_response(
            request,
            status=422,
            slug="validation-error",
            title="Unprocessable Content",
            detail=message("problem.value_not_stored", reason=_db_message(exc)),
        )
    if isinstance(exc, IntegrityError) and state in {"23505", "23503", "23P01"}:
        logger.warning("database conflict: %s", _db_message(exc))
        return problem_response(
            request,
            status=409,
            slug="conflict",
            title="Conflict",
            detail=message("problem.stored_conflict", reason=_db_message(exc)),
        )
    return await _unexpected(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(PoolTimeoutError, _database_error)
    app.add_exception_handler(DBAPIError, _dbapi_error)
    app.add_exception_handler(Exception, _unexpected)


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "model": Problem,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


# Declared on every route so generated clients and schemathesis know the error shapes.
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _problem("Missing or invalid API key"),
    403: _problem("The key lacks the required scope"),
    404: _problem("Not found, or not visible to this key's municipality"),
    405: _problem("Method not allowed (see the Allow header)"),
    409: _problem("Conflict with the current state"),
    413: _problem("Request body too large"),
    415: _problem("Unsupported media type"),
    422: _problem("Invalid input; errors[] names each field and value"),
    429: _problem("Rate limit exceeded (see Retry-After)"),
    503: _problem("A dependency (the database) is unavailable"),
}
