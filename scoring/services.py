"""Writes of scoring, one transaction each: the media catalogue, the adoption claim workflow
(R6.2), scoring periods — closing freezes the scores, reopening is audited — and bulletins
(R6.3)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from creation.models import Batch, CreationUnit, Programme
from creation.rules import unit_cycle
from creation.scope import user_scope
from portal.exceptions import ConflictError
from reporting.models import DocumentJob
from reporting.services import document_job_enqueue_on_commit
from scoring import rules
from scoring.bulletin import BULLETIN
from scoring.computations import compute
from scoring.models import (
    AcceptanceEvaluation,
    AcceptanceSettings,
    AdoptionClaim,
    Bulletin,
    Indicator,
    IndicatorReview,
    IndicatorValue,
    MediaOutlet,
    PeriodEvent,
    PeriodScore,
    ScoringPeriod,
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
    batch_publicity,
    latest_review,
    period_live_scores,
    veto_gauge,
)

# --- Permissions ------------------------------------------------------------------------------


def _require_unit_staff(user: Any, unit: CreationUnit) -> None:
    if not user_scope(user).can_edit_unit(unit.pk):
        raise PermissionDenied(_("Only the unit's own staff can claim its adoptions."))


def _require_office(user: Any, programme_id: int) -> None:
    if not user_scope(user).can_run_programme(programme_id):
        raise PermissionDenied(_("Only the programme's office can do this."))


# --- Catalogue --------------------------------------------------------------------------------


def _require_outlet_keeper(user: Any, programme: Programme | None) -> None:
    if not user_scope(user).can_change_outlet(programme.pk if programme else None):
        if programme is None:
            raise PermissionDenied(
                _("Only the national office changes the national catalogue of media outlets.")
            )
        raise PermissionDenied(_("Only the programme's office can do this."))


@transaction.atomic
def outlet_create(
    *,
    user: Any,
    name: str,
    tier: int | None,
    level: str = "",
    generic: bool = False,
    programme: Programme | None = None,
) -> MediaOutlet:
    """R6.2: the national office adds an outlet to the national catalogue, which every programme
    uses; the office of a provincial programme adds one of that programme's own."""
    _require_outlet_keeper(user, programme)
    outlet = MediaOutlet(
        name=name.strip(), tier=tier, level=level, generic=generic, programme=programme
    )
    outlet.full_clean()
    outlet.save()
    return outlet


# --- Periods ----------------------------------------------------------------------------------


def _locked_period_for(unit: CreationUnit, published_on: date) -> ScoringPeriod | None:
    """The closed period a publication date falls in for this unit, if any."""
    periods = ScoringPeriod.objects.filter(
        programme_id=unit.batch.programme_id,
        kind=unit.kind,
        status=ScoringPeriod.Status.CLOSED,
        start__lte=published_on,
        end__gte=published_on,
    )
    if unit.kind == CreationUnit.Kind.PROJECT:
        periods = periods.filter(batch_id=unit.batch_id)
    return periods.first()


def _require_open(unit: CreationUnit, published_on: date) -> None:
    period = _locked_period_for(unit, published_on)
    if period is not None:
        raise ValidationError(
            _(
                "The scoring period %(period)s is closed; its claims can no longer change. "
                "Ask the office to reopen it."
            )
            % {"period": period.label}
        )


@transaction.atomic
def period_ensure(
    *,
    programme: Programme,
    kind: str,
    half_year: rules.HalfYear | None = None,
    batch: Batch | None = None,
) -> ScoringPeriod:
    """The period row of a programme's zones for a half year (R6.3), or of a batch's projects
    over its cycle (R6.4); created open when missing."""
    if kind == ScoringPeriod.Kind.ZONE:
        if half_year is None:
            raise ValidationError(_("A zone period is a half year."))
        period, _created = ScoringPeriod.objects.get_or_create(
            programme=programme,
            kind=kind,
            start=half_year.start,
            defaults={"end": half_year.end, "label": str(half_year)},
        )
        return period
    if batch is None or batch.programme_id != programme.pk:
        raise ValidationError(_("A project period is the cycle of one batch of the programme."))
    period, _created = ScoringPeriod.objects.get_or_create(
        batch=batch,
        kind=kind,
        defaults={
            "programme": programme,
            "start": batch.cycle_start,
            "end": batch.cycle_end,
            "label": f"{batch.cycle_start:%Y}–{batch.cycle_end:%Y}",
        },
    )
    return period


