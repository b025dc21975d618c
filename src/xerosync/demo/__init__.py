"""`xerosync demo`: the whole product on a laptop, no Xero account, no servers to install.

The bundled Xero emulator, the service and its workers run in this process on free local ports
with SQLite, and the example shop (`examples/shop`) plays a customer's application: it connects
through the consent flow, hands in customers, orders and card payouts over the REST API, and learns
from the signed outbound webhooks what reached Xero and what was paid. A person at Xero
(`XeroDesk`) pays some invoices and edits a contact in between.
"""

from xerosync.demo.run import DemoOptions, run_demo
from xerosync.demo.summary import DemoSummary

__all__ = ["DemoOptions", "DemoSummary", "run_demo"]
