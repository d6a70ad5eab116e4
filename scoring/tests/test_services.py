"""Publicity scoring end to end (R6.1–R6.4), numbers computed by hand in the comments."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from creation.models import CreationUnit, RoleAssignment
from creation.tests.factories import (
    BatchFactory,
    CreationUnitFactory,
    RoleAssignmentFactory,
    UserFactory,
)
from scoring import services
from scoring.models import AdoptionClaim, MediaOutlet, PeriodEvent, ScoringSettings
from scoring.rules import HalfYear
from scoring.selectors import (
    cycle_publicity_points,
    period_scores,
    unit_late_obligations,
    unit_live_score,
    unit_live_scores,
)
from scoring.tests.factories import AdoptionClaimFactory, outlet
from scoring.tests.helpers import office_of, report, staff_of

pytestmark = pytest.mark.django_db

H1 = HalfYear(2026, 1)
AFTER_H1 = datetime(2026, 7, 20, 8, 0, tzinfo=UTC)
AFTER_H2 = datetime(2027, 1, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
def zone():
    unit = CreationUnitFactory(
        batch=BatchFactory(cycle_start=date(2026, 1, 1), cycle_end=date(2027, 12, 31))
    )
    for month in range(2, 7):  # every monthly update due in H1 on time
        report(unit, date(2026, month, 5))
    report(unit, date(2026, 4, 10), kind="in_depth_report")
    return unit


@pytest.fixture
def staff(zone):
    return staff_of(zone)


@pytest.fixture
def office(zone):
    return office_of(zone.batch.programme)


def claim(zone, staff, name, title="长沙打造十五分钟文化圈", *, on=date(2026, 3, 15), **extra):
    return services.claim_create(
        unit=zone,
        user=staff,
        outlet=outlet(name),
        title=title,
        published_on=on,
        link="https://example.org/a",
        now=datetime(2028, 1, 1, tzinfo=UTC),
        **extra,
    )


def verified(zone, staff, office, name, title="长沙打造十五分钟文化圈", **extra):
    return services.claim_verify(claim=claim(zone, staff, name, title, **extra), user=office)


def h1_score(zone, now=AFTER_H1):
    return unit_live_score(unit=zone, start=H1.start, end=H1.end, now=now)


def test_R6_1_R6_2_zone_on_time_with_tiers_1_2_2_5_scores_190(zone, staff, office):
    verified(zone, staff, office, "求是", "一")  # tier 1: 50
    verified(zone, staff, office, "人民日报", "二")  # tier 2: 40
    verified(zone, staff, office, "光明日报", "三")  # tier 2: 40
    verified(zone, staff, office, "国家公共文化网", "四")  # tier 5: 10
    score = h1_score(zone)
    assert (score.base, score.bonus, score.total) == (50, 140, 190)
    assert score.tier_counts == (1, 2, 0, 0, 1)


def test_R6_1_one_late_update_makes_the_base_zero(zone, staff, office):
    verified(zone, staff, office, "求是")
    report(zone, date(2026, 6, 5), late=True, kind="in_depth_report")
    score = h1_score(zone)
    assert (score.base, score.bonus, score.total) == (0, 50, 50)


def test_R6_1_a_missing_update_due_in_the_period_makes_the_base_zero(zone):
    from reporting.rules import due_moment
    from reporting.tests.factories import ObligationFactory

    ObligationFactory(unit=zone, due_at=due_moment(date(2026, 6, 6)), period_start=date(2026, 5, 1))
    assert h1_score(zone).base == 0


def test_R6_2_rejected_and_unverified_claims_count_nothing(zone, staff, office):
    claim(zone, staff, "求是", "待核")
    rejected = claim(zone, staff, "人民日报", "被退回")
    services.claim_reject(claim=rejected, user=office, reason="链接无法打开，未见刊发内容")
    withdrawn = claim(zone, staff, "新华社", "撤回")
    services.claim_withdraw(claim=withdrawn, user=staff)
    assert (h1_score(zone).bonus, h1_score(zone).total) == (0, 50)
    rejected.refresh_from_db()
    assert rejected.status == AdoptionClaim.Status.REJECTED


def test_R6_2_reject_needs_a_reason(zone, staff, office):
    pending = claim(zone, staff, "求是")
    with pytest.raises(ValidationError):
        services.claim_reject(claim=pending, user=office, reason="  ")
    pending.refresh_from_db()
    assert pending.status == AdoptionClaim.Status.CLAIMED


def test_R6_2_a_claim_needs_a_link_or_a_scan(zone, staff):
    with pytest.raises(ValidationError) as error:
        services.claim_create(
            unit=zone,
            user=staff,
            outlet=outlet("求是"),
            title="无证据",
            published_on=date(2026, 3, 1),
            now=AFTER_H1,
        )
    assert "link" in error.value.message_dict
    assert not AdoptionClaim.objects.exists()


def test_R6_3_the_second_half_year_starts_from_zero(zone, staff, office):
    verified(zone, staff, office, "求是")
    h2 = HalfYear(2026, 2)
    score = unit_live_score(unit=zone, start=h2.start, end=h2.end, now=AFTER_H2)
    assert (score.base, score.bonus) == (50, 0)
    verified(zone, staff, office, "人民日报", on=date(2026, 8, 1))
    score = unit_live_score(unit=zone, start=h2.start, end=h2.end, now=AFTER_H2)
    assert (score.base, score.bonus, score.total) == (50, 40, 90)
    assert h1_score(zone).total == 100


def test_R6_4_a_project_has_one_period_over_its_cycle(zone):
    project = CreationUnitFactory(
        batch=zone.batch, kind=CreationUnit.Kind.PROJECT, host_organisation="长沙图书馆"
    )
    staff, office = staff_of(project), office_of(project.batch.programme)
    verified(project, staff, office, "求是", "项目一", on=date(2026, 3, 1))
    verified(project, staff, office, "新华社", "项目二", on=date(2027, 5, 1))
    report(project, date(2027, 4, 10))
    period = services.period_ensure(
        programme=project.batch.programme, kind="project", batch=project.batch
    )
    assert (period.start, period.end) == (date(2026, 1, 1), date(2027, 12, 31))
    [score] = period_scores(period=period, now=datetime(2028, 1, 20, tzinfo=UTC))
    assert (score.unit_id, score.base, score.bonus, score.total) == (project.pk, 50, 90, 140)


def test_R6_2_the_same_article_in_the_same_outlet_counts_once(zone, staff, office):
    first = verified(zone, staff, office, "人民日报", "长沙打造十五分钟文化圈")
    with pytest.raises(ValidationError):
        claim(zone, staff, "人民日报", "《长沙打造 十五分钟文化圈》")  # same article, normalised
    # a duplicate that got in anyway (e.g. claimed before the first one) cannot be verified
    twin = AdoptionClaimFactory(unit=zone, outlet=first.outlet, title="长沙打造十五分钟文化圈！")
    with pytest.raises(ValidationError):
        services.claim_verify(claim=twin, user=office)
    # and the database holds the line too
    twin.status = AdoptionClaim.Status.VERIFIED
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    assert h1_score(zone).bonus == 40


def test_R6_2_the_same_article_in_two_outlets_counts_twice(zone, staff, office):
    verified(zone, staff, office, "人民日报", "长沙打造十五分钟文化圈")
    verified(zone, staff, office, "光明日报", "长沙打造十五分钟文化圈")
    assert h1_score(zone).bonus == 80


def test_R6_2_generic_outlets_name_the_real_one_and_count_per_name(zone, staff, office):
    with pytest.raises(ValidationError) as error:
        claim(zone, staff, "省级媒体")
    assert "outlet_name" in error.value.message_dict
    verified(zone, staff, office, "省级媒体", outlet_name="湖南日报")  # tier 3: 30
    verified(zone, staff, office, "省级媒体", outlet_name="湖南卫视")  # another outlet: 30
    verified(zone, staff, office, "同级媒体", outlet_name="长沙晚报")  # tier 4: 20
    verified(zone, staff, office, "人民政府网站", outlet_name="长沙市人民政府网")  # tier 5: 10
    assert h1_score(zone).bonus == 90


def test_R6_2_tier_points_follow_the_settings_when_the_office_changes_them(zone, staff, office):
    verified(zone, staff, office, "求是", "一")
    verified(zone, staff, office, "人民日报", "二")
    assert h1_score(zone).total == 50 + 50 + 40
    ScoringSettings.objects.create(
        programme=zone.batch.programme, base_points=40, tier1_points=80, tier2_points=45
    )
    assert h1_score(zone).total == 40 + 80 + 45


def test_R6_2_unit_staff_cannot_verify_their_own_claims(zone, staff):
    pending = claim(zone, staff, "求是")
    with pytest.raises(PermissionDenied):
        services.claim_verify(claim=pending, user=staff)
    # not even when they also review for the office of the programme
    RoleAssignmentFactory(
        user=staff, role=RoleAssignment.Role.OFFICE_REVIEWER, programme=zone.batch.programme
    )
    from creation.scope import forget_scope

    forget_scope(staff)
    with pytest.raises(PermissionDenied):
        services.claim_verify(claim=pending, user=staff)
    pending.refresh_from_db()
    assert pending.status == AdoptionClaim.Status.CLAIMED


def test_R6_2_another_programmes_office_cannot_verify(zone, staff):
    pending = claim(zone, staff, "求是")
    stranger = office_of(BatchFactory().programme)
    with pytest.raises(PermissionDenied):
        services.claim_verify(claim=pending, user=stranger)


def test_R6_2_only_the_units_staff_claim(zone, office):
    with pytest.raises(PermissionDenied):
        claim(zone, office, "求是")
    with pytest.raises(PermissionDenied):
        claim(zone, UserFactory(), "求是")


def test_R6_2_the_office_adds_outlets(zone, office, staff):
    added = services.outlet_create(user=office, name="湖南日报", tier=None, level="province")
    assert added.tier_for("city") == 3
    with pytest.raises(PermissionDenied):
        services.outlet_create(user=staff, name="株洲日报", tier=4)
    with pytest.raises(ValidationError):
        services.outlet_create(user=office, name="无层级媒体", tier=None)
    assert not MediaOutlet.objects.filter(name__in=["株洲日报", "无层级媒体"]).exists()


# --- Closing and reopening ----------------------------------------------------------------------


def test_R6_3_closing_freezes_scores_and_locks_claims(zone, staff, office):
    verified(zone, staff, office, "求是", "一")
    late_claim = claim(zone, staff, "人民日报", "二")
    period = services.period_ensure(programme=zone.batch.programme, kind="zone", half_year=H1)
    period = services.period_close(period=period, user=office, now=AFTER_H1)
    [frozen] = period_scores(period=period)
    assert (frozen.base, frozen.bonus, frozen.total, frozen.rank) == (50, 50, 100, 1)

    with pytest.raises(ValidationError):
        services.claim_verify(claim=late_claim, user=office)
    with pytest.raises(ValidationError):
        services.claim_withdraw(claim=late_claim, user=staff)
    with pytest.raises(ValidationError):
        claim(zone, staff, "新华社", "三")
    # Even a claim marked verified behind the workflow's back leaves the frozen score alone.
    AdoptionClaim.objects.filter(pk=late_claim.pk).update(status=AdoptionClaim.Status.VERIFIED)
    [frozen] = period_scores(period=period)
    assert frozen.total == 100
    assert cycle_publicity_points(unit_ids=[zone.pk], now=AFTER_H1)[zone.pk] == 100 + 50


def test_R6_3_reopen_needs_a_reason_and_leaves_an_event(zone, staff, office):
    pending = claim(zone, staff, "人民日报")
    period = services.period_ensure(programme=zone.batch.programme, kind="zone", half_year=H1)
    services.period_close(period=period, user=office, now=AFTER_H1)
    with pytest.raises(ValidationError):
        services.period_reopen(period=period, user=office, reason=" ")
    period.refresh_from_db()
    assert period.is_closed
    period = services.period_reopen(
        period=period, user=office, reason="补核人民日报采用稿件", now=AFTER_H1 + timedelta(days=1)
    )
    event = period.events.get(action=PeriodEvent.Action.REOPENED)
    assert (event.actor, event.reason) == (office, "补核人民日报采用稿件")
    services.claim_verify(claim=pending, user=office)
    period = services.period_close(period=period, user=office, now=AFTER_H1 + timedelta(days=2))
    [frozen] = period_scores(period=period)
    assert frozen.total == 90
    assert list(period.events.values_list("action", flat=True)) == ["closed", "reopened", "closed"]


def test_R6_3_only_the_office_closes_and_publishes(zone, staff, office):
    period = services.period_ensure(programme=zone.batch.programme, kind="zone", half_year=H1)
    with pytest.raises(PermissionDenied):
        services.period_close(period=period, user=staff)
    with pytest.raises(ValidationError):
        services.bulletin_publish(
            period=period, user=office, number="文公共〔2026〕1号", published_on=date(2026, 7, 25)
        )
    period = services.period_close(period=period, user=office, now=AFTER_H1)
    bulletin = services.bulletin_publish(
        period=period, user=office, number="文公共〔2026〕1号", published_on=date(2026, 7, 25)
    )
    assert (bulletin.number, bulletin.published_by) == ("文公共〔2026〕1号", office)
    assert period.events.filter(action="published").count() == 1


def test_R6_3_ranking_per_batch_in_a_closed_period(zone, staff, office):
    sibling = CreationUnitFactory(batch=zone.batch, name="株洲市")
    other_batch = CreationUnitFactory(
        batch=BatchFactory(
            programme=zone.batch.programme,
            cycle_start=date(2025, 1, 1),
            cycle_end=date(2026, 12, 31),
        ),
        name="湘潭市",
    )
    report(sibling, date(2026, 3, 5), late=True)
    verified(zone, staff, office, "求是")
    period = services.period_ensure(programme=zone.batch.programme, kind="zone", half_year=H1)
    period = services.period_close(period=period, user=office, now=AFTER_H1)
    rows = [(s.unit_id, s.total, s.rank) for s in period_scores(period=period)]
    # batches in order (the zone's batch was created first), rank order within each
    assert zone.batch_id < other_batch.batch_id
    assert rows == [(zone.pk, 100, 1), (sibling.pk, 0, 2), (other_batch.pk, 50, 1)]


def test_R6_3_periods_sync_creates_started_periods_once(zone):
    CreationUnitFactory(batch=zone.batch, kind=CreationUnit.Kind.PROJECT, host_organisation="馆")
    assert services.periods_sync(today=date(2026, 8, 1)) == 3  # 2026H1, 2026H2, the project cycle
    assert services.periods_sync(today=date(2026, 8, 1)) == 0


def test_R6_3_scoring_n_units_takes_the_same_queries_for_1_and_20(zone, django_assert_num_queries):
    from scoring.selectors import period_live_scores

    period = services.period_ensure(programme=zone.batch.programme, kind="zone", half_year=H1)
    # units, late obligations, verified adoptions per tier, settings
    with django_assert_num_queries(4):
        assert len(period_live_scores(period=period, now=AFTER_H1)) == 1
    for n in range(20):
        unit = CreationUnitFactory(batch=zone.batch)
        report(unit, date(2026, 3, 5), late=bool(n % 2))
        AdoptionClaimFactory(unit=unit, status=AdoptionClaim.Status.VERIFIED)
    with django_assert_num_queries(4):
        scores = period_live_scores(period=period, now=AFTER_H1)
    assert len(scores) == 21
    # 10 on time with 人民日报 (90), the zone itself 50, 10 late with 人民日报 (40)
    assert sorted({s.total for s in scores}) == [40, 50, 90]


def test_R6_3_unit_live_scores_of_several_periods_agree_with_one_period_at_a_time(
    zone, staff, office
):
    verified(zone, staff, office, "求是")
    report(zone, date(2026, 6, 5), late=True, kind="in_depth_report")
    verified(zone, staff, office, "人民日报", on=date(2026, 8, 1))
    h2 = HalfYear(2026, 2)
    windows = [(h2.start, h2.end), (H1.start, H1.end)]
    together = unit_live_scores(unit=zone, windows=windows, now=AFTER_H2)
    for start, end in windows:
        alone = unit_live_score(unit=zone, start=start, end=end, now=AFTER_H2)
        assert together[start] == alone
    assert (together[H1.start].base, together[H1.start].bonus) == (0, 50)  # the late report
    assert (together[h2.start].base, together[h2.start].bonus) == (50, 40)


# --- C1: on time is decided by the first submission, not by the review ---------------------------


def _march_update(zone):
    """The zone's March update (due 5 March), its report put back to an unsent draft, so that
    a test can send it through the workflow."""
    from reporting.models import Obligation, Submission
    from reporting.rules import due_moment

    obligation = Obligation.objects.get(unit=zone, due_at=due_moment(date(2026, 3, 5)))
    Submission.objects.filter(obligation=obligation).update(
        status=Submission.Status.DRAFT, first_submitted_at=None, submitted_at=None, is_late=None
    )
    return Submission.objects.get(obligation=obligation)


def _send(zone, staff, submission, now):
    from reporting import services as reporting_services

    return reporting_services.submission_submit(user=staff, submission=submission, now=now)


def _return(office, submission, now):
    from reporting import services as reporting_services

    return reporting_services.submission_return(
        reviewer=office, submission=submission, comment="请补充活动照片", now=now
    )


MARCH_DUE = datetime(2026, 3, 5, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Shanghai


def test_C1_R6_1_unreviewed_on_time_update_keeps_the_base_points(zone, staff, office):
    verified(zone, staff, office, "求是", "一")  # tier 1: 50
    verified(zone, staff, office, "人民日报", "二")  # tier 2: 40
    verified(zone, staff, office, "光明日报", "三")  # tier 2: 40
    verified(zone, staff, office, "国家公共文化网", "四")  # tier 5: 10
    _send(zone, staff, _march_update(zone), MARCH_DUE - timedelta(days=1))
    # still waiting for the office when the half year is scored: 50 + 140 = 190
    score = h1_score(zone)
    assert (score.base, score.bonus, score.total) == (50, 140, 190)
    assert list(unit_late_obligations(unit=zone, start=H1.start, end=H1.end, now=AFTER_H1)) == []
    # over the cycle so far: H1 190, plus the base of H2, which has started with nothing late
    assert cycle_publicity_points(unit_ids=[zone.pk], now=AFTER_H1)[zone.pk] == 190 + 50


def test_C1_R6_1_returned_and_not_resubmitted_counts_as_not_submitted(zone, staff, office):
    from reporting.models import Obligation
    from reporting.selectors import obligation_figures
    from scoring.selectors import veto_gauge

    verified(zone, staff, office, "求是")  # tier 1: 50
    submission = _send(zone, staff, _march_update(zone), MARCH_DUE - timedelta(days=1))
    _return(office, submission, MARCH_DUE + timedelta(days=2))
    # back with the unit when the half year is scored: not submitted, so no base
    score = h1_score(zone)
    assert (score.base, score.bonus, score.total) == (0, 50, 50)
    [late] = unit_late_obligations(unit=zone, start=H1.start, end=H1.end, now=AFTER_H1)
    assert late.pk == submission.obligation_id
    figures = obligation_figures(Obligation.objects.filter(unit=zone), now=AFTER_H1)
    # six items due (five updates, one in-depth report): five on time, the March one missing
    assert (figures.expected, figures.submitted, figures.on_time, figures.missing) == (6, 5, 5, 1)
    gauge = veto_gauge(unit=zone, today=date(2026, 7, 20))
    [line] = [line for line in gauge.lines if line.item.value == "r5_2_submissions"]
    assert line.computed.status.value == "at_risk"  # missed in one scoring period


def test_C1_R6_1_returned_and_resubmitted_late_still_on_time(zone, staff, office):
    verified(zone, staff, office, "求是")  # tier 1: 50
    submission = _send(zone, staff, _march_update(zone), MARCH_DUE - timedelta(days=1))
    _return(office, submission, MARCH_DUE - timedelta(hours=1))
    _send(zone, staff, submission, MARCH_DUE + timedelta(days=10))
    # resubmitted after the due day and not yet reviewed: the first submission was in time
    assert h1_score(zone).total == 100
    from reporting import services as reporting_services

    reporting_services.submission_accept(reviewer=office, submission=submission)
    assert h1_score(zone).total == 100


# --- C4: the publicity share is scaled against the best of the same batch and kind --------------


def _cycle_points(monkeypatch, points):
    """Each unit's publicity points over its cycle, as given; only the units asked for."""
    monkeypatch.setattr(
        "scoring.selectors._cycle_points",
        lambda ids: {pk: points[pk] for pk in ids if pk in points},
    )


