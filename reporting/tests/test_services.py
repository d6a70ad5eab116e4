"""The reporting workflow and reminders, against the database."""

import threading
from datetime import date, datetime, timedelta
from smtplib import SMTPException
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

from creation.models import CreationUnit, RoleAssignment
from creation.tests.factories import (
    BatchFactory,
    CityFactory,
    CreationUnitFactory,
    LiaisonFactory,
    RoleAssignmentFactory,
    UserFactory,
)
from portal.models import Notification
from reporting import services
from reporting.models import Obligation, Reminder, ReportingSettings, Submission
from reporting.rules import due_moment
from reporting.selectors import figures_by, obligation_figures, r5_2_all_on_time
from reporting.tests.factories import ObligationFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DUE = due_moment(date(2026, 2, 5))


@pytest.fixture
def unit():
    return CreationUnitFactory(
        start_date=date(2025, 7, 1),
        batch=BatchFactory(cycle_start=date(2025, 7, 1), cycle_end=date(2027, 6, 30)),
    )


@pytest.fixture
def staff(unit):
    return RoleAssignmentFactory(
        role=RoleAssignment.Role.UNIT_STAFF, unit=unit, user__email="staff@example.cn"
    ).user


@pytest.fixture
def office(unit):
    return RoleAssignmentFactory(
        role=RoleAssignment.Role.OFFICE_REVIEWER, programme=unit.batch.programme
    ).user


@pytest.fixture
def obligation(unit):
    return ObligationFactory(unit=unit, due_at=DUE)


def _write(staff, obligation, **fields):
    return services.submission_save(
        user=staff,
        obligation=obligation,
        fields={"title": "一月工作动态", "body": "开展活动12场", **fields},
    )


# --- calendar sync -------------------------------------------------------------------------------


def test_R5_2_sync_stores_the_zone_schedule_once(unit):
    first = services.obligations_sync(unit=unit)
    again = services.obligations_sync(unit=unit)
    assert first.created == 40
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert Obligation.objects.filter(unit=unit).count() == 40


def test_R5_2_sync_follows_changed_programme_settings(unit):
    services.obligations_sync(unit=unit)
    ReportingSettings.objects.create(programme=unit.batch.programme, monthly_due_day=8)
    unit.batch.programme.refresh_from_db()
    result = services.obligations_sync(unit=CreationUnit.objects.get(pk=unit.pk))
    assert result.updated == 24
    first = Obligation.objects.filter(unit=unit, type="work_update").order_by("due_at").first()
    assert first.due_at == due_moment(date(2025, 8, 8))


def test_R5_2_sync_keeps_obligations_that_have_reports(unit, staff):
    services.obligations_sync(unit=unit)
    kept = Obligation.objects.filter(unit=unit, type="work_update").order_by("due_at").first()
    _write(staff, kept)
    # C2: the calendar follows the unit's own cycle; a later start drops its first months
    CreationUnit.objects.filter(pk=unit.pk).update(start_date=date(2026, 1, 1))
    result = services.obligations_sync(unit=CreationUnit.objects.get(pk=unit.pk))
    assert result.removed > 0
    assert Obligation.objects.filter(pk=kept.pk).exists()


def test_C1_R5_sync_keeps_the_due_moment_of_a_submitted_item(unit, staff):
    services.obligations_sync(unit=unit)
    updates = Obligation.objects.filter(unit=unit, type="work_update").order_by("due_at")
    sent, drafted = updates[0], updates[1]
    # sent on day 4 of the month, in time for the day-5 deadline
    services.submission_submit(
        user=staff, submission=_write(staff, sent), now=sent.due_at - timedelta(days=1)
    )
    _write(staff, drafted)  # started, never sent
    ReportingSettings.objects.create(programme=unit.batch.programme, monthly_due_day=3)
    unit.batch.programme.refresh_from_db()
    result = services.obligations_sync(unit=CreationUnit.objects.get(pk=unit.pk))
    assert result.updated == 23  # every monthly update but the one already sent
    stored = Obligation.objects.get(pk=sent.pk)
    assert stored.due_at == due_moment(date(2025, 8, 5))
    assert Obligation.objects.get(pk=drafted.pk).due_at == due_moment(date(2025, 9, 3))
    # the stored flag and the on-time figure still agree
    submission = Submission.objects.get(obligation=sent)
    assert (submission.is_late, submission.on_time) == (False, True)


# --- the workflow ---------------------------------------------------------------------------------


def test_R5_2_submitted_at_the_last_second_is_on_time(staff, office, obligation):
    submission = _write(staff, obligation)
    services.submission_submit(
        user=staff, submission=submission, now=datetime(2026, 2, 5, 23, 59, 59, tzinfo=SH)
    )
    services.submission_accept(reviewer=office, submission=submission)
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.status, stored.is_late, stored.on_time) == ("accepted", False, True)


