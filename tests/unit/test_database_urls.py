from __future__ import annotations

import pytest

from storage.db import normalize_database_url


@pytest.mark.parametrize(
    ("raw", "driver"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
        ("sqlite:///var/x.db", "sqlite"),
    ],
)
def test_plain_postgresql_urls_use_the_installed_driver(raw: str, driver: str) -> None:
    assert normalize_database_url(raw).drivername == driver
