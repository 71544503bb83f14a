"""``Hirebridge``: one configured connection to the API, with the v2 operations by resource."""

from __future__ import annotations

import platform
from types import TracebackType
from typing import Self

import httpx

from . import _documents, v1, v2
from .resources import Account, Applications, Candidates, Jobs, Pipeline, Webhooks
from .retries import RetryingTransport, RetryPolicy

USER_AGENT = f"hirebridge-python/{_documents.VERSION} python/{platform.python_version()}"


class Hirebridge:
    """A client of the Hirebridge partner API.

    ``base_url`` is the server's root (``https://api.example.com``); each version's base path is
    added from its document. Calls are synchronous and thread-safe; close the client (or use it in
    a ``with`` block) to release its connections.

    Attributes:
        jobs, applications, candidates, pipeline, webhooks: the v2 operations by resource.
        v2: the generated v2 client, for calling ``hirebridge_client.v2.api`` functions directly.
        v1: the generated client of the frozen v1 API (``hirebridge_client.v1.api``), on the same
            retries and idempotency keys.
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str,
        timeout: float = 30.0,
        max_retries: int = 2,
        max_retry_delay: float = 60.0,
        initial_backoff: float = 0.5,
        max_backoff: float = 8.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """
        Args:
            api_key: the ``pk_live_...`` key, sent as ``Authorization: Bearer``.
            base_url: the server's root URL.
            timeout: seconds to wait for each attempt.
            max_retries: retries after a ``429``, a ``503`` or a failed connection (0: none).
            max_retry_delay: the longest ``Retry-After`` waited for before retrying.
            initial_backoff, max_backoff: the waits, in seconds, between retries when the API
                names none (doubling, with jitter).
            transport: the httpx transport under the retries (default: a plain HTTP transport).
        """
        if not api_key:
            raise ValueError("an API key is needed: Hirebridge(api_key='pk_live_...', ...)")
        policy = RetryPolicy(
            max_retries=max_retries,
            initial_backoff=initial_backoff,
            max_backoff=max_backoff,
            max_retry_delay=max_retry_delay,
        )
        self._transport = RetryingTransport(transport or httpx.HTTPTransport(), policy)
        root = base_url.rstrip("/")

        def http(version: str) -> httpx.Client:
            return httpx.Client(
                base_url=root + _documents.BASE_PATHS[version],
                transport=self._transport,  # one connection pool for both versions
                timeout=timeout,
                headers={"Authorization": f"Bearer {api_key}", "User-Agent": USER_AGENT},
                follow_redirects=False,
            )

        self.v2 = v2.AuthenticatedClient(base_url=root, token=api_key).set_httpx_client(http("v2"))
        self.v1 = v1.AuthenticatedClient(base_url=root, token=api_key).set_httpx_client(http("v1"))
        self.account = Account(self.v2)
        self.jobs = Jobs(self.v2)
        self.applications = Applications(self.v2)
        self.candidates = Candidates(self.v2)
        self.pipeline = Pipeline(self.v2)
        self.webhooks = Webhooks(self.v2)

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
