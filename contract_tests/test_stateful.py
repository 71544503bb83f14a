"""Schemathesis's state machine over the OpenAPI ``links`` of each keyed API document.

Each scenario starts at an operation that needs no earlier answer (a list, a create, a search)
and follows the document's links with the ids it got back: create a job, then read, change,
publish or close it; search, then unlock the first result; list the stages, then the
applications at the first, then move one. Every default check runs on every step, with the same
per-operation adjustments as the stateless run (``schemathesis.toml``).

The test is parametrized over ``API_DOCUMENTS`` (the public board's document takes no key and has
tests of its own), so a new version is driven by its links as soon as the app serves it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis.stateful import Bundle
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.feedback import NO_FEEDBACK
from schemathesis.generation.stateful.state_machine import StepInput, normalize_name
from schemathesis.specs.openapi.checks import positive_data_acceptance
from schemathesis.specs.openapi.stateful import (
    _step_case_strategy,
    is_root_allowed,
    transition,
)

from hirebridge.app import API_DOCUMENTS
from storage import candidates, db, pipeline
from storage.models import Plan
from tests.support.apps import Api
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory

CONFIG = Path(__file__).with_name("schemathesis.toml")
KEYED_DOCUMENTS = [name for name in API_DOCUMENTS if name != "public"]
# A word only the seeded CV profile contains, so that a search the machine sends finds it.
SEARCH_WORD = "statefulseedword"
# Bounded run time: 12 scenarios of up to 10 steps each, about 25 s per document here (most of it
# is Schemathesis generating bodies from the schemas, not the calls).
STATE_MACHINE_SETTINGS = hypothesis.settings(
    max_examples=12,
    stateful_step_count=10,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[hypothesis.Phase.generate],
    suppress_health_check=list(hypothesis.HealthCheck),
)


@dataclass(frozen=True)
class ScenarioTenant:
    """The employer one scenario acts for: its all-scopes key and its pipeline's stage ids."""

    key: str
    stage_ids: list[str]


TenantFactory = Callable[[], ScenarioTenant]


@pytest.fixture
def new_tenant(pg_api: Api, make_employer: EmployerFactory, make_key: KeyFactory) -> TenantFactory:
    """Makes a fresh employer for each scenario, with something to find in every linked list.

    Scenarios must not see each other's leftovers: Hypothesis replays a scenario's choices and
    expects the same answers, which an e-mail address or an ``Idempotency-Key`` already used by
    an earlier scenario would change. Each employer is enterprise (no monthly quota) on an
    unlimited contract (no credit runs out), with a published job that has an applicant at the
    first pipeline stage, and a draft.
    """
    with db.unit_of_work() as session:
        candidates.create_platform_candidate(
            session,
            {
                "full_name": "Sam Example",
                "email": f"{secrets.token_hex(6)}@example.com",
                "headline": f"Senior {SEARCH_WORD} engineer",
                "cv_text": f"Ten years of {SEARCH_WORD}.",
            },
        )

    def make() -> ScenarioTenant:
        employer_id = make_employer(plan=Plan.ENTERPRISE, unlimited=True)
        _, key = make_key(employer_id)
        published = pg_api.post("/api/v1/jobs", key=key, json={**SEED_JOB, "reference": "S-1"})
        assert published.status_code == 201, published.text
        job_id = published.json()["id"]
        assert pg_api.post(f"/api/v1/jobs/{job_id}/publish", key=key).status_code == 200
        applied = pg_api.post(
            f"/public/v1/jobs/{job_id}/apply",
            json={
                "fullName": "Priya Evans",
                "email": f"{secrets.token_hex(6)}@example.com",
                "cvText": "Ten years of HVAC design.",
            },
        )
        assert applied.status_code == 201, applied.text
        draft = pg_api.post("/api/v1/jobs", key=key, json={**SEED_JOB, "reference": "S-2"})
        assert draft.status_code == 201, draft.text
        with db.unit_of_work() as session:
            stage_ids = [str(stage.id) for stage in pipeline.list_stages(session, employer_id)]
        return ScenarioTenant(key=key, stage_ids=stage_ids)

    return make


def _operation_id(case: Any) -> str:
    return str(case.operation.definition.raw.get("operationId", ""))


