"""The emulator's webhooks: subscriptions, intent-to-receive, signed ordered deliveries.

`state.webhooks` is the `WebhookDispatcher`; stores call its `record()`; `pump()` sends.
See docs/emulator/webhooks.md.
"""

from xerosync.emulator.webhooks.dispatcher import WebhookDispatcher
from xerosync.emulator.webhooks.receiver import WebhookReceiver

__all__ = ["WebhookDispatcher", "WebhookReceiver"]