def test_C4_R6_5_share_scaled_against_best_of_same_kind(monkeypatch):
    from scoring.selectors import batch_publicity

    batch = BatchFactory(cycle_start=date(2026, 1, 1), cycle_end=date(2027, 12, 31))
    zone, other_zone = CreationUnitFactory(batch=batch), CreationUnitFactory(batch=batch)
    project = CreationUnitFactory(
        batch=batch, kind=CreationUnit.Kind.PROJECT, host_organisation="长沙图书馆"
    )
    elsewhere = CreationUnitFactory()  # a zone of another batch
    _cycle_points(
        monkeypatch, {zone.pk: 150, other_zone.pk: 100, project.pk: 300, elsewhere.pk: 400}
    )
    # zones against zones: the project's 300 is not the zones' best
    assert batch_publicity(unit=zone) == (150, 150)
    assert batch_publicity(unit=other_zone) == (100, 150)
    # projects against projects
    assert batch_publicity(unit=project) == (300, 300)


def test_C4_R6_5_withdrawn_unit_is_not_the_best(monkeypatch):
    from scoring.selectors import batch_publicity

    batch = BatchFactory(cycle_start=date(2026, 1, 1), cycle_end=date(2027, 12, 31))
    zone = CreationUnitFactory(batch=batch)
    withdrawn = CreationUnitFactory(batch=batch, status=CreationUnit.Status.WITHDRAWN)
    _cycle_points(monkeypatch, {zone.pk: 150, withdrawn.pk: 300})
    assert batch_publicity(unit=zone) == (150, 150)


