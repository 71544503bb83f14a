import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";

import { WebhookVerificationError, verifyWebhook } from "../../src/index.js";

const secret = "whsec_current";
const previous = "whsec_previous";
const body = JSON.stringify({
  id: "evt_7c4a8d09ca3762af61e59520",
  type: "job.closed",
  createdAt: "2026-05-03T10:12:00Z",
  data: { jobPostId: 7, closedAt: "2026-05-03T10:12:00Z" },
});

function sign(key: string, timestamp: number, payload: string): string {
  return createHmac("sha256", key).update(`${timestamp}.${payload}`).digest("hex");
}

function header(timestamp: number, keys: string[], payload = body): string {
  return [`t=${timestamp}`, ...keys.map((key) => `v1=${sign(key, timestamp, payload)}`)].join(",");
}

const now = () => Math.floor(Date.now() / 1000);

test("a signed body is accepted, as a Buffer or as text, and typed by its event", () => {
  const event = verifyWebhook(Buffer.from(body), header(now(), [secret]), secret);
  assert.equal(event.type, "job.closed");
  if (event.type === "job.closed") assert.equal(event.data.jobPostId, 7);
  assert.deepEqual(verifyWebhook(body, header(now(), [secret]), [secret]), event);
});

test("during a rotation either secret is accepted", () => {
  const rotating = header(now(), [secret, previous]);
  for (const keys of [[secret], [previous], [previous, secret]]) {
    assert.equal(verifyWebhook(body, rotating, keys).id, "evt_7c4a8d09ca3762af61e59520");
  }
  assert.throws(() => verifyWebhook(body, rotating, "whsec_other"), WebhookVerificationError);
});

test("an altered body, a wrong secret, an old or a future timestamp are refused", () => {
  const fresh = header(now(), [secret]);
  assert.throws(() => verifyWebhook(body.replace("7", "8"), fresh, secret), WebhookVerificationError);
  assert.throws(() => verifyWebhook(body, fresh, "whsec_wrong"), WebhookVerificationError);
  assert.throws(() => verifyWebhook(body, header(now() - 301, [secret]), secret), /old/);
  assert.throws(() => verifyWebhook(body, header(now() + 400, [secret]), secret), /future/);
  assert.equal(verifyWebhook(body, header(now() - 301, [secret]), secret, { tolerance: 600 }).type, "job.closed");
});

test("malformed headers are refused, never thrown as anything else", () => {
  for (const bad of ["", "t=abc,v1=00", `v1=${sign(secret, now(), body)}`, `t=${now()}`, `t=${now()},v1=zz`, `t=${now()},v1=é`]) {
    assert.throws(() => verifyWebhook(body, bad, secret), WebhookVerificationError, bad);
  }
  assert.throws(() => verifyWebhook(body, header(now(), [secret]), []), TypeError);
});
