"""Input rules that hold for every route, outside its body model (shared.app.JsonRoute calls
these): query strings hold no personnummer."""

from __future__ import annotations

from starlette.requests import Request

from shared import personal_data
from shared.errors import FieldError, Unprocessable
from shared.i18n import message


def refuse_personal_data_in_query(request: Request) -> None:
    """A query string value holding a personnummer is a 422 naming the parameter (some are
    stored, e.g. an upload's filename, and all of them are logged); the value is not echoed."""
    names = [
        personal_data.HIDDEN if personal_data.contains_personnummer(name) else name
        for name, value in request.query_params.multi_items()
        if personal_data.contains_personnummer(value) or personal_data.contains_personnummer(name)
    ]
    if names:
        raise Unprocessable(
            message("problem.shared.query_parameter_holds_personal_identity"),
            errors=[
                FieldError(
                    loc=["query", name],
                    field=name,
                    value=personal_data.HIDDEN,
                    message=message(f"validation.{personal_data.CODE}", msg=personal_data.MESSAGE),
                    code=personal_data.CODE,
                )
                for name in dict.fromkeys(names)
            ],
        )
