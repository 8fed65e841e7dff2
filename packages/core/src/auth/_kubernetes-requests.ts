// Time bounds on every request a KubeConfig of kubeship makes: the generated API clients, Watch,
// Log and the informers all ask the KubeConfig for their dispatcher (applySecurityAuthentication),
// so bounding it there bounds all of them, and a network failure comes back naming the request,
// the endpoint and the cause.
import type * as k8s from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';
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
  const { getGlobalDispatcher } = await import('undici');
  const limits = { ...KUBERNETES_REQUEST_DEFAULTS, ...options };
  const authenticate = kubeConfig.applySecurityAuthentication.bind(kubeConfig);
  kubeConfig.applySecurityAuthentication = async (context) => {
    await authenticate(context);
    const base: Dispatcher = context.getDispatcher() ?? getGlobalDispatcher();
    const stream = isStream(context.getUrl());
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
