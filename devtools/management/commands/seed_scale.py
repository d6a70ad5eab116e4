from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dashboard.services import unit_figures_refresh
from devtools.demo.context import DEMO_PASSWORD
from devtools.scale import ScaleParams, generate, purge, scale_programmes


class Command(BaseCommand):
    help = (
        "Generate a national programme at scale: regions, batches every year or "
        "two, units (80% zones, 20% projects) with leadership groups, meetings, liaisons, their "
        "reporting calendar and submissions, fund plans and spending, adoption claims, scoring "
        "periods with frozen scores, inspections with rectifications and self-inspections. "
        "Rows go in with bulk_create, without the audit log. The same --seed (and --today) "
        "gives the same data. The programme is named 全国规模数据（CODE）, CODE defaulting to "
        "U<units>-Y<years>-S<seed>. With a scale programme already in the database the command "
        "refuses unless --if-absent (exit 0 when this CODE exists), --append (add this CODE "
        "next to the others) or --reset (replace this CODE)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--units", type=int, default=5000, help="creation units (5000)")
        parser.add_argument("--years", type=int, default=10, help="years of history (10)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
        parser.add_argument(
            "--programme-code",
            default="",
            help="code in the programme's name (default U<units>-Y<years>-S<seed>)",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="last day of the generated history, YYYY-MM-DD (default: today)",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--if-absent",
            action="store_true",
            help="do nothing (exit 0) when a programme with this code already exists",
        )
        mode.add_argument(
            "--append",
            action="store_true",
            help="add this programme even though other scale programmes exist",
        )
        mode.add_argument(
            "--reset",
            action="store_true",
            help="delete the programme with this code and its data first, then generate",
        )

    def handle(self, *args, **options) -> None:
        if options["units"] < 1 or options["years"] < 1:
            raise CommandError("--units and --years must be at least 1.")
        params = ScaleParams(
            units=options["units"],
            years=options["years"],
            seed=options["seed"],
            code=options["programme_code"],
            today=options["today"],
        )
        existing = scale_programmes()
        same = existing.filter(name=params.programme_name).first()
        if options["if_absent"] and same is not None:
            self.stdout.write(f"{params.programme_name} is already in the database: nothing to do.")
            return
        if options["reset"] and same is not None:
            self.stdout.write(f"Deleting {params.programme_name} and its data …")
            purge(same)
            same = None
        if same is not None:
            raise CommandError(
                f"{params.programme_name} is already in the database. Use --if-absent to skip, "
                "--reset to replace it, or --programme-code for another one."
            )
        others = list(existing.exclude(name=params.programme_name).values_list("name", flat=True))
        if others and not (options["append"] or options["reset"] or options["if_absent"]):
            raise CommandError(
                "The database already holds scale data ("
                + ", ".join(others)
                + "). Use --append to add another programme, or --reset to replace this one."
            )
        generator = generate(params, log=self.stdout.write)
        stats = generator.stats
        # The stored figures of the units loaded, as an installation holds them (the writes
        # and the beat keep them), so that a measurement does not time their first computation.
        unit_figures_refresh([unit.pk for unit in generator.units])
        if connection.vendor == "postgresql":
            # What autovacuum does some time after a load: the planner's statistics of the rows
            # just loaded (never gathered for tables of fewer than 50 rows but for creation/0011),
            # and the map of all-visible pages, without which every index-only scan (the
            # ranks' counts of peers, the dashboards' sums) reads the table's pages too.
            # VACUUM cannot run in a transaction (a test's): there, the statistics only.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(
            f"{params.programme_name}: {len(generator.units)} units, "
            f"{sum(stats.rows.values())} rows in {stats.seconds:.1f} s"
        ))  # fmt: skip
        for label, count in sorted(stats.rows.items()):
            self.stdout.write(f"  {label:<34} {count:>9}")
        self.stdout.write(f"Logins (password {DEMO_PASSWORD}):")
        for username, role in generator.logins[:4] + generator.logins[-5:]:
            self.stdout.write(f"  {username:<40} {role}")
