"""The tests' own strict JSON reader: RFC 8259 has no NaN, Infinity or -Infinity.

Python's ``json.loads`` (and so ``httpx.Response.json()``) reads those tokens, so a reply that no
browser could parse would pass a test that reads it. Every body the suite's clients receive goes
through ``loads`` here: ``strict_json_replies`` below (a pytest plugin, registered in the root
``conftest.py``) checks every httpx reply, and the contract tests' Schemathesis runs have a check
of their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest


def _refuse(token: str) -> Any:
    raise ValueError(f"{token} is not JSON (RFC 8259 has no such token)")


def loads(content: str | bytes) -> Any:
    """``content`` parsed as strict JSON; raises ``ValueError`` for what RFC 8259 refuses."""
    return json.loads(content, parse_constant=_refuse)


def is_json_media_type(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _check_strict_json(response: httpx.Response) -> None:
    content_type = response.headers.get("content-type")
    if (
        response.is_stream_consumed
        and is_json_media_type(content_type)
        and response.content  # a 204 may name a JSON type and carry nothing
    ):
        try:
            loads(response.content)
        except ValueError as error:
            raise AssertionError(
                f"{response.request.method} {response.request.url.path} answered a JSON body "
                f"that is not strict JSON: {error}"
            ) from None


@pytest.fixture(autouse=True, scope="session")
def strict_json_replies() -> Iterator[None]:
    """Every JSON body any test receives over httpx is read as strict JSON (RFC 8259).

    Python's reader (and so ``Response.json()``) accepts ``NaN`` and infinities, which no browser
    does; checked at the one place every httpx client passes (the in-process test client of
    ``Api``, and the clients of the live-server tests), a reply that is not JSON fails whichever
    test received it, read or not. The contract tests' Schemathesis runs have a check of their
    own (``contract_tests/conftest.py``).
    """
    send, send_async = httpx.Client.send, httpx.AsyncClient.send

    def checked_send(client: httpx.Client, request: httpx.Request, **options: Any) -> Any:
        response = send(client, request, **options)
        _check_strict_json(response)
        return response

    async def checked_send_async(
        client: httpx.AsyncClient, request: httpx.Request, **options: Any
    ) -> Any:
        response = await send_async(client, request, **options)
        _check_strict_json(response)
        return response

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx.Client, "send", checked_send)
        patch.setattr(httpx.AsyncClient, "send", checked_send_async)
        yield
