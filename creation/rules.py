"""Pure rules of the organisation: plain values in, plain values out."""

from datetime import date

# RULES.md §0: a creation cycle is the two years from the unit's start date to its acceptance.
CREATION_CYCLE_YEARS = 2


def creation_cycle_end(start: date) -> date:
    """The day before the second anniversary of the start (29 Feb starts end on 28 Feb)."""
    year = start.year + CREATION_CYCLE_YEARS
    try:
        anniversary = start.replace(year=year)
    except ValueError:  # 29 February into a common year
        anniversary = date(year, 3, 1)
    return date.fromordinal(anniversary.toordinal() - 1)
