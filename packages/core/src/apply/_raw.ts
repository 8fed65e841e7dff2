import { setTimeout as delay } from 'node:timers/promises';
import * as k8s from '@kubernetes/client-node';
import { objectApiFor } from '../auth/_object-api.ts';

type Action = 'read' | 'patch' | 'delete';
type PathResolver = { specUriPath(spec: k8s.KubernetesObject, action: Action): Promise<string> };
type Response = { status: number; body: unknown; headers: Record<string, string>; warnings: string[] };

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
    this.#paths = objectApiFor(kc) as unknown as PathResolver;
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

  #send(method: 'GET' | 'PATCH', path: string, body?: string, contentType?: string): Promise<Response> {
    return sendKubernetesRequest(this.#kc, method, path, {
      ...(body === undefined ? {} : { body }),
      ...(contentType === undefined ? {} : { contentType }),
    });
  }
}

/** How many times a request the API server sheds with 429 is sent again. */
const TOO_MANY_REQUESTS_RETRIES = 5;

/**
 * One request through the KubeConfig's own authentication and dispatcher, so it carries the
 * time bounds of every Kubernetes request (KUBESHIP_KUBE_TIMEOUT, see `boundKubernetesRequests`)
 * and a request that gets no answer fails as CLUSTER_UNREACHABLE naming it. Any HTTP status is
 * returned, with the body parsed as JSON where it is JSON.
 */
export async function sendKubernetesRequest(
  kc: k8s.KubeConfig,
  method: 'GET' | 'PATCH',
  path: string,
  options: { readonly body?: string; readonly contentType?: string; readonly accept?: string } = {},
): Promise<Response> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const context = new k8s.RequestContext(
    `${cluster.server.replace(/\/$/, '')}${path}`,
    method === 'GET' ? k8s.HttpMethod.GET : k8s.HttpMethod.PATCH,
  );
  context.setHeaderParam('accept', options.accept ?? 'application/json');
  if (options.body !== undefined)
    context.setHeaderParam('content-type', options.contentType ?? 'application/json');
  await kc.applySecurityAuthentication(context);
  // undici is CommonJS: its `default` is the module itself, loaded natively or from a bundle's chunk
  const { getGlobalDispatcher, request } = (await import('undici')).default;
  const send = () =>
    request(context.getUrl(), {
      method,
      headers: context.getHeaders(),
      ...(options.body === undefined ? {} : { body: options.body }),
      dispatcher: context.getDispatcher() ?? getGlobalDispatcher(),
    });
  let response = await send();
  // 429: the API server's priority and fairness shed the request before handling it (a release of
  // a thousand objects meets it on a busy control plane); try again after the Retry-After it
  // names, as client-go does, a bounded number of times
  for (let retry = 1; response.statusCode === 429 && retry <= TOO_MANY_REQUESTS_RETRIES; retry++) {
    await response.body.dump();
    const seconds = Number(response.headers['retry-after']);
    await delay(Math.min((Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000) * retry, 5000));
    response = await send();
  }
  const text = await response.body.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text for the error message
  }
  const headers: Record<string, string> = {};
  const raw: string[] = [];
  for (const [name, value] of Object.entries(response.headers)) {
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    headers[name] = values.join(', ');
    for (const one of values) raw.push(name, one);
  }
  return { status: response.statusCode, body: parsed, headers, warnings: warningsOf(raw) };
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
