"""Reads of scoring, each starting from `visible_to(user)`.

Scores are computed set-based: whatever the number of units, a period is scored with a fixed
number of queries (units, late obligations, verified adoptions, settings)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from creation.models import CreationUnit
from creation.scope import user_scope
from reporting.models import Obligation, Submission
from reporting.rules import R5_2_TYPES, SHANGHAI, due_moment
from scoring import rules
from scoring.models import (
    AdoptionClaim,
    Bulletin,
    MediaOutlet,
    PeriodEvent,
    PeriodScore,
    ScoringPeriod,
    ScoringSettings,
)

R5_2_TYPE_VALUES = sorted(str(t) for t in R5_2_TYPES)


def _period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """A period's obligations are those due from the first moment of its first day to the last
    moment of its last day, Asia/Shanghai (R5.2)."""
    return (
        datetime.combine(start, datetime.min.time(), tzinfo=SHANGHAI),
        due_moment(end),
    )


def _late_q() -> Q:
    # R6.1: not on time = not accepted, or never submitted, or first submitted after the due moment
    # (the set-based form of reporting.rules.is_on_time).
    on_time = Q(
        submission__status=Submission.Status.ACCEPTED,
        submission__first_submitted_at__isnull=False,
        submission__first_submitted_at__lte=F("due_at"),
    )
    return ~on_time


def _late_pairs(unit_ids: Any, since: datetime, until: datetime) -> list[tuple[int, Any]]:
    """(unit id, due moment) of every R5.2 item due in [since, until] not submitted on time.
    `unit_ids`: a list, or a subquery of ids (many units, no list of parameters)."""
    return list(
        Obligation.objects.filter(
            unit_id__in=unit_ids,
            type__in=R5_2_TYPE_VALUES,
            due_at__gte=since,
            due_at__lte=until,
        )
        .filter(_late_q())
        .values_list("unit_id", "due_at")
    )


def _verified_rows(unit_ids: Iterable[int], start: date, end: date) -> list[tuple[int, int, date]]:
    return list(
        AdoptionClaim.objects.filter(
            unit_id__in=list(unit_ids),
            status=AdoptionClaim.Status.VERIFIED,
            published_on__gte=start,
            published_on__lte=end,
            tier__isnull=False,
        ).values_list("unit_id", "tier", "published_on")
    )


class UnitRow(NamedTuple):
    """What scoring needs of a unit; thousands of these are cheaper than model instances."""

    pk: int
    name: str
    batch_id: int


def score_units(
    *,
    units: Sequence[UnitRow | CreationUnit],
    start: date,
    end: date,
    settings: ScoringSettings,
    now: datetime | None = None,
    unit_ids: QuerySet | None = None,
) -> list[rules.UnitScore]:
    """R6.1–R6.3: the score of each unit in [start, end], ranked per batch. While the period runs
    only the obligations already due count (a live score). Two queries whatever len(units);
    `unit_ids` (a subquery of the same units' ids) keeps them short for thousands of units."""
    now = now or timezone.now()
    since, until = _period_bounds(start, end)
    until = min(until, now)
    ids: Any = unit_ids if unit_ids is not None else [u.pk for u in units]
    late_units = {unit_id for unit_id, _due in _late_pairs(ids, since, until)} if units else set()
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    if units:
        for row in (
            AdoptionClaim.objects.filter(
                unit_id__in=ids,
                status=AdoptionClaim.Status.VERIFIED,
                published_on__gte=start,
                published_on__lte=end,
                tier__isnull=False,
            )
            .order_by()
            .values("unit_id", "tier")
            .annotate(n=Count("pk"))
        ):
            counts[row["unit_id"]][row["tier"]] = row["n"]
    tier_points = settings.tier_points()
    return rules.rank(
        rules.unit_score(
            unit_id=u.pk,
            all_on_time=u.pk not in late_units,
            tier_counts=counts.get(u.pk, {}),
            base_points=settings.base_points,
            tier_points=tier_points,
            name=u.name,
            group=(u.batch_id,),
        )
        for u in units
    )


def period_units(period: ScoringPeriod) -> QuerySet[CreationUnit]:
    """The units scored in a period: of the programme and kind, not withdrawn, whose batch cycle
    overlaps the period (for a project period: the units of its batch)."""
    units = CreationUnit.objects.filter(
        batch__programme_id=period.programme_id, kind=period.kind
    ).exclude(status=CreationUnit.Status.WITHDRAWN)
    if period.batch_id:
        units = units.filter(batch_id=period.batch_id)
    else:
        units = units.filter(batch__cycle_start__lte=period.end, batch__cycle_end__gte=period.start)
    return units.select_related("batch").order_by("batch_id", "name", "pk")


def period_live_scores(
    *, period: ScoringPeriod, now: datetime | None = None
) -> list[rules.UnitScore]:
    """The scores of every unit of the period as they stand now (R6.1–R6.3), ranked."""
    settings = ScoringSettings.for_programme(period.programme_id)
    units = period_units(period)
    return score_units(
        units=[UnitRow(*row) for row in units.values_list("pk", "name", "batch_id")],
        start=period.start,
        end=period.end,
        settings=settings,
        now=now,
        unit_ids=units.order_by().values("pk"),
    )


def period_scores(*, period: ScoringPeriod, now: datetime | None = None) -> list[rules.UnitScore]:
    """Frozen scores of a closed period, live ones of an open period; ranked, rank order."""
    if period.is_closed:
        rows = (
            PeriodScore.objects.filter(period=period)
            .select_related("unit")
            .order_by("unit__batch_id", "rank", "unit__name", "unit_id")
        )
        return [
            rules.UnitScore(
                unit_id=r.unit_id,
                base=r.base,
                bonus=r.bonus,
                tier_counts=tuple(r.tier_counts or (0, 0, 0, 0, 0)),  # type: ignore[arg-type]
                name=r.unit.name,
                all_on_time=r.all_on_time,
                rank=r.rank,
                group=(r.unit.batch_id,),
            )
            for r in rows
        ]
    return period_live_scores(period=period, now=now)


def cycle_publicity_points(
    *, unit_ids: Iterable[int], now: datetime | None = None
) -> dict[int, int]:
    """R6.5: each unit's publicity points over its whole creation cycle: for every scoring period
    of the cycle that has started, the base (R6.1) plus its verified adoption points (R6.2). A
    closed period counts with its frozen score. A fixed number of queries for any number of
    units."""
    now = now or timezone.now()
    today = timezone.localtime(now, SHANGHAI).date()
    ids = list(unit_ids)
    if not ids:
        return {}
    units = list(
        CreationUnit.objects.filter(pk__in=ids).values_list(
            "pk",
            "kind",
            "batch_id",
            "batch__programme_id",
            "batch__cycle_start",
            "batch__cycle_end",
        )
    )
    programme_ids = {u[3] for u in units}
    settings = {
        s.programme_id: s for s in ScoringSettings.objects.filter(programme_id__in=programme_ids)
    }
    frozen: dict[tuple[int, date], int] = {
        (unit_id, start): total
        for unit_id, start, total in PeriodScore.objects.filter(
            unit_id__in=ids, period__status=ScoringPeriod.Status.CLOSED
        ).values_list("unit_id", "period__start", "total")
    }
    earliest = min(u[4] for u in units)
    late = _late_pairs(ids, _period_bounds(earliest, earliest)[0], now)
    late_by_unit: dict[int, list[datetime]] = defaultdict(list)
    for unit_id, due in late:
        late_by_unit[unit_id].append(due)
    claims_by_unit: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for unit_id, tier, published in _verified_rows(ids, earliest, date.max):
        claims_by_unit[unit_id].append((tier, published))

    for programme_id in programme_ids - set(settings):
        settings[programme_id] = ScoringSettings(programme_id=programme_id)
    tier_points = {p: s.tier_points() for p, s in settings.items()}
    windows_of: dict[tuple[str, date, date], list[tuple[date, date]]] = {}
    out: dict[int, int] = {}
    for unit_id, kind, _batch, programme_id, cycle_start, cycle_end in units:
        setting = settings[programme_id]
        points = tier_points[programme_id]
        key = (kind, cycle_start, cycle_end)
        if key not in windows_of:
            windows_of[key] = [
                w
                for w in rules.cycle_windows(
                    kind=kind, cycle_start=cycle_start, cycle_end=cycle_end
                )
                if w[0] <= today
            ]
        total = 0
        for start, end in windows_of[key]:
            if (unit_id, start) in frozen:
                total += frozen[(unit_id, start)]
                continue
            since, until = _period_bounds(start, end)
            all_on_time = not any(since <= due <= until for due in late_by_unit.get(unit_id, ()))
            total += rules.publicity_base(all_on_time=all_on_time, points=setting.base_points)
            total += sum(
                rules.adoption_points(tier, points)
                for tier, published in claims_by_unit.get(unit_id, ())
                if start <= published <= end
            )
        out[unit_id] = total
    return out


# --- Lists -----------------------------------------------------------------------------------------


def outlet_list(*, user: Any) -> QuerySet[MediaOutlet]:
    return MediaOutlet.objects.visible_to(user)


def claim_list(*, user: Any) -> QuerySet[AdoptionClaim]:
    return AdoptionClaim.objects.visible_to(user).select_related(
        "unit", "outlet", "claimed_by", "reviewed_by"
    )


def claim_queue(*, user: Any) -> QuerySet[AdoptionClaim]:
    """The claims waiting for the office of the programmes the user reviews for, oldest first."""
    scope = user_scope(user)
    queue = claim_list(user=user).filter(status=AdoptionClaim.Status.CLAIMED)
    if not scope.everything:
        queue = queue.filter(unit__batch__programme__in=scope.office_programme_ids)
    return queue.order_by("claimed_at", "pk")


def period_list(*, user: Any) -> QuerySet[ScoringPeriod]:
    return ScoringPeriod.objects.visible_to(user).select_related("programme", "batch", "bulletin")


def period_events(*, period: ScoringPeriod) -> QuerySet[PeriodEvent]:
    return period.events.select_related("actor").order_by("at", "pk")


def bulletin_list(*, user: Any) -> QuerySet[Bulletin]:
    return Bulletin.objects.visible_to(user).select_related("period__programme", "period__batch")


def score_list(*, user: Any) -> QuerySet[PeriodScore]:
    return PeriodScore.objects.visible_to(user).select_related(
        "unit", "period__programme", "period__batch"
    )


def unit_period_windows(unit: CreationUnit, *, today: date) -> list[tuple[date, date]]:
    """The scoring periods of a unit's cycle that have started, newest first."""
    windows = rules.cycle_windows(
        kind=unit.kind, cycle_start=unit.batch.cycle_start, cycle_end=unit.batch.cycle_end
    )
    return [w for w in reversed(windows) if w[0] <= today]


def unit_live_score(
    *, unit: CreationUnit, start: date, end: date, now: datetime | None = None
) -> rules.UnitScore:
    settings = ScoringSettings.for_programme(unit.batch.programme_id)
    return score_units(units=[unit], start=start, end=end, settings=settings, now=now)[0]


def unit_late_obligations(
    *, unit: CreationUnit, start: date, end: date, now: datetime | None = None
) -> QuerySet[Obligation]:
    """R6.1: the reason for a zero base: the R5.2 items of the period not submitted on time."""
    since, until = _period_bounds(start, end)
    until = min(until, now or timezone.now())
    return (
        Obligation.objects.filter(
            unit=unit, type__in=R5_2_TYPE_VALUES, due_at__gte=since, due_at__lte=until
        )
        .filter(_late_q())
        .select_related("submission")
        .order_by("due_at")
    )


def period_ranking(
    *, period: ScoringPeriod, user: Any, now: datetime | None = None
) -> list[rules.UnitScore]:
    """The ranking of a period for a user: every unit once the bulletin is published (R6.3: it
    goes to all units of the programme); before that only the units the user may see."""
    rows = period_scores(period=period, now=now)
    if Bulletin.objects.filter(period=period).exists() or user_scope(user).everything:
        return rows
    visible = set(
        CreationUnit.objects.visible_to(user)
        .filter(pk__in=[r.unit_id for r in rows])
        .values_list("pk", flat=True)
    )
    return [r for r in rows if r.unit_id in visible]
