"""Deployment files agree with the code: docker-compose.yml, Dockerfile, .env.example.

Docker is not needed: the compose file is parsed with PyYAML (compose's ``${...}``
interpolation is re-implemented below), the Dockerfile is read as text, and the
variable names are compared with the ``env.<type>("NAME")`` calls in config/settings.py.
No database is used.
"""

import importlib
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import environ
import pytest
import redis
import yaml

from ..support import ROOT

COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
SETTINGS_FILE = ROOT / "config" / "settings.py"

APP_SERVICES = ("web", "worker", "beat")
ALL_SERVICES = (*APP_SERVICES, "db", "redis")
# Variables that config/settings.py does not read but the deployment itself uses.
COMPOSE_ONLY_VARS = {
    "POSTGRES_PASSWORD": "password of the compose `db` service (part of DATABASE_URL)",
    "WEB_CONCURRENCY": "gunicorn worker count, read by gunicorn itself",
}
# Only these non-settings variables may be handed to an app service, and only to these.
NON_SETTINGS_APP_VARS = {"WEB_CONCURRENCY": {"web"}}
# What production (DJANGO_DEBUG=False) needs: without these the app fails to start,
# talks to SQLite, runs tasks eagerly in the web process or never sends email.
PRODUCTION_REQUIRED = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "SITE_URL")
PRODUCTION_REQUIRED_WEB_WORKER = (*PRODUCTION_REQUIRED, "EMAIL_URL")
# Secrets that must make `docker compose` stop when missing instead of using a default.
REQUIRED_SECRETS = ("SECRET_KEY", "POSTGRES_PASSWORD")
# Minimal environment for interpolating the compose file: the required secrets only.
MINIMAL_COMPOSE_ENV = {
    "SECRET_KEY": "compose-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "POSTGRES_PASSWORD": "compose-test-password",
}

