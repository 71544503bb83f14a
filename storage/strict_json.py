"""JSON as RFC 8259 defines it, in both directions, for every body the service reads or writes.

Python's ``json`` module reads ``NaN``, ``Infinity`` and ``-Infinity`` (and ``1e400`` as an
infinity) and writes them back as bare tokens, which are not JSON: a browser's ``JSON.parse`` and
every strict client refuse the whole document. So request bodies are decoded here, refusing those
tokens, and everything the service writes is encoded here, never as those tokens: webhook
payloads, JSON columns and error envelopes by ``dumps``, which refuses them; replies and cached
replies by ``encode``, which writes a non-finite float as ``null``.

The decoder also bounds what a body may make the parser do: nesting deeper than ``MAX_DEPTH`` and
integers longer than ``MAX_INTEGER_DIGITS`` are refused (Python would otherwise overflow its stack
on deep nesting, or spend quadratic time converting, then refuse, a 4,301-digit integer).
"""

from __future__ import annotations

import datetime
import json
import math
import uuid
from decimal import Decimal
from typing import Any

import orjson

MAX_DEPTH = 64
MAX_INTEGER_DIGITS = 20


class JsonRefused(ValueError):
    """A body that is not strict JSON, or passes the parser's limits; ``str()`` says why."""


def _refuse_constant(token: str) -> Any:
    raise JsonRefused(f"{token} is not a JSON number; send a finite number or null.")


def _integer(digits: str) -> int:
    if len(digits) - digits.startswith("-") > MAX_INTEGER_DIGITS:
        raise JsonRefused(f"Integers may have at most {MAX_INTEGER_DIGITS} digits.")
    return int(digits)


def _float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise JsonRefused(f"{text[:20]} is out of range for a JSON number.")
    return number


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_int=_integer, parse_float=_float)


def loads(text: str | bytes) -> Any:
    """The value of the JSON document ``text``; raises ``JsonRefused`` (a ``ValueError``)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise _too_deep() from None
    except json.JSONDecodeError as error:
        raise JsonRefused(
            f"The body is not valid JSON: {error.msg} at position {error.pos}."
        ) from None
    _check_depth(value)
    return value


def _too_deep() -> JsonRefused:
    return JsonRefused(f"JSON may nest at most {MAX_DEPTH} arrays or objects deep.")


def _check_depth(value: Any) -> None:
    """Raises ``JsonRefused`` if ``value`` nests more than ``MAX_DEPTH`` containers deep."""
    level: list[Any] = [value]
    for _ in range(MAX_DEPTH):
        level = [
            child
            for node in level
            if isinstance(node, dict | list)
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
        if not level:
            return
    raise _too_deep()


def dumps(value: Any, **options: Any) -> str:
    """``value`` as JSON text; raises ``ValueError`` for a NaN or an infinity anywhere in it.

    ``options`` are ``json.dumps``'s (Connexion passes its encoder for date-times and decimals).
    """
    return json.dumps(value, allow_nan=False, **options)


# Every datetime goes to ``_convention`` (Connexion's own rule for it); orjson's other native
# types (str, int, float, bool, None, list, dict, UUID, enums) come out as json writes them.
_ENCODE_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_APPEND_NEWLINE
)


def _convention(value: Any) -> Any:
    """What Connexion's encoder writes for the types JSON lacks (``connexion.jsonifier``)."""
    if isinstance(value, datetime.datetime):
        return value.isoformat("T") if value.tzinfo else value.isoformat("T") + "Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number.")
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON and a newline: the body of every reply.

    orjson writes a page of fifty jobs in a tenth of the time ``json`` takes (bench/RESULTS.md,
    issue 25). Where it cannot (an integer beyond 64 bits, a key that is not a string), ``dumps``
    writes it; what neither can write raises ``TypeError`` or ``ValueError``. orjson writes a
    NaN or an infinity of a float as ``null``, never as a bare token: the reply stays JSON (the
    service's numbers are finite where they are stored: ``storage.types.FiniteNumeric``).
    """
    try:
        return orjson.dumps(value, default=_convention, option=_ENCODE_OPTIONS)
    except orjson.JSONEncodeError:
        return (dumps(value, default=_convention) + "\n").encode("utf-8")
