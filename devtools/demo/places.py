"""Demo records of creating places (docs/rules.md, §7): facilities, amateur art teams, events and
brands, staff, training, money invested, honours and the narrative of the summary report, for
every demo unit, modelled on the two source reports. Deterministic; a unit that already has
records is left as it is, so loading again changes nothing."""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from creation import services
from creation.models import CreationUnit
from devtools.demo.context import DemoContext
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

COMMUNITIES = ["东风", "新河", "湘江", "清水塘", "四方坪", "德雅", "秀峰", "沙坪", "洪山", "芙蓉"]
TEAM_KINDS = [
    ("舞蹈队", ArtTeam.Kind.DANCE),
    ("合唱团", ArtTeam.Kind.CHOIR),
    ("花鼓戏队", ArtTeam.Kind.OPERA),
    ("腰鼓队", ArtTeam.Kind.MUSIC),
    ("民间故事会", ArtTeam.Kind.FOLK),
]
BRANDS = ["社区艺术节", "广场文化节", "新春喜乐会", "金秋文化节"]
COURSES = ["基层文化骨干培训班", "广场舞辅导员培训", "文化志愿者服务培训", "数字文化服务培训"]
INVESTMENT_ITEMS = [
    "综合文化服务中心提质改造",
    "社区文化活动室设备配置",
    "农家文化屋场建设",
    "群众文化活动经费",
    "文化人才队伍培训",
]
HONOURS = [
    ("全国文化先进单位", Honour.Level.NATIONAL, "文化和旅游部"),
    ("全民健身活动先进单位", Honour.Level.PROVINCIAL, "省体育局"),
    ("和谐文化进万家优秀活动奖", Honour.Level.CITY, "市委宣传部"),
    ("群众文化工作先进集体", Honour.Level.COUNTY, "区委、区政府"),
]

OVERVIEW = (
    "{name}辖{communities}个社区，近年来坚持以满足人民群众日益增长的精神文化需求为宗旨，"
    "以打造平台、建设队伍、丰富活动为抓手，逐步形成了区、街道、社区三级公共文化服务网络，"
    "全力打造15分钟文化活动圈。"
)
AIMS = (
    "一个目标：以提高群众幸福感和满意度为目标，逐步建立和完善各项公共文化服务配套，"
    "充分发挥辖区单位现有资源的作用，不断满足群众精神文化需求。\n"
    "四个原则：一是整体性原则，统筹调配辖区公共服务资源；二是发展性原则，坚持创新发展；"
    "三是公益性原则，面向全体居民免费开放；四是便利性原则，就近就便提供服务。"
)
LEADERSHIP = (
    "成立创建工作领导小组，由主要领导任组长，分管领导任副组长，组织、宣传、文化、民政、财政等"
    "部门负责人为成员，明确职责，落实分工，形成了党委、政府统一领导、各部门分工合作、"
    "各社区共同参与、齐抓共管的良好格局。"
)
MEASURES = (
    "着力推动公共文化服务资源提档升级，将辖区内各项公共文化资源面向居民开放。\n"
    "着力丰富群众文化生活，广泛开展自编、自演、自娱的群众性文化活动，打造品牌文化活动。\n"
    "着力加强人才队伍建设，配备专职文化工作人员，招募培训文化志愿者。\n"
    "着力保障弱势群体的基本文化权益，为外来务工人员、老年人和未成年人提供文化服务。"
)
PROBLEMS = (
    "群众文化活动场所、文化产品与群众需求仍不相配套，部分设施建设档次不高、功能配套不够；"
    "文化资源缺乏有效整合，一体化程度较低；文化建设投入不足，人才队伍仍不完善。\n"
    "下一步，我们将继续加大投入，完善设施网络，整合文化资源，健全人才队伍，"
    "推动创建工作再上新台阶。"
)


def _seed(unit: CreationUnit) -> int:
    return zlib.crc32(unit.name.encode())


def load(context: DemoContext) -> None:
    units, users = context.units, context.users
    admin = users["admin"]  # the superuser writes for every demo unit
    for unit in units.values():
        if unit.facilities.exists() or hasattr(unit, "summary_text"):
            continue  # loaded before: leave what is there
        _load_unit(unit, admin)


def _save(admin: Any, instance: Any, **fields: Any) -> Any:
    return services.unit_record_save(user=admin, instance=instance, fields=fields)


