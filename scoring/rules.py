"""Pure domain functions of scoring: plain values in, plain values out; no ORM, no clock."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from creation.rules import (
    LIAISON_TOLERANCE_DAYS,
    ComplianceItem,
    LeadershipFacts,
    leadership_compliance,
    liaison_continuity,
    unit_cycle,
)
from creation.rules import Status as ComplianceStatus

# R6.2: the five tiers of the adoption table; their points are settings of the programme.
TIERS = (1, 2, 3, 4, 5)
DEFAULT_TIER_POINTS: Mapping[int, int] = {1: 50, 2: 40, 3: 30, 4: 20, 5: 10}
DEFAULT_BASE_POINTS = 50

# R6.2: provincial media are tier 3, media at the unit's own level (同级媒体) tier 4.
PROVINCIAL_MEDIA_TIER = 3
SAME_LEVEL_MEDIA_TIER = 4
LEVEL_PROVINCE = "province"
LEVEL_SAME = "same"  # a generic outlet that is always at the claiming unit's level


@dataclass(frozen=True, order=True)
class HalfYear:
    """R6.3: zones are scored every half year, Jan–Jun (1) and Jul–Dec (2)."""

    year: int
    half: int  # 1 = Jan-Jun, 2 = Jul-Dec

    @classmethod
    def containing(cls, day: date) -> HalfYear:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def parse(cls, label: str) -> HalfYear:
        """'2025H1' → HalfYear(2025, 1)."""
        match = re.fullmatch(r"(\d{4})H([12])", label.strip().upper())
        if not match:
            raise ValueError(label)
        return cls(int(match[1]), int(match[2]))

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def next(self) -> HalfYear:
        return HalfYear(self.year, 2) if self.half == 1 else HalfYear(self.year + 1, 1)

    def __str__(self) -> str:
        return f"{self.year}H{self.half}"


def half_years_between(start: date, end: date) -> list[HalfYear]:
    """The half years that overlap [start, end], in order."""
    out: list[HalfYear] = []
    current = HalfYear.containing(start)
    while current.start <= end:
        out.append(current)
        current = current.next()
    return out


def publicity_base(*, all_on_time: bool, points: int = DEFAULT_BASE_POINTS) -> int:
    # R6.1: the base (50 by default) when every R5.2 submission of the period was on time, else 0.
    return points if all_on_time else 0


def adoption_points(tier: int | None, tier_points: Mapping[int, int]) -> int:
    """R6.2: the points of one verified adoption of the given tier (0 when it fits no tier)."""
    if tier is None:
        return 0
    return tier_points.get(tier, 0)


def outlet_tier(*, fixed_tier: int | None, level: str, unit_level: str) -> int | None:
    """R6.2: the tier an outlet scores for a unit. An outlet may have a tier of its own and an
    administrative level: provincial media are tier 3, media at the unit's own level (同级媒体)
    tier 4. An outlet that fits two tiers scores the higher (the smaller number); None when it
    fits none (e.g. a city newspaper for a district zone without a tier of its own)."""
    candidates = [fixed_tier] if fixed_tier else []
    if level == LEVEL_PROVINCE:
        candidates.append(PROVINCIAL_MEDIA_TIER)
    if level == LEVEL_SAME or (level and level == unit_level):
        candidates.append(SAME_LEVEL_MEDIA_TIER)
    return min(candidates) if candidates else None


_SPACE_AND_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise_title(title: str) -> str:
    """R6.2: the key under which "the same article" is recognised: full-width forms folded (NFKC),
    case folded, spaces and punctuation (including 《》“”, ：) removed."""
    folded = unicodedata.normalize("NFKC", title or "").casefold()
    return _SPACE_AND_PUNCTUATION.sub("", folded)


@dataclass(frozen=True)
class UnitScore:
    """The score of one unit in one period."""

    unit_id: int
    base: int
    bonus: int
    tier_counts: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    name: str = ""
    all_on_time: bool = True
    rank: int = 0
    group: tuple = field(default=())

    @property
    def total(self) -> int:
        return self.base + self.bonus


def unit_score(
    *,
    unit_id: int,
    all_on_time: bool,
    tier_counts: Mapping[int, int],
    base_points: int,
    tier_points: Mapping[int, int],
    name: str = "",
    group: tuple = (),
) -> UnitScore:
    """R6.1 + R6.2: base plus the points of the verified adoptions of the period."""
    counts = tuple(int(tier_counts.get(t, 0)) for t in TIERS)
    bonus = sum(adoption_points(t, tier_points) * n for t, n in zip(TIERS, counts, strict=True))
    return UnitScore(
        unit_id=unit_id,
        base=publicity_base(all_on_time=all_on_time, points=base_points),
        bonus=bonus,
        tier_counts=counts,  # type: ignore[arg-type]
        name=name,
        all_on_time=all_on_time,
        group=group,
    )


def rank_key(score: UnitScore) -> tuple:
    """R6.3 ranking, documented tie-break: higher total, then higher bonus (publicity beyond the
    base), then more tier-1 adoptions, then more tier-2, … tier-5. Units equal on all of these
    share a rank."""
    return (-score.total, -score.bonus, *(-n for n in score.tier_counts))


RANK_TEXT_DIGITS = 9


def rank_text(score: UnitScore) -> str:
    """`rank_key` as text that sorts the other way round (greater text, better place), so that a
    database can rank a stored score among its peers' by comparing one indexed column: the
    total, bonus and tier counts, each zero-padded to the same width (never negative; a count
    beyond the width is held at its largest value, far beyond any real score)."""
    largest = 10**RANK_TEXT_DIGITS - 1
    parts = (score.total, score.bonus, *score.tier_counts)
    return "".join(f"{min(max(part, 0), largest):0{RANK_TEXT_DIGITS}d}" for part in parts)


def standing_rank(*, above: int) -> int:
    """R6.3: the rank of a stored standing, competition style as `rank`: one more than the
    peers whose rank text is greater (`rank_text`), so equal units share a rank."""
    return above + 1


def rank(rows: Iterable[UnitScore]) -> list[UnitScore]:
    """Ranks within each group (programme, batch, kind), competition style ("1, 2, 2, 4"); rows
    that share a rank are listed by name, then id, so the order is deterministic."""
    ordered = sorted(rows, key=lambda s: (s.group, rank_key(s), s.name, s.unit_id))
    out: list[UnitScore] = []
    previous_group: tuple | None = None
    previous_key: tuple | None = None
    position = 0
    current_rank = 0
    for score in ordered:
        if score.group != previous_group:
            previous_group, previous_key, position = score.group, None, 0
        position += 1
        key = rank_key(score)
        if key != previous_key:
            current_rank = position
            previous_key = key
        out.append(_with_rank(score, current_rank))
    return out


def _with_rank(score: UnitScore, value: int) -> UnitScore:
    from dataclasses import replace

    return replace(score, rank=value)


def cycle_windows(*, kind: str, cycle_start: date, cycle_end: date) -> list[tuple[date, date]]:
    """The scoring periods of a cycle: R6.3 the calendar half years that overlap it for zones,
    R6.4 the whole cycle for projects. Units read theirs through `unit_windows`."""
    if kind == "project":
        return [(cycle_start, cycle_end)]
    return [(h.start, h.end) for h in half_years_between(cycle_start, cycle_end)]


def unit_windows(*, kind: str, start_date: date) -> list[tuple[date, date]]:
    """C2, R6.3, R6.4: the scoring periods of a unit of this kind that starts on `start_date`,
    from its own creation cycle (`creation.rules.unit_cycle`), never its batch's. Every reader of
    a unit's periods (score pages, status, dashboard, acceptance, ranking) goes through here."""
    cycle = unit_cycle(start_date=start_date)
    return cycle_windows(kind=kind, cycle_start=cycle.start, cycle_end=cycle.end)


