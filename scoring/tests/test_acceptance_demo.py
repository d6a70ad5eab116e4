"""The demo shows the veto gauge in every state, a mid-term review, an override and an
acceptance evaluation."""

import pytest

from creation.models import CreationUnit
from scoring.models import AcceptanceEvaluation, CreationStandard, IndicatorReview, VetoOverride
from scoring.selectors import veto_gauges

pytestmark = pytest.mark.django_db


def test_demo_has_standards_reviews_overrides_and_gauges_in_every_state(demo_data):
    belts = set(CreationStandard.objects.values_list("economic_belt", flat=True))
    assert belts == {"east", "central", "west"}
    assert IndicatorReview.objects.filter(stage="midterm").count() == 1
    assert VetoOverride.objects.count() == 1
    assert AcceptanceEvaluation.objects.count() == 1
    gauges = veto_gauges(CreationUnit.objects.with_related())
    statuses = {g.unit.name: g.status.value for g in gauges}
    assert set(statuses.values()) == {"ok", "at_risk", "failed"}, statuses
