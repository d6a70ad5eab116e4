"""The stored figures of the units (dashboard.models.UnitFigures) follow every write that
changes them: the services of each subject are driven on the demo data, their writes committed,
and `figures_check` then finds no stored row that differs from the figures computed now."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from creation.models import CreationUnit, Liaison
from creation.services import liaison_appoint, liaison_term_end
from dashboard.models import RankGroupChange, UnitFigures, UnitMonth
from dashboard.services import unit_figures_refresh, unit_figures_refresh_due
from funds.models import BudgetLine, FundPlanVersion
from funds.services import expenditure_record
from funds.tests.factories import voucher_pdf
from inspections.models import Rectification
from inspections.services import rectification_reopen, rectification_verify
from portal.cache import generation_key, stored_generation
from portal.models import Notification
from portal.services import heartbeat_record, notification_send
from reporting.models import Obligation, Submission
from reporting.services import (
    submission_accept,
    submission_return,
    submission_save,
    submission_submit,
)
from scoring.models import AdoptionClaim, PublicityStanding
from scoring.services import claim_reject, claim_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(demo_data):
    return get_user_model().objects.get(username="admin")


@pytest.fixture
def stored(demo_data):
    """Every unit's row stored, as after the migration's `figures_refresh`."""
    unit_figures_refresh(None)
    return {row.unit_id: row.computed_at for row in UnitFigures.objects.all()}


def figures_check() -> str:
    out = StringIO()
    try:
        call_command("figures_check", stdout=out)
    except CommandError as error:
        raise AssertionError(out.getvalue()) from error
    return out.getvalue()


def refreshed_since(stored: dict[int, object]) -> set[int]:
    return {
        row.unit_id
        for row in UnitFigures.objects.all()
        if row.computed_at != stored.get(row.unit_id)
    }


def _stale_row() -> str:
    row = UnitFigures.objects.first()
    UnitFigures.objects.filter(pk=row.pk).update(on_time=row.on_time + 7)
    return f"{row.unit_id}\ton_time\t{row.on_time + 7}\t{row.on_time}"


def _stale_month() -> str:
    month = UnitMonth.objects.filter(expected__gt=0).first()
    UnitMonth.objects.filter(pk=month.pk).update(expected=month.expected + 3)
    return f"{month.unit_id}\tmonths\t"


def _stale_standing() -> str:
    # A zone's standing in a half year other than its current one: what a peer of that half
    # year is ranked over (C2, C4).
    standing = (
        PublicityStanding.objects.exclude(rank_group=F("unit__figures__rank_group"))
        .filter(unit__kind=CreationUnit.Kind.ZONE)
        .first()
    )
    PublicityStanding.objects.filter(pk=standing.pk).update(rank_text="0")
    return f"{standing.unit_id}\tstandings\t"


@pytest.mark.parametrize(
    "make_stale",
    [_stale_row, _stale_month, _stale_standing],
    ids=["row", "month", "standing"],
)
def test_figures_check_finds_a_stale_figure_and_fix_mends_it(stored, make_stale):
    line = make_stale()
    out = StringIO()
    with pytest.raises(CommandError, match="1 differences in 1 units"):
        call_command("figures_check", stdout=out)
    assert line in out.getvalue()
    call_command("figures_check", "--fix", stdout=StringIO())
    assert "0 differences" in figures_check()


def test_unit_figures_follow_the_services_of_every_subject(
    stored, admin, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        # R5: submit, return and accept reports.
        pending = list(Submission.objects.filter(status=Submission.Status.SUBMITTED)[:2])
        assert len(pending) == 2
        returned = submission_return(reviewer=admin, submission=pending[0], comment="Redo")
        submission_accept(reviewer=admin, submission=pending[1])
        submission_submit(user=admin, submission=returned)
    with django_capture_on_commit_callbacks(execute=True):
        # R3.2: spending on a line of a filed plan.
        line = (
            BudgetLine.objects.filter(version__status=FundPlanVersion.Status.FILED)
            .select_related("version__plan__unit")
            .first()
        )
        expenditure_record(
            user=admin,
            line=line,
            spent_on=timezone.localdate(line.version.closed_at),
            amount=Decimal("1.00"),
            payee="Printer",
            description="Leaflets",
            voucher=voucher_pdf(),
        )
    with django_capture_on_commit_callbacks(execute=True):
        # R6.2: an adoption verified.
        office = get_user_model().objects.get(username="office")
        claim = (
            AdoptionClaim.objects.filter(status=AdoptionClaim.Status.CLAIMED)
            .exclude(claimed_by=office)
            .first()
        )
        claim_verify(claim=claim, user=office)
    with django_capture_on_commit_callbacks(execute=True):
        # R2.1, C5: a liaison's term ends, then a new one is appointed.
        liaison = Liaison.objects.filter(ended_on__isnull=True).select_related("unit").first()
        unit = liaison.unit
        liaison_term_end(
            user=admin, liaison=liaison, ended_on=timezone.localdate() - timedelta(days=3)
        )
    assert UnitFigures.objects.get(unit=unit).liaison is None
    with django_capture_on_commit_callbacks(execute=True):
        liaison_appoint(
            user=admin,
            unit=unit,
            started_on=timezone.localdate(),
            name="李雷",
            organisation="市委宣传部",
            position="科长",
            mobile="13800000000",
        )
    assert UnitFigures.objects.get(unit=unit).liaison["name"] == "李雷"
    with django_capture_on_commit_callbacks(execute=True):
        # R4.1: one rectification closed, one sent back.
        submitted = list(Rectification.objects.filter(status=Rectification.Status.SUBMITTED)[:2])
        rectification_verify(user=admin, rectification=submitted[0])
        if len(submitted) > 1:
            rectification_reopen(user=admin, rectification=submitted[1], reason="Not done")
    assert refreshed_since(stored)
    assert "0 differences" in figures_check()
    assert UnitFigures.objects.filter(computed_at__gte=now).exists()


def test_writes_of_no_unit_refresh_no_row(stored, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        heartbeat_record()
        notification_send(recipients=[admin], title="Hello", key="figures-test")
    assert Notification.objects.filter(recipient=admin, key="figures-test").exists()
    assert refreshed_since(stored) == set()


def test_rows_the_clock_has_changed_are_refreshed(stored):
    unit = CreationUnit.objects.first()
    later = timezone.now() + timedelta(days=1)
    UnitFigures.objects.filter(unit=unit).update(next_change_at=timezone.now())
    due = UnitFigures.objects.due(timezone.now()).count()
    assert unit_figures_refresh_due() == due >= 1
    assert UnitFigures.objects.get(unit=unit).next_change_at <= later


def test_C1_a_draft_saved_or_a_report_accepted_computes_no_row_again(
    stored, admin, django_capture_on_commit_callbacks
):
    """The figures read of a report only whether it counts as submitted and when it first was
    (C1), so a draft saved or a report accepted moves none and no row is computed again, nor
    the sums kept of its province's units; the unit's pages still change (its generation), and
    submitting the draft computes its row and its province's sums."""
    obligation = Obligation.objects.filter(
        submission__isnull=True, unit__status=CreationUnit.Status.CREATING
    ).first()
    region = obligation.unit.region
    sums = generation_key(f"units-of-province:{region.province_id or region.pk}")
    unit_generation = stored_generation(generation_key(f"unit:{obligation.unit_id}"))
    sums_generation = stored_generation(sums)
    with django_capture_on_commit_callbacks(execute=True):
        draft = submission_save(
            user=admin,
            obligation=obligation,
            fields={
                "title": "草稿",
                "body": "本月工作",
                "work_progress": "进展",
                "design_research": "研究",
                "phased_results": "成果",
            },
        )
    with django_capture_on_commit_callbacks(execute=True):
        submission_save(user=admin, obligation=obligation, fields={"body": "本月工作（改）"})
    with django_capture_on_commit_callbacks(execute=True):
        pending = Submission.objects.filter(status=Submission.Status.SUBMITTED).first()
        submission_accept(reviewer=admin, submission=pending)
    assert refreshed_since(stored) == set()
    assert stored_generation(generation_key(f"unit:{obligation.unit_id}")) != unit_generation
    assert stored_generation(sums) == sums_generation
    assert "0 differences" in figures_check()
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(user=admin, submission=draft)
    assert refreshed_since(stored) == {obligation.unit_id}
    assert stored_generation(sums) != sums_generation
    assert "0 differences" in figures_check()


