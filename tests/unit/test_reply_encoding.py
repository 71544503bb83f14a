"""Replies are written by ``storage.strict_json.encode`` (orjson), as json would write them."""

from __future__ import annotations

import datetime
import json
import math
import uuid
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.context import JSONIFIER
from storage import strict_json

_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(_JSON_VALUES)
def test_a_reply_reads_back_as_the_value_json_would_write(value: Any) -> None:
    body = strict_json.encode(value)
    assert body.endswith(b"\n")
    assert json.loads(body) == json.loads(strict_json.dumps(value))


def test_types_json_lacks_follow_connexion_s_conventions() -> None:
    moment = datetime.datetime(2026, 5, 1, 9, 0, 0, 120000, tzinfo=datetime.UTC)
    value = {
        "aware": moment,
        "naive": moment.replace(tzinfo=None),
        "day": moment.date(),
        "money": Decimal("1250.50"),
        "id": uuid.UUID(int=7),
    }
    assert json.loads(strict_json.encode(value)) == {
        "aware": "2026-05-01T09:00:00.120000+00:00",
        "naive": "2026-05-01T09:00:00.120000Z",
        "day": "2026-05-01",
        "money": 1250.5,
        "id": "00000000-0000-0000-0000-000000000007",
    }


def test_what_orjson_cannot_write_is_written_as_json_writes_it() -> None:
    value = {"big": 2**70, 3: "an integer key"}
    assert strict_json.encode(value) == (json.dumps(value) + "\n").encode()


def test_what_json_cannot_write_is_refused() -> None:
    with pytest.raises(ValueError, match="not a JSON number"):
        strict_json.encode({"salary": Decimal("NaN")})
    with pytest.raises(TypeError, match="not JSON serializable"):
        strict_json.encode({"what": object()})


def test_a_non_finite_float_is_never_a_bare_token() -> None:
    body = strict_json.encode({"a": math.nan, "b": math.inf, "c": -math.inf})
    assert strict_json.loads(body) == {"a": None, "b": None, "c": None}


def test_a_reply_is_compact_utf_8() -> None:
    body = JSONIFIER.dumps({"city": "Zürich", "items": [1, 2]})
    assert body == '{"city":"Zürich","items":[1,2]}\n'.encode()
