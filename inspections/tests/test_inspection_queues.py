"""The supervision part of the work queues (R4.1): a unit's staff owe the items still open,
in progress or reopened, nearest deadline first; the office of the unit's programme checks the
submitted ones and sends the letters of completed inspections; no one else's programme."""

from datetime import UTC, date, datetime, timedelta

from creation.models import RoleAssignment
from creation.tests.factories import CreationUnitFactory, RoleAssignmentFactory
from inspections.models import Inspection, RectificationEvent
from inspections.selectors import (
    letters_to_send,
    rectification_check_queue,
    unit_rectifications_open,
)
from inspections.tests.factories import (
    FeedbackLetterFactory,
    InspectionFactory,
    RectificationFactory,
)

Role = RoleAssignment.Role


def test_R4_1_unit_staff_owe_their_own_pending_items_nearest_deadline_first(db):
    own, other = CreationUnitFactory(), CreationUnitFactory()
    staff = RoleAssignmentFactory(role=Role.UNIT_STAFF, unit=own).user
    later = RectificationFactory(finding__inspection__unit=own, deadline=date(2026, 9, 1))
    sooner = RectificationFactory(
        finding__inspection__unit=own, deadline=date(2026, 8, 1), status="reopened"
    )
    RectificationFactory(finding__inspection__unit=own, status="submitted")
    RectificationFactory(finding__inspection__unit=own, status="verified")
    RectificationFactory(finding__inspection__unit=other)

    assert list(unit_rectifications_open(user=staff)) == [sooner, later]


def test_R4_1_the_office_checks_and_writes_to_its_own_programmes_units_only(db):
    own, other = CreationUnitFactory(), CreationUnitFactory()
    office = RoleAssignmentFactory(role=Role.OFFICE_REVIEWER, programme=own.batch.programme).user
    submitted = RectificationFactory(finding__inspection__unit=own, status="submitted")
    still_open = RectificationFactory(finding__inspection__unit=own, status="open")
    RectificationFactory(finding__inspection__unit=other, status="submitted")
    completed = InspectionFactory(
        unit=own, status=Inspection.Status.COMPLETED, held_end=date(2026, 5, 13)
    )
    FeedbackLetterFactory(inspection__unit=own)  # its letter is sent
    InspectionFactory(unit=own, status=Inspection.Status.IN_PROGRESS)
    InspectionFactory(unit=other, status=Inspection.Status.COMPLETED)

    assert list(rectification_check_queue(user=office)) == [submitted]
    # the inspections of the two findings are completed too, their letters not sent
    assert set(letters_to_send(user=office)) == {
        completed,
        submitted.finding.inspection,
        still_open.finding.inspection,
    }


def test_R4_1_the_office_checks_the_items_waiting_longest_since_their_last_submission(db):
    unit = CreationUnitFactory()
    office = RoleAssignmentFactory(role=Role.OFFICE_REVIEWER, programme=unit.batch.programme).user
    moment = datetime(2026, 8, 1, 9, tzinfo=UTC)
    resubmitted = RectificationFactory(finding__inspection__unit=unit, status="submitted")
    once = RectificationFactory(finding__inspection__unit=unit, status="submitted")
    history = [
        (resubmitted, "open", "submitted", moment),
        (resubmitted, "submitted", "reopened", moment + timedelta(days=1)),
        (once, "open", "submitted", moment + timedelta(days=2)),
        (resubmitted, "reopened", "submitted", moment + timedelta(days=3)),
    ]
    for item, before, after, at in history:
        RectificationEvent.objects.create(
            rectification=item, from_status=before, to_status=after, at=at
        )

    queue = list(rectification_check_queue(user=office))
    assert queue == [once, resubmitted]
    assert [item.submitted_at for item in queue] == [
        moment + timedelta(days=2),
        moment + timedelta(days=3),
    ]
