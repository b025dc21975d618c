"""The service: FastAPI over `XeroSync` (`create_app(settings)`), run with `xerosync serve`.

/connect, /callback, /connections     a person connects Xero organisations (state + PKCE)
/webhooks/xero                        Xero's webhooks: verify -> inbox -> wake -> 200
/v1/...                               REST for the host application (API keys)
/healthz, /metrics                    operations
"""

from xerosync.service.app import create_app

__all__ = ["create_app"]
