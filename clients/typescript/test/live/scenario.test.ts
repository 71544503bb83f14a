/**
 * The partner scenario against a live server, behind the recording proxy of
 * contract_tests/test_sdk_partner_scenarios.py, which runs it and passes it, in the environment:
 * the proxy's URL, an all-scopes key, a job body, a search word and the ids of the three CV
 * profiles it matches, and the pipeline family's calls per minute.
 */

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";

import {
  AuthenticationError,
  BadRequestError,
  type Body,
  Hirebridge,
  NotFoundError,
  WebhookVerificationError,
  verifyWebhook,
} from "../../src/index.js";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this test is run by contract_tests/test_sdk_partner_scenarios.py`);
  return value;
}

const baseUrl = required("HIREBRIDGE_BASE_URL");
const apiKey = required("HIREBRIDGE_API_KEY");
const jobTemplate = JSON.parse(required("HIREBRIDGE_JOB")) as Body<"createJob">;
const searchQuery = required("HIREBRIDGE_SEARCH_QUERY");
const searchIds = JSON.parse(required("HIREBRIDGE_SEARCH_IDS")) as number[];
const pipelineLimit = Number(required("HIREBRIDGE_PIPELINE_LIMIT"));
const client = new Hirebridge({ apiKey, baseUrl });

const newJob = (): Body<"createJob"> => ({ ...jobTemplate, reference: `TS-${randomBytes(4).toString("hex")}` });

interface Exchange {
  method: string;
  path: string;
  status: number;
  dropped: boolean;
  request_headers: Record<string, string>;
  response_headers: Record<string, string>;
}

/** What the proxy saw of this key's calls. */
async function exchanges(): Promise<Exchange[]> {
  const reply = await fetch(`${baseUrl}/__proxy/exchanges`, { headers: { Authorization: `Bearer ${apiKey}` } });
  return (await reply.json()) as Exchange[];
}

// A webhook receiver: every POST is kept with its raw body.
interface Delivery {
  body: Buffer;
  signature: string;
}
const deliveries: Delivery[] = [];
const receiver = createServer((request: IncomingMessage, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    deliveries.push({ body: Buffer.concat(chunks), signature: String(request.headers["x-webhook-signature"]) });
    response.writeHead(200).end();
  });
});

async function delivery(index: number): Promise<Delivery> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    const found = deliveries[index];
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no delivery ${index} within a minute`);
}

before(async () => {
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");
});
after(() => receiver.close());

test("the rate limit is waited out through the retry", async () => {
  // Started first: the window the limit counts in opens with this key's first pipeline call.
  const pages: Awaited<ReturnType<typeof client.pipeline.listStages>>[] = [];
  for (let call = 0; call <= pipelineLimit; call++) pages.push(await client.pipeline.listStages());
  assert.ok(pages.every((page) => page.data.length === pages[0]?.data.length));
  const statuses = (await exchanges()).filter((e) => e.path.startsWith("/api/v2/pipeline/stages")).map((e) => e.status);
  assert.deepEqual(statuses, [...Array(pipelineLimit).fill(200), 429, 200]);
});

test("create, publish and walk every page with a small limit", async () => {
  const created = [];
  for (let n = 0; n < 5; n++) created.push(await client.jobs.create(newJob()));
  const [first] = created;
  assert.ok(first);
  const published = await client.jobs.publish(first.id);
  assert.equal(published.id, first.id);
  assert.notEqual(published.status, first.status);
  const walked = [];
  for await (const job of client.jobs.listAll({ limit: 2 })) walked.push(job.id);
  assert.deepEqual(walked, created.map((job) => job.id).reverse());
  const pages = (await exchanges()).filter((e) => e.method === "GET" && e.path.startsWith("/api/v2/jobs?"));
  assert.equal(pages.length, 3);
  const open = [];
  for await (const job of client.jobs.listAll({ status: published.status, limit: 1 })) open.push(job.id);
  assert.deepEqual(open, [published.id]);
});

test("search and unlock a candidate", async () => {
  const page = await client.candidates.search({ query: searchQuery }, { limit: 2 });
  assert.equal(page.meta.total, 3);
  assert.equal(page.pagination.hasMore, true);
  const found = [];
  for await (const row of client.candidates.searchAll({ query: searchQuery }, { limit: 2 })) found.push(row);
  assert.deepEqual(found.map((row) => row.id).sort(), [...searchIds].sort());
  assert.ok(found.every((row) => row.isUnlocked === false));
  const profile = await client.candidates.get(found[0]?.id ?? 0);
  assert.equal(profile.isUnlocked, true);
  assert.ok(profile.email);
});

