"""Models of publicity scoring, rankings, the one-vote-veto gauge and acceptance (RULES.md §6)."""
