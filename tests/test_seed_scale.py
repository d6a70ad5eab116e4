"""`manage.py seed_scale`: the generated national programme has the shape of real
use, is reproducible from its seed, passes the models' own validation and works with the
app's selectors and API."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from creation.models import CreationUnit, Programme
from devtools.scale import ScaleParams, scale_programmes
from funds.selectors import fund_facts
from reporting.models import Obligation, Submission, SubmissionEvent
from reporting.rules import SHANGHAI
from scoring.models import AdoptionClaim, PeriodScore, ScoringPeriod, ScoringSettings
from scoring.selectors import score_units

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 15)
ARGS = ["--units", "30", "--years", "2", "--seed", "7", "--today", TODAY.isoformat()]
CODE = ScaleParams(units=30, years=2, seed=7).programme_code

GENERATED = [
    "creation.Region", "creation.Programme", "creation.Batch", "creation.CreationUnit",
    "creation.RoleAssignment", "creation.LeadershipGroup", "creation.GroupMember",
    "creation.GroupOffice", "creation.OfficeStaff", "creation.Meeting", "creation.Liaison",
    "creation.LiaisonMeeting", "creation.LiaisonAttendance", "inspections.Inspection",
    "inspections.TeamMember", "inspections.ChecklistItem", "inspections.Finding", "inspections.Rectification",
    "inspections.RectificationEvent", "inspections.FeedbackLetter", "inspections.SelfInspection",
    "inspections.SelfInspectionItem", "reporting.ReportingSettings", "reporting.Obligation",
    "reporting.Submission", "reporting.SubmissionEvent", "funds.CentralAllocation",
    "funds.LocalFunding", "funds.FundPlan", "funds.FundPlanVersion", "funds.PlanDecision",
    "funds.BudgetLine", "funds.Expenditure", "scoring.CreationStandard", "scoring.Indicator",
    "scoring.AdoptionClaim", "scoring.ScoringPeriod", "scoring.PeriodScore", "scoring.PeriodEvent",
    "scoring.Bulletin",
]  # fmt: skip


def seed(*extra: str) -> str:
    out = StringIO()
    call_command("seed_scale", *ARGS, *extra, stdout=out)
    return out.getvalue()


def checksum() -> str:
    """Key fields of the generated data, by natural keys (never ids or creation clocks)."""
    parts = [
        list(CreationUnit.objects.order_by("batch__number", "name").values_list(
            "name", "kind", "level", "status", "start_date", "region__code")),
        list(Obligation.objects.order_by("unit__name", "type", "period_start").values_list(
            "unit__name", "type", "period_start", "due_at")),
        list(Submission.objects.order_by("obligation__unit__name", "obligation__type",
                                         "obligation__period_start").values_list(
            "obligation__unit__name", "status", "first_submitted_at", "is_late", "reviewed_at")),
        list(SubmissionEvent.objects.order_by("submission__obligation__unit__name", "at",
                                              "action").values_list("action", "at")),
        list(AdoptionClaim.objects.order_by("unit__name", "title").values_list(
            "title", "outlet__name", "status", "tier", "published_on")),
        list(PeriodScore.objects.order_by("period__start", "period__kind", "unit__name")
             .values_list("unit__name", "total", "rank")),
        sorted(apps.get_model("funds", "Expenditure").objects.values_list(
            "line__version__plan__title", "spent_on", "amount")),
        sorted(apps.get_model("inspections", "Rectification").objects.values_list(
            "finding__inspection__unit__name", "deadline", "status")),
    ]  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@pytest.fixture
def seeded():
    seed()
    return Programme.objects.get(name__contains=CODE)


def test_seed_scale_populates_every_table(seeded):
    for label in GENERATED:
        assert apps.get_model(label).objects.exists(), label
    units = CreationUnit.objects.filter(batch__programme=seeded)
    assert units.count() == 30
    kinds = dict(units.values_list("kind").annotate(n=Count("pk")))
    assert kinds["zone"] > kinds["project"] > 0  # about 80/20
    assert set(units.filter(kind="zone").values_list("level", flat=True)) <= {
        "city",
        "district",
        "street",
    }
    # Users are costly: one office reviewer, two reviewers a province, a handful of unit staff.
    users = User.objects.filter(username__startswith="scale_")
    assert users.filter(role_assignments__role="unit_staff").count() == 5
    assert users.filter(role_assignments__role="office_reviewer").count() == 1
    assert users.count() < 20


def test_the_units_loaded_have_their_figures_stored_as_computed(seeded):
    """A measurement on the loaded data times the portal in use, not the first computation of
    every unit's stored figures."""
    from dashboard.models import UnitFigures
    from dashboard.services import unit_figures_differences

    units = CreationUnit.objects.filter(batch__programme=seeded)
    assert UnitFigures.objects.filter(unit__in=units).count() == units.count() == 30
    assert unit_figures_differences() == []


