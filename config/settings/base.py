"""Settings read from the environment.

DATABASE_URL  unset → embedded SQLite (WAL, IMMEDIATE transactions) in var/db.sqlite3
REDIS_URL     unset → Celery tasks run in-process (eager) and the cache is local memory
SECRET_KEY, DEBUG, ALLOWED_HOSTS as usual.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me" if DEBUG else None)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets served from here, never a CDN
    "django_htmx",
    "common",
    "inventory",
    "warehouse",
    "orders",
    "shipping",
    "channels_sync",
    "notifications",
    "audit",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # outside everything that can answer: errors under /api/ are JSON in every mode
    "common.api.middleware.ApiJsonErrorsMiddleware",
    # NUL characters refused in every input (common/validation.py)
    "common.middleware.EdgeInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "var" / "db.sqlite3")),
            "OPTIONS": {
                # Writers take the write lock at BEGIN, so concurrent writers queue up instead
                # of failing with "database is locked" when a read transaction upgrades.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, celery -------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # fails open while Redis is down (common/cache.py): Redis never stops orders/scans
            "BACKEND": "common.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 300}
CELERY_BEAT_SCHEDULE: dict = {
    # orders: free expired cart reservations (every 30 s)
    "orders-cart-reservations-expire": {
        "task": "orders.tasks.cart_reservations_expire",
        "schedule": 30.0,
    },
    # orders: allocate backorders from stock that arrived or was freed (every 2 minutes)
    "orders-backorders-allocate": {"task": "orders.tasks.backorders_allocate", "schedule": 120.0},
    # orders: drop Idempotency-Key rows older than 25 h (hourly)
    "orders-idempotency-purge": {"task": "orders.tasks.idempotency_keys_purge", "schedule": 3600.0},
    # orders: re-score rule-placed fraud holds so they can resolve themselves (every 15 minutes)
    "orders-fraud-recheck": {"task": "orders.tasks.fraud_holds_recheck", "schedule": 900.0},
    # channels_sync: re-queue drains for due outbox rows (lost kicks, expired leases)
    "channels-outbox-sweep": {
        "task": "channels_sync.tasks.outbox_sweep",
        "schedule": env.float("CHANNELS_SYNC_SWEEP_SECONDS", default=10.0),
    },
    # channels_sync: full reconciliation of every channel against the truth (every 15 minutes)
    "channels-reconcile": {
        "task": "channels_sync.tasks.channels_reconcile",
        "schedule": env.float("CHANNELS_SYNC_RECONCILE_SECONDS", default=900.0),
    },
    # channels_sync: marketplace getOrders poll (about once a minute, the API's rate)
    "channels-marketplaces-poll": {
        "task": "channels_sync.tasks.marketplaces_poll",
        "schedule": env.float("CHANNELS_SYNC_POLL_SECONDS", default=60.0),
    },
    # notifications: re-queue the e-mail drain for due rows (lost kicks, retries, dead workers)
    "notifications-sweep": {
        "task": "notifications.tasks.notifications_sweep",
        "schedule": env.float("NOTIFICATIONS_SWEEP_SECONDS", default=15.0),
    },
    # shipping: poll carriers for tracking of shipments still on their way (every 15 minutes)
    "shipping-tracking-poll": {
        "task": "shipping.tasks.tracking_poll",
        "schedule": env.float("SHIPPING_TRACKING_POLL_SECONDS", default=900.0),
    },
    # warehouse: open the cycle counts the ABC schedule says are due (hourly)
    "wms-cycle-counts-schedule": {
        "task": "warehouse.tasks.cycle_counts_schedule_all",
        "schedule": 3600.0,
    },
    # warehouse: replenish pick faces that fell below their minimum (every 5 minutes)
    "wms-replenishment-run": {"task": "warehouse.tasks.replenishment_run_all", "schedule": 300.0},
    # inventory: lots past their expiry date leave available-to-sell (hourly, so within an hour
    # of midnight; wave release and picks refuse them by date even before it runs)
    "wms-lots-expire": {
        "task": "warehouse.tasks.lots_expire_all",
        "schedule": env.float("INVENTORY_LOT_EXPIRY_SECONDS", default=3600.0),
    },
}

# --- e-mail to buyers (notifications/, docs/orders.md "Customer notifications") -------------
# Development writes one file per message to var/mail/ (idempotent by Message-ID); production
# speaks SMTP through notifications.mail.SMTPBackend (Django's, with the commit fence).
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="notifications.mail.FileBackend" if DEBUG else "notifications.mail.SMTPBackend",
)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=20.0)  # below NOTIFICATIONS_LEASE_SECONDS
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Orders <orders@fulfillment.local>")
NOTIFICATIONS_MESSAGE_ID_DOMAIN = env.str(
    "NOTIFICATIONS_MESSAGE_ID_DOMAIN", default="fulfillment.local"
)
# Buyer-facing tracking links per carrier code ("*" = any carrier), {tracking_number} filled in.
NOTIFICATIONS_TRACKING_URLS = env.json(
    "NOTIFICATIONS_TRACKING_URLS",
    default={"MOCK": "http://127.0.0.1:8765/v2/trackers/{tracking_number}"} if DEBUG else {},
)
NOTIFICATIONS_LEASE_SECONDS = env.float("NOTIFICATIONS_LEASE_SECONDS", default=60.0)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)

# --- auth --------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# audit/auth.py: the failed sign-in limit below covers every login form (page, admin, ...)
AUTHENTICATION_BACKENDS = ["audit.auth.ThrottledModelBackend"]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- REST framework ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "channels_sync.auth.ChannelTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["common.api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "common.api.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "common.api.schema.ProjectAutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler.exception_handler",
    # audit/throttling.py: per IP (anonymous), per user (staff), per channel (token clients)
    "DEFAULT_THROTTLE_CLASSES": [
        "audit.throttling.ApiAnonThrottle",
        "audit.throttling.ApiUserThrottle",
        "audit.throttling.ApiChannelThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="1200/min"),
        "channel": env.str("API_THROTTLE_CHANNEL", default="60000/min"),
    },
}
# Sign-in form: this many failed attempts per (IP, username) within the window → 429.
LOGIN_THROTTLE_FAILURES = env.int("LOGIN_THROTTLE_FAILURES", default=5)
LOGIN_THROTTLE_WINDOW = env.int("LOGIN_THROTTLE_WINDOW", default=900)
# API: this many invalid tokens per client address within the window → 429 (channels_sync/auth.py)
API_TOKEN_THROTTLE_FAILURES = env.int("API_TOKEN_THROTTLE_FAILURES", default=20)
API_TOKEN_THROTTLE_WINDOW = env.int("API_TOKEN_THROTTLE_WINDOW", default=300)
SPECTACULAR_SETTINGS = {
    "TITLE": "Fulfillment OMS/WMS API",
    "DESCRIPTION": "Order capture, available-to-sell, fulfillment and warehouse execution.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files (pinned), not a CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # orders: name the OMS enums explicitly (several apps have a "status"/"kind" field)
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.states.OrderStatus",
        "FulfillmentRequestStatusEnum": "orders.states.FulfillmentRequestStatus",
        "ReturnStatusEnum": "orders.states.ReturnStatus",
        "CartReservationStatusEnum": "orders.choices.CartReservationStatus",
        "HoldKindEnum": "orders.choices.HoldKind",
        "OrderLineKindEnum": "orders.choices.LineKind",
        "OrderEventKindEnum": "orders.choices.EventKind",
        "TaskStatusEnum": "warehouse.states.TaskStatus",
        "ShipmentStatusEnum": "shipping.states.ShipmentStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "common.log.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default config gives "django" its own console handler as well: every record
        # was printed twice. One handler (the root's), and 4xx records without a traceback.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["client_errors"]},
        "django.db.backends": {"level": "INFO"},
    },
}
