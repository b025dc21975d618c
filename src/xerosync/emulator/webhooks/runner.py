"""The real server's delivery loop: a thread that pumps the dispatcher periodically.

Tests never need it (they advance a FakeClock and call `pump()`); it waits in real time,
never on the emulator's clock, so a fake clock is not moved by it.
"""

from __future__ import annotations

import logging
import threading

from xerosync.emulator.webhooks.dispatcher import WebhookDispatcher

log = logging.getLogger("xerosync.emulator.webhooks")


class Runner:
    def __init__(self, dispatcher: WebhookDispatcher, interval: float) -> None:
        self._dispatcher = dispatcher
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="emulator-webhooks", daemon=True)

    def start(self) -> Runner:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._dispatcher.pump()
            except Exception:  # keep delivering; one bad pass must not end the loop
                log.exception("webhooks.pump_failed")
