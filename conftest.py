"""The suite's fixtures, shared by ``tests/`` and ``contract_tests/``, live in ``tests/support``
modules registered here as pytest plugins; test modules import helpers from them by name
(``from tests.support.factories import SEED_JOB``), never from this file.

The suite talks to real services (``tests.support.databases``): a PostgreSQL database created for
the session, a SQLite file, and a Redis database of its own. Nothing is mocked.
"""

pytest_plugins = [
    "tests.support.databases",
    "tests.support.strict_json",
    "tests.support.apps",
    "tests.support.factories",
    "tests.support.live",
]
