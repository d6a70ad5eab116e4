"""Models of the reporting calendar, submissions and reminders (RULES.md §5) and generated documents."""
