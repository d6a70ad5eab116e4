"""Small builders shared by the scoring tests."""

from datetime import date, timedelta

from creation.models import RoleAssignment
from creation.tests.factories import RoleAssignmentFactory
from reporting.models import Obligation, Submission
from reporting.rules import due_moment
from reporting.tests.factories import ObligationFactory, SubmissionFactory


def report(unit, due_on: date, *, late: bool = False, kind: str = Obligation.Type.WORK_UPDATE):
    """An accepted R5.2 report due on `due_on`, first submitted a day early or a day late."""
    due = due_moment(due_on)
    obligation = ObligationFactory(
        unit=unit, type=kind, due_at=due, period_start=due_on - timedelta(days=40)
    )
    first = due + timedelta(days=1) if late else due - timedelta(days=1)
    SubmissionFactory(
        obligation=obligation,
        status=Submission.Status.ACCEPTED,
        first_submitted_at=first,
        submitted_at=first,
        is_late=late,
    )
    return obligation


def staff_of(unit):
    return RoleAssignmentFactory(role=RoleAssignment.Role.UNIT_STAFF, unit=unit).user


def office_of(programme):
    return RoleAssignmentFactory(role=RoleAssignment.Role.OFFICE_REVIEWER, programme=programme).user
