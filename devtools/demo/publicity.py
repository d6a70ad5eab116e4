"""Demo publicity scoring (R6.1–R6.4): adoption claims in every state, verified adoptions in
every tier, the national zones' first half year closed with its bulletin published, and the
current half year live. Deterministic and idempotent: loading it again adds nothing."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from creation.models import CreationUnit
from devtools.demo.context import DemoContext
from reporting.rules import SHANGHAI
from scoring import services
from scoring.models import AdoptionClaim, Bulletin, MediaOutlet, ScoringPeriod
from scoring.rules import HalfYear, normalise_title

# (unit, outlet, outlet name for generic outlets, title, published on, outcome)
CLAIMS: list[tuple[str, str, str, str, date, str]] = [
    # 2025H2, the closed period of the national programme's zones
    (
        "长沙市开福区",
        "求是",
        "",
        "以示范区创建推动公共文化服务高质量发展",
        date(2025, 9, 16),
        "verified",
    ),
    (
        "长沙市开福区",
        "人民日报",
        "",
        "开福区：十五分钟文化圈覆盖城乡",
        date(2025, 10, 8),
        "verified",
    ),
    (
        "长沙市开福区",
        "光明日报",
        "",
        "开福区：十五分钟文化圈覆盖城乡",
        date(2025, 10, 9),
        "verified",
    ),
    ("长沙市开福区", "国家公共文化网", "", "开福区社区艺术节落幕", date(2025, 11, 20), "verified"),
    ("株洲市", "省级媒体", "湖南日报", "株洲市农家文化屋场建设见闻", date(2025, 8, 22), "verified"),
    ("株洲市", "同级媒体", "株洲日报", "株洲市公共文化服务提质增效", date(2025, 12, 3), "verified"),
    ("杭州市西湖区", "中国文化报", "", "西湖区文化礼堂建设经验", date(2025, 9, 1), "verified"),
    ("杭州市西湖区", "新华社", "", "西湖区群众文化活动综述", date(2025, 10, 30), "rejected"),
    ("成都市武侯区", "文化部《文化要情》", "", "武侯区创建工作专报", date(2025, 11, 5), "verified"),
    # 2026H2, the current half year: live
    (
        "长沙市开福区",
        "省级媒体",
        "湖南日报",
        "开福区文化志愿服务常态化",
        date(2026, 8, 12),
        "verified",
    ),
    ("长沙市开福区", "中央电视台", "", "开福区广场文化节", date(2026, 9, 10), "claimed"),
    (
        "株洲市",
        "人民政府网站",
        "株洲市人民政府网",
        "株洲市创建工作推进会召开",
        date(2026, 7, 20),
        "withdrawn",
    ),
    ("株洲市", "文化部《文化信息》", "", "株洲市创建工作动态", date(2026, 10, 15), "claimed"),
]
REJECTION = "所附链接为转载稿件，未见新华社原发刊载，请补充原始刊发证明。"
CLOSED = HalfYear(2025, 2)


def load(context: DemoContext) -> None:
    units, users = context.units, context.users
    admin, office = users["admin"], users["office"]
    today = timezone.localdate()
    services.periods_sync(today=today)
    outlets = {o.name: o for o in MediaOutlet.objects.all()}
    for unit_name, outlet_name, real_name, title, published_on, outcome in CLAIMS:
        unit, outlet = units[unit_name], outlets[outlet_name]
        if (
            published_on > today
            or AdoptionClaim.objects.filter(
                unit=unit, outlet=outlet, title_key=normalise_title(title)
            ).exists()
        ):
            continue
        claimed_at = datetime.combine(published_on, time(10), tzinfo=SHANGHAI)
        claim = services.claim_create(
            unit=unit,
            user=admin,
            outlet=outlet,
            outlet_name=real_name,
            title=title,
            published_on=published_on,
            link=f"https://example.org/adoptions/{unit.pk}-{normalise_title(title)[:12]}",
            now=claimed_at,
        )
        if outcome == "verified":
            services.claim_verify(claim=claim, user=office)
        elif outcome == "rejected":
            services.claim_reject(claim=claim, user=office, reason=REJECTION)
        elif outcome == "withdrawn":
            services.claim_withdraw(claim=claim, user=admin)
    _close_and_publish(units, office)


def _close_and_publish(units: dict[str, CreationUnit], office: Any) -> None:
    programme = units["长沙市开福区"].batch.programme
    if timezone.localdate() <= CLOSED.end:
        return
    period = services.period_ensure(programme=programme, kind="zone", half_year=CLOSED)
    if period.status == ScoringPeriod.Status.OPEN and not period.events.exists():
        period = services.period_close(period=period, user=office)
    if period.is_closed and not Bulletin.objects.filter(period=period).exists():
        services.bulletin_publish(
            period=period,
            user=office,
            number="文公共办〔2026〕3号",
            published_on=date(2026, 1, 20),
        )