def test_R5_2_submitted_one_second_after_the_day_is_late(staff, office, obligation):
    submission = _write(staff, obligation)
    services.submission_submit(
        user=staff, submission=submission, now=datetime(2026, 2, 6, 0, 0, 1, tzinfo=SH)
    )
    services.submission_accept(reviewer=office, submission=submission)
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.is_late, stored.on_time) == (True, False)


def test_R5_2_returned_then_resubmitted_after_the_deadline_is_on_time_once_accepted(
    staff, office, obligation
):
    submission = _write(staff, obligation)
    services.submission_submit(user=staff, submission=submission, now=DUE - timedelta(days=1))
    services.submission_return(
        reviewer=office, submission=submission, comment="请补充活动照片", now=DUE
    )
    assert Submission.objects.get(pk=submission.pk).on_time is False  # not accepted yet
    _write(staff, obligation, body="开展活动12场，附照片")
    services.submission_submit(user=staff, submission=submission, now=DUE + timedelta(days=3))
    services.submission_accept(reviewer=office, submission=submission)
    stored = Submission.objects.get(pk=submission.pk)
    assert stored.first_submitted_at == DUE - timedelta(days=1)
    assert stored.submitted_at == DUE + timedelta(days=3)
    assert stored.on_time is True
    assert list(stored.events.values_list("action", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]


def test_C1_R5_on_time_figures_and_filters_do_not_wait_for_the_review(staff, office, obligation):
    from reporting.api.filters import ObligationFilter, SubmissionFilter

    submission = _write(staff, obligation)
    services.submission_submit(user=staff, submission=submission, now=DUE - timedelta(days=1))
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.status, stored.on_time) == ("submitted", True)
    obligations = Obligation.objects.filter(pk=obligation.pk)
    figures = obligation_figures(obligations, now=DUE + timedelta(days=1))
    assert (figures.submitted, figures.on_time, figures.late, figures.missing) == (1, 1, 0, 0)
    assert list(ObligationFilter({"on_time": True}, queryset=obligations).qs) == [obligation]
    assert list(SubmissionFilter({"on_time": True}, queryset=Submission.objects.all()).qs) == [
        stored
    ]
    # returned and not sent again: not submitted, so missing and not on time
    services.submission_return(reviewer=office, submission=submission, comment="补充", now=DUE)
    figures = obligation_figures(obligations, now=DUE + timedelta(days=1))
    assert (figures.submitted, figures.on_time, figures.late, figures.missing) == (0, 0, 0, 1)
    assert list(ObligationFilter({"on_time": False}, queryset=obligations).qs) == [obligation]
    assert Submission.objects.get(pk=submission.pk).on_time is False


def test_R5_2_first_submitted_late_stays_late_after_a_return(staff, office, obligation):
    submission = _write(staff, obligation)
    services.submission_submit(user=staff, submission=submission, now=DUE + timedelta(hours=1))
    services.submission_return(reviewer=office, submission=submission, comment="补充")
    services.submission_submit(user=staff, submission=submission, now=DUE + timedelta(days=1))
    services.submission_accept(reviewer=office, submission=submission)
    assert Submission.objects.get(pk=submission.pk).on_time is False


def test_R5_2_submitted_report_cannot_be_edited_but_can_be_withdrawn_until_reviewed(
    staff, office, obligation
):
    submission = _write(staff, obligation)
    services.submission_submit(user=staff, submission=submission)
    with pytest.raises(ValidationError):
        _write(staff, obligation, body="改动")
    services.submission_withdraw(user=staff, submission=submission)
    assert _write(staff, obligation, body="改动").body == "改动"
    services.submission_submit(user=staff, submission=submission)
    services.submission_accept(reviewer=office, submission=submission)
    with pytest.raises(ValidationError):
        services.submission_withdraw(user=staff, submission=submission)


def test_R5_2_in_depth_report_needs_its_three_sections(staff, unit):
    obligation = ObligationFactory(unit=unit, type="in_depth_report", due_at=DUE)
    submission = _write(staff, obligation, work_progress="进展", design_research="")
    with pytest.raises(ValidationError) as error:
        services.submission_submit(user=staff, submission=submission)
    assert set(error.value.message_dict) == {"design_research", "phased_results"}


def test_review_is_for_the_programmes_office_and_return_needs_a_comment(staff, office, obligation):
    submission = _write(staff, obligation)
    services.submission_submit(user=staff, submission=submission)
    with pytest.raises(PermissionDenied):
        services.submission_accept(reviewer=staff, submission=submission)
    with pytest.raises(ValidationError):
        services.submission_return(reviewer=office, submission=submission, comment="  ")
    assert Submission.objects.get(pk=submission.pk).status == "submitted"


