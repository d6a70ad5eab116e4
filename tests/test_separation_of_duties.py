"""Separation of duties: nobody decides on their own work, and each reviewer decides only for their
own province, department and programme. Every refused action is sent through the page and the API
where both exist, and leaves the database unchanged (a checksum of every row of every table).

Related tests elsewhere: scoring/tests/test_services.py (R6.2 own claims, other programme),
scoring/tests/test_pages.py, scoring/tests/test_api.py, funds/tests/test_services.py (R3.2
departments), inspections/tests/test_inspection_services.py and test_inspection_pages.py
(rectification, other programme), scoring/tests/test_acceptance_*.py (R6.5, R6.6), and the
generated matrix in tests/test_write_matrix.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from creation.models import RoleAssignment
from creation.tests.factories import RoleAssignmentFactory
from funds.models import PlanDecision
from tests.scope_cases import ROUTE_CASES
from tests.test_write_matrix import VIEWS, WRITE_METHODS, Database, write_methods


class Actor:
    """One logged-in user sending actions, each checked to change nothing when refused."""

    def __init__(self, user, db: Database) -> None:
        self.client = Client(raise_request_exception=False)
        self.client.force_login(user)
        self.db = db

    def refused(self, route: str, obj, data: dict | None = None, *, status: set[int]) -> None:
        api = route.startswith("api:")
        url = reverse(route, kwargs={"pk": obj.pk}) if obj is not None else reverse(route)
        before = self.db.checksum()
        if api:
            response = self.client.post(url, data or {}, content_type="application/json")
        else:
            response = self.client.post(url, data or {})
        assert response.status_code in status, (route, response.status_code)
        assert self.db.checksum() == before, (route, "the database changed")

    def allowed(self, route: str, obj, data: dict | None = None) -> int:
        api = route.startswith("api:")
        url = reverse(route, kwargs={"pk": obj.pk}) if obj is not None else reverse(route)
        if api:
            response = self.client.post(url, data or {}, content_type="application/json")
        else:
            response = self.client.post(url, data or {})
        assert response.status_code not in (403, 404), (route, response.status_code)
        assert response.status_code < 500, (route, response.status_code)
        return response.status_code


@pytest.fixture
def as_role(world):
    db = Database()
    actors: dict[str, Actor] = {}

    def actor(role: str, user=None) -> Actor:
        if role not in actors:
            actors[role] = Actor(user or world.users[role], db)
        return actors[role]

    return actor


@pytest.fixture
def office_b(world):
    """An office reviewer of the provincial programme (programme B); the world's office runs
    the national one (programme A)."""
    return RoleAssignmentFactory(
        user__username="office_b",
        role=RoleAssignment.Role.OFFICE_REVIEWER,
        programme=world.provincial,
    ).user


FORBIDDEN = {403}
NOT_FOUND = {404}


# --- R6.2: adoption claims ---------------------------------------------------------------------


def test_R6_2_unit_staff_cannot_verify_or_reject_their_own_claim(world, as_role):
    claim = world.objects["adoption_claims"]["own"]
    assert claim.claimed_by == world.users["unit_staff"]
    staff = as_role("unit_staff")
    for route in ("scoring:claim-verify", "api:adoption-claim-verify"):
        staff.refused(route, claim, status=FORBIDDEN)
    for route in ("scoring:claim-reject", "api:adoption-claim-reject"):
        staff.refused(route, claim, {"reason": "不符合要求"}, status=FORBIDDEN)


def test_R6_2_provincial_reviewers_cannot_verify_claims(world, as_role):
    claim = world.objects["adoption_claims"]["own"]
    for role in ("province_culture", "province_finance"):
        for route in ("scoring:claim-verify", "api:adoption-claim-verify"):
            as_role(role).refused(route, claim, status=FORBIDDEN)


def test_R6_2_office_verifies_a_claim_of_its_programme(world, as_role):
    # the control: the same request from the programme office goes through
    as_role("office").allowed("api:adoption-claim-verify", world.objects["adoption_claims"]["own"])


# --- R3.2: fund-use plans ----------------------------------------------------------------------


def test_R3_2_unit_staff_cannot_approve_return_or_file_their_own_plan(world, as_role):
    version = world.objects["review_versions"]["own"]
    staff = as_role("unit_staff")
    for outcome in ("approved", "returned"):
        decision = {"outcome": outcome, "comment": "同意"}
        for route in ("funds:version-decide", "api:fund-plan-version-decide"):
            staff.refused(route, version, decision, status=FORBIDDEN)
        for route in ("funds:version-file", "api:fund-plan-version-file"):
            staff.refused(route, version, decision, status=FORBIDDEN)


def test_R3_2_a_provincial_reviewer_cannot_decide_another_provinces_plan(world, as_role):
    version = world.objects["review_versions"]["other"]
    for role in ("province_culture", "province_finance"):
        for route in ("funds:version-decide", "api:fund-plan-version-decide"):
            as_role(role).refused(route, version, {"outcome": "approved"}, status=NOT_FOUND)


@pytest.mark.parametrize(
    ("role", "own_stage", "foreign_stage"),
    [("province_culture", "culture", "finance"), ("province_finance", "finance", "culture")],
)
def test_R3_2_a_department_cannot_decide_for_the_other_department(
    world, as_role, role, own_stage, foreign_stage
):
    version = world.objects["review_versions"]["own"]
    decision = {"outcome": "approved", "comment": "同意", "stage": foreign_stage}
    reviewer = as_role(role)
    # the API refuses the other department's stage with 400 and changes nothing
    reviewer.refused("api:fund-plan-version-decide", version, decision, status={400})
    # the page has no department choice for a reviewer of one department: the posted stage is
    # ignored and the decision is recorded for the reviewer's own department only
    reviewer.allowed("funds:version-decide", version, decision)
    stages = set(PlanDecision.objects.filter(version=version).values_list("stage", flat=True))
    assert stages == {own_stage}


def test_R3_2_provincial_reviewers_cannot_file_and_the_office_cannot_decide(world, as_role):
    version = world.objects["review_versions"]["own"]
    decision = {"outcome": "approved", "comment": "同意"}
    for role in ("province_culture", "province_finance"):
        for route in ("funds:version-file", "api:fund-plan-version-file"):
            as_role(role).refused(route, version, decision, status=FORBIDDEN)
    for route in ("funds:version-decide", "api:fund-plan-version-decide"):
        as_role("office").refused(route, version, decision, status=FORBIDDEN)


def test_R3_2_each_department_decides_for_its_own_department(world, as_role):
    # the control: a reviewer's decision for their own department goes through
    version = world.objects["review_versions"]["own"]
    as_role("province_culture").allowed(
        "api:fund-plan-version-decide", version, {"outcome": "approved", "stage": "culture"}
    )


# --- R5: submissions ---------------------------------------------------------------------------


def test_R5_1_unit_staff_cannot_accept_or_return_their_own_submission(world, as_role):
    submission = world.objects["submissions"]["own"]
    obligation = world.objects["obligations"]["own"]
    for action in ("accept", "return"):
        for role in ("unit_staff", "province_culture", "province_finance"):
            as_role(role).refused(
                "reporting:submission-edit",
                obligation,
                {"action": action, "comment": "好"},
                status=FORBIDDEN,
            )
    for route in ("api:submission-accept", "api:submission-return"):
        as_role("unit_staff").refused(route, submission, {"comment": "好"}, status=FORBIDDEN)
        for role in ("province_culture", "province_finance"):
            as_role(role).refused(route, submission, {"comment": "好"}, status=FORBIDDEN)


# --- R4.1: inspections and rectification -------------------------------------------------------


def test_R4_1_unit_staff_cannot_verify_or_reopen_their_own_rectification(world, as_role):
    rectification = world.objects["rectifications"]["own"]
    staff = as_role("unit_staff")
    for route in ("inspections:rectification-verify", "api:rectification-verify"):
        staff.refused(route, rectification, {"comment": "已整改到位"}, status=FORBIDDEN)
    for route in ("inspections:rectification-reopen", "api:rectification-reopen"):
        staff.refused(route, rectification, {"reason": "整改不到位"}, status=FORBIDDEN)


def test_R4_1_unit_staff_cannot_run_the_inspection_of_their_own_unit(world, as_role):
    inspection = world.objects["inspections"]["own"]
    staff = as_role("unit_staff")
    for route in ("inspections:inspection-start", "inspections:inspection-complete"):
        staff.refused(route, inspection, status=FORBIDDEN)
    staff.refused("inspections:inspection-create", world.objects["units"]["own"], status=FORBIDDEN)
    staff.refused(
        "inspections:letter",
        inspection,
        {"document_number": "文公共函〔2026〕1号", "sent_on": "2026-06-01"},
        status=FORBIDDEN,
    )


# --- R6.3: scoring periods ---------------------------------------------------------------------


def test_R6_3_unit_staff_and_provinces_cannot_close_reopen_or_publish_a_period(world, as_role):
    periods = world.objects["scoring_periods"]
    publish = {"number": "通报〔2026〕9号", "published_on": "2026-12-31"}
    for role in ("unit_staff", "province_culture", "province_finance"):
        actor = as_role(role)
        for route in ("scoring:period-close", "api:scoring-period-close"):
            actor.refused(route, periods["national_open"], status=FORBIDDEN)
        for route in ("scoring:period-reopen", "api:scoring-period-reopen"):
            actor.refused(route, periods["national_closed"], {"reason": "重算"}, status=FORBIDDEN)
        for route in ("scoring:period-publish", "api:scoring-period-publish"):
            actor.refused(route, periods["national_closed"], publish, status=FORBIDDEN)


# --- R6.5, R6.6: veto and acceptance -----------------------------------------------------------


def test_R6_6_unit_staff_cannot_override_a_veto_of_their_own_unit(world, as_role):
    unit = world.objects["units"]["own"]
    override = {"item": "liaison", "decision": "ok", "reason": "联络员已到岗，台账补齐。"}
    staff = as_role("unit_staff")
    staff.refused("acceptance:override-create", unit, override, status=FORBIDDEN)
    staff.refused("api:veto-override-list", None, {**override, "unit": unit.pk}, status={400, 403})


def test_R6_5_unit_staff_cannot_run_or_decide_their_own_acceptance(world, as_role):
    unit = world.objects["units"]["own"]
    evaluation = world.objects["acceptance_evaluations"]["own"]
    decision = {"status": "accepted", "reason": "验收通过"}
    staff = as_role("unit_staff")
    staff.refused("acceptance:acceptance-run", unit, status=FORBIDDEN)
    staff.refused("api:acceptance-evaluation-list", None, {"unit": unit.pk}, status={400, 403})
    staff.refused("acceptance:evaluation-decide", evaluation, decision, status=FORBIDDEN)
    staff.refused("api:acceptance-evaluation-decide", evaluation, decision, status=FORBIDDEN)
    review = {"unit": unit.pk, "stage": "final", "reviewed_on": str(date(2026, 11, 1))}
    staff.refused("acceptance:review-create", unit, review, status=FORBIDDEN)
    staff.refused("api:indicator-review-list", None, review, status={400, 403})


def test_R6_6_provincial_reviewers_cannot_override_or_run_acceptance(world, as_role):
    unit = world.objects["units"]["own"]
    for role in ("province_culture", "province_finance"):
        actor = as_role(role)
        actor.refused(
            "acceptance:override-create",
            unit,
            {"item": "liaison", "decision": "ok", "reason": "说明"},
            status=FORBIDDEN,
        )
        actor.refused("acceptance:acceptance-run", unit, status=FORBIDDEN)


# --- programmes --------------------------------------------------------------------------------


def test_an_office_cannot_act_in_another_programme(world, as_role, office_b):
    """The office of programme A does not even see programme B's units (404), and the other
    way round; each still acts on its own programme."""
    a, b = as_role("office"), as_role("office_b", office_b)
    national, provincial = "own", "provincial"
    objects = world.objects
    actions = [
        ("scoring:claim-verify", "adoption_claims", {}),
        ("api:adoption-claim-verify", "adoption_claims", {}),
        ("inspections:rectification-verify", "rectifications", {"comment": "好"}),
        ("api:rectification-verify", "rectifications", {"comment": "好"}),
        ("funds:version-file", "review_versions", {"outcome": "approved"}),
        ("api:fund-plan-version-file", "review_versions", {"outcome": "approved"}),
        ("acceptance:acceptance-run", "gauge_units", {}),
        ("acceptance:evaluation-decide", "acceptance_evaluations", {"status": "accepted"}),
        ("api:acceptance-evaluation-decide", "acceptance_evaluations", {"status": "accepted"}),
        ("inspections:inspection-start", "inspections", {}),
    ]
    for route, model, data in actions:
        a.refused(route, objects[model][provincial], data, status=NOT_FOUND)
        b.refused(route, objects[model][national], data, status=NOT_FOUND)
    for route in ("scoring:period-close", "api:scoring-period-close"):
        a.refused(route, objects["scoring_periods"]["provincial_open"], status=NOT_FOUND)
        b.refused(route, objects["scoring_periods"]["national_open"], status=NOT_FOUND)
    # the controls
    b.allowed("api:adoption-claim-verify", objects["adoption_claims"][provincial])
    a.allowed("api:adoption-claim-verify", objects["adoption_claims"][national])


# --- read-only accounts ------------------------------------------------------------------------


def test_api_client_cannot_write_anything_with_its_token(world):
    """Every write method of every API route, on an object of its own province, through the
    token the client uses: 403 (405 where the route has no such method), nothing changed."""
    token = Token.objects.create(user=world.users["api_client"])
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token.key}")
    db = Database()
    before = db.checksum()
    checked = 0
    for route, callback in sorted(VIEWS.items()):
        case = ROUTE_CASES.get(route)
        if not route.startswith("api:") or case is None:
            continue
        accepted = write_methods(callback) or set()
        takes_pk = case.kind in ("detail", "post")
        if takes_pk:
            objects = world.objects[case.model]
            obj = objects.get("own") or next(iter(objects.values()))
            url = reverse(route, kwargs={"pk": obj.pk})
        else:
            url = reverse(route)
        for method in WRITE_METHODS if takes_pk else ("post",):
            response = getattr(client, method)(url, {}, content_type="application/json")
            wanted = {403} if method in accepted else {403, 405}
            assert response.status_code in wanted, (route, method, response.status_code)
            checked += 1
    assert checked > 100
    assert db.checksum() == before


# --- the Django admin --------------------------------------------------------------------------


def _admin_targets(world):
    from django.contrib import admin

    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        row = model._default_manager.order_by("pk").first()
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        if row is not None:
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[row.pk])


def test_non_staff_roles_cannot_post_to_any_admin_form(world):
    """Every registered model's add, change and delete forms: users who are not staff (and
    anonymous) are sent to the admin login, and nothing changes."""
    db = Database()
    clients = {"anonymous": Client()}
    for role in ("unit_staff", "province_culture", "province_finance", "api_client", "outsider"):
        assert not world.users[role].is_staff
        clients[role] = Client()
        clients[role].force_login(world.users[role])
    before = db.checksum()
    targets = list(_admin_targets(world))
    assert len(targets) > 30
    for url in targets:
        for role, client in clients.items():
            # every role on a few forms, unit staff (the most likely to try) on all
            if role not in ("anonymous", "unit_staff") and url not in targets[:6]:
                continue
            response = client.post(url, {"name": "改过", "post": "yes"})
            assert response.status_code == 302, (role, url, response.status_code)
            assert response.url.startswith(reverse("admin:login")), (role, url)
    assert db.checksum() == before


def test_office_cannot_post_to_another_programmes_unit_in_the_admin(world):
    """Staff-scoped admin: the office reviewer (staff through its role) posting the change form
    of a unit outside its programme is sent back to the admin index, its delete form refused;
    nothing changes."""
    from creation import services

    office = world.users["office"]
    services.role_assign(
        user=office, role=RoleAssignment.Role.OFFICE_REVIEWER, programme=world.national
    )
    client = Client()
    client.force_login(office)
    db = Database()
    before = db.checksum()
    foreign = world.objects["units"]["provincial"]
    url = reverse("admin:creation_creationunit_change", args=[foreign.pk])
    response = client.post(url, {"name": "改过的名称"})
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    # the office has no delete permission on units at all
    url = reverse("admin:creation_creationunit_delete", args=[foreign.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert db.checksum() == before
