"""The one decoding policy for JSON request bodies: every document's operations use it.

Connexion parses a JSON body once, in its body validator, before anything reads it; this
validator parses it with ``storage.strict_json``, so a body with ``NaN`` or an infinity, nested
deeper than the limit or carrying an over-long integer is a 400 ``invalid_request`` in the
version's envelope, and a handler only ever sees a body that passed. Form bodies (which no
document takes) keep Connexion's own validators.
"""

from __future__ import annotations

from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.validators import VALIDATOR_MAP, JSONRequestBodyValidator
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


BODY_VALIDATORS = {
    "body": MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": StrictJSONBodyValidator}),
}
