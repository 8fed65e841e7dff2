import { setTimeout as delay } from 'node:timers/promises';
import * as k8s from '@kubernetes/client-node';
import { systemClock } from '../clock.ts';
import { AdaptiveRequestLimit, ApiThrottledError, nextAttempt, type ShedHistory } from './_request-limit.ts';

type Action = 'read' | 'patch' | 'delete';
type PathResolver = { specUriPath(spec: k8s.KubernetesObject, action: Action): Promise<string> };
type Response = { status: number; body: unknown; headers: Record<string, string>; warnings: string[] };

type Discovery = {
  resource(apiVersion: string, kind: string, options?: unknown): Promise<k8s.V1APIResource | undefined>;
};
const objectApis = new WeakMap<k8s.KubeConfig, { server: string; api: k8s.KubernetesObjectApi }>();

/**
 * The one object API of `kc` and its current server, whose discovery cache all its users share
 * (every phase of a deploy asks `/api/v1` once, not once per phase; a KubeConfig pointed at another
 * server gets an object API of its own). client-node caches an apiVersion's resource list only once
 * its answer is in, so a thousand objects looked up at once would each send the same discovery
 * request: here a lookup waits for the one already under way for its apiVersion, and then reads
 * the cache (an unknown kind, such as a CRD's applied moments ago, still asks again; a failed
 * lookup is not kept).
 */
export function objectApiOf(kc: k8s.KubeConfig): k8s.KubernetesObjectApi {
  const server = kc.getCurrentCluster()?.server ?? '';
  const known = objectApis.get(kc);
  if (known?.server === server) return known.api;
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  const discovery = api as unknown as Discovery;
  const ask = discovery.resource.bind(api);
  // discovery is a request like the others: it waits under the limit, a 429 goes again
  const lookUp: Discovery['resource'] = (apiVersion, kind, options) =>
    underRequestLimit(kc, `GET discovery of ${apiVersion}`, () =>
      ask(apiVersion, kind, options).then(
        (value) => ({ value }),
        (error: unknown) => {
          if (!(error instanceof k8s.ApiException && error.code === 429)) throw error;
          const headers = (error.headers ?? {}) as Record<string, string | undefined>;
          return { shed: headers['retry-after'] };
        },
      ),
    );
  const underWay = new Map<string, Promise<unknown>>();
  discovery.resource = async (apiVersion, kind, options) => {
    const first = underWay.get(apiVersion);
    if (first) {
      await first.catch(() => undefined);
      return lookUp(apiVersion, kind, options);
    }
    const asked = lookUp(apiVersion, kind, options);
    underWay.set(apiVersion, asked);
    try {
      return await asked;
    } finally {
      underWay.delete(apiVersion);
    }
  };
  objectApis.set(kc, { server, api });
  return api;
}

/** The cluster serves no such apiVersion and kind (discovery does not know it; a CRD is missing). */
export class UnservedKindError extends Error {
  override readonly name = 'UnservedKindError';
}

/**
 * The texts of the `Warning` headers of a response (RFC 7234: `299 - "text"`), as the API server
 * sends them for deprecated APIs, unknown fields it dropped, and admission webhooks' warnings.
 */
export function warningsOf(rawHeaders: readonly string[]): string[] {
  const warnings: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] ?? '').toLowerCase() !== 'warning') continue;
    const value = rawHeaders[i + 1] ?? '';
    const quoted = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(value);
    warnings.push(quoted ? (quoted[1] ?? '').replace(/\\(.)/g, '$1') : value);
  }
  return warnings;
}

/**
 * Requests to the Kubernetes API that send and receive objects as plain JSON. client-node's
 * typed models drop every field they do not know when they serialise, so a field newer than the
 * client (or a typo) would silently vanish from what kubeship applies; here the object goes to
 * the API server exactly as rendered, and the server validates it (fieldValidation=Strict).
 */
export class RawObjectClient {
  readonly #kc: k8s.KubeConfig;
  readonly #paths: PathResolver;

  constructor(kc: k8s.KubeConfig) {
    this.#kc = kc;
    // The object API knows each kind's URL (discovery, cached); only its path logic is used.
    this.#paths = objectApiOf(kc) as unknown as PathResolver;
  }