def test_writing_is_for_the_units_staff(office, obligation):
    with pytest.raises(PermissionDenied):
        _write(office, obligation)


def test_R6_1_r5_2_all_on_time_over_a_scoring_period(staff, office, unit):
    start, end = datetime(2026, 1, 1, tzinfo=SH), datetime(2026, 6, 30, 23, 59, tzinfo=SH)
    on_time = ObligationFactory(unit=unit, due_at=DUE)
    late = ObligationFactory(
        unit=unit, period_start=date(2026, 2, 1), due_at=due_moment(date(2026, 3, 5))
    )
    for obligation, when in ((on_time, DUE), (late, due_moment(date(2026, 3, 6)))):
        submission = _write(staff, obligation)
        services.submission_submit(user=staff, submission=submission, now=when)
        services.submission_accept(reviewer=office, submission=submission)
    assert r5_2_all_on_time(unit=unit, start=start, end=datetime(2026, 2, 28, tzinfo=SH))
    assert not r5_2_all_on_time(unit=unit, start=start, end=end)
    figures = obligation_figures(Obligation.objects.filter(unit=unit), now=end)
    assert (
        figures.expected,
        figures.submitted,
        figures.on_time,
        figures.late,
        figures.missing,
    ) == (2, 2, 1, 1, 0)


# --- reminders ------------------------------------------------------------------------------------


def test_R5_1_reminders_reach_the_units_staff_and_the_liaisons_account(staff, obligation, unit):
    liaison_user = UserFactory(email="liaison@example.cn")
    LiaisonFactory(unit=unit, user=liaison_user)
    sent = services.reminder_sweep(now=DUE - timedelta(days=7))
    assert sent == 1
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {
        staff.pk,
        liaison_user.pk,
    }
    assert sorted(mail.outbox[0].to) == ["liaison@example.cn", "staff@example.cn"]
    assert Reminder.objects.get().kind == "before-7"


def test_a_reports_reminders_stop_being_new_once_it_is_submitted(staff, obligation, unit):
    services.reminder_sweep(now=obligation.due_at - timedelta(days=7))
    other = Notification.objects.create(recipient=staff, title="其他", key="reminder-999999-x")
    assert Notification.objects.unread().filter(recipient=staff).count() == 2
    submission = services.submission_save(
        user=staff, obligation=obligation, fields={"title": "动态", "body": "正文"}
    )
    services.submission_submit(user=staff, submission=submission)
    assert list(Notification.objects.unread().filter(recipient=staff)) == [other]


def test_reminders_go_only_to_units_that_have_not_submitted(staff, unit):
    submitted = ObligationFactory(unit=unit, due_at=DUE)
    pending = ObligationFactory(unit=unit, period_start=date(2026, 2, 1), due_at=DUE)
    services.submission_submit(user=staff, submission=_write(staff, submitted))
    services.reminder_sweep(now=DUE - timedelta(days=1))
    assert list(Reminder.objects.values_list("obligation_id", "kind")) == [(pending.pk, "before-1")]


def test_reminders_skip_units_that_are_not_creating(staff, unit, obligation):
    CreationUnit.objects.filter(pk=unit.pk).update(status=CreationUnit.Status.WITHDRAWN)
    assert services.reminder_sweep(now=DUE - timedelta(days=1)) == 0


def test_reminder_sweep_twice_sends_once(staff, obligation):
    now = DUE + timedelta(days=1)
    assert services.reminder_sweep(now=now) == 1
    assert services.reminder_sweep(now=now) == 0
    assert Notification.objects.filter(recipient=staff).count() == 1
    assert len(mail.outbox) == 1


def test_escalation_to_the_provincial_culture_reviewer_after_seven_days(staff, obligation, unit):
    culture = RoleAssignmentFactory(
        role=RoleAssignment.Role.PROVINCIAL_REVIEWER,
        province=unit.region.province,
        department="culture",
    ).user
    finance = RoleAssignmentFactory(
        role=RoleAssignment.Role.PROVINCIAL_REVIEWER,
        province=unit.region.province,
        department="finance",
    ).user
    services.reminder_sweep(now=DUE + timedelta(days=6))
    assert not Notification.objects.filter(recipient=culture).exists()
    services.reminder_sweep(now=DUE + timedelta(days=8))
    assert set(Reminder.objects.values_list("kind", flat=True)) == {
        "after-1",
        "after-8",
        "escalation",
    }
    assert Notification.objects.filter(recipient=culture).count() == 1
    assert not Notification.objects.filter(recipient=finance).exists()


def test_reminder_settings_are_per_programme(staff, obligation, unit):
    ReportingSettings.objects.create(programme=unit.batch.programme, reminder_days_before=[3])
    assert services.reminder_sweep(now=DUE - timedelta(days=5)) == 0
    assert services.reminder_sweep(now=DUE - timedelta(days=3)) == 1
    assert Reminder.objects.get().kind == "before-3"


