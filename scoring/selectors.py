"""Reads of scoring, each starting from `visible_to(user)`.

Scores are computed set-based: whatever the number of units, a period is scored with a fixed
number of queries (units, late obligations, verified adoptions, settings)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.conf import settings as django_settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language

from creation.figures import stored_figures, stored_veto_statuses
from creation.models import (
    Batch,
    CreationUnit,
    Department,
    GroupMember,
    GroupOffice,
    LeadershipGroup,
    Liaison,
)
from creation.rules import LeadershipFacts, LiaisonFact, MemberFact, earliest_start_reaching
from creation.scope import user_scope
from funds.models import Expenditure, FundPlanVersion
from funds.rules import PlanStatus
from portal.cache import cached_per_unit
from reporting.models import Obligation, on_time_q
from reporting.rules import R5_2_TYPES, SHANGHAI, due_moment, is_submitted
from scoring import rules
from scoring.models import (
    AcceptanceEvaluation,
    AcceptanceSettings,
    AdoptionClaim,
    Bulletin,
    CreationStandard,
    Indicator,
    IndicatorReview,
    IndicatorValue,
    MediaOutlet,
    PeriodEvent,
    PeriodScore,
    PublicityStanding,
    ScoringPeriod,
    ScoringSettings,
    VetoOverride,
)
from scoring.rules import (
    GAUGE_STATUS_LABELS,
    AcceptanceNumbers,
    GaugeLine,
    GaugeStatus,
    ObligationFact,
    OverrideFact,
    VetoFacts,
    VetoItem,
    gauge_lines,
    gauge_status,
    veto_items,
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
    # R6.1, C1: an item counts against the base unless it was submitted on time
    # (reporting.models.on_time_q, the set-based form of reporting.rules.is_on_time).
    return ~on_time_q()


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


class UnitRow(NamedTuple):
    """What scoring needs of a unit; thousands of these are cheaper than model instances."""

    pk: int
    name: str
    batch_id: int


Window = tuple[date, date]


def score_units(
    *,
    units: Sequence[UnitRow | CreationUnit],
    start: date,
    end: date,
    settings: ScoringSettings,
    now: datetime | None = None,
    unit_ids: QuerySet | None = None,
) -> list[rules.UnitScore]:
    """R6.1–R6.3: the score of each unit in [start, end], ranked per batch (`scores_by_window`
    for one window)."""
    window = (start, end)
    return scores_by_window(
        units_by_window={window: units}, settings=settings, now=now, unit_ids=unit_ids
    )[window]


def scores_by_window(
    *,
    units_by_window: dict[Window, Sequence[UnitRow | CreationUnit]],
    settings: ScoringSettings,
    now: datetime | None = None,
    unit_ids: QuerySet | None = None,
) -> dict[Window, list[rules.UnitScore]]:
    """R6.1–R6.3: the score of each unit in each window [start, end] given with it, ranked per
    batch within the window. While a window runs only the obligations already due count (a live
    score). Two queries whatever the number of units and windows (the late items and the
    verified adoptions of all windows at once, shared out by date); `unit_ids` (a subquery of
    the ids of all the units) keeps them short for thousands of units."""
    now = now or timezone.now()
    windows = [window for window, units in units_by_window.items() if units]
    if not windows:
        return {window: [] for window in units_by_window}
    bounds = {}
    for start, end in windows:
        since, until = _period_bounds(start, end)
        bounds[(start, end)] = (since, min(until, now))
    ids: Any = (
        unit_ids
        if unit_ids is not None
        else sorted({u.pk for window in windows for u in units_by_window[window]})
    )
    late = _late_pairs(
        ids, min(since for since, _ in bounds.values()), max(until for _, until in bounds.values())
    )
    late_units = {
        window: {unit_id for unit_id, due in late if since <= due <= until}
        for window, (since, until) in bounds.items()
    }
    in_window = {
        f"w{i}": Count("pk", filter=Q(published_on__gte=start, published_on__lte=end))
        for i, (start, end) in enumerate(windows)
    }
    counts: dict[Window, dict[int, dict[int, int]]] = {w: defaultdict(dict) for w in windows}
    for row in (
        AdoptionClaim.objects.filter(
            unit_id__in=ids,
            status=AdoptionClaim.Status.VERIFIED,
            published_on__gte=min(start for start, _ in windows),
            published_on__lte=max(end for _, end in windows),
            tier__isnull=False,
        )
        .order_by()
        .values("unit_id", "tier")
        .annotate(**in_window)
    ):
        for i, window in enumerate(windows):
            if row[f"w{i}"]:
                counts[window][row["unit_id"]][row["tier"]] = row[f"w{i}"]
    tier_points = settings.tier_points()
    return {
        window: rules.rank(
            rules.unit_score(
                unit_id=u.pk,
                all_on_time=u.pk not in late_units[window],
                tier_counts=counts[window].get(u.pk, {}),
                base_points=settings.base_points,
                tier_points=tier_points,
                name=u.name,
                group=(u.batch_id,),
            )
            for u in units_by_window[window]
        )
        if window in counts
        else []
        for window in units_by_window
    }


def publicity_peers(*, batch_ids: Iterable[int] | QuerySet, kind: str) -> QuerySet[CreationUnit]:
    """C4 (R6.5), R6.3: the units a unit is ranked and scaled against: those of the same batch and
    the same kind (zones against zones, projects against projects). Withdrawn units take no
    part. Every live ranking and the acceptance share start here."""
    return CreationUnit.objects.filter(batch_id__in=batch_ids, kind=kind).exclude(
        status=CreationUnit.Status.WITHDRAWN
    )


def publicity_ranking(
    *,
    programme_id: int,
    kind: str,
    batch_ids: Iterable[int] | QuerySet,
    start: date,
    end: date,
    now: datetime | None = None,
    settings: ScoringSettings | None = None,
) -> list[rules.UnitScore]:
    """R6.1–R6.3, C4: the live scores of the `publicity_peers` of the batches in [start, end],
    ranked within each batch (`publicity_rankings` for one window): the one live ranking of the
    period pages, the bulletin, the status API, the dashboard and a unit's publicity page."""
    window = (start, end)
    return publicity_rankings(
        programme_id=programme_id,
        kind=kind,
        batch_ids=batch_ids,
        windows=[window],
        now=now,
        settings=settings,
    )[window]


