"""Pure rules of the organisation: plain values in, plain values out."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

# docs/rules.md §0: a creation cycle is the two years from the unit's start date to its acceptance.
CREATION_CYCLE_YEARS = 2


def creation_cycle_end(start: date) -> date:
    """The day before the second anniversary of the start (29 Feb starts end on 28 Feb)."""
    year = start.year + CREATION_CYCLE_YEARS
    try:
        anniversary = start.replace(year=year)
    except ValueError:  # 29 February into a common year
        anniversary = date(year, 3, 1)
    return date.fromordinal(anniversary.toordinal() - 1)


@dataclass(frozen=True)
class Cycle:
    """A unit's own creation cycle (C2): every date of the unit (its reporting calendar, scoring
    periods, veto gauge, acceptance) comes from here, never from its batch."""

    start: date
    end: date

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and start <= self.end


def unit_cycle(*, start_date: date | None, batch_start: date | None = None) -> Cycle:
    """C2 (§0): two years from the unit's own start date; the batch's start is only the default
    start of a unit that has none."""
    start = start_date or batch_start
    if start is None:
        raise ValueError("A unit's cycle needs its start date or its batch's start.")
    return Cycle(start, creation_cycle_end(start))


def earliest_start_reaching(day: date) -> date:
    """The earliest start date whose cycle (`unit_cycle`) still runs on `day`: a unit's cycle
    overlaps [a, b] exactly when its start lies in [earliest_start_reaching(a), b]."""
    try:
        start = day.replace(year=day.year - CREATION_CYCLE_YEARS)
    except ValueError:  # 29 February
        start = date(day.year - CREATION_CYCLE_YEARS, 2, 28)
    start -= timedelta(days=3)
    while creation_cycle_end(start) < day:
        start += timedelta(days=1)
    return start


# --- Periods ----------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (length 1), quarter (3) or half year (6)."""

    year: int
    index: int  # 1-12 for months, 1-4 for quarters, 1-2 for half years
    months: int = 3

    @classmethod
    def containing(cls, day: date, *, months: int = 3) -> "Period":
        return cls(day.year, (day.month - 1) // months + 1, months)

    @property
    def first_day(self) -> date:
        return date(self.year, (self.index - 1) * self.months + 1, 1)

    @property
    def last_day(self) -> date:
        end_month = self.index * self.months
        if end_month == 12:
            return date(self.year, 12, 31)
        return date.fromordinal(date(self.year, end_month + 1, 1).toordinal() - 1)

    def next(self) -> "Period":
        per_year = 12 // self.months
        if self.index == per_year:
            return Period(self.year + 1, 1, self.months)
        return Period(self.year, self.index + 1, self.months)

    def __contains__(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def __str__(self) -> str:
        if self.months == 1:
            return f"{self.year}-{self.index:02d}"
        if self.months == 3:
            return f"{self.year}Q{self.index}"
        return f"{self.year}H{self.index}"


def periods_between(start: date, end: date, *, months: int = 3) -> list[Period]:
    """The calendar periods that overlap [start, end], in order; empty when end < start."""
    if end < start:
        return []
    periods = [Period.containing(start, months=months)]
    while periods[-1].last_day < end:
        periods.append(periods[-1].next())
    return periods


# --- Compliance of R1 and R2 ------------------------------------------------------------------


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    FAILED = "failed"


@dataclass(frozen=True)
class ComplianceItem:
    rule: str
    status: Status
    message: str
    # what the finding rests on: a person, a quarter, a date range; and the record section
    evidence: str = ""
    section: str = ""


@dataclass(frozen=True)
class MemberFact:
    name: str
    role: str  # GroupMember.Role value
    leader_kind: str  # GroupMember.LeaderKind value
    department: str | None
    has_duty: bool


@dataclass(frozen=True)
class MeetingFact:
    kind: str  # Meeting.Kind value
    held_on: date
    has_minutes: bool
    title: str = ""


@dataclass(frozen=True)
class LiaisonFact:
    name: str
    position_kind: str  # Liaison.PositionKind value
    started_on: date
    ended_on: date | None


@dataclass(frozen=True)
class LeadershipFacts:
    """Everything R1 and R2 look at for one unit, as plain values."""

    kind: str  # "zone" or "project"
    start_date: date
    cycle_end: date
    has_group: bool = False
    members: tuple[MemberFact, ...] = ()
    required_departments: tuple[str, ...] = ()
    has_office: bool = False
    office_in_cultural_administration: bool = False
    office_has_director: bool = False
    meetings: tuple[MeetingFact, ...] = ()
    regular_meetings_per_quarter: int = 1
    liaisons: tuple[LiaisonFact, ...] = field(default=())


ZONE_HEAD_KINDS = frozenset({"party_main", "government_main"})
PROJECT_HEAD_KINDS = frozenset({"culture_admin_main"})


def _group_items(facts: LeadershipFacts) -> list[ComplianceItem]:
    # R1.1: a group headed by the right leader, with the required departments, each member a duty.
    if not facts.has_group:
        return [
            ComplianceItem(
                "R1.1", Status.FAILED, _("No leadership group is recorded."), section="group"
            )
        ]
    items: list[ComplianceItem] = []
    heads = [m for m in facts.members if m.role == "head"]
    wanted = ZONE_HEAD_KINDS if facts.kind == "zone" else PROJECT_HEAD_KINDS
    if not any(m.leader_kind in wanted for m in heads):
        message = (
            _("The group is not headed by a main leader of the Party committee or government.")
            if facts.kind == "zone"
            else _(
                "The group is not headed by the main leader of the local cultural administration."
            )
        )
        evidence = "、".join(m.name for m in heads)
        items.append(ComplianceItem("R1.1", Status.FAILED, message, evidence, "group"))
    present = {m.department for m in facts.members if m.department}
    for department in facts.required_departments:
        if department not in present:
            items.append(
                ComplianceItem(
                    "R1.1",
                    Status.FAILED,
                    _("No member from the required department %(department)s.")
                    % {"department": department},
                    department,
                    "group",
                )
            )
    for member in facts.members:
        if not member.has_duty:
            items.append(
                ComplianceItem(
                    "R1.1",
                    Status.WARNING,
                    _("%(name)s has no stated duty.") % {"name": member.name},
                    member.name,
                    "group",
                )
            )
    if not items:
        items.append(
            ComplianceItem(
                "R1.1",
                Status.OK,
                _("Leadership group in place with %(count)d members.")
                % {"count": len(facts.members)},
                section="group",
            )
        )
    return items


def _office_items(facts: LeadershipFacts) -> list[ComplianceItem]:
    # R1.2 applies to zones only.
    if facts.kind != "zone":
        return []
    if not facts.has_office:
        return [
            ComplianceItem(
                "R1.2",
                Status.FAILED,
                _("No leadership-group office is recorded."),
                section="office",
            )
        ]
    items = []
    if not facts.office_in_cultural_administration:
        items.append(
            ComplianceItem(
                "R1.2",
                Status.WARNING,
                _("The office is not placed in the cultural administration."),
                section="office",
            )
        )
    if not facts.office_has_director:
        items.append(
            ComplianceItem(
                "R1.2", Status.WARNING, _("The office has no director."), section="office"
            )
        )
    return items or [
        ComplianceItem("R1.2", Status.OK, _("Leadership-group office in place."), section="office")
    ]


def _meeting_items(facts: LeadershipFacts, today: date) -> list[ComplianceItem]:
    # R1.3: regular meetings every quarter (count per programme), minutes for every meeting.
    items: list[ComplianceItem] = []
    last_day = min(today, facts.cycle_end)
    required = facts.regular_meetings_per_quarter
    for quarter in periods_between(facts.start_date, last_day):
        held = sum(1 for m in facts.meetings if m.kind == "regular" and m.held_on in quarter)
        if held >= required:
            continue
        finished = quarter.last_day < today
        message = (
            _("%(quarter)s: %(held)d of %(required)d regular meetings held.")
            if finished
            else _(
                "%(quarter)s is under way: %(held)d of %(required)d regular meetings held so far."
            )
        ) % {"quarter": quarter, "held": held, "required": required}
        status = Status.FAILED if finished else Status.WARNING
        items.append(ComplianceItem("R1.3", status, message, str(quarter), "meetings"))
    for meeting in facts.meetings:
        if not meeting.has_minutes:
            items.append(
                ComplianceItem(
                    "R1.3",
                    Status.WARNING,
                    _("The meeting of %(date)s has no minutes on file.")
                    % {"date": meeting.held_on.isoformat()},
                    meeting.held_on.isoformat(),
                    "meetings",
                )
            )
    return items or [
        ComplianceItem(
            "R1.3", Status.OK, _("Meetings held and minuted as required."), section="meetings"
        )
    ]


def liaison_gaps(
    liaisons: tuple[LiaisonFact, ...], start: date, end: date
) -> list[tuple[date, date]]:
    """The date ranges within [start, end] when the unit had no liaison (a term's end date is
    its last day served)."""
    gaps: list[tuple[date, date]] = []
    cursor = start  # the first day not yet known to be covered
    for term in sorted(liaisons, key=lambda t: t.started_on):
        if cursor > end:
            return gaps
        if term.started_on > cursor:
            gaps.append((cursor, min(term.started_on - timedelta(days=1), end)))
        if term.ended_on is None:
            return gaps
        cursor = max(cursor, term.ended_on + timedelta(days=1))
    if cursor <= end:
        gaps.append((cursor, end))
    return gaps


# C5 (R2.1, R6.6): by default no day without a liaison is tolerated; the office of a programme
# may set a tolerance in days (scoring.AcceptanceSettings.liaison_grace_days).
LIAISON_TOLERANCE_DAYS = 0


@dataclass(frozen=True)
class LiaisonContinuity:
    """R2.1 and C5: how a unit's liaison terms cover its cycle up to a day."""

    # every span within [start, last day] without a liaison, the current vacancy included
    gaps: tuple[tuple[date, date], ...]
    # the first day of the current vacancy (no term without an end), None while someone serves
    vacant_since: date | None
    # the spans longer than the tolerance: each of them vetoes the unit (R6.6)
    intolerable: tuple[tuple[date, date], ...]
    # the last start date of a successor that keeps the vacancy within the tolerance
    appoint_by: date | None
    tolerance_days: int

    @property
    def tolerated(self) -> tuple[tuple[date, date], ...]:
        return tuple(gap for gap in self.gaps if gap not in self.intolerable)


def liaison_continuity(
    liaisons: tuple[LiaisonFact, ...],
    *,
    start: date,
    cycle_end: date,
    today: date,
    tolerance_days: int = LIAISON_TOLERANCE_DAYS,
) -> LiaisonContinuity:
    """C5: the one check of liaison continuity. A span without a liaison is tolerated when it
    lasts at most `tolerance_days` days (0 by default: none is). A unit whose last term has ended
    is vacant from the day after, until someone is appointed."""
    last_day = min(today, cycle_end)
    gaps = tuple(liaison_gaps(liaisons, start, last_day))
    vacant_since: date | None = None
    if not any(term.ended_on is None for term in liaisons):
        ends = [term.ended_on for term in liaisons if term.ended_on is not None]
        vacant_since = max(start, max(ends) + timedelta(days=1)) if ends else start
    intolerable = tuple(gap for gap in gaps if (gap[1] - gap[0]).days + 1 > tolerance_days)
    appoint_by = vacant_since + timedelta(days=tolerance_days) if vacant_since is not None else None
    return LiaisonContinuity(gaps, vacant_since, intolerable, appoint_by, tolerance_days)


def _liaison_items(facts: LeadershipFacts, today: date) -> list[ComplianceItem]:
    # R2.1: exactly one liaison at all times, as a rule the deputy head of the culture bureau.
    active = [t for t in facts.liaisons if t.ended_on is None]
    continuity = liaison_continuity(
        facts.liaisons, start=facts.start_date, cycle_end=facts.cycle_end, today=today
    )
    gaps = list(continuity.gaps)
    items: list[ComplianceItem] = []
    if continuity.vacant_since is not None:
        since = continuity.vacant_since.isoformat()
        items.append(
            ComplianceItem(
                "R2.1",
                Status.FAILED,
                _("The unit has no liaison since %(since)s.") % {"since": since},
                since,
                "liaison",
            )
        )
        gaps = [gap for gap in gaps if gap[0] != continuity.vacant_since]
    for first, last in gaps:
        items.append(
            ComplianceItem(
                "R2.1",
                Status.WARNING,
                _("No liaison from %(first)s to %(last)s.")
                % {"first": first.isoformat(), "last": last.isoformat()},
                f"{first.isoformat()}–{last.isoformat()}",
                "liaison",
            )
        )
    for term in active:
        if term.position_kind != "deputy_head_culture":
            items.append(
                ComplianceItem(
                    "R2.1",
                    Status.WARNING,
                    _(
                        "The liaison %(name)s is not the deputy head of the culture bureau in charge."
                    )
                    % {"name": term.name},
                    term.name,
                    "liaison",
                )
            )
    return items or [
        ComplianceItem(
            "R2.1",
            Status.OK,
            _("Liaison: %(name)s.") % {"name": active[0].name},
            active[0].name,
            "liaison",
        )
    ]


def leadership_compliance(facts: LeadershipFacts, *, today: date) -> list[ComplianceItem]:
    """R1.1–R1.3 and R2.1 for one unit: a list of (rule, ok | warning | failed, evidence)."""
    return [
        *_group_items(facts),
        *_office_items(facts),
        *_meeting_items(facts, today),
        *_liaison_items(facts, today),
    ]


def worst_status(items: list[ComplianceItem]) -> Status:
    statuses = {item.status for item in items}
    for status in (Status.FAILED, Status.WARNING):
        if status in statuses:
            return status
    return Status.OK


# --- Liaison meetings (R2.2) --------------------------------------------------------------------


@dataclass(frozen=True)
class HostRecord:
    unit_id: int
    name: str
    times_hosted: int
    last_hosted_on: date | None


def suggest_next_host(candidates: list[HostRecord]) -> HostRecord | None:
    """R2.2 default: the unit that has hosted least, then the one that hosted longest ago (never
    before ever), then by name."""
    if not candidates:
        return None
    return min(
        candidates, key=lambda c: (c.times_hosted, c.last_hosted_on or date.min, c.name, c.unit_id)
    )


def liaison_meeting_months(audience: str) -> int:
    """R2.2: zones meet every quarter, projects every half year."""
    return 3 if audience == "zone" else 6


def periods_without_meeting(
    held: set[Period], *, audience: str, start: date, today: date
) -> list[Period]:
    """The finished or current periods since `start` in which no liaison meeting was held."""
    months = liaison_meeting_months(audience)
    return [p for p in periods_between(start, today, months=months) if p not in held]
