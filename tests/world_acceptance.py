"""The veto gauge, standards, indicator reviews and acceptance in the scope world (R6.5, R6.6,
§8): per batch a creation standard with an indicator; per unit an override, a final indicator
review and an acceptance evaluation. Visible exactly when the unit (or the batch) is; the office
of a unit's programme acts on it."""

from decimal import Decimal

from django.utils import timezone

from scoring.models import (
    AcceptanceEvaluation,
    CreationStandard,
    Indicator,
    IndicatorReview,
    IndicatorValue,
    VetoOverride,
)

PER_UNIT = ("gauge_units", "veto_overrides", "indicator_reviews", "acceptance_evaluations")
PER_BATCH = ("standards", "indicators")


def extend(world) -> None:
    units = world.objects["units"]
    root = world.users["superuser"]
    now = timezone.now()
    records: dict[str, dict] = {model: {} for model in (*PER_UNIT, *PER_BATCH)}
    for key, batch in world.objects["batches"].items():
        belt = "west" if key != "b1" else "central"
        standard = CreationStandard.objects.create(
            batch=batch, economic_belt=belt, title=f"第{batch.number}批创建标准（{key}）"
        )
        records["standards"][key] = standard
        records["indicators"][key] = Indicator.objects.create(
            standard=standard,
            part="设施网络",
            code="1.1",
            name="人均藏书",
            measure_unit="册/人",
            threshold=Decimal("0.6"),
            weight=Decimal(100),
        )
    for key, unit in units.items():
        records["gauge_units"][key] = unit
        records["veto_overrides"][key] = VetoOverride.objects.create(
            unit=unit,
            item="liaison",
            decision="ok",
            reason="联络员交接期间由分管局长代行职责。",
            decided_by=root,
            decided_at=now,
        )
        review = IndicatorReview.objects.create(
            unit=unit, stage="final", reviewed_on=now.date(), recorded_by=root, recorded_at=now
        )
        batch_key = next(k for k, b in world.objects["batches"].items() if b.pk == unit.batch_id)
        IndicatorValue.objects.create(
            review=review,
            indicator=records["indicators"][batch_key],
            value=Decimal("0.5"),
            completion=Decimal("83.3"),
            grade="excellent",
            points=Decimal(100),
        )
        records["indicator_reviews"][key] = review
        records["acceptance_evaluations"][key] = AcceptanceEvaluation.objects.create(
            unit=unit,
            review=review,
            indicator_score=Decimal("83.33"),
            publicity_points=0,
            best_publicity_points=0,
            publicity_score=Decimal(0),
            total=Decimal("83.33"),
            pass_mark=Decimal(60),
            vetoed=False,
            result="passed",
            explanation="",
            evaluated_by=root,
            evaluated_at=now,
        )
    world.objects.update(records)

    for role in list(world.expected):
        seen_units = set(world.expected[role]["units"])
        seen_batches = set(world.expected[role]["batches"])
        world.expected[role] = {
            **world.expected[role],
            **{model: set(seen_units) for model in PER_UNIT},
            **{model: set(seen_batches) for model in PER_BATCH},
        }

    def allow(role: str, **permissions: set[str]) -> None:
        world.editable[role] = {
            **world.editable.get(role, {}),
            **{name: set(keys) for name, keys in permissions.items()},
        }

    # The office of the national programme acts on its units; nobody else but the superuser.
    national = {"own", "sibling", "other"}
    allow("office", gauge_units=national, acceptance=national)
    allow("superuser", gauge_units=set(units), acceptance=set(units))
