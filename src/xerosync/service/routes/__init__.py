"""One module per edge: connect (people), webhooks (Xero), v1 (the host app), ops (operators)."""