def test_R5_2_obligations_are_the_apps_calendar(seeded):
    from reporting.services import obligations_sync

    unit = CreationUnit.objects.filter(batch__programme=seeded).first()
    before = set(Obligation.objects.filter(unit=unit).values_list("type", "period_start", "due_at"))
    result = obligations_sync(unit=unit)  # the app finds nothing to add, change or remove
    assert (result.created, result.updated, result.removed) == (0, 0, 0)
    assert before == set(
        Obligation.objects.filter(unit=unit).values_list("type", "period_start", "due_at")
    )


def test_R5_2_submissions_mostly_on_time_some_late_missing_returned(seeded):
    from datetime import datetime, time

    now = datetime.combine(TODAY, time(12), tzinfo=SHANGHAI)
    due = Obligation.objects.filter(unit__batch__programme=seeded, due_at__lt=now)
    sent = Submission.objects.filter(obligation__in=due).exclude(status="draft")
    on_time, late = sent.filter(is_late=False).count(), sent.filter(is_late=True).count()
    missing = due.filter(Q(submission__isnull=True) | Q(submission__status="draft")).count()
    assert on_time > 3 * late > 0
    assert missing > 0
    assert on_time > missing
    returned = SubmissionEvent.objects.filter(action="returned").values("submission")
    assert returned.exists()
    resubmitted = (
        SubmissionEvent.objects.filter(submission__in=returned, action="submitted")
        .values("submission")
        .annotate(n=Count("pk"))
        .filter(n=2)
    )
    assert resubmitted.exists()
    assert set(sent.values_list("status", flat=True)) >= {"accepted"}


def test_R6_2_claims_in_every_tier_and_state(seeded):
    claims = AdoptionClaim.objects.filter(unit__batch__programme=seeded).select_related(
        "outlet", "unit"
    )
    assert {c.outlet.tier_for(c.unit.level) for c in claims} == {1, 2, 3, 4, 5}
    assert set(claims.values_list("status", flat=True)) >= {"claimed", "verified", "rejected"}
    assert all(c.tier == c.outlet.tier_for(c.unit.level) for c in claims if c.status == "verified")
    periods = ScoringPeriod.objects.filter(programme=seeded)
    assert periods.filter(status="closed").exists()
    assert periods.filter(status="open").exists()
    assert PeriodScore.objects.filter(period__status="closed").exists()


def test_R3_2_plans_spending_inside_and_outside(seeded):
    versions = apps.get_model("funds", "FundPlanVersion").objects.filter(
        plan__unit__batch__programme=seeded
    )
    assert set(versions.values_list("status", flat=True)) >= {"filed", "returned"}
    assert versions.exclude(status__in=["filed", "returned"]).exists()  # drafts / in review
    units = CreationUnit.objects.filter(batch__programme=seeded)
    outside = [fund_facts(unit=u).spending_outside_plan for u in units]
    assert sum(1 for n in outside if n) >= 1
    assert sum(1 for n in outside if not n) > len(outside) // 2


def test_R4_1_inspections_with_findings_and_rectifications(seeded):
    Rect = apps.get_model("inspections", "Rectification")
    rects = Rect.objects.filter(finding__inspection__unit__batch__programme=seeded)
    assert rects.exists()
    statuses = set(rects.values_list("status", flat=True))
    assert {"open", "verified"} <= statuses
    assert rects.filter(status="open", deadline__lt=TODAY).exists()  # overdue
    inspections = apps.get_model("inspections", "Inspection").objects.filter(
        unit__batch__programme=seeded
    )
    assert inspections.filter(status="feedback_sent").exists()


def test_generated_rows_pass_model_validation(seeded):
    for label in GENERATED:
        model = apps.get_model(label)
        for obj in model.objects.order_by("pk")[:3]:
            obj.full_clean()


def test_selectors_and_status_api_work_on_generated_data(seeded, client):
    office = User.objects.get(username__endswith="_office", username__startswith="scale_")
    client.force_login(office)
    response = client.get("/api/v1/status/")
    assert response.status_code == 200
    assert response.json()["count"] == 30
    units = list(CreationUnit.objects.filter(batch__programme=seeded, kind="zone"))
    scores = score_units(
        units=units,
        start=TODAY - timedelta(days=180),
        end=TODAY,
        settings=ScoringSettings.for_programme(seeded.pk),
    )
    assert scores
    assert {s.unit_id for s in scores} <= {u.pk for u in units}


def test_same_seed_same_data_and_reset():
    seed()
    first = checksum()
    seed("--reset")
    assert checksum() == first
    assert scale_programmes().count() == 1


def test_if_absent_skips_and_a_second_run_refuses():
    seed()
    units = CreationUnit.objects.count()
    assert "nothing to do" in seed("--if-absent")
    assert CreationUnit.objects.count() == units
    with pytest.raises(CommandError, match="already"):
        seed()
    with pytest.raises(CommandError, match="already holds scale data"):
        call_command("seed_scale", "--units", "5", "--years", "1", stdout=StringIO())
