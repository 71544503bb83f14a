"""Property: a walk through a v2 list by cursor is stable while the list changes under it.

Between pages, jobs are created (they join the list) and closed (they leave the ``draft`` list).
Whatever happens, every job that was in the list for the whole walk is returned exactly once, and
no job is returned twice. Through HTTP, on PostgreSQL and on SQLite.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.apps import Api
from tests.support.factories import V2_JOB, EmployerFactory, KeyFactory

# Once more on a PostgreSQL primary with a streaming replica serving the cursor pages
# (conftest's ``pytest_generate_tests``).
ALSO_ON_A_REPLICA = True

# Between two pages: how many jobs to create, and which present ones to close (as fractions
# of the list, so that the same choice applies whatever the list holds then).
changes = st.tuples(st.integers(0, 3), st.lists(st.floats(0, 1, exclude_max=True), max_size=3))


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    initial=st.integers(0, 12),
    limit=st.integers(1, 5),
    between=st.lists(changes, max_size=12),
)
def test_walk_sees_every_lasting_item_once(
    api: Api,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
    initial: int,
    limit: int,
    between: list[tuple[int, list[float]]],
) -> None:
    _, key = make_key(make_employer())
    api.default_key = key

    made: set[int] = set()

    def create() -> int:
        response = api.post("/api/v2/jobs", json=V2_JOB)
        assert response.status_code == 201, response.text
        made.add(response.json()["data"]["id"])
        return int(response.json()["data"]["id"])

    present = [create() for _ in range(initial)]
    lasting = set(present)
    seen: list[int] = []
    cursor: str | None = None
    step = 0
    while True:
        params: dict[str, Any] = {"status": "draft", "limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = api.get("/api/v2/jobs", params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["data"]) <= limit
        seen.extend(job["id"] for job in body["data"])
        cursor = body["pagination"]["nextCursor"]
        if cursor is None:
            break
        created, closing = between[step] if step < len(between) else (0, [])
        step += 1
        present.extend(create() for _ in range(created))
        for fraction in closing:
            if not present:
                break
            job_id = present.pop(int(fraction * len(present)))
            lasting.discard(job_id)
            assert api.delete(f"/api/v2/jobs/{job_id}").status_code == 200

    assert len(seen) == len(set(seen)), "a job was returned twice"
    assert lasting <= set(seen), "a job in the list for the whole walk was skipped"
    assert set(seen) <= made, "only this employer's jobs"