def periods_sync(*, today: date) -> int:
    """Create the rows of every period that has started (idempotent; run daily and by the
    demo): the half years that overlap some zone's own cycle (C2, `CreationUnit.cycle`), one
    period per batch with projects that have started."""
    before = ScoringPeriod.objects.count()
    started = CreationUnit.objects.filter(start_date__lte=today)
    zone_starts = (
        started.filter(kind=CreationUnit.Kind.ZONE)
        .values_list("batch__programme_id", "start_date")
        .distinct()
    )
    halves: dict[int, set[rules.HalfYear]] = {}
    for programme_id, start_date in zone_starts:
        cycle = unit_cycle(start_date=start_date)
        halves.setdefault(programme_id, set()).update(
            rules.half_years_between(cycle.start, min(cycle.end, today))
        )
    programmes = Programme.objects.in_bulk(list(halves))
    for programme_id, programme_halves in halves.items():
        for half in sorted(programme_halves, key=lambda h: h.start):
            period_ensure(programme=programmes[programme_id], kind="zone", half_year=half)
    project_batches = Batch.objects.select_related("programme").filter(
        pk__in=started.filter(kind=CreationUnit.Kind.PROJECT).values("batch_id")
    )
    for batch in project_batches:
        period_ensure(programme=batch.programme, kind="project", batch=batch)
    return ScoringPeriod.objects.count() - before


@transaction.atomic
def period_close(*, period: ScoringPeriod, user: Any, now: datetime | None = None) -> ScoringPeriod:
    """R6.3: the office closes a period: every unit's score is frozen into PeriodScore rows with
    its rank, and the period's claims are locked."""
    _require_office(user, period.programme_id)
    period = ScoringPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(_("This period is already closed."))
    now = now or timezone.now()
    scores = period_live_scores(period=period, now=now)
    # Frozen scores are decisions: never deleted. Closing again after a reopening changes only
    # the rows that moved, one save each, so that the audit trail holds every change.
    frozen = {row.unit_id: row for row in PeriodScore.objects.filter(period=period)}
    for s in scores:
        values = {
            "all_on_time": s.all_on_time,
            "base": s.base,
            "bonus": s.bonus,
            "total": s.total,
            "rank": s.rank,
            "tier_counts": list(s.tier_counts),
        }
        row = frozen.get(s.unit_id)
        if row is None:
            PeriodScore(period=period, unit_id=s.unit_id, **values).save()
            continue
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            row.save(update_fields=changed)
    period.status = ScoringPeriod.Status.CLOSED
    period.closed_at = now
    period.closed_by = user
    period.full_clean()
    period.save(update_fields=["status", "closed_at", "closed_by"])
    PeriodEvent.objects.create(period=period, action=PeriodEvent.Action.CLOSED, actor=user, at=now)
    return period


