"""Demo supervision (R4): inspections in every state — planned, in progress, completed with
findings, feedback letter sent — rectification items open, submitted, reopened, verified and
overdue, and a submitted half-yearly self-inspection. Dates are relative to the day of the first
load; once any inspection of the demo units exists, loading again changes nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from creation.models import CreationUnit, Meeting
from devtools.demo.context import DemoContext, minutes_pdf
from inspections import services
from inspections.models import Inspection
from reporting.models import Obligation

TEAM = [("王芳", "国家公共文化服务体系建设专家委员会委员"), ("赵强", "财务司预算处处长")]
SCOPE = "创建工作组织领导和制度设计研究情况；公共文化设施网络建设和免费开放情况；经费投入和使用管理情况。"
CHECKLIST = [
    "领导小组建立和例会制度落实情况",
    "综合文化服务中心建设和免费开放情况",
    "经费使用方案备案和资金使用情况",
    "信息报送和宣传工作情况",
]
# (description, requirement, rule, severity)
FINDINGS = [
    (
        "领导小组例会未按季度召开，部分会议无会议纪要",
        "每季度至少召开一次领导小组例会，会议形成纪要并归档",
        "R1.3",
        "major",
    ),
    (
        "部分社区综合文化服务中心开放时间不足",
        "按标准落实免费开放时间并公示开放安排",
        "R6.6",
        "minor",
    ),
    ("地方创建资金到位率偏低", "按经费使用方案足额落实地方配套资金", "R3.2", "serious"),
    ("工作动态报送不及时", "明确联络员职责，按时报送工作动态", "R5.1", "minor"),
]


def _pdf(title: str) -> ContentFile:
    upload = minutes_pdf(title)
    upload.name = f"{title}.pdf"
    return upload


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())


def _inspection(office: Any, unit: CreationUnit, start: date, leader: str) -> Inspection:
    inspection = services.inspection_plan(
        user=office,
        unit=unit,
        fields={
            "planned_start": start,
            "planned_end": start + timedelta(days=2),
            "leader_name": leader,
            "leader_position": "文化和旅游部公共服务司副司长",
            "scope": SCOPE,
        },
        members=TEAM,
    )
    for text in CHECKLIST:
        services.checklist_item_add(user=office, inspection=inspection, text=text)
    return inspection


def _held(office: Any, inspection: Inspection, results: list[str]) -> Inspection:
    inspection = services.inspection_start(
        user=office, inspection=inspection, held_start=inspection.planned_start
    )
    items = list(inspection.checklist.all())
    services.checklist_results_save(
        user=office,
        inspection=inspection,
        results={item.pk: (result, "") for item, result in zip(items, results, strict=False)},
    )
    return inspection


def _finding(office: Any, inspection: Inspection, index: int, deadline: date, held: date) -> Any:
    description, requirement, rule, severity = FINDINGS[index]
    return services.finding_add(
        user=office,
        inspection=inspection,
        fields={
            "severity": severity,
            "rule_id": rule,
            "description": description,
            "requirement": requirement,
        },
        owner="区文化旅游体育局",
        deadline=deadline,
        evidence=[_pdf(f"检查记录{index + 1}")],
        now=_at(held),
    ).rectification


def load(context: DemoContext) -> None:
    units, users = context.units, context.users
    if Inspection.objects.filter(unit__in=units.values()).exists():
        return
    office, staff = users["office"], users["unit_staff"]
    today = timezone.localdate()

    # 长沙市开福区: completed, feedback sent; rectification in every state; a visit planned.
    kaifu = units["长沙市开福区"]
    start = today - timedelta(days=100)
    inspection = _held(office, _inspection(office, kaifu, start, "李明"), ["partly", "met"])
    end = start + timedelta(days=2)
    verified = _finding(office, inspection, 0, today - timedelta(days=40), start)
    reopened = _finding(office, inspection, 1, today + timedelta(days=20), start)
    submitted = _finding(office, inspection, 2, today + timedelta(days=10), start)
    _finding(office, inspection, 3, today - timedelta(days=10), start)  # open and overdue
    inspection = services.inspection_complete(user=office, inspection=inspection, held_end=end)
    for rectification, days in ((verified, 50), (reopened, 30), (submitted, 5)):
        services.rectification_submit(
            user=staff,
            rectification=rectification,
            report="已按要求完成整改，相关制度文件和照片见附件。",
            evidence=[_pdf("整改佐证材料")],
            now=_at(today - timedelta(days=days)),
        )
    services.rectification_verify(
        user=office, rectification=verified, now=_at(today - timedelta(days=45))
    )
    services.rectification_reopen(
        user=office,
        rectification=reopened,
        reason="佐证材料不足，请补充各社区开放时间公示照片。",
        now=_at(today - timedelta(days=25)),
    )
    services.letter_send(
        user=office,
        inspection=inspection,
        document_number=f"办公共函〔{end.year}〕18号",
        sent_on=end + timedelta(days=10),
    )
    _inspection(office, kaifu, today + timedelta(days=30), "李明")

    # 杭州市西湖区: completed, an item due within the week; no letter yet.
    xihu = units["杭州市西湖区"]
    start = today - timedelta(days=30)
    inspection = _held(office, _inspection(office, xihu, start, "张华"), ["met", "not_met"])
    _finding(office, inspection, 1, today + timedelta(days=7), start)
    services.rectification_start(
        user=users["admin"],  # the superuser writes for units without demo staff
        rectification=_finding(office, inspection, 3, today + timedelta(days=25), start),
    )
    services.inspection_complete(
        user=office, inspection=inspection, held_end=start + timedelta(days=2)
    )

    # 成都市武侯区: the team is there now.
    _held(office, _inspection(office, units["成都市武侯区"], today - timedelta(days=1), "刘伟"), [])

    # 宁波市鄞州区: three visits planned in one year, more than the office's maximum of two.
    for month in (3, 6, 9):
        _inspection(office, units["宁波市鄞州区"], date(today.year, month, 12), "陈静")

    _self_inspection(kaifu, staff, today)


def _self_inspection(unit: CreationUnit, staff: Any, today: date) -> None:
    """R4.2: the unit's self-inspection of the current half year, submitted to the office."""
    obligation = (
        Obligation.objects.filter(
            unit=unit,
            type=Obligation.Type.SELF_INSPECTION,
            submission__isnull=True,
            period_start__lte=today,
        )
        .order_by("-period_start")
        .first()
    )
    if obligation is None:
        return
    meeting = Meeting.objects.filter(unit=unit).order_by("-held_on").first()
    self_inspection = services.self_inspection_save(
        user=staff,
        obligation=obligation,
        summary="领导小组组织对照创建标准和督导检查反馈意见开展半年自查，逐项梳理问题并落实整改责任。",
        meeting=meeting,
    )
    for text in CHECKLIST:
        services.self_inspection_item_add(user=staff, self_inspection=self_inspection, text=text)
    results = ["met", "partly", "met", "met"]
    services.self_inspection_save(
        user=staff,
        obligation=obligation,
        summary=self_inspection.summary,
        meeting=meeting,
        results={
            item.pk: (results[index % len(results)], "")
            for index, item in enumerate(self_inspection.items.all())
        },
    )
    services.self_inspection_submit(
        user=staff, self_inspection=self_inspection, now=min(obligation.due_at, timezone.now())
    )