def _with_realistic_inputs(case: Any, tenant: ScenarioTenant) -> None:
    """Make the two inputs no link can carry point at something that exists.

    A search's query text is generated at random and almost never matches a profile, so the
    result page has no first candidate to link to; here it looks for the seeded profile (the
    stateless run fuzzes the query language). A move's target ``stageId`` comes from no earlier
    response of the scenario; a random UUID is a 404, so most moves here go to one of the
    tenant's stages, chosen from the generated UUID so that a replay chooses the same one.
    """
    if not isinstance(case.body, dict):
        return
    if _operation_id(case) == "searchCandidates" and "query" in case.body:
        case.body = {
            "query": SEARCH_WORD,
            **{k: v for k, v in case.body.items() if k == "pageSize"},
        }
    elif _operation_id(case) == "moveApplication" and isinstance(case.body.get("stageId"), str):
        digest = hashlib.sha256(case.body["stageId"].encode()).digest()
        choice = digest[0] % (len(tenant.stage_ids) + 1)
        if choice < len(tenant.stage_ids):
            case.body = {**case.body, "stageId": tenant.stage_ids[choice]}


def _next_cursors(response: Any) -> set[str]:
    """The ``nextCursor`` values of a v2 list answer (none for anything else)."""
    try:
        body = response.json()
    except ValueError:
        return set()
    pagination = body.get("pagination") if isinstance(body, dict) else None
    cursor = pagination.get("nextCursor") if isinstance(pagination, dict) else None
    return {cursor} if isinstance(cursor, str) else set()


def _with_every_list_and_create_as_root(machine: Any, schema: Any) -> Any:
    """``machine`` with every linked operation that needs no path id able to start a scenario.

    Schemathesis starts scenarios only at operations its dependency analysis deems likely to
    succeed, and it reads ``preferredCountryIds`` as a reference to a "PreferredCountry" resource
    nothing produces: ``searchCandidates`` would then never run, and neither would its link to
    the profile. Such operations become roots here exactly as Schemathesis makes its own.
    """
    roots: dict[str, Any] = {}
    labels: set[str] = set()
    for label, transitions in machine._transitions.operations.items():
        if not transitions.outgoing or label in machine._root_labels:
            continue
        operation = transitions.outgoing[0].source
        if operation.path_parameters:
            continue
        modes = schema.config.generation_for(operation=operation, phase="stateful").modes
        name = normalize_name(f"RANDOM -> {label}")
        roots[name] = transition(
            name=name,
            target=Bundle("catch_all"),
            precondition=is_root_allowed(label),
            input=_step_case_strategy(operation, modes, feedback=NO_FEEDBACK).map(
                StepInput.initial
            ),
        )
        labels.add(label)
    namespace = {
        "root_rules": machine.root_rules | set(roots),
        "_root_labels": machine._root_labels | labels,
        **roots,
    }
    return type(machine.__name__, (machine,), namespace)


def state_machine(document: str, api: Api, new_tenant: TenantFactory) -> Any:
    """The state machine of ``/swagger/<document>/swagger.json``, one tenant per scenario."""
    schema = schemathesis.openapi.from_asgi(
        f"/swagger/{document}/swagger.json", api.app, config=SchemathesisConfig.from_path(CONFIG)
    )
    machine = _with_every_list_and_create_as_root(schema.as_state_machine(), schema)

    class TenantStateMachine(machine):  # type: ignore[misc, valid-type]
        tenant: ScenarioTenant
        issued_cursors: set[str]

        def setup(self) -> None:
            self.tenant = new_tenant()
            self.issued_cursors = set()

        def before_call(self, case: Any) -> None:
            _with_realistic_inputs(case, self.tenant)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Bearer {self.tenant.key}"}}

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            self.issued_cursors |= _next_cursors(response)

        def validate_response(
            self,
            response: Any,
            case: Any,
            additional_checks: list[Any] | None = None,
            **kwargs: Any,
        ) -> None:
            # A cursor is valid only if the server issued it (it is signed), which no schema can
            # say: an invented one is refused with 400 by design, as in the stateless v2 run.
            # Cursors that came from an earlier answer (a link to the next page) must work.
            cursor = (case.query or {}).get("cursor")
            if cursor is None or cursor in self.issued_cursors:
                super().validate_response(response, case, additional_checks, **kwargs)
                return
            case.validate_response(
                response,
                additional_checks=additional_checks,
                excluded_checks=[positive_data_acceptance],
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    return TenantStateMachine


@pytest.mark.parametrize("document", KEYED_DOCUMENTS)
def test_linked_operations_conform_in_sequence(
    document: str, pg_api: Api, new_tenant: TenantFactory
) -> None:
    state_machine(document, pg_api, new_tenant).run(settings=STATE_MACHINE_SETTINGS)
