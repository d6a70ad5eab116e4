"""R1.1–R1.3, R2.1 and R2.2 as pure functions: plain facts in, compliance items out."""

from dataclasses import replace
from datetime import date

import pytest

from creation.rules import (
    HostRecord,
    LeadershipFacts,
    LiaisonFact,
    MeetingFact,
    MemberFact,
    Period,
    Status,
    leadership_compliance,
    liaison_continuity,
    liaison_gaps,
    periods_between,
    periods_without_meeting,
    suggest_next_host,
    worst_status,
)

TODAY = date(2026, 11, 26)
REQUIRED = ("发改", "财政", "人事", "编制", "文化")


def member(name, department=None, *, role="member", leader_kind="other", duty=True):
    return MemberFact(name, role, leader_kind, department, duty)


def complete_zone(**changes) -> LeadershipFacts:
    members = (
        member("张书记", None, role="head", leader_kind="party_main"),
        *(member(f"{d}局长", d) for d in REQUIRED),
    )
    facts = LeadershipFacts(
        kind="zone",
        start_date=date(2026, 1, 1),
        cycle_end=date(2027, 12, 31),
        has_group=True,
        members=members,
        required_departments=REQUIRED,
        has_office=True,
        office_in_cultural_administration=True,
        office_has_director=True,
        meetings=tuple(
            MeetingFact("regular", date(2026, month, 15), True) for month in (2, 5, 8, 11)
        ),
        liaisons=(LiaisonFact("陈联络", "deputy_head_culture", date(2026, 1, 1), None),),
    )
    return replace(facts, **changes)


def items_of(facts, rule, today=TODAY):
    return [i for i in leadership_compliance(facts, today=today) if i.rule == rule]


def test_complete_zone_is_ok_on_every_rule():
    items = leadership_compliance(complete_zone(), today=TODAY)
    assert {i.rule for i in items} == {"R1.1", "R1.2", "R1.3", "R2.1"}
    assert worst_status(items) == Status.OK


def test_R1_1_missing_group_fails():
    [item] = items_of(complete_zone(has_group=False, members=()), "R1.1")
    assert item.status == Status.FAILED
    assert item.section == "group"


def test_R1_1_zone_head_must_be_party_or_government_main_leader():
    facts = complete_zone()
    culture_head = (member("李局长", "文化", role="head", leader_kind="culture_admin_main"),)
    items = items_of(replace(facts, members=culture_head + facts.members[1:]), "R1.1")
    assert [i.status for i in items] == [Status.FAILED]
    assert "李局长" in items[0].evidence
    government_head = (member("王区长", None, role="head", leader_kind="government_main"),)
    ok = items_of(replace(facts, members=government_head + facts.members[1:]), "R1.1")
    assert [i.status for i in ok] == [Status.OK]


def test_R1_1_project_head_must_be_main_leader_of_cultural_administration():
    project = complete_zone(kind="project", required_departments=())
    [item] = items_of(project, "R1.1")
    assert item.status == Status.FAILED
    head = (member("李局长", "文化", role="head", leader_kind="culture_admin_main"),)
    [ok] = items_of(replace(project, members=head + project.members[1:]), "R1.1")
    assert ok.status == Status.OK


def test_R1_1_deputy_head_of_the_right_kind_does_not_count_as_head():
    facts = complete_zone()
    deputy = (member("张书记", None, role="deputy_head", leader_kind="party_main"),)
    items = items_of(replace(facts, members=deputy + facts.members[1:]), "R1.1")
    assert items[0].status == Status.FAILED


def test_R1_1_each_absent_required_department_is_an_item():
    facts = complete_zone()
    without = tuple(m for m in facts.members if m.department not in ("财政", "编制"))
    items = items_of(replace(facts, members=without), "R1.1")
    assert sorted(i.evidence for i in items) == ["编制", "财政"]
    assert all(i.status == Status.FAILED for i in items)


def test_R1_1_member_without_duty_is_a_warning_naming_the_member():
    facts = complete_zone()
    idle = member("赵科长", "其他", duty=False)
    [item] = items_of(replace(facts, members=(*facts.members, idle)), "R1.1")
    assert item.status == Status.WARNING
    assert item.evidence == "赵科长"


