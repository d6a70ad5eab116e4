"""Writes of scoring, one transaction each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creation.models import CreationUnit
from creation.scope import user_scope
from scoring.computations import compute
from scoring.models import (
    AcceptanceEvaluation,
    Indicator,
    IndicatorReview,
    IndicatorValue,
    UnitStatusDecision,
    VetoOverride,
)
from scoring.rules import (
    VETO_ITEM_LABELS,
    IndicatorPart,
    VetoItem,
    completion_percent,
    evaluate,
    grade_points,
    midterm_grade,
)
from scoring.selectors import (
    acceptance_numbers,
    batch_publicity,
    latest_review,
    veto_gauge,
)


def _require_office(user: Any, unit: CreationUnit) -> None:
    """Only the office of the unit's programme decides on its veto items and acceptance."""
    if not user_scope(user).can_run_programme(unit.batch.programme_id):
        raise PermissionDenied


@transaction.atomic
def veto_override_create(
    *, user: Any, unit: CreationUnit, item: str, decision: str, reason: str
) -> VetoOverride:
    """R6.6: the office overrides one veto item of a unit, with a written reason. The row is the
    audit record; a later row (or a "revoke" row) replaces it, nothing is deleted."""
    _require_office(user, unit)
    if item == VetoItem.GROUP_OFFICE and unit.kind != CreationUnit.Kind.ZONE:
        raise ValidationError({"item": _("Only zones have a leadership-group office (R1.2).")})
    override = VetoOverride(
        unit=unit,
        item=item,
        decision=decision,
        reason=(reason or "").strip(),
        decided_by=user,
        decided_at=timezone.now(),
    )
    override.full_clean()
    override.save()
    return override


def _value_of(indicator: Indicator, unit: CreationUnit, entered: Any) -> tuple[Decimal, bool]:
    if entered not in (None, ""):
        try:
            return Decimal(str(entered)), False
        except InvalidOperation as error:
            raise ValidationError({f"indicator_{indicator.pk}": _("Enter a number.")}) from error
    if indicator.source == Indicator.Source.COMPUTED:
        value = compute(indicator.computation, unit)
        if value is not None:
            return value, True
    raise ValidationError(
        {
            f"indicator_{indicator.pk}": _("Enter the value of %(indicator)s.")
            % {"indicator": indicator}
        }
    )


@transaction.atomic
def indicator_review_record(
    *,
    user: Any,
    unit: CreationUnit,
    stage: str,
    reviewed_on: date,
    values: dict[int, Any],
    note: str = "",
) -> IndicatorReview:
    """§8: the office records the value of each of the unit's indicators (entered, or computed
    from the unit's records when left empty); each indicator is graded 优秀 / 合格 / 不合格 by
    its completion ratio against the programme's cut-offs, and the composite score is the sum of
    weight × grade factor. The grades are frozen with the review."""
    _require_office(user, unit)
    indicators = list(Indicator.objects.for_unit(unit))
    if not indicators:
        raise ValidationError(_("No creation standard with indicators applies to this unit."))
    numbers = acceptance_numbers(programme_id=unit.batch.programme_id)
    review = IndicatorReview(
        unit=unit,
        stage=stage,
        reviewed_on=reviewed_on,
        note=note,
        recorded_by=user,
        recorded_at=timezone.now(),
    )
    review.full_clean()
    review.save()
    rows = []
    errors: dict[str, Any] = {}
    for indicator in indicators:
        try:
            value, computed = _value_of(indicator, unit, values.get(indicator.pk))
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        completion = completion_percent(value=value, threshold=indicator.threshold)
        grade = midterm_grade(completion=completion, numbers=numbers)
        rows.append(
            IndicatorValue(
                review=review,
                indicator=indicator,
                value=value,
                computed=computed,
                completion=completion,
                grade=grade,
                points=grade_points(weight=indicator.weight, grade=grade, numbers=numbers),
            )
        )
    if errors:
        raise ValidationError(errors)
    for row in rows:
        row.full_clean(exclude=["review"])
    IndicatorValue.objects.bulk_create(rows)
    review.composite_score = sum((row.points for row in rows), Decimal("0.00"))
    review.save(update_fields=["composite_score"])
    return review