def rank_group(*, batch_id: int, kind: str, period_start: date) -> str:
    """C4: the peers a unit is ranked among in one of its scoring periods (`unit_windows`), as
    the key its standing is stored under (scoring.models.PublicityStanding): the units of its
    batch and kind; a zone's in each half year (those whose cycle overlaps it), a project's
    over its own cycle across the batch (`scoring.selectors.publicity_rankings`)."""
    half_year = "" if kind == "project" else period_start.isoformat()
    return f"{batch_id}:{kind}:{half_year}"


def window_on(*, kind: str, start_date: date, today: date) -> tuple[date, date]:
    """The unit's scoring period (`unit_windows`) that `today` falls in; before its cycle its
    first period, after it its last."""
    windows = unit_windows(kind=kind, start_date=start_date)
    started = [window for window in windows if window[0] <= today]
    return started[-1] if started else windows[0]


def tier_counts_total(rows: Sequence[tuple[int, int]]) -> dict[int, int]:
    """[(tier, count), …] → {tier: count}."""
    out: dict[int, int] = {}
    for tier, count in rows:
        out[tier] = out.get(tier, 0) + count
    return out


# --- R6.5, R6.6 and §8: veto gauge, mid-term review, acceptance ------------------------------


HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AcceptanceNumbers:
    """A programme's settings of R6.5, R6.6 and §8 (AcceptanceSettings); the defaults are ours."""

    excellent_from: Decimal = Decimal(80)  # completion % for 优秀
    qualified_from: Decimal = Decimal(60)  # completion % for 合格
    excellent_factor: Decimal = Decimal("1.00")
    qualified_factor: Decimal = Decimal("0.60")
    publicity_share: Decimal = Decimal(10)  # points of the acceptance total (R6.5)
    pass_mark: Decimal = Decimal(60)
    liaison_grace_days: int = LIAISON_TOLERANCE_DAYS  # C5: no gap by default
    plan_filing_days: int = 180
    due_soon_days: int = 14


