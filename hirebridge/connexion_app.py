"""Connexion's ``AsyncApp``, with each handler decorated once rather than on every call.

Connexion 3.3's asynchronous app builds, for every request, a new ``StarletteDecorator`` around
the operation's handler (``AsyncOperation.fn`` is a property), which wraps it again in its
parameter and response decorators (reading the handler's signature each time) and builds a new
URI parser from the operation's parameters; it also turns every parameter name into
snake_case with ``inflection``'s regular expressions, each call. None of that depends on the
request: the decorators read the request and the operation from Connexion's context when they
run. Here the decorated handler is built once per operation, the URI parser once per
operation, and parameter names are converted once per name (docs/requirements.md#p5: about a
tenth of an uncached list's CPU in the event loop's thread, measured with py-spy).

Relies on Connexion 3.3's internals (``AsyncApp._middleware_app``, ``AsyncApi.make_operation``,
``ASGIDecorator``), pinned in constraints.txt; ``tests/integration/test_connexion_app.py``
fails if a version bump makes handlers decorated per call again or the names differ.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import connexion
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import _operation, receive, scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import AsyncParameterDecorator
from connexion.operations import AbstractOperation
from connexion.uri_parsing import AbstractURIParser


class _ParameterDecorator(AsyncParameterDecorator):  # type: ignore[misc]
    """Connexion's parameter decorator, with parameter names converted once per name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sanitize_fn = functools.lru_cache(maxsize=4096)(self.sanitize_fn)  # type: ignore[has-type]


class _OnceDecorated(StarletteDecorator):  # type: ignore[misc]
    """``StarletteDecorator`` that decorates its handler once and keeps one URI parser per
    operation (the same handler may serve operations of several documents)."""

    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return _ParameterDecorator

    def _parser_of(self, current: AbstractOperation) -> AbstractURIParser:
        parser_class = self.uri_parser_class or current.uri_parser_class
        return parser_class(current.parameters, current.body_definition())

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        decorated = self.decorate(function)
        parsers: dict[int, tuple[AbstractOperation, AbstractURIParser]] = {}

        @functools.wraps(function)
        async def wrapper(*_args: Any, **_kwargs: Any) -> Any:
            current = _operation.get()
            known = parsers.get(id(current))
            if known is None or known[0] is not current:
                known = parsers[id(current)] = (current, self._parser_of(current))
            request = self.framework.get_request(uri_parser=known[1], scope=scope, receive=receive)
            return await decorated(request)

        return wrapper


class _Operation(AsyncOperation):  # type: ignore[misc]
    """``AsyncOperation`` whose decorated handler is built on first use and kept."""

    @functools.cached_property
    def fn(self) -> Callable[..., Any]:
        return _OnceDecorated(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(
            self._fn
        )


class _Api(AsyncApi):  # type: ignore[misc]
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return _Operation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )


class AsyncApp(connexion.AsyncApp):  # type: ignore[misc]
    """``connexion.AsyncApp`` whose APIs (added after this is built) decorate once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._middleware_app.api_cls = _Api
