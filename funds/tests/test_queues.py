"""The funds part of the work queues (R3.2): which plans wait for a reviewer's own department in
the province of that role, and which plans a unit's staff still have to write."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from creation.models import RoleAssignment
from creation.tests.factories import (
    CityFactory,
    CreationUnitFactory,
    ProvinceFactory,
    RoleAssignmentFactory,
)
from funds.models import PlanDecision
from funds.rules import Outcome, PlanStatus, Stage
from funds.selectors import (
    office_filing_queue,
    plans_awaiting_my_stage,
    unit_plans_to_write,
    units_without_plan,
)
from funds.tests.factories import FundPlanVersionFactory

Role = RoleAssignment.Role
SUBMITTED = datetime(2026, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _unit(province):
    return CreationUnitFactory(region=CityFactory(parent=province), start_date=date(2025, 7, 1))


def _in_review(unit, *decided_stages):
    version = FundPlanVersionFactory(
        plan__unit=unit,
        status=PlanStatus.IN_REVIEW,
        submitted_at=SUBMITTED,
    )
    for stage in decided_stages:
        PlanDecision.objects.create(
            version=version, stage=stage, outcome=Outcome.APPROVED, decided_at=SUBMITTED
        )
    return version


def test_R3_2_a_reviewer_sees_the_plans_waiting_for_their_department_in_that_roles_province(
    db,
):
    hunan, sichuan = ProvinceFactory(code="430000"), ProvinceFactory(code="510000")
    hunan_unit, sichuan_unit = _unit(hunan), _unit(sichuan)
    reviewer = RoleAssignmentFactory(
        role=Role.PROVINCIAL_REVIEWER, province=hunan, department="culture"
    ).user
    RoleAssignmentFactory(
        user=reviewer, role=Role.PROVINCIAL_REVIEWER, province=sichuan, department="finance"
    )
    hunan_open = _in_review(hunan_unit)
    hunan_finance_done = _in_review(hunan_unit, Stage.FINANCE)
    _in_review(hunan_unit, Stage.CULTURE)  # culture decided: not theirs any more
    sichuan_open = _in_review(sichuan_unit)
    _in_review(sichuan_unit, Stage.FINANCE)  # finance decided in Sichuan
    sichuan_culture_done = _in_review(sichuan_unit, Stage.CULTURE)
    FundPlanVersionFactory(plan__unit=hunan_unit, status=PlanStatus.DRAFT)

    waiting = set(plans_awaiting_my_stage(user=reviewer))

    assert waiting == {hunan_open, hunan_finance_done, sichuan_open, sichuan_culture_done}


def test_R3_2_unit_staff_see_their_own_drafts_returned_plans_and_units_without_a_plan(db):
    province = ProvinceFactory(code="430000")
    own, other, empty = _unit(province), _unit(province), _unit(province)
    staff = RoleAssignmentFactory(role=Role.UNIT_STAFF, unit=own).user
    RoleAssignmentFactory(user=staff, role=Role.UNIT_STAFF, unit=empty)
    draft = FundPlanVersionFactory(plan__unit=own, plan__title="草稿", status=PlanStatus.DRAFT)
    returned = FundPlanVersionFactory(
        plan__unit=own,
        plan__title="退回",
        status=PlanStatus.RETURNED,
        submitted_at=SUBMITTED,
    )
    _in_review(own)
    FundPlanVersionFactory(plan__unit=other, status=PlanStatus.DRAFT)

    assert set(unit_plans_to_write(user=staff)) == {draft.plan, returned.plan}
    assert list(units_without_plan(user=staff)) == [empty]


def test_R3_2_the_office_files_the_plans_waiting_longest_since_their_second_approval(db):
    unit = _unit(ProvinceFactory(code="430000"))
    office = RoleAssignmentFactory(role=Role.OFFICE_REVIEWER, programme=unit.batch.programme).user
    decisions = {
        # version: (finance approved, culture approved) in days after submission
        "approved_late": (1, 9),
        "approved_early": (5, 2),
    }
    versions = {}
    for name, days in decisions.items():
        version = FundPlanVersionFactory(
            plan__unit=unit, status=PlanStatus.AWAITING_FILING, submitted_at=SUBMITTED
        )
        for stage, day in zip((Stage.FINANCE, Stage.CULTURE), days, strict=True):
            PlanDecision.objects.create(
                version=version,
                stage=stage,
                outcome=Outcome.APPROVED,
                decided_at=SUBMITTED + timedelta(days=day),
            )
        versions[name] = version
    _in_review(unit, Stage.FINANCE)  # still with the provinces

    queue = list(office_filing_queue(user=office))
    assert queue == [versions["approved_early"], versions["approved_late"]]
    assert [version.awaiting_since for version in queue] == [
        SUBMITTED + timedelta(days=5),
        SUBMITTED + timedelta(days=9),
    ]
