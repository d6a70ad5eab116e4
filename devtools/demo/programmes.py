"""Demo programmes: a national programme with two batches, a provincial programme, three
provinces (east, central, west), their units and one account per role. The first contributor:
it fills the context that the others read. Loading it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from creation import services
from creation.models import CreationUnit, Programme, Region, RoleAssignment
from devtools.demo.context import DEMO_PASSWORD, DemoContext, DemoLogin

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


def load(context: DemoContext) -> None:
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
    context.programmes.update(programmes)
    context.national = programmes[NATIONAL]
    context.units.update(units)
    context.logins.extend(logins)
    context.users.update(
        {login.username: User.objects.get(username=login.username) for login in logins}
    )
