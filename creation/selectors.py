"""Reads of the organisation, always scoped to the user."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from creation.models import (
    Batch,
    CreationUnit,
    Department,
    GroupOffice,
    LeadershipGroup,
    Liaison,
    LiaisonMeeting,
    Meeting,
    Programme,
    Region,
    RoleAssignment,
)
from creation.rules import (
    ComplianceItem,
    HostRecord,
    LeadershipFacts,
    LiaisonFact,
    MeetingFact,
    MemberFact,
    Period,
    leadership_compliance,
    liaison_continuity,
    liaison_meeting_months,
    periods_without_meeting,
)
from creation.scope import user_scope
from portal.cache import cached_per_unit


def unit_list(*, user: Any) -> QuerySet[CreationUnit]:
    return CreationUnit.objects.visible_to(user).with_related()


def province_units(*, user: Any) -> QuerySet[CreationUnit]:
    """The units in the provinces the user follows as a provincial reviewer (every unit for a
    superuser), within what the user may see."""
    return CreationUnit.objects.in_followed_provinces(user).with_related()


def office_units(*, user: Any) -> QuerySet[CreationUnit]:
    """The units of the programmes the user runs as an office reviewer (every unit for a
    superuser), within what the user may see: the office's dashboard, fund page and acceptance
    pages cover these."""
    units = CreationUnit.objects.visible_to(user).with_related()
    scope = user_scope(user)
    if scope.everything:
        return units
    return units.filter(batch__programme__in=scope.office_programme_ids)


def unit_get(*, user: Any, pk: int) -> CreationUnit:
    """The unit, or CreationUnit.DoesNotExist when it is outside the user's scope."""
    return unit_list(user=user).get(pk=pk)


def programme_list(*, user: Any) -> QuerySet[Programme]:
    return Programme.objects.visible_to(user).select_related("province")


def batch_list(*, user: Any) -> QuerySet[Batch]:
    return Batch.objects.visible_to(user).select_related("programme")


def scope_provinces(*, user: Any) -> QuerySet[Region]:
    """The provinces a provincial reviewer follows (every province for a superuser)."""
    scope = user_scope(user)
    provinces = Region.objects.provinces()
    return provinces if scope.everything else provinces.filter(pk__in=scope.province_ids)


def scope_provinces_among(provinces: Iterable[Region], *, user: Any) -> list[Region]:
    """Those of `provinces`, already read, that the user follows as `scope_provinces` finds
    them: a page that lists every province (a filter's choices) names the user's own without
    reading them again."""
    scope = user_scope(user)
    return [
        province
        for province in provinces
        if province.level == Region.Level.PROVINCE
        and (scope.everything or province.pk in scope.province_ids)
    ]


@dataclass
class UnitCounts:
    total: int = 0
    zones: int = 0
    projects: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def unit_counts(units: QuerySet[CreationUnit]) -> UnitCounts:
    """Totals by kind and status in one aggregate query."""
    statuses = CreationUnit.Status.values
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "zones": Count("pk", filter=Q(kind=CreationUnit.Kind.ZONE)),
        "projects": Count("pk", filter=Q(kind=CreationUnit.Kind.PROJECT)),
    }
    aggregates.update({f"status_{s}": Count("pk", filter=Q(status=s)) for s in statuses})
    row = units.order_by().aggregate(**aggregates)
    return UnitCounts(
        total=row["total"],
        zones=row["zones"],
        projects=row["projects"],
        by_status={s: row[f"status_{s}"] for s in statuses},
    )


def units_per_batch(units: QuerySet[CreationUnit]) -> list[dict[str, Any]]:
    """One row per batch with its zone and project counts, in one grouped query."""
    return list(
        units.order_by()
        .values("batch", "batch__number", "batch__year", "batch__programme__name")
        .annotate(
            zones=Count("pk", filter=Q(kind=CreationUnit.Kind.ZONE)),
            projects=Count("pk", filter=Q(kind=CreationUnit.Kind.PROJECT)),
            creating=Count("pk", filter=Q(status=CreationUnit.Status.CREATING)),
        )
        .order_by("batch__programme__name", "batch__number")
    )