def publicity_rankings(
    *,
    programme_id: int,
    kind: str,
    batch_ids: Iterable[int] | QuerySet,
    windows: Sequence[Window],
    now: datetime | None = None,
    settings: ScoringSettings | None = None,
) -> dict[Window, list[rules.UnitScore]]:
    """R6.1–R6.3, C4: the live scores of the `publicity_peers` of the batches in each window,
    ranked within each batch. C2: in a window, the zones are those whose own cycle overlaps it
    (`CreationUnitQuerySet.cycle_overlapping`); each project is scored over its own cycle
    (R6.4), whatever the window says. Three queries for the zones of any number of windows,
    three per distinct project cycle."""
    if not windows:
        return {}
    units = publicity_peers(batch_ids=batch_ids, kind=kind).order_by("batch_id", "name", "pk")
    settings = settings or ScoringSettings.for_programme(programme_id)
    if kind != CreationUnit.Kind.PROJECT:
        units = units.cycle_overlapping(min(w[0] for w in windows), max(w[1] for w in windows))
        rows = list(units.values_list("pk", "name", "batch_id", "start_date"))
        # cycle_overlapping(start, end) for each window, on the rows read once
        reaching = {start: earliest_start_reaching(start) for start, _end in windows}
        return scores_by_window(
            units_by_window={
                (start, end): [
                    UnitRow(pk, name, batch_id)
                    for pk, name, batch_id, start_date in rows
                    if reaching[start] <= start_date <= end
                ]
                for start, end in windows
            },
            settings=settings,
            now=now,
            unit_ids=units.order_by().values("pk"),
        )
    by_cycle: dict[date, list[UnitRow]] = defaultdict(list)
    for pk, name, batch_id, start_date in units.values_list("pk", "name", "batch_id", "start_date"):
        by_cycle[start_date].append(UnitRow(pk, name, batch_id))
    scores: list[rules.UnitScore] = []
    for start_date, rows in by_cycle.items():
        (window,) = rules.unit_windows(kind=kind, start_date=start_date)
        scores += score_units(
            units=rows, start=window[0], end=window[1], settings=settings, now=now
        )
    ranked = rules.rank(scores)
    return dict.fromkeys(windows, ranked)


