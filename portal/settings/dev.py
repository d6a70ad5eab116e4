"""Development defaults: `make run` on a laptop with nothing installed but Python."""

from portal.settings.base import *  # noqa: F403
from portal.settings.base import INSTALLED_APPS, VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
# Only for local development; production.py refuses to start without a real SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")

# The SQLite database, the embedded broker's data and uploads live here on a fresh clone.
VAR_DIR.mkdir(exist_ok=True)

# seed_demo and seed_scale (devtools/); the test settings inherit them, production.py never has them.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
