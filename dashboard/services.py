"""Writes of the dashboard app: the stored figures of the units (dashboard.models.UnitFigures).

`unit_figures_refresh` is the one writer. It asks the owner of each figure (the section loaders
of dashboard.status, which call the domain apps' selectors and rules) for many units at once and
stores the rows; it runs when a write to a unit's rows commits (portal.cache.figures_stale ->
the listener registered by DashboardConfig.ready) and, for what the clock alone changes, from the
periodic task.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Collection, Iterable, Iterator
from dataclasses import asdict
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone, translation

from creation.models import CreationUnit
from dashboard.api.serializers import UnitStatusSerializer
from dashboard.models import RankGroupChange, UnitFigures, UnitMonth
from dashboard.status import (
    PublicityScore,
    PublicityStatus,
    VetoStatus,
    current_period_section,
    funds_section,
    inspection_plan_section,
    liaison_section,
    liaison_vacancy_section,
    publicity_scores,
    rectifications_section,
    reporting_section,
    veto_section_by_language,
)
from portal.cache import units_figures_stale
from reporting.models import Obligation
from reporting.rules import SHANGHAI, WARN_DAYS
from reporting.selectors import MONTHLY_COUNTS, monthly_lights
from scoring.models import PublicityStanding
from scoring.rules import rank_group

CHUNK_SIZE = 500
# Rows one run of the periodic task refreshes: some 10 s at national scale.
DUE_PER_RUN = 1000
STORED_FIELDS = [
    field.name
    for field in UnitFigures._meta.concrete_fields
    if not field.primary_key and field.name != "unit"
]
# What figures_check compares: everything but the moments of the computation itself.
COMPARED_FIELDS = [name for name in STORED_FIELDS if name != "computed_at"]


def _liaison_contact(liaison: Any) -> dict[str, Any] | None:
    if liaison is None:
        return None
    return {
        "id": liaison.pk,
        "name": liaison.name,
        "organisation": liaison.organisation,
        "position": liaison.position,
        "phone": liaison.phone,
        "mobile": liaison.mobile,
        "email": liaison.email,
        "started_on": liaison.started_on.isoformat() if liaison.started_on else None,
    }


def _next_due_item(obligation: Obligation) -> dict[str, Any]:
    return {
        "id": obligation.pk,
        "type": obligation.type,
        "period_label": obligation.period_label,
        "period_start": obligation.period_start.isoformat(),
        "period_end": obligation.period_end.isoformat(),
        "due_at": obligation.due_at.isoformat(),
    }


def _veto_item(row: dict[str, Any]) -> dict[str, Any]:
    override = row.get("override")
    return {**row, "override": asdict(override) if override is not None else None}


def _standings(unit: CreationUnit, score: PublicityScore | None) -> dict[str, str]:
    """{rank group: rank text} of the unit in every scoring period of its cycle; none for a
    unit that takes no part (withdrawn)."""
    if score is None:
        return {}
    return {
        rank_group(batch_id=unit.batch_id, kind=unit.kind, period_start=start): text
        for start, text in score.standings.items()
    }


def _unranked(score: PublicityScore | None) -> PublicityStatus | None:
    # The rank is read over the peers' stored keys when the answer is read.
    if score is None:
        return None
    return PublicityStatus(
        period_start=score.period_start,
        period_end=score.period_end,
        base=score.base,
        bonus=score.bonus,
        total=score.total,
        rank=0,
        ranked_units=0,
    )


def _status_payload(
    unit: CreationUnit, sections: dict[str, Any], veto: VetoStatus
) -> dict[str, Any]:
    """The status of the unit for the serializer of the API (dashboard.status: `id`, `unit`,
    then one key per section), from the sections its owners computed; the publicity rank is
    filled in when the answer is read (dashboard.selectors.status_answers)."""
    return {"id": unit.pk, "unit": unit, **sections, "veto": veto}


def _status_answers(
    units: list[CreationUnit],
    sections: dict[int, dict[str, Any]],
    veto: dict[str, dict[int, Any]],
) -> dict[int, dict[str, Any]]:
    """Each unit's status answer in every language of the site, as the API sends it (its
    serializer, the one description of the answer): {unit id: {language: answer}}."""
    answers: dict[int, dict[str, Any]] = {unit.pk: {} for unit in units}
    for language, _name in settings.LANGUAGES:
        gauges = veto.get(language, veto[settings.LANGUAGE_CODE])
        with translation.override(language):
            serializer = UnitStatusSerializer()
            for unit in units:
                gauge = gauges[unit.pk]
                payload = _status_payload(
                    unit,
                    sections[unit.pk],
                    VetoStatus(gauge.status, [_veto_item(row) for row in gauge.items]),
                )
                answer = serializer.to_representation(payload)
                answers[unit.pk][language] = json.loads(json.dumps(answer, cls=DjangoJSONEncoder))
    return answers


def _next_midnight(now: datetime) -> datetime:
    tomorrow = timezone.localdate(now, SHANGHAI) + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=SHANGHAI)


def _next_due_moments(unit_ids: list[int], now: datetime) -> dict[int, datetime]:
    """The next moment the clock changes what each unit's obligations count for, submitted or
    not: one falls due (it then counts as due so far, and as overdue, or on time, or late, and
    its R6.1 base counts in the live publicity score), or comes within WARN_DAYS of its due
    moment (its heat-map cell turns yellow if it is not sent: UnitMonth)."""
    warning = timedelta(days=WARN_DAYS)
    rows = (
        Obligation.objects.filter(unit_id__in=unit_ids, due_at__gt=now)
        .order_by()
        .values("unit_id")
        .annotate(
            next_due=Min("due_at"), next_warned=Min("due_at", filter=Q(due_at__gt=now + warning))
        )
    )
    return {
        row["unit_id"]: min(
            row["next_due"], row["next_warned"] - warning if row["next_warned"] else row["next_due"]
        )
        for row in rows
    }


def unit_months_compute(unit_ids: list[int], now: datetime) -> list[UnitMonth]:
    """The units' reporting months as reporting.selectors.monthly_lights counts them now,
    unsaved: one query for any number of units."""
    return [
        UnitMonth(
            unit_id=row["unit_id"],
            month=row["month"],
            computed_at=now,
            **{name: row[name] for name in MONTHLY_COUNTS},
        )
        for row in monthly_lights(Obligation.objects.filter(unit_id__in=unit_ids), now)
    ]


def _unit_months_store(unit_ids: list[int], now: datetime) -> None:
    """Store the units' months; a month that no longer has a report is kept with zero counts
    (one UPDATE, where a delete would send a signal per row)."""
    UnitMonth.objects.bulk_create(
        unit_months_compute(unit_ids, now),
        update_conflicts=True,
        unique_fields=["unit", "month"],
        update_fields=[*MONTHLY_COUNTS, "computed_at"],
    )
    UnitMonth.objects.filter(unit_id__in=unit_ids).exclude(computed_at=now).update(
        computed_at=now, **dict.fromkeys(MONTHLY_COUNTS, 0)
    )


def unit_figures_compute(
    units: list[CreationUnit], now: datetime
) -> tuple[list[UnitFigures], dict[int, dict[str, str]]]:
    """The figures of the units as the owners compute them now, unsaved, and where each stands
    in the publicity ranking of every period of its cycle ({unit: {rank group: rank text}},
    PublicityStanding): a fixed number of queries for any number of units (the units loaded
    with batch and programme)."""
    period = current_period_section(units, now)
    reporting = reporting_section(units, now)
    funds = funds_section(units, now)
    liaison = liaison_section(units, now)
    vacancy = liaison_vacancy_section(units, now)
    publicity = publicity_scores(units, now)
    veto = veto_section_by_language(units, now)
    rectifications = rectifications_section(units, now)
    inspection_plans = inspection_plan_section(units, now)
    next_due_moments = _next_due_moments([unit.pk for unit in units], now)
    # When the row next changes by the clock alone:
    # - an obligation falls due (R5, C1: due so far, on time, overdue; R6.1: the live base score
    #   counts the obligations already due), or comes within WARN_DAYS of its due moment (its
    #   month's heat-map cell turns yellow) — moments, from the calendar;
    # - the local day turns: the current period (R6.3, R6.4) and the scoring window end on a day;
    #   a rectification is overdue once its deadline day has passed and the inspections planned
    #   are those of the calendar year (R4.1); and the veto gauge
    #   (R6.6) and the liaison vacancy (C5) are functions of `today` throughout — the liaison
    #   gap runs to today, reports become due soon `due_soon_days` before their day, the plan
    #   must be filed `plan_filing_days` after the start, the liaison tolerance ends on
    #   `appoint_by`. Deriving each of those days here would copy the rules outside their owner
    #   (scoring.rules.veto_items), so a row is computed again when the day turns.
    midnight = _next_midnight(now)
    answers = _status_answers(
        units,
        {
            unit.pk: {
                "current_period": period[unit.pk],
                "reporting": reporting[unit.pk],
                "funds": funds[unit.pk],
                "liaison": liaison.get(unit.pk),
                "liaison_vacant_since": vacancy.get(unit.pk),
                "publicity": _unranked(publicity.get(unit.pk)),
                "rectifications": rectifications[unit.pk],
            }
            for unit in units
        },
        veto,
    )
    rows = []
    standings = {unit.pk: _standings(unit, publicity.get(unit.pk)) for unit in units}
    for unit in units:
        pk = unit.pk
        current, report, money = period[pk], reporting[pk], funds[pk]
        score = publicity.get(pk)
        rectification = rectifications[pk]
        next_due = next_due_moments.get(pk)
        rows.append(
            UnitFigures(
                unit=unit,
                period_kind=current.kind,
                period_label=current.label,
                period_start=current.start,
                period_end=current.end,
                due_so_far=report.due_so_far,
                on_time=report.on_time,
                late=report.late,
                overdue=report.overdue_count,
                on_time_rate=report.on_time_rate,
                next_due=[_next_due_item(o) for o in report.next_due],
                filed_plans=money.filed_plans,
                budget=money.budget,
                spent=money.spent,
                central_budget=money.central_budget,
                central_spent=money.central_spent,
                execution_rate=money.execution_rate,
                liaison=_liaison_contact(liaison.get(pk)),
                liaison_vacant_since=vacancy.get(pk),
                publicity_period_start=score.period_start if score else None,
                publicity_period_end=score.period_end if score else None,
                publicity_base=score.base if score else None,
                publicity_bonus=score.bonus if score else None,
                publicity_total=score.total if score else None,
                **{
                    f"publicity_tier{tier}": (score.tier_counts[tier - 1] if score else 0)
                    for tier in range(1, 6)
                },
                rank_group=(
                    rank_group(
                        batch_id=unit.batch_id, kind=unit.kind, period_start=score.period_start
                    )
                    if score
                    else ""
                ),
                rank_text=score.rank_text if score else "",
                veto_status=veto[settings.LANGUAGE_CODE][pk].status,
                veto_items={
                    code: [_veto_item(row) for row in gauges[pk].items]
                    for code, gauges in veto.items()
                },
                rectifications_open=rectification.open,
                rectifications_overdue=rectification.overdue,
                rectifications_next_deadline=rectification.next_deadline,
                rectifications_submitted=rectification.submitted,
                inspections_planned=inspection_plans[pk].planned,
                inspection_coverage=inspection_plans[pk].coverage.value,
                computed_at=now,
                next_change_at=min(next_due, midnight) if next_due else midnight,
                answers=answers[pk],
            )
        )
    return rows, standings


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK_SIZE):
        yield ids[start : start + CHUNK_SIZE]


def _units(ids: Iterable[int]) -> list[CreationUnit]:
    return list(CreationUnit.objects.filter(pk__in=list(ids)).with_related().order_by("pk"))


def unit_figures_refresh(
    unit_ids: Collection[int] | None, now: datetime | None = None
) -> list[UnitFigures]:
    """Compute and store the figures of the units (every unit, for None), a chunk at a time:
    one upsert per chunk. Units that no longer exist are skipped. Returns the rows stored."""
    now = now or timezone.now()
    if unit_ids is None:
        ids = list(CreationUnit.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(unit_ids))
    stored: list[UnitFigures] = []
    for chunk in _chunks(ids):
        standings_before = _stored_standings(chunk)
        rows, standings = unit_figures_compute(_units(chunk), now)
        # A unit's row, its months, its standings and its rank groups' moments are stored
        # together: one transaction (and one round trip to open and one to close it).
        with transaction.atomic(savepoint=False):
            UnitFigures.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["unit"],
                update_fields=STORED_FIELDS,
            )
            _unit_months_store([row.unit_id for row in rows], now)
            rank_groups_moved(_standings_store(standings_before, standings))
        stored += rows
    return stored


def _stored_standings(unit_ids: list[int]) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {}
    for unit_id, group, text in (
        PublicityStanding.objects.filter(unit_id__in=unit_ids)
        .order_by()
        .values_list("unit_id", "rank_group", "rank_text")
    ):
        found.setdefault(unit_id, {})[group] = text
    return found


def _standings_store(
    before: dict[int, dict[str, str]], after: dict[int, dict[str, str]]
) -> set[str]:
    """Store the units' standings computed now (`after`, every unit computed) over those stored
    (`before`), writing only the ones that changed, and return the rank groups whose ranking
    they move: a unit that joins one (its first row counts it among the ranked), leaves it, or
    whose rank text changed within it, by a write or by the clock alone (a report falling due
    changes the R6.1 base). Its peers' answers change with it though their rows do not."""
    moved: set[str] = set()
    written: list[PublicityStanding] = []
    gone: list[Q] = []
    for unit_id, new in after.items():
        old = before.get(unit_id, {})
        for group in old.keys() | new.keys():
            if old.get(group) == new.get(group):
                continue
            moved.add(group)
            if group in new:
                written.append(
                    PublicityStanding(unit_id=unit_id, rank_group=group, rank_text=new[group])
                )
            else:
                gone.append(Q(unit_id=unit_id, rank_group=group))
    if written:
        PublicityStanding.objects.bulk_create(
            written,
            update_conflicts=True,
            unique_fields=["unit", "rank_group"],
            update_fields=["rank_text"],
        )
    if gone:
        PublicityStanding.objects.filter(functools.reduce(operator.or_, gone)).delete()
    return moved


