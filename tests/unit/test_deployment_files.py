"""The Dockerfile and compose.yaml, read as a container runtime would, checked against the settings.

No container runtime runs here: the files are parsed, and what they promise is checked against the
code: the image installs the wheel only and runs as a user without privileges, and the services
are configured with variables the settings read, enough of them for production mode to start.
"""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from hirebridge_floor.settings import Settings

REPOSITORY = Path(__file__).resolve().parents[2]
SETTINGS_SOURCE = REPOSITORY / "hirebridge_floor" / "settings.py"
# Read by the server itself rather than the settings (the API workers' shared metrics folder).
OTHER_VARIABLES = {"PROMETHEUS_MULTIPROC_DIR", "PYTHONUNBUFFERED", "PATH"}
_INTERPOLATION = re.compile(r"\$\{([A-Z_]+)(?::?[-?]([^}]*))?\}")


def settings_variables() -> set[str]:
    """Every variable name ``Settings.from_env`` reads (``env.get("NAME", ...)``)."""
    tree = ast.parse(SETTINGS_SOURCE.read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "env"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def dockerfile_stages() -> list[dict[str, Any]]:
    """The Dockerfile's stages: name, base and instructions (continuations joined)."""
    text = (REPOSITORY / "Dockerfile").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n\s*", " ", text)
    stages: list[dict[str, Any]] = []
    for line in logical.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, argument = line.partition(" ")
        if instruction == "FROM":
            base, _, name = argument.partition(" AS ")
            stages.append({"base": base.strip(), "name": name.strip(), "steps": []})
        else:
            stages[-1]["steps"].append((instruction, argument.strip()))
    return stages


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((REPOSITORY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def interpolate(value: str, given: dict[str, str]) -> str:
    """Compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?message}``."""

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in given:
            return given[name]
        assert ":?" not in match.group(0), f"compose would refuse to start without {name}"
        return default or ""

    return _INTERPOLATION.sub(replace, value)


def test_the_image_is_built_in_one_stage_and_runs_the_wheel_only_in_another() -> None:
    build, runtime = dockerfile_stages()
    assert build["name"] == "build"
    assert ("RUN", "python -m build --wheel --outdir /dist .") in build["steps"]
    copied = [argument for instruction, argument in runtime["steps"] if instruction == "COPY"]
    # From the checkout the runtime stage takes the wheel (from the build stage) and the pins.
    assert copied == ["--from=build /dist/ /tmp/dist/", "constraints.txt /tmp/constraints.txt"]
    installs = [argument for instruction, argument in runtime["steps"] if instruction == "RUN"]
    assert len(installs) == 1
    assert "-c /tmp/constraints.txt /tmp/dist/*.whl" in installs[0]
    assert " -e " not in installs[0]


def test_the_image_runs_as_a_user_without_privileges() -> None:
    runtime = dockerfile_stages()[-1]
    users = [argument for instruction, argument in runtime["steps"] if instruction == "USER"]
    assert users == ["hirebridge"]
    instructions = [instruction for instruction, _ in runtime["steps"]]
    # Nothing runs as root after the switch.
    assert "RUN" not in instructions[instructions.index("USER") :]
    (install,) = [argument for instruction, argument in runtime["steps"] if instruction == "RUN"]
    assert "useradd --system --uid 10001" in install


def test_the_image_is_configured_with_settings_it_reads() -> None:
    runtime = dockerfile_stages()[-1]
    (env,) = [
        shlex.split(argument) for instruction, argument in runtime["steps"] if instruction == "ENV"
    ]
    variables = dict(item.split("=", 1) for item in env)
    assert set(variables) <= settings_variables() | OTHER_VARIABLES
    assert variables["HIREBRIDGE_ENV"] == "production"
    steps = dict(runtime["steps"])
    # The data directory is the working directory's, owned by the user (never site-packages).
    assert steps["WORKDIR"] == variables["HIREBRIDGE_DATA_DIR"] == "/var/lib/hirebridge"
    command = yaml.safe_load(steps["CMD"])
    assert command[:2] == ["hirebridge", "serve"]
    assert command[command.index("--bind") + 1].endswith(":" + steps["EXPOSE"])


def test_compose_runs_the_api_a_worker_postgresql_and_redis() -> None:
    services = compose()["services"]
    assert {"api", "worker", "postgres", "redis", "migrate"} <= set(services)
    assert services["api"]["command"][:2] == ["hirebridge", "serve"]
    assert services["worker"]["command"] == ["hirebridge", "worker"]
    assert services["migrate"]["command"] == ["hirebridge", "db", "upgrade"]
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    bind = services["api"]["command"][services["api"]["command"].index("--bind") + 1]
    assert services["api"]["ports"] == [f"{bind.rsplit(':', 1)[1]}:{bind.rsplit(':', 1)[1]}"]
    dockerfile_port = dict(dockerfile_stages()[-1]["steps"])["EXPOSE"]
    assert bind == f"0.0.0.0:{dockerfile_port}"


def test_compose_configures_hirebridge_with_its_settings_and_production_starts() -> None:
    services = compose()["services"]
    given = {
        "POSTGRES_PASSWORD": "pg-password",
        "SECRET_KEY": "s" * 32,
        "WEBHOOK_SECRET_KEY": "w" * 32,
        "PUBLIC_BASE_URL": "https://partners.example.com",
    }
    postgres = {k: interpolate(v, given) for k, v in services["postgres"]["environment"].items()}
    for name in ("api", "worker", "migrate"):
        environment = {
            key: interpolate(str(value), given)
            for key, value in services[name]["environment"].items()
        }
        assert set(environment) <= settings_variables(), name
        # Production mode refuses to start unless every secret and service is configured.
        settings = Settings.from_env(environment)
        assert settings.is_production
        assert settings.secret_key == given["SECRET_KEY"]
        assert settings.webhook_secret_key == given["WEBHOOK_SECRET_KEY"]
        database = settings.database_url
        assert database == (
            f"postgresql://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}"
            f"@postgres:5432/{postgres['POSTGRES_DB']}"
        )
        assert settings.redis_url == "redis://redis:6379/0"


def test_compose_refuses_to_start_without_the_secrets() -> None:
    services = compose()["services"]
    for variable in ("SECRET_KEY", "WEBHOOK_SECRET_KEY", "PUBLIC_BASE_URL"):
        assert f"${{{variable}:?" in str(services["api"]["environment"][variable])
