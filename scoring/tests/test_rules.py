from datetime import date

from scoring.rules import (
    DEFAULT_TIER_POINTS,
    HalfYear,
    UnitScore,
    adoption_points,
    cycle_windows,
    normalise_title,
    outlet_tier,
    publicity_base,
    rank,
    unit_score,
)


def test_R6_1_one_late_update_zeroes_the_base():
    assert publicity_base(all_on_time=False) == 0
    assert publicity_base(all_on_time=True) == 50
    assert publicity_base(all_on_time=True, points=60) == 60


def test_R6_2_tier_points_follow_the_settings():
    assert [adoption_points(t, DEFAULT_TIER_POINTS) for t in (1, 2, 3, 4, 5)] == [
        50,
        40,
        30,
        20,
        10,
    ]
    assert adoption_points(2, {1: 80, 2: 45}) == 45
    assert adoption_points(None, DEFAULT_TIER_POINTS) == 0


def test_R6_2_zone_with_tiers_1_2_2_5_scores_190():
    score = unit_score(
        unit_id=1,
        all_on_time=True,
        tier_counts={1: 1, 2: 2, 5: 1},
        base_points=50,
        tier_points=DEFAULT_TIER_POINTS,
    )
    assert (score.base, score.bonus, score.total) == (50, 140, 190)


def test_R6_2_an_outlet_that_fits_two_tiers_scores_the_higher():
    assert outlet_tier(fixed_tier=None, level="province", unit_level="city") == 3
    assert outlet_tier(fixed_tier=None, level="same", unit_level="city") == 4
    assert outlet_tier(fixed_tier=None, level="city", unit_level="city") == 4
    assert outlet_tier(fixed_tier=None, level="city", unit_level="district") is None
    # a provincial outlet for a province-level project: tier 3 and tier 4 → tier 3
    assert outlet_tier(fixed_tier=None, level="province", unit_level="province") == 3
    assert outlet_tier(fixed_tier=2, level="province", unit_level="city") == 2
    assert outlet_tier(fixed_tier=5, level="city", unit_level="city") == 4


def test_R6_2_titles_normalise_to_recognise_the_same_article():
    assert normalise_title(" 《长沙：打造15分钟文化圈》 ") == normalise_title(
        "长沙打造１５分钟文化圈"
    )
    assert normalise_title("Culture Week") == normalise_title("culture-week")
    assert normalise_title("长沙文化圈") != normalise_title("株洲文化圈")


def test_R6_3_half_years():
    assert HalfYear.containing(date(2026, 6, 30)) == HalfYear(2026, 1)
    assert HalfYear.containing(date(2026, 7, 1)) == HalfYear(2026, 2)
    assert (HalfYear(2026, 2).start, HalfYear(2026, 2).end) == (
        date(2026, 7, 1),
        date(2026, 12, 31),
    )
    assert HalfYear(2026, 2).next() == HalfYear(2027, 1)
    assert HalfYear.parse("2026h2") == HalfYear(2026, 2)
    assert str(HalfYear(2026, 1)) == "2026H1"


def test_R6_4_a_project_has_one_period_over_its_cycle_and_a_zone_four():
    start, end = date(2026, 1, 1), date(2027, 12, 31)
    assert cycle_windows(kind="project", cycle_start=start, cycle_end=end) == [(start, end)]
    zone = cycle_windows(kind="zone", cycle_start=start, cycle_end=end)
    assert [w[0] for w in zone] == [
        date(2026, 1, 1),
        date(2026, 7, 1),
        date(2027, 1, 1),
        date(2027, 7, 1),
    ]


def _s(unit_id, base, bonus, counts=(0, 0, 0, 0, 0), group=(1,)):
    return UnitScore(
        unit_id=unit_id, base=base, bonus=bonus, tier_counts=counts, name=f"u{unit_id}", group=group
    )


def test_R6_3_rank_ties_share_a_rank_and_the_tie_break_is_documented():
    rows = rank(
        [
            _s(1, 50, 40, (0, 1, 0, 0, 0)),  # 90
            _s(2, 0, 90, (1, 1, 0, 0, 0)),  # 90, higher bonus → before 1
            _s(3, 50, 40, (0, 1, 0, 0, 0)),  # tied with 1 entirely
            _s(4, 50, 140, (1, 2, 0, 0, 1)),  # 190
            _s(5, 50, 40, (0, 0, 1, 0, 1)),  # 90, bonus 40 but fewer tier-2 → after 1 and 3
            _s(6, 0, 0, group=(2,)),  # another batch ranks on its own
        ]
    )
    assert [(r.unit_id, r.rank) for r in rows] == [(4, 1), (2, 2), (1, 3), (3, 3), (5, 5), (6, 1)]


def test_R6_2_the_catalogue_names_every_outlet_of_the_rules_once():
    from scoring.catalogue import SEEDED_OUTLETS

    names = [row[0] for row in SEEDED_OUTLETS]
    assert len(names) == len(set(names)) == 17
    tiers = {name: (tier, level) for name, tier, level, _generic in SEEDED_OUTLETS}
    assert tiers["求是"] == (1, "")
    assert tiers["中国文化报"] == (2, "")
    assert tiers["省级媒体"] == (None, "province")
    assert tiers["同级媒体"] == (None, "same")
    assert tiers["人民政府网站"] == (5, "")
