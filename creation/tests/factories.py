from datetime import date

import factory
from django.contrib.auth import get_user_model
from django.db.models import Max

from creation.models import (
    Batch,
    CreationUnit,
    GroupMember,
    GroupOffice,
    LeadershipGroup,
    Liaison,
    LiaisonMeeting,
    Meeting,
    OfficeStaff,
    Programme,
    Region,
    RoleAssignment,
)


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
    # The next free number within the programme: a fixed sequence can collide with the shared
    # data's batches, depending on which tests a worker ran before.
    number = factory.LazyAttribute(
        lambda batch: (
            (batch.programme.batches.aggregate(Max("number"))["number__max"] or 0) + 1
            if batch.programme.pk
            else 1
        )
    )
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


def minutes_pdf(name: str = "纪要.pdf"):
    """A small but real PDF, as the minutes of a meeting."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class LeadershipGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadershipGroup

    unit = factory.SubFactory(CreationUnitFactory)
    name = factory.LazyAttribute(lambda g: f"{g.unit.name}创建工作领导小组")
    established_on = date(2026, 1, 10)


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(LeadershipGroupFactory)
    name = factory.Sequence(lambda n: f"成员{n}")
    position = "局长"
    role = GroupMember.Role.MEMBER
    duty = "负责协调本部门创建任务"


class GroupOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupOffice

    unit = factory.SubFactory(CreationUnitFactory)
    placed_in = "区文化旅游体育局"
    director_name = "王主任"
    director_position = "副局长"


class OfficeStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficeStaff

    office = factory.SubFactory(GroupOfficeFactory)
    name = factory.Sequence(lambda n: f"工作人员{n}")
    position = "科员"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    unit = factory.SubFactory(CreationUnitFactory)
    kind = Meeting.Kind.REGULAR
    held_on = date(2026, 2, 15)
    title = "创建工作领导小组例会"
    attendees = "组长、副组长及各成员单位负责人"
    agenda = "研究部署季度创建任务"
    decisions = "按期完成各项任务"


class LiaisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Liaison

    unit = factory.SubFactory(CreationUnitFactory)
    name = factory.Sequence(lambda n: f"联络员{n}")
    organisation = "区文化旅游体育局"
    position = "分管副局长"
    position_kind = Liaison.PositionKind.DEPUTY_HEAD_CULTURE
    mobile = "13800000000"
    started_on = date(2026, 1, 1)


class LiaisonMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonMeeting

    programme = factory.LazyAttribute(lambda m: m.host.batch.programme)
    audience = CreationUnit.Kind.ZONE
    # distinct periods by default (one meeting per programme, audience and period)
    year = factory.Sequence(lambda n: 2030 + n // 4)
    period = factory.Sequence(lambda n: n % 4 + 1)
    scheduled_on = factory.LazyAttribute(lambda m: date(m.year, (m.period - 1) * 3 + 2, 20))
    place = "长沙市"
    host = factory.SubFactory(CreationUnitFactory)