def rank_groups_moved(groups: Collection[str]) -> None:
    """Store that the ranking of each group moved now (RankGroupChange): the status API's ETags
    and `updated_since` of every unit ranked in it change."""
    if not groups:
        return
    moment = timezone.now()
    RankGroupChange.objects.bulk_create(
        [RankGroupChange(rank_group=group, changed_at=moment) for group in sorted(groups)],
        update_conflicts=True,
        unique_fields=["rank_group"],
        update_fields=["changed_at"],
    )


def units_changed_refresh(
    unit_ids: Collection[int] | None, with_peers: Collection[int] = ()
) -> int:
    """The listener of portal.cache: the written units' rows, once the write has committed. The
    peers of a unit keep their rows, as their rank is read over the stored rank keys: when a
    write moved the ranking, `unit_figures_refresh` stores that once for the rank group
    (RankGroupChange), whichever write or clock moved it, so `with_peers` (a write that can move
    the ranking, which drops the peers' kept pages) needs nothing more here. A write that no one
    unit owns (settings, the media catalogue, a batch) may change any unit's figures: every row
    is marked as changed now, so that a reader recomputes the rows it reads and the periodic
    task the others, rather than this request computing thousands of rows."""
    if unit_ids is None:
        return UnitFigures.objects.update(next_change_at=timezone.now())
    return len(unit_figures_refresh(unit_ids))


