"""For operators: `/healthz` (the database answers) and `/metrics` (Prometheus)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from xerosync.service.deps import ServiceDep

__all__ = ["router"]

log = logging.getLogger("xerosync.service")

router = APIRouter(tags=["ops"])


@router.get("/healthz")
def healthz(service: ServiceDep) -> JSONResponse:
    try:
        with service.sync.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.error("service.database_unreachable", extra={"error": type(exc).__name__})
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/metrics", response_class=Response)
def metrics(request: Request) -> Response:
    registry: CollectorRegistry = request.app.state.metrics
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