def _explanation(evaluation: Any, gauge_rows: list[dict[str, Any]], share: Decimal) -> str:
    lines = [_("Indicator scores (weight × min(1, value / threshold)):")]
    lines += [
        f"  {p.code} {p.name}: {p.value} / {p.threshold} → {p.score} / {p.weight}"
        for p in evaluation.indicators
    ]
    lines.append(_("Indicator total: %(total)s") % {"total": evaluation.indicator_total})
    lines.append(
        _("Publicity share: %(share)s × %(points)d / %(best)d (best of the batch) = %(score)s")
        % {
            "share": share,
            "points": evaluation.publicity_points,
            "best": evaluation.best_points,
            "score": evaluation.publicity,
        }
    )
    lines.append(
        _("Total: %(total)s (pass mark %(mark)s)")
        % {"total": evaluation.total, "mark": evaluation.pass_mark}
    )
    lines.append(_("One-vote veto (R6.6):"))
    for row in gauge_rows:
        override = row["override"]
        suffix = (
            " " + _("(overridden by the office: %(reason)s)") % {"reason": override.reason}
            if override is not None
            else ""
        )
        lines.append(f"  [{row['status']}] {row['label']}: {row['message']}{suffix}")
    if evaluation.failed_items:
        lines.append(
            _("Vetoed: %(items)s.")
            % {"items": "、".join(str(VETO_ITEM_LABELS[i]) for i in evaluation.failed_items)}
        )
    return "\n".join(lines)


@transaction.atomic
def acceptance_evaluate(
    *, user: Any, unit: CreationUnit, today: date | None = None
) -> AcceptanceEvaluation:
    """R6.5, R6.6, §8: the office runs the acceptance evaluation of a unit from its latest final
    indicator values, its publicity points against the best of its batch and its veto gauge. A
    new row each time, its parts frozen; the unit's status is not changed here."""
    _require_office(user, unit)
    review = latest_review(unit=unit, stage=IndicatorReview.Stage.FINAL)
    if review is None:
        raise ValidationError(_("Record the unit's final indicator values first."))
    numbers = acceptance_numbers(programme_id=unit.batch.programme_id)
    parts = tuple(
        IndicatorPart(
            code=v.indicator.code,
            name=v.indicator.name,
            weight=v.indicator.weight,
            threshold=v.indicator.threshold,
            value=v.value,
        )
        for v in review.values.select_related("indicator").order_by(
            "indicator__sort_order", "indicator__code"
        )
    )
    points, best = batch_publicity(unit=unit)
    gauge = veto_gauge(unit=unit, today=today)
    result = evaluate(
        indicators=parts,
        publicity_points=points,
        best_points=best,
        failed_items=gauge.failed_items,
        numbers=numbers,
    )
    gauge_rows = gauge.rows()
    evaluation = AcceptanceEvaluation(
        unit=unit,
        review=review,
        indicator_score=result.indicator_total,
        publicity_points=points,
        best_publicity_points=best,
        publicity_score=result.publicity,
        total=result.total,
        pass_mark=result.pass_mark,
        vetoed=bool(result.failed_items),
        result=result.result,
        explanation=_explanation(result, gauge_rows, numbers.publicity_share),
        parts={
            "indicators": [
                {
                    "code": p.code,
                    "name": p.name,
                    "weight": str(p.weight),
                    "threshold": str(p.threshold),
                    "value": str(p.value),
                    "score": str(p.score),
                }
                for p in parts
            ],
            "publicity_share": str(numbers.publicity_share),
            "veto": [
                {
                    "item": row["item"],
                    "rule": row["rule"],
                    "status": row["status"],
                    "computed_status": row["computed_status"],
                    "message": row["message"],
                    "override_reason": row["override"].reason if row["override"] else "",
                }
                for row in gauge_rows
            ],
        },
        evaluated_by=user,
        evaluated_at=timezone.now(),
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation


@transaction.atomic
def unit_status_decide(
    *,
    user: Any,
    unit: CreationUnit,
    status: str,
    reason: str,
    evaluation: AcceptanceEvaluation | None = None,
) -> UnitStatusDecision:
    """§8: the office sets the unit accepted or vetoed, explicitly and with a written reason,
    after an acceptance evaluation; the decision is kept with the evaluation it rests on."""
    _require_office(user, unit)
    if evaluation is None:
        evaluation = (
            AcceptanceEvaluation.objects.filter(unit=unit).order_by("-evaluated_at", "-pk").first()
        )
    elif evaluation.unit_id != unit.pk:
        raise ValidationError(_("The evaluation belongs to another unit."))
    if evaluation is None:
        raise ValidationError(_("Run the acceptance evaluation first."))
    locked = CreationUnit.objects.select_for_update().get(pk=unit.pk)
    decision = UnitStatusDecision(
        unit=locked,
        evaluation=evaluation,
        previous_status=locked.status,
        status=status,
        reason=(reason or "").strip(),
        decided_by=user,
        decided_at=timezone.now(),
    )
    decision.full_clean()
    decision.save()
    locked.status = status
    locked.full_clean()
    locked.save(update_fields=["status"])
    unit.status = status
    return decision
