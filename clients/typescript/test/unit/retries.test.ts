import assert from "node:assert/strict";
import { test } from "node:test";

import { ConflictError, Hirebridge, RateLimitError } from "../../src/index.js";

/** A fetch that answers from a script and records what it was sent. */
function scripted(...answers: (() => Response)[]) {
  const seen: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    seen.push(request);
    const answer = answers[seen.length - 1];
    if (answer === undefined) throw new Error("no answer left");
    return answer();
  };
  return { fetch: fetch as typeof globalThis.fetch, seen };
}

const envelope = (data: unknown) => Response.json({ success: true, data });
const error = (status: number, code: string, headers: Record<string, string> = {}) =>
  Response.json({ success: false, error: { code, message: code } }, { status, headers });
const job = { id: 1, reference: "R", title: "T", status: "draft" };

function client(fetch: typeof globalThis.fetch, maxRetries = 2) {
  return new Hirebridge({ apiKey: "pk_live_test", baseUrl: "http://api.test", fetch, maxRetries, initialBackoff: 0.01 });
}

test("a POST gets an Idempotency-Key that every retry sends again", async () => {
  const { fetch, seen } = scripted(
    () => error(503, "unavailable", { "Retry-After": "0" }),
    () => { throw new TypeError("fetch failed"); },
    () => envelope(job),
  );
  const created = await client(fetch).jobs.create(job as never);
  assert.equal(created.id, 1);
  const keys = seen.map((request) => request.headers.get("Idempotency-Key"));
  assert.equal(keys.length, 3);
  assert.match(keys[0] ?? "", /^[0-9a-f-]{36}$/);
  assert.deepEqual(new Set(keys).size, 1);
  assert.deepEqual(await Promise.all(seen.map((request) => request.text())), Array(3).fill(JSON.stringify(job)));
});

test("a caller's own key is sent as given; GETs get none", async () => {
  const { fetch, seen } = scripted(() => envelope(job), () => envelope(job));
  await client(fetch).jobs.create(job as never, { idempotencyKey: "order-1" });
  await client(fetch).jobs.get(1);
  assert.equal(seen[0]?.headers.get("Idempotency-Key"), "order-1");
  assert.equal(seen[1]?.headers.get("Idempotency-Key"), null);
});

test("retries are bounded: the last answer is thrown as its typed error", async () => {
  const { fetch, seen } = scripted(...Array(3).fill(() => error(429, "rate_limited", { "Retry-After": "0" })));
  await assert.rejects(client(fetch).jobs.get(1), (thrown: unknown) => {
    assert.ok(thrown instanceof RateLimitError);
    assert.equal(thrown.code, "rate_limited");
    assert.equal(thrown.retryAfter, 0);
    return true;
  });
  assert.equal(seen.length, 3);
});

test("a Retry-After longer than maxRetryDelay is not waited out", async () => {
  const { fetch, seen } = scripted(() => error(429, "quota_exceeded", { "Retry-After": "86400" }));
  await assert.rejects(client(fetch).jobs.get(1), RateLimitError);
  assert.equal(seen.length, 1);
});

test("a 409 is retried only when the POST was itself a retry", async () => {
  const first = scripted(() => error(409, "conflict"));
  await assert.rejects(client(first.fetch).jobs.create(job as never), ConflictError);
  assert.equal(first.seen.length, 1);
  const retried = scripted(() => { throw new TypeError("fetch failed"); }, () => error(409, "conflict"), () => envelope(job));
  assert.equal((await client(retried.fetch).jobs.create(job as never)).id, 1);
  assert.equal(retried.seen.length, 3);
});
