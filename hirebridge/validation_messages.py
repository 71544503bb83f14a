"""Validation errors as sentences a partner can act on.

Connexion validates requests with jsonschema, whose messages show a Python repr of the value and,
for a ``pattern``, the regular expression itself (``' ' does not match '^[^\\x00]*...'``). This
module turns a refused request into a sentence that names the field and says what it must be,
quoting at most ``MAX_QUOTED_CHARACTERS`` characters of the offending value (as JSON, never a repr).

A body error keeps jsonschema's structured error as its ``__context__`` (Connexion raises its
problem inside the ``except``); a parameter error does not, so ``PARAMETER_VALIDATORS`` gives
Connexion a parameter validator that keeps it, with the parameter's name. What Connexion only
reports as text (a missing body, extra query parameters, JSON that does not parse) is rewritten
from the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from connexion.exceptions import BadRequestProblem, ProblemException
from connexion.utils import is_null, is_nullable
from connexion.validators import ParameterValidator
from jsonschema import Draft4Validator, ValidationError
from jsonschema.exceptions import best_match

from storage.errors import quoted as cut

_TYPES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}
_FORMATS = {
    "date-time": "a date and time with a time zone, such as 2026-05-01T09:00:00Z",
    "date": "a date such as 2026-05-01",
    "email": "an e-mail address such as name@example.com",
    "uri": "an absolute URL such as https://example.com/path",
    "uuid": "a UUID such as 6f1c9a3e-8d2b-4c6e-b7a1-2e5d8f9c0a34",
    "int32": "a whole number of at most 10 digits",
    "int64": "a whole number of at most 19 digits",
}
# Character classes the documents' simple patterns are made of, in words.
_CHARACTER_CLASSES = {
    "A-Z": "capital letters",
    "a-z": "lower-case letters",
    "0-9": "digits",
    "0-9a-f": "hexadecimal digits (0-9, a-f)",
    "A-Za-z0-9_-": "letters, digits, _ or -",
    "A-Za-z0-9": "letters and digits",
    "!-~": "visible ASCII characters (no spaces)",
}
_SIMPLE_PATTERN = re.compile(
    r"^\^(?P<prefix>[A-Za-z0-9_]*)\[(?P<chars>[^\]]+)\](?P<count>\{\d+(,\d*)?\}|\+|\*)\$$"
)
_JSON_DECODE_ERROR = re.compile(r"^(?P<what>[^:]+): line (?P<line>\d+) column (?P<column>\d+)")
_EXTRA_PARAMETERS = re.compile(r"^Extra (?P<where>\w+) parameter\(s\) (?P<names>.*) not in spec$")
_MISSING_PARAMETER = re.compile(r"^Missing (?P<where>\w+) parameter '(?P<name>[^']*)'$")
_WRONG_TYPE = re.compile(
    r"^Wrong type, expected '(?P<type>\w+)' for (?P<where>\w+) parameter '(?P<name>[^']*)'$"
)


class InvalidParameter(BadRequestProblem):  # type: ignore[misc]
    """A path, query, header or cookie parameter that does not meet its schema."""

    def __init__(self, where: str, name: str, error: ValidationError) -> None:
        super().__init__(detail=f"The {where} parameter {name} is not valid.")
        self.where = where
        self.name = name
        self.error = error


class _ParameterValidator(ParameterValidator):  # type: ignore[misc]
    """Connexion's parameter validation, keeping the failed parameter's name and error."""

    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> str | None:
        if value is None or (is_nullable(param) and is_null(value)):
            return ParameterValidator.validate_parameter(  # type: ignore[no-any-return]
                parameter_type, value, param, param_name
            )
        schema = param.get("schema", param)
        try:
            Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER).validate(value)
        except ValidationError as error:
            raise InvalidParameter(parameter_type, param["name"], error) from None
        return None


PARAMETER_VALIDATORS = {"parameter": _ParameterValidator}


def describe(problem: ProblemException) -> str | None:
    """A sentence for a 400 from request validation, or ``None`` if it is not one of those."""
    if isinstance(problem, InvalidParameter):
        return _sentence(problem.error, f"The {problem.where} parameter {problem.name}")
    if isinstance(problem.__context__, ValidationError):
        return _sentence(problem.__context__, None)
    return _rewrite(str(problem.detail or "").strip())


ERROR_CODE_EXTENSION = "x-error-code"


def error_code(problem: ProblemException) -> str | None:
    """The ``x-error-code`` of the schema a refused body broke, if it names one.

    A document may give a field its own error code (a CV search ``query`` that is blank or too
    long is ``invalid_query``, like one the query language refuses), so the schema states the
    rule and the refusal keeps the code the operation promises.
    """
    error = problem.__context__
    if isinstance(problem, InvalidParameter):
        error = problem.error
    if isinstance(error, ValidationError) and isinstance(error.schema, dict):
        code = error.schema.get(ERROR_CODE_EXTENSION)
        return str(code) if code else None
    return None


def quoted(value: Any) -> str:
    """``value`` as JSON, cut as ``storage.errors.quoted`` cuts every value a message shows."""
    if isinstance(value, str):
        return json.dumps(cut(value), ensure_ascii=False)
    return cut(json.dumps(value, ensure_ascii=False))


def _field_subject(path: Iterable[str | int]) -> str:
    name = _field_name(path)
    return f"The field {name}" if name else "The request body"


def _field_name(path: Iterable[str | int]) -> str:
    # A name in the path can be the client's own (a field the schema does not know): cut it.
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{cut(part)}" if name else cut(part))
    return name


# A body may carry thousands of unknown fields: the message names the first few. Missing
# required fields come from the schema, so there are never many, and all of them are named.
_MAX_NAMED_UNKNOWN_FIELDS = 5


def _child_subject(error: ValidationError, names: Sequence[str], limit: int | None) -> str:
    parent = _field_name(error.absolute_path)
    full = [f"{parent}.{cut(name)}" if parent else cut(name) for name in names]
    if len(full) == 1:
        return f"The field {full[0]}"
    if limit is not None and len(full) > limit:
        return f"The fields {', '.join(full[:limit])} and {len(full) - limit} more"
    return f"The fields {', '.join(full[:-1])} and {full[-1]}"


def _sentence(error: ValidationError, parameter: str | None) -> str:
    """The sentence for one jsonschema error, about ``parameter`` or else the body field at the
    error's path."""
    if error.validator in {"anyOf", "oneOf"} and error.context:
        return _sentence(best_match(error.context), parameter)
    keyword = error.validator
    if keyword in {"required", "additionalProperties"}:
        return _about_fields(error)
    if keyword == "not":
        refusal = _refusal(error.validator_value, error.instance)
        if refusal:
            return refusal
    subject = parameter or _field_subject(error.absolute_path)
    expected: Any = error.validator_value
    value = error.instance
    if keyword == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPES.get(kind, kind) for kind in kinds)
        return f"{subject} must be {wanted}, not {_kind_of(value)}."
    if keyword == "enum":
        choices = ", ".join(str(choice) for choice in expected)
        return f"{subject} must be one of {choices}, not {quoted(value)}."
    if keyword == "format":
        wanted = _FORMATS.get(expected, f"in the {expected} format")
        return f"{subject} must be {wanted}, not {quoted(value)}."
    if keyword == "pattern":
        return f"{subject} {_pattern_rule(expected, value, error.schema)}"
    if keyword == "minLength" and expected == 1:
        return f"{subject} may not be empty."
    if keyword in {"minimum", "maximum"}:
        exclusive = error.schema.get(f"exclusive{keyword.capitalize()}") is True
        bound = {
            ("minimum", False): "at least",
            ("minimum", True): "above",
            ("maximum", False): "at most",
            ("maximum", True): "below",
        }[keyword, exclusive]
        return f"{subject} must be {bound} {expected}, not {quoted(value)}."
    size = len(value) if isinstance(value, (str, list, dict)) else 0
    rules = {
        "minLength": f"must have at least {expected} characters",
        "maxLength": f"may have at most {expected} characters (it has {size})",
        "minItems": f"must list at least {expected} item{'s' if expected != 1 else ''}",
        "maxItems": f"may list at most {expected} items (it lists {size})",
        "uniqueItems": "may not list the same item twice",
        "minProperties": f"must name at least {expected} field{'s' if expected != 1 else ''}",
        "maxProperties": f"may name at most {expected} fields",
        "multipleOf": f"must be a multiple of {expected}",
    }
    return f"{subject} {rules.get(keyword, 'is not valid')}."


