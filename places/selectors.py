"""Reads of the records of a creating place (§7): the figures of its summary report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum

from creation.models import CreationUnit
from places.models import (
    ArtTeam,
    CulturalEvent,
    Facility,
    Honour,
    Investment,
    StaffCount,
    TrainingCourse,
)


@dataclass(frozen=True)
class KindFigure:
    label: str
    count: int
    floor_area: Decimal


@dataclass(frozen=True)
class CommunityTeams:
    community: str
    teams: int
    members: int


@dataclass(frozen=True)
class BrandFigure:
    name: str
    editions: int
    performances: int
    audience: int


@dataclass(frozen=True)
class StaffFigure:
    label: str
    full_time: int
    part_time: int
    volunteers: int


@dataclass(frozen=True)
class ItemAmount:
    item: str
    amount: Decimal


@dataclass(frozen=True)
class HonourFigure:
    title: str
    level: str
    awarded_on: date
    awarded_by: str


@dataclass(frozen=True)
class PlaceFigures:
    """The figures of part 1 of a unit's summary report (§7), computed from its records."""

    facilities: list[KindFigure]
    facility_count: int
    floor_area: Decimal
    teams: list[CommunityTeams]
    team_count: int
    team_members: int
    event_count: int
    performances: int
    audience: int
    brands: list[BrandFigure]
    staff: list[StaffFigure]
    full_time: int
    part_time: int
    volunteers: int
    course_count: int
    trainees: int
    investments: list[ItemAmount]
    invested: Decimal
    honours: list[HonourFigure] = field(default_factory=list)


def place_figures(*, unit: CreationUnit) -> PlaceFigures:
    """Counts and sums of the unit's §7 records: eight queries, whatever their number."""
    zero = Decimal(0)
    kinds = dict(Facility.Kind.choices)
    by_kind = {
        row["kind"]: row
        for row in Facility.objects.filter(unit=unit)
        .values("kind")
        .annotate(n=Count("id"), area=Sum("floor_area"))
        .order_by()
    }
    facilities = [
        KindFigure(str(label), by_kind[kind]["n"], by_kind[kind]["area"] or zero)
        for kind, label in kinds.items()
        if kind in by_kind
    ]
    teams = [
        CommunityTeams(row["community"], row["n"], row["members"] or 0)
        for row in ArtTeam.objects.filter(unit=unit)
        .values("community")
        .annotate(n=Count("id"), members=Sum("members"))
        .order_by("community")
    ]
    events = CulturalEvent.objects.filter(unit=unit).aggregate(
        n=Count("id"), performances=Sum("performances"), audience=Sum("audience")
    )
    brands = [
        BrandFigure(row["name"], row["n"], row["performances"] or 0, row["audience"] or 0)
        for row in CulturalEvent.objects.filter(unit=unit, is_brand=True)
        .values("name")
        .annotate(n=Count("id"), performances=Sum("performances"), audience=Sum("audience"))
        .order_by("-audience", "name")
    ]
    levels = list(StaffCount.Level)
    staff = [
        StaffFigure(row.get_level_display(), row.full_time, row.part_time, row.volunteers)
        for row in sorted(
            StaffCount.objects.filter(unit=unit), key=lambda row: levels.index(row.level)
        )
    ]
    training = TrainingCourse.objects.filter(unit=unit).aggregate(
        n=Count("id"), trainees=Sum("trainees")
    )
    investments = [
        ItemAmount(row["item"], row["amount"] or zero)
        for row in Investment.objects.filter(unit=unit)
        .values("item")
        .annotate(amount=Sum("amount"))
        .order_by("-amount", "item")
    ]
    honour_levels = list(Honour.Level)
    honours = [
        HonourFigure(row.title, row.get_level_display(), row.awarded_on, row.awarded_by)
        for row in sorted(
            Honour.objects.filter(unit=unit),
            key=lambda row: (honour_levels.index(row.level), row.awarded_on, row.pk),
        )
    ]
    return PlaceFigures(
        facilities=facilities,
        facility_count=sum(figure.count for figure in facilities),
        floor_area=sum((figure.floor_area for figure in facilities), zero),
        teams=teams,
        team_count=sum(row.teams for row in teams),
        team_members=sum(row.members for row in teams),
        event_count=events["n"],
        performances=events["performances"] or 0,
        audience=events["audience"] or 0,
        brands=brands,
        staff=staff,
        full_time=sum(row.full_time for row in staff),
        part_time=sum(row.part_time for row in staff),
        volunteers=sum(row.volunteers for row in staff),
        course_count=training["n"],
        trainees=training["trainees"] or 0,
        investments=investments,
        invested=sum((row.amount for row in investments), zero),
        honours=honours,
    )
