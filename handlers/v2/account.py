"""``/api/v2/me``: the Account tag, the calling key itself."""

from __future__ import annotations

from typing import Any

from handlers.context import Reply, v2_one
from handlers.representation import caller
from storage import api_keys
from storage.db import unit_of_work


def get_me(token_info: dict[str, Any]) -> Reply:
    with unit_of_work() as session:
        key, employer = api_keys.key_with_employer(session, int(token_info["key_id"]))
        return v2_one(caller(key, employer, token_info.get("rate"), token_info.get("quota")))
