/**
 * Retries with backoff and automatic idempotency keys, as the `fetch` under openapi-fetch.
 *
 * A POST without an `Idempotency-Key` gets one (a UUID) before its first attempt, and every retry
 * sends the very same request, key included, so the API runs the operation at most once however
 * many attempts reach it. Retried: `429` (nothing was run), `503` (nothing was changed), a
 * connection that failed, broke or timed out, and a `409` to a retried POST (its first attempt may
 * still be running on the server).
 */

import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
const RETRYABLE_STATUSES = new Set([429, 503]);

export interface RetryPolicy {
  /** Retries after the first attempt (0 turns retrying off). Default 2. */
  maxRetries: number;
  /** The first wait, in seconds, when the API names none; doubling, with jitter. Default 0.5. */
  initialBackoff: number;
  /** The longest wait between attempts without `Retry-After`, in seconds. Default 8. */
  maxBackoff: number;
  /** The longest `Retry-After` waited for, in seconds; a longer one is thrown at once. Default 60. */
  maxRetryDelay: number;
  /** Seconds each attempt may take. Default 30. */
  timeout: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  initialBackoff: 0.5,
  maxBackoff: 8,
  maxRetryDelay: 60,
  timeout: 30,
};

/** The wait before retry number `retry` (0-based) when the API names none, in seconds. */
export function backoff(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(policy.maxBackoff, policy.initialBackoff * 2 ** retry);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** `Retry-After` in seconds (a number of seconds or an HTTP date), if the response has one. */
export function retryAfterSeconds(response: Response): number | undefined {
  const value = response.headers.get("Retry-After");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (value.trim() !== "" && Number.isFinite(seconds)) return Math.max(0, seconds);
  const moment = Date.parse(value);
  return Number.isNaN(moment) ? undefined : Math.max(0, (moment - Date.now()) / 1000);
}

function retryable(error: unknown, request: Request): boolean {
  if (request.signal.aborted) return false; // the caller gave up
  // Node's fetch rejects with a TypeError when the connection fails or breaks, and with a
  // TimeoutError when an attempt's own time runs out.
  return error instanceof TypeError || (error instanceof DOMException && error.name === "TimeoutError");
}

function delayFor(policy: RetryPolicy, request: Request, response: Response, retry: number): number | undefined {
  if (retry >= policy.maxRetries) return undefined;
  const retriedPost = retry > 0 && request.method === "POST";
  if (!RETRYABLE_STATUSES.has(response.status) && !(retriedPost && response.status === 409)) return undefined;
  const named = retryAfterSeconds(response);
  if (named === undefined) return backoff(policy, retry);
  if (named > policy.maxRetryDelay) return undefined;
  // Half a second to a second more than asked: a whole number of seconds may round the true wait
  // down by up to half a second, and clients told the same time should not all come back in the
  // same instant.
  return named + 0.5 + Math.random() * 0.5;
}

/** A `fetch` for openapi-fetch that adds idempotency keys and retries what may be retried. */
export function retryingFetch(
  policy: RetryPolicy,
  base: typeof fetch = globalThis.fetch,
): (request: Request) => Promise<Response> {
  return async (request: Request): Promise<Response> => {
    if (request.method === "POST" && !request.headers.has(IDEMPOTENCY_KEY_HEADER)) {
      request.headers.set(IDEMPOTENCY_KEY_HEADER, randomUUID());
    }
    for (let retry = 0; ; retry++) {
      let wait: number | undefined;
      try {
        const signal = AbortSignal.any([request.signal, AbortSignal.timeout(policy.timeout * 1000)]);
        const response = await base(request.clone(), { signal });
        wait = delayFor(policy, request, response, retry);
        if (wait === undefined) return response;
        await response.body?.cancel();
      } catch (error) {
        if (retry >= policy.maxRetries || !retryable(error, request)) throw error;
        wait = backoff(policy, retry);
      }
      await sleep(wait * 1000);
    }
  };
}