MESSAGE_EXTENSION = "x-message"


def _refusal(refused: Any, value: Any) -> str | None:
    """The ``x-message`` of the case of a ``not`` schema that ``value`` matches.

    A document states a rule no field can state alone (an apply method without the address it
    needs) as a ``not`` over the refused cases, each with the sentence to answer it with.
    """
    if not isinstance(refused, dict):
        return None
    for case in [refused, *refused.get("anyOf", [])]:
        message = case.get(MESSAGE_EXTENSION)
        if message and Draft4Validator(case).is_valid(value):
            return str(message)
    return None


def _about_fields(error: ValidationError) -> str:
    """A required field that is missing, or fields the object does not take."""
    value = error.instance if isinstance(error.instance, dict) else {}
    if error.validator == "required":
        names = [name for name in error.validator_value if name not in value]
        verdict, limit = "required", None
    else:
        known = set(error.schema.get("properties", {}))
        names = sorted(name for name in value if name not in known)
        verdict, limit = "not accepted here", _MAX_NAMED_UNKNOWN_FIELDS
    return f"{_child_subject(error, names, limit)} {'are' if len(names) > 1 else 'is'} {verdict}."


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {quoted(value)}"
    if isinstance(value, str):
        return f"the text {quoted(value)}"
    return "a list" if isinstance(value, list) else "an object"


