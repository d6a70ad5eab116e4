"""Demo reports: every unit's obligations, and for those already due a mix of outcomes —
mostly accepted on time, some late, some returned and resubmitted, some waiting for review,
some missing — so that the calendars show every colour. Deterministic, so loading it again
adds nothing (except reports for deadlines that passed since)."""

from __future__ import annotations

import zlib
from datetime import timedelta
from typing import Any

from django.utils import timezone

from creation.models import CreationUnit
from devtools.demo.context import DemoContext
from reporting import services
from reporting.models import Obligation, ReportingSettings, Submission

OUTCOMES = (
    ["on_time"] * 12
    + ["late"] * 2
    + ["returned_then_accepted"] * 2
    + ["returned"]
    + ["missing"] * 2
    + ["waiting"]
)
TEXT = {
    "work_update": "本月组织社区文化活动{n}场，开展公益培训{m}期，服务群众{k}人次；推进综合文化站提质改造。",
    "fund_report": "本半年度中央补助资金和地方创建资金按经费使用方案专款专用，支出明细及凭证见附件。",
    "self_inspection": "领导小组组织对照创建标准开展半年自查，发现问题{m}项，已制定整改措施并落实责任人。",
}


def _outcome(obligation: Obligation) -> str:
    seed = zlib.crc32(f"{obligation.unit_id}-{obligation.type}-{obligation.period_label}".encode())
    return OUTCOMES[seed % len(OUTCOMES)]


def load(context: DemoContext) -> None:
    units, users = context.units, context.users
    now = timezone.now()
    _provincial_due_day(units, now)
    for unit in units.values():
        services.obligations_sync(unit=unit)
    staff = users["admin"]  # the superuser writes for every demo unit
    due = (
        Obligation.objects.filter(unit__in=units.values(), due_at__lt=now, submission__isnull=True)
        .select_related("unit__batch")
        .order_by("due_at")
    )
    for obligation in due:
        outcome = _outcome(obligation)
        if outcome == "missing":
            continue
        reviewer = (
            users["office"]
            if obligation.unit.batch.programme.name.startswith("国家")
            else users["admin"]
        )
        _report(obligation, outcome, staff, reviewer, now)


def _provincial_due_day(units: dict[str, CreationUnit], now) -> None:
    """The provincial programme has chosen its own monthly due day. The demo picks it, on the
    first load, a few days ahead of today, so that the calendars also show deadlines that are
    close (yellow) whatever day `make run` is started."""
    programmes = {u.batch.programme for u in units.values() if u.batch.programme.province_id}
    soon = timezone.localdate(now) + timedelta(days=4)
    for programme in programmes:
        ReportingSettings.objects.get_or_create(
            programme=programme, defaults={"monthly_due_day": min(soon.day, 28)}
        )
        programme.refresh_from_db()


def _fields(obligation: Obligation) -> dict[str, str]:
    n = obligation.period_start.month
    title = f"{obligation.unit.name}{obligation.period_label}{obligation.get_type_display().split(' ')[0]}"
    if obligation.type == "in_depth_report":
        return {
            "title": title,
            "work_progress": f"本期完成设施建设任务{n + 2}项，文化活动品牌持续深化。",
            "design_research": "围绕公共文化服务标准化、社会化开展制度设计研究，形成调研报告初稿。",
            "phased_results": f"新建社区文化活动室{n % 4 + 1}个，群众满意度测评达到92%。",
        }
    body = TEXT.get(obligation.type, TEXT["work_update"]).format(
        n=n + 8, m=n % 3 + 1, k=1200 + n * 90
    )
    return {"title": title, "body": body}


def _report(obligation: Obligation, outcome: str, staff: Any, reviewer: Any, now) -> None:
    submission = services.submission_save(
        user=staff, obligation=obligation, fields=_fields(obligation)
    )
    if outcome == "late":
        first = obligation.due_at + timedelta(days=3)
    else:
        first = obligation.due_at - timedelta(days=2)
    if first > now:  # the deadline has just passed: the report came in just before it
        first = now - timedelta(hours=1)
    services.submission_submit(user=staff, submission=submission, now=first)
    if outcome == "waiting":
        return
    if outcome in ("returned", "returned_then_accepted"):
        services.submission_return(
            reviewer=reviewer,
            submission=submission,
            comment="请补充活动照片和参与人数统计表。",
            now=first + timedelta(days=1),
        )
        if outcome == "returned" or first + timedelta(days=3) > now:
            return  # still with the unit for changes
        services.submission_save(
            user=staff,
            obligation=obligation,
            fields={
                **_fields(obligation),
                "body": _fields(obligation).get("body", "") + "（已补充照片和统计表）",
            },
        )
        services.submission_submit(user=staff, submission=submission, now=first + timedelta(days=3))
    accepted_at = min(first + timedelta(days=4), now)
    services.submission_accept(
        reviewer=reviewer, submission=Submission.objects.get(pk=submission.pk), now=accepted_at
    )