# --- R6.6: the one-vote-veto gauge ---------------------------------------------------------------


class GaugeStatus(StrEnum):
    OK = "ok"
    AT_RISK = "at_risk"
    FAILED = "failed"


class VetoItem(StrEnum):
    LEADERSHIP_GROUP = "leadership_group"  # R1.1
    GROUP_OFFICE = "group_office"  # R1.2, zones only
    LIAISON = "liaison"  # R2.1
    FUND_PLAN_FILED = "fund_plan_filed"  # R3.2
    NO_SPENDING_OUTSIDE_PLAN = "no_spending_outside_plan"  # R3.2
    FUND_REPORTS = "fund_reports"  # R3.3
    SELF_INSPECTIONS = "self_inspections"  # R4.2
    R5_2_SUBMISSIONS = "r5_2_submissions"  # R5.2


VETO_ITEM_RULES = {
    VetoItem.LEADERSHIP_GROUP: "R1.1",
    VetoItem.GROUP_OFFICE: "R1.2",
    VetoItem.LIAISON: "R2.1",
    VetoItem.FUND_PLAN_FILED: "R3.2",
    VetoItem.NO_SPENDING_OUTSIDE_PLAN: "R3.2",
    VetoItem.FUND_REPORTS: "R3.3",
    VetoItem.SELF_INSPECTIONS: "R4.2",
    VetoItem.R5_2_SUBMISSIONS: "R5.2",
}

VETO_ITEM_CHOICES = [
    (VetoItem.LEADERSHIP_GROUP.value, _("Leadership group in place")),
    (VetoItem.GROUP_OFFICE.value, _("Leadership-group office in place")),
    (VetoItem.LIAISON.value, _("A liaison at all times")),
    (VetoItem.FUND_PLAN_FILED.value, _("Fund-use plan filed")),
    (VetoItem.NO_SPENDING_OUTSIDE_PLAN.value, _("No spending outside the filed plan")),
    (VetoItem.FUND_REPORTS.value, _("Every half-yearly fund report submitted")),
    (VetoItem.SELF_INSPECTIONS.value, _("Every half-yearly self-inspection submitted")),
    (VetoItem.R5_2_SUBMISSIONS.value, _("Information submissions missed in at most one period")),
]
VETO_ITEM_LABELS = dict(VETO_ITEM_CHOICES)
GAUGE_STATUS_LABELS = {"ok": _("OK"), "at_risk": _("At risk"), "failed": _("Failed (veto)")}


