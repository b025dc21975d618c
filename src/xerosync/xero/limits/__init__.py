"""Rate budgets: pure window arithmetic (budget), stores (stores), the governor (governor)."""
