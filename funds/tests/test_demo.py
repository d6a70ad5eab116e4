"""Demo funds: plans in every state, spending, and loading twice changes nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import F, Sum

from funds.models import BudgetLine, Expenditure, FundPlan, FundPlanVersion, PlanDecision
from funds.rules import PlanStatus

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, list]:
    models = [m for m in apps.get_models() if m._meta.app_label == "funds"]
    return {m._meta.label: sorted(map(repr, m.objects.values_list())) for m in models}


def test_demo_has_plans_in_every_state_and_spending(demo_data):
    latest = {
        plan.pk: plan.versions.order_by("-number").first().status for plan in FundPlan.objects.all()
    }
    assert set(latest.values()) == set(PlanStatus)
    assert FundPlanVersion.objects.filter(plan__unit__name="长沙市开福区").count() == 2
    assert PlanDecision.objects.filter(outcome="returned").exists()
    assert Expenditure.objects.count() > 20
    # every line's spent equals its expenditures, and never exceeds its budget
    for line in BudgetLine.objects.annotate(total=Sum("expenditures__amount")):
        assert line.spent == (line.total or 0)
    assert not BudgetLine.objects.filter(spent__gt=F("amount")).exists()


def test_demo_funds_load_twice_change_nothing(demo_data):
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first
