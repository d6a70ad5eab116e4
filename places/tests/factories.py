"""Factories of the records of a creating place (§7)."""

from datetime import date
from decimal import Decimal

import factory

from creation.tests.factories import CreationUnitFactory
from places.models import (
    ArtTeam,
    CulturalEvent,
    Facility,
    Honour,
    Investment,
    StaffCount,
    SummaryText,
    TrainingCourse,
)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    unit = factory.SubFactory(CreationUnitFactory)
    kind = Facility.Kind.COMMUNITY_ROOM
    name = factory.Sequence(lambda n: f"社区文化活动室{n}")
    community = "东风社区"
    floor_area = Decimal("80.5")
    equipment = "计算机、图书"
    weekly_hours = Decimal(42)


class ArtTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArtTeam

    unit = factory.SubFactory(CreationUnitFactory)
    name = factory.Sequence(lambda n: f"舞蹈队{n}")
    kind = ArtTeam.Kind.DANCE
    community = "东风社区"
    members = 20


class CulturalEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CulturalEvent

    unit = factory.SubFactory(CreationUnitFactory)
    name = "社区艺术节"
    held_on = date(2026, 5, 1)
    is_brand = True
    performances = 12
    audience = 3000


class StaffCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffCount

    unit = factory.SubFactory(CreationUnitFactory)
    level = StaffCount.Level.COUNTY
    full_time = 10
    part_time = 4
    volunteers = 50


class TrainingCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingCourse

    unit = factory.SubFactory(CreationUnitFactory)
    course = "基层文化骨干培训班"
    held_on = date(2026, 4, 1)
    trainees = 40


class InvestmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Investment

    unit = factory.SubFactory(CreationUnitFactory)
    item = "文化站提质改造"
    amount = Decimal("120.50")
    invested_on = date(2026, 3, 1)


class HonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Honour

    unit = factory.SubFactory(CreationUnitFactory)
    title = "全民健身活动先进单位"
    level = Honour.Level.PROVINCIAL
    awarded_on = date(2026, 6, 1)
    awarded_by = "省体育局"


class SummaryTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SummaryText

    unit = factory.SubFactory(CreationUnitFactory)
    overview = "辖8个社区，建成15分钟文化活动圈。"
    aims = "一个目标，四个原则。"
    leadership = "成立创建工作领导小组，明确职责。"
    measures = "着力推动公共文化服务资源提档升级。"
    problems = "文化建设投入不足；下一步继续加大投入。"
