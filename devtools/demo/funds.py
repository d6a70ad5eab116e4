"""Demo funds (R3): money in for every unit, and fund-use plans in every state — drafts, plans
with the provincial departments (one approval in, or none), plans waiting for the office,
returned plans, and filed plans (some after a returned first version) with spending and
vouchers. One unit's plan puts less local money in than the unit committed, so the R3.1 warning
shows. Everything goes through funds.services; a unit that already has funds is left as it is,
so loading again changes nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from creation.models import CreationUnit
from creation.services import unit_record_save
from devtools.demo.context import DemoContext, minutes_pdf
from funds import services
from funds.models import CentralAllocation, FundCategory, FundPlan, LocalFunding
from funds.rules import Outcome, PlanStatus, Source, Stage, money

D = Decimal
FIN, CUL = Stage.FINANCE, Stage.CULTURE
# The state each unit's plan reaches, by the unit's place in the demo list.
SCENARIOS = (
    "filed",
    "in_review",
    "filed",
    "awaiting_filing",
    "filed",
    "returned",
    "filed_after_return",
    "draft",
    "finance_approved",
)
# The Hunan units show the provincial reviewers' queue; 开福区's own plan is filed with spending.
FIXED = {
    "长沙市开福区": "filed_after_return",
    "株洲市": "finance_approved",
    "长沙市岳麓区橘子洲街道": "in_review",
    "长沙市“欢乐潇湘”群众文艺汇演": "awaiting_filing",
    "岳麓区社区文化志愿服务": "local_short",
    "长沙市开福区伍家岭街道": "returned",
    "湘潭市": "draft",
}
LOCAL_ONLY = ("local_facilities", "文化设施设备购置（仅限地方资金）", 900)
CENTRAL_RULES = (
    "中央财政补助资金实行专账核算、专款专用，严格按照经备案的经费使用方案列支，"
    "用于基层群众文化活动、优秀民族民间文化保护、农村特色文化、基层文化队伍培训、"
    "公共文化资源整合及创建工作组织、宣传和制度设计研究，不得挪作他用。"
)
LOCAL_RULES = (
    "地方创建资金纳入本级财政预算，足额配套、按进度拨付，不以中央补助资金充抵；"
    "资金支出实行审批和公示制度，接受财政、审计部门监督。"
)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _scale(unit: CreationUnit) -> D:
    return D("1.00") if unit.kind == CreationUnit.Kind.ZONE else D("0.50")


def load(context: DemoContext) -> None:
    units, users = context.units, context.users
    services.fund_categories_ensure()
    FundCategory.objects.get_or_create(
        code=LOCAL_ONLY[0],
        defaults={"name": LOCAL_ONLY[1], "central_allowed": False, "sort_order": LOCAL_ONLY[2]},
    )
    today = timezone.localdate()
    for index, unit in enumerate(units.values()):
        if FundPlan.objects.filter(unit=unit).exists():
            continue  # loaded before: leave what is there
        _money_in(unit, users["admin"], today)
        scenario = FIXED.get(unit.name, SCENARIOS[index % len(SCENARIOS)])
        _plan(unit, scenario, users, today)


def _money_in(unit: CreationUnit, admin: Any, today: date) -> None:
    scale = _scale(unit)
    if not CentralAllocation.objects.filter(unit=unit).exists():
        unit_record_save(
            user=admin,
            instance=CentralAllocation(unit=unit),
            fields={
                "amount": money(D("1000000.00") * scale),
                "allocated_on": min(unit.start_date + timedelta(days=30), today),
                "document_number": f"财教〔{unit.start_date.year}〕{100 + unit.pk}号",
                "note": "中央财政公共文化服务体系示范区创建补助资金",
            },
        )
    if not LocalFunding.objects.filter(unit=unit).exists():
        unit_record_save(
            user=admin,
            instance=LocalFunding(unit=unit),
            fields={
                "committed_on": unit.start_date,
                "document_number": f"{unit.region.name[:2]}财〔{unit.start_date.year}〕{unit.pk}号",
                "committed": money(D("1200000.00") * scale),
                "paid": money(D("600000.00") * scale),
                "note": "纳入本级财政预算的创建配套资金",
            },
        )


def _lines(unit: CreationUnit, *, local_short: bool = False) -> list[dict[str, Any]]:
    scale = _scale(unit)
    categories = {c.code: c for c in FundCategory.objects.all()}
    local = D("300000.00") if local_short else D("1200000.00")
    return [
        {
            "source": Source.CENTRAL,
            "category": categories["mass_activities"],
            "amount": money(D("400000.00") * scale),
            "purpose": "“百姓大舞台”社区文化活动",
            "expected_effect": "全年举办社区文艺演出120场，服务群众5万人次。",
        },
        {
            "source": Source.CENTRAL,
            "category": categories["staff_training"],
            "amount": money(D("200000.00") * scale),
            "purpose": "基层文化骨干培训",
            "expected_effect": "培训街道、社区文化专干和文艺骨干600人次。",
        },
        {
            "source": Source.CENTRAL,
            "category": categories["creation_work"],
            "amount": money(D("150000.00") * scale),
            "purpose": "创建宣传和制度设计研究",
            "expected_effect": "完成2项制度设计研究课题，开展创建宣传月活动。",
        },
        {
            "source": Source.LOCAL,
            "category": categories[LOCAL_ONLY[0]],
            "amount": money(local * scale),
            "purpose": "综合文化站设施设备配置",
            "expected_effect": "完成辖区综合文化站和社区文化活动室设备更新。",
        },
    ]


def _plan(unit: CreationUnit, scenario: str, users: dict[str, Any], today: date) -> None:
    admin = users["admin"]
    hunan = unit.region.province_region.code == "430000"
    finance = users["province_finance"] if hunan else admin
    culture = users["province_culture"] if hunan else admin
    office = users["office"] if unit.batch.programme.kind == "national" else admin
    start = unit.start_date
    plan = services.fund_plan_create(
        user=admin,
        unit=unit,
        title=f"{start.year}—{start.year + 2}年创建经费使用方案",
        fields={
            "summary": "围绕创建标准，保障群众文化活动、队伍培训、设施设备和创建宣传研究。",
            "central_rules": CENTRAL_RULES,
            "local_rules": LOCAL_RULES,
        },
    )
    version = plan.versions.get()
    for fields in _lines(unit, local_short=scenario == "local_short"):
        services.budget_line_save(user=admin, version=version, fields=fields)
    if scenario == "draft":
        return

    def moment(days: int) -> datetime:
        return min(_at(start + timedelta(days=days)), timezone.now() - timedelta(hours=1))

    services.fund_plan_version_submit(user=admin, version=version, now=moment(20))
    if scenario == "in_review":
        return
    if scenario == "filed_after_return":
        services.fund_plan_version_decide(
            user=finance, version=version, outcome=Outcome.APPROVED, stage=FIN, now=moment(25)
        )
        services.fund_plan_version_decide(
            user=culture,
            version=version,
            stage=CUL,
            outcome=Outcome.RETURNED,
            comment="请细化群众文化活动的场次和绩效目标，补充培训对象范围。",
            now=moment(27),
        )
        version = services.fund_plan_revise(user=admin, plan=plan)
        line = version.lines.get(purpose="“百姓大舞台”社区文化活动")
        services.budget_line_save(
            user=admin,
            version=version,
            line=line,
            fields={
                "expected_effect": "全年举办社区文艺演出120场（每月不少于10场），服务群众5万人次。"
            },
        )
        services.fund_plan_version_submit(user=admin, version=version, now=moment(32))
    services.fund_plan_version_decide(
        user=finance, version=version, outcome=Outcome.APPROVED, stage=FIN, now=moment(36)
    )
    if scenario == "finance_approved":
        return
    if scenario == "returned":
        services.fund_plan_version_decide(
            user=culture,
            version=version,
            stage=CUL,
            outcome=Outcome.RETURNED,
            comment="地方配套资金安排不足，请按承诺足额列入方案。",
            now=moment(38),
        )
        return
    services.fund_plan_version_decide(
        user=culture, version=version, outcome=Outcome.APPROVED, stage=CUL, now=moment(38)
    )
    if scenario == "awaiting_filing":
        return
    version = services.fund_plan_version_file(
        user=office, version=version, comment="准予备案。", now=moment(45)
    )
    if version.status == PlanStatus.FILED:
        _spending(unit, version, admin, today)


def _spending(unit: CreationUnit, version: Any, admin: Any, today: date) -> None:
    """Payments every other month since the filing, each a share of the line that differs from
    unit to unit (so that the execution rates differ), never more than what is left."""
    filed_on = timezone.localdate(version.closed_at)
    cycle_end = unit.cycle_end
    share = D("0.04") + D("0.01") * (unit.pk % 5)
    payees = ["市群众艺术馆", "市文化馆", "某演艺有限公司", "某印务有限公司", "市图书馆"]
    for number, line in enumerate(version.lines.order_by("sort_order", "id")):
        for month in range(0, 24, 2):
            spent_on = filed_on + timedelta(days=15 + 30 * month + number)
            if spent_on > today or spent_on > cycle_end:  # C6: inside the unit's cycle
                break
            line.refresh_from_db()
            amount = min(money(line.amount * share), line.remaining)
            if amount <= 0:
                break
            voucher = minutes_pdf(f"voucher {unit.pk}-{line.pk}-{month}")
            voucher.name = f"发票{spent_on:%Y%m%d}.pdf"
            services.expenditure_record(
                user=admin,
                line=line,
                spent_on=spent_on,
                amount=amount,
                payee=unit.region.name[:3] + payees[(number + month) % len(payees)],
                description=f"{line.purpose}（{spent_on:%Y年%m月}）",
                voucher=voucher,
                today=today,
            )