def test_R6_2_a_claim_made_or_rejected_computes_no_row_again(
    stored, django_capture_on_commit_callbacks
):
    """The figures read of an adoption claim only whether it is verified, with its tier and
    publication date (R6.2), so a claim made or rejected moves none: no row is computed again
    and no ranking moves (C4); the unit's pages still change (its generation). Verifying a claim
    computes its unit's row and moves its ranking."""
    office = get_user_model().objects.get(username="office")
    waiting = AdoptionClaim.objects.filter(status=AdoptionClaim.Status.CLAIMED).exclude(
        claimed_by=office
    )
    rejected, verified = waiting[0], waiting[1]
    unit_generation = stored_generation(generation_key(f"unit:{rejected.unit_id}"))
    rankings_moved = list(RankGroupChange.objects.values_list("rank_group", "changed_at"))
    with django_capture_on_commit_callbacks(execute=True):
        made = AdoptionClaim.objects.get(pk=verified.pk)
        made.pk, made.title = None, "又一篇稿件"
        made.full_clean()
        made.save()
    with django_capture_on_commit_callbacks(execute=True):
        claim_reject(claim=rejected, user=office, reason="未见刊登")
    assert refreshed_since(stored) == set()
    assert list(RankGroupChange.objects.values_list("rank_group", "changed_at")) == rankings_moved
    assert stored_generation(generation_key(f"unit:{rejected.unit_id}")) != unit_generation
    assert "0 differences" in figures_check()
    with django_capture_on_commit_callbacks(execute=True):
        claim_verify(claim=verified, user=office)
    assert refreshed_since(stored) == {verified.unit_id}
    assert list(RankGroupChange.objects.values_list("rank_group", "changed_at")) != rankings_moved
    assert "0 differences" in figures_check()