def test_R1_2_zone_without_office_fails_and_project_needs_none():
    [item] = items_of(complete_zone(has_office=False), "R1.2")
    assert item.status == Status.FAILED
    assert items_of(complete_zone(kind="project", has_office=False), "R1.2") == []


def test_R1_2_office_outside_cultural_administration_is_a_warning():
    items = items_of(complete_zone(office_in_cultural_administration=False), "R1.2")
    assert [i.status for i in items] == [Status.WARNING]


def test_R1_3_a_finished_quarter_without_regular_meeting_fails():
    facts = complete_zone()
    without_q2 = tuple(m for m in facts.meetings if m.held_on.month != 5)
    items = items_of(replace(facts, meetings=without_q2), "R1.3")
    assert [(i.status, i.evidence) for i in items] == [(Status.FAILED, "2026Q2")]


def test_R1_3_major_matter_consultations_do_not_count_as_regular_meetings():
    facts = complete_zone()
    swapped = tuple(
        MeetingFact("major_matter", m.held_on, True) if m.held_on.month == 5 else m
        for m in facts.meetings
    )
    assert [i.evidence for i in items_of(replace(facts, meetings=swapped), "R1.3")] == ["2026Q2"]


def test_R1_3_current_quarter_without_meeting_is_only_a_warning():
    facts = complete_zone()
    without_q4 = tuple(m for m in facts.meetings if m.held_on.month != 11)
    [item] = items_of(replace(facts, meetings=without_q4), "R1.3")
    assert (item.status, item.evidence) == (Status.WARNING, "2026Q4")


def test_R1_3_required_count_comes_from_the_programme_setting():
    items = items_of(complete_zone(regular_meetings_per_quarter=2), "R1.3")
    assert [i.evidence for i in items] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert [i.status for i in items][:3] == [Status.FAILED] * 3


def test_R1_3_meeting_without_minutes_is_a_warning():
    facts = complete_zone()
    meetings = (*facts.meetings, MeetingFact("major_matter", date(2026, 6, 1), False))
    [item] = items_of(replace(facts, meetings=meetings), "R1.3")
    assert (item.status, item.evidence) == (Status.WARNING, "2026-06-01")


def test_R1_3_quarters_after_the_cycle_are_not_counted():
    facts = complete_zone(cycle_end=date(2026, 6, 30))
    only_h1 = tuple(m for m in facts.meetings if m.held_on.month <= 6)
    assert [i.status for i in items_of(replace(facts, meetings=only_h1), "R1.3")] == [Status.OK]


def test_R2_1_no_active_liaison_fails_with_the_date_since():
    ended = (LiaisonFact("陈联络", "deputy_head_culture", date(2026, 1, 1), date(2026, 9, 30)),)
    [item] = items_of(complete_zone(liaisons=ended), "R2.1")
    assert item.status == Status.FAILED
    assert item.evidence == "2026-10-01"


def test_R2_1_gap_between_terms_is_a_warning():
    terms = (
        LiaisonFact("陈联络", "deputy_head_culture", date(2026, 1, 1), date(2026, 3, 31)),
        LiaisonFact("刘联络", "deputy_head_culture", date(2026, 4, 10), None),
    )
    [item] = items_of(complete_zone(liaisons=terms), "R2.1")
    assert (item.status, item.evidence) == (Status.WARNING, "2026-04-01–2026-04-09")


def test_R2_1_liaison_who_is_not_deputy_head_is_a_warning_not_a_failure():
    terms = (LiaisonFact("周科长", "other", date(2026, 1, 1), None),)
    [item] = items_of(complete_zone(liaisons=terms), "R2.1")
    assert item.status == Status.WARNING
    assert item.evidence == "周科长"


def test_R2_1_liaison_gaps_cover_start_and_end():
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    assert liaison_gaps((), start, end) == [(start, end)]
    late = (LiaisonFact("a", "other", date(2026, 2, 1), None),)
    assert liaison_gaps(late, start, end) == [(start, date(2026, 1, 31))]
    back_to_back = (
        LiaisonFact("a", "other", date(2026, 1, 1), date(2026, 5, 31)),
        LiaisonFact("b", "other", date(2026, 6, 1), None),
    )
    assert liaison_gaps(back_to_back, start, end) == []


