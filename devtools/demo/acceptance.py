"""Demo creation standards, a mid-term review, an override and an acceptance evaluation (R6.5,
R6.6, §8). Standards per batch × economic belt with the §8 example indicators; 长沙市开福区 has
its mid-term review, final values and an acceptance evaluation; 杭州市西湖区's at-risk
leadership item is overridden by the office. The gauges of the other demo units show ok, at risk
and failed from their own records (株洲市 misses a department, 绵阳市 has no office…).
Loading again changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from creation.models import CreationUnit, Region
from devtools.demo.context import DemoContext
from scoring.models import (
    AcceptanceEvaluation,
    CreationStandard,
    Indicator,
    IndicatorReview,
    VetoOverride,
)
from scoring.services import acceptance_evaluate, indicator_review_record, veto_override_create

D = Decimal
# (part, code, name, unit of measure, weight, computation); thresholds per belt below.
INDICATORS = [
    ("设施网络", "1.1", "乡镇（街道）综合文化站建筑面积", "m²", 20, "smallest_station_area"),
    ("设施网络", "1.2", "公共文化设施总建筑面积", "m²", 10, "facility_floor_area"),
    ("服务供给", "2.1", "人均公共图书馆藏书", "册/人", 20, ""),
    ("服务供给", "2.2", "人均年新增藏书", "册/人·年", 10, ""),
    ("服务供给", "2.3", "人均公共图书馆年到馆次数", "次/人", 15, ""),
    ("组织支撑", "3.1", "群众业余文艺团队", "支", 15, "art_team_count"),
]
THRESHOLDS = {
    "east": {
        "1.1": 800,
        "1.2": 20000,
        "2.1": D("1.0"),
        "2.2": D("0.06"),
        "2.3": D("0.6"),
        "3.1": 30,
    },
    "central": {
        "1.1": 600,
        "1.2": 15000,
        "2.1": D("0.8"),
        "2.2": D("0.05"),
        "2.3": D("0.5"),
        "3.1": 20,
    },
    # §8: the west's thresholds of the third batch
    "west": {
        "1.1": 500,
        "1.2": 10000,
        "2.1": D("0.6"),
        "2.2": D("0.04"),
        "2.3": D("0.4"),
        "3.1": 15,
    },
}
BELT_NAMES = dict(Region.EconomicBelt.choices)


def _standards(units: dict[str, CreationUnit]) -> None:
    batches = {unit.batch for unit in units.values()}
    for batch in sorted(batches, key=lambda b: b.pk):
        for belt, thresholds in THRESHOLDS.items():
            standard, _ = CreationStandard.objects.get_or_create(
                batch=batch,
                economic_belt=belt,
                defaults={
                    "title": f"{batch.programme.name}第{batch.number}批创建标准（{BELT_NAMES[belt]}地区）"
                },
            )
            for order, (part, code, name, measure, weight, computation) in enumerate(INDICATORS):
                Indicator.objects.get_or_create(
                    standard=standard,
                    code=code,
                    defaults={
                        "part": part,
                        "name": name,
                        "measure_unit": measure,
                        "threshold": D(thresholds[code]),
                        "weight": D(weight),
                        "source": "computed" if computation else "entered",
                        "computation": computation,
                        "sort_order": order,
                    },
                )


def load(context: DemoContext) -> None:
    units, users = context.units, context.users
    _standards(units)
    office = users["office"]
    today = timezone.localdate()
    kaifu = units["长沙市开福区"]
    if not IndicatorReview.objects.filter(unit=kaifu).exists():
        entered = {"2.1": D("0.62"), "2.2": D("0.03"), "2.3": D("0.36")}
        final = {"2.1": D("0.85"), "2.2": D("0.05"), "2.3": D("0.47")}
        indicators = {i.code: i.pk for i in Indicator.objects.for_unit(kaifu)}
        indicator_review_record(
            user=office,
            unit=kaifu,
            stage=IndicatorReview.Stage.MIDTERM,
            reviewed_on=today - timedelta(days=60),
            values={indicators[code]: value for code, value in entered.items()},
            note="中期督查：图书馆到馆人次偏低，需加强阅读推广。",
        )
        indicator_review_record(
            user=office,
            unit=kaifu,
            stage=IndicatorReview.Stage.FINAL,
            reviewed_on=today,
            values={indicators[code]: value for code, value in final.items()},
            note="验收前指标数据复核。",
        )
    xihu = units["杭州市西湖区"]
    if not VetoOverride.objects.filter(unit=xihu).exists():
        veto_override_create(
            user=office,
            unit=xihu,
            item="leadership_group",
            decision="ok",
            reason="经核实，领导小组成员分工已在区政府办公室文件中明确，系统录入遗漏，不影响验收。",
        )
    if not AcceptanceEvaluation.objects.filter(unit=kaifu).exists():
        acceptance_evaluate(user=office, unit=kaifu)
