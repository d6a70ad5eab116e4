from datetime import date

import factory
from django.contrib.auth import get_user_model

from creation.models import Batch, CreationUnit, Programme, Region, RoleAssignment


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{11 + n % 80:02d}{n // 80:04d}")
    name = factory.Sequence(lambda n: f"省份{n}")
    level = Region.Level.PROVINCE
    economic_belt = Region.EconomicBelt.EAST


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"9{n:08d}")
    name = factory.Sequence(lambda n: f"城市{n}")
    level = Region.Level.CITY
    parent = factory.SubFactory(ProvinceFactory)


class DistrictFactory(CityFactory):
    name = factory.Sequence(lambda n: f"区县{n}")
    level = Region.Level.DISTRICT
    parent = factory.SubFactory(CityFactory)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"示范区创建工作{n}")
    kind = Programme.Kind.NATIONAL
    office_name = "创建工作领导小组办公室"


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    year = 2026
    cycle_start = date(2026, 1, 1)
    cycle_end = date(2027, 12, 31)


class CreationUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreationUnit

    name = factory.Sequence(lambda n: f"示范区{n}")
    kind = CreationUnit.Kind.ZONE
    region = factory.SubFactory(CityFactory)
    level = factory.LazyAttribute(lambda unit: unit.region.level)
    batch = factory.SubFactory(BatchFactory)
    start_date = date(2026, 1, 1)
    host_organisation = ""


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-only")

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = RoleAssignment.Role.UNIT_STAFF