def units_per_province(units: QuerySet[CreationUnit]) -> list[dict[str, Any]]:
    """One row per province with its zone and project counts, in one grouped query."""
    rows = list(
        units.order_by()
        .values("region__province", "region__province__name", "region__province__economic_belt")
        .annotate(
            zones=Count("pk", filter=Q(kind=CreationUnit.Kind.ZONE)),
            projects=Count("pk", filter=Q(kind=CreationUnit.Kind.PROJECT)),
        )
        .order_by("region__province__name")
    )
    belts = dict(Region.EconomicBelt.choices)
    for row in rows:
        row["belt_label"] = belts.get(row["region__province__economic_belt"], "")
    return rows


# --- R1 leadership and R2 liaison ---------------------------------------------------------------


def required_departments(unit: CreationUnit) -> tuple[str, ...]:
    """R1.1: the departments a group of the unit's kind must have a member from (one query)."""
    wanted = (
        {"required_for_zones": True}
        if unit.kind == CreationUnit.Kind.ZONE
        else {"required_for_projects": True}
    )
    return tuple(Department.objects.filter(**wanted).values_list("name", flat=True))


def leadership_facts_of(
    *,
    unit: CreationUnit,
    has_group: bool,
    members: Iterable[MemberFact],
    office: GroupOffice | None,
    meetings: Iterable[Meeting],
    liaisons: Iterable[Liaison],
    departments: tuple[str, ...],
) -> LeadershipFacts:
    """The plain facts R1 and R2 look at, from the unit's records as a page has read them (the
    unit's leadership page shows them and checks them at once)."""
    return LeadershipFacts(
        kind=unit.kind,
        start_date=unit.cycle_start,
        cycle_end=unit.cycle_end,
        has_group=has_group,
        members=tuple(members),
        required_departments=departments,
        has_office=office is not None,
        office_in_cultural_administration=bool(office and office.in_cultural_administration),
        office_has_director=bool(office and office.director_name.strip()),
        meetings=tuple(
            MeetingFact(kind=m.kind, held_on=m.held_on, has_minutes=bool(m.minutes), title=m.title)
            for m in meetings
        ),
        regular_meetings_per_quarter=unit.batch.programme.regular_meetings_per_quarter,
        liaisons=tuple(
            LiaisonFact(
                name=t.name,
                position_kind=t.position_kind,
                started_on=t.started_on,
                ended_on=t.ended_on,
            )
            for t in liaisons
        ),
    )


def member_fact(
    *, name: str, role: str, leader_kind: str, department: str | None, duty: str | None
) -> MemberFact:
    return MemberFact(
        name=name,
        role=role,
        leader_kind=leader_kind,
        department=department,
        has_duty=bool((duty or "").strip()),
    )


def leadership_facts(*, unit: CreationUnit) -> LeadershipFacts:
    """The plain facts R1 and R2 look at, read with five queries."""
    # The group and its members in one query: no row without a group, one row of nulls for a
    # group without members.
    group_rows = list(
        LeadershipGroup.objects.filter(unit=unit)
        .order_by("members__sort_order", "members__pk")
        .values_list(
            "members__name",
            "members__role",
            "members__leader_kind",
            "members__department__name",
            "members__duty",
            "members__pk",
        )
    )
    return leadership_facts_of(
        unit=unit,
        has_group=bool(group_rows),
        members=[
            member_fact(name=name, role=role, leader_kind=kind, department=department, duty=duty)
            for name, role, kind, department, duty, pk in group_rows
            if pk is not None
        ],
        office=GroupOffice.objects.filter(unit=unit).first(),
        meetings=Meeting.objects.filter(unit=unit).only("kind", "held_on", "minutes", "title"),
        liaisons=Liaison.objects.filter(unit=unit),
        departments=required_departments(unit),
    )


def unit_leadership_compliance(
    *, unit: CreationUnit, today: date | None = None
) -> list[ComplianceItem]:
    today = today or timezone.localdate()
    # A derived figure (portal.cache): six tables read once per unit and day, until a write.
    return cached_per_unit(
        f"leadership-compliance:{get_language()}:{today.isoformat()}",
        [unit.pk],
        lambda _missing: {unit.pk: leadership_compliance(leadership_facts(unit=unit), today=today)},
    )[unit.pk]


