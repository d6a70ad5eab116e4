"""Data at national scale: a generated national programme with thousands of units
and ten years of history, for measuring the portal the way it will be used.

`generate(ScaleParams(...))` writes, with `bulk_create` in chunks and without the audit log,
what the services would have written one row at a time: regions, a programme with its batches,
units, leadership groups, meetings with minutes, liaisons, the reporting calendar computed with
`reporting.rules.obligation_calendar`, submissions and their events, fund-use plans and
spending, adoption claims, scoring periods with frozen scores (`period_live_scores`, as
`period_close` freezes them), inspections with findings and rectifications, and
self-inspections. Everything random comes from one `random.Random(seed)`; the history ends on
a fixed `today`, so the same parameters give the same data.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from random import Random
from typing import Any

from auditlog.context import disable_auditlog
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from creation.models import (
    Batch,
    CreationUnit,
    Department,
    GroupMember,
    GroupOffice,
    LeadershipGroup,
    Liaison,
    LiaisonAttendance,
    LiaisonMeeting,
    Meeting,
    OfficeStaff,
    Programme,
    Region,
    RoleAssignment,
)
from creation.rules import creation_cycle_end, periods_between
from devtools.demo.context import DEMO_PASSWORD, minutes_pdf
from funds.models import (
    BudgetLine,
    CentralAllocation,
    Expenditure,
    FundCategory,
    FundPlan,
    FundPlanVersion,
    LocalFunding,
    PlanDecision,
)
from inspections.models import (
    ChecklistItem,
    FeedbackLetter,
    Finding,
    Inspection,
    Rectification,
    RectificationEvent,
    SelfInspection,
    SelfInspectionItem,
    TeamMember,
)
from reporting.models import Obligation, Reminder, ReportingSettings, Submission, SubmissionEvent
from reporting.rules import SHANGHAI, due_moment, obligation_calendar
from scoring import rules as scoring_rules
from scoring.models import (
    AdoptionClaim,
    Bulletin,
    CreationStandard,
    Indicator,
    MediaOutlet,
    PeriodEvent,
    PeriodScore,
    ScoringPeriod,
)
from scoring.selectors import period_live_scores

NAME_PREFIX = "全国规模数据"
BATCH_SIZE = 5000
UNITS_PER_CHUNK = 250

PROVINCES: list[tuple[str, str]] = [
    ("北京市", "east"), ("天津市", "east"), ("河北省", "east"), ("山西省", "central"),
    ("内蒙古自治区", "west"), ("辽宁省", "east"), ("吉林省", "central"), ("黑龙江省", "central"),
    ("上海市", "east"), ("江苏省", "east"), ("浙江省", "east"), ("安徽省", "central"),
    ("福建省", "east"), ("江西省", "central"), ("山东省", "east"), ("河南省", "central"),
    ("湖北省", "central"), ("湖南省", "central"), ("广东省", "east"), ("广西壮族自治区", "west"),
    ("海南省", "east"), ("重庆市", "west"), ("四川省", "west"), ("贵州省", "west"),
    ("云南省", "west"), ("西藏自治区", "west"), ("陕西省", "west"), ("甘肃省", "west"),
    ("青海省", "west"), ("宁夏回族自治区", "west"), ("新疆维吾尔自治区", "west"),
]  # fmt: skip
SYLLABLES = "安宁平清河山江湖东西南北中新华兴长永昌明阳泉林石金玉龙凤云海丰泰和德福寿光远"
PROJECT_THEMES = [
    "农村文化礼堂建设", "“书香满城”全民阅读推广", "公共文化服务配送体系", "非遗传承展示工程",
    "流动文化服务进基层", "数字文化馆建设", "乡村文艺骨干培训", "广场文化惠民演出",
    "社区文化志愿服务", "图书馆总分馆制建设", "特色文化品牌培育", "公共文化设施社会化运营",
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅兰军辉鹏飞玲萍燕文斌宇浩凯"
RULE_IDS = ["R1.1", "R1.2", "R1.3", "R2.1", "R3.2", "R3.3", "R4.2", "R5.1", "R5.2"]
FINDINGS = {
    "R1.1": ("领导小组部分成员单位职责分工不明确", "明确各成员单位职责，印发分工方案"),
    "R1.2": ("领导小组办公室人员配备不足", "充实办公室专职人员，健全日常工作机制"),
    "R1.3": ("领导小组例会未按季度召开，会议纪要不全", "按季度召开例会并完整归档会议纪要"),
    "R2.1": ("联络员调整后未及时报备", "及时报备联络员变更情况"),
    "R3.2": ("经费使用方案执行进度滞后", "加快预算执行，严格专款专用"),
    "R3.3": ("半年经费使用情况报告佐证材料不完整", "补充经费使用佐证材料"),
    "R4.2": ("自查报告问题查找不深入", "对照创建标准重新开展自查"),
    "R5.1": ("信息报送责任落实不到位", "明确联络员信息报送职责"),
    "R5.2": ("工作动态报送不及时", "建立信息报送台账，按时报送"),
}
TYPE_LABEL = {
    "work_update": "工作动态",
    "in_depth_report": "深度工作进展报告",
    "fund_report": "经费使用情况报告",
    "self_inspection": "自查报告",
}
CHECKLIST = [
    "领导小组建立及运行情况",
    "领导小组办公室设置情况",
    "联络员制度落实情况",
    "经费使用方案备案及执行情况",
    "信息报送及宣传情况",
    "创建标准指标完成情况",
]
INDICATORS = [
    ("设施网络", "1.1", "人均公共文化设施面积", "平方米/人", "0.12"),
    ("设施网络", "1.2", "乡镇（街道）综合文化站达标率", "%", "100"),
    ("服务供给", "2.1", "人均公共图书馆藏书", "册/人", "0.6"),
    ("服务供给", "2.2", "年人均新增藏书", "册/人", "0.04"),
    ("组织支撑", "3.1", "每万人拥有文化志愿者", "人", "30"),
    ("资金人才技术保障", "4.1", "基层文化队伍培训覆盖率", "%", "90"),
]  # fmt: skip
COMMENT_RETURN = [
    "材料不完整，请补充佐证材料后重新报送。",
    "数据口径与上期不一致，请核实后重新报送。",
    "请按深度报告的三部分要求完善内容。",
]


@dataclass(frozen=True)
class ScaleParams:
    units: int = 5000
    years: int = 10
    seed: int = 1
    code: str = ""
    today: date | None = None

    @property
    def programme_code(self) -> str:
        return self.code or f"U{self.units}-Y{self.years}-S{self.seed}"

    @property
    def programme_name(self) -> str:
        return programme_name(self.programme_code)

    @property
    def user_prefix(self) -> str:
        return "scale_" + re.sub(r"[^a-z0-9]+", "_", self.programme_code.lower()).strip("_")


def programme_name(code: str) -> str:
    return f"{NAME_PREFIX}（{code}）"


def scale_programmes() -> models.QuerySet[Programme]:
    return Programme.objects.filter(name__startswith=NAME_PREFIX + "（")


@dataclass
class Stats:
    rows: Counter = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started


def _bulk(model: type[models.Model], rows: list, stats: Stats) -> list:
    if rows:
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        stats.rows[model._meta.label] += len(rows)
    return rows


def _moment(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, dtime(hour, minute), tzinfo=SHANGHAI)


def _sample_pdf(title: str) -> bytes:
    return minutes_pdf(title).read()


class Generator:
    """One run of the generator; `run()` does everything and returns the statistics."""

    def __init__(self, params: ScaleParams, log: Callable[[str], None] = print) -> None:
        self.p = params
        self.today = params.today or timezone.localdate()
        self.now = _moment(self.today, 12)
        self.rng = Random(params.seed)  # noqa: S311 - test data, reproducible from its seed
        self.log = log
        self.stats = Stats()
        self.password = make_password(DEMO_PASSWORD)

    # --- helpers ---------------------------------------------------------------------------

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choices(GIVEN, k=self.rng.randint(1, 2))
        )

    def day_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def progress(self, what: str) -> None:
        total = sum(self.stats.rows.values())
        self.log(f"[{self.stats.seconds:7.1f}s] {what}: {total} rows so far")

    # --- run -------------------------------------------------------------------------------

    def run(self) -> Stats:
        with disable_auditlog():
            self.reference()
            with transaction.atomic():
                self.geography()
                self.programme_and_batches()
                self.units_create()
                self.users()
            self.progress(f"{len(self.units)} units in {len(self.batches)} batches")
            for start in range(0, len(self.units), UNITS_PER_CHUNK):
                chunk = self.units[start : start + UNITS_PER_CHUNK]
                with transaction.atomic():
                    self.unit_records(chunk)
                self.progress(f"units {start + 1}–{start + len(chunk)} of {len(self.units)}")
            with transaction.atomic():
                self.liaison_meetings()
            self.progress("liaison meetings")
            with transaction.atomic():
                self.scoring_periods()
            self.progress("scoring periods and frozen scores")
        return self.stats

    def reference(self) -> None:
        self.departments = {d.name: d for d in Department.objects.all()}
        self.categories = list(FundCategory.objects.order_by("sort_order", "pk"))
        self.central_categories = [c for c in self.categories if c.central_allowed]
        self.outlets = list(MediaOutlet.objects.filter(active=True).order_by("sort_order", "pk"))
        if not (self.categories and self.outlets):
            raise RuntimeError("Fund categories and media outlets are missing: run migrate first.")
        self.minutes_file = self.shared_file("minutes/scale/sample-minutes.pdf", "minutes")
        self.voucher_file = self.shared_file("funds/vouchers/scale-sample-voucher.pdf", "voucher")

    def shared_file(self, name: str, title: str) -> str:
        # One file on disk stands for the scans of every generated record.
        if not default_storage.exists(name):
            from django.core.files.base import ContentFile

            name = default_storage.save(name, ContentFile(_sample_pdf(title)))
        return name

    # --- regions ---------------------------------------------------------------------------

    def geography(self) -> None:
        """Provinces → cities → districts → streets, shared by every scale programme: codes
        start with X, names come from the code alone, existing rows are reused."""
        n = self.p.units
        province_count = min(len(PROVINCES), max(3, n // 10))
        cities_per = max(2, round(n / province_count / 12))
        wanted: list[tuple[str, str, str, str | None, str]] = []
        for pi in range(province_count):
            pname, belt = PROVINCES[pi]
            pcode = f"X{pi + 11:02d}0000"
            wanted.append((pcode, pname, "province", None, belt))
            for ci in range(cities_per):
                ccode = f"X{pi + 11:02d}{ci + 1:02d}00"
                wanted.append((ccode, self.place_name(ccode, 2) + "市", "city", pcode, ""))
                for di in range(6):
                    dcode = f"X{pi + 11:02d}{ci + 1:02d}{di + 1:02d}"
                    suffix = "区" if di < 4 else "县"
                    wanted.append(
                        (dcode, self.place_name(dcode, 2) + suffix, "district", ccode, "")
                    )
                    for si in range(3):
                        scode = f"{dcode}{si + 1:03d}"
                        name = self.place_name(scode, 2) + ("街道" if di < 4 else "镇")
                        wanted.append((scode, name, "street", dcode, ""))
        existing = {r.code: r for r in Region.objects.filter(code__startswith="X")}
        for level in ("province", "city", "district", "street"):
            rows = []
            for code, name, lvl, parent, belt in wanted:
                if lvl != level or code in existing:
                    continue
                parent_row = existing.get(parent) if parent else None
                rows.append(
                    Region(
                        code=code,
                        name=name,
                        level=lvl,
                        parent=parent_row,
                        province_id=(parent_row.province_id or parent_row.pk)
                        if parent_row
                        else None,
                        economic_belt=belt,
                    )
                )
            _bulk(Region, rows, self.stats)
            existing.update({r.code: r for r in rows})
        self.regions = [existing[w[0]] for w in wanted]
        self.region_by_id = {r.pk: r for r in self.regions}
        self.provinces = [r for r in self.regions if r.level == "province"]

    @staticmethod
    def place_name(code: str, length: int) -> str:
        digest = hashlib.sha256(code.encode()).digest()
        return "".join(SYLLABLES[b % len(SYLLABLES)] for b in digest[:length])

    def full_name(self, region: Region) -> str:
        names = []
        node: Region | None = region
        while node is not None and node.level != "province":
            names.append(node.name)
            node = self.region_by_id.get(node.parent_id)
        return "".join(reversed(names))

    # --- programme, batches, standards ------------------------------------------------------

    def programme_and_batches(self) -> None:
        self.programme = Programme(
            name=self.p.programme_name,
            kind=Programme.Kind.NATIONAL,
            office_name="国家公共文化服务体系示范区创建工作领导小组办公室",
        )
        _bulk(Programme, [self.programme], self.stats)
        _bulk(ReportingSettings, [ReportingSettings(programme=self.programme)], self.stats)
        self.schedule = ReportingSettings().schedule()
        first_year = self.today.year - self.p.years + 1
        year, number, batches = first_year, 1, []
        while True:
            start = date(year, self.rng.choice([3, 6, 7, 9]), 1)
            if start > self.today - timedelta(days=60):
                break
            batches.append(
                Batch(
                    programme=self.programme,
                    number=number,
                    year=year,
                    cycle_start=start,
                    cycle_end=creation_cycle_end(start),
                )
            )
            number += 1
            year += self.rng.choice([1, 2, 2])
        if not batches:
            start = date(first_year, 1, 1)
            batches.append(Batch(programme=self.programme, number=1, year=first_year,
                                 cycle_start=start, cycle_end=creation_cycle_end(start)))  # fmt: skip
        self.batches = _bulk(Batch, batches, self.stats)
        standards = [
            CreationStandard(batch=b, economic_belt=belt, title=f"第{b.number}批{label}创建标准")
            for b in self.batches
            for belt, label in (("east", "东部"), ("central", "中部"), ("west", "西部"))
        ]
        _bulk(CreationStandard, standards, self.stats)
        indicators = []
        for s in standards:
            for order, (part, code, name, unit, threshold) in enumerate(INDICATORS):
                indicators.append(
                    Indicator(
                        standard=s,
                        part=part,
                        code=code,
                        name=name,
                        measure_unit=unit,
                        threshold=Decimal(threshold),
                        weight=Decimal("10.00"),
                        sort_order=order,
                    )
                )
        _bulk(Indicator, indicators, self.stats)
        self.indicators: dict[tuple[int, str], list[Indicator]] = {}
        for ind in indicators:
            key = (ind.standard.batch_id, ind.standard.economic_belt)
            self.indicators.setdefault(key, []).append(ind)

    # --- units ---------------------------------------------------------------------------

    def units_create(self) -> None:
        """Units spread over the batches (later batches a little larger); zones take a city,
        district or street of their own, projects sit in a city or district (about 80/20)."""
        weights = [1 + 0.1 * i for i in range(len(self.batches))]
        total = sum(weights)
        counts = [int(self.p.units * w / total) for w in weights]
        counts[-1] += self.p.units - sum(counts)
        pools = {
            level: [r for r in self.regions if r.level == level]
            for level in ("city", "district", "street")
        }
        for pool in pools.values():
            self.rng.shuffle(pool)
        project_places = pools["city"] + pools["district"]
        units: list[CreationUnit] = []
        for batch, count in zip(self.batches, counts, strict=True):
            names: set[str] = set()
            ended = batch.cycle_end < self.today
            for _i in range(count):
                is_zone = self.rng.random() < 0.8
                if is_zone:
                    level = self.rng.choices(["city", "district", "street"], [1, 4, 5])[0]
                    if not pools[level]:
                        level = next((lv for lv in ("street", "district", "city") if pools[lv]), "")
                    is_zone = bool(level)
                if is_zone:
                    region = pools[level].pop()
                    name = self.full_name(region)
                    host = ""
                else:
                    region = self.rng.choice(project_places)
                    level = region.level
                    name = self.full_name(region) + self.rng.choice(PROJECT_THEMES)
                    host = f"{region.name}文化馆"
                base, k = name, 2
                while name in names:
                    name, k = f"{base}（{k}）", k + 1
                names.add(name)
                r = self.rng.random()
                if ended:
                    status = "accepted" if r < 0.85 else "vetoed" if r < 0.93 else (
                        "withdrawn" if r < 0.95 else "creating")  # fmt: skip
                else:
                    status = "withdrawn" if r < 0.02 else "creating"
                units.append(
                    CreationUnit(
                        name=name,
                        kind="zone" if is_zone else "project",
                        region=region,
                        batch=batch,
                        level=level,
                        status=status,
                        start_date=batch.cycle_start,
                        host_organisation=host,
                    )
                )
        self.units = _bulk(CreationUnit, units, self.stats)
        self.unit_index = {u.pk: i for i, u in enumerate(self.units)}
        self.batch_by_id = {b.pk: b for b in self.batches}
        # How well each unit keeps the rules: most well, some sloppily, a few badly.
        self.diligence = {
            u.pk: self.rng.choices(["good", "fair", "poor"], [70, 22, 8])[0] for u in self.units
        }

    # --- users -------------------------------------------------------------------------------

    def users(self) -> None:
        """Few accounts (users are costly): one office reviewer of the programme, a culture and a
        finance reviewer per province, staff of a handful of units."""
        prefix = self.p.user_prefix
        specs: list[tuple[str, str, dict[str, Any]]] = [
            (f"{prefix}_office", "office_reviewer", {"programme": self.programme}),
        ]
        for i, province in enumerate(self.provinces, start=1):
            for dept in ("culture", "finance"):
                specs.append((f"{prefix}_p{i:02d}_{dept}", "provincial_reviewer",
                              {"province": province, "department": dept}))  # fmt: skip
        current = [u for u in self.units if u.status == "creating"] or self.units
        self.staff_units = self.rng.sample(current, min(5, len(current)))
        for i, unit in enumerate(self.staff_units, start=1):
            specs.append((f"{prefix}_unit{i}", "unit_staff", {"unit": unit}))
        users = [
            User(username=name, password=self.password, first_name=name, is_active=True)
            for name, _role, _scope in specs
        ]
        # Who did what on the units' side where the unit has no account of its own: the
        # records were taken over from the paper files (历史数据导入). It holds no role.
        self.import_user = User(username=f"{prefix}_import", first_name="历史数据导入",
                                password=make_password(None), is_active=False)  # fmt: skip
        _bulk(User, [*users, self.import_user], self.stats)
        _bulk(
            RoleAssignment,
            [
                RoleAssignment(user=user, role=role, **scope)
                for user, (_n, role, scope) in zip(users, specs, strict=True)
            ],
            self.stats,
        )
        self.office_user = users[0]
        self.reviewers = {
            (scope["province"].pk, scope["department"]): user
            for user, (_n, role, scope) in zip(users, specs, strict=True)
            if role == "provincial_reviewer"
        }
        self.staff_user = {
            unit.pk: users[-len(self.staff_units) + i] for i, unit in enumerate(self.staff_units)
        }
        self.logins = [(name, role) for name, role, _s in specs]

    # --- per unit --------------------------------------------------------------------------

    def reviewer(self, unit: CreationUnit, stage: str) -> User:
        if stage == "office":
            return self.office_user
        region = self.region_by_id[unit.region_id]
        return self.reviewers[(region.province_id or region.pk, stage)]

    def history_end(self, unit: CreationUnit) -> date:
        return min(self.today, unit.cycle_end)

    def unit_records(self, chunk: Sequence[CreationUnit]) -> None:
        meetings = self.leadership(chunk)
        self.liaisons(chunk)
        self.reporting(chunk, meetings)
        self.funds(chunk)
        self.claims(chunk)
        self.inspections(chunk)

    def leadership(self, chunk: Sequence[CreationUnit]) -> dict[int, list[Meeting]]:
        groups, offices = [], []
        for unit in chunk:
            region = self.region_by_id[unit.region_id]
            groups.append(
                LeadershipGroup(
                    unit=unit,
                    name=f"{unit.name}创建工作领导小组",
                    established_on=unit.start_date + timedelta(days=self.rng.randint(5, 40)),
                    document_number=f"{region.name[:2]}办发〔{unit.start_date.year}〕"
                    f"{self.rng.randint(1, 120)}号",
                )
            )
            if unit.kind == "zone" and self.rng.random() > 0.04:  # R1.2: a few lack an office
                offices.append(
                    GroupOffice(
                        unit=unit,
                        placed_in=f"{region.name}文化广电旅游局",
                        director_name=self.person(),
                        director_position="副局长",
                        phone=f"0{self.rng.randint(100, 999)}-{self.rng.randint(10**7, 10**8 - 1)}",
                    )
                )
        _bulk(LeadershipGroup, groups, self.stats)
        _bulk(GroupOffice, offices, self.stats)
        members = []
        for group, unit in zip(groups, chunk, strict=True):
            if unit.kind == "zone":
                rows = [("head", "区委书记", "party_main", None, "全面领导创建工作"),
                        ("deputy_head", "区长", "government_main", None, "统筹推进创建工作")]  # fmt: skip
                missing = self.rng.choice(["编制", "人事"]) if self.rng.random() < 0.03 else ""
                for dept in ("发改", "财政", "人事", "编制", "文化"):
                    if dept != missing:
                        rows.append(("member", f"{dept}部门主要负责人", "other", dept,
                                     f"负责{dept}领域创建任务"))  # fmt: skip
            else:
                rows = [("head", "文化旅游广电局局长", "culture_admin_main", None, "全面负责项目"),
                        ("member", "财政局副局长", "other", "财政", "保障项目资金"),
                        ("member", f"{unit.host_organisation}负责人", "other", "文化",
                         "组织实施项目")]  # fmt: skip
            for order, (role, position, kind, dept, duty) in enumerate(rows):
                if self.rng.random() < 0.02:
                    duty = ""  # R1.1: a member without a stated duty
                members.append(
                    GroupMember(
                        group=group,
                        name=self.person(),
                        position=position,
                        role=role,
                        leader_kind=kind,
                        department=self.departments.get(dept or ""),
                        duty=duty,
                        sort_order=order,
                    )
                )
        _bulk(GroupMember, members, self.stats)
        staff = [
            OfficeStaff(office=office, name=self.person(), position="科员")
            for office in offices
            for _i in range(2)
        ]
        _bulk(OfficeStaff, staff, self.stats)
        # R1.3: a regular meeting a quarter (skipped now and then by sloppy units), minutes on
        # file, and a few major-matter consultations for zones.
        meetings: list[Meeting] = []
        by_unit: dict[int, list[Meeting]] = {}
        skip = {"good": 0.02, "fair": 0.1, "poor": 0.3}
        for unit in chunk:
            end = self.history_end(unit)
            for quarter in periods_between(unit.start_date, end):
                if self.rng.random() < skip[self.diligence[unit.pk]]:
                    continue
                held = quarter.first_day + timedelta(days=self.rng.randint(10, 80))
                held = max(unit.start_date, min(held, quarter.last_day, end))
                has_minutes = quarter.last_day < self.today and self.rng.random() > 0.03
                meetings.append(
                    Meeting(
                        unit=unit,
                        kind=Meeting.Kind.REGULAR,
                        held_on=held,
                        title=f"{quarter.year}年第{quarter.index}季度创建工作领导小组例会",
                        attendees="领导小组组长、副组长及各成员单位负责人",
                        agenda="通报上季度创建进展；部署本季度重点任务；研究经费使用",
                        decisions="按创建规划推进设施建设和品牌活动；按期报送工作动态",
                        minutes=self.minutes_file if has_minutes else "",
                        minutes_name="会议纪要.pdf" if has_minutes else "",
                    )
                )
            if unit.kind == "zone":
                for _i in range(self.rng.randint(0, 3)):
                    meetings.append(
                        Meeting(
                            unit=unit,
                            kind=Meeting.Kind.MAJOR_MATTER,
                            held_on=self.day_between(unit.start_date, end),
                            title="重大事项会商：文化设施建设",
                            attendees="组长、发改、财政、文化部门负责人",
                            agenda="会商综合文化站建设用地和资金",
                            decisions="由发改部门牵头落实用地，财政部门安排配套资金",
                            minutes=self.minutes_file,
                            minutes_name="会商纪要.pdf",
                        )
                    )
        _bulk(Meeting, meetings, self.stats)
        for m in meetings:
            if m.kind == Meeting.Kind.REGULAR:
                by_unit.setdefault(m.unit_id, []).append(m)
        return by_unit

    def liaisons(self, chunk: Sequence[CreationUnit]) -> None:
        """R2.1: one liaison from the start; a quarter of the units change theirs once, a few
        with a gap between the two terms."""
        rows = []
        for unit in chunk:
            region = self.region_by_id[unit.region_id]
            contact = {
                "organisation": f"{region.name}文化广电旅游局",
                "position": "分管副局长",
                "position_kind": Liaison.PositionKind.DEPUTY_HEAD_CULTURE,
                "mobile": f"139{self.rng.randint(10**7, 10**8 - 1)}",
            }
            end = self.history_end(unit)
            change = None
            if self.rng.random() < 0.25 and (end - unit.start_date).days > 150:
                change = self.day_between(unit.start_date + timedelta(days=90),
                                          end - timedelta(days=30))  # fmt: skip
            if change is None:
                rows.append(Liaison(unit=unit, name=self.person(), started_on=unit.start_date,
                                    user=self.staff_user.get(unit.pk), **contact))  # fmt: skip
                continue
            gap = self.rng.randint(15, 60) if self.rng.random() < 0.15 else 1
            rows.append(Liaison(unit=unit, name=self.person(), started_on=unit.start_date,
                                ended_on=change - timedelta(days=gap), **contact))  # fmt: skip
            rows.append(Liaison(unit=unit, name=self.person(), started_on=change,
                                user=self.staff_user.get(unit.pk), **contact))  # fmt: skip
        _bulk(Liaison, rows, self.stats)

    # --- reporting -----------------------------------------------------------------------------

    def reporting(self, chunk: Sequence[CreationUnit], meetings: dict[int, list[Meeting]]) -> None:
        """The unit's calendar exactly as `obligations_sync` computes it; then its reports:
        most on time, some late, some missing, some returned and resubmitted."""
        obligations: list[Obligation] = []
        for unit in chunk:
            cycle = unit.cycle  # C2: the unit's own cycle
            for spec in obligation_calendar(kind=unit.kind, start=cycle.start,
                                            end=cycle.end, settings=self.schedule):  # fmt: skip
                obligations.append(
                    Obligation(
                        unit=unit,
                        type=str(spec.type),
                        period_start=spec.period.first_day,
                        period_end=spec.period.last_day,
                        period_label=str(spec.period),
                        due_at=due_moment(spec.due_on),
                    )
                )
        _bulk(Obligation, obligations, self.stats)
        unit_by_id = {u.pk: u for u in chunk}
        subs: list[Submission] = []
        events: list[tuple[Submission, list[tuple[str, datetime, Any, str]]]] = []
        p_missing = {"good": 0.01, "fair": 0.05, "poor": 0.18}
        p_late = {"good": 0.04, "fair": 0.15, "poor": 0.35}
        for ob in obligations:
            unit = unit_by_id[ob.unit_id]
            staff = self.staff_user.get(unit.pk, self.import_user)
            office = self.office_user
            label = TYPE_LABEL[ob.type]
            title = f"{unit.name}{ob.period_label}{label}"
            content = self.content(ob.type, unit)
            if ob.due_at > self.now:
                # not due yet: a few units report early once the period is over
                if ob.period_end < self.today and self.rng.random() < 0.3:
                    at = _moment(self.day_between(ob.period_end + timedelta(days=1), self.today), 9)
                    at = min(at, self.now)
                    sub = Submission(obligation=ob, status="submitted", title=title,
                                     first_submitted_at=at, submitted_at=at, is_late=False,
                                     **content)  # fmt: skip
                    subs.append(sub)
                    events.append((sub, [("submitted", at, staff, "")]))
                continue
            diligence = self.diligence[unit.pk]
            if unit.status == "withdrawn" and ob.period_start > unit.start_date + timedelta(
                days=365
            ):
                continue  # a withdrawn unit stopped reporting
            r = self.rng.random()
            if r < p_missing[diligence]:
                if self.rng.random() < 0.25:  # started, never sent
                    subs.append(Submission(obligation=ob, status="draft", title=title, **content))
                continue
            due = ob.due_at
            if r < p_missing[diligence] + p_late[diligence]:
                first = due + timedelta(days=self.rng.randint(1, 30), hours=self.rng.randint(0, 8))
            else:
                first = due - timedelta(days=self.rng.randint(0, 8), hours=self.rng.randint(1, 12))
            if first > self.now:
                subs.append(Submission(obligation=ob, status="draft", title=title, **content))
                continue
            history = [("submitted", first, staff, "")]
            status, last, reviewed = "submitted", first, None
            if self.rng.random() < 0.08:
                returned = first + timedelta(days=self.rng.randint(2, 7), hours=2)
                if returned <= self.now:
                    comment = self.rng.choice(COMMENT_RETURN)
                    history.append(("returned", returned, office, comment))
                    status, reviewed = "returned", (returned, comment)
                    again = returned + timedelta(days=self.rng.randint(1, 10), hours=1)
                    if again <= self.now:
                        history.append(("submitted", again, staff, ""))
                        status, last = "submitted", again
            if status == "submitted":
                accept = last + timedelta(days=self.rng.randint(1, 10), hours=3)
                if accept <= self.now:
                    history.append(("accepted", accept, office, ""))
                    status, reviewed = "accepted", (accept, "")
            sub = Submission(
                obligation=ob,
                status=status,
                title=title,
                first_submitted_at=first,
                submitted_at=last,
                is_late=first > due,
                reviewed_at=reviewed[0] if reviewed else None,
                reviewed_by=office if reviewed else None,
                review_comment=reviewed[1] if reviewed else "",
                **content,
            )
            subs.append(sub)
            events.append((sub, history))
        _bulk(Submission, subs, self.stats)
        _bulk(
            SubmissionEvent,
            [
                SubmissionEvent(submission=sub, action=action, actor=actor, at=at, comment=comment)
                for sub, history in events
                for action, at, actor, comment in history
            ],
            self.stats,
        )
        # R4.2: the structured content of every self-inspection report that was started.
        selfs, items = [], []
        for sub in subs:
            ob = sub.obligation
            if ob.type != "self_inspection":
                continue
            unit = unit_by_id[ob.unit_id]
            before = [m for m in meetings.get(unit.pk, []) if m.held_on <= ob.due_at.date()]
            si = SelfInspection(unit=unit, obligation=ob, meeting=before[-1] if before else None,
                                summary=f"{unit.name}{ob.period_label}创建工作自查情况")  # fmt: skip
            selfs.append(si)
            indicators = self.unit_indicators(unit)
            for order, text in enumerate(CHECKLIST[:4]):
                result = self.rng.choices(["met", "partly", "not_met"], [75, 20, 5])[0]
                items.append(
                    SelfInspectionItem(
                        self_inspection=si,
                        text=text,
                        result=result,
                        indicator=indicators[order] if indicators else None,
                        remark="" if result == "met" else "正在整改",
                        sort_order=order,
                    )
                )
        _bulk(SelfInspection, selfs, self.stats)
        _bulk(SelfInspectionItem, items, self.stats)

    def content(self, obligation_type: str, unit: CreationUnit) -> dict[str, str]:
        if obligation_type == "in_depth_report":
            return {
                "body": "",
                "work_progress": "设施网络建设按计划推进，综合文化站全部达标。",
                "design_research": "完成公共文化服务标准化制度设计课题中期研究。",
                "phased_results": "形成一批可复制推广的经验做法。",
            }
        return {"body": f"{unit.name}本期创建工作开展情况。"}

    def unit_indicators(self, unit: CreationUnit) -> list[Indicator]:
        region = self.region_by_id[unit.region_id]
        province = self.region_by_id.get(region.province_id) if region.province_id else region
        belt = province.economic_belt if province else "east"
        return self.indicators.get((unit.batch_id, belt), [])

    # --- funds -----------------------------------------------------------------------------

    def money(self, low: int, high: int) -> Decimal:
        return Decimal(self.rng.randint(low // 1000, high // 1000) * 1000)

    def funds(self, chunk: Sequence[CreationUnit]) -> None:
        """R3.2: allocations, local money, a fund-use plan per unit through provincial review
        and filing (some returned, some still in review), budget lines, spending against the
        filed lines, and a few expenditures outside the filed plan."""
        allocations, locals_, plans = [], [], []
        for unit in chunk:
            end = self.history_end(unit)
            zone = unit.kind == "zone"
            for i in range(self.rng.randint(1, 2)):
                day = unit.start_date + timedelta(days=60 + 300 * i + self.rng.randint(0, 60))
                if day <= end:
                    allocations.append(
                        CentralAllocation(
                            unit=unit,
                            amount=self.money(500_000, 3_000_000) if zone
                            else self.money(200_000, 1_000_000),
                            allocated_on=day,
                            document_number=f"财教〔{day.year}〕{self.rng.randint(1, 300)}号",
                        )
                    )  # fmt: skip
            committed = self.money(1_000_000, 5_000_000)
            locals_.append(
                LocalFunding(
                    unit=unit,
                    committed_on=unit.start_date + timedelta(days=20),
                    committed=committed,
                    paid=(committed * Decimal(self.rng.randint(30, 100)) / 100).quantize(
                        Decimal("0.01")
                    ),
                )
            )
            plans.append(FundPlan(unit=unit, title=f"{unit.name}创建经费使用方案"))
        _bulk(CentralAllocation, allocations, self.stats)
        _bulk(LocalFunding, locals_, self.stats)
        _bulk(FundPlan, plans, self.stats)
        versions, decisions, lines_of = [], [], {}
        filed_versions, returned_versions = [], []
        for plan, unit in zip(plans, chunk, strict=True):
            staff = self.staff_user.get(unit.pk, self.import_user)
            fate = self.rng.choices(
                ["filed", "returned_then_filed", "in_review", "awaiting", "returned", "draft"],
                [60, 15, 8, 5, 7, 5],
            )[0]
            at = _moment(unit.start_date + timedelta(days=self.rng.randint(30, 90)))
            number = 1
            if fate in ("returned_then_filed", "returned"):
                stage = self.rng.choice(["finance", "culture"])
                returned_at = at + timedelta(days=self.rng.randint(5, 15))
                if returned_at < self.now:
                    v = FundPlanVersion(plan=plan, number=1, status="returned", submitted_at=at,
                                        submitted_by=staff, closed_at=returned_at,
                                        **self.plan_text(unit))  # fmt: skip
                    versions.append(v)
                    returned_versions.append(v)
                    decisions.append(PlanDecision(version=v, stage=stage, outcome="returned",
                                                  comment="预算明细不够具体，请细化后重新报送。",
                                                  decided_by=self.reviewer(unit, stage),
                                                  decided_at=returned_at))  # fmt: skip
                    number, at = 2, returned_at + timedelta(days=self.rng.randint(5, 20))
                    fate = "filed" if fate == "returned_then_filed" else "draft"
            if fate == "draft" or at > self.now:
                versions.append(FundPlanVersion(plan=plan, number=number, status="draft",
                                                **self.plan_text(unit)))  # fmt: skip
                continue
            finance = at + timedelta(days=self.rng.randint(3, 12))
            culture = at + timedelta(days=self.rng.randint(3, 12))
            office = max(finance, culture) + timedelta(days=self.rng.randint(3, 20))
            if fate == "in_review" or max(finance, culture) > self.now:
                status, closed, steps = "in_review", None, [("finance", finance)]
                steps = [s for s in steps if s[1] <= self.now and self.rng.random() < 0.5]
            elif fate == "awaiting" or office > self.now:
                status, closed, steps = "awaiting_filing", None, [("finance", finance),
                                                                  ("culture", culture)]  # fmt: skip
            else:
                status, closed = "filed", office
                steps = [("finance", finance), ("culture", culture), ("office", office)]
            v = FundPlanVersion(plan=plan, number=number, status=status, submitted_at=at,
                                submitted_by=staff, closed_at=closed,
                                **self.plan_text(unit))  # fmt: skip
            versions.append(v)
            if status == "filed":
                filed_versions.append((v, unit, office.date()))
            for stage, when in steps:
                decisions.append(PlanDecision(version=v, stage=stage, outcome="approved",
                                              decided_at=when,
                                              decided_by=self.reviewer(unit, stage)))  # fmt: skip
        _bulk(FundPlanVersion, versions, self.stats)
        _bulk(PlanDecision, decisions, self.stats)
        lines = []
        for v in versions:
            unit = v.plan.unit
            count = self.rng.randint(4, 7)
            for order in range(count):
                central = self.rng.random() < 0.5
                category = self.rng.choice(self.central_categories if central else self.categories)
                line = BudgetLine(version=v, source="central" if central else "local",
                                  category=category, amount=self.money(50_000, 600_000),
                                  purpose=f"{category.name}项目", sort_order=order,
                                  expected_effect="提升基层公共文化服务效能")  # fmt: skip
                lines.append(line)
                lines_of.setdefault(id(v), []).append(line)
        # Spending: against the filed lines, never past a line's amount (专款专用).
        spends: list[Expenditure] = []
        for v, unit, filed_on in filed_versions:
            end = self.history_end(unit)
            for line in lines_of[id(v)]:
                budget = line.amount
                for _i in range(self.rng.randint(0, 4)):
                    if filed_on >= end:
                        break
                    amount = (budget * Decimal(self.rng.randint(5, 25)) / 100).quantize(
                        Decimal("1.00")
                    )
                    if amount <= 0 or line.spent + amount > line.amount:
                        break
                    line.spent += amount
                    spends.append(self.expenditure(line, self.day_between(filed_on, end), amount))
        # R3.2: a few units spent on a line of a plan that was never filed.
        for i, v in enumerate(returned_versions):
            if i == 0 or self.rng.random() < 0.1:
                line = lines_of[id(v)][0]
                amount = (line.amount / 10).quantize(Decimal("1.00"))
                line.spent += amount
                spends.append(self.expenditure(line, v.closed_at.date(), amount))
        _bulk(BudgetLine, lines, self.stats)
        _bulk(Expenditure, spends, self.stats)

    def plan_text(self, unit: CreationUnit) -> dict[str, str]:
        return {
            "summary": f"{unit.name}创建期间中央补助资金和地方创建资金的使用范围与预算安排。",
            "central_rules": "中央财政补助资金专款专用，不得充抵地方创建资金。",
            "local_rules": "地方创建资金纳入年度预算，按进度拨付。",
        }

    def expenditure(self, line: BudgetLine, day: date, amount: Decimal) -> Expenditure:
        return Expenditure(line=line, spent_on=day, amount=amount,
                           payee=f"{self.rng.choice(SYLLABLES)}{self.rng.choice(SYLLABLES)}文化发展有限公司",
                           description=f"{line.purpose}支出", voucher=self.voucher_file,
                           voucher_name="凭证.pdf",
                           recorded_by=self.staff_user.get(line.version.plan.unit_id,
                                                           self.import_user))  # fmt: skip

    # --- publicity ---------------------------------------------------------------------------

    def open_from(self, unit: CreationUnit) -> date:
        """Claims may still wait for review only in a period that is not closed yet."""
        if unit.kind == "project":
            return unit.cycle_start if not self.closed(unit.cycle_end) else date.max
        half = scoring_rules.HalfYear.containing(self.today)
        start = half.start
        previous_end = start - timedelta(days=1)
        if not self.closed(previous_end):
            start = scoring_rules.HalfYear.containing(previous_end).start
        return start

    def closed(self, end: date) -> bool:
        """A period is closed about a month after it ends."""
        return end + timedelta(days=30) <= self.today

    def claims(self, chunk: Sequence[CreationUnit]) -> None:
        """R6.2: adoption claims across the five tiers: verified, rejected, withdrawn, and
        pending where the period is still open."""
        rows = []
        scale = {"good": 1.0, "fair": 0.6, "poor": 0.3}
        for unit in chunk:
            end = self.history_end(unit)
            count = round(self.rng.randint(2, 12 if unit.kind == "zone" else 6)
                          * scale[self.diligence[unit.pk]])  # fmt: skip
            staff = self.staff_user.get(unit.pk, self.import_user)
            open_from = self.open_from(unit)
            for i in range(count):
                outlet = self.rng.choice(self.outlets)
                tier = outlet.tier_for(unit.level)
                if tier is None:
                    continue
                published = self.day_between(unit.start_date, end)
                claimed_at = _moment(published + timedelta(days=self.rng.randint(1, 8)), 15)
                if claimed_at > self.now:
                    continue
                reviewed_at = claimed_at + timedelta(days=self.rng.randint(1, 6))
                if published >= open_from or reviewed_at > self.now:
                    status = self.rng.choices(["claimed", "verified", "rejected"], [50, 40, 10])[0]
                else:
                    status = self.rng.choices(["verified", "rejected", "withdrawn"], [78, 15, 7])[0]
                if status not in ("verified", "rejected") or reviewed_at > self.now:
                    reviewed_at = None
                    status = "claimed" if status != "withdrawn" else status
                title = f"{unit.name}：公共文化服务创新实践第{i + 1}篇"
                outlet_name = (
                    f"{self.region_by_id[unit.region_id].name}日报" if outlet.generic else ""
                )
                rows.append(
                    AdoptionClaim(
                        unit=unit,
                        outlet=outlet,
                        outlet_name=outlet_name,
                        title=title,
                        title_key=scoring_rules.normalise_title(title),
                        outlet_key=scoring_rules.normalise_title(outlet_name),
                        published_on=published,
                        link=f"https://news.example.cn/{unit.pk}/{i + 1}.html",
                        tier=tier if status == "verified" else None,
                        status=status,
                        claimed_by=staff,
                        claimed_at=claimed_at,
                        reviewed_by=self.office_user if reviewed_at else None,
                        reviewed_at=reviewed_at,
                        reject_reason="未提供刊发版面截图，无法核实。"
                        if status == "rejected"
                        else "",
                    )
                )
        _bulk(AdoptionClaim, rows, self.stats)

    # --- inspections ----------------------------------------------------------------------------

    def inspections(self, chunk: Sequence[CreationUnit]) -> None:
        """R4.1: one or two inspection visits a cycle year, with findings and their
        rectification (open, overdue, submitted, reopened, verified) and the written feedback."""
        visits: list[Inspection] = []
        for unit in chunk:
            for year_start in (unit.cycle_start, unit.cycle_start + timedelta(days=365)):
                for _i in range(1 if self.rng.random() < 0.8 else 2):
                    start = year_start + timedelta(days=self.rng.randint(60, 330))
                    if start > self.today + timedelta(days=120):
                        continue
                    planned_end = start + timedelta(days=self.rng.randint(1, 3))
                    if planned_end >= self.today:
                        status, held = "planned", None
                    elif planned_end + timedelta(days=20) >= self.today:
                        status, held = "completed", (start, planned_end)
                    else:
                        status, held = "feedback_sent", (start, planned_end)
                    visits.append(
                        Inspection(
                            unit=unit,
                            planned_start=start,
                            planned_end=planned_end,
                            held_start=held[0] if held else None,
                            held_end=held[1] if held else None,
                            leader_name=self.person(),
                            leader_position="国家创建办督导组组长",
                            scope="领导机制、联络员、经费管理、信息报送和创建标准落实情况",
                            status=status,
                            created_by=self.office_user,
                        )
                    )
        _bulk(Inspection, visits, self.stats)
        unit_by_id = {u.pk: u for u in chunk}
        members, checklist, findings, letters = [], [], [], []
        for visit in visits:
            unit = unit_by_id[visit.unit_id]
            for position in ("督导组成员", "财务专家", "文化专家")[: self.rng.randint(2, 3)]:
                members.append(TeamMember(inspection=visit, name=self.person(), position=position))
            indicators = self.unit_indicators(unit)
            for order, text in enumerate(CHECKLIST):
                result = "not_checked" if visit.held_end is None else self.rng.choices(
                    ["met", "partly", "not_met"], [70, 22, 8])[0]  # fmt: skip
                checklist.append(ChecklistItem(inspection=visit, text=text, result=result,
                                               indicator=indicators[order] if order == 5
                                               and indicators else None,
                                               sort_order=order))  # fmt: skip
            if visit.held_end is None:
                continue
            for _i in range(self.rng.choices([0, 1, 2, 3], [25, 35, 25, 15])[0]):
                rule = self.rng.choice(RULE_IDS)
                description, requirement = FINDINGS[rule]
                findings.append(Finding(inspection=visit, rule_id=rule, description=description,
                                        requirement=requirement,
                                        severity=self.rng.choices(["minor", "major", "serious"],
                                                                  [60, 30, 10])[0]))  # fmt: skip
            if visit.status == "feedback_sent":
                region = self.region_by_id[unit.region_id]
                province = self.region_by_id.get(region.province_id) or region
                letters.append(
                    FeedbackLetter(
                        inspection=visit,
                        local_government=f"{region.name}人民政府",
                        provincial_government=f"{province.name}人民政府",
                        document_number=f"文公共创办函〔{visit.held_end.year}〕"
                        f"{self.rng.randint(1, 400)}号",
                        sent_on=visit.held_end + timedelta(days=self.rng.randint(5, 18)),
                        sent_by=self.office_user,
                    )
                )
        _bulk(TeamMember, members, self.stats)
        _bulk(ChecklistItem, checklist, self.stats)
        _bulk(Finding, findings, self.stats)
        _bulk(FeedbackLetter, letters, self.stats)
        visit_by_id = {v.pk: v for v in visits}
        rects, events = [], []
        for finding in findings:
            visit = visit_by_id[finding.inspection_id]
            unit = unit_by_id[visit.unit_id]
            staff = self.staff_user.get(unit.pk, self.import_user)
            opened = _moment(visit.held_end, 17)
            deadline = visit.held_end + timedelta(days=self.rng.choice([30, 60, 90]))
            history = [("", "open", opened, self.office_user, "")]
            age = (self.today - deadline).days
            if age > 60:
                path = self.rng.choices(["verified", "reverified", "submitted", "open"],
                                        [75, 8, 7, 10])[0]  # fmt: skip
            elif age > 0:
                path = self.rng.choices(["verified", "submitted", "reopened", "open", "in_progress"],
                                        [30, 30, 10, 15, 15])[0]  # fmt: skip
            else:
                path = self.rng.choices(["open", "in_progress", "submitted"], [40, 40, 20])[0]
            at = opened
            steps = {
                "open": [],
                "in_progress": ["in_progress"],
                "submitted": ["in_progress", "submitted"],
                "verified": ["in_progress", "submitted", "verified"],
                "reopened": ["in_progress", "submitted", "reopened"],
                "reverified": ["in_progress", "submitted", "reopened", "submitted", "verified"],
            }[path]
            status = "open"
            for step in steps:
                nxt = at + timedelta(days=self.rng.randint(3, 20))
                if nxt > self.now:
                    break
                actor = self.office_user if step in ("verified", "reopened") else staff
                comment = "整改材料不充分，请补充。" if step == "reopened" else ""
                history.append((status, step, nxt, actor, comment))
                status, at = step, nxt
            rect = Rectification(finding=finding, owner=f"{unit.name}创建办", deadline=deadline,
                                 status=status,
                                 report="已按要求完成整改。" if status in ("submitted", "verified")
                                 else "")  # fmt: skip
            rects.append(rect)
            events.extend(
                RectificationEvent(
                    rectification=rect,
                    from_status=f,
                    to_status=t,
                    at=when,
                    actor=actor,
                    comment=comment,
                )
                for f, t, when, actor, comment in history
            )
        _bulk(Rectification, rects, self.stats)
        _bulk(RectificationEvent, events, self.stats)

    # --- programme-wide ---------------------------------------------------------------------------

    def liaison_meetings(self) -> None:
        """R2.2: zones meet every quarter, projects every half year, hosted in turn; the units
        creating at the time are invited and most attend."""
        meetings, invited = [], []
        hosted: Counter = Counter()
        first = min(b.cycle_start for b in self.batches)
        for audience, months in (("zone", 3), ("project", 6)):
            for period in periods_between(first, self.today, months=months):
                creating = [u for u in self.units if u.kind == audience
                            and u.cycle_start <= period.first_day
                            and u.cycle_end >= period.last_day]  # fmt: skip
                if not creating:
                    continue
                host = min(creating, key=lambda u: (hosted[u.pk], self.unit_index[u.pk]))
                hosted[host.pk] += 1
                day = period.first_day + timedelta(days=self.rng.randint(30, 28 * months - 10))
                held = day < self.today
                meeting = LiaisonMeeting(
                    programme=self.programme, audience=audience, year=period.year,
                    period=period.index, scheduled_on=day,
                    place=self.region_by_id[host.region_id].name, host=host,
                    agenda="交流创建经验；通报信息报送和宣传评分情况；部署下阶段工作",
                    status="held" if held else "planned",
                    minutes=self.minutes_file if held else "",
                    minutes_name="联络员会议纪要.pdf" if held else "",
                )  # fmt: skip
                meetings.append(meeting)
                invited.append((meeting, creating, held))
        _bulk(LiaisonMeeting, meetings, self.stats)
        rows = [
            LiaisonAttendance(
                meeting=m, unit=u, attended=(self.rng.random() < 0.9) if held else None
            )
            for m, creating, held in invited
            for u in creating
        ]
        _bulk(LiaisonAttendance, rows, self.stats)

    def scoring_periods(self) -> None:
        """R6.3, R6.4: the periods `periods_sync` would have opened; those that ended more than
        a month ago are closed, with the scores `period_close` freezes, and a bulletin."""
        kinds = {(u.batch_id, u.kind) for u in self.units if u.start_date <= self.today}
        periods: dict[tuple[str, Any], ScoringPeriod] = {}
        # C2: the half years that overlap some zone's own cycle
        for start, end in {(u.cycle_start, u.cycle_end) for u in self.units if u.kind == "zone"}:
            for half in scoring_rules.half_years_between(start, min(end, self.today)):
                periods.setdefault(("zone", half.start), ScoringPeriod(
                    programme=self.programme, kind="zone", start=half.start, end=half.end,
                    label=str(half)))  # fmt: skip
        for batch in self.batches:
            if (batch.pk, "project") in kinds:
                periods[("project", batch.pk)] = ScoringPeriod(
                    programme=self.programme, kind="project", batch=batch,
                    start=batch.cycle_start, end=batch.cycle_end,
                    label=f"{batch.cycle_start:%Y}–{batch.cycle_end:%Y}")  # fmt: skip
        rows = sorted(periods.values(), key=lambda p: (p.start, p.kind))
        for p in rows:
            if self.closed(p.end):
                p.status = "closed"
                p.closed_at = _moment(p.end + timedelta(days=self.rng.randint(20, 29)), 16)
                p.closed_by = self.office_user
        _bulk(ScoringPeriod, rows, self.stats)
        scores, events, bulletins = [], [], []
        for number, p in enumerate([p for p in rows if p.status == "closed"], start=1):
            for s in period_live_scores(period=p, now=p.closed_at):
                scores.append(PeriodScore(period=p, unit_id=s.unit_id, all_on_time=s.all_on_time,
                                          base=s.base, bonus=s.bonus, total=s.total, rank=s.rank,
                                          tier_counts=list(s.tier_counts)))  # fmt: skip
            events.append(PeriodEvent(period=p, action="closed", actor=self.office_user,
                                      at=p.closed_at))  # fmt: skip
            published = p.closed_at + timedelta(days=3)
            events.append(PeriodEvent(period=p, action="published", actor=self.office_user,
                                      at=published))  # fmt: skip
            bulletins.append(Bulletin(period=p, number=f"文公共创办〔{published.year}〕{number}号",
                                      published_on=published.date(), published_at=published,
                                      published_by=self.office_user))  # fmt: skip
            if len(scores) >= BATCH_SIZE:
                _bulk(PeriodScore, scores, self.stats)
                scores = []
        _bulk(PeriodScore, scores, self.stats)
        _bulk(PeriodEvent, events, self.stats)
        _bulk(Bulletin, bulletins, self.stats)


# --- entry points ------------------------------------------------------------------------------


def generate(params: ScaleParams, log: Callable[[str], None] = print) -> Generator:
    generator = Generator(params, log)
    generator.run()
    return generator


def _unit_filter(models_and_paths: Iterable[tuple[type[models.Model], str]], programme: Programme):
    for model, path in models_and_paths:
        qs = model._base_manager.filter(**{path: programme})
        qs._raw_delete(qs.db)


def purge(programme: Programme) -> None:
    """Remove a scale programme and everything generated for it, fast: raw deletes child
    tables first (the collector would load a million rows for the audit signals)."""
    u = "unit__batch__programme"
    order: list[tuple[type[models.Model], str]] = [
        (SelfInspectionItem, "self_inspection__" + u),
        (SelfInspection, u),
        (SubmissionEvent, "submission__obligation__" + u),
        (Submission, "obligation__" + u),
        (RectificationEvent, "rectification__finding__inspection__" + u),
        (Rectification, "finding__inspection__" + u),
        (Finding, "inspection__" + u),
        (ChecklistItem, "inspection__" + u),
        (TeamMember, "inspection__" + u),
        (FeedbackLetter, "inspection__" + u),
        (Inspection, u),
        (Expenditure, "line__version__plan__" + u),
        (BudgetLine, "version__plan__" + u),
        (PlanDecision, "version__plan__" + u),
        (FundPlanVersion, "plan__" + u),
        (FundPlan, u),
        (CentralAllocation, u),
        (LocalFunding, u),
        (AdoptionClaim, u),
        (PeriodScore, "period__programme"),
        (PeriodEvent, "period__programme"),
        (Bulletin, "period__programme"),
        (ScoringPeriod, "programme"),
        (LiaisonAttendance, "meeting__programme"),
        (LiaisonMeeting, "programme"),
        (Liaison, u),
        (Meeting, u),
        (OfficeStaff, "office__" + u),
        (GroupOffice, u),
        (GroupMember, "group__" + u),
        (LeadershipGroup, u),
    ]
    with disable_auditlog(), transaction.atomic():
        _unit_filter([(Reminder, "obligation__" + u)], programme)
        _unit_filter(order[:4], programme)
        _unit_filter([(Obligation, u)], programme)
        _unit_filter(order[4:], programme)
        # The accounts the generator made for this programme (its code is in the name).
        code = programme.name[len(NAME_PREFIX) + 1 : -1]
        User.objects.filter(username__startswith=ScaleParams(code=code).user_prefix + "_").delete()
        # What the app itself added since (few rows) goes through the ordinary collector.
        CreationUnit.objects.filter(batch__programme=programme).delete()
        CreationStandard.objects.filter(batch__programme=programme).delete()
        Batch.objects.filter(programme=programme).delete()
        programme.delete()
