"""Writes of scoring, one transaction each: the media catalogue, the adoption claim workflow
(R6.2), scoring periods — closing freezes the scores, reopening is audited — and bulletins
(R6.3)."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from creation.models import Batch, CreationUnit, Programme
from creation.scope import user_scope
from reporting.models import DocumentJob
from scoring import rules
from scoring.bulletin import BULLETIN
from scoring.models import (
    AdoptionClaim,
    Bulletin,
    MediaOutlet,
    PeriodEvent,
    PeriodScore,
    ScoringPeriod,
)
from scoring.selectors import period_live_scores

# --- Permissions ------------------------------------------------------------------------------


def _require_unit_staff(user: Any, unit: CreationUnit) -> None:
    if not user_scope(user).can_edit_unit(unit.pk):
        raise PermissionDenied(_("Only the unit's own staff can claim its adoptions."))


def _require_office(user: Any, programme_id: int) -> None:
    if not user_scope(user).can_run_programme(programme_id):
        raise PermissionDenied(_("Only the programme's office can do this."))


def _require_any_office(user: Any) -> None:
    scope = user_scope(user)
    if scope.read_only or not (scope.everything or scope.office_programme_ids):
        raise PermissionDenied(_("Only an office can do this."))


# --- Catalogue --------------------------------------------------------------------------------


@transaction.atomic
def outlet_create(
    *, user: Any, name: str, tier: int | None, level: str = "", generic: bool = False
) -> MediaOutlet:
    """R6.2: the office adds an outlet to the catalogue."""
    _require_any_office(user)
    outlet = MediaOutlet(name=name.strip(), tier=tier, level=level, generic=generic)
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
    demo): half years overlapping a batch cycle with zones, one period per batch with projects."""
    before = ScoringPeriod.objects.count()
    batches = Batch.objects.select_related("programme").filter(cycle_start__lte=today)
    kinds = set(
        CreationUnit.objects.filter(batch__in=batches).values_list("batch_id", "kind").distinct()
    )
    for batch in batches:
        if (batch.pk, CreationUnit.Kind.ZONE) in kinds:
            for half in rules.half_years_between(batch.cycle_start, min(batch.cycle_end, today)):
                period_ensure(programme=batch.programme, kind="zone", half_year=half)
        if (batch.pk, CreationUnit.Kind.PROJECT) in kinds:
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
    PeriodScore.objects.filter(period=period).delete()
    PeriodScore.objects.bulk_create(
        PeriodScore(
            period=period,
            unit_id=s.unit_id,
            all_on_time=s.all_on_time,
            base=s.base,
            bonus=s.bonus,
            total=s.total,
            rank=s.rank,
            tier_counts=list(s.tier_counts),
        )
        for s in scores
    )
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
        raise ValidationError(
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
        raise ValidationError(
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
    from reporting.services import _document_job_enqueue
    from reporting.tasks import document_job_run_task

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
    transaction.on_commit(partial(_document_job_enqueue, document_job_run_task, job.pk))
    return job
