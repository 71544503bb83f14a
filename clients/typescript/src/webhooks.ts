/**
 * Checking that a webhook request came from Hirebridge, and reading its event.
 *
 * Each delivery carries `X-Webhook-Signature: t=<unix seconds>,v1=<hex>`: the hex HMAC-SHA256,
 * keyed with the webhook's secret (the whole `whsec_...` string), of `<t>.<raw body>`. For 24 hours
 * after a rotation the header holds one `v1=` entry per live secret, newest first. `verifyWebhook`
 * checks every entry against every secret it is given, so a receiver that lists both the new and
 * the previous secret keeps accepting deliveries while it rolls over.
 */

import { createHmac, timingSafeEqual } from "node:crypto";

import { WebhookVerificationError } from "./errors.js";
import type { components } from "./generated/v2.js";

export const SIGNATURE_HEADER = "X-Webhook-Signature";
export const EVENT_HEADER = "X-Webhook-Event";
export const DELIVERY_ID_HEADER = "X-Webhook-Delivery-Id";
export const DEFAULT_TOLERANCE = 300;

/** The body of a webhook POST; `type` tells which event it is and so what `data` holds. */
export type WebhookEvent = components["schemas"]["WebhookEvent"];

export interface VerifyOptions {
  /** How many seconds `t` may be from this machine's clock, either way. Default 300. */
  tolerance?: number;
}

const HEX_SIGNATURE = /^[0-9a-f]{64}$/;

function parse(header: string): { timestamp: number; signatures: Buffer[] } {
  const timestamps: string[] = [];
  const signatures: Buffer[] = [];
  for (const part of header.split(",")) {
    const [name, value = ""] = part.trim().split(/=(.*)/s, 2);
    if (name === "t") timestamps.push(value);
    // A malformed entry is kept as an empty buffer: it can match nothing.
    else if (name === "v1") signatures.push(HEX_SIGNATURE.test(value) ? Buffer.from(value, "hex") : Buffer.alloc(0));
  }
  const [timestamp] = timestamps;
  if (timestamps.length !== 1 || timestamp === undefined || !/^[0-9]+$/.test(timestamp)) {
    throw new WebhookVerificationError("the signature header has no valid 't=' timestamp");
  }
  if (signatures.length === 0) throw new WebhookVerificationError("the signature header has no 'v1=' signature");
  return { timestamp: Number(timestamp), signatures };
}

/**
 * Check a delivery's signature and return its typed event.
 *
 * @param payload the request body exactly as it arrived (a Buffer, or its text), before any JSON
 *   parsing.
 * @param signatureHeader the `X-Webhook-Signature` header.
 * @param secrets the webhook's secret, or several (the new and the previous during a rotation).
 * @throws WebhookVerificationError when the header is malformed, `t` is too old or in the
 *   future, or no `v1` entry is the signature of `payload` with any of `secrets`.
 */
export function verifyWebhook(
  payload: Uint8Array | string,
  signatureHeader: string,
  secrets: string | readonly string[],
  options: VerifyOptions = {},
): WebhookEvent {
  const keys = typeof secrets === "string" ? [secrets] : [...secrets];
  if (keys.length === 0 || keys.some((key) => !key)) throw new TypeError("at least one webhook secret is needed");
  const raw = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
  const { timestamp, signatures } = parse(signatureHeader);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const age = Date.now() / 1000 - timestamp;
  if (age > tolerance) throw new WebhookVerificationError(`the signature's timestamp is ${Math.floor(age)} s old`);
  if (-age > tolerance) throw new WebhookVerificationError("the signature's timestamp is in the future");
  const expected = keys.map((key) => createHmac("sha256", key).update(`${timestamp}.`).update(raw).digest());
  // Every comparison is made, each in constant time, so the time taken tells nothing.
  let matched = false;
  for (const mine of expected) {
    for (const theirs of signatures) {
      if (theirs.length === mine.length && timingSafeEqual(mine, theirs)) matched = true;
    }
  }
  if (!matched) throw new WebhookVerificationError("no signature matches the payload with the given secrets");
  return JSON.parse(raw.toString("utf8")) as WebhookEvent;
}
