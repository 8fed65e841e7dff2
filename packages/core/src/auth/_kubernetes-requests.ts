// Time bounds on every request a KubeConfig of kubeship makes: the generated API clients, Watch,
// Log and the informers all ask the KubeConfig for their dispatcher (applySecurityAuthentication),
// so bounding it there bounds all of them, and a network failure comes back naming the request,
// the endpoint and the cause.
import { createHash } from 'node:crypto';
import type * as k8s from '@kubernetes/client-node';
import type { Agent, Dispatcher } from 'undici';
import { KubeshipError } from '../errors.ts';
import { networkCause } from './_aws-requests.ts';

/** How long Kubernetes API requests may take. */
export interface KubernetesRequestLimits {
  /**
   * Give up on a request that has sent no answer (or stalls in the middle of one) for this long
   * (default 30 s). Watches and log streams get it for their headers only.
   */
  readonly requestTimeoutMs?: number;
  /**
   * End a watch or log stream that has sent nothing for this long (default 5 min); the watchers
   * resume it. client-node's `Watch` ends a silent watch after 30 s on its own; this bounds every
   * other stream too.
   */
  readonly streamIdleMs?: number;
}

/** Defaults of {@link KubernetesRequestLimits}; undici itself gives up connecting after 10 s. */
export const KUBERNETES_REQUEST_DEFAULTS = {
  requestTimeoutMs: 30_000,
  streamIdleMs: 300_000,
} as const satisfies Required<KubernetesRequestLimits>;

/** undici's error codes, in words; the timeouts with their bound. */
function undiciCause(
  error: { code?: unknown; message?: unknown },
  limits: Required<KubernetesRequestLimits>,
) {
  const message = typeof error.message === 'string' ? error.message : '';
  switch (error.code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `no answer within ${limits.requestTimeoutMs / 1000} s (timeout)`;
    case 'UND_ERR_BODY_TIMEOUT':
      return `the answer stalled for ${limits.requestTimeoutMs / 1000} s (timeout)`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `could not connect (timeout: ${message})`;
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return `the connection was closed (${message || error.code})`;
    default:
      return undefined;
  }
}

/** Codes of errors that say nothing reached the API server or no answer came back. */
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;

/**
 * A CLUSTER_UNREACHABLE error for a request that failed below HTTP, or undefined for anything
 * else (aborts and timeouts of the caller's own signal pass unchanged).
 */
export function unreachableError(
  error: unknown,
  request: { method: string; origin: string; path: string },
  limits: Required<KubernetesRequestLimits>,
): KubeshipError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const shape = error as { code?: unknown; message?: unknown; name?: unknown };
  if (shape.name === 'AbortError' || shape.code === 'UND_ERR_ABORTED' || shape.code === 'UND_ERR_ABORT')
    return undefined;
  const code = typeof shape.code === 'string' ? shape.code : '';
  const cause =
    undiciCause(shape, limits) ??
    (TLS_CODE.test(code) ? `TLS: ${String(shape.message)} (${code})` : undefined) ??
    networkCause(error);
  if (!cause) return undefined;
  const path = request.path.split('?', 1)[0] ?? request.path;
  return new KubeshipError(
    'CLUSTER_UNREACHABLE',
    `the Kubernetes API at ${request.origin} failed ${request.method} ${path}: ${cause}`,
    { details: { endpoint: request.origin, method: request.method, path }, cause: error },
  );
}

/** Passes every callback on to the handler it wraps, replacing network errors by named ones. */
class NamingHandler implements Dispatcher.DispatchHandler {
  readonly #inner: Dispatcher.DispatchHandler;
  readonly #name: (error: Error) => Error;

  constructor(inner: Dispatcher.DispatchHandler, name: (error: Error) => Error) {
    this.#inner = inner;
    this.#name = name;
  }

  onRequestStart(...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestStart']>>) {
    this.#inner.onRequestStart?.(...args);
  }
  onRequestUpgrade(...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>) {
    this.#inner.onRequestUpgrade?.(...args);
  }
  onResponseStarted() {
    this.#inner.onResponseStarted?.();
  }
  onResponseStart(...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>) {
    this.#inner.onResponseStart?.(...args);
  }
  onResponseData(...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseData']>>) {
    this.#inner.onResponseData?.(...args);
  }
  onResponseEnd(...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseEnd']>>) {
    this.#inner.onResponseEnd?.(...args);
  }
  onResponseError(controller: Dispatcher.DispatchController, error: Error) {
    this.#inner.onResponseError?.(controller, this.#name(error));
  }
  onBodySent(chunk: Buffer) {
    this.#inner.onBodySent?.(chunk);
  }
  onRequestSent() {
    this.#inner.onRequestSent?.();
  }
}

