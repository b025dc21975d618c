"""Admin routes for what happens to traffic: rate limits, faults, and the request log.

    /_emulator/limits          read counters, spend a tenant's budget, run a background spender
    /_emulator/faults          5xx bursts, latency, lost responses, organisation offline, maintenance
    /_emulator/requests        what was received (filterable), and clearing it

Documented with curl examples in docs/emulator/limits-and-faults.md.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field

from xerosync.emulator.faults import Fault, Match
from xerosync.emulator.request_log import RequestFilter
from xerosync.emulator.state import EmulatorState

router = APIRouter(prefix="/_emulator")


def _state(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


def _client(state: EmulatorState, client_id: str | None) -> str:
    """The app to act for: the one named, or the ready-made demo app."""
    return client_id or state.config.demo_client_id


# -- rate limits -----------------------------------------------------------------------


class SpendIn(BaseModel):
    tenant_id: str
    calls: int = Field(ge=1)
    client_id: str | None = None


class SpenderIn(BaseModel):
    tenant_id: str
    per_minute: float = Field(ge=0)
    burst: bool = False  # spend it all as each minute begins, instead of evenly
    client_id: str | None = None


@router.get("/limits")
def read_limits(
    request: Request, tenant_id: str | None = None, client_id: str | None = None
) -> dict[str, Any]:
    """Counters as the headers would report them now (app-wide only without a tenant)."""
    state = _state(request)
    return state.limits.counters(_client(state, client_id), tenant_id)


@router.post("/limits/spend")
def spend(body: SpendIn, request: Request) -> dict[str, Any]:
    """Another worker of the app spends `calls` of the tenant's minute and day budgets now."""
    state = _state(request)
    client_id = _client(state, body.client_id)
    state.limits.spend(client_id, body.tenant_id, body.calls)
    return state.limits.counters(client_id, body.tenant_id)


@router.put("/limits/spender")
def set_spender(body: SpenderIn, request: Request) -> dict[str, Any]:
    """A background caller spending `per_minute` calls evenly through every minute, or all at
    each minute's start with `burst` (0 stops it)."""
    state = _state(request)
    client_id = _client(state, body.client_id)
    state.limits.set_spender(client_id, body.tenant_id, body.per_minute, burst=body.burst)
    return state.limits.counters(client_id, body.tenant_id)


@router.delete("/limits/spender")
def stop_spender(request: Request, tenant_id: str, client_id: str | None = None) -> dict[str, Any]:
    state = _state(request)
    client = _client(state, client_id)
    state.limits.set_spender(client, tenant_id, 0)
    return state.limits.counters(client, tenant_id)


class LimitsConfigIn(BaseModel):
    minute_limit: int | None = Field(default=None, ge=0)
    day_limit: int | None = Field(default=None, ge=0)
    concurrent_limit: int | None = Field(default=None, ge=0)
    app_minute_limit: int | None = Field(default=None, ge=0)
    minute_seconds: float | None = Field(default=None, gt=0)
    day_seconds: float | None = Field(default=None, gt=0)
    rate_limits_enabled: bool | None = None


@router.patch("/limits/config")
def configure_limits(body: LimitsConfigIn, request: Request) -> dict[str, Any]:
    """Change the limits of the running emulator; fields left out keep their values."""
    state = _state(request)
    state.limits.configure(**body.model_dump(exclude_none=True))
    return state.config.model_dump(include=set(LimitsConfigIn.model_fields))


@router.post("/limits/reset", status_code=204)
def reset_limits(request: Request) -> Response:
    _state(request).limits.reset()
    return Response(status_code=204)


# -- faults ----------------------------------------------------------------------------


class MatchIn(BaseModel):
    method: str | None = None
    path_prefix: str | None = None
    tenant_id: str | None = None

    def match(self) -> Match:
        return Match(self.method, self.path_prefix, self.tenant_id)


class ErrorsIn(MatchIn):
    status: int = Field(default=503, ge=500, le=599)
    count: int = Field(default=1, ge=1)
    body: str | None = None


class LatencyIn(MatchIn):
    seconds: float = Field(gt=0, le=300)
    count: int | None = Field(default=None, ge=1)  # None: until cleared


class LostIn(MatchIn):
    count: int = Field(default=1, ge=1)


@router.get("/faults")
def read_faults(request: Request) -> dict[str, Any]:
    return _state(request).faults.describe()


@router.delete("/faults", status_code=204)
def clear_faults(request: Request) -> Response:
    """Clear every fault: scripted ones, organisations offline and maintenance."""
    _state(request).faults.clear()
    return Response(status_code=204)


@router.post("/faults/errors", status_code=201)
def add_errors(body: ErrorsIn, request: Request) -> dict[str, Any]:
    """The next `count` matching calls get `status` with a plain-text body."""
    fault = _state(request).faults.add_error(body.status, body.count, body.match(), body.body)
    return fault.describe()


@router.post("/faults/latency", status_code=201)
def add_latency(body: LatencyIn, request: Request) -> dict[str, Any]:
    """Matching calls wait `seconds` (holding their concurrent slot) before the handler runs."""
    return _state(request).faults.add_latency(body.seconds, body.count, body.match()).describe()


@router.post("/faults/lost-responses", status_code=201)
def add_lost_responses(body: LostIn, request: Request) -> dict[str, Any]:
    """The next `count` matching calls run and commit, then the connection is dropped."""
    fault: Fault = _state(request).faults.add_lost_response(body.count, body.match())
    return fault.describe()


@router.put("/faults/maintenance")
def start_maintenance(request: Request) -> dict[str, Any]:
    """The whole API answers 503 "offline for maintenance" until cleared."""
    faults = _state(request).faults
    faults.set_maintenance(True)
    return faults.describe()


@router.delete("/faults/maintenance")
def end_maintenance(request: Request) -> dict[str, Any]:
    faults = _state(request).faults
    faults.set_maintenance(False)
    return faults.describe()


@router.put("/faults/offline/{tenant_id}")
def take_offline(tenant_id: str, request: Request) -> dict[str, Any]:
    """One organisation answers 503 "The Organisation is offline" until cleared."""
    state = _state(request)
    if tenant_id not in state.tenants:
        raise HTTPException(404, f"no tenant {tenant_id}")
    state.faults.set_offline(tenant_id, True)
    return state.faults.describe()


@router.delete("/faults/offline/{tenant_id}")
def bring_online(tenant_id: str, request: Request) -> dict[str, Any]:
    faults = _state(request).faults
    faults.set_offline(tenant_id, False)
    return faults.describe()


@router.delete("/faults/{fault_id}", status_code=204)
def remove_fault(fault_id: int, request: Request) -> Response:
    if not _state(request).faults.remove(fault_id):
        raise HTTPException(404, f"no fault {fault_id}")
    return Response(status_code=204)


# -- the request log -------------------------------------------------------------------


@router.get("/requests")
def read_requests(request: Request, query: Annotated[RequestFilter, Depends()]) -> dict[str, Any]:
    """Calls received, oldest first. `path` is a prefix; `since` a `seq` already seen."""
    found = _state(request).requests.find(query)
    return {"requests": [entry.as_dict() for entry in found]}


@router.delete("/requests", status_code=204)
def clear_requests(request: Request) -> Response:
    _state(request).requests.clear()
    return Response(status_code=204)