def _load_unit(unit: CreationUnit, admin: Any) -> None:
    seed = _seed(unit)
    is_zone = unit.kind == CreationUnit.Kind.ZONE
    start = unit.start_date
    communities = COMMUNITIES[: 4 + seed % 5] if is_zone else COMMUNITIES[:2]
    place = unit.region.name
    if is_zone:
        _save(
            admin,
            Facility(unit=unit),
            kind=Facility.Kind.SERVICE_CENTRE,
            name=f"{place}综合文化服务中心",
            community=communities[0] + "社区",
            address=f"{place}{communities[0]}路1号",
            floor_area=Decimal(980 + seed % 500),
            equipment="多功能厅、图书阅览室、电子阅览室、排练厅",
            weekly_hours=Decimal(56),
        )
        _save(
            admin,
            Facility(unit=unit),
            kind=Facility.Kind.STATION,
            name=f"{place}文化站",
            community=communities[1] + "社区",
            address=f"{place}{communities[1]}街8号",
            floor_area=Decimal(520 + seed % 80),
            equipment="计算机12台、音响设备一套",
            weekly_hours=Decimal(48),
        )
    for index, community in enumerate(communities):
        _save(
            admin,
            Facility(unit=unit),
            kind=Facility.Kind.COMMUNITY_ROOM,
            name=f"{community}社区文化活动室",
            community=f"{community}社区",
            address=f"{place}{community}社区服务中心{index + 2}楼",
            floor_area=Decimal(50 + (seed >> index) % 70),
            equipment="计算机、网络设备、棋牌桌、图书",
            weekly_hours=Decimal(42),
        )
        if is_zone and index % 2 == 0:
            _save(
                admin,
                Facility(unit=unit),
                kind=Facility.Kind.FARMHOUSE,
                name=f"{community}农家文化屋场",
                community=f"{community}社区",
                floor_area=Decimal(60 + index * 5),
                weekly_hours=Decimal(20),
            )
        for number, (team, kind) in enumerate(TEAM_KINDS[: 2 + (seed >> index) % 3]):
            _save(
                admin,
                ArtTeam(unit=unit),
                name=f"{community}社区{team}",
                kind=kind,
                community=f"{community}社区",
                members=12 + (seed >> (index + number)) % 30,
            )
    for edition in range(2):
        for number, brand in enumerate(BRANDS[: 2 if is_zone else 1]):
            _save(
                admin,
                CulturalEvent(unit=unit),
                name=brand,
                held_on=start + timedelta(days=60 + 180 * edition + 30 * number),
                is_brand=True,
                performances=8 + (seed >> number) % 10,
                audience=3000 + (seed >> (number + edition)) % 5000,
            )
    for number in range(6):
        _save(
            admin,
            CulturalEvent(unit=unit),
            name=f"送戏进社区（第{number + 1}场）",
            held_on=start + timedelta(days=20 + 45 * number),
            performances=1,
            audience=200 + (seed >> number) % 600,
        )
    for level, full_time, part_time, volunteers in (
        (StaffCount.Level.COUNTY, 12, 4, 60),
        (StaffCount.Level.TOWNSHIP, 3 * len(communities) // 2, 6, 120),
        (StaffCount.Level.COMMUNITY, len(communities), 2 * len(communities), 300),
    ):
        if not is_zone and level != StaffCount.Level.COUNTY:
            continue
        _save(
            admin,
            StaffCount(unit=unit),
            level=level,
            full_time=full_time,
            part_time=part_time,
            volunteers=volunteers + seed % 50,
        )
    for number, course in enumerate(COURSES):
        _save(
            admin,
            TrainingCourse(unit=unit),
            course=course,
            held_on=start + timedelta(days=40 + 70 * number),
            trainees=30 + (seed >> number) % 90,
        )
    for number, item in enumerate(INVESTMENT_ITEMS[: 5 if is_zone else 3]):
        _save(
            admin,
            Investment(unit=unit),
            item=item,
            amount=Decimal(20 + (seed >> number) % 300) + Decimal("0.5"),
            invested_on=start + timedelta(days=30 + 60 * number),
        )
    for number, (title, level, by) in enumerate(HONOURS[seed % 2 :]):
        _save(
            admin,
            Honour(unit=unit),
            title=title,
            level=level,
            awarded_on=min(start + timedelta(days=120 + 90 * number), date(2026, 12, 31)),
            awarded_by=by,
        )
    _save(
        admin,
        SummaryText(unit=unit),
        overview=OVERVIEW.format(name=unit.name, communities=len(communities)),
        aims=AIMS,
        leadership=LEADERSHIP,
        measures=MEASURES,
        problems=PROBLEMS,
    )
