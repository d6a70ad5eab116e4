"""Funds in the scope world (R3): a provincial finance reviewer of the province of "own" and
"sibling", and for every unit its money in and three plans — a draft, one in provincial review
(with a rules file) and a filed one with an expenditure. Visible exactly when the unit is."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from creation.models import RoleAssignment
from creation.tests.factories import RoleAssignmentFactory
from funds.models import FundCategory
from funds.rules import PlanStatus, Source
from funds.services import fund_categories_ensure
from funds.tests.factories import (
    BudgetLineFactory,
    CentralAllocationFactory,
    ExpenditureFactory,
    FundPlanVersionFactory,
    LocalFundingFactory,
    voucher_pdf,
)
from portal.models import Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATES = {"draft": PlanStatus.DRAFT, "review": PlanStatus.IN_REVIEW, "filed": PlanStatus.FILED}
# C6: spending is dated on or after the day its plan was filed; the world's is dated 2026-03-15.
FILED_ON = {
    "submitted_at": datetime(2026, 1, 20, 10, 0, tzinfo=SHANGHAI),
    "closed_at": datetime(2026, 2, 2, 10, 0, tzinfo=SHANGHAI),
}
# models keyed like the units (one record per unit)
PER_UNIT = (
    "central_allocations",
    "local_fundings",
    "draft_versions",
    "review_versions",
    "draft_lines",
    "expenditures",
)
# models keyed "<unit>/<state>" (one per plan state and unit)
PER_PLAN = ("fund_plans", "fund_plan_versions", "budget_lines")


def _plan_keys(units: set[str]) -> set[str]:
    return {f"{unit}/{state}" for unit in units for state in STATES}


def extend(world) -> None:
    fund_categories_ensure()
    units = world.objects["units"]
    records: dict[str, dict] = {model: {} for model in (*PER_UNIT, *PER_PLAN)}
    for key, unit in units.items():
        records["central_allocations"][key] = CentralAllocationFactory(unit=unit)
        records["local_fundings"][key] = LocalFundingFactory(unit=unit)
        for state, status in STATES.items():
            version = FundPlanVersionFactory(
                plan__unit=unit,
                plan__title=f"{unit.name}经费使用方案（{state}）",
                status=status,
                rules_file=voucher_pdf("管理办法.pdf") if state == "review" else "",
                rules_file_name="管理办法.pdf" if state == "review" else "",
                **(FILED_ON if state == "filed" else {}),
            )
            line = BudgetLineFactory(version=version, source=Source.CENTRAL)
            records["fund_plans"][f"{key}/{state}"] = version.plan
            records["fund_plan_versions"][f"{key}/{state}"] = version
            records["budget_lines"][f"{key}/{state}"] = line
            if state == "draft":
                records["draft_versions"][key] = version
                records["draft_lines"][key] = line
            elif state == "review":
                records["review_versions"][key] = version
            else:
                records["expenditures"][key] = ExpenditureFactory(
                    line=line, amount=Decimal("1200.00"), spent_on=date(2026, 3, 15)
                )
    world.objects.update(records)
    world.objects["fund_categories"] = {c.code: c for c in FundCategory.objects.all()}

    # The provincial finance reviewer sees what the provincial culture reviewer sees.
    finance = RoleAssignmentFactory(
        user__username="finance",
        role=RoleAssignment.Role.PROVINCIAL_REVIEWER,
        province=world.province_own,
        department="finance",
    ).user
    world.users["province_finance"] = finance
    world.objects["notifications"]["province_finance"] = Notification.objects.create(
        recipient=finance, title="province_finance", key="world-province_finance"
    )
    world.expected["province_finance"] = {
        **world.expected["province_culture"],
        "notifications": {"province_finance"},
    }
    world.editable["province_finance"] = {
        model: set(keys) for model, keys in world.editable.get("province_culture", {}).items()
    }

    for role in list(world.expected):
        seen = set(world.expected[role]["units"])
        world.expected[role] = {
            **world.expected[role],
            **{model: set(seen) for model in PER_UNIT},
            **{model: _plan_keys(seen) for model in PER_PLAN},
            "fund_categories": set(world.objects["fund_categories"]),
        }

    def allow(role: str, **permissions: set[str]) -> None:
        world.editable[role] = {
            **world.editable.get(role, {}),
            **{name: set(keys) for name, keys in permissions.items()},
        }

    own, everything = {"own"}, set(units)
    allow(
        "unit_staff",
        central_allocations=own,
        local_fundings=own,
        fund_plans=_plan_keys(own),
        draft_versions=own,
        draft_lines=own,
        fund_reports=own,
    )
    # R3.2: the provincial finance and culture departments of the unit's province decide.
    for role in ("province_culture", "province_finance"):
        allow(role, plan_reviews={"own", "sibling"})
    # The office files the plans of its programme's units.
    allow("office", plan_filing={"own", "sibling", "other"})
    allow(
        "superuser",
        central_allocations=everything,
        local_fundings=everything,
        fund_plans=_plan_keys(everything),
        draft_versions=everything,
        draft_lines=everything,
        fund_reports=everything,
        plan_reviews=everything,
        plan_filing=everything,
    )
