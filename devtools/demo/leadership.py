"""Demo leadership (R1) and liaison (R2): a leadership group, members, office and staff,
quarterly meetings with minutes, liaisons and their changes for every unit, and the programme's
liaison meetings. Some units are deliberately incomplete so that the compliance pages show
findings. A unit that already has a leadership group is left as it is."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from creation import services
from creation.models import (
    CreationUnit,
    Department,
    GroupMember,
    GroupOffice,
    LeadershipGroup,
    Liaison,
    LiaisonMeeting,
    Meeting,
    OfficeStaff,
    Programme,
)
from creation.rules import Period, periods_between
from devtools.demo.context import DemoContext, minutes_pdf

# Units whose records are deliberately incomplete, so that the compliance pages show findings.
MISSING_DEPARTMENT = {"株洲市": "编制"}
WITHOUT_OFFICE = {"绵阳市"}
MEMBER_WITHOUT_DUTY = {"杭州市西湖区"}
SPARSE_MEETINGS = {"成都市武侯区", "株洲市"}

ZONE_HEAD = ("区委书记", GroupMember.LeaderKind.PARTY_MAIN)
PROJECT_HEAD = ("文化旅游广电局局长", GroupMember.LeaderKind.CULTURE_ADMIN_MAIN)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def _person(unit: CreationUnit, index: int) -> str:
    seed = sum(map(ord, unit.name)) + index * 7
    return SURNAMES[seed % len(SURNAMES)] + "某" + "甲乙丙丁戊己庚辛"[index % 8]


def load(context: DemoContext) -> None:
    units, users = context.units, context.users
    admin = users["admin"]
    departments = {d.name: d for d in Department.objects.all()}
    today = timezone.localdate()
    for unit in units.values():
        if hasattr(unit, "leadership_group"):
            continue  # loaded before: leave what is there
        is_zone = unit.kind == CreationUnit.Kind.ZONE
        group = services.unit_record_save(
            user=admin,
            instance=LeadershipGroup(unit=unit),
            fields={
                "name": f"{unit.name}创建国家公共文化服务体系示范{'区' if is_zone else '项目'}工作领导小组",
                "established_on": unit.start_date + timedelta(days=10),
                "document_number": f"{unit.region.name[:2]}办发〔{unit.start_date.year}〕{unit.pk + 10}号",
            },
        )
        head_position, head_kind = ZONE_HEAD if is_zone else PROJECT_HEAD
        rows = [("head", head_position, head_kind, None, "全面领导创建工作")]
        if is_zone:
            rows.append(
                (
                    "deputy_head",
                    "区长",
                    GroupMember.LeaderKind.GOVERNMENT_MAIN,
                    None,
                    "统筹推进创建工作",
                )
            )
            for name in ("发改", "财政", "人事", "编制", "文化"):
                if MISSING_DEPARTMENT.get(unit.name) == name:
                    continue
                duty = (
                    ""
                    if unit.name in MEMBER_WITHOUT_DUTY and name == "人事"
                    else f"负责{name}领域创建任务"
                )
                rows.append(
                    ("member", f"{name}部门主要负责人", GroupMember.LeaderKind.OTHER, name, duty)
                )
        else:
            rows.append(
                ("member", "财政局副局长", GroupMember.LeaderKind.OTHER, "财政", "保障项目资金")
            )
            rows.append(
                (
                    "member",
                    f"{unit.host_organisation}负责人",
                    GroupMember.LeaderKind.OTHER,
                    "文化",
                    "组织实施项目",
                )
            )
        for index, (role, position, kind, department, duty) in enumerate(rows):
            services.unit_record_save(
                user=admin,
                instance=GroupMember(group=group),
                fields={
                    "name": _person(unit, index),
                    "position": position,
                    "role": role,
                    "leader_kind": kind,
                    "department": departments.get(department) if department else None,
                    "duty": duty,
                    "sort_order": index,
                },
            )
        if is_zone and unit.name not in WITHOUT_OFFICE:
            office = services.unit_record_save(
                user=admin,
                instance=GroupOffice(unit=unit),
                fields={
                    "placed_in": f"{unit.region.name}文化旅游体育局",
                    "director_name": _person(unit, 11),
                    "director_position": "副局长",
                    "phone": "0731-8888" + str(1000 + unit.pk)[-4:],
                },
            )
            for index in (12, 13):
                services.unit_record_save(
                    user=admin,
                    instance=OfficeStaff(office=office),
                    fields={"name": _person(unit, index), "position": "科员"},
                )
        _load_meetings(unit, admin, today)
        _load_liaisons(unit, users, admin)
    _load_liaison_meetings(context.national, units, users["office"], today)


def _load_meetings(unit: CreationUnit, admin: Any, today: date) -> None:
    for number, quarter in enumerate(periods_between(unit.start_date, today)):
        if unit.name in SPARSE_MEETINGS and number % 2:
            continue
        held_on = min(quarter.first_day + timedelta(days=40), today)
        if held_on < unit.start_date:
            continue
        title = f"{quarter.year}年第{quarter.index}季度创建工作领导小组例会"
        last = quarter.last_day >= today
        services.unit_record_save(
            user=admin,
            instance=Meeting(unit=unit),
            fields={
                "kind": Meeting.Kind.REGULAR,
                "held_on": held_on,
                "title": title,
                "attendees": "领导小组组长、副组长及各成员单位负责人",
                "agenda": "通报上季度创建进展；部署本季度重点任务；研究经费使用",
                "decisions": "按创建规划推进设施建设和品牌活动；按期报送工作动态",
                # the meeting of the current quarter still waits for its minutes
                "minutes": None if last else minutes_pdf(f"{quarter}"),
            },
        )
    if unit.kind == CreationUnit.Kind.ZONE:
        services.unit_record_save(
            user=admin,
            instance=Meeting(unit=unit),
            fields={
                "kind": Meeting.Kind.MAJOR_MATTER,
                "held_on": unit.start_date + timedelta(days=60),
                "title": "重大事项会商：文化设施建设用地",
                "attendees": "组长、发改、财政、文化部门负责人",
                "agenda": "会商街道综合文化站建设用地和资金",
                "decisions": "由发改部门牵头落实用地，财政部门安排配套资金",
                "minutes": minutes_pdf("major matter"),
            },
        )


def _load_liaisons(unit: CreationUnit, users: dict[str, Any], admin: Any) -> None:
    contact = {
        "organisation": f"{unit.region.name}文化旅游体育局",
        "position": "分管副局长",
        "position_kind": Liaison.PositionKind.DEPUTY_HEAD_CULTURE,
        "mobile": "1390731" + str(1000 + unit.pk)[-4:],
        "email": f"liaison{unit.pk}@example.gov.cn",
    }
    services.liaison_appoint(
        user=admin, unit=unit, started_on=unit.start_date, name=_person(unit, 20), **contact
    )
    if unit.name == "长沙市开福区":
        # a change of liaison; the new one has a portal account and receives invitations
        services.liaison_appoint(
            user=admin,
            unit=unit,
            started_on=unit.start_date + timedelta(days=200),
            account=users["unit_staff"],
            **{**contact, "name": "陈联络"},
        )
    if unit.name == "杭州市上城区湖滨街道":
        services.liaison_appoint(
            user=admin,
            unit=unit,
            started_on=unit.start_date + timedelta(days=90),
            **{
                **contact,
                "name": _person(unit, 21),
                "position": "街道文化站站长",
                "position_kind": Liaison.PositionKind.OTHER,
            },
        )


def _load_liaison_meetings(
    programme: Programme, units: dict[str, CreationUnit], office: Any, today: date
) -> None:
    if LiaisonMeeting.objects.filter(programme=programme).exists():
        return
    plan = [
        ("zone", "长沙市开福区", date(2025, 9, 18), "held"),
        ("zone", "杭州市西湖区", date(2025, 12, 11), "held"),
        ("zone", "成都市武侯区", date(2026, 3, 19), "held"),
        ("zone", "株洲市", date(2026, 9, 17), "held"),
        ("project", "杭州市农村文化礼堂建设", date(2025, 11, 20), "held"),
        ("project", "成都市“文化天府”惠民演出", date(2026, 12, 10), "planned"),
    ]
    for audience, host, day, status in plan:
        months = 3 if audience == "zone" else 6
        period = Period.containing(day, months=months)
        meeting = services.liaison_meeting_schedule(
            user=office,
            programme=programme,
            audience=audience,
            year=period.year,
            period=period.index,
            scheduled_on=day,
            place=units[host].region.name,
            host=units[host],
            agenda="交流创建经验；通报信息报送和宣传评分情况；部署下阶段工作",
        )
        if status == "held":
            invited = list(meeting.attendances.values_list("unit_id", flat=True))
            services.liaison_meeting_record(
                user=office,
                meeting=meeting,
                attended_unit_ids=set(invited[: max(1, len(invited) - 1)]),
                minutes=minutes_pdf(f"liaison {period}"),
            )