  /** The live object, or undefined when it does not exist. */
  async read(object: k8s.KubernetesObject): Promise<k8s.KubernetesObject | undefined> {
    const response = await this.#send('GET', await this.#path(object, 'read'));
    if (response.status === 404) return undefined;
    return bodyOrThrow(response) as k8s.KubernetesObject;
  }

  /**
   * Server-side apply as `fieldManager`, optionally as a dry-run; the response's `Warning`
   * headers go to `onWarnings`.
   */
  async apply(
    object: k8s.KubernetesObject,
    options: {
      fieldManager: string;
      force: boolean;
      dryRun: boolean;
      onWarnings?: (warnings: readonly string[]) => void;
    },
  ): Promise<k8s.KubernetesObject> {
    const query = new URLSearchParams({ fieldManager: options.fieldManager, fieldValidation: 'Strict' });
    if (options.force) query.set('force', 'true');
    if (options.dryRun) query.set('dryRun', 'All');
    const path = `${await this.#path(object, 'patch')}?${query}`;
    const response = await this.#send('PATCH', path, JSON.stringify(object), 'application/apply-patch+yaml');
    if (response.warnings.length > 0) options.onWarnings?.(response.warnings);
    return bodyOrThrow(response) as k8s.KubernetesObject;
  }

  /**
   * Deletes the object (its dependents as `propagationPolicy` says); true when it was there,
   * false when it was already gone.
   */
  async delete(
    object: k8s.KubernetesObject,
    propagationPolicy: 'Background' | 'Foreground' = 'Background',
  ): Promise<boolean> {
    const query = new URLSearchParams({ propagationPolicy });
    const response = await this.#send('DELETE', `${await this.#path(object, 'delete')}?${query}`);
    if (response.status === 404) return false;
    bodyOrThrow(response);
    return true;
  }

  /** The URL path of the collection that holds `object` (what a watch of it asks for). */
  async collectionPath(object: k8s.KubernetesObject): Promise<string> {
    const path = await this.#path(object, 'read');
    return path.slice(0, path.lastIndexOf('/'));
  }

  async #path(object: k8s.KubernetesObject, action: Action): Promise<string> {
    try {
      // specUriPath fills in missing fields of its argument: give it a copy
      return await this.#paths.specUriPath({ ...object, metadata: { ...object.metadata } }, action);
    } catch (error) {
      // discovery: an unknown group/version is a 404, an unknown kind in a known one a plain Error
      const unknownGroup = error instanceof k8s.ApiException && error.code === 404;
      if (unknownGroup || (error instanceof Error && /Unrecognized API version and kind/.test(error.message)))
        throw new UnservedKindError(`the cluster does not serve ${object.apiVersion} ${object.kind}`);
      throw error;
    }
  }

  #send(
    method: 'GET' | 'PATCH' | 'DELETE',
    path: string,
    body?: string,
    contentType?: string,
  ): Promise<Response> {
    return sendKubernetesRequest(this.#kc, method, path, {
      ...(body === undefined ? {} : { body }),
      ...(contentType === undefined ? {} : { contentType }),
    });
  }
}

const limits = new WeakMap<k8s.KubeConfig, AdaptiveRequestLimit>();

/** The one limit on the requests in flight of `kc` (see {@link AdaptiveRequestLimit}). */
export function requestLimitOf(kc: k8s.KubeConfig): AdaptiveRequestLimit {
  let limit = limits.get(kc);
  if (!limit) {
    limit = new AdaptiveRequestLimit(systemClock);
    limits.set(kc, limit);
  }
  return limit;
}

/**
 * One request through the KubeConfig's own authentication and dispatcher, so it carries the
 * time bounds of every Kubernetes request (KUBESHIP_KUBE_TIMEOUT, see `boundKubernetesRequests`)
 * and a request that gets no answer fails as CLUSTER_UNREACHABLE naming it. It waits for a place
 * under the KubeConfig's {@link requestLimitOf}; a 429 (the API server's max-in-flight or
 * priority and fairness shed it before handling it) narrows that limit and the request is sent
 * again after its Retry-After, until it has waited too long (ApiThrottledError naming it). Any
 * other HTTP status is returned, with the body parsed as JSON where it is JSON.
 */
