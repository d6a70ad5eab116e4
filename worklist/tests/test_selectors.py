"""Each role's work queue over the scope world (conftest.build_world and tests/world_*.py):
a unit's staff see only their own unit's tasks, a provincial reviewer only their province's and
their department's stage, the office everything of its programme; a fixed number of queries."""

from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboard.models import UnitFigures
from dashboard.services import unit_figures_refresh
from funds.services import fund_plan_version_decide
from portal.models import Notification
from reporting.models import Submission
from reporting.tests.factories import ObligationFactory, SubmissionFactory
from worklist.selectors import header_counts, header_figures, work_queue


def _group(groups, key):
    return next(group for group in groups if group.key == key)


def _unit_names(group):
    return {task.unit_name for task in group.tasks}


def _names(world, *keys):
    return {world.objects["units"][key].name for key in keys}


def test_R5_1_office_queue_holds_its_programmes_items_oldest_first(world):
    groups = work_queue(user=world.users["office"])
    assert [group.key for group in groups] == [
        "reports-review",
        "claims-verify",
        "plans-file",
        "rectifications-check",
        "letters-send",
    ]
    national = _names(world, "own", "sibling", "other")
    reports = _group(groups, "reports-review")
    assert _unit_names(reports) == national
    assert {task.kind for task in reports.tasks} == {"report-review"}
    waiting = [task.days for task in reports.tasks]
    assert waiting == sorted(waiting, reverse=True)  # oldest waiting first
    assert _unit_names(_group(groups, "claims-verify")) == national
    assert _unit_names(_group(groups, "rectifications-check")) == national
    assert _unit_names(_group(groups, "letters-send")) == national
    assert _group(groups, "plans-file").count == 0


def test_office_queue_search_keeps_the_units_matching_the_name(world):
    groups = work_queue(user=world.users["office"], query="株洲")
    for group in groups:
        assert _unit_names(group) <= _names(world, "sibling")
    assert _group(groups, "claims-verify").count == 1


def test_R3_2_province_reviewer_sees_plans_waiting_for_their_own_department(world):
    finance, culture = world.users["province_finance"], world.users["province_culture"]
    review = world.objects["review_versions"]
    province = _names(world, "own", "sibling")
    assert _unit_names(_group(work_queue(user=culture), "plans-review")) == province
    assert _unit_names(_group(work_queue(user=finance), "plans-review")) == province

    fund_plan_version_decide(user=finance, version=review["own"], outcome="approved")

    assert _unit_names(_group(work_queue(user=finance), "plans-review")) == _names(world, "sibling")
    assert _unit_names(_group(work_queue(user=culture), "plans-review")) == province


def test_R5_1_province_overdue_reports_are_the_culture_reviewers_and_of_their_province(world):
    overdue = {
        key: ObligationFactory(
            unit=unit, period_start=timezone.localdate().replace(day=1) - timedelta(days=400)
        )
        for key, unit in world.objects["units"].items()
    }
    culture = work_queue(user=world.users["province_culture"])
    chase = _group(culture, "reports-overdue")
    assert _names(world, "own", "sibling") <= _unit_names(chase)
    assert not _unit_names(chase) & _names(world, "other", "provincial")
    assert {task.kind for task in chase.tasks} == {"report-chase"}
    assert all(task.overdue for task in chase.tasks)
    finance_keys = {group.key for group in work_queue(user=world.users["province_finance"])}
    assert "reports-overdue" not in finance_keys
    assert overdue["own"].pk  # the rows exist


def test_R5_1_unit_staff_see_only_their_own_units_tasks(world):
    units = world.objects["units"]
    now = timezone.now()
    for key in ("own", "sibling"):
        obligation = ObligationFactory(
            unit=units[key],
            period_start=(now - timedelta(days=500)).date(),
            due_at=now - timedelta(days=3),
        )
        SubmissionFactory(
            obligation=obligation,
            status=Submission.Status.RETURNED,
            first_submitted_at=now - timedelta(days=5),
            submitted_at=now - timedelta(days=5),
            reviewed_at=now - timedelta(days=2),
        )
        ObligationFactory(
            unit=units[key],
            period_start=(now - timedelta(days=600)).date(),
            due_at=now + timedelta(days=2),
        )
    groups = work_queue(user=world.users["unit_staff"])
    own = _names(world, "own")
    for group in groups:
        assert _unit_names(group) <= own, group.key
    returned = _group(groups, "reports-returned")
    assert [task.kind for task in returned.tasks] == ["report-returned"]
    assert returned.tasks[0].days == 2
    due = _group(groups, "reports-due")
    assert "report-due" in {task.kind for task in due.tasks}
    assert [task.days for task in due.tasks] == sorted(task.days for task in due.tasks)
    plans = _group(groups, "plans")
    assert [task.kind for task in plans.tasks] == ["plan-draft"]
    assert {group.key for group in groups} >= {"rectifications", "liaison", "claims-rejected"}


def test_header_count_of_open_tasks_is_the_sum_of_the_groups(world):
    for role in ("office", "province_culture", "province_finance", "unit_staff"):
        user = world.users[role]
        tasks = header_counts(user=user)["open_tasks"]
        assert tasks == sum(group.count for group in work_queue(user=user)), role


