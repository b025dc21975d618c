"""Webhook ingest through the service's `/webhooks/xero`: events per second stored durably, and the
latency of each delivery (p50, p99) at a steady offered rate.

Xero sends up to 50 events a delivery; `rate` events/s are offered as deliveries of `batch`
events, open-loop (each delivery leaves at its scheduled time whether or not earlier ones have been
answered), for `seconds` seconds, each signed with the webhook key. They are sent from `senders`
threads of a process of their own: in the service's process they would compete with it for the
interpreter's lock, which Xero's servers do not. The service runs on a real socket (`xerosync.testing.serve`) over a throwaway database; "stored" is the
count of rows in the inbox afterwards (every event is new, so all must be there). Xero wants an
answer within 5 seconds.
"""

from __future__ import annotations

import multiprocessing
import statistics
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from socket import IPPROTO_TCP, TCP_NODELAY
from typing import Any

import httpx
import orjson
from sqlalchemy import func, select

from bench.engine_throughput import database
from xerosync.api import XeroSync
from xerosync.service import create_app
from xerosync.settings import Settings
from xerosync.store.crypto import new_key
from xerosync.store.tables import InboxEvent
from xerosync.testing import serve
from xerosync.xero import XeroConfig
from xerosync.xero.webhooks import SIGNATURE_HEADER, sign

WEBHOOK_KEY = "bench-webhook-key-0123456789"
XERO_WINDOW_SECONDS = 5.0


def _delivery(tenants: list[str], n: int, batch: int) -> bytes:
    events = [
        {
            "resourceUrl": f"https://api.xero.com/api.xro/2.0/Invoices/{uuid.uuid4()}",
            "resourceId": str(uuid.uuid4()),
            "eventDateUtc": "2026-11-30T08:00:00.000",
            "eventType": "UPDATE",
            "eventCategory": "INVOICE",
            "tenantId": tenants[(n + i) % len(tenants)],
            "tenantType": "ORGANISATION",
        }
        for i in range(batch)
    ]
    return orjson.dumps(
        {
            "events": events,
            "firstEventSequence": n,
            "lastEventSequence": n + batch - 1,
            "entropy": "x",
        }
    )


def _send_all(
    base_url: str, bodies: list[bytes], interval: float, senders: int, warm: list[bytes]
) -> tuple[list[float], list[int], float]:
    """Post `bodies` open-loop, one every `interval` seconds from `senders` threads: each
    delivery's latency (from when it was due) and status, and the seconds the whole took.
    Each thread first posts one of `warm`, not timed: a service that has been running has its
    database connections open and its statements compiled."""
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    start: list[float] = []  # set once every thread is warm, before any goes on
    ready = threading.Barrier(senders + 1, action=lambda: start.append(time.perf_counter() + 0.2))

    def send(worker: int) -> None:
        # No Nagle on the sender's socket: headers and body go as two writes, and the body would
        # wait for the ACK of the headers, which the server delays ~40 ms (what Xero's senders
        # do is theirs; this measures the service, not a stall of the bench's own client)
        transport = httpx.HTTPTransport(socket_options=[(IPPROTO_TCP, TCP_NODELAY, 1)])
        with httpx.Client(base_url=base_url, timeout=30, transport=transport) as http:
            http.post("/webhooks/xero", content=warm[worker], headers=_signed(warm[worker]))
            ready.wait()
            for n in range(worker, len(bodies), senders):
                due = start[0] + n * interval
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                body = bodies[n]
                headers = _signed(body)
                sent = time.perf_counter()
                response = http.post("/webhooks/xero", content=body, headers=headers)
                took = time.perf_counter() - max(sent, due)
                with lock:
                    latencies.append(took)
                    statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=(w,)) for w in range(senders)]
    for thread in threads:
        thread.start()
    ready.wait()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - start[0]


def _signed(body: bytes) -> dict[str, str]:
    return {SIGNATURE_HEADER: sign(body, WEBHOOK_KEY), "Content-Type": "application/json"}


def run(
    kind: str,
    admin_url: str,
    *,
    rate: int = 1000,
    seconds: float = 10.0,
    batch: int = 50,
    tenants: int = 5,
    senders: int = 8,
) -> dict[str, Any]:
    with database(kind, admin_url) as url:
        tenant_ids = [str(uuid.uuid4()) for _ in range(tenants)]
        xero = XeroConfig.for_emulator(
            "http://xero.invalid", client_id="bench", client_secret="bench-secret"
        )
        keys = [new_key()]
        sync = XeroSync.open(url, xero, token_keys=keys, migrate=False)
        for n, tenant in enumerate(tenant_ids):
            sync.add_connection(tenant, tenant_name=f"Org {n}")
        settings = Settings.model_validate(
            {
                "database_url": url,
                "token_keys": keys,
                "xero_client_id": "bench",
                "xero_client_secret": "bench-secret",
                "webhook_key": WEBHOOK_KEY,
                "api_keys": ["bench-api-key-0123456789"],
            }
        )
        deliveries = max(1, round(rate * seconds / batch))
        bodies = [_delivery(tenant_ids, n * batch, batch) for n in range(deliveries)]
        warm = [_delivery(tenant_ids, -(n + 1) * batch, batch) for n in range(senders)]
        interval = batch / rate
        app = create_app(settings, sync=sync, wake=lambda _kind, _c: None)
        # Xero's senders are not in the service's process: here they run in a process of their
        # own, so they do not compete with the service for the interpreter's lock
        spawn = multiprocessing.get_context("spawn")
        with serve(app) as base_url, ProcessPoolExecutor(1, mp_context=spawn) as pool:
            latencies, statuses, elapsed = pool.submit(
                _send_all, base_url, bodies, interval, senders, warm
            ).result()
        with sync.db.transaction() as session:
            stored = int(session.scalar(select(func.count()).select_from(InboxEvent)) or 0)
            stored -= len(warm) * batch  # every event is new: the warm-up's are all there too
        sync.close()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {
        "database": kind,
        "offered_events_per_second": rate,
        "events": deliveries * batch,
        "deliveries": deliveries,
        "events_per_delivery": batch,
        "accepted": sum(1 for s in statuses if s == 200) * batch,
        "stored": stored,
        "stored_events_per_second": round(stored / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(p99 * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2),
        "seconds": round(elapsed, 3),
    }
