from django.core.management.base import BaseCommand

from devtools.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo programme, regions, units and one account per role (idempotent)."

    def handle(self, *args, **options) -> None:
        logins = load_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data is in place. Demo logins (password {DEMO_PASSWORD}):")
        )
        for login in logins:
            line = f"  {login.username:<17} {login.role:<20} {login.scope}"
            if login.token:
                line += f"\n  {'':<17} API token: {login.token}"
            self.stdout.write(line)
