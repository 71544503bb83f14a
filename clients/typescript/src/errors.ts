/**
 * The errors the SDK throws: one class per kind of failure, each carrying what the API said.
 *
 * Every error response of the API but `401` has a body `{"success": false, "error": {"code",
 * "message"}}`. Switch on the class or on `code`; quote `requestId` (the response's
 * `X-Request-Id`) when you write to support.
 */

export const REQUEST_ID_HEADER = "X-Request-Id";

/** The base of every error this SDK throws. */
export class HirebridgeError extends Error {
  override name = "HirebridgeError";
}

/** The API could not be reached, or the connection broke, on every attempt the SDK made. */
export class ApiConnectionError extends HirebridgeError {
  override name = "ApiConnectionError";
}

/** A webhook request whose signature or timestamp does not check out: do not trust its body. */
export class WebhookVerificationError extends HirebridgeError {
  override name = "WebhookVerificationError";
}

export interface ApiErrorDetails {
  /** The HTTP status code. */
  status: number;
  /** The API's error code (`invalid_request`, `not_found`, ...); `undefined` for a `401`. */
  code: string | undefined;
  /** The response's `X-Request-Id`. */
  requestId: string | undefined;
  /** Every header of the response. */
  headers: Headers;
  /** The response body, parsed when it was JSON. */
  body: unknown;
}

/** The API answered with an error status. */
export class ApiError extends HirebridgeError {
  override name = "ApiError";
  readonly status: number;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly headers: Headers;
  readonly body: unknown;

  constructor(message: string, details: ApiErrorDetails) {
    super(message);
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.headers = details.headers;
    this.body = details.body;
  }
}

/** 400: the request is malformed, breaks a rule, or the object's state forbids it. */
export class BadRequestError extends ApiError {
  override name = "BadRequestError";
}
/** 401: the API key is missing, unknown, revoked, expired or not yet approved. */
export class AuthenticationError extends ApiError {
  override name = "AuthenticationError";
}
/** 402: the employer has no credit of the kind the operation costs (`no_credits`). */
export class PaymentRequiredError extends ApiError {
  override name = "PaymentRequiredError";
}
/** 403: the key lacks a scope the operation needs (`insufficient_scope`). */
export class PermissionDeniedError extends ApiError {
  override name = "PermissionDeniedError";
}
/** 404: no such object among the employer's (`not_found`). */
export class NotFoundError extends ApiError {
  override name = "NotFoundError";
}
/** 409: a clash with an existing object, or the same Idempotency-Key still running. */
export class ConflictError extends ApiError {
  override name = "ConflictError";
}
/** 422: the Idempotency-Key was used for a different request (`idempotency_mismatch`). */
export class IdempotencyMismatchError extends ApiError {
  override name = "IdempotencyMismatchError";
}
/**
 * 429: over the key's rate limit (`rate_limited`) or the monthly quota (`quota_exceeded`), once the
 * retries are spent or when `Retry-After` is longer than the client's `maxRetryDelay`.
 */
export class RateLimitError extends ApiError {
  override name = "RateLimitError";
  /** `Retry-After`, in seconds. */
  get retryAfter(): number | undefined {
    const value = Number(this.headers.get("Retry-After") ?? Number.NaN);
    return Number.isFinite(value) ? value : undefined;
  }
}
/** 5xx: a failure on the API's side; `503` (`unavailable`) is retried first. */
export class ServerError extends ApiError {
  override name = "ServerError";
}

const BY_STATUS: Record<number, typeof ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  402: PaymentRequiredError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: IdempotencyMismatchError,
  429: RateLimitError,
};

const DESCRIPTIONS: Record<number, string> = {
  401: "The API key is missing, unknown, revoked, expired or not yet approved.",
};

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** The error for an error response, with the code and message of its (already parsed) body. */
export function errorFor(response: Response, body: unknown): ApiError {
  const detail = field(body, "error") ?? body;
  const code = field(detail, "code");
  const message = field(detail, "message");
  const Kind = BY_STATUS[response.status] ?? (response.status >= 500 ? ServerError : ApiError);
  return new Kind(typeof message === "string" ? message : (DESCRIPTIONS[response.status] ?? `HTTP ${response.status}`), {
    status: response.status,
    code: typeof code === "string" ? code : undefined,
    requestId: response.headers.get(REQUEST_ID_HEADER) ?? undefined,
    headers: response.headers,
    body,
  });
}
