"""Publicity scoring (R6.1–R6.4) in the scope world: per unit one claim waiting for the office
(published in the open half year, with a link and a scan); per programme an open zone period
(2026H2) and a closed one (2026H1) with frozen scores and a published bulletin; the seeded media
catalogue. Claims are visible exactly when their unit is; periods and bulletins when their
programme is; a frozen score when its unit is or once its bulletin is out to the programme."""

from datetime import UTC, date, datetime

from creation.tests.factories import minutes_pdf
from scoring import services
from scoring.models import MediaOutlet, PeriodScore
from scoring.rules import HalfYear
from scoring.tests.factories import AdoptionClaimFactory, outlet

PROGRAMME_UNITS = {"national": {"own", "sibling", "other"}, "provincial": {"provincial"}}


def extend(world) -> None:
    units = world.objects["units"]
    staff = world.users["unit_staff"]
    world.objects["adoption_claims"] = {
        key: AdoptionClaimFactory(
            unit=unit,
            outlet=outlet("人民日报"),
            title=f"{unit.name}创建示范区纪实",
            published_on=date(2026, 8, 1),
            scan=minutes_pdf("采用证明.pdf"),
            scan_name="采用证明.pdf",
            claimed_by=staff if key == "own" else None,
        )
        for key, unit in units.items()
    }
    root = world.users["superuser"]
    periods, bulletins = {}, {}
    for key, programme in (("national", world.national), ("provincial", world.provincial)):
        closed = services.period_ensure(
            programme=programme, kind="zone", half_year=HalfYear(2026, 1)
        )
        closed = services.period_close(
            period=closed, user=root, now=datetime(2026, 7, 20, tzinfo=UTC)
        )
        bulletins[key] = services.bulletin_publish(
            period=closed,
            user=root,
            number=f"通报〔2026〕{len(bulletins) + 1}号",
            published_on=date(2026, 7, 25),
        )
        periods[f"{key}_closed"] = closed
        periods[f"{key}_open"] = services.period_ensure(
            programme=programme, kind="zone", half_year=HalfYear(2026, 2)
        )
    world.objects["scoring_periods"] = periods
    world.objects["bulletins"] = bulletins
    world.objects["period_scores"] = {
        key: PeriodScore.objects.get(unit=unit, period__label="2026H1")
        for key, unit in units.items()
    }
    world.objects["media_outlets"] = {o.name: o for o in MediaOutlet.objects.all()}

    for role in list(world.expected):
        scope = world.expected[role]
        programmes = set(scope["programmes"])
        programme_units = set().union(*(PROGRAMME_UNITS[p] for p in programmes))
        world.expected[role] = {
            **scope,
            "adoption_claims": set(scope["units"]),
            "scoring_periods": {f"{p}_{state}" for p in programmes for state in ("open", "closed")},
            "bulletins": set(programmes),
            # every world bulletin is published: scores go to all units of the programme
            "period_scores": set(scope["units"]) | programme_units,
            "media_outlets": set(world.objects["media_outlets"]),
        }
    everything = set(units)

    def add(role: str, **permissions: set[str]) -> None:
        world.editable[role] = {**world.editable.get(role, {}), **permissions}

    add("unit_staff", claim_withdrawals={"own"}, bulletin_documents={"national"})
    add(
        "office",
        claim_reviews={"own", "sibling", "other"},
        periods={"national_open", "national_closed"},
        bulletin_documents={"national"},
    )
    add("province_culture", bulletin_documents={"national"})
    add("province_finance", bulletin_documents={"national"})
    add(
        "superuser",
        claim_withdrawals=everything,
        claim_reviews=everything,
        periods=set(periods),
        bulletin_documents={"national", "provincial"},
    )