def test_R5_1_reminders_of_many_units_go_out_in_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    _units_due(40)
    with django_assert_max_num_queries(20):
        assert services.reminder_sweep(now=DUE + timedelta(days=8)) == 80
    assert Reminder.objects.filter(kind="escalation").count() == 40
    assert Notification.objects.count() == 40  # no culture reviewer in these provinces
    assert len(mail.outbox) == 40


def test_R5_1_reminder_mail_failure_keeps_what_went_out_and_the_next_sweep_mails_the_rest(
    staff, unit, monkeypatch
):
    for month in (1, 2, 3):
        ObligationFactory(
            unit=unit,
            period_start=date(2026, month, 1),
            period_label=f"2026-0{month}",
            due_at=DUE,
        )
    deliver = EmailBackend.send_messages
    attempts = []

    def second_fails(backend, messages):
        attempts.append(messages)
        if len(attempts) == 2:
            raise SMTPException("connection lost")
        return deliver(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", second_fails)
    with pytest.raises(SMTPException):
        services.reminder_sweep(now=DUE + timedelta(days=1))
    assert Reminder.objects.count() == 3
    assert Reminder.objects.filter(emailed_at__isnull=False).count() == 1
    assert len(mail.outbox) == 1
    # The next sweep sends no reminder again and mails the two that were not mailed, once.
    assert services.reminder_sweep(now=DUE + timedelta(days=1)) == 0
    assert services.reminder_sweep(now=DUE + timedelta(days=1)) == 0
    assert Reminder.objects.filter(emailed_at__isnull=True).count() == 0
    assert len(mail.outbox) == 3
    assert len({message.subject + message.body for message in mail.outbox}) == 3
    assert Notification.objects.filter(recipient=staff).count() == 3


def _units_due(count: int) -> list[Obligation]:
    batch = BatchFactory()
    obligations = []
    for number in range(count):
        unit = CreationUnitFactory(batch=batch, region=CityFactory())
        RoleAssignmentFactory(
            role=RoleAssignment.Role.UNIT_STAFF, unit=unit, user__email=f"staff{number}@example.cn"
        )
        obligations.append(ObligationFactory(unit=unit, due_at=DUE))
    return obligations


def _at_the_same_time(*calls) -> list:
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except Exception as error:  # asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_R5_1_reminders_exactly_once_under_two_concurrent_sweeps():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sweeps need row locks; CI runs this on PostgreSQL")
    _units_due(30)
    now = DUE + timedelta(days=1)
    results = _at_the_same_time(
        lambda: services.reminder_sweep(now=now), lambda: services.reminder_sweep(now=now)
    )
    assert sum(results) == 30
    assert Reminder.objects.count() == 30
    assert Notification.objects.count() == 30
    assert len(mail.outbox) == 30


@pytest.mark.django_db(transaction=True)
def test_R5_1_reminders_exactly_once_when_a_sweep_races_single_sends():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sends need row locks; CI runs this on PostgreSQL")
    obligations = _units_due(30)
    now = DUE + timedelta(days=1)

    def send_each() -> int:
        sent = [
            services.reminder_send(obligation_id=obligation.pk, kind="after-1", now=now)
            for obligation in reversed(obligations)
        ]
        return sum(reminder is not None for reminder in sent)

    results = _at_the_same_time(lambda: services.reminder_sweep(now=now), send_each)
    assert sum(results) == 30
    assert Reminder.objects.count() == 30
    assert Notification.objects.count() == 30
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        f"staff{number}@example.cn" for number in range(30)
    )


def test_figures_per_province_and_programme(staff, office, unit):
    other_province_unit = CreationUnitFactory(batch=unit.batch, region=CityFactory())
    done = ObligationFactory(unit=unit, due_at=DUE)
    ObligationFactory(unit=unit, period_start=date(2026, 2, 1), due_at=DUE)  # missing
    ObligationFactory(unit=other_province_unit, due_at=DUE)  # missing
    submission = _write(staff, done)
    services.submission_submit(user=staff, submission=submission, now=DUE - timedelta(days=1))
    services.submission_accept(reviewer=office, submission=submission)
    now = DUE + timedelta(days=1)
    by_province = {
        row["key"]: row for row in figures_by(Obligation.objects.all(), group="province", now=now)
    }
    own = by_province[unit.region.province_id]
    assert (own["expected"], own["on_time"], own["missing"], own["on_time_rate"]) == (2, 1, 1, 0.5)
    assert by_province[other_province_unit.region.province_id]["on_time_rate"] == 0.0
    [programme] = figures_by(Obligation.objects.all(), group="programme", now=now)
    assert (programme["expected"], programme["on_time"], programme["on_time_rate"]) == (3, 1, 0.333)
