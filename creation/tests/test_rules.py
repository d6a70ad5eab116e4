from datetime import date

import pytest

from creation.rules import creation_cycle_end


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 7, 1), date(2027, 6, 30)),
        (date(2026, 1, 1), date(2027, 12, 31)),
        (date(2024, 2, 29), date(2026, 2, 28)),
    ],
)
def test_creation_cycle_lasts_two_years(start, end):
    assert creation_cycle_end(start) == end
