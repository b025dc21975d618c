"""An offline Xero: identity server, Accounting API, rate limits, faults, webhooks.

It shares no code with `xerosync.xero` (the client): its truth is Xero's OpenAPI
specification and Xero's documentation (summarised in docs/xero-behaviour.md), so one wrong
model cannot pass on both sides.
"""

from xerosync.emulator.app import create_app, create_state
from xerosync.emulator.config import EmulatorConfig
from xerosync.emulator.state import EmulatorState

__all__ = ["EmulatorConfig", "EmulatorState", "create_app", "create_state"]
