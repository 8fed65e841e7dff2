import { isKubeshipError, KubeshipError } from '../errors.ts';

/** What was being attempted when a Kubernetes API call failed. */
export interface KubernetesCallContext {
  /** The RBAC verb: get, list, watch, create, patch, update, delete… */
  readonly verb: string;
  /** The resource (plural, with group for non-core: `deployments.apps`). */
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  /** Who the cluster sees (a connection's `principal`), named in 401 messages. */
  readonly principal?: string;
}

interface HttpFailure {
  readonly status: number;
  /** The apiserver's `Status` object, when the response carried one. */
  readonly reason?: string;
  readonly message?: string;
}

/**
 * Turns a failed Kubernetes API call (an `ApiException` of a generated client, an error of `Watch`
 * or `Log`, a network error) into a {@link KubeshipError}: 401 → UNAUTHORIZED naming the principal,
 * 403 → FORBIDDEN naming verb, resource and namespace with the apiserver's own explanation,
 * a request that never got an answer → CLUSTER_UNREACHABLE naming the endpoint and the cause,
 * anything else → API_ERROR with status and reason. A KubeshipError is returned unchanged (e.g. a
 * token that could not be minted). Messages never contain request headers or tokens.
 */
export function describeKubernetesError(error: unknown, context: KubernetesCallContext): KubeshipError {
  if (isKubeshipError(error)) return error;
  const target = describeTarget(context);
  const unreachable = unreachableCause(error);
  if (unreachable) {
    return new KubeshipError('CLUSTER_UNREACHABLE', `could not ${target}: ${unreachable.message}`, {
      details: { ...unreachable.details, verb: context.verb, resource: context.resource },
      cause: error,
    });
  }
  const details = {
    verb: context.verb,
    resource: context.resource,
    ...(context.namespace === undefined ? {} : { namespace: context.namespace }),
    ...(context.name === undefined ? {} : { name: context.name }),
  };
  const failure = httpFailureOf(error);
  if (!failure) {
    const reason =
      error instanceof Error ? `${error.name}: ${error.message}${causeOf(error)}` : String(error);
    return new KubeshipError('API_ERROR', `could not ${target}: ${firstLine(reason)}`, {
      details,
      cause: error,
    });
  }
  const withStatus = {
    ...details,
    status: failure.status,
    ...(failure.reason ? { reason: failure.reason } : {}),
  };
  if (failure.status === 401) {
    const who = context.principal ?? 'this connection';
    return new KubeshipError(
      'UNAUTHORIZED',
      `the cluster refused the credentials of ${who} (HTTP 401) trying to ${target}: ` +
        'check that the principal has an EKS access entry (or aws-auth mapping) for this cluster, ' +
        'that the token is for this cluster and region, and that the clock is right',
      { details: withStatus, cause: error },
    );
  }
  if (failure.status === 403) {
    return new KubeshipError(
      'FORBIDDEN',
      `not allowed to ${target}` +
        (failure.message ? `: ${failure.message}` : ' (HTTP 403)') +
        '; grant it with a Role/ClusterRole binding for the mapped user or group',
      { details: withStatus, cause: error },
    );
  }
  return new KubeshipError(
    'API_ERROR',
    `could not ${target}: HTTP ${failure.status}${failure.reason ? ` ${failure.reason}` : ''}` +
      (failure.message ? `: ${failure.message}` : ''),
    { details: withStatus, cause: error },
  );
}

function describeTarget(context: KubernetesCallContext): string {
  const name = context.name === undefined ? '' : ` "${context.name}"`;
  const where = context.namespace === undefined ? '' : ` in namespace "${context.namespace}"`;
  return `${context.verb} ${context.resource}${name}${where}`;
}

/** Reads status and `Status` body from the shapes client-node throws; undefined for non-HTTP errors. */
function httpFailureOf(error: unknown): HttpFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const shape = error as { code?: unknown; statusCode?: unknown; body?: unknown };
  // ApiException has a numeric `code`; Watch errors carry `statusCode`. Node's errors use string codes.
  const status =
    typeof shape.code === 'number'
      ? shape.code
      : typeof shape.statusCode === 'number'
        ? shape.statusCode
        : undefined;
  if (status === undefined) return undefined;
  const body = parseStatus(shape.body);
  return {
    status,
    ...(typeof body?.reason === 'string' && body.reason ? { reason: body.reason } : {}),
    ...(typeof body?.message === 'string' && body.message ? { message: firstLine(body.message) } : {}),
  };
}

function parseStatus(body: unknown): { reason?: unknown; message?: unknown } | undefined {
  if (typeof body === 'string') {
    try {
      return parseStatus(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  if (typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'Status') {
    return body as { reason?: unknown; message?: unknown };
  }
  return undefined;
}

/**
 * The CLUSTER_UNREACHABLE error a bounded KubeConfig put under `fetch failed` (see
 * `boundKubernetesRequests`), if that is what `error` is.
 */
export function unreachableCause(error: unknown): KubeshipError | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  if (isKubeshipError(error, 'CLUSTER_UNREACHABLE')) return error;
  return isKubeshipError(cause, 'CLUSTER_UNREACHABLE') ? cause : undefined;
}

/** undici's `fetch failed` hides the reason in `cause` (e.g. `connect ECONNREFUSED 10.0.0.1:443`). */
function causeOf(error: Error): string {
  const cause = error.cause as { message?: unknown; code?: unknown } | undefined;
  const text = typeof cause?.message === 'string' && cause.message ? cause.message : cause?.code;
  return typeof text === 'string' && text ? ` (${text})` : '';
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}
