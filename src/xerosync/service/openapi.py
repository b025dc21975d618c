"""The OpenAPI document, with the record types the host application hands in (`AppContact`,
`AppInvoice`, ...): records are checked one by one in the route (so a 422 names the record), and
this puts their schemas in the document all the same."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from xerosync.sync.records import RECORD_TYPES

__all__ = ["RECORDS_BODY", "html_or_json", "install"]

_REF = "#/components/schemas/{model}"

#: the request body of `POST /v1/connections/{connection}/{entity}`
RECORDS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "maxItems": 1000,
                    "description": "records of the path's entity, each with the app's own `id`",
                    "items": {
                        "oneOf": [
                            {"$ref": _REF.format(model=cls.__name__)}
                            for cls in RECORD_TYPES.values()
                        ]
                    },
                }
            }
        },
    }
}


def html_or_json(description: str, json_schema: dict[str, Any]) -> dict[str, Any]:
    """An answer that is a page for a browser and JSON for a program (`pages.wants_html`)."""
    return {
        "description": description,
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/json": {"schema": json_schema},
        },
    }


#: a refusal as `pages` and `HTTPException` make it
PROBLEM: dict[str, Any] = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        _, records = models_json_schema(
            [(cls, "validation") for cls in RECORD_TYPES.values()], ref_template=_REF
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(records.get("$defs", {}))
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
