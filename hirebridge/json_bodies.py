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


class StrictJSONBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
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