def _period_batches(period: ScoringPeriod) -> QuerySet:
    """The batches of a period: a project period's own batch; for a zone period, every batch of
    the programme (which of their zones take part is decided by each zone's own cycle, C2)."""
    if period.batch_id:
        return Batch.objects.filter(pk=period.batch_id).values("pk")
    return Batch.objects.filter(programme_id=period.programme_id).values("pk")


def period_units(period: ScoringPeriod) -> QuerySet[CreationUnit]:
    """The units scored in a period: the `publicity_peers` of its batches and kind; for a zone
    period only the zones whose own cycle overlaps its half year (C2)."""
    units = publicity_peers(batch_ids=_period_batches(period), kind=period.kind)
    if period.kind != ScoringPeriod.Kind.PROJECT:
        units = units.cycle_overlapping(period.start, period.end)
    return units.select_related("batch").order_by("batch_id", "name", "pk")


def period_live_scores(
    *, period: ScoringPeriod, now: datetime | None = None
) -> list[rules.UnitScore]:
    """The scores of every unit of the period as they stand now (R6.1–R6.3), ranked."""
    return publicity_ranking(
        programme_id=period.programme_id,
        kind=period.kind,
        batch_ids=_period_batches(period),
        start=period.start,
        end=period.end,
        now=now,
    )


def period_scores(*, period: ScoringPeriod, now: datetime | None = None) -> list[rules.UnitScore]:
    """Frozen scores of a closed period, live ones of an open period; ranked, rank order."""
    if period.is_closed:
        # Plain values, not model instances: a bulletin reads thousands of rows.
        rows = (
            PeriodScore.objects.filter(period=period)
            .order_by("unit__batch_id", "rank", "unit__name", "unit_id")
            .values_list(
                "unit_id",
                "base",
                "bonus",
                "tier_counts",
                "unit__name",
                "all_on_time",
                "rank",
                "unit__batch_id",
            )
        )
        return [
            rules.UnitScore(
                unit_id=unit_id,
                base=base,
                bonus=bonus,
                tier_counts=tuple(tier_counts or (0, 0, 0, 0, 0)),  # type: ignore[arg-type]
                name=name,
                all_on_time=all_on_time,
                rank=rank,
                group=(batch_id,),
            )
            for unit_id, base, bonus, tier_counts, name, all_on_time, rank, batch_id in rows
        ]
    return period_live_scores(period=period, now=now)


def cycle_publicity_points(
    *, unit_ids: Iterable[int], now: datetime | None = None
) -> dict[int, int]:
    """R6.5: each unit's publicity points over its whole creation cycle: for every scoring period
    of the cycle that has started, its total (R6.1 + R6.2): frozen for a closed period, else the
    live score of `scores_by_window`. Two queries per programme besides the units and the
    frozen scores, for any number of units."""
    now = now or timezone.now()
    today = timezone.localtime(now, SHANGHAI).date()
    ids = list(unit_ids)
    if not ids:
        return {}
    units = list(
        CreationUnit.objects.filter(pk__in=ids).values_list(
            "pk", "name", "kind", "batch_id", "batch__programme_id", "start_date"
        )
    )
    settings = ScoringSettings.for_programmes({u[4] for u in units})
    # A zone's frozen score is found by its half year; a project's by its one period, whose row
    # carries its batch's dates while the project is scored over its own cycle (C2).
    frozen: dict[tuple[int, date | None], int] = {
        (unit_id, None if kind == ScoringPeriod.Kind.PROJECT else start): total
        for unit_id, kind, start, total in PeriodScore.objects.filter(
            unit_id__in=ids, period__status=ScoringPeriod.Status.CLOSED
        ).values_list("unit_id", "period__kind", "period__start", "total")
    }
    windows_of: dict[tuple[str, date], list[Window]] = {}
    live: dict[int, dict[Window, list[UnitRow]]] = defaultdict(lambda: defaultdict(list))
    out: dict[int, int] = {}
    for unit_id, name, kind, batch_id, programme_id, start_date in units:
        key = (kind, start_date)
        if key not in windows_of:
            windows_of[key] = [
                w for w in rules.unit_windows(kind=kind, start_date=start_date) if w[0] <= today
            ]
        out[unit_id] = 0
        for window in windows_of[key]:
            frozen_key = (unit_id, None if kind == CreationUnit.Kind.PROJECT else window[0])
            if frozen_key in frozen:
                out[unit_id] += frozen[frozen_key]
            else:
                live[programme_id][window].append(UnitRow(unit_id, name, batch_id))
    for programme_id, units_by_window in live.items():
        scored = scores_by_window(
            units_by_window=units_by_window, settings=settings[programme_id], now=now
        )
        for scores in scored.values():
            for score in scores:
                out[score.unit_id] += score.total
    return out


