"""The one decoding policy for JSON request bodies: every document's operations use it.

Connexion parses a JSON body once, in its body validator, before anything reads it; this
validator parses it with ``storage.strict_json``, so a body with ``NaN`` or an infinity, nested
deeper than the limit or carrying an over-long integer is a 400 ``invalid_request`` in the
version's envelope, and a handler only ever sees a body that passed. Form bodies (which no
document takes) keep Connexion's own validators.

A document whose bodies have defaults the handlers rely on (v2) is served with
``FILLING_DEFAULTS``: the same decoding, with Connexion's validator that writes the document's
defaults into the body. A per-document map replaces the application's whole map (Connexion does
not merge them), so both must decode alike and carry the same parameter validator.
"""

from __future__ import annotations

import threading
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.validators import (
    VALIDATOR_MAP,
    DefaultsJSONRequestBodyValidator,
    JSONRequestBodyValidator,
)
from starlette.types import Scope

from storage import strict_json

# jsonschema validators, one per (validator class, schema): Connexion 3.3 builds a new one for
# every request (its ``_validator`` is a property), and the defaults-filling one first builds a
# new validator class. The schemas are the documents' own objects, so the set is bounded.
_KEPT: dict[tuple[type, int], tuple[Any, Any]] = {}
_KEPT_LOCK = threading.Lock()


def kept_validator_count() -> int:
    """How many jsonschema validators are kept (the tests hold it bounded)."""
    return len(_KEPT)


class StrictJSONBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
    @property
    def _validator(self) -> Any:
        """Connexion's validator for this schema, built once (docs/requirements.md#p5:
        building it took about a tenth of a POST's CPU in the event loop's thread)."""
        key = (type(self), id(self._schema))
        found = _KEPT.get(key)
        if found is None or found[0] is not self._schema:
            with _KEPT_LOCK:
                found = _KEPT[key] = (self._schema, super()._validator)
        return found[1]

    async def _parse(self, stream: Any, scope: Scope) -> Any:
        body = b"".join([chunk async for chunk in stream]).decode(self._encoding)
        if not body:
            return None
        try:
            return strict_json.loads(body)
        except strict_json.JsonRefused as refused:
            raise BadRequestProblem(detail=str(refused)) from None


class StrictDefaultsJSONBodyValidator(
    StrictJSONBodyValidator,
    DefaultsJSONRequestBodyValidator,  # type: ignore[misc]
):
    """Strict decoding (``_parse`` above), then validation that fills the schema's defaults."""


BODY_VALIDATORS = {
    "body": MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": StrictJSONBodyValidator}),
}
FILLING_DEFAULTS = {
    "body": MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": StrictDefaultsJSONBodyValidator}),
}