@transaction.atomic
def period_reopen(
    *, period: ScoringPeriod, user: Any, reason: str, now: datetime | None = None
) -> ScoringPeriod:
    """R6.3: a closed period changes only through a reopening with a written reason, kept in the
    period's events. The frozen scores stay until it is closed again; a published bulletin
    stays on record."""
    _require_office(user, period.programme_id)
    period = ScoringPeriod.objects.select_for_update().get(pk=period.pk)
    if not period.is_closed:
        raise ValidationError(_("Only a closed period can be reopened."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for reopening the period.")})
    now = now or timezone.now()
    period.status = ScoringPeriod.Status.OPEN
    period.full_clean()
    period.save(update_fields=["status"])
    PeriodEvent.objects.create(
        period=period, action=PeriodEvent.Action.REOPENED, actor=user, at=now, reason=reason.strip()
    )
    return period


@transaction.atomic
def bulletin_publish(
    *,
    period: ScoringPeriod,
    user: Any,
    number: str,
    published_on: date | None,
    now: datetime | None = None,
) -> Bulletin:
    """R6.3: the office circulates the results of a closed period to all units of the
    programme, under a document number."""
    _require_office(user, period.programme_id)
    period = ScoringPeriod.objects.select_for_update().get(pk=period.pk)
    if not period.is_closed:
        raise ValidationError(_("Close the period before publishing its bulletin."))
    if published_on is None:
        raise ValidationError({"published_on": _("Give the date of issue.")})
    if Bulletin.objects.filter(period=period).exists():
        raise ValidationError(_("The bulletin of this period is already published."))
    now = now or timezone.now()
    bulletin = Bulletin(
        period=period,
        number=(number or "").strip(),
        published_on=published_on,
        published_by=user,
        published_at=now,
    )
    bulletin.full_clean()
    bulletin.save()
    PeriodEvent.objects.create(
        period=period,
        action=PeriodEvent.Action.PUBLISHED,
        actor=user,
        at=now,
        reason=bulletin.number,
    )
    return bulletin


# --- Claims -----------------------------------------------------------------------------------


def _duplicate_exists(claim: AdoptionClaim) -> bool:
    # R6.2: the same article in the same outlet counts once.
    return (
        AdoptionClaim.objects.filter(
            unit_id=claim.unit_id,
            outlet_id=claim.outlet_id,
            outlet_key=claim.outlet_key,
            title_key=claim.title_key,
            status__in=[AdoptionClaim.Status.CLAIMED, AdoptionClaim.Status.VERIFIED],
        )
        .exclude(pk=claim.pk)
        .exists()
    )


@transaction.atomic
def claim_create(
    *,
    unit: CreationUnit,
    user: Any,
    outlet: MediaOutlet,
    title: str,
    published_on: date,
    link: str = "",
    scan: UploadedFile | None = None,
    outlet_name: str = "",
    now: datetime | None = None,
) -> AdoptionClaim:
    """R6.2: the unit claims that one of its articles was adopted and published, with evidence
    (a link, a scan or both). It counts once the office has verified it."""
    _require_unit_staff(user, unit)
    now = now or timezone.now()
    if published_on and published_on > timezone.localdate(now):
        raise ValidationError({"published_on": _("The publication date cannot be in the future.")})
    if outlet.programme_id not in (None, unit.batch.programme_id):
        raise ValidationError(
            {"outlet": _("This outlet belongs to another programme's own list of outlets.")}
        )
    claim = AdoptionClaim(
        unit=unit,
        outlet=outlet,
        outlet_name=outlet_name if outlet.generic else "",
        title=title,
        published_on=published_on,
        link=link,
        claimed_by=user,
        claimed_at=now,
        tier=outlet.tier_for(unit.level),
    )
    if scan is not None:
        claim.scan = scan
        claim.scan_name = scan.name[:200]
    claim.full_clean()
    if claim.tier is None:
        raise ValidationError(
            {"outlet": _("This outlet is not at a level that scores for this unit.")}
        )
    _require_open(unit, published_on)
    if _duplicate_exists(claim):
        raise ValidationError(
            {"title": _("This article has already been claimed for this outlet.")}
        )
    claim.save()
    return claim


# The claimant's account may since have been deleted (SET_NULL): the claim stays reviewable.
CLAIMANT = ["claimed_by"]


def _claim_for_update(claim: AdoptionClaim) -> AdoptionClaim:
    locked = AdoptionClaim.objects.select_for_update().get(pk=claim.pk)
    return AdoptionClaim.objects.select_related("unit__batch", "outlet").get(pk=locked.pk)


@transaction.atomic
def claim_withdraw(*, claim: AdoptionClaim, user: Any) -> AdoptionClaim:
    """The unit takes back a claim the office has not yet decided."""
    claim = _claim_for_update(claim)
    _require_unit_staff(user, claim.unit)
    if claim.status != AdoptionClaim.Status.CLAIMED:
        raise ValidationError(_("Only a claim still waiting for the office can be withdrawn."))
    _require_open(claim.unit, claim.published_on)
    claim.status = AdoptionClaim.Status.WITHDRAWN
    claim.full_clean(exclude=CLAIMANT)
    claim.save(update_fields=["status"])
    return claim


def _require_reviewer(user: Any, claim: AdoptionClaim) -> None:
    _require_office(user, claim.unit.batch.programme_id)
    scope = user_scope(user)
    if claim.unit_id in scope.staff_unit_ids or (
        claim.claimed_by_id is not None and claim.claimed_by_id == getattr(user, "pk", None)
    ):
        # Nobody verifies their own unit's claims.
        raise PermissionDenied(_("You cannot review the claims of your own unit."))


@transaction.atomic
def claim_verify(*, claim: AdoptionClaim, user: Any, now: datetime | None = None) -> AdoptionClaim:
    """R6.2: the office confirms the adoption: from now on it adds the points of its tier."""
    claim = _claim_for_update(claim)
    _require_reviewer(user, claim)
    if claim.status != AdoptionClaim.Status.CLAIMED:
        raise ValidationError(_("Only a claim waiting for the office can be verified."))
    _require_open(claim.unit, claim.published_on)
    if (
        AdoptionClaim.objects.filter(
            unit_id=claim.unit_id,
            outlet_id=claim.outlet_id,
            outlet_key=claim.outlet_key,
            title_key=claim.title_key,
            status=AdoptionClaim.Status.VERIFIED,
        )
        .exclude(pk=claim.pk)
        .exists()
    ):
        # R6.2: the same article in the same outlet counts once.
        raise ConflictError(
            _("The same article in the same outlet is already verified; it counts once.")
        )
    claim.status = AdoptionClaim.Status.VERIFIED
    claim.tier = claim.outlet.tier_for(claim.unit.level)
    claim.reviewed_by = user
    claim.reviewed_at = now or timezone.now()
    claim.reject_reason = ""
    claim.full_clean(exclude=CLAIMANT)
    try:
        with transaction.atomic():
            claim.save(
                update_fields=["status", "tier", "reviewed_by", "reviewed_at", "reject_reason"]
            )
    except IntegrityError as error:  # a concurrent verification of the same article
        raise ConflictError(
            _("The same article in the same outlet is already verified; it counts once.")
        ) from error
    return claim


@transaction.atomic
def claim_reject(
    *, claim: AdoptionClaim, user: Any, reason: str, now: datetime | None = None
) -> AdoptionClaim:
    """R6.2: the office refuses the claim, saying why; it counts nothing."""
    claim = _claim_for_update(claim)
    _require_reviewer(user, claim)
    if claim.status != AdoptionClaim.Status.CLAIMED:
        raise ValidationError(_("Only a claim waiting for the office can be rejected."))
    if not (reason or "").strip():
        raise ValidationError({"reject_reason": _("Give the reason for the rejection.")})
    _require_open(claim.unit, claim.published_on)
    claim.status = AdoptionClaim.Status.REJECTED
    claim.reject_reason = reason.strip()
    claim.reviewed_by = user
    claim.reviewed_at = now or timezone.now()
    claim.full_clean(exclude=CLAIMANT)
    claim.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at"])
    return claim


# --- Bulletin documents -----------------------------------------------------------------------


@transaction.atomic
def bulletin_document_request(*, bulletin: Bulletin, user: Any, format: str) -> DocumentJob:
    """Queue the bulletin's PDF or Word file (reporting.documents) for a worker; it belongs to the
    programme, so every unit of the programme may download it. Read-only accounts change
    nothing."""
    if user_scope(user).read_only:
        raise PermissionDenied(_("This account only reads."))
    if not Bulletin.objects.visible_to(user).filter(pk=bulletin.pk).exists():
        raise PermissionDenied(_("You cannot see this bulletin."))
    if format not in DocumentJob.Format.values:
        raise ValidationError({"format": _("Choose PDF or Word (.docx).")})
    # The job is scoped by its programme (no unit): every unit of the programme may read it.
    job = DocumentJob(
        kind=BULLETIN,
        format=format,
        params={"bulletin": bulletin.pk},
        unit=None,
        programme_id=bulletin.period.programme_id,
        requested_by=user,
        language=get_language() or django_settings.LANGUAGE_CODE,
    )
    job.full_clean()
    job.save()
    document_job_enqueue_on_commit(job)
    return job


def _require_unit_office(user: Any, unit: CreationUnit) -> None:
    """Only the office of the unit's programme decides on its veto items and acceptance."""
    if not user_scope(user).can_run_programme(unit.batch.programme_id):
        raise PermissionDenied


@transaction.atomic
def veto_override_create(
    *, user: Any, unit: CreationUnit, item: str, decision: str, reason: str
) -> VetoOverride:
    """R6.6: the office overrides one veto item of a unit, with a written reason. The row is the
    audit record; a later row (or a "revoke" row) replaces it, nothing is deleted."""
    _require_unit_office(user, unit)
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
    _require_unit_office(user, unit)
    indicators = list(Indicator.objects.for_unit(unit))
    if not indicators:
        raise ValidationError(_("No creation standard with indicators applies to this unit."))
    numbers = AcceptanceSettings.for_programme(unit.batch.programme_id).numbers()
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
        _(
            "Publicity share: %(share)s × %(points)d / %(best)d (best of the batch and kind) = %(score)s"
        )
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
        lines.append(f"  [{row['status_label']}] {row['label']}: {row['message']}{suffix}")
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
    indicator values, its publicity points against the best of its batch and kind (C4) and its
    veto gauge. A new row each time, its parts frozen; the unit's status is not changed here."""
    _require_unit_office(user, unit)
    review = latest_review(unit=unit, stage=IndicatorReview.Stage.FINAL)
    if review is None:
        raise ValidationError(_("Record the unit's final indicator values first."))
    numbers = AcceptanceSettings.for_programme(unit.batch.programme_id).numbers()
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
    _require_unit_office(user, unit)
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
