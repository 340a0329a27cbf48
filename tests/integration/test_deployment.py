"""The production shape on paper: docker-compose.yml read as Compose reads it, and the build context.

There is no Docker engine here, but ``docker-compose config`` (Debian's docker-compose, which
``.ci/run`` installs) needs none: it applies YAML merges, interpolates the environment and
validates against the Compose specification's JSON schema, exactly as ``docker compose up``
would before starting anything. The build context is computed by docker-py's own
``exclude_paths``, the function that decides what ``docker build`` sends.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
COMPOSE_SCHEMA = Path("/usr/lib/python3/dist-packages/compose/config/compose_spec.json")
ENV = {
    "POSTGRES_PASSWORD": "pg-pass", "SECRET_KEY": "s" * 40, "JWT_SECRET_KEY": "j" * 40,
    "MINIO_ROOT_PASSWORD": "minio-pass", "FRONTEND_URL": "https://tickets.example.com",
    "SMTP_HOST": "smtp.example.com", "STRIPE_SECRET_KEY": "sk_live_x", "PATH": "/usr/bin:/bin",
    "TICKET_SIGNING_KEYS": "k1:" + "t" * 40,
}
APP_SERVICES = ("migrate", "api", "worker", "scheduler")
PRODUCTION_SETTINGS = {
    "APP_ENV": "production",
    "DATABASE_URL": "postgresql+psycopg://cinemaos:pg-pass@postgres:5432/cinemaos",
    "REDIS_URL": "redis://redis:6379/0",
    "SECRET_KEY": "s" * 40, "JWT_SECRET_KEY": "j" * 40,
    "S3_BUCKET": "cinemaos-media", "S3_ENDPOINT_URL": "http://minio:9000",
    "STRIPE_SECRET_KEY": "sk_live_x", "SMTP_HOST": "smtp.example.com",
    "FRONTEND_URL": "https://tickets.example.com", "TICKET_SIGNING_KEYS": "k1:" + "t" * 40,
}


def _compose_bin() -> str:
    found = shutil.which("docker-compose")
    assert found, "docker-compose is missing: `apt-get install docker-compose` (.ci/run does)"
    return found


@pytest.fixture(scope="module")
def compose() -> dict:
    """The configuration Compose would run, after merges and interpolation."""
    result = subprocess.run([_compose_bin(), "-f", str(COMPOSE_FILE), "config"], env=ENV,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_the_file_is_valid_against_the_compose_specification():
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    # Compose treats x-* keys as extensions; the schema allows them at the top level.
    jsonschema.Draft7Validator(schema).validate(yaml.safe_load(COMPOSE_FILE.read_text()))


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_app_service_gets_the_production_settings(compose, service):
    environment = compose["services"][service]["environment"]
    for name, value in PRODUCTION_SETTINGS.items():
        assert environment.get(name) == value, f"{service}: {name}={environment.get(name)!r}"


def test_the_api_keeps_the_shared_settings_beside_its_own(compose):
    environment = compose["services"]["api"]["environment"]
    assert environment["HOST"] == "0.0.0.0" and environment["PORT"] == "8000"
    assert environment["TRUSTED_PROXY_HOPS"] == "1"


def test_commands_run_the_right_entry_points(compose):
    services = compose["services"]
    assert services["migrate"]["command"][:3] == ["flask", "--app", "wsgi"]
    assert services["migrate"]["command"][-2:] == ["db", "upgrade"]
    assert services["api"]["command"][0] == "gunicorn"
    assert services["worker"]["command"] == ["python", "-m", "workers"]
    assert services["scheduler"]["command"][:3] == ["rq", "cron", "workers/periodic.py"]


def test_nothing_uses_the_database_before_the_migration_finished(compose):
    services = compose["services"]
    for name in ("api", "worker", "scheduler"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["depends_on"]["createbucket"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["migrate"]["restart"] == "no"
    assert services["createbucket"]["depends_on"]["minio"]["condition"] == "service_healthy"


def test_every_long_running_service_has_a_healthcheck_and_a_pinned_image(compose):
    for name, service in compose["services"].items():
        image = service["image"]
        assert ":" in image and not image.endswith(":latest"), f"{name}: unpinned image {image}"
        if name not in ("migrate", "createbucket"):
            assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
            assert service.get("restart") in ("always", "unless-stopped"), name


def test_clients_reach_the_api_only_through_the_buffering_proxy(compose):
    services = compose["services"]
    assert "ports" not in services["api"]
    assert [p["target"] for p in services["proxy"]["ports"]] == [8080]
    mount = services["proxy"]["volumes"][0]  # docker-compose 1.x prints the short syntax
    source = mount["source"] if isinstance(mount, dict) else mount.split(":")[0]
    assert Path(source) == ROOT / "deploy" / "nginx.conf"
    target = mount["target"] if isinstance(mount, dict) else mount.split(":")[1]
    # A template the image renders at start, filling in the poster origins and nothing else.
    assert target == "/etc/nginx/templates/default.conf.template"
    assert services["proxy"]["environment"]["NGINX_ENVSUBST_FILTER"] == "^MEDIA_ORIGINS"
    assert "MEDIA_ORIGINS" in services["proxy"]["environment"]
    assert services["proxy"]["depends_on"]["api"]["condition"] == "service_healthy"
    assert "server api:8000" in (ROOT / "deploy" / "nginx.conf").read_text()


def test_the_bucket_is_created_by_its_own_one_shot_service(compose):
    command = " ".join(compose["services"]["createbucket"]["command"])
    assert "mc mb --ignore-existing" in command


def test_the_docker_build_context_leaves_out_local_state_and_secrets(tmp_path):
    from docker.utils.build import exclude_paths

    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    for relative in (".venv/bin/python", "instance/dev-secrets.json", "instance/cinemaos.sqlite3",
                     ".env", "app/__init__.py", "wsgi.py", "requirements.txt", ".env.example",
                     "app/__pycache__/x.pyc", ".git/HEAD"):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    sent = exclude_paths(str(tmp_path), patterns)
    assert {"app/__init__.py", "wsgi.py", "requirements.txt"} <= sent
    leaked = {p for p in sent if p.split("/")[0] in {".venv", "instance", ".git"}
              or p.endswith((".pyc", ".sqlite3")) or p == ".env"}
    assert not leaked


def test_the_image_does_not_run_as_root():
    dockerfile = (ROOT / "Dockerfile").read_text().splitlines()
    users = [line.split()[1] for line in dockerfile if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")


def _settings_read_by(source: str) -> set[str]:
    return set(re.findall(r'_env(?:_int|_bool|_choice)?\(\s*"([A-Z0-9_]+)"', source))


def test_env_example_lists_every_setting_the_app_and_compose_read():
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z0-9_]+)=", example, flags=re.MULTILINE))
    wanted = _settings_read_by((ROOT / "config.py").read_text())
    wanted |= set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE_FILE.read_text()))
    internal = {"INSTANCE_DIR", "RQ_ASYNC", "STRIPE_API_BASE"}  # development and test switches
    assert wanted - internal - listed == set()
