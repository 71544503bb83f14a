/**
 * `Hirebridge`: one configured connection to the API, with the v2 operations by resource.
 *
 * A method takes the operation's path parameters positionally, then its body (typed from the
 * document) and its query parameters; POSTs accept an `idempotencyKey`. It resolves to the object
 * inside the success envelope (`data`), or, for a list, to the whole page (`data`, `pagination`);
 * each list has an `…All` twin, an async iterator over every page by cursor. An error status
 * rejects with the matching error class of `errors.ts`. Field names and enum values come from the
 * generated types alone, so a change to the document reaches callers through `make clients`.
 */

import createClient, { type Client } from "openapi-fetch";

import { ApiConnectionError, errorFor } from "./errors.js";
import type { operations, paths } from "./generated/v2.js";
import { BASE_PATH, VERSION } from "./generated/document.js";
import { DEFAULT_RETRY_POLICY, IDEMPOTENCY_KEY_HEADER, type RetryPolicy, retryingFetch } from "./retries.js";

export const USER_AGENT = `hirebridge-node/${VERSION} node/${process.versions.node}`;

type Api = Client<paths>;
/** The query parameters of an operation. */
export type Query<Op extends keyof operations> = NonNullable<operations[Op]["parameters"]["query"]>;
/** The JSON request body of an operation. */
export type Body<Op extends keyof operations> = NonNullable<operations[Op]["requestBody"]> extends {
  content: { "application/json": infer B };
}
  ? B
  : never;
/** Every query parameter of a list but the cursor, which the iterator handles. */
export type ListQuery<Op extends keyof operations> = Omit<Query<Op>, "cursor">;

export interface PostOptions {
  /** Sent as `Idempotency-Key`; a fresh UUID by default, reused on every retry. */
  idempotencyKey?: string;
}

export interface HirebridgeOptions extends Partial<RetryPolicy> {
  /** The `pk_live_...` key, sent as `Authorization: Bearer`. */
  apiKey: string;
  /** The server's root URL (`https://api.example.com`); `/api/v2` is added. */
  baseUrl: string;
  /** The fetch under the retries (default: the global one). */
  fetch?: typeof fetch;
}

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

interface Page<T> {
  data: T[];
  pagination: { hasMore: boolean; nextCursor?: string | null };
}

/** The success body of a call, or the error it stands for. */
async function body<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (error) {
    throw new ApiConnectionError(`could not reach the Hirebridge API: ${String(error)}`, { cause: error });
  }
  if (!result.response.ok) throw errorFor(result.response, result.error);
  return result.data as T;
}

/** The object inside a success envelope. */
async function data<T>(call: Promise<Result<{ data: T }>>): Promise<T> {
  return (await body(call)).data;
}

/** Every item of a list, page after page, by following `nextCursor`. */
async function* walk<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield* page.data;
    if (!page.pagination.hasMore || !page.pagination.nextCursor) return;
    cursor = page.pagination.nextCursor;
  }
}

function idempotency(options: PostOptions): { [IDEMPOTENCY_KEY_HEADER]?: string } {
  return options.idempotencyKey === undefined ? {} : { [IDEMPOTENCY_KEY_HEADER]: options.idempotencyKey };
}

/** The calling key itself (`/me`): its name, scopes, employer, plan and what is left of its limits. */
export class Account {
  constructor(private readonly api: Api) {}

  me() {
    return data(this.api.GET("/me"));
  }
}

/** The employer's job postings (`/jobs`). */
export class Jobs {
  constructor(private readonly api: Api) {}

  list(query: Query<"listJobs"> = {}) {
    return body(this.api.GET("/jobs", { params: { query } }));
  }

  listAll(query: ListQuery<"listJobs"> = {}) {
    return walk((cursor) => this.list({ ...query, cursor }));
  }

  create(job: Body<"createJob">, options: PostOptions = {}) {
    return data(this.api.POST("/jobs", { body: job, params: { header: idempotency(options) } }));
  }