@dataclass(frozen=True)
class ObligationFact:
    type: str  # reporting ObligationType value
    period_label: str
    due_on: date  # the local date of the due moment (end of that day)
    submitted: bool  # held by the office, on time or late (C1: returned and not resent = False)


@dataclass(frozen=True)
class VetoFacts:
    """Everything the veto gauge of one unit looks at, as plain values."""

    leadership: LeadershipFacts
    filed_plans: tuple[tuple[str, int, date], ...] = ()  # (plan title, version, filed on)
    spending_outside_plan: int = 0
    obligations: tuple[ObligationFact, ...] = ()


@dataclass(frozen=True)
class GaugeItem:
    item: VetoItem
    status: GaugeStatus
    message: str
    evidence: str = ""

    @property
    def rule(self) -> str:
        return VETO_ITEM_RULES[self.item]

    @property
    def label(self) -> str:
        return str(VETO_ITEM_LABELS[self.item.value])


@dataclass(frozen=True)
class OverrideFact:
    decision: str  # a GaugeStatus value, or "revoke"
    reason: str
    decided_by: str
    decided_at: str


@dataclass(frozen=True)
class GaugeLine:
    """A veto item with its computed status and the office's override, if one is in force."""

    computed: GaugeItem
    override: OverrideFact | None = None

    @property
    def status(self) -> GaugeStatus:
        if self.override is not None:
            return GaugeStatus(self.override.decision)
        return self.computed.status

    @property
    def item(self) -> VetoItem:
        return self.computed.item


def _from_compliance(item: VetoItem, found: list[ComplianceItem]) -> GaugeItem:
    failed = [i for i in found if i.status == ComplianceStatus.FAILED]
    warned = [i for i in found if i.status == ComplianceStatus.WARNING]
    if failed:
        return GaugeItem(
            item,
            GaugeStatus.FAILED,
            " ".join(str(i.message) for i in failed),
            "、".join(i.evidence for i in failed if i.evidence),
        )
    if warned:
        return GaugeItem(
            item,
            GaugeStatus.AT_RISK,
            " ".join(str(i.message) for i in warned),
            "、".join(i.evidence for i in warned if i.evidence),
        )
    message = " ".join(str(i.message) for i in found)
    return GaugeItem(item, GaugeStatus.OK, message)


def _liaison_item(facts: LeadershipFacts, numbers: AcceptanceNumbers, today: date) -> GaugeItem:
    # R2.1 and C5: a liaison at all times. A span without one longer than the tolerance (0 days
    # unless the office sets more) fails; a vacancy still within the tolerance is at risk; past
    # spans within it (a handover) are shown but tolerated.
    item = VetoItem.LIAISON
    continuity = liaison_continuity(
        facts.liaisons,
        start=facts.start_date,
        cycle_end=facts.cycle_end,
        today=today,
        tolerance_days=numbers.liaison_grace_days,
    )
    active = [t for t in facts.liaisons if t.ended_on is None]

    def spans(found: tuple[tuple[date, date], ...]) -> str:
        return "、".join(f"{a.isoformat()}–{b.isoformat()}" for a, b in found)

    if continuity.intolerable:
        found = continuity.intolerable
        if continuity.tolerance_days:
            message = _("No liaison for more than %(days)d days: %(spans)s.") % {
                "days": continuity.tolerance_days,
                "spans": spans(found),
            }
        else:
            message = _("No liaison: %(spans)s (no gap is tolerated).") % {"spans": spans(found)}
        if continuity.vacant_since is not None:
            vacant = _("Vacant since %(since)s: appoint a liaison.") % {
                "since": continuity.vacant_since.isoformat()
            }
            message = f"{message} {vacant}"
        return GaugeItem(item, GaugeStatus.FAILED, message, spans(found))
    if continuity.vacant_since is not None and continuity.appoint_by is not None:
        since, deadline = continuity.vacant_since, continuity.appoint_by
        return GaugeItem(
            item,
            GaugeStatus.AT_RISK,
            _(
                "No liaison since %(since)s: a liaison must start by %(deadline)s or the unit is vetoed."
            )
            % {"since": since.isoformat(), "deadline": deadline.isoformat()},
            since.isoformat(),
        )
    names = "、".join(t.name for t in active)
    if continuity.gaps:
        return GaugeItem(
            item,
            GaugeStatus.OK,
            _("Liaison: %(names)s; short handover gaps tolerated: %(spans)s.")
            % {"names": names, "spans": spans(continuity.gaps)},
            spans(continuity.gaps),
        )
    return GaugeItem(item, GaugeStatus.OK, _("Liaison: %(names)s.") % {"names": names}, names)