def unit_figures_refresh_due(now: datetime | None = None, *, limit: int = DUE_PER_RUN) -> int:
    """Refresh the rows whose `next_change_at` has passed, the longest waiting first, at most
    `limit` of them (the rest on the next run: when the day turns every row is due, and a run
    must end before the next one starts; a reader meanwhile recomputes the rows it reads), and
    store the missing ones. Returns the rows stored."""
    now = now or timezone.now()
    missing = list(
        CreationUnit.objects.filter(figures__isnull=True).values_list("pk", flat=True)[:limit]
    )
    due = list(
        UnitFigures.objects.due(now)
        .order_by("next_change_at")
        .values_list("unit_id", flat=True)[: max(limit - len(missing), 0)]
    )
    refreshed = [row.unit_id for row in unit_figures_refresh([*missing, *due], now=now)]
    # Their figures moved with the clock: what keeps them (pages, panels) is stale.
    units_figures_stale(refreshed)
    return len(refreshed)


def unit_figures_differences(
    now: datetime | None = None, *, fix: bool = False
) -> list[tuple[int, str, Any, Any]]:
    """Every stored row against the figures computed now, in memory: (unit, field, stored,
    computed) for each difference; a missing row is field "*", the units' months "months" and
    their publicity standings "standings". With `fix`, the differing and missing rows are
    stored again."""
    now = now or timezone.now()
    differences: list[tuple[int, str, Any, Any]] = []
    to_fix: set[int] = set()
    ids = list(CreationUnit.objects.order_by("pk").values_list("pk", flat=True))
    for chunk in _chunks(ids):
        stored = {row.unit_id: row for row in UnitFigures.objects.filter(unit_id__in=chunk)}
        stored_standings = _stored_standings(chunk)
        for unit_id, before, after in _months_differences(chunk, now):
            differences.append((unit_id, "months", before, after))
            to_fix.add(unit_id)
        rows, standings = unit_figures_compute(_units(chunk), now)
        for row in rows:
            found = stored.get(row.unit_id)
            if found is None:
                differences.append((row.unit_id, "*", None, "missing"))
                to_fix.add(row.unit_id)
                continue
            for name in COMPARED_FIELDS:
                before, after = _comparable(getattr(found, name)), _comparable(getattr(row, name))
                if before != after:
                    differences.append((row.unit_id, name, before, after))
                    to_fix.add(row.unit_id)
            stood = stored_standings.get(row.unit_id, {})
            if stood != standings[row.unit_id]:
                differences.append((row.unit_id, "standings", stood, standings[row.unit_id]))
                to_fix.add(row.unit_id)
    if fix and to_fix:
        unit_figures_refresh(to_fix, now=now)
    return differences


def _months_differences(
    unit_ids: list[int], now: datetime
) -> Iterator[tuple[int, dict[str, list[int]], dict[str, list[int]]]]:
    """The units whose stored months differ from those computed now: (unit, stored, computed),
    each {month: counts}; a month kept with zero counts is one without reports."""

    def by_unit(rows: Iterable[UnitMonth]) -> dict[int, dict[str, list[int]]]:
        found: dict[int, dict[str, list[int]]] = {}
        for row in rows:
            counts = [getattr(row, name) for name in MONTHLY_COUNTS]
            if any(counts):
                found.setdefault(row.unit_id, {})[row.month.isoformat()] = counts
        return found

    stored = by_unit(UnitMonth.objects.filter(unit_id__in=unit_ids))
    computed = by_unit(unit_months_compute(unit_ids, now))
    for unit_id in sorted(set(stored) | set(computed)):
        if stored.get(unit_id, {}) != computed.get(unit_id, {}):
            yield unit_id, stored.get(unit_id, {}), computed.get(unit_id, {})


def _comparable(value: Any) -> Any:
    # A row read back has its JSON decoded (dates as text); one computed holds them as written.
    if isinstance(value, list | dict):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return value
