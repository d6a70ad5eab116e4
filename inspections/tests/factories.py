"""Factories of supervision (R4): inspections with their team, checklist and findings,
rectification items, feedback letters and self-inspections."""

from datetime import date
from decimal import Decimal

import factory

from creation.tests.factories import CreationUnitFactory, minutes_pdf
from inspections.models import (
    ChecklistItem,
    FeedbackLetter,
    Finding,
    Inspection,
    Rectification,
    RectificationEvidence,
    SelfInspection,
    SelfInspectionItem,
    TeamMember,
)
from reporting.models import Obligation
from reporting.rules import due_moment
from reporting.tests.factories import ObligationFactory
from scoring.models import CreationStandard, Indicator


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    unit = factory.SubFactory(CreationUnitFactory)
    planned_start = date(2026, 5, 11)
    planned_end = date(2026, 5, 13)
    leader_name = "李明"
    leader_position = "文化和旅游部公共服务司副司长"
    scope = "创建工作组织领导、设施网络建设、服务供给和经费保障情况"


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    inspection = factory.SubFactory(InspectionFactory)
    name = factory.Sequence(lambda n: f"督查员{n}")
    position = "专家委员会委员"


class ChecklistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistItem

    inspection = factory.SubFactory(InspectionFactory)
    text = factory.Sequence(lambda n: f"检查事项{n}")


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    inspection = factory.SubFactory(
        InspectionFactory,
        status=Inspection.Status.COMPLETED,
        held_start=date(2026, 5, 11),
        held_end=date(2026, 5, 13),
    )
    severity = Finding.Severity.MAJOR
    rule_id = "R1.3"
    description = factory.Sequence(lambda n: f"领导小组例会未按季度召开{n}")
    requirement = "每季度至少召开一次领导小组例会，并形成会议纪要"


class RectificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rectification

    finding = factory.SubFactory(FindingFactory)
    owner = "区文化旅游体育局"
    deadline = date(2026, 7, 31)


class RectificationEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RectificationEvidence

    rectification = factory.SubFactory(RectificationFactory)
    file = factory.LazyFunction(lambda: minutes_pdf("整改佐证.pdf"))
    name = "整改佐证.pdf"


class FeedbackLetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackLetter

    inspection = factory.SubFactory(
        InspectionFactory,
        status=Inspection.Status.FEEDBACK_SENT,
        held_start=date(2026, 5, 11),
        held_end=date(2026, 5, 13),
    )
    local_government = "长沙市人民政府"
    provincial_government = "湖南省人民政府"
    document_number = factory.Sequence(lambda n: f"办公共函〔2026〕{n + 1}号")
    sent_on = date(2026, 6, 1)


class SelfInspectionObligationFactory(ObligationFactory):
    type = Obligation.Type.SELF_INSPECTION
    period_start = date(2026, 1, 1)
    period_end = date(2026, 6, 30)
    period_label = "2026H1"
    due_at = factory.LazyFunction(lambda: due_moment(date(2026, 7, 15)))


class SelfInspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfInspection

    unit = factory.SubFactory(CreationUnitFactory)
    obligation = factory.SubFactory(
        SelfInspectionObligationFactory, unit=factory.SelfAttribute("..unit")
    )
    summary = "对照创建标准逐项开展自查，总体进展顺利。"


class SelfInspectionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfInspectionItem

    self_inspection = factory.SubFactory(SelfInspectionFactory)
    text = factory.Sequence(lambda n: f"自查事项{n}")


def indicators_for(unit, count: int = 3) -> list[Indicator]:
    """A creation standard for the unit's batch and belt, with `count` indicators."""
    standard, _created = CreationStandard.objects.get_or_create(
        batch=unit.batch,
        economic_belt=unit.region.province_region.economic_belt,
        defaults={"title": "创建标准"},
    )
    return [
        Indicator.objects.create(
            standard=standard,
            part="设施网络",
            code=f"1.{index + 1}",
            name=f"指标{index + 1}",
            threshold=Decimal("1"),
            weight=Decimal("5"),
            sort_order=index,
        )
        for index in range(count)
    ]


def inspection_people() -> dict:
    """长沙市开福区 (a district of 长沙市, 湖南省) in a national programme, with its staff, the
    programme's office, the office of another programme and the province's two reviewers."""
    from creation.models import RoleAssignment
    from creation.tests.factories import (
        BatchFactory,
        CityFactory,
        DistrictFactory,
        ProgrammeFactory,
        ProvinceFactory,
        RoleAssignmentFactory,
    )

    role = RoleAssignment.Role
    province = ProvinceFactory(code="430000", name="湖南省", economic_belt="central")
    city = CityFactory(parent=province, name="长沙市")
    district = DistrictFactory(parent=city, name="开福区")
    programme = ProgrammeFactory(office_name="国家公共文化服务体系示范区创建工作办公室")
    unit = CreationUnitFactory(
        name="长沙市开福区",
        region=district,
        level="district",
        batch=BatchFactory(programme=programme),
    )
    return {
        "unit": unit,
        "province": province,
        "staff": RoleAssignmentFactory(role=role.UNIT_STAFF, unit=unit).user,
        "office": RoleAssignmentFactory(role=role.OFFICE_REVIEWER, programme=programme).user,
        "other_office": RoleAssignmentFactory(
            role=role.OFFICE_REVIEWER, programme=ProgrammeFactory()
        ).user,
        "culture": RoleAssignmentFactory(
            role=role.PROVINCIAL_REVIEWER, province=province, department="culture"
        ).user,
        "finance": RoleAssignmentFactory(
            role=role.PROVINCIAL_REVIEWER, province=province, department="finance"
        ).user,
    }