test("a POST sent again with its idempotency key is replayed", async () => {
  const job = newJob();
  const first = await client.jobs.create(job, { idempotencyKey: `ts-${job.reference}` });
  const again = await client.jobs.create(job, { idempotencyKey: `ts-${job.reference}` });
  assert.equal(again.id, first.id);
  const creates = (await exchanges()).filter((e) => e.request_headers["idempotency-key"] === `ts-${job.reference}`);
  assert.deepEqual(creates.map((e) => e.response_headers["idempotent-replayed"]), [undefined, "true"]);
});

test("a lost response is retried with the same key and replayed, not run twice", async () => {
  const job = await client.jobs.create(newJob());
  const path = `/api/v2/jobs/${job.id}/publish`;
  await fetch(`${baseUrl}/__proxy/drop`, { method: "POST", body: JSON.stringify({ method: "POST", path }) });
  const published = await client.jobs.publish(job.id);
  assert.equal(published.id, job.id);
  const attempts = (await exchanges()).filter((e) => e.path === path);
  assert.deepEqual(attempts.map((e) => [e.status, e.dropped]), [[200, true], [200, false]]);
  assert.equal(new Set(attempts.map((e) => e.request_headers["idempotency-key"])).size, 1);
  assert.equal(attempts[1]?.response_headers["idempotent-replayed"], "true");
});

test("errors are typed and carry code, message, status and request id", async () => {
  const missing = await client.jobs.get(999_999_999).catch((error: unknown) => error);
  assert.ok(missing instanceof NotFoundError);
  assert.equal(missing.status, 404);
  assert.equal(missing.code, "not_found");
  assert.ok(missing.message);
  const [seen] = (await exchanges()).filter((e) => e.status === 404);
  assert.equal(missing.requestId, seen?.response_headers["x-request-id"]);

  const draft = await client.jobs.create(newJob());
  await assert.rejects(client.jobs.close(draft.id).then(() => client.jobs.publish(draft.id)), (error: unknown) => {
    assert.ok(error instanceof BadRequestError);
    assert.equal(error.code, "invalid_state");
    return true;
  });
  const stranger = new Hirebridge({ apiKey: `pk_live_${"x".repeat(40)}`, baseUrl });
  await assert.rejects(stranger.jobs.list(), AuthenticationError);
});

test("a real delivery is verified, and refused when altered, old or signed with another secret", async () => {
  const { port } = receiver.address() as AddressInfo;
  const hook = await client.webhooks.create({ url: `http://127.0.0.1:${port}/hooks`, events: ["job.published"] });
  const job = await client.jobs.create(newJob());
  await client.jobs.publish(job.id);
  const { body, signature } = await delivery(0);

  const event = verifyWebhook(body, signature, hook.secret);
  assert.equal(event.type, "job.published");
  if (event.type === "job.published") assert.equal(event.data.jobPostId, job.id);

  const altered = Buffer.concat([body, Buffer.from(" ")]);
  assert.throws(() => verifyWebhook(altered, signature, hook.secret), WebhookVerificationError);
  assert.throws(() => verifyWebhook(body, signature, `whsec_${randomBytes(24).toString("hex")}`), WebhookVerificationError);
  const { createHmac } = await import("node:crypto");
  const stale = Math.floor(Date.now() / 1000) - 301;
  const staleHeader = `t=${stale},v1=${createHmac("sha256", hook.secret).update(`${stale}.`).update(body).digest("hex")}`;
  assert.throws(() => verifyWebhook(body, staleHeader, hook.secret), /old/);

  const rotation = await client.webhooks.rotateSecret(hook.id);
  await client.webhooks.sendTestEvent(hook.id);
  const rotated = await delivery(1);
  assert.equal(rotated.signature.split("v1=").length - 1, 2);
  for (const secrets of [[rotation.secret], [hook.secret], [hook.secret, rotation.secret]]) {
    assert.equal(verifyWebhook(rotated.body, rotated.signature, secrets).type, "webhook.test");
  }
  assert.throws(() => verifyWebhook(rotated.body, rotated.signature, ["whsec_other"]), WebhookVerificationError);
});