  get(jobId: number) {
    return data(this.api.GET("/jobs/{jobId}", { params: { path: { jobId } } }));
  }

  update(jobId: number, change: Body<"updateJob">) {
    return data(this.api.PUT("/jobs/{jobId}", { params: { path: { jobId } }, body: change }));
  }

  close(jobId: number) {
    return data(this.api.DELETE("/jobs/{jobId}", { params: { path: { jobId } } }));
  }

  publish(jobId: number, publication: Body<"publishJob"> = {}, options: PostOptions = {}) {
    return data(
      this.api.POST("/jobs/{jobId}/publish", {
        params: { path: { jobId }, header: idempotency(options) },
        body: publication,
      }),
    );
  }
}

/** Applications to the employer's jobs (`/jobs/{jobId}/applications`). */
export class Applications {
  constructor(private readonly api: Api) {}

  list(jobId: number, query: Query<"listJobApplications"> = {}) {
    return body(this.api.GET("/jobs/{jobId}/applications", { params: { path: { jobId }, query } }));
  }

  listAll(jobId: number, query: ListQuery<"listJobApplications"> = {}) {
    return walk((cursor) => this.list(jobId, { ...query, cursor }));
  }
}

/** The talent pool and the CV database (`/candidates`). */
export class Candidates {
  constructor(private readonly api: Api) {}

  list(query: Query<"listCandidates"> = {}) {
    return body(this.api.GET("/candidates", { params: { query } }));
  }

  listAll(query: ListQuery<"listCandidates"> = {}) {
    return walk((cursor) => this.list({ ...query, cursor }));
  }

  create(candidate: Body<"createCandidate">, options: PostOptions = {}) {
    return data(this.api.POST("/candidates", { body: candidate, params: { header: idempotency(options) } }));
  }

  /** A full profile; unlocking one from the CV database costs a `cv_download` credit. */
  get(candidateId: number) {
    return data(this.api.GET("/candidates/{candidateId}", { params: { path: { candidateId } } }));
  }

  update(candidateId: number, change: Body<"updateCandidate">) {
    return data(this.api.PUT("/candidates/{candidateId}", { params: { path: { candidateId } }, body: change }));
  }

  /** One page of masked results; each page costs a `cv_search` credit. */
  search(search: Body<"searchCandidates">, query: Query<"searchCandidates"> = {}, options: PostOptions = {}) {
    return body(
      this.api.POST("/candidates/search", { body: search, params: { query, header: idempotency(options) } }),
    );
  }

  /** Every result, page after page: each page is a call and costs a `cv_search` credit. */
  searchAll(search: Body<"searchCandidates">, query: ListQuery<"searchCandidates"> = {}) {
    return walk((cursor) => this.search(search, { ...query, cursor }));
  }
}

/** The hiring pipeline's stages and the applications moving through them. */
export class Pipeline {
  constructor(private readonly api: Api) {}

  listStages(query: Query<"listPipelineStages"> = {}) {
    return body(this.api.GET("/pipeline/stages", { params: { query } }));
  }

  listStagesAll(query: ListQuery<"listPipelineStages"> = {}) {
    return walk((cursor) => this.listStages({ ...query, cursor }));
  }

  listStageCandidates(stageId: string, query: Query<"listStageCandidates"> = {}) {
    return body(this.api.GET("/pipeline/stages/{stageId}/candidates", { params: { path: { stageId }, query } }));
  }

  listStageCandidatesAll(stageId: string, query: ListQuery<"listStageCandidates"> = {}) {
    return walk((cursor) => this.listStageCandidates(stageId, { ...query, cursor }));
  }

  move(applicationId: number, move: Body<"moveApplication">) {
    return data(
      this.api.PUT("/pipeline/candidates/{applicationId}/move", { params: { path: { applicationId } }, body: move }),
    );
  }
}

