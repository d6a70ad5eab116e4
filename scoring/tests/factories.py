from datetime import date, datetime

import factory
from django.utils import timezone

from creation.tests.factories import CreationUnitFactory
from scoring.models import AdoptionClaim, MediaOutlet, ScoringPeriod
from scoring.rules import normalise_title


def outlet(name: str) -> MediaOutlet:
    """An outlet of the seeded catalogue (RULES.md R6.2)."""
    return MediaOutlet.objects.get(name=name)


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
