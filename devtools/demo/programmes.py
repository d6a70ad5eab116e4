"""Demo data: a national programme with two batches, a provincial programme, three provinces
(east, central, west) and one account per role. Loaded by `manage.py seed_demo`; loading it
again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from creation import services
from creation.inspection_demo import load_inspections_demo
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
    Region,
    RoleAssignment,
)
from creation.place_demo import load_place_records_demo
from creation.rules import Period, periods_between
from funds.demo import load_funds_demo
from reporting.demo import load_reporting_demo
from scoring.acceptance_demo import load_acceptance_demo
from scoring.publicity_demo import load_publicity_demo

DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo accounts, printed by the command

# (code, name, level, parent code, class)
REGIONS: list[tuple[str, str, str, str | None, str]] = [
    ("330000", "浙江省", "province", None, "east"),
    ("330100", "杭州市", "city", "330000", ""),
    ("330106", "西湖区", "district", "330100", ""),
    ("330102", "上城区", "district", "330100", ""),
    ("330102001", "湖滨街道", "street", "330102", ""),
    ("330200", "宁波市", "city", "330000", ""),
    ("330212", "鄞州区", "district", "330200", ""),
    ("430000", "湖南省", "province", None, "central"),
    ("430100", "长沙市", "city", "430000", ""),
    ("430105", "开福区", "district", "430100", ""),
    ("430104", "岳麓区", "district", "430100", ""),
    ("430104001", "橘子洲街道", "street", "430104", ""),
    ("430105002", "伍家岭街道", "street", "430105", ""),
    ("430200", "株洲市", "city", "430000", ""),
    ("430300", "湘潭市", "city", "430000", ""),
    ("510000", "四川省", "province", None, "west"),
    ("510100", "成都市", "city", "510000", ""),
    ("510107", "武侯区", "district", "510100", ""),
    ("510104", "锦江区", "district", "510100", ""),
    ("510700", "绵阳市", "city", "510000", ""),
]

NATIONAL = "国家公共文化服务体系示范区（项目）创建"
HUNAN = "湖南省公共文化服务体系示范区（项目）创建"

# (programme, batch number, year, cycle start)
BATCHES: list[tuple[str, int, int, date]] = [
    (NATIONAL, 5, 2025, date(2025, 7, 1)),
    (NATIONAL, 6, 2026, date(2026, 7, 1)),
    (HUNAN, 1, 2026, date(2026, 3, 1)),
]


@dataclass(frozen=True)
class DemoUnit:
    programme: str
    batch: int
    name: str
    kind: str
    region: str
    host: str = ""


ZONE, PROJECT = CreationUnit.Kind.ZONE, CreationUnit.Kind.PROJECT

UNITS: list[DemoUnit] = [
    DemoUnit(NATIONAL, 5, "长沙市开福区", ZONE, "430105"),
    DemoUnit(NATIONAL, 5, "株洲市", ZONE, "430200"),
    DemoUnit(NATIONAL, 5, "杭州市西湖区", ZONE, "330106"),
    DemoUnit(NATIONAL, 5, "成都市武侯区", ZONE, "510107"),
    DemoUnit(NATIONAL, 6, "宁波市鄞州区", ZONE, "330212"),
    DemoUnit(NATIONAL, 6, "绵阳市", ZONE, "510700"),
    DemoUnit(NATIONAL, 6, "长沙市岳麓区橘子洲街道", ZONE, "430104001"),
    DemoUnit(NATIONAL, 6, "杭州市上城区湖滨街道", ZONE, "330102001"),
    DemoUnit(
        NATIONAL, 5, "长沙市“欢乐潇湘”群众文艺汇演", PROJECT, "430100", "长沙市文化旅游广电局"
    ),
    DemoUnit(NATIONAL, 5, "株洲市农家书屋数字化服务", PROJECT, "430200", "株洲市图书馆"),
    DemoUnit(NATIONAL, 5, "杭州市农村文化礼堂建设", PROJECT, "330100", "杭州市文化广电旅游局"),
    DemoUnit(NATIONAL, 5, "成都市“文化天府”惠民演出", PROJECT, "510100", "成都市文化广电旅游局"),
    DemoUnit(NATIONAL, 6, "宁波市“天一讲堂”公益讲座", PROJECT, "330200", "宁波市图书馆"),
    DemoUnit(NATIONAL, 6, "绵阳市羌族非遗传承保护", PROJECT, "510700", "绵阳市文化馆"),
    DemoUnit(NATIONAL, 6, "岳麓区社区文化志愿服务", PROJECT, "430104", "岳麓区文化馆"),
    DemoUnit(NATIONAL, 6, "武侯区“锦官城”社区艺术节", PROJECT, "510107", "武侯区文化馆"),
    DemoUnit(HUNAN, 1, "长沙市开福区伍家岭街道", ZONE, "430105002"),
    DemoUnit(HUNAN, 1, "湘潭市", ZONE, "430300"),
    DemoUnit(HUNAN, 1, "湘潭市红色文化进社区", PROJECT, "430300", "湘潭市文化旅游广电局"),
]

# (username, full name, role, scope kind, scope key, department)
ACCOUNTS: list[tuple[str, str, str, str, str, str]] = [
    ("office", "国家创建办 王审核", "office_reviewer", "programme", NATIONAL, ""),
    (
        "province_culture",
        "湖南省文化和旅游厅 李审核",
        "provincial_reviewer",
        "province",
        "430000",
        "culture",
    ),
    (
        "province_finance",
        "湖南省财政厅 张审核",
        "provincial_reviewer",
        "province",
        "430000",
        "finance",
    ),
    ("unit_staff", "开福区文旅局 陈联络", "unit_staff", "unit", "长沙市开福区", ""),
    ("api_client", "数据对接账号", "api_client", "programme", NATIONAL, ""),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str
    token: str = ""


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    regions: dict[str, Region] = {}
    for code, name, level, parent, belt in REGIONS:
        regions[code] = services.region_ensure(
            code=code,
            name=name,
            level=level,
            parent=regions[parent] if parent else None,
            economic_belt=belt,
        )
    programmes = {
        NATIONAL: services.programme_ensure(
            name=NATIONAL,
            kind=Programme.Kind.NATIONAL,
            office_name="国家公共文化服务体系示范区创建工作领导小组办公室",
        ),
        HUNAN: services.programme_ensure(
            name=HUNAN,
            kind=Programme.Kind.PROVINCIAL,
            office_name="湖南省公共文化服务体系示范区创建工作领导小组办公室",
            province=regions["430000"],
        ),
    }
    batches = {
        (programme, number): services.batch_ensure(
            programme=programmes[programme], number=number, year=year, cycle_start=start
        )
        for programme, number, year, start in BATCHES
    }
    units: dict[str, CreationUnit] = {}
    for demo in UNITS:
        batch = batches[(demo.programme, demo.batch)]
        units[demo.name] = services.unit_ensure(
            batch=batch,
            name=demo.name,
            kind=demo.kind,
            region=regions[demo.region],
            start_date=batch.cycle_start,
            host_organisation=demo.host,
        )

    scopes: dict[str, dict[str, Any]] = {
        "programme": programmes,
        "province": regions,
        "unit": units,
    }
    logins = [
        DemoLogin("admin", "superuser", "—"),
    ]
    admin = services.user_ensure(username="admin", password=DEMO_PASSWORD, full_name="系统管理员")
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    for username, full_name, role, scope_kind, key, department in ACCOUNTS:
        user = services.user_ensure(username=username, password=DEMO_PASSWORD, full_name=full_name)
        target = scopes[scope_kind][key]
        services.role_assign(user=user, role=role, department=department, **{scope_kind: target})
        token = ""
        if role == RoleAssignment.Role.API_CLIENT:
            token = Token.objects.get_or_create(user=user)[0].key
        logins.append(DemoLogin(username, role, str(target), token))
    users = {login.username: User.objects.get(username=login.username) for login in logins}
    _load_leadership(units, users)
    load_reporting_demo(units, users)
    load_place_records_demo(units, users)
    load_funds_demo(units, users)
    load_acceptance_demo(units, users)
    load_publicity_demo(units, users)
    load_inspections_demo(units, users)
    return logins


# --- R1 leadership and R2 liaison -------------------------------------------------------------

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


def demo_minutes_pdf(title: str) -> ContentFile:
    """A one-page PDF standing in for scanned minutes (ASCII text: no font needed)."""
    text = f"Minutes: {title.encode('ascii', 'ignore').decode() or 'meeting'}"
    stream = f"BT /F1 12 Tf 40 160 Td ({text}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj" % number + content + b"endobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return ContentFile(body, name="minutes.pdf")


def _load_leadership(units: dict[str, CreationUnit], users: dict[str, Any]) -> None:
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
    _load_liaison_meetings(units, users["office"], today)


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
                "minutes": None if last else demo_minutes_pdf(f"{quarter}"),
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
                "minutes": demo_minutes_pdf("major matter"),
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


def _load_liaison_meetings(units: dict[str, CreationUnit], office: Any, today: date) -> None:
    programme = Programme.objects.get(name=NATIONAL)
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
                minutes=demo_minutes_pdf(f"liaison {period}"),
            )
