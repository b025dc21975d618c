"""OAuth 2.0 with Xero: sign-in (oauth), token pairs and stores (tokens), the httpx flow (flow)."""