export async function sendKubernetesRequest(
  kc: k8s.KubeConfig,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: { readonly body?: string; readonly contentType?: string; readonly accept?: string } = {},
): Promise<Response> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = `${cluster.server.replace(/\/$/, '')}${path}`;
  // undici is CommonJS: its `default` is the module itself, loaded natively or from a bundle's chunk
  const { getGlobalDispatcher, request } = (await import('undici')).default;
  // authenticated when it is sent, not before its wait: a token stays fresh
  const send = async () => {
    const context = new k8s.RequestContext(url, k8s.HttpMethod[method]);
    context.setHeaderParam('accept', options.accept ?? 'application/json');
    if (options.body !== undefined)
      context.setHeaderParam('content-type', options.contentType ?? 'application/json');
    await kc.applySecurityAuthentication(context);
    return request(context.getUrl(), {
      method,
      headers: context.getHeaders(),
      ...(options.body === undefined ? {} : { body: options.body }),
      dispatcher: context.getDispatcher() ?? getGlobalDispatcher(),
    });
  };
  return underRequestLimit(kc, `${method} ${path.split('?', 1)[0]}`, async () => {
    const response = await send();
    if (response.statusCode === 429) {
      await response.body.dump();
      const retryAfter = response.headers['retry-after'];
      return { shed: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
    }
    return { value: answerOf(response.statusCode, response.headers, await response.body.text()) };
  });
}

/** One try of a request: its answer, or the Retry-After of the 429 that shed it. */
type Attempt<T> = { readonly value: T } | { readonly shed: string | undefined };

/**
 * Runs `attempt` of `request` (`METHOD /path`, for messages) under the KubeConfig's
 * {@link requestLimitOf}: a shed attempt narrows the limit and is tried again after its
 * Retry-After, until the request has been shed too often or for too long since its first shed
 * (ApiThrottledError naming it).
 */
export async function underRequestLimit<T>(
  kc: k8s.KubeConfig,
  request: string,
  attempt: () => Promise<Attempt<T>>,
): Promise<T> {
  const limit = requestLimitOf(kc);
  let history: ShedHistory = { sheds: 0, waitedMs: 0 };
  let firstShedAt: number | undefined;
  for (;;) {
    const permit = await limit.acquire();
    let result: Attempt<T>;
    try {
      result = await attempt();
    } catch (error) {
      permit.done();
      throw error;
    }
    if ('value' in result) {
      permit.done();
      return result.value;
    }
    const waitMs = permit.shed(result.shed);
    firstShedAt ??= Date.now();
    const next = nextAttempt(
      request,
      { ...history, waitedMs: Date.now() - firstShedAt },
      waitMs,
      limit.options,
    );
    if (next instanceof ApiThrottledError) throw next;
    history = next.history;
    await delay(next.waitMs);
  }
}

function answerOf(
  status: number,
  received: Record<string, string | string[] | undefined>,
  text: string,
): Response {
  let parsed: unknown = text || undefined;
  // plain text (a container's log) stays text, even where a line of it is JSON
  const type = received['content-type'];
  if (text && !String(Array.isArray(type) ? type[0] : type).startsWith('text/plain'))
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text for the error message
    }
  const headers: Record<string, string> = {};
  const raw: string[] = [];
  for (const [name, value] of Object.entries(received)) {
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    headers[name] = values.join(', ');
    for (const one of values) raw.push(name, one);
  }
  return { status, body: parsed, headers, warnings: warningsOf(raw) };
}

/** The body of a 2xx response; any other status thrown as the ApiException client-node would throw. */
export function bodyOrThrow(response: Response): unknown {
  if (response.status >= 200 && response.status < 300) return response.body;
  const status = response.body as { message?: string } | undefined;
  throw new k8s.ApiException(
    response.status,
    status?.message ?? `HTTP ${response.status}`,
    response.body,
    response.headers,
  );
}