type CreateDispatcher = (cluster: unknown, agentOptions: object) => Dispatcher | undefined;
type AgentClass = typeof Agent;

/** Unary requests of one KubeConfig share this many connections at most (streams are not counted). */
export const MAX_CONNECTIONS = 16;

/** The dispatchers of one TLS identity: unary requests share a bounded pool, streams get their own. */
interface Dispatchers {
  readonly unary: Dispatcher | undefined;
  readonly stream: Dispatcher | undefined;
}

/**
 * client-node builds a new undici Agent for every request (`createDispatcher`, called by
 * `applySecurityAuthentication`), and so a new TLS connection each time: for a release of a
 * hundred objects, hundreds of handshakes and up to one open socket per object, the CLI's memory
 * growing with each. Here one pair of agents is kept per TLS identity (server, proxy, CA, client
 * certificate): unary requests share at most {@link MAX_CONNECTIONS} connections, watches and log
 * streams (which hold theirs for minutes) a pool of their own, so they never starve each other.
 * A new identity (a rotated client certificate) gets a new pair.
 */
function reuseDispatchers(kubeConfig: k8s.KubeConfig, AgentOf: AgentClass): WeakMap<object, Dispatchers> {
  const pairs = new WeakMap<object, Dispatchers>();
  const target = kubeConfig as unknown as { createDispatcher?: CreateDispatcher };
  const create = target.createDispatcher?.bind(kubeConfig);
  if (!create) return pairs;
  let last: { key: string; pair: Dispatchers } | undefined;
  target.createDispatcher = (cluster, agentOptions) => {
    const { server, proxyUrl } = (cluster ?? {}) as { server?: string; proxyUrl?: string };
    // a digest, so that no second copy of the key material is kept
    const key = createHash('sha256')
      .update(JSON.stringify([server, proxyUrl, agentOptions]))
      .digest('hex');
    if (last?.key !== key) {
      const options = kubeConfig.createDispatcherOptions(
        cluster as Parameters<k8s.KubeConfig['createDispatcherOptions']>[0],
        agentOptions,
      );
      // client-node's own connect options (TLS material, keep-alive), as its Agent would get them
      const connect = options.type === 'agent' ? (options.connect as Agent.Options['connect']) : undefined;
      const pair = connect
        ? {
            unary: new AgentOf({ connect, connections: MAX_CONNECTIONS }),
            stream: new AgentOf({ connect }),
          }
        : { unary: create(cluster, agentOptions), stream: create(cluster, agentOptions) };
      if (pair.unary) pairs.set(pair.unary, pair);
      last = { key, pair };
    }
    return last.pair.unary;
  };
  return pairs;
}

const isStream = (url: string) => /[?&](?:watch|follow)=(?:true|1)(?:&|$)/.test(url);

/**
 * Bounds every request of `kubeConfig` (see {@link KubernetesRequestLimits}): its dispatcher is
 * wrapped so each request carries the timeouts, and a request that fails below HTTP (refused,
 * reset, no answer in time, TLS) fails with a CLUSTER_UNREACHABLE KubeshipError naming the
 * method, path, endpoint and cause (`fetch` hands it on as the `cause` of its `TypeError`; see
 * `describeKubernetesError`). Returns the same KubeConfig.
 */
export async function boundKubernetesRequests(
  kubeConfig: k8s.KubeConfig,
  options: KubernetesRequestLimits = {},
): Promise<k8s.KubeConfig> {
  // undici is CommonJS: its `default` is the module itself, loaded natively or from a bundle's chunk
  const undici = (await import('undici')).default;
  const { getGlobalDispatcher } = undici;
  const limits = { ...KUBERNETES_REQUEST_DEFAULTS, ...options };
  const pairs = reuseDispatchers(kubeConfig, undici.Agent);
  const authenticate = kubeConfig.applySecurityAuthentication.bind(kubeConfig);
  kubeConfig.applySecurityAuthentication = async (context) => {
    await authenticate(context);
    const stream = isStream(context.getUrl());
    const given = context.getDispatcher();
    const pair = given ? pairs.get(given) : undefined;
    const base: Dispatcher = (stream ? pair?.stream : pair?.unary) ?? given ?? getGlobalDispatcher();
    const timeouts = {
      headersTimeout: limits.requestTimeoutMs,
      bodyTimeout: stream ? limits.streamIdleMs : limits.requestTimeoutMs,
    };
    context.setDispatcher(
      base.compose((dispatch) => (request, handler) => {
        const origin = typeof request.origin === 'string' ? request.origin : (request.origin?.origin ?? '');
        const named = (error: Error) =>
          unreachableError(error, { method: request.method, origin, path: request.path }, limits) ?? error;
        return dispatch({ ...request, ...timeouts }, new NamingHandler(handler, named));
      }),
    );
  };
  return kubeConfig;
}