# env("NAME"), env.str("NAME", ...), env.db_url("NAME"), a local helper such as
# _env_flag("NAME", ...), and plain os.environ.get / os.getenv / os.environ["NAME"] reads.
_ENV_CALL = re.compile(
    r"""\b(?P<func>\w*env\w*)(?:\.(?P<type>\w+))?\(\s*["'](?P<name>[A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["'](?P<item>[A-Z][A-Z0-9_]*)["']\s*\]"""
)
# Compose interpolation: $$, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error},
# ${NAME?error}, ${NAME:+alt}, ${NAME+alt} and $NAME.
_INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)
_ENV_EXAMPLE_LINE = re.compile(r"^(?P<comment>#\s*)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


class MissingRequiredVariable(Exception):
    pass


# --- helpers -------------------------------------------------------------------------


@cache
def settings_env_vars() -> dict[str, str]:
    """Names config/settings.py reads from the environment, mapped to the env type."""
    found: dict[str, str] = {}
    for match in _ENV_CALL.finditer(SETTINGS_FILE.read_text(encoding="utf-8")):
        if match["item"]:
            found[match["item"]] = "str"
        elif match["type"] and match["type"] not in ("get", "getenv", "setdefault"):
            found[match["name"]] = match["type"]  # env.bool, env.db_url, ...
        elif any(word in match["func"].lower() for word in ("flag", "bool")):
            found[match["name"]] = "bool"  # a strict-boolean helper like _env_flag
        else:
            found[match["name"]] = "str"  # env("NAME"), os.getenv, os.environ.get
    return found


@cache
def compose() -> dict:
    with COMPOSE_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def service(name: str) -> dict:
    services = compose()["services"]
    assert name in services, f"docker-compose.yml has no `{name}` service"
    return services[name]


def raw_environment(name: str) -> dict[str, str]:
    """The service's environment mapping, uninterpolated (list form normalised)."""
    env = service(name).get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Substitute ${...} the way docker compose does."""

    def replace(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["bare"]
        op, arg = match["op"], match["arg"] or ""
        current = variables.get(name)
        unset_or_empty = current is None or (current == "" and op and op.startswith(":"))
        if op in (":-", "-"):
            return arg if unset_or_empty else current
        if op in (":?", "?"):
            if unset_or_empty:
                raise MissingRequiredVariable(f"{name}: {arg}")
            return current
        if op in (":+", "+"):
            return "" if unset_or_empty else arg
        return current or ""

    return _INTERPOLATION.sub(replace, value)


def app_environment(name: str, variables: dict[str, str] | None = None) -> dict[str, str]:
    """The service's environment as the container would see it."""
    variables = MINIMAL_COMPOSE_ENV if variables is None else variables
    return {
        key: interpolate(str(value), variables)
        for key, value in raw_environment(name).items()
        if value is not None
    }


def command_list(name: str) -> list[str]:
    command = service(name).get("command")
    assert command, f"service `{name}` has no command"
    return command.split() if isinstance(command, str) else [str(part) for part in command]


@cache
def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with line continuations and comments resolved."""
    instructions, current = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        current += " " + stripped[:-1] if stripped.endswith("\\") else " " + stripped
        if not stripped.endswith("\\"):
            keyword, _, rest = current.strip().partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
            current = ""
    return instructions


def dockerfile(keyword: str) -> list[str]:
    return [rest for key, rest in dockerfile_instructions() if key == keyword]


def dockerfile_cmd() -> list[str]:
    commands = dockerfile("CMD")
    assert commands, "Dockerfile has no CMD"
    cmd = commands[-1]
    return json.loads(cmd) if cmd.startswith("[") else cmd.split()


def gunicorn_target(command: list[str]) -> str:
    assert command and Path(command[0]).name == "gunicorn", f"not a gunicorn command: {command}"
    targets = [part for part in command[1:] if not part.startswith("-") and ":" in part]
    bind = {command[i + 1] for i, part in enumerate(command[:-1]) if part in ("-b", "--bind")}
    targets = [part for part in targets if part not in bind]
    assert len(targets) == 1, f"cannot find one WSGI target in gunicorn command {command}"
    return targets[0]


def gunicorn_bind(command: list[str]) -> str | None:
    for i, part in enumerate(command):
        if part in ("-b", "--bind") and i + 1 < len(command):
            return command[i + 1]
        if part.startswith("--bind="):
            return part.split("=", 1)[1]
    return None


@cache
def env_example() -> tuple[dict[str, str], set[str]]:
    """(active NAME=value assignments, every NAME mentioned including "# NAME=...")."""
    active, mentioned = {}, set()
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = _ENV_EXAMPLE_LINE.match(line.strip())
        if not match:
            continue
        mentioned.add(match["name"])
        if not match["comment"]:
            value = match["value"].strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            active[match["name"]] = value
    return active, mentioned


def compose_strings(node):
    """Every string in the parsed compose file (comments are not interpolated)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from compose_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from compose_strings(item)
    elif isinstance(node, str):
        yield node


def compose_interpolations() -> list[re.Match]:
    return [
        match
        for text in compose_strings(compose())
        for match in _INTERPOLATION.finditer(text)
        if not match["escaped"]
    ]


def compose_interpolated_names() -> set[str]:
    return {match["braced"] or match["bare"] for match in compose_interpolations()}


def named_volume(entry) -> str | None:
    """The named volume of a service `volumes:` entry, None for bind mounts."""
    if isinstance(entry, dict):
        return entry.get("source") if entry.get("type", "volume") == "volume" else None
    source = str(entry).split(":", 1)[0] if ":" in str(entry) else None
    if not source or source.startswith((".", "/", "~", "$")):
        return None
    return source


# --- settings scan -------------------------------------------------------------------


def test_settings_scan_finds_the_variables_the_app_reads():
    names = set(settings_env_vars())
    expected = {*PRODUCTION_REQUIRED_WEB_WORKER, "DJANGO_DEBUG", "MEDIA_ROOT", "TIME_ZONE"}
    assert expected <= names, (
        f"the env-call regex no longer finds {sorted(expected - names)} in config/settings.py; "
        "update _ENV_CALL in tests/config/test_compose.py"
    )


# --- docker-compose.yml: services, image, commands ---------------------------------------


def test_compose_file_loads_and_declares_every_service():
    data = compose()
    assert isinstance(data, dict) and "services" in data, "docker-compose.yml has no services"
    missing = [name for name in ALL_SERVICES if name not in data["services"]]
    assert not missing, f"docker-compose.yml lacks services {missing}"


def test_web_worker_and_beat_share_one_image_built_from_the_dockerfile():
    builds = {name: service(name).get("build") for name in APP_SERVICES}
    images = {name: service(name).get("image") for name in APP_SERVICES}
    assert all(builds.values()), f"every app service must build the image: {builds}"
    assert len({json.dumps(b, sort_keys=True) for b in builds.values()}) == 1, (
        f"web/worker/beat build different images: {builds}"
    )
    assert len(set(images.values())) == 1, f"web/worker/beat name different images: {images}"
    build = builds["web"]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile_name = (
        "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    )
    assert (ROOT / context / dockerfile_name).resolve() == DOCKERFILE.resolve(), (
        f"the app image is built from {context}/{dockerfile_name}, not ./Dockerfile"
    )


def test_celery_services_run_the_config_celery_app():
    worker, beat = command_list("worker"), command_list("beat")
    assert worker[:4] == ["celery", "-A", "config", "worker"], (
        f"worker command should start with `celery -A config worker`, got {worker}"
    )
    assert beat[:4] == ["celery", "-A", "config", "beat"], (
        f"beat command should start with `celery -A config beat`, got {beat}"
    )
    # `celery -A config` finds the app as the `celery_app` attribute of the package.
    from celery import Celery

    package = importlib.import_module("config")
    module = importlib.import_module("config.celery_app")
    assert isinstance(getattr(package, "celery_app", None), Celery), (
        "`celery -A config` needs config/__init__.py to expose `celery_app`"
    )
    assert package.celery_app is module.app, "config.celery_app differs from config.celery_app.app"


def test_beat_schedule_file_is_writable_for_the_non_root_user():
    beat = command_list("beat")
    schedule = None
    for i, part in enumerate(beat):
        if part in ("-s", "--schedule") and i + 1 < len(beat):
            schedule = beat[i + 1]
        elif part.startswith("--schedule="):
            schedule = part.split("=", 1)[1]
    assert schedule, (
        "beat must be given --schedule: the default file lands in /app, which is "
        "read-only for the image's non-root user"
    )
    mounts = [
        str(entry).split(":")[1] if isinstance(entry, str) else entry.get("target")
        for entry in service("beat").get("volumes", [])
    ]
    assert schedule.startswith("/tmp/") or any(  # noqa: S108 - the container's own /tmp
        m and schedule.startswith(m.rstrip("/") + "/") for m in mounts
    ), f"beat schedule {schedule} is neither under /tmp nor on a mounted volume {mounts}"


def test_web_command_serves_the_importable_wsgi_application():
    command = command_list("web")
    target = gunicorn_target(command)
    assert target == "config.wsgi:application", f"web serves {target}, not config.wsgi:application"
    module_path, attribute = target.split(":")
    module = importlib.import_module(module_path)
    assert callable(getattr(module, attribute, None)), f"{target} is not a callable WSGI app"
    assert gunicorn_bind(command) == "0.0.0.0:8000", (
        f"web gunicorn binds {gunicorn_bind(command)}, expected 0.0.0.0:8000"
    )
    ports = [str(port) for port in service("web").get("ports", [])]
    assert any(port.split(":")[-1].split("/")[0] == "8000" for port in ports), (
        f"web does not publish container port 8000: {ports}"
    )


# --- docker-compose.yml: environment -------------------------------------------------------


def test_app_environment_names_are_read_by_settings():
    read = set(settings_env_vars())
    for name in APP_SERVICES:
        for var in raw_environment(name):
            if var in NON_SETTINGS_APP_VARS:
                assert name in NON_SETTINGS_APP_VARS[var], (
                    f"{var} is given to `{name}` but is only meant for {NON_SETTINGS_APP_VARS[var]}"
                )
                continue
            assert var in read, (
                f"service `{name}` sets {var}, which config/settings.py never reads (typo?)"
            )


def test_app_environment_values_are_strings():
    for name in (*APP_SERVICES, "db"):
        for var, value in raw_environment(name).items():
            assert isinstance(value, str | int), (
                f"service `{name}` {var} is YAML {type(value).__name__} {value!r}; quote it "
                "(compose rejects booleans and passes null through from the host)"
            )


def test_production_variables_are_set_for_the_app_services():
    for name in APP_SERVICES:
        required = PRODUCTION_REQUIRED if name == "beat" else PRODUCTION_REQUIRED_WEB_WORKER
        env = app_environment(name)
        missing = [var for var in required if not env.get(var)]
        assert not missing, f"service `{name}` lacks production settings {missing}"


def test_debug_is_off_for_the_app_services():
    for name in APP_SERVICES:
        value = app_environment(name).get("DJANGO_DEBUG")
        assert value is not None, f"service `{name}` does not set DJANGO_DEBUG"
        assert environ.Env.parse_value(value, bool) is False, (
            f"service `{name}` has DJANGO_DEBUG={value!r}; production must run with False"
        )


def test_required_secrets_stop_compose_when_missing():
    for var in REQUIRED_SECRETS:
        uses = [m for m in compose_interpolations() if (m["braced"] or m["bare"]) == var]
        assert uses, f"docker-compose.yml never uses ${{{var}}}"
        loose = [m.group(0) for m in uses if m["op"] != ":?"]
        assert not loose, f"{var} must be ${{{var}:?message}} everywhere, found {loose}"
    for var in REQUIRED_SECRETS:
        partial = {k: v for k, v in MINIMAL_COMPOSE_ENV.items() if k != var}
        with pytest.raises(MissingRequiredVariable):
            for name in (*APP_SERVICES, "db"):
                app_environment(name, partial)


def test_typed_settings_never_get_an_empty_value():
    # A bare `${VAR}` becomes "" when VAR is unset: env.int fails on it and env.bool
    # (an empty string is a fine "unset" for the optional S3 names and the like);
    # reads it as False, so every typed value needs a default in the compose file.
    types = settings_env_vars()
    for name in APP_SERVICES:
        for var, value in app_environment(name).items():
            if value == "" and types.get(var) not in ("list", "tuple", "str"):
                pytest.fail(f"service `{name}` passes an empty {var} ({types.get(var)})")
            if types.get(var) == "bool":
                assert value in {"True", "False", "true", "false", "1", "0"}, (
                    f"service `{name}` {var}={value!r} is not a clear boolean"
                )
            if types.get(var) == "int":
                assert value.isdigit(), f"service `{name}` {var}={value!r} is not an integer"


def test_database_url_is_postgresql_on_the_db_service():
    db_env = app_environment("db")
    for name in APP_SERVICES:
        url = app_environment(name)["DATABASE_URL"]
        config = environ.Env.db_url_config(url)
        assert config["ENGINE"] == "django.db.backends.postgresql", (
            f"service `{name}` DATABASE_URL gives engine {config['ENGINE']}"
        )
        assert config["HOST"] == "db", f"service `{name}` DATABASE_URL host is {config['HOST']}"
        assert int(config["PORT"]) == 5432, f"service `{name}` DATABASE_URL port {config['PORT']}"
        assert config["NAME"] == db_env.get("POSTGRES_DB"), (
            f"DATABASE_URL database {config['NAME']} != db POSTGRES_DB {db_env.get('POSTGRES_DB')}"
        )
        assert config["USER"] == db_env.get("POSTGRES_USER"), (
            f"DATABASE_URL user {config['USER']} != db POSTGRES_USER {db_env.get('POSTGRES_USER')}"
        )
        assert config["PASSWORD"] == db_env.get("POSTGRES_PASSWORD"), (
            "DATABASE_URL password differs from the db service's POSTGRES_PASSWORD"
        )


def test_redis_url_points_at_the_redis_service():
    for name in APP_SERVICES:
        url = app_environment(name)["REDIS_URL"]
        client = redis.Redis.from_url(url)  # builds a pool; does not connect
        try:
            kwargs = client.connection_pool.connection_kwargs
        finally:
            client.close()
        assert kwargs.get("host") == "redis", (
            f"service `{name}` REDIS_URL {url} does not point at the `redis` service"
        )
        assert kwargs.get("port") == 6379, f"service `{name}` REDIS_URL {url} is not port 6379"
        assert "redis" in compose()["services"], "REDIS_URL names a service that does not exist"


def test_settings_load_with_the_compose_environment():
    """Import config.settings in a clean process with the worker's environment."""
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.update(app_environment("worker"))
    script = (
        "import json\n"
        "from django.conf import settings as s\n"
        "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'],"
        " 'db_host': s.DATABASES['default']['HOST'], 'cache': s.CACHES['default']['BACKEND'],"
        " 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL,"
        " 'media': str(s.MEDIA_ROOT), 'session_secure': s.SESSION_COOKIE_SECURE,"
        " 'csrf_secure': s.CSRF_COOKIE_SECURE, 'hsts': s.SECURE_HSTS_SECONDS,"
        " 'email': s.EMAIL_BACKEND, 'hosts': s.ALLOWED_HOSTS}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"settings refuse the compose environment: {result.stderr}"
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["debug"] is False, "DEBUG is on with the compose environment"
    assert loaded["engine"] == "django.db.backends.postgresql", loaded
    assert loaded["db_host"] == "db", loaded
    assert loaded["cache"] == "config.cache.ResilientRedisCache", (
        f"REDIS_URL from compose does not switch the cache to Redis: {loaded['cache']}"
    )
    assert loaded["eager"] is False, "Celery tasks would run eagerly in the web process"
    assert loaded["broker"] == env["REDIS_URL"], loaded
    assert loaded["media"] == env["MEDIA_ROOT"], loaded
    assert loaded["session_secure"] and loaded["csrf_secure"], "cookies not HTTPS-only"
    assert loaded["hsts"] > 0, "HSTS is off with the compose environment"
    assert loaded["hosts"], "ALLOWED_HOSTS is empty: every request would get 400"


# --- docker-compose.yml: dependencies, health, volumes ----------------------------------


def test_app_services_wait_for_healthy_db_and_redis_and_migrations():
    for name in APP_SERVICES:
        depends = service(name).get("depends_on") or {}
        assert isinstance(depends, dict), f"`{name}` depends_on must use the long form"
        needed = ("redis",) if name == "beat" else ("db", "redis")
        for dependency in ("db", "redis"):
            if dependency not in depends:
                assert dependency not in needed, f"`{name}` does not depend on `{dependency}`"
                continue
            condition = depends[dependency].get("condition")
            assert condition == "service_healthy", (
                f"`{name}` waits for `{dependency}` with {condition!r}, not service_healthy"
            )
    if "migrate" in compose()["services"]:
        migrate = command_list("migrate")
        assert "migrate" in migrate and "manage.py" in " ".join(migrate), (
            f"`migrate` service does not run manage.py migrate: {migrate}"
        )
        assert service("migrate").get("restart", "no") == "no", "a one-shot step must not restart"
        assert (service("migrate").get("depends_on") or {}).get("db", {}).get(
            "condition"
        ) == "service_healthy", "`migrate` must wait for a healthy `db`"
        for name in ("web", "worker"):
            condition = (service(name).get("depends_on") or {}).get("migrate", {}).get("condition")
            assert condition == "service_completed_successfully", (
                f"`{name}` must wait for `migrate` to complete successfully, has {condition!r}"
            )
    else:
        assert "migrate" in " ".join(command_list("web")), "nothing runs the migrations"


def test_db_and_redis_have_healthchecks():
    db_test = " ".join(map(str, service("db").get("healthcheck", {}).get("test", [])))
    redis_test = " ".join(map(str, service("redis").get("healthcheck", {}).get("test", [])))
    assert "pg_isready" in db_test, f"db healthcheck does not use pg_isready: {db_test!r}"
    db_env = app_environment("db")
    assert db_env.get("POSTGRES_USER", "postgres") in db_test, (
        "db healthcheck does not check the POSTGRES_USER the app uses"
    )
    assert "redis-cli" in redis_test and "ping" in redis_test, (
        f"redis healthcheck is not `redis-cli ping`: {redis_test!r}"
    )
    assert str(service("db")["image"]).startswith("postgres:16"), "db should be postgres:16"
    assert str(service("redis")["image"]).startswith("redis:7"), "redis should be redis:7"


def test_web_healthcheck_probes_healthz():
    check = service("web").get("healthcheck") or {}
    text = " ".join(map(str, check.get("test", [])))
    assert "/healthz" in text and "8000" in text, f"web healthcheck misses /healthz: {text!r}"
    assert "curl" not in text and "wget" not in text, "the slim image has neither curl nor wget"
    assert "ALLOWED_HOSTS" in text, (
        "web healthcheck must send a Host from ALLOWED_HOSTS or Django answers 400"
    )
    from config import urls

    routes = {str(pattern.pattern) for pattern in urls.urlpatterns}
    assert "healthz" in routes, "config/urls.py no longer routes /healthz"


def test_named_volumes_are_declared():
    declared = set((compose().get("volumes") or {}).keys())
    for name, spec in compose()["services"].items():
        for entry in spec.get("volumes", []):
            volume = named_volume(entry)
            if volume:
                assert volume in declared, (
                    f"service `{name}` mounts volume `{volume}`, "
                    "which is not declared under top-level volumes"
                )
    for name in ("db", "redis"):
        assert any(named_volume(v) for v in service(name).get("volumes", [])), (
            f"`{name}` keeps its data in the container: mount a named volume"
        )


def test_media_volume_is_shared_by_web_and_worker_at_media_root():
    media_root = app_environment("web").get("MEDIA_ROOT")
    assert media_root, "web does not set MEDIA_ROOT"
    mounts = {}
    for name in ("web", "worker"):
        assert app_environment(name).get("MEDIA_ROOT") == media_root, (
            f"`{name}` MEDIA_ROOT differs from web's {media_root}"
        )
        mounts[name] = {
            named_volume(entry)
            for entry in service(name).get("volumes", [])
            if isinstance(entry, str) and entry.split(":")[1].rstrip("/") == media_root
        } - {None}
        assert mounts[name], f"`{name}` mounts no named volume at MEDIA_ROOT {media_root}"
    assert mounts["web"] == mounts["worker"], f"web and worker mount different media: {mounts}"
    assert any(media_root in run and "chown" in run for run in dockerfile("RUN")), (
        f"the Dockerfile does not create {media_root} owned by the app user"
    )


# --- Dockerfile ------------------------------------------------------------------------------


def test_dockerfile_uses_python_311_slim():
    base = dockerfile("FROM")
    assert base, "Dockerfile has no FROM"
    image = base[-1].split()[0]
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim(-\w+)?", image), (
        f"Dockerfile base {image} is not python:3.11-slim (pyproject requires Python 3.11)"
    )
    requires = re.search(
        r'requires-python\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    )
    assert requires and "3.11" in requires.group(1), "pyproject.toml no longer targets 3.11"


def test_dockerfile_installs_the_pinned_requirements():
    runs = " ".join(dockerfile("RUN"))
    assert "-r requirements.txt" in runs, "Dockerfile does not pip install -r requirements.txt"
    lines = [
        line.split("#")[0].strip()
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    ]
    packages = [line for line in lines if line]
    unpinned = [line for line in packages if "==" not in line]
    assert not unpinned, f"requirements.txt has unpinned lines {unpinned}"
    names = {re.split(r"[\[=]", line)[0].lower() for line in packages}
    for needed in ("gunicorn", "celery", "psycopg", "redis", "whitenoise", "django-environ"):
        assert needed in names, f"compose/Dockerfile need {needed}, missing from requirements.txt"


def test_dockerfile_runs_as_a_non_root_user():
    users = dockerfile("USER")
    assert users, "Dockerfile never sets USER: the containers would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"Dockerfile's final USER is {user}"


def test_dockerfile_collects_static_with_a_build_only_secret():
    collect = [run for run in dockerfile("RUN") if "collectstatic" in run]
    assert collect, "Dockerfile does not run collectstatic"
    assert "--noinput" in collect[0], "collectstatic must run with --noinput"
    assert "SECRET_KEY=" in collect[0], "collectstatic needs a build-only SECRET_KEY on its RUN"
    assert "DJANGO_DEBUG=False" in collect[0], (
        "collectstatic must run with DJANGO_DEBUG=False to build the whitenoise manifest"
    )
    for keyword in ("ENV", "ARG"):
        for line in dockerfile(keyword):
            assert "SECRET_KEY" not in line, f"SECRET_KEY is baked into the image via {keyword}"
    assert "STATIC_ROOT" not in raw_environment("web"), (
        "compose must not move STATIC_ROOT: static files are collected at build time"
    )


def test_dockerfile_serves_what_compose_serves():
    cmd = dockerfile_cmd()
    assert gunicorn_target(cmd) == gunicorn_target(command_list("web")), (
        f"Dockerfile CMD serves {gunicorn_target(cmd)}, compose web serves "
        f"{gunicorn_target(command_list('web'))}"
    )
    web_bind = gunicorn_bind(command_list("web"))
    assert gunicorn_bind(cmd) == web_bind, (
        f"Dockerfile binds {gunicorn_bind(cmd)}, compose web binds {web_bind}"
    )
    assert any("8000" in line.split() for line in dockerfile("EXPOSE")), (
        "Dockerfile must EXPOSE 8000"
    )
    workers = [line for line in dockerfile("ENV") if "WEB_CONCURRENCY" in line]
    assert workers or "--workers" in cmd or "-w" in cmd, (
        "gunicorn worker count is not configurable (set ENV WEB_CONCURRENCY)"
    )


def test_dockerfile_healthcheck_uses_python_against_healthz():
    checks = dockerfile("HEALTHCHECK")
    assert checks, "Dockerfile has no HEALTHCHECK"
    check = checks[-1]
    assert "python" in check and "urllib" in check, "HEALTHCHECK must use python's urllib"
    assert "http://127.0.0.1:8000/healthz" in check, "HEALTHCHECK must probe /healthz on 8000"
    assert "curl" not in check, "the slim image has no curl"


def test_dockerignore_keeps_local_state_out_of_the_image():
    entries = {
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for needed in (".venv", "var", ".git", ".env"):
        assert needed in entries, f".dockerignore does not exclude {needed}"
    assert any("__pycache__" in entry for entry in entries), ".dockerignore keeps __pycache__"


# --- .env.example ----------------------------------------------------------------------------


def test_env_example_names_are_read_by_the_app():
    _, mentioned = env_example()
    read = set(settings_env_vars())
    unknown = sorted(mentioned - read - set(COMPOSE_ONLY_VARS))
    assert not unknown, f".env.example documents {unknown}, which neither settings nor compose read"


def test_env_example_documents_every_setting_and_compose_variable():
    _, mentioned = env_example()
    missing_settings = sorted(set(settings_env_vars()) - mentioned)
    assert not missing_settings, f".env.example does not document {missing_settings}"
    missing_compose = sorted(compose_interpolated_names() - mentioned)
    assert not missing_compose, (
        f"docker-compose.yml uses {missing_compose}, absent from .env.example"
    )


def test_env_example_gives_each_variable_a_comment():
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        match = _ENV_EXAMPLE_LINE.match(line.strip())
        if not match:
            continue
        previous = lines[i - 1].strip() if i else ""
        assert previous.startswith("#"), f".env.example: {match['name']} has no comment above it"


def test_env_example_values_parse_like_settings_would():
    active, _ = env_example()
    types = settings_env_vars()
    for var, value in active.items():
        if var in REQUIRED_SECRETS:
            assert value == "", f".env.example must leave the secret {var} empty, not {value!r}"
            continue
        kind = types.get(var)
        if kind == "bool":
            assert value in {"True", "False"}, f".env.example {var}={value!r} is not True/False"
        elif kind == "int":
            assert value.isdigit(), f".env.example {var}={value!r} is not an integer"
        elif kind == "email_url":
            environ.Env.email_url_config(value)
        elif kind == "db_url" or var == "DATABASE_URL":
            environ.Env.db_url_config(value)
    # Filled in with the example values, compose still yields working app settings.
    variables = {**active, **MINIMAL_COMPOSE_ENV}
    env = app_environment("web", variables)
    assert environ.Env.parse_value(env["DJANGO_DEBUG"], bool) is False, (
        "with .env.example's values web runs with DJANGO_DEBUG on"
    )
    assert environ.Env.db_url_config(env["DATABASE_URL"])["HOST"] == "db", (
        "with .env.example's values DATABASE_URL does not point at the `db` service"
    )
    assert env["SITE_URL"].startswith(("http://", "https://")), f"SITE_URL {env['SITE_URL']!r}"