def _pattern_rule(pattern: str, value: Any, schema: dict[str, Any]) -> str:
    """What a value must look like, in words, for the kinds of pattern the documents use."""
    if isinstance(value, str) and "\x00" in value and re.search(pattern, value.replace("\x00", "")):
        return "may not contain NUL characters."
    if isinstance(value, str) and not value.strip() and re.search(pattern, "a") is not None:
        return "may not be blank (spaces only)."
    form = schema.get("format")
    if form in _FORMATS:
        return f"must be {_FORMATS[form]}, not {quoted(value)}."
    if pattern.startswith("^https?://"):
        return f"must be an http:// or https:// URL without spaces, not {quoted(value)}."
    simple = _SIMPLE_PATTERN.match(pattern)
    if simple and simple.group("chars") in _CHARACTER_CLASSES:
        chars = _CHARACTER_CLASSES[simple.group("chars")]
        count = simple.group("count")
        if count in {"+", "*"}:
            amount = f"one or more {chars}" if count == "+" else f"only {chars}"
        else:
            low, comma, high = count.strip("{}").partition(",")
            amount = (
                f"{low} {chars}"
                if not comma
                else (f"at least {low} {chars}" if not high else f"{low} to {high} {chars}")
            )
        prefix = simple.group("prefix")
        shape = f"{prefix} followed by {amount}" if prefix else amount
        return f"must be {shape}, not {quoted(value)}."
    return f"is not in the accepted form: {quoted(value)}."


def _rewrite(detail: str) -> str | None:
    """Connexion's text-only 400s as sentences; ``None`` for a text this module does not know."""
    first = detail.splitlines()[0].strip() if detail else ""
    if first in {"RequestBody is required", "Request body must not be empty"}:
        return "A request body is required."
    if match := _EXTRA_PARAMETERS.match(first):
        names = match.group("names").split(",")
        plural = len(names) > 1
        what = f"{match.group('where')} parameter{'s' if plural else ''}"
        return f"The {what} {', '.join(names)} {'are' if plural else 'is'} not accepted here."
    if match := _MISSING_PARAMETER.match(first):
        return f"The {match.group('where')} parameter {match.group('name')} is required."
    if match := _WRONG_TYPE.match(first):
        kind = _TYPES.get(match.group("type"), match.group("type"))
        return f"The {match.group('where')} parameter {match.group('name')} must be {kind}."
    if match := _JSON_DECODE_ERROR.match(first):
        return (
            f"The request body is not valid JSON: {match.group('what').lower()} at line "
            f"{match.group('line')}, column {match.group('column')}."
        )
    return None
