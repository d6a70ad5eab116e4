"""The demo holds supervision in every state (R4)."""

import pytest
from django.utils import timezone

from inspections.models import FeedbackLetter, Inspection, Rectification, SelfInspection
from inspections.rules import is_overdue

pytestmark = pytest.mark.django_db


def test_demo_has_inspections_rectification_letters_and_a_self_inspection(demo_data):
    assert set(Inspection.objects.values_list("status", flat=True)) == {
        "planned",
        "in_progress",
        "completed",
        "feedback_sent",
    }
    statuses = set(Rectification.objects.values_list("status", flat=True))
    assert {"open", "in_progress", "submitted", "reopened", "verified"} <= statuses
    today = timezone.localdate()
    assert any(
        is_overdue(status=r.status, deadline=r.deadline, today=today)
        for r in Rectification.objects.all()
    )
    letter = FeedbackLetter.objects.get()
    assert letter.local_government == "长沙市开福区人民政府"
    assert letter.provincial_government == "湖南省人民政府"
    self_inspection = SelfInspection.objects.select_related("obligation__submission").get()
    assert self_inspection.obligation.submission.status == "submitted"