def test_queue_of_an_account_without_tasks_is_empty(world):
    assert work_queue(user=world.users["api_client"]) == []
    assert work_queue(user=world.users["outsider"]) == []


def test_office_queue_queries_do_not_grow_with_the_number_of_items(world):
    office = world.users["office"]
    unit = world.objects["units"]["own"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            work_queue(user=office, limit=2)
        return len(captured)

    queries()  # the user's scope is read once, then kept for the request
    before = queries()
    for months in range(1, 8):
        start = timezone.localdate().replace(day=1) - timedelta(days=31 * (months + 30))
        SubmissionFactory(
            obligation=ObligationFactory(unit=unit, period_start=start),
            status=Submission.Status.SUBMITTED,
            first_submitted_at=timezone.now(),
            submitted_at=timezone.now(),
        )
    assert queries() == before
    # a slice per group, and one query for all the counts
    assert before == len(work_queue(user=office)) + 1


def test_header_counts_are_kept_until_a_unit_in_scope_changes(
    world, django_assert_num_queries, settings
):

    settings.OPEN_TASKS_KEPT_SECONDS = 300  # as installed
    settings.OPEN_TASKS_FRESH_SECONDS = 0  # a change in scope is counted at once
    office = world.users["office"]
    header_counts(user=office)  # the user's scope is read once, then kept for the request
    cache.clear()
    with django_assert_num_queries(1):  # nothing kept: counted with the unread and last change
        first = header_counts(user=office)
    assert first == {
        "open_tasks": sum(group.count for group in work_queue(user=office)),
        "unread": Notification.objects.visible_to(office).unread().count(),
    }
    header_figures(office)  # its statement prepared on this connection (PostgreSQL)
    with django_assert_num_queries(1):  # kept: the unread and the last change only
        assert header_counts(user=office) == first

    # A unit of the office's scope gets a report to review: counted again at once.
    _report_to_review(world)
    assert header_counts(user=office)["open_tasks"] == first["open_tasks"] + 1


def _report_to_review(world, months_ago: int = 40) -> None:
    from creation.services import units_changed_at_bump

    unit = world.objects["units"]["own"]
    start = timezone.localdate().replace(day=1) - timedelta(days=31 * months_ago)
    SubmissionFactory(
        obligation=ObligationFactory(unit=unit, period_start=start),
        status=Submission.Status.SUBMITTED,
        first_submitted_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    units_changed_at_bump(frozenset([unit.pk]), frozenset())


def test_header_counts_follow_others_writes_once_fresh_and_the_users_own_at_once(
    world, settings, client
):
    settings.OPEN_TASKS_KEPT_SECONDS = 300
    settings.OPEN_TASKS_FRESH_SECONDS = 30
    office = world.users["office"]
    cache.clear()
    first = header_counts(user=office)["open_tasks"]
    _report_to_review(world)
    # Another's write, counted less than 30 s ago: the kept count is still served ...
    assert header_counts(user=office)["open_tasks"] == first
    # ... until it is 30 s old.
    later = timezone.now() + timedelta(seconds=31)
    assert header_counts(user=office, now=later)["open_tasks"] == first + 1

    # The user's own write forgets their kept count: their next page counts it.
    _report_to_review(world, months_ago=41)
    assert header_counts(user=office)["open_tasks"] == first + 1  # kept, fresh
    client.force_login(office)
    client.post(reverse("set_language"), {"language": "zh-hans"})
    assert header_counts(user=office)["open_tasks"] == first + 2


def test_home_shows_each_role_its_queue(client, world):
    for role, task in (
        ("office", "report-review"),
        ("province_culture", "plan-review"),
        ("unit_staff", "plan-draft"),
    ):
        client.force_login(world.users[role])
        response = client.get(reverse("home"))
        assert response.status_code == 200, role
        assert f'data-task="{task}"'.encode() in response.content, role
        assert b'class="nav-todo"' in response.content


def test_C5_R2_1_unit_staff_see_their_own_units_liaison_vacancy_from_the_stored_figures(world):
    units = world.objects["units"]
    unit_figures_refresh(unit_ids=[units["own"].pk, units["sibling"].pk], now=timezone.now())
    vacant_since = timezone.localdate() - timedelta(days=12)
    UnitFigures.objects.filter(unit__in=[units["own"], units["sibling"]]).update(
        liaison_vacant_since=vacant_since
    )
    liaison = _group(work_queue(user=world.users["unit_staff"]), "liaison")
    assert [(task.kind, task.unit_name, task.days) for task in liaison.tasks] == [
        ("liaison-vacant", units["own"].name, 12)
    ]


def test_header_figures_follow_notifications_and_units_changed(world):
    from creation.services import units_changed_at_bump

    office = world.users["office"]
    before = header_figures(office)
    Notification.objects.create(recipient=office, title="t", key="header-figures-test")
    unit = world.objects["units"]["own"]
    units_changed_at_bump(frozenset([unit.pk]), frozenset())
    after = header_figures(office)
    assert after["unread"] == before["unread"] + 1
    assert after["last_change"] > (before["last_change"] or after["last_change"] - timedelta(1))
    assert after["last_change"].tzinfo is not None
