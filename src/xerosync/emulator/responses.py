"""Xero-shaped error responses, in one place so every route answers alike."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.responses import JSONResponse, PlainTextResponse, Response


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None
) -> Response:
    body: dict[str, Any] = {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return JSONResponse(body, status_code=status, headers=headers)


def unauthorized(detail: str = "AuthenticationUnsuccessful") -> Response:
    return problem(
        401, "Unauthorized", detail, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    )


def insufficient_scope() -> Response:
    return problem(
        401,
        "Unauthorized",
        "AuthorizationUnsuccessful",
        {"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
    )


def forbidden() -> Response:
    return problem(403, "Forbidden", "AuthenticationUnsuccessful")


def not_found() -> Response:
    return PlainTextResponse(
        "The resource you're looking for cannot be found", status_code=404, media_type="text/html"
    )


def offline(message: str = "The Xero API is temporarily unavailable") -> Response:
    return PlainTextResponse(message, status_code=503)


def validation_exception(elements: list[dict[str, Any]]) -> Response:
    return JSONResponse(
        {
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
            "Elements": elements,
        },
        status_code=400,
    )


def query_parse_exception(message: str) -> Response:
    return JSONResponse(
        {"ErrorNumber": 16, "Type": "QueryParseException", "Message": message}, status_code=400
    )