def _plan_filed_item(facts: VetoFacts, numbers: AcceptanceNumbers, today: date) -> GaugeItem:
    # R3.2: a fund-use plan reviewed by the province and filed with the office. Before the
    # filing period ends an unfiled plan is at risk; after it, the requirement fails.
    item = VetoItem.FUND_PLAN_FILED
    if facts.filed_plans:
        title, number, filed_on = facts.filed_plans[-1]
        return GaugeItem(
            item,
            GaugeStatus.OK,
            _("%(title)s (version %(number)d) filed on %(date)s.")
            % {"title": title, "number": number, "date": filed_on.isoformat()},
            title,
        )
    deadline = facts.leadership.start_date + timedelta(days=numbers.plan_filing_days)
    if today > deadline:
        return GaugeItem(
            item,
            GaugeStatus.FAILED,
            _("No fund-use plan has been filed; it was due by %(date)s.")
            % {"date": deadline.isoformat()},
            deadline.isoformat(),
        )
    return GaugeItem(
        item,
        GaugeStatus.AT_RISK,
        _("No fund-use plan filed yet; it must be filed by %(date)s.")
        % {"date": deadline.isoformat()},
        deadline.isoformat(),
    )


def _spending_item(facts: VetoFacts) -> GaugeItem:
    # R3.2: money is ring-fenced; no expenditure outside a filed plan or beyond its line.
    item = VetoItem.NO_SPENDING_OUTSIDE_PLAN
    if facts.spending_outside_plan:
        return GaugeItem(
            item,
            GaugeStatus.FAILED,
            _("%(count)d expenditures lie outside the filed plan.")
            % {"count": facts.spending_outside_plan},
            str(facts.spending_outside_plan),
        )
    return GaugeItem(item, GaugeStatus.OK, _("All spending within the filed plan."))


def _half_yearly_item(
    item: VetoItem, kind: str, facts: VetoFacts, numbers: AcceptanceNumbers, today: date
) -> GaugeItem:
    # R3.3 / R4.2: every half-yearly report due so far submitted (late counts as submitted).
    # A due one not submitted fails; one due within the warning days, not yet submitted, is at
    # risk.
    mine = [o for o in facts.obligations if o.type == kind]
    missing = [o for o in mine if o.due_on < today and not o.submitted]
    soon_until = today + timedelta(days=numbers.due_soon_days)
    soon = [o for o in mine if not o.submitted and today <= o.due_on <= soon_until]
    if missing:
        labels = "、".join(o.period_label for o in missing)
        return GaugeItem(
            item,
            GaugeStatus.FAILED,
            _("Not submitted although due: %(periods)s.") % {"periods": labels},
            labels,
        )
    if soon:
        first = min(soon, key=lambda o: o.due_on)
        return GaugeItem(
            item,
            GaugeStatus.AT_RISK,
            _("%(period)s is due on %(date)s and not submitted yet.")
            % {"period": first.period_label, "date": first.due_on.isoformat()},
            first.period_label,
        )
    due = [o for o in mine if o.due_on < today]
    return GaugeItem(
        item,
        GaugeStatus.OK,
        _("%(count)d due so far, all submitted.") % {"count": len(due)},
    )


