"""Pure domain functions of scoring: plain values in, plain values out; no ORM, no clock."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

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
    """The scoring periods of a unit's cycle: R6.3 half years for zones, R6.4 the whole cycle for
    projects."""
    if kind == "project":
        return [(cycle_start, cycle_end)]
    return [(h.start, h.end) for h in half_years_between(cycle_start, cycle_end)]


def tier_counts_total(rows: Sequence[tuple[int, int]]) -> dict[int, int]:
    """[(tier, count), …] → {tier: count}."""
    out: dict[int, int] = {}
    for tier, count in rows:
        out[tier] = out.get(tier, 0) + count
    return out
