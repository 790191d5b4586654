"""Production settings: DEBUG off, secrets and hosts from the environment, HTTPS everywhere.

Required: SECRET_KEY (50+ random characters), ALLOWED_HOSTS, DATABASE_URL, REDIS_URL.
`DJANGO_SETTINGS_MODULE=config.settings.production manage.py check --deploy` reports no issue
(tests/hardening/test_production_settings.py keeps it that way).
"""

import os

os.environ.setdefault("DEBUG", "false")

from .base import *

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")  # no default: refuse to start without one
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS: the proxy in front terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Cookies: HTTPS only; the session cookie is not readable from scripts (the CSRF cookie is,
# for htmx); a session ends after 12 h.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True

# The API speaks JSON only (no browsable HTML API in production).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
WHITENOISE_USE_FINDERS = False

# The OpenAPI schema and Swagger UI are not public in production (docs/hardening.md): they map
# every endpoint, including the ops and warehouse commands, so only a signed-in user or a
# channel token gets them (401 otherwise). API_DOCS_PUBLIC=true opens them.
if not env.bool("API_DOCS_PUBLIC", default=False):
    SPECTACULAR_SETTINGS = {
        **SPECTACULAR_SETTINGS,
        "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    }