# --- Lists -----------------------------------------------------------------------------------------


def outlet_list(*, user: Any) -> QuerySet[MediaOutlet]:
    return MediaOutlet.objects.visible_to(user).select_related("programme")


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
    windows = rules.unit_windows(kind=unit.kind, start_date=unit.cycle_start)
    return [w for w in reversed(windows) if w[0] <= today]


def unit_live_score(
    *, unit: CreationUnit, start: date, end: date, now: datetime | None = None
) -> rules.UnitScore:
    settings = ScoringSettings.for_programme(unit.batch.programme_id)
    return score_units(units=[unit], start=start, end=end, settings=settings, now=now)[0]


class LiveStanding(NamedTuple):
    """A unit's live score in one of its periods, and its (rank, units ranked) among its batch
    and kind (C4); no rank for a unit that takes no part (withdrawn)."""

    score: rules.UnitScore
    rank: tuple[int, int] | None


def unit_live_standings(
    *,
    unit: CreationUnit,
    windows: list[Window],
    now: datetime | None = None,
    settings: ScoringSettings | None = None,
) -> dict[date, LiveStanding]:
    """R6.1–R6.3, C4: the unit's live score in each of its live periods (by start), and its rank
    there among the stored standings of its peers (`PublicityStanding`, which every write keeps
    with the peers' figures): the order and the peers of `publicity_rankings`, so the unit sees
    the rank the status API and the office see, without scoring its whole batch. Three queries
    whatever the number of periods; two for a unit that is ranked in none (a withdrawn unit)."""
    scores = unit_live_scores(unit=unit, windows=windows, now=now, settings=settings)
    if unit.status == CreationUnit.Status.WITHDRAWN:
        return {start: LiveStanding(score, None) for start, score in scores.items()}
    keys = {
        start: (
            rules.rank_group(batch_id=unit.batch_id, kind=unit.kind, period_start=start),
            rules.rank_text(score),
        )
        for start, score in scores.items()
    }
    ranks = _ranks_among_peers(unit_id=unit.pk, keys=list(keys.values()))
    return {start: LiveStanding(scores[start], ranks[keys[start]]) for start in scores}


