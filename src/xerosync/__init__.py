"""xerosync: keep a business application and Xero in step."""

from xerosync.clock import Clock, FakeClock, SystemClock

__version__ = "0.1.0"

__all__ = ["Clock", "FakeClock", "SystemClock", "__version__"]
