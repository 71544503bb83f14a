"""Stricter checks for the string formats the documents use.

jsonschema's own ``email`` check only looks for an ``@``, and Draft 4 knows no ``uuid``. Connexion
validates with Draft 4's shared format checker, so the checks registered here apply to every
request it validates.
"""

from __future__ import annotations

import re

from jsonschema import Draft4Validator

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# A dot-atom local part at a host name: what a mail server accepts in practice (no quoted local
# parts, no address literals).
EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*")


def is_email(value: object) -> bool:
    if not isinstance(value, str):
        return True
    local, _, domain = value.rpartition("@")
    return len(local) <= 64 and len(domain) <= 253 and EMAIL.fullmatch(value) is not None


# The canonical text form only: no braces, no ``urn:uuid:``, no missing hyphens.
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(value: object) -> bool:
    return not isinstance(value, str) or UUID.fullmatch(value) is not None


def register_formats() -> None:
    Draft4Validator.FORMAT_CHECKER.checks("email")(is_email)
    Draft4Validator.FORMAT_CHECKER.checks("uuid")(is_uuid)
