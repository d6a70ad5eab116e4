"""Models of fund-use plans, their provincial review and filing, ring-fenced spending and half-yearly fund reports (RULES.md §3)."""