def test_periods_between_quarters_and_half_years():
    assert [str(p) for p in periods_between(date(2025, 11, 5), date(2026, 4, 1))] == [
        "2025Q4",
        "2026Q1",
        "2026Q2",
    ]
    halves = periods_between(date(2025, 7, 1), date(2026, 7, 1), months=6)
    assert [str(p) for p in halves] == ["2025H2", "2026H1", "2026H2"]
    assert Period(2026, 1, 3).last_day == date(2026, 3, 31)
    assert Period(2026, 2, 6).last_day == date(2026, 12, 31)


def test_R2_2_zone_quarters_and_project_half_years_without_meeting():
    held_zone = {Period(2026, 1), Period(2026, 3)}
    missing = periods_without_meeting(
        held_zone, audience="zone", start=date(2026, 1, 1), today=TODAY
    )
    assert [str(p) for p in missing] == ["2026Q2", "2026Q4"]
    missing_projects = periods_without_meeting(
        {Period(2026, 1, 6)}, audience="project", start=date(2026, 1, 1), today=TODAY
    )
    assert [str(p) for p in missing_projects] == ["2026H2"]


def test_R2_2_next_host_least_hosted_then_longest_ago_then_name():
    candidates = [
        HostRecord(1, "株洲市", 1, date(2026, 3, 1)),
        HostRecord(2, "长沙市", 0, None),
        HostRecord(3, "湘潭市", 1, date(2025, 12, 1)),
    ]
    assert suggest_next_host(candidates).unit_id == 2
    assert suggest_next_host([c for c in candidates if c.unit_id != 2]).unit_id == 3
    assert suggest_next_host([]) is None


def test_R2_2_rotation_over_seven_meetings_with_ties():
    """Four units host in turn; ties on count and date fall to the name (then the id)."""
    names = {1: "b-株洲市", 2: "a-长沙市", 3: "c-湘潭市", 4: "a-长沙市"}
    hosted: dict[int, list[date]] = {unit_id: [] for unit_id in names}
    order = []
    for meeting in range(7):
        day = date(2026 + meeting // 4, 3 * (meeting % 4) + 1, 10)
        records = [
            HostRecord(unit_id, name, len(hosted[unit_id]), max(hosted[unit_id], default=None))
            for unit_id, name in names.items()
        ]
        host = suggest_next_host(records)
        hosted[host.unit_id].append(day)
        order.append(host.unit_id)
    # first round: never hosted, so by name (a-长沙市 twice: the lower id first), then b, c;
    # second round: each has hosted once, so the one that hosted longest ago goes first.
    assert order == [2, 4, 1, 3, 2, 4, 1]
    assert all(len(days) >= 1 for days in hosted.values())


@pytest.mark.parametrize("status", [Status.FAILED, Status.WARNING])
def test_worst_status_prefers_failed_over_warning(status):
    facts = (
        complete_zone(has_office=False)
        if status == Status.FAILED
        else complete_zone(office_has_director=False)
    )
    assert worst_status(leadership_compliance(facts, today=TODAY)) == status


def test_C5_R2_1_continuity_is_one_rule_with_the_tolerance():
    start, today = date(2026, 1, 1), date(2026, 6, 30)
    terms = (
        LiaisonFact("a", "other", date(2026, 1, 1), date(2026, 3, 31)),
        LiaisonFact("b", "other", date(2026, 4, 4), date(2026, 6, 19)),
    )
    strict = liaison_continuity(terms, start=start, cycle_end=date(2027, 12, 31), today=today)
    assert strict.gaps == (
        (date(2026, 4, 1), date(2026, 4, 3)),
        (date(2026, 6, 20), date(2026, 6, 30)),
    )
    assert strict.intolerable == strict.gaps
    assert strict.vacant_since == date(2026, 6, 20)
    assert strict.appoint_by == date(2026, 6, 20)
    lenient = liaison_continuity(
        terms, start=start, cycle_end=date(2027, 12, 31), today=today, tolerance_days=3
    )
    assert lenient.intolerable == ((date(2026, 6, 20), date(2026, 6, 30)),)
    assert lenient.tolerated == ((date(2026, 4, 1), date(2026, 4, 3)),)
    assert lenient.appoint_by == date(2026, 6, 23)
    serving = liaison_continuity(
        (*terms, LiaisonFact("c", "other", date(2026, 6, 20), None)),
        start=start,
        cycle_end=date(2027, 12, 31),
        today=today,
    )
    assert (serving.vacant_since, serving.appoint_by) == (None, None)
