"""The official Python SDK of the Hirebridge partner API.

    from hirebridge_client import Hirebridge

    client = Hirebridge(api_key="pk_live_...", base_url="https://api.example.com")
    for job in client.jobs.list_all():
        print(job.id, job.title)

The generated layers (``hirebridge_client.v2``, ``hirebridge_client.v1``) come from the API's
OpenAPI documents; this package adds resources, cursor iteration, retries, idempotency keys, typed
errors (:mod:`hirebridge_client.errors`) and webhook verification
(:mod:`hirebridge_client.webhooks`).
"""

from ._documents import VERSION
from .client import Hirebridge
from .errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    HirebridgeError,
    IdempotencyMismatchError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    WebhookVerificationError,
)
from .retries import RetryPolicy

__version__ = VERSION

__all__ = [
    "APIConnectionError",
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "Hirebridge",
    "HirebridgeError",
    "IdempotencyMismatchError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "WebhookVerificationError",
    "__version__",
]