def liaison_vacancies(
    *, units: Iterable[CreationUnit] | QuerySet[CreationUnit], today: date | None = None
) -> dict[int, date | None]:
    """C5: the first day of each unit's current liaison vacancy (None while someone serves), as
    creation.rules.liaison_continuity decides it; the terms of all the units in one query."""
    today = today or timezone.localdate()
    units = list(units)
    terms: dict[int, list[LiaisonFact]] = defaultdict(list)
    for unit_id, name, kind, started, ended in Liaison.objects.filter(
        unit__in=[unit.pk for unit in units]
    ).values_list("unit_id", "name", "position_kind", "started_on", "ended_on"):
        terms[unit_id].append(LiaisonFact(name, kind, started, ended))
    return {
        unit.pk: liaison_continuity(
            tuple(terms[unit.pk]),
            start=unit.cycle_start,
            cycle_end=unit.cycle_end,
            today=today,
        ).vacant_since
        for unit in units
    }


def active_liaisons(unit_ids: Collection[int]) -> dict[int, Liaison | None]:
    """R2.1: the current liaison of each unit (the term without an end; the database allows one
    at a time), None for a unit without one; one query for any number of units."""
    found: dict[int, Liaison | None] = dict.fromkeys(unit_ids)
    for liaison in Liaison.objects.filter(unit_id__in=list(found), ended_on__isnull=True):
        if found[liaison.unit_id] is None:  # the latest first (Meta.ordering)
            found[liaison.unit_id] = liaison
    return found


def active_liaison(*, unit: CreationUnit) -> Liaison | None:
    return active_liaisons([unit.pk])[unit.pk]


def host_records(*, programme: Programme, audience: str) -> list[HostRecord]:
    """Every creating unit a liaison meeting of this programme is for, with how often and when it
    last hosted one (held or planned), in one grouped query."""
    units = (
        CreationUnit.objects.filter(
            batch__programme=programme, kind=audience, status=CreationUnit.Status.CREATING
        )
        .annotate(
            times_hosted=Count("hosted_liaison_meetings", distinct=True),
            last_hosted_on=Max("hosted_liaison_meetings__scheduled_on"),
        )
        .order_by("name")
    )
    return [HostRecord(u.pk, u.name, u.times_hosted, u.last_hosted_on) for u in units]


def liaison_meeting_list(*, user: Any) -> QuerySet[LiaisonMeeting]:
    return (
        LiaisonMeeting.objects.visible_to(user)
        .select_related("programme", "host")
        .annotate(
            invited=Count("attendances", distinct=True),
            present=Count("attendances", filter=Q(attendances__attended=True), distinct=True),
        )
        .order_by("-scheduled_on", "-id")
    )


def liaison_meeting_gaps(
    *, programme: Programme, today: date | None = None
) -> dict[str, list[Period]]:
    """R2.2: per audience, the quarters (zones) or half years (projects) since the programme's
    first cycle began in which no liaison meeting was held."""
    today = today or timezone.localdate()
    first_start = programme.batches.aggregate(first=Min("cycle_start"))["first"]
    if first_start is None:
        return {"zone": [], "project": []}
    held = LiaisonMeeting.objects.filter(
        programme=programme, status=LiaisonMeeting.Status.HELD
    ).values_list("audience", "scheduled_on")
    gaps = {}
    for audience in (CreationUnit.Kind.ZONE, CreationUnit.Kind.PROJECT):
        months = liaison_meeting_months(audience)
        held_periods = {
            Period.containing(day, months=months) for kind, day in held if kind == audience
        }
        gaps[audience] = periods_without_meeting(
            held_periods, audience=audience, start=first_start, today=today
        )
    return gaps


def unit_recipients_by_unit(unit_ids: set[int], *, with_liaison: bool) -> dict[int, list[Any]]:
    """Who hears about each unit's deadlines, by unit id: its staff and, `with_liaison`, its
    current liaison's own account; each user once. Two queries at most for any number of units."""
    users: dict[int, dict[int, Any]] = {pk: {} for pk in unit_ids}
    holders: list[Any] = list(
        RoleAssignment.objects.filter(
            unit_id__in=unit_ids, role=RoleAssignment.Role.UNIT_STAFF
        ).select_related("user")
    )
    if with_liaison:
        holders += Liaison.objects.filter(
            unit_id__in=unit_ids, ended_on__isnull=True, user__isnull=False
        ).select_related("user")
    for holder in holders:
        users[holder.unit_id].setdefault(holder.user_id, holder.user)
    return {pk: list(found.values()) for pk, found in users.items()}


def provincial_desks(*, user: Any) -> set[tuple[int, str]]:
    """The (province, department) pairs a provincial reviewer decides for: the culture reviewer
    of one province may be the finance reviewer of another, so the two go together. Read with
    the user's scope, so no query of its own."""
    return set(user_scope(user).provincial_desks)