def test_C4_R6_3_live_ranking_of_the_status_and_the_dashboard_is_the_periods(zone, staff, office):
    from dashboard.selectors import status_answers
    from dashboard.services import unit_figures_refresh
    from scoring.selectors import publicity_ranking

    batch = zone.batch
    rival = CreationUnitFactory(batch=batch)  # nothing reported: base 0
    withdrawn = CreationUnitFactory(batch=batch, status=CreationUnit.Status.WITHDRAWN)
    project = CreationUnitFactory(
        batch=batch, kind=CreationUnit.Kind.PROJECT, host_organisation="长沙图书馆"
    )
    verified(zone, staff, office, "求是")
    scores = publicity_ranking(
        programme_id=batch.programme_id,
        kind="zone",
        batch_ids=[batch.pk],
        start=H1.start,
        end=H1.end,
        now=AFTER_H1,
    )
    assert [(s.unit_id, s.rank) for s in scores] == [(zone.pk, 1), (rival.pk, 2)]
    period = services.period_ensure(programme=batch.programme, kind="zone", half_year=H1)
    assert [(s.unit_id, s.rank) for s in period_scores(period=period, now=AFTER_H1)] == [
        (s.unit_id, s.rank) for s in scores
    ]
    during_h1 = datetime(2026, 6, 20, tzinfo=UTC)
    unit_figures_refresh([zone.pk, rival.pk, withdrawn.pk, project.pk], now=during_h1)
    answers = status_answers([rival.pk, withdrawn.pk, project.pk], during_h1)
    status = {s["id"]: s["publicity"] for s in answers}
    assert (status[rival.pk]["rank"], status[rival.pk]["ranked_units"]) == (2, 2)
    assert status[withdrawn.pk] is None


