"""The production settings pass Django's deployment checklist with no warning at all."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check_deploy(**env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issue():
    # given production settings with a long random key and a real host name
    # when Django's deployment checks run, failing on any warning
    result = _check_deploy(SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="example.com")
    # then there is nothing to report
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _check_deploy(ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_turns_debug_off_even_if_the_environment_says_otherwise():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "example.com",
            "DEBUG": "true",
        }
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django;django.setup();from django.conf import settings;"
            "print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["False", "True", "True"], result.stderr


def _production_get(paths, **env_overrides):
    """Status codes of anonymous GETs (over HTTPS) under the production settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "testserver",
            "SQLITE_PATH": ":memory:",
            **env_overrides,
        }
    )
    code = (
        "import django;django.setup();from django.test import Client;c=Client();"
        f"print(*[c.get(p, secure=True).status_code for p in {list(paths)!r}])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    return [int(s) for s in result.stdout.split()]


def test_api_schema_and_docs_are_not_public_in_production():
    # docs/hardening.md: signed-in staff and channel tokens only (API_DOCS_PUBLIC opens them)
    assert _production_get(["/api/schema/", "/api/docs/"]) == [401, 401]


def test_api_docs_public_setting_opens_them():
    assert _production_get(["/api/schema/", "/api/docs/"], API_DOCS_PUBLIC="true") == [200, 200]


def test_docker_compose_runs_production_settings_without_a_literal_secret():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name in ("web", "worker", "beat"):
        env = compose["services"][name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production", name
        # the key comes from the environment (.env) and compose refuses to start without it
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?"), env["SECRET_KEY"]
    text = (ROOT / "docker-compose.yml").read_text()
    assert re.findall(r"SECRET_KEY:\s*(\S+)", text) == ["${SECRET_KEY:?set"]
