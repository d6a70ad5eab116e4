from datetime import date, datetime, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from creation.models import Department, GroupMember
from creation.tests.factories import (
    BatchFactory,
    CreationUnitFactory,
    GroupMemberFactory,
    GroupOfficeFactory,
    LeadershipGroupFactory,
    LiaisonFactory,
    UserFactory,
)
from funds.rules import PlanStatus
from funds.tests.factories import FundPlanVersionFactory
from reporting.rules import due_moment
from reporting.tests.factories import ObligationFactory, SubmissionFactory
from scoring.models import (
    AdoptionClaim,
    CreationStandard,
    Indicator,
    MediaOutlet,
    ScoringPeriod,
    VetoOverride,
)
from scoring.rules import normalise_title


def outlet(name: str) -> MediaOutlet:
    """An outlet of the seeded catalogue (docs/rules.md R6.2). Tests that empty the database (browser
    and worker tests) also empty the catalogue that the migration seeded: it is seeded again."""
    found = MediaOutlet.objects.filter(name=name).first()
    if found is None:
        import importlib

        from django.apps import apps

        importlib.import_module("scoring.migrations.0002_publicity").seed_outlets(apps, None)
        found = MediaOutlet.objects.get(name=name)
    return found


class MediaOutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaOutlet
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"媒体{n}")
    tier = 2


class AdoptionClaimFactory(factory.django.DjangoModelFactory):
    """A claim as stored; tests of the workflow go through scoring.services instead."""

    class Meta:
        model = AdoptionClaim

    unit = factory.SubFactory(CreationUnitFactory)
    outlet = factory.LazyFunction(lambda: outlet("人民日报"))
    title = factory.Sequence(lambda n: f"推进公共文化服务体系示范区创建工作纪实之{n}")
    title_key = factory.LazyAttribute(lambda c: normalise_title(c.title))
    published_on = date(2026, 3, 15)
    link = "https://example.org/article"
    tier = factory.LazyAttribute(lambda c: c.outlet.tier_for(c.unit.level))
    status = AdoptionClaim.Status.CLAIMED
    claimed_at = factory.LazyFunction(
        lambda: timezone.make_aware(datetime(2026, 3, 20, 10, 0))  # noqa: DTZ001
    )


class ScoringPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringPeriod

    programme = factory.SubFactory("creation.tests.factories.ProgrammeFactory")
    kind = ScoringPeriod.Kind.ZONE
    label = "2026H1"
    start = date(2026, 1, 1)
    end = date(2026, 6, 30)


class CreationStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreationStandard

    batch = factory.SubFactory(BatchFactory)
    economic_belt = "central"
    title = factory.Sequence(lambda n: f"创建标准{n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    standard = factory.SubFactory(CreationStandardFactory)
    part = "设施网络"
    code = factory.Sequence(lambda n: f"1.{n + 1}")
    name = factory.Sequence(lambda n: f"指标{n}")
    measure_unit = "册/人"
    threshold = Decimal("0.6")
    weight = Decimal(10)


class VetoOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VetoOverride

    unit = factory.SubFactory(CreationUnitFactory)
    item = "liaison"
    decision = "ok"
    reason = "联络员调整期间由分管局长代行职责。"
    decided_by = factory.SubFactory(UserFactory)
    decided_at = factory.LazyFunction(lambda: due_moment(date(2026, 6, 1)))


def obligation(unit, kind: str, due_on: date, *, submitted: bool, label: str = ""):
    """An obligation of the unit due on `due_on`, first submitted (on time) or not at all."""
    found = ObligationFactory(
        unit=unit,
        type=kind,
        period_start=due_on - timedelta(days=40),
        period_end=due_on - timedelta(days=10),
        period_label=label or due_on.strftime("%Y-%m"),
        due_at=due_moment(due_on),
    )
    if submitted:
        at = found.due_at - timedelta(days=1)
        SubmissionFactory(
            obligation=found,
            status="accepted",
            first_submitted_at=at,
            submitted_at=at,
            is_late=False,
        )
    return found


def compliant_unit(**kwargs):
    """A unit that meets every R6.6 basic requirement on 2026-09-01: a full leadership group and
    office, a liaison since its start, a filed plan, and its half-yearly reports submitted."""
    unit = CreationUnitFactory(**kwargs)
    group = LeadershipGroupFactory(unit=unit)
    GroupMemberFactory(
        group=group,
        role=GroupMember.Role.HEAD,
        leader_kind=GroupMember.LeaderKind.GOVERNMENT_MAIN
        if unit.kind == "zone"
        else GroupMember.LeaderKind.CULTURE_ADMIN_MAIN,
    )
    field = "required_for_zones" if unit.kind == "zone" else "required_for_projects"
    for department in Department.objects.filter(**{field: True}):
        GroupMemberFactory(group=group, department=department)
    GroupOfficeFactory(unit=unit, in_cultural_administration=True)
    LiaisonFactory(unit=unit, started_on=unit.start_date)
    FundPlanVersionFactory(plan__unit=unit, status=PlanStatus.FILED)
    for kind in ("fund_report", "self_inspection"):
        obligation(unit, kind, date(2026, 7, 15), submitted=True, label="2026H1")
    return unit