def _ranks_among_peers(
    *, unit_id: int, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(rank, units ranked) of a unit's (rank group, rank text) pairs among the standings its
    peers stored in those groups (`rules.standing_rank`; its own standing left out, as its live
    text stands in for it, and counted once among the ranked). One query."""
    if not keys:
        return {}
    counts: dict[str, Any] = {}
    for index, (group, text) in enumerate(keys):
        counts[f"above_{index}"] = Count("pk", filter=PublicityStanding.above(group, text))
        counts[f"ranked_{index}"] = Count("pk", filter=PublicityStanding.in_group(group))
    found = (
        PublicityStanding.objects.filter(rank_group__in={group for group, _text in keys})
        .exclude(unit_id=unit_id)
        .aggregate(**counts)
    )
    return {
        key: (rules.standing_rank(above=found[f"above_{index}"]), found[f"ranked_{index}"] + 1)
        for index, key in enumerate(keys)
    }


def unit_live_scores(
    *,
    unit: CreationUnit,
    windows: list[Window],
    now: datetime | None = None,
    settings: ScoringSettings | None = None,
) -> dict[date, rules.UnitScore]:
    """R6.1–R6.3: the live score of the unit alone in each of its periods (by start), in two
    queries whatever the number of periods (`scores_by_window`)."""
    if not windows:
        return {}
    settings = settings or ScoringSettings.for_programme(unit.batch.programme_id)
    scores = scores_by_window(
        units_by_window={window: [unit] for window in windows}, settings=settings, now=now
    )
    return {start: scores[(start, end)][0] for start, end in windows}


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
        .select_related("submission", "unit")
        .order_by("due_at")
    )


VETO_TYPES = ("fund_report", "self_inspection", "work_update", "in_depth_report")


def _numbers_by_programme(programme_ids: Iterable[int]) -> dict[int, AcceptanceNumbers]:
    return {
        pk: row.numbers() for pk, row in AcceptanceSettings.for_programmes(programme_ids).items()
    }


# --- R6.6: the veto gauge -----------------------------------------------------------------------


def evidence_urls(unit_id: int) -> dict[VetoItem, str]:
    """The page where the evidence of each veto item of the unit lives (four addresses looked
    up once for the gauge's eight items)."""
    leadership = reverse("creation:unit-leadership", kwargs={"pk": unit_id})
    funds = reverse("funds:unit-funds", kwargs={"pk": unit_id})
    reports = reverse("reporting:unit-calendar", kwargs={"pk": unit_id})
    return {
        VetoItem.LEADERSHIP_GROUP: f"{leadership}#group",
        VetoItem.GROUP_OFFICE: f"{leadership}#office",
        VetoItem.LIAISON: f"{leadership}#liaison",
        VetoItem.FUND_PLAN_FILED: f"{funds}#plans",
        VetoItem.NO_SPENDING_OUTSIDE_PLAN: reverse("funds:spending", kwargs={"pk": unit_id}),
        VetoItem.FUND_REPORTS: reports,
        VetoItem.SELF_INSPECTIONS: reports,
        VetoItem.R5_2_SUBMISSIONS: reports,
    }


@dataclass
class UnitGauge:
    """R6.6: the veto gauge of one unit: every basic requirement with its status, explanation
    and evidence page, the office's overrides in force, and the overall status."""

    unit: CreationUnit
    lines: list[GaugeLine]
    status: GaugeStatus

    @property
    def vetoed(self) -> bool:
        return self.status == GaugeStatus.FAILED

    @property
    def failed_items(self) -> tuple[str, ...]:
        return tuple(line.item.value for line in self.lines if line.status == GaugeStatus.FAILED)

    def rows(self) -> list[dict[str, Any]]:
        urls = evidence_urls(self.unit.pk)
        return [
            {
                "item": line.item.value,
                "rule": line.computed.rule,
                "label": line.computed.label,
                "status": line.status.value,
                "computed_status": line.computed.status.value,
                "computed_label": str(GAUGE_STATUS_LABELS[line.computed.status.value]),
                "status_label": str(GAUGE_STATUS_LABELS[line.status.value]),
                "message": str(line.computed.message),
                "evidence": line.computed.evidence,
                "evidence_url": urls[line.item],
                "override": line.override,
            }
            for line in self.lines
        ]


def _veto_facts(units: list[CreationUnit], *, today: date) -> dict[int, VetoFacts]:
    """The plain facts of the veto gauge of many units: a fixed number of queries, whatever the
    number of units."""
    ids = [u.pk for u in units]
    with_group = set(LeadershipGroup.objects.filter(unit__in=ids).values_list("unit_id", flat=True))
    members: dict[int, list[MemberFact]] = defaultdict(list)
    for unit_id, name, role, leader_kind, department, duty in GroupMember.objects.filter(
        group__unit__in=ids
    ).values_list("group__unit_id", "name", "role", "leader_kind", "department__name", "duty"):
        members[unit_id].append(
            MemberFact(name, role, leader_kind, department, bool((duty or "").strip()))
        )
    departments = list(
        Department.objects.values_list("name", "required_for_zones", "required_for_projects")
    )
    offices = {
        row[0]: row
        for row in GroupOffice.objects.filter(unit__in=ids).values_list(
            "unit_id", "in_cultural_administration", "director_name"
        )
    }
    liaisons: dict[int, list[LiaisonFact]] = defaultdict(list)
    for unit_id, name, kind, started, ended in Liaison.objects.filter(unit__in=ids).values_list(
        "unit_id", "name", "position_kind", "started_on", "ended_on"
    ):
        liaisons[unit_id].append(LiaisonFact(name, kind, started, ended))
    # R3.2, as funds.selectors.fund_facts reads it for one unit.
    filed: dict[int, list[tuple[str, int, date]]] = defaultdict(list)
    for unit_id, title, number, closed_at in (
        FundPlanVersion.objects.filter(plan__unit__in=ids, status=PlanStatus.FILED)
        .order_by("closed_at")
        .values_list("plan__unit_id", "plan__title", "number", "closed_at")
    ):
        filed[unit_id].append((title, number, timezone.localdate(closed_at)))
    outside = dict(
        Expenditure.objects.filter(line__version__plan__unit__in=ids)
        .outside_filed_plan()
        .order_by()
        .values_list("line__version__plan__unit")
        .annotate(n=Count("pk"))
        .values_list("line__version__plan__unit", "n")
    )
    # R3.3, R4.2, R5.2: obligations due so far or soon (the warning days are at most a year).
    horizon = timezone.make_aware(datetime.combine(today + timedelta(days=366), time.max))
    obligations: dict[int, list[ObligationFact]] = defaultdict(list)
    for unit_id, kind, label, due_at, first, status in Obligation.objects.filter(
        unit__in=ids, type__in=VETO_TYPES, due_at__lte=horizon
    ).values_list(
        "unit_id",
        "type",
        "period_label",
        "due_at",
        "submission__first_submitted_at",
        "submission__status",
    ):
        # C1: a report returned (or withdrawn) and not sent again counts as not submitted.
        submitted = is_submitted(first_submitted_at=first, status=status)
        obligations[unit_id].append(
            ObligationFact(kind, label, timezone.localdate(due_at), submitted)
        )
    facts = {}
    for unit in units:
        zone = unit.kind == CreationUnit.Kind.ZONE
        office = offices.get(unit.pk)
        leadership = LeadershipFacts(
            kind=unit.kind,
            start_date=unit.cycle_start,
            cycle_end=unit.cycle_end,
            has_group=unit.pk in with_group,
            members=tuple(members[unit.pk]),
            required_departments=tuple(
                name
                for name, for_zones, for_projects in departments
                if (for_zones if zone else for_projects)
            ),
            has_office=office is not None,
            office_in_cultural_administration=bool(office and office[1]),
            office_has_director=bool(office and office[2].strip()),
            liaisons=tuple(liaisons[unit.pk]),
        )
        facts[unit.pk] = VetoFacts(
            leadership=leadership,
            filed_plans=tuple(filed[unit.pk]),
            spending_outside_plan=outside.get(unit.pk, 0),
            obligations=tuple(obligations[unit.pk]),
        )
    return facts


def _overrides_in_force(ids: list[int]) -> dict[int, dict[str, OverrideFact]]:
    """The latest override per unit and item (one query)."""
    found: dict[int, dict[str, OverrideFact]] = defaultdict(dict)
    rows = (
        VetoOverride.objects.filter(unit__in=ids)
        .order_by("decided_at", "pk")
        .values_list("unit_id", "item", "decision", "reason", "decided_by__username", "decided_at")
    )
    for unit_id, item, decision, reason, by, at in rows:
        found[unit_id][item] = OverrideFact(
            decision, reason, by, timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
        )
    return found


def veto_gauges(units: Iterable[CreationUnit], *, today: date | None = None) -> list[UnitGauge]:
    """R6.6: the gauges of many units (loaded with batch and programme), in a fixed number of
    queries."""
    units = list(units)
    today = today or timezone.localdate()
    by_pk = {unit.pk: unit for unit in units}

    def compute(missing: list[int]) -> dict[int, tuple[list[GaugeLine], GaugeStatus]]:
        # Stored without the unit and with plain strings: unpickling thousands of lazy
        # translations and model instances would cost more than computing the gauges.
        return {
            gauge.unit.pk: (
                [
                    replace(
                        line,
                        computed=replace(
                            line.computed,
                            message=str(line.computed.message),
                            evidence=str(line.computed.evidence),
                        ),
                    )
                    for line in gauge.lines
                ],
                gauge.status,
            )
            for gauge in _computed_gauges([by_pk[pk] for pk in missing], today=today)
        }

    # A derived figure (portal.cache): eleven tables read once per unit, day and language,
    # until a write.
    found = cached_per_unit(f"veto-gauge:{get_language()}:{today.isoformat()}", by_pk, compute)
    return [UnitGauge(unit, *found[unit.pk]) for unit in units]


def _computed_gauges(units: list[CreationUnit], *, today: date) -> list[UnitGauge]:
    return _gauges_of(units, _gauge_inputs(units, today=today), today=today)


def _gauge_inputs(units: list[CreationUnit], *, today: date) -> tuple[Any, Any, Any]:
    facts = _veto_facts(units, today=today)
    overrides = _overrides_in_force([u.pk for u in units])
    numbers = _numbers_by_programme(u.batch.programme_id for u in units)
    return facts, overrides, numbers


def _gauges_of(
    units: list[CreationUnit], inputs: tuple[Any, Any, Any], *, today: date
) -> list[UnitGauge]:
    facts, overrides, numbers = inputs
    gauges = []
    for unit in units:
        items = veto_items(facts[unit.pk], numbers=numbers[unit.batch.programme_id], today=today)
        lines = gauge_lines(items, overrides.get(unit.pk, {}))
        gauges.append(UnitGauge(unit, lines, gauge_status(lines)))
    return gauges


def veto_gauge_rows_by_language(
    units: Iterable[CreationUnit], *, today: date, languages: Iterable[str]
) -> dict[str, dict[int, tuple[GaugeStatus, list[dict[str, Any]]]]]:
    """R6.6: the gauges of many units as rows (UnitGauge.rows) in each of the languages, computed
    now and not cached: the facts are read once (a fixed number of queries), the rules applied
    in each language, since their messages are sentences."""
    units = list(units)
    inputs = _gauge_inputs(units, today=today)
    found: dict[str, dict[int, tuple[GaugeStatus, list[dict[str, Any]]]]] = {}
    for code in languages:
        with translation.override(code):
            found[code] = {
                gauge.unit.pk: (gauge.status, gauge.rows())
                for gauge in _gauges_of(units, inputs, today=today)
            }
    return found


def veto_gauge(*, unit: CreationUnit, today: date | None = None) -> UnitGauge:
    return veto_gauges([unit], today=today)[0]


# The gauge as the pages read it: stored with the unit's other figures (creation.figures) by
# their one writer, which has it computed by veto_gauge_rows_by_language above, in every language.
# A page never computes it again; the office's acceptance run does (scoring.services).


@dataclass(frozen=True)
class StoredGauge:
    """R6.6: a unit's veto gauge as stored: its status and its items (UnitGauge.rows) in the
    active language."""

    unit: CreationUnit
    status: GaugeStatus
    items: list[dict[str, Any]]

    @property
    def vetoed(self) -> bool:
        return self.status == GaugeStatus.FAILED

    def rows(self) -> list[dict[str, Any]]:
        return self.items


def _items_in_language(items: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return items.get(get_language() or "", items.get(django_settings.LANGUAGE_CODE, []))


def stored_gauges(units: Iterable[CreationUnit]) -> list[StoredGauge]:
    """The stored gauges of the units, in their order: one query while their rows are fresh."""
    units = list(units)
    found = stored_figures([u.pk for u in units], fields=["veto_status", "veto_items"])
    return [
        StoredGauge(
            unit,
            GaugeStatus(found[unit.pk].veto_status),
            _items_in_language(found[unit.pk].veto_items),
        )
        for unit in units
    ]


def stored_gauge(*, unit: CreationUnit) -> StoredGauge:
    return stored_gauges([unit])[0]


def gauge_statuses(
    units: QuerySet[CreationUnit], *, status: str = "", worst_first: bool = False
) -> tuple[QuerySet, dict[str, int]]:
    """The (unit id, gauge status) of the units (already scoped and filtered) in the lists'
    order, by name (worst first if asked), only those at `status` ("at_risk" or "failed";
    "attention" = either), as a query a paginator pages, and how many of all the units are at
    each status: the stored statuses (creation.figures), ordered and paged by the database; the
    items are read for a page only (gauges_of)."""
    return stored_veto_statuses(units, status=status, worst_first=worst_first)


def gauges_of(
    units: QuerySet[CreationUnit], statuses: Iterable[tuple[int, GaugeStatus]]
) -> list[StoredGauge]:
    """The stored gauges of the units listed by gauge_statuses (a page of them), in that order:
    two queries."""
    ids = [pk for pk, _status in statuses]
    by_pk = units.filter(pk__in=ids).in_bulk()
    return stored_gauges(by_pk[pk] for pk in ids)


def override_history(*, unit: CreationUnit) -> QuerySet[VetoOverride]:
    return VetoOverride.objects.filter(unit=unit).select_related("decided_by")


# --- §8: standards, reviews --------------------------------------------------------------------


def standard_list(*, user: Any) -> QuerySet[CreationStandard]:
    return (
        CreationStandard.objects.visible_to(user)
        .select_related("batch__programme")
        .annotate(indicator_count=Count("indicators"))
    )


def indicator_list(*, user: Any) -> QuerySet[Indicator]:
    return Indicator.objects.visible_to(user).select_related("standard__batch")


def review_list(*, user: Any) -> QuerySet[IndicatorReview]:
    return IndicatorReview.objects.visible_to(user).select_related("unit", "recorded_by")


def review_values(*, review: IndicatorReview) -> QuerySet[IndicatorValue]:
    return review.values.select_related("indicator").order_by(
        "indicator__sort_order", "indicator__code"
    )


def latest_review(*, unit: CreationUnit, stage: str) -> IndicatorReview | None:
    return (
        IndicatorReview.objects.filter(unit=unit, stage=stage)
        .order_by("-reviewed_on", "-pk")
        .first()
    )


def evaluation_list(*, user: Any) -> QuerySet[AcceptanceEvaluation]:
    return AcceptanceEvaluation.objects.visible_to(user).select_related("unit", "evaluated_by")


# --- R6.5: publicity points of a batch ---------------------------------------------------------


def _cycle_points(unit_ids: list[int]) -> dict[int, int]:
    """Verified publicity points over each unit's whole cycle (R6.2–R6.4): the one place that
    reads them for acceptance."""
    return cycle_publicity_points(unit_ids=unit_ids)


def batch_publicity(*, unit: CreationUnit) -> tuple[int, int]:
    """R6.5, C4: the unit's publicity points over its cycle and the best points of its
    `publicity_peers` (same batch, same kind, not withdrawn)."""
    peers = set(
        publicity_peers(batch_ids=[unit.batch_id], kind=unit.kind).values_list("pk", flat=True)
    )
    points = _cycle_points(sorted(peers | {unit.pk}))
    own = points.get(unit.pk, 0)
    if unit.pk not in peers:  # a withdrawn unit is never the best
        points.pop(unit.pk, None)
    return own, max(points.values(), default=0)


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


def unit_claims_rejected(*, user: Any, since: datetime) -> QuerySet[AdoptionClaim]:
    """R6.2: the claims of the user's own units the office rejected since `since` (the unit may
    claim the article again with better evidence), the latest first."""
    scope = user_scope(user)
    return (
        claim_list(user=user)
        .filter(
            unit__in=scope.staff_unit_ids,
            status=AdoptionClaim.Status.REJECTED,
            reviewed_at__gte=since,
        )
        .order_by("-reviewed_at", "-pk")
    )
