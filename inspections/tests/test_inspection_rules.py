"""Pure rules of supervision (R4)."""

from datetime import date

import pytest

from inspections.rules import (
    DEFAULT_MAX_PER_YEAR,
    DEFAULT_MIN_PER_YEAR,
    Actor,
    Coverage,
    RectificationStatus,
    inspection_coverage,
    is_overdue,
    local_government_name,
    provincial_government_name,
    rectification_reminder_due,
    transition_actor,
    valid_rule_id,
)

S = RectificationStatus


@pytest.mark.parametrize(
    ("count", "coverage"),
    [(0, Coverage.NONE), (1, Coverage.OK), (2, Coverage.OK), (3, Coverage.TOO_MANY)],
)
def test_R4_1_coverage_flags_none_and_more_than_two(count, coverage):
    assert (
        inspection_coverage(count=count, minimum=DEFAULT_MIN_PER_YEAR, maximum=DEFAULT_MAX_PER_YEAR)
        == coverage
    )


def test_R4_1_defaults_are_once_or_twice_a_year():
    assert (DEFAULT_MIN_PER_YEAR, DEFAULT_MAX_PER_YEAR) == (1, 2)


def test_R4_1_addressees_are_the_local_and_provincial_governments():
    assert local_government_name(["长沙市", "开福区"]) == "长沙市开福区人民政府"
    assert provincial_government_name("湖南省") == "湖南省人民政府"


@pytest.mark.parametrize(
    ("current", "target", "actor"),
    [
        (S.OPEN, S.SUBMITTED, Actor.UNIT),
        (S.OPEN, S.IN_PROGRESS, Actor.UNIT),
        (S.SUBMITTED, S.VERIFIED, Actor.OFFICE),
        (S.SUBMITTED, S.REOPENED, Actor.OFFICE),
        (S.REOPENED, S.SUBMITTED, Actor.UNIT),
        (S.OPEN, S.VERIFIED, None),
        (S.VERIFIED, S.REOPENED, None),
    ],
)
def test_rectification_transitions_name_who_may_move(current, target, actor):
    assert transition_actor(current, target) == actor


def test_rectification_overdue_only_while_pending():
    assert is_overdue(status=S.OPEN, deadline=date(2026, 7, 1), today=date(2026, 7, 2))
    assert not is_overdue(status=S.SUBMITTED, deadline=date(2026, 7, 1), today=date(2026, 7, 2))
    assert not is_overdue(status=S.OPEN, deadline=date(2026, 7, 1), today=date(2026, 7, 1))


@pytest.mark.parametrize(
    ("today", "sent", "due"),
    [
        (date(2026, 6, 20), set(), None),
        (date(2026, 6, 24), set(), "before-7"),
        (date(2026, 6, 24), {"before-7"}, None),
        (date(2026, 6, 30), {"before-7"}, "before-1"),
        (date(2026, 6, 30), set(), "before-1"),  # a missed earlier one is skipped
        (date(2026, 7, 2), {"before-1"}, "after-1"),
        (date(2026, 7, 9), {"after-1"}, "after-7"),
    ],
)
def test_rectification_reminder_due(today, sent, due):
    assert (
        rectification_reminder_due(
            status=S.OPEN,
            deadline=date(2026, 7, 1),
            today=today,
            sent=sent,
            days_before=(7, 1),
            days_after=(1, 7),
        )
        == due
    )


def test_rectification_reminder_not_for_verified():
    assert (
        rectification_reminder_due(
            status=S.VERIFIED,
            deadline=date(2026, 7, 1),
            today=date(2026, 7, 9),
            sent=set(),
            days_before=(7, 1),
            days_after=(1, 7),
        )
        is None
    )


def test_rule_ids():
    assert valid_rule_id("R4.1")
    assert valid_rule_id("R6.6")
    assert not valid_rule_id("R7.1")
    assert not valid_rule_id("4.1")
