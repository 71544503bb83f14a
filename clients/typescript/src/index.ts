/**
 * The official Node.js SDK of the Hirebridge partner API.
 *
 * The types come from the v2 OpenAPI document (openapi-typescript) and the calls go through
 * openapi-fetch; this package adds resources, cursor iteration, retries, idempotency keys, typed
 * errors and webhook verification.
 */

export {
  type Body,
  Hirebridge,
  type HirebridgeOptions,
  type ListQuery,
  type PostOptions,
  type Query,
  USER_AGENT,
} from "./client.js";
export * from "./errors.js";
export type { components, operations, paths } from "./generated/v2.js";
export { VERSION } from "./generated/document.js";
export { DEFAULT_RETRY_POLICY, IDEMPOTENCY_KEY_HEADER, type RetryPolicy } from "./retries.js";
export {
  DEFAULT_TOLERANCE,
  DELIVERY_ID_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  type VerifyOptions,
  type WebhookEvent,
  verifyWebhook,
} from "./webhooks.js";

import type { components } from "./generated/v2.js";
/** Every schema of the v2 document, by name: `Schemas["Job"]`, `Schemas["WebhookEvent"]`, ... */
export type Schemas = components["schemas"];
