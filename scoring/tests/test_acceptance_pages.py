"""Pages of the veto gauge and acceptance (R6.5, R6.6, §8)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scoring.models import AcceptanceEvaluation, IndicatorReview, VetoOverride
from scoring.tests.factories import compliant_unit

pytestmark = pytest.mark.django_db


def test_R6_6_unit_home_shows_the_veto_card(client, world):
    client.force_login(world.users["unit_staff"])
    own = world.objects["units"]["own"]
    page = client.get(reverse("creation:unit-home", kwargs={"pk": own.pk})).content.decode()
    assert 'id="unit-veto"' in page
    assert "data-gauge-status=" in page
    assert reverse("acceptance:unit-gauge", kwargs={"pk": own.pk}) in page


def test_R6_6_unit_sees_its_gauge_with_evidence_but_no_override_link(client, world):
    client.force_login(world.users["unit_staff"])
    own = world.objects["units"]["own"]
    page = client.get(reverse("acceptance:unit-gauge", kwargs={"pk": own.pk})).content.decode()
    assert page.count("data-veto-item=") == 8
    assert reverse("creation:unit-leadership", kwargs={"pk": own.pk}) + "#liaison" in page
    assert reverse("acceptance:override-create", kwargs={"pk": own.pk}) not in page
    assert "联络员交接期间" in page  # the override's reason is visible to the unit


def test_R6_6_office_override_form_keeps_input_when_the_reason_is_missing(client, world):
    client.force_login(world.users["office"])
    own = world.objects["units"]["own"]
    before = VetoOverride.objects.count()
    response = client.post(
        reverse("acceptance:override-create", kwargs={"pk": own.pk}),
        {"item": "fund_reports", "decision": "failed", "reason": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="failed" selected' in page
    assert VetoOverride.objects.count() == before


def test_R6_6_office_override_form_records_the_override(client, world):
    client.force_login(world.users["office"])
    own = world.objects["units"]["own"]
    response = client.post(
        reverse("acceptance:override-create", kwargs={"pk": own.pk}),
        {"item": "fund_reports", "decision": "failed", "reason": "自查发现漏报。"},
    )
    assert response.status_code == 302
    latest = VetoOverride.objects.filter(unit=own).first()
    assert (latest.item, latest.decision, latest.decided_by) == (
        "fund_reports",
        "failed",
        world.users["office"],
    )


@pytest.mark.parametrize("role", ["unit_staff", "province_culture"])
def test_R6_6_only_the_office_may_open_the_override_form(client, world, role):
    client.force_login(world.users[role])
    own = world.objects["units"]["own"]
    response = client.get(reverse("acceptance:override-create", kwargs={"pk": own.pk}))
    assert response.status_code == 403


def test_R6_6_office_gauge_list_takes_constant_queries(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["office"])
    url = reverse("acceptance:gauge-list")
    client.get(url)

    def count():
        cache.clear()  # cold: nothing of the page is cached (portal.cache)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"gauge_status": "attention"})
        assert response.status_code == 200
        return len(queries)

    one = count()
    batch, region = world.objects["batches"]["b1"], world.objects["units"]["own"].region
    # Committed, as a page or the API writes them: each unit's figures are stored then.
    with django_capture_on_commit_callbacks(execute=True):
        for _index in range(20):
            compliant_unit(batch=batch, region=region)
    assert count() == one <= 12


def test_R6_6_gauge_list_filters_by_kind_and_status(client, world):
    client.force_login(world.users["office"])
    page = client.get(
        reverse("acceptance:gauge-list"), {"gauge_status": "ok", "kind": "project"}
    ).content.decode()
    assert "data-unit-id=" not in page
    assert "empty-state" in page


def test_R6_5_office_runs_acceptance_from_the_unit_page(client, world):
    client.force_login(world.users["office"])
    own = world.objects["units"]["own"]
    before = AcceptanceEvaluation.objects.filter(unit=own).count()
    response = client.post(reverse("acceptance:acceptance-run", kwargs={"pk": own.pk}))
    assert response.status_code == 302
    evaluation = AcceptanceEvaluation.objects.filter(unit=own).first()
    assert AcceptanceEvaluation.objects.filter(unit=own).count() == before + 1
    page = client.get(response.url).content.decode()
    assert evaluation.explanation.splitlines()[0] in page


def test_R6_5_unit_staff_cannot_run_acceptance(client, world):
    client.force_login(world.users["unit_staff"])
    own = world.objects["units"]["own"]
    before = AcceptanceEvaluation.objects.count()
    response = client.post(reverse("acceptance:acceptance-run", kwargs={"pk": own.pk}))
    assert response.status_code == 403
    assert AcceptanceEvaluation.objects.count() == before


def test_midterm_review_form_records_grades(client, world):
    client.force_login(world.users["office"])
    own = world.objects["units"]["own"]
    indicator = world.objects["indicators"]["b1"]
    response = client.post(
        reverse("acceptance:review-create", kwargs={"pk": own.pk}),
        {"stage": "midterm", "reviewed_on": "2027-01-10", f"indicator_{indicator.pk}": "0.3"},
    )
    assert response.status_code == 302
    review = IndicatorReview.objects.filter(unit=own, stage="midterm").get()
    assert review.values.get().grade == "unqualified"  # 0.3 / 0.6 = 50%
    page = client.get(response.url).content.decode()
    assert "50.0%" in page


def test_evaluation_decision_needs_a_reason(client, world):
    client.force_login(world.users["office"])
    evaluation = world.objects["acceptance_evaluations"]["own"]
    response = client.post(
        reverse("acceptance:evaluation-decide", kwargs={"pk": evaluation.pk}),
        {"status": "accepted", "reason": ""},
    )
    assert response.status_code == 400
    evaluation.unit.refresh_from_db()
    assert evaluation.unit.status == "creating"


@pytest.mark.parametrize(
    ("role", "home"),
    [("office", "creation:office-home"), ("province_culture", "creation:province-home")],
)
def test_R6_6_office_and_province_homes_link_the_gauges(client, world, role, home):
    client.force_login(world.users[role])
    page = client.get(reverse(home)).content.decode()
    assert 'id="veto-gauges"' in page
    assert reverse("acceptance:gauge-list") in page
    title = page[page.index("<title>") : page.index("</title>")]
    assert "<section" not in title


def _cold_queries(client, path, **params):
    cache.clear()  # cold: nothing of the page is cached (portal.cache)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params, HTTP_CACHE_CONTROL="no-cache")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["office", "province_culture"])
def test_R6_6_gauge_list_reads_the_stored_gauges_in_at_most_12_queries(client, world, role):
    client.force_login(world.users[role])
    path = reverse("acceptance:gauge-list")
    client.get(path)  # the units' figures are stored (as a committed write stores them)
    assert _cold_queries(client, path) <= 12
    assert _cold_queries(client, path, gauge_status="attention") <= 12


def test_R6_6_unit_gauge_page_takes_constant_queries_cold(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["office"])
    own = world.objects["units"]["own"]
    path = reverse("acceptance:unit-gauge", kwargs={"pk": own.pk})
    client.get(path)  # the unit's figures are stored (as a committed write stores them)
    few = _cold_queries(client, path)
    with django_capture_on_commit_callbacks(execute=True):
        for item in ("fund_reports", "self_inspections", "group_office"):
            VetoOverride.objects.create(
                unit=own,
                item=item,
                decision="ok",
                reason="核实无误。",
                decided_by=world.users["office"],
                decided_at=timezone.now(),
            )
    assert _cold_queries(client, path) == few <= 12


def test_R6_6_a_committed_override_shows_on_the_gauge_pages_at_once(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["office"])
    own = world.objects["units"]["own"]
    gauge_url = reverse("acceptance:unit-gauge", kwargs={"pk": own.pk})
    assert (
        'data-veto-item="fund_reports" data-status="failed"'
        not in client.get(gauge_url).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("acceptance:override-create", kwargs={"pk": own.pk}),
            {"item": "fund_reports", "decision": "failed", "reason": "自查发现漏报。"},
        )
    page = client.get(gauge_url).content.decode()
    assert 'data-veto-item="fund_reports" data-status="failed"' in page
    listed = client.get(reverse("acceptance:gauge-list"), {"gauge_status": "failed"})
    assert f'data-unit-id="{own.pk}" data-status="failed"' in listed.content.decode()
    home = client.get(reverse("creation:unit-home", kwargs={"pk": own.pk})).content.decode()
    assert 'data-gauge-status="failed"' in home


def test_R6_6_gauge_list_is_worst_first_then_by_name_and_counts_every_status(client, world):
    from creation.selectors import office_units
    from dashboard.models import UnitFigures
    from scoring.selectors import gauge_statuses

    office = world.users["office"]
    client.force_login(office)
    client.get(reverse("acceptance:gauge-list"))  # every listed unit's row stored
    units = office_units(user=office).order_by("name", "pk")
    ids = list(units.values_list("pk", flat=True))
    assert len(ids) >= 3
    # Stored statuses set by hand, fresh for a day: the list reads them as they are.
    later = timezone.now() + timedelta(days=1)
    chosen = {ids[-1]: "failed", ids[0]: "at_risk", ids[1]: "failed"}
    UnitFigures.objects.filter(unit_id__in=ids).update(veto_status="ok", next_change_at=later)
    for pk, status in chosen.items():
        UnitFigures.objects.filter(unit_id=pk).update(veto_status=status)

    rows, counts = gauge_statuses(units, worst_first=True)
    failed = [pk for pk in ids if chosen.get(pk) == "failed"]  # by name, as `ids`
    ok = [pk for pk in ids if pk not in chosen]
    assert list(rows) == [
        *((pk, "failed") for pk in failed),
        (ids[0], "at_risk"),
        *((pk, "ok") for pk in ok),
    ]
    assert counts == {"failed": 2, "at_risk": 1, "ok": len(ok)}
    attention, _counts = gauge_statuses(units, status="attention", worst_first=True)
    assert [pk for pk, _status in attention] == [*failed, ids[0]]
    by_name, _counts = gauge_statuses(units, status="failed")
    assert [pk for pk, _status in by_name] == failed
    unknown, _counts = gauge_statuses(units, status="a\x00b")  # never sent to the database
    assert list(unknown) == []
    # The page lists them in that order.
    page = client.get(reverse("acceptance:gauge-list"), {"gauge_status": "attention"})
    assert [gauge.unit.pk for gauge in page.context["page"].object_list] == [*failed, ids[0]]