def r5_2_scoring_period(kind: str, due_on: date) -> str:
    """R6.3, R6.4: zones are scored per half year (by the due date), projects once per cycle."""
    if kind == "zone":
        return f"{due_on.year}H{1 if due_on.month <= 6 else 2}"
    return "cycle"


def missed_periods(kind: str, obligations: tuple[ObligationFact, ...], today: date) -> list[str]:
    """R5.2: the scoring periods in which at least one work update or in-depth report was missed
    (not submitted at all and past due)."""
    periods = {
        r5_2_scoring_period(kind, o.due_on)
        for o in obligations
        if o.type in ("work_update", "in_depth_report") and o.due_on < today and not o.submitted
    }
    return sorted(periods)


def _r5_2_item(facts: VetoFacts, today: date) -> GaugeItem:
    # R6.6: R5.2 submissions missed in no more than one scoring period. Two or more periods
    # fail; one period is at risk (for a zone a second would veto; a project has one period,
    # its cycle, so it cannot fail this item, but the office sees the risk).
    item = VetoItem.R5_2_SUBMISSIONS
    kind = facts.leadership.kind
    missed = missed_periods(kind, facts.obligations, today)
    labels = "、".join(missed)
    if kind == "zone" and len(missed) >= 2:
        return GaugeItem(
            item,
            GaugeStatus.FAILED,
            _("Submissions missed in %(count)d scoring periods: %(periods)s.")
            % {"count": len(missed), "periods": labels},
            labels,
        )
    if missed:
        # A project's one scoring period is its cycle: nothing to name beyond it.
        message = (
            _("Submissions missed in one scoring period (%(periods)s); a second would veto.")
            % {"periods": labels}
            if kind == "zone"
            else _("Submissions missed in the creation cycle.")
        )
        return GaugeItem(item, GaugeStatus.AT_RISK, message, labels)
    return GaugeItem(item, GaugeStatus.OK, _("No submission missed."))


def veto_items(facts: VetoFacts, *, numbers: AcceptanceNumbers, today: date) -> list[GaugeItem]:
    """R6.6: every basic requirement of one unit, computed: ok, at risk or failed."""
    found = leadership_compliance(facts.leadership, today=today)
    items = [
        _from_compliance(VetoItem.LEADERSHIP_GROUP, [i for i in found if i.rule == "R1.1"]),
    ]
    if facts.leadership.kind == "zone":
        items.append(
            _from_compliance(VetoItem.GROUP_OFFICE, [i for i in found if i.rule == "R1.2"])
        )
    items += [
        _liaison_item(facts.leadership, numbers, today),
        _plan_filed_item(facts, numbers, today),
        _spending_item(facts),
        _half_yearly_item(VetoItem.FUND_REPORTS, "fund_report", facts, numbers, today),
        _half_yearly_item(VetoItem.SELF_INSPECTIONS, "self_inspection", facts, numbers, today),
        _r5_2_item(facts, today),
    ]
    return items


def gauge_lines(items: list[GaugeItem], overrides: dict[str, OverrideFact]) -> list[GaugeLine]:
    """R6.6: the computed items with the office's overrides in force (the latest decision per
    item; a "revoke" decision returns the item to its computed status)."""
    lines = []
    for item in items:
        override = overrides.get(item.item.value)
        if override is not None and override.decision == "revoke":
            override = None
        lines.append(GaugeLine(item, override))
    return lines


def gauge_status(lines: list[GaugeLine]) -> GaugeStatus:
    """The unit's gauge: failed (vetoed) when any item fails, else at risk when any is."""
    statuses = {line.status for line in lines}
    for status in (GaugeStatus.FAILED, GaugeStatus.AT_RISK):
        if status in statuses:
            return status
    return GaugeStatus.OK


# --- §8: grading indicators (mid-term review) ---------------------------------------------------


class MidtermGrade(StrEnum):
    EXCELLENT = "excellent"  # 优秀
    QUALIFIED = "qualified"  # 合格
    UNQUALIFIED = "unqualified"  # 不合格