def test_C2_C4_R6_3_a_zone_outside_its_cycle_is_ranked_among_every_zone_of_its_half_year():
    """Zones of one batch that start on different days (C2) are in different half years today;
    each zone's status ranks it among every zone of the batch whose cycle overlaps its half year,
    as the period page does, and a peer's write in an earlier half year moves its ETag."""
    from dashboard.selectors import status_answers, status_changed_moments
    from dashboard.services import unit_figures_refresh
    from scoring.selectors import publicity_ranking

    batch = BatchFactory(cycle_start=date(2024, 1, 1), cycle_end=date(2025, 12, 31))
    ended = CreationUnitFactory(batch=batch, start_date=date(2024, 1, 1))  # last: 2025 H2
    running = CreationUnitFactory(batch=batch, start_date=date(2025, 1, 1))  # now: 2026 H1
    later = CreationUnitFactory(batch=batch, start_date=date(2026, 3, 1))  # runs into 2027
    waiting = CreationUnitFactory(batch=batch, start_date=date(2027, 1, 1))  # first: 2027 H1
    office = office_of(batch.programme)
    verified(ended, staff_of(ended), office, "人民日报", "一", on=date(2025, 9, 1))
    during = datetime(2026, 6, 20, tzinfo=UTC)
    units = [ended, running, later, waiting]

    def stored_ranks():
        answers = {a["id"]: a["publicity"] for a in status_answers([u.pk for u in units], during)}
        return {pk: (p["period_start"], p["rank"], p["ranked_units"]) for pk, p in answers.items()}

    def live_ranks(half_year):
        ranking = publicity_ranking(
            programme_id=batch.programme_id,
            kind="zone",
            batch_ids=[batch.pk],
            start=half_year.start,
            end=half_year.end,
            now=during,
        )
        return {s.unit_id: (half_year.start.isoformat(), s.rank, len(ranking)) for s in ranking}

    def expected():
        by_half_year = {
            ended.pk: HalfYear(2025, 2),
            running.pk: H1,
            later.pk: H1,
            waiting.pk: HalfYear(2027, 1),
        }
        return {pk: live_ranks(half_year)[pk] for pk, half_year in by_half_year.items()}

    unit_figures_refresh([u.pk for u in units], now=during)
    assert stored_ranks() == expected()
    # In 2025 H2 the ended zone leads the running one; in 2027 H1 the waiting zone is ranked
    # with the zone that started in 2026.
    assert stored_ranks()[ended.pk] == ("2025-07-01", 1, 2)
    assert stored_ranks()[waiting.pk][2] == 2

    ((_pk, before),) = status_changed_moments([ended.pk], during)
    staff = staff_of(running)
    verified(running, staff, office, "求是", "二", on=date(2025, 10, 1))
    verified(running, staff, office, "人民日报", "三", on=date(2025, 11, 1))
    unit_figures_refresh([running.pk], now=during)
    assert stored_ranks()[ended.pk] == ("2025-07-01", 2, 2)
    assert stored_ranks() == expected()
    ((_pk, after),) = status_changed_moments([ended.pk], during)
    assert after > before