/** Webhook subscriptions, their secrets and their deliveries (`/webhooks`). */
export class Webhooks {
  constructor(private readonly api: Api) {}

  list(query: Query<"listWebhooks"> = {}) {
    return body(this.api.GET("/webhooks", { params: { query } }));
  }

  listAll(query: ListQuery<"listWebhooks"> = {}) {
    return walk((cursor) => this.list({ ...query, cursor }));
  }

  /** The new webhook, with its signing secret (shown this once). */
  create(webhook: Body<"createWebhook">, options: PostOptions = {}) {
    return data(this.api.POST("/webhooks", { body: webhook, params: { header: idempotency(options) } }));
  }

  get(webhookId: number) {
    return data(this.api.GET("/webhooks/{webhookId}", { params: { path: { webhookId } } }));
  }

  update(webhookId: number, change: Body<"updateWebhook">) {
    return data(this.api.PUT("/webhooks/{webhookId}", { params: { path: { webhookId } }, body: change }));
  }

  async delete(webhookId: number): Promise<void> {
    await body(this.api.DELETE("/webhooks/{webhookId}", { params: { path: { webhookId } } }));
  }

  /** A new secret (shown this once); the previous one keeps signing for 24 hours. */
  rotateSecret(webhookId: number, options: PostOptions = {}) {
    return data(
      this.api.POST("/webhooks/{webhookId}/rotate-secret", {
        params: { path: { webhookId }, header: idempotency(options) },
      }),
    );
  }

  sendTestEvent(webhookId: number, options: PostOptions = {}) {
    return data(
      this.api.POST("/webhooks/{webhookId}/test", { params: { path: { webhookId }, header: idempotency(options) } }),
    );
  }

  listDeliveries(webhookId: number, query: Query<"listWebhookDeliveries"> = {}) {
    return body(this.api.GET("/webhooks/{webhookId}/deliveries", { params: { path: { webhookId }, query } }));
  }

  listDeliveriesAll(webhookId: number, query: ListQuery<"listWebhookDeliveries"> = {}) {
    return walk((cursor) => this.listDeliveries(webhookId, { ...query, cursor }));
  }

  redeliver(webhookId: number, deliveryId: string, options: PostOptions = {}) {
    return data(
      this.api.POST("/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", {
        params: { path: { webhookId, deliveryId }, header: idempotency(options) },
      }),
    );
  }

  replay(webhookId: number, replay: Body<"replayWebhookDeliveries">, options: PostOptions = {}) {
    return data(
      this.api.POST("/webhooks/{webhookId}/replay", {
        params: { path: { webhookId }, header: idempotency(options) },
        body: replay,
      }),
    );
  }
}

/** A client of the Hirebridge partner API (v2). */
export class Hirebridge {
  readonly account: Account;
  readonly jobs: Jobs;
  readonly applications: Applications;
  readonly candidates: Candidates;
  readonly pipeline: Pipeline;
  readonly webhooks: Webhooks;
  /** The openapi-fetch client underneath, typed by the v2 document, for calls made by path. */
  readonly api: Api;

  constructor(options: HirebridgeOptions) {
    if (!options.apiKey) throw new TypeError("an API key is needed: new Hirebridge({ apiKey: 'pk_live_...', ... })");
    const { apiKey, baseUrl, fetch: baseFetch, ...retries } = options;
    const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...retries };
    this.api = createClient<paths>({
      baseUrl: baseUrl.replace(/\/+$/, "") + BASE_PATH,
      headers: { Authorization: `Bearer ${apiKey}`, "User-Agent": USER_AGENT },
      fetch: retryingFetch(policy, baseFetch),
    });
    this.account = new Account(this.api);
    this.jobs = new Jobs(this.api);
    this.applications = new Applications(this.api);
    this.candidates = new Candidates(this.api);
    this.pipeline = new Pipeline(this.api);
    this.webhooks = new Webhooks(this.api);
  }
}
