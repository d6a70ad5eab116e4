"""Pure rules of supervision (docs/rules.md §4): how many inspections a unit should get in a year
(R4.1), the life of a rectification item, which deadline reminder is due, and whom a written
feedback letter is addressed to. Plain values in, plain values out; `today` is an argument."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum

# R4.1 defaults: the office sends inspection teams to every unit "once or twice a year". The
# programme's InspectionSettings carry the numbers the office actually uses.
DEFAULT_MIN_PER_YEAR = 1
DEFAULT_MAX_PER_YEAR = 2
# Rectification deadline reminders: days before the deadline, and days after it (overdue).
DEFAULT_REMINDER_DAYS_BEFORE = (7, 1)
DEFAULT_REMINDER_DAYS_AFTER = (1, 7)


class Coverage(StrEnum):
    NONE = "none"  # fewer than the minimum planned
    OK = "ok"
    TOO_MANY = "too_many"


def inspection_coverage(*, count: int, minimum: int, maximum: int) -> Coverage:
    # R4.1: every unit gets at least `minimum` and at most `maximum` inspections a calendar year.
    if count < minimum:
        return Coverage.NONE
    if count > maximum:
        return Coverage.TOO_MANY
    return Coverage.OK


class RectificationStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    REOPENED = "reopened"
    VERIFIED = "verified"


class Actor(StrEnum):
    UNIT = "unit"
    OFFICE = "office"


# Who may move a rectification item from which state to which. Verified is final; a reopened
# item goes back to the unit, which submits it again.
TRANSITIONS: dict[tuple[str, str], Actor] = {
    (RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS): Actor.UNIT,
    (RectificationStatus.OPEN, RectificationStatus.SUBMITTED): Actor.UNIT,
    (RectificationStatus.IN_PROGRESS, RectificationStatus.SUBMITTED): Actor.UNIT,
    (RectificationStatus.REOPENED, RectificationStatus.IN_PROGRESS): Actor.UNIT,
    (RectificationStatus.REOPENED, RectificationStatus.SUBMITTED): Actor.UNIT,
    (RectificationStatus.SUBMITTED, RectificationStatus.VERIFIED): Actor.OFFICE,
    (RectificationStatus.SUBMITTED, RectificationStatus.REOPENED): Actor.OFFICE,
}


def transition_actor(current: str, target: str) -> Actor | None:
    """Who may make the move, or None when the move does not exist."""
    return TRANSITIONS.get((str(current), str(target)))


# States in which the unit still owes work: reminders go out, and past the deadline it is overdue.
PENDING = frozenset(
    {RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS, RectificationStatus.REOPENED}
)


def is_overdue(*, status: str, deadline: date, today: date) -> bool:
    return status in PENDING and today > deadline


def rectification_reminder_due(
    *,
    status: str,
    deadline: date,
    today: date,
    sent: Iterable[str],
    days_before: Sequence[int],
    days_after: Sequence[int],
) -> str | None:
    """The one reminder to send now, or None: the latest due of "before-N" (N days before the
    deadline) and "after-N" (N days overdue) not yet sent. Earlier ones that were missed (the
    sweep did not run) are skipped, so a unit is not flooded."""
    if status not in PENDING:
        return None
    sent = set(sent)
    left = (deadline - today).days
    candidates: list[tuple[int, str]] = []
    for days in days_before:
        if 0 <= left <= days:
            candidates.append((-days, f"before-{days}"))
    for days in days_after:
        if -left >= days:
            candidates.append((days, f"after-{days}"))
    if not candidates:
        return None
    # the latest milestone reached: the fewest days before, or the most days after
    _rank, kind = max(candidates)
    return None if kind in sent else kind


RULE_ID = re.compile(r"^R[1-6]\.[1-9]$")


def valid_rule_id(value: str) -> bool:
    """R1.1 … R6.9: the ids of docs/rules.md's rules, which a finding may cite."""
    return bool(RULE_ID.match(value))


def local_government_name(region_names: Sequence[str]) -> str:
    """The local people's government of a unit, from its region's names top-down below the
    province, e.g. ["长沙市", "开福区"] → 长沙市开福区人民政府."""
    return "".join(region_names) + "人民政府"


def provincial_government_name(province_name: str) -> str:
    return f"{province_name}人民政府"