def completion_percent(*, value: Decimal, threshold: Decimal) -> Decimal:
    """The completion ratio of an indicator, in per cent: value / threshold × 100 (one decimal).
    A threshold of zero or less is met by any value: 100."""
    if threshold <= 0:
        return Decimal("100.0")
    return (value / threshold * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def midterm_grade(*, completion: Decimal, numbers: AcceptanceNumbers) -> MidtermGrade:
    """§8: 优秀 from the excellent cut-off, 合格 from the qualified cut-off, else 不合格."""
    if completion >= numbers.excellent_from:
        return MidtermGrade.EXCELLENT
    if completion >= numbers.qualified_from:
        return MidtermGrade.QUALIFIED
    return MidtermGrade.UNQUALIFIED


def grade_points(*, weight: Decimal, grade: MidtermGrade, numbers: AcceptanceNumbers) -> Decimal:
    """§8: an indicator's share of the composite score: weight × the grade's factor
    (优秀 and 合格 factors are settings; 不合格 earns nothing)."""
    factor = {
        MidtermGrade.EXCELLENT: numbers.excellent_factor,
        MidtermGrade.QUALIFIED: numbers.qualified_factor,
        MidtermGrade.UNQUALIFIED: Decimal(0),
    }[grade]
    return _round(weight * factor)


# --- R6.5 and §8: the acceptance evaluation -------------------------------------------------


class AcceptanceResult(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    VETOED = "vetoed"


def indicator_score(*, weight: Decimal, value: Decimal, threshold: Decimal) -> Decimal:
    """§8: an indicator's acceptance points: weight × min(1, value / threshold); a threshold of
    zero or less earns the full weight."""
    if threshold <= 0:
        return _round(weight)
    return _round(weight * min(Decimal(1), value / threshold))


def publicity_score(*, share: Decimal, points: int, best_points: int) -> Decimal:
    """R6.5, C4: the publicity share, scaled against the best unit of the same batch and kind:
    share × points / best points; 0 when the best unit has no points."""
    if best_points <= 0:
        return Decimal("0.00")
    return _round(share * Decimal(points) / Decimal(best_points))


def acceptance_result(*, total: Decimal, pass_mark: Decimal, vetoed: bool) -> AcceptanceResult:
    """R6.6: a vetoed unit fails whatever its score; otherwise it passes from the pass mark."""
    if vetoed:
        return AcceptanceResult.VETOED
    return AcceptanceResult.PASSED if total >= pass_mark else AcceptanceResult.FAILED


@dataclass(frozen=True)
class IndicatorPart:
    code: str
    name: str
    weight: Decimal
    threshold: Decimal
    value: Decimal
    score: Decimal = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "score",
            indicator_score(weight=self.weight, value=self.value, threshold=self.threshold),
        )


@dataclass(frozen=True)
class Evaluation:
    indicators: tuple[IndicatorPart, ...]
    indicator_total: Decimal
    publicity_points: int
    best_points: int
    publicity: Decimal
    total: Decimal
    pass_mark: Decimal
    failed_items: tuple[str, ...]
    result: AcceptanceResult


def evaluate(
    *,
    indicators: tuple[IndicatorPart, ...],
    publicity_points: int,
    best_points: int,
    failed_items: tuple[str, ...],
    numbers: AcceptanceNumbers,
) -> Evaluation:
    """R6.5, R6.6, §8: indicator scores + the publicity share, then the veto and the pass mark.
    `failed_items` are the veto items failed after the office's overrides."""
    indicator_total = sum((part.score for part in indicators), Decimal("0.00"))
    publicity = publicity_score(
        share=numbers.publicity_share, points=publicity_points, best_points=best_points
    )
    total = _round(indicator_total + publicity)
    return Evaluation(
        indicators=indicators,
        indicator_total=_round(indicator_total),
        publicity_points=publicity_points,
        best_points=best_points,
        publicity=publicity,
        total=total,
        pass_mark=numbers.pass_mark,
        failed_items=failed_items,
        result=acceptance_result(
            total=total, pass_mark=numbers.pass_mark, vetoed=bool(failed_items)
        ),
    )
