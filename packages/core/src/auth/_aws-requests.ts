// Time bounds, retries and failure messages shared by every AWS SDK client kubeship creates
// (SSM, STS, EKS): no call waits forever, and a failure names service, operation, endpoint and cause.

/** How long AWS calls may take and how often they are tried. */
export interface AwsRequestLimits {
  /** Give up connecting after this long (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** Give up waiting for an answer after this long (default 20 s); the attempt is then retried. */
  readonly requestTimeoutMs?: number;
  /** Attempts per call, the first included (default 3). */
  readonly maxAttempts?: number;
}

/** Defaults of {@link AwsRequestLimits}. */
export const AWS_REQUEST_DEFAULTS = {
  connectTimeoutMs: 5_000,
  requestTimeoutMs: 20_000,
  maxAttempts: 3,
} as const satisfies Required<AwsRequestLimits>;

/** The client settings for `limits`: a NodeHttpHandler with both timeouts (throwing), and maxAttempts. */
export function awsClientSettings(limits: AwsRequestLimits = {}): {
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true };
  maxAttempts: number;
} {
  const requestTimeout = limits.requestTimeoutMs ?? AWS_REQUEST_DEFAULTS.requestTimeoutMs;
  return {
    requestHandler: {
      connectionTimeout: Math.min(
        limits.connectTimeoutMs ?? AWS_REQUEST_DEFAULTS.connectTimeoutMs,
        requestTimeout,
      ),
      requestTimeout,
      throwOnRequestTimeout: true,
    },
    maxAttempts: limits.maxAttempts ?? AWS_REQUEST_DEFAULTS.maxAttempts,
  };
}

const recorders = new WeakMap<object, { endpoint?: string; cause?: string }>();

type Middleware = (
  next: (args: { request: unknown }) => Promise<unknown>,
) => (args: { request: unknown }) => Promise<unknown>;
type Stack = {
  middlewareStack: {
    add(middleware: Middleware, options: { step: string; name: string; priority?: string }): void;
  };
};
type RawResponse = { statusCode?: number; headers?: Record<string, string>; body?: unknown };

/** The first characters and the content type of error answers, by response. */
const errorBodies = new WeakMap<object, { start: string; contentType: string }>();
const KEPT_BODY_CHARS = 200;

/** Reads an error answer's body (small), keeps its start, and hands the bytes on to the SDK's parser. */
async function keepBodyStart(response: RawResponse): Promise<void> {
  const body = response.body as AsyncIterable<Uint8Array | string> | Uint8Array | undefined;
  let bytes: Buffer;
  if (body instanceof Uint8Array) bytes = Buffer.from(body);
  else if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
    bytes = Buffer.concat(chunks);
    response.body = bytes;
  } else return;
  const contentType = Object.entries(response.headers ?? {}).find(
    ([k]) => k.toLowerCase() === 'content-type',
  )?.[1];
  errorBodies.set(response, {
    start: bytes
      .subarray(0, KEPT_BODY_CHARS * 4)
      .toString('utf8')
      .slice(0, KEPT_BODY_CHARS),
    contentType: contentType ?? '',
  });
}

/**
 * Records where a client sends its requests (`https://ssm.us-east-1.amazonaws.com`,
 * `http://127.0.0.1:5000`), for messages, and the network cause of each failed attempt (see
 * {@link lastNetworkCause}); the endpoint comes from the SDK's own resolution (region,
 * AWS_ENDPOINT_URL*, profiles).
 */
export function recordEndpoint(sdkClient: { middlewareStack: object }, fallback: string): () => string {
  const known = recorders.get(sdkClient);
  if (known) return () => known.endpoint ?? fallback;
  const record: { endpoint?: string; cause?: string } = {};
  recorders.set(sdkClient, record);
  // next to the HTTP handler, before the SDK parses: the start of an error answer, for messages
  (sdkClient as Stack).middlewareStack.add(
    (next) => async (args) => {
      const result = (await next(args)) as { response?: RawResponse };
      if (result.response && (result.response.statusCode ?? 0) >= 300) await keepBodyStart(result.response);
      return result;
    },
    { step: 'deserialize', name: 'kubeshipKeepErrorBody', priority: 'low' },
  );
  (sdkClient as Stack).middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { protocol?: string; hostname?: string; port?: number } | undefined;
      if (request?.hostname)
        record.endpoint = `${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}`;
      try {
        return await next(args);
      } catch (error) {
        // inside the retry loop: each attempt's cause, the last one kept
        const cause = networkCause(error);
        if (cause) record.cause = cause;
        throw error;
      }
    },
    { step: 'finalizeRequest', name: 'kubeshipRecordEndpoint' },
  );
  return () => record.endpoint ?? fallback;
}

/** The network cause of the last failed attempt of a client {@link recordEndpoint} watches. */
export function lastNetworkCause(sdkClient: object): string | undefined {
  return recorders.get(sdkClient)?.cause;
}

const BODY_START_CHARS = 60;

/**
 * Why a call never got an AWS answer, for messages: `connection refused (ECONNREFUSED
 * 127.0.0.1:1)`, `no answer within 20 s (timeout)`, `host not found (ENOTFOUND ...)`, or an
 * answer that is not AWS's (`HTTP 500, not an AWS answer: "<html>..."`: a proxy's or load
 * balancer's error page, which the SDK fails to parse); undefined for errors AWS itself returned.
 * Quotes at most the first characters of a body that is not AWS's, never an AWS answer.
 */
export function networkCause(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const shape = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $fault?: unknown;
    $metadata?: { attempts?: unknown; httpStatusCode?: unknown };
  };
  const attempts =
    typeof shape.$metadata?.attempts === 'number' && shape.$metadata.attempts > 1
      ? `, after ${shape.$metadata.attempts} attempts`
      : '';
  const unreadable = notAnAwsAnswer(error);
  if (unreadable) return `${unreadable}${attempts ? ` (${attempts.slice(2)})` : ''}`;
  if (shape.$fault !== undefined && shape.name !== 'TimeoutError') return undefined;
  const message = typeof shape.message === 'string' ? (shape.message.split('\n', 1)[0] ?? '') : '';
  const code = typeof shape.code === 'string' ? shape.code : undefined;
  if (shape.name === 'TimeoutError' || code === 'ETIMEDOUT') {
    const ms = /(\d+) ?ms/.exec(message)?.[1];
    const within = ms ? ` within ${Number(ms) / 1000} s` : '';
    const what = /establishing a connection/.test(message)
      ? `could not connect${within}`
      : `no answer${within}`;
    return `${what} (timeout${attempts})`;
  }
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    EPIPE: 'connection closed',
    CERT_HAS_EXPIRED: 'TLS certificate expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  };
  if (code && known[code]) return `${known[code]} (${message || code}${attempts})`;
  if (code && /^E[A-Z]+$/.test(code)) return `${message || code}${attempts ? ` (${attempts.slice(2)})` : ''}`;
  return undefined;
}

/**
 * An HTTP answer that is not AWS's: one the SDK could not parse as its protocol (no `$fault`), or
 * an HTML page (a proxy's or load balancer's, which an XML parser may half read). Its status and
 * the first characters of its body, whitespace collapsed.
 */
function notAnAwsAnswer(error: object): string | undefined {
  if (!('$response' in error)) return undefined;
  const shape = error as {
    $fault?: unknown;
    $response?: RawResponse;
    $metadata?: { httpStatusCode?: unknown };
  };
  const kept = shape.$response ? errorBodies.get(shape.$response) : undefined;
  const html =
    /text\/html/i.test(kept?.contentType ?? '') || /^\s*<(?:!doctype|html)/i.test(kept?.start ?? '');
  if (shape.$fault !== undefined && !html) return undefined;
  const status = shape.$response?.statusCode ?? shape.$metadata?.httpStatusCode;
  const start = (kept?.start ?? '').replace(/\s+/g, ' ').trim();
  const shown = start.length > BODY_START_CHARS ? `${start.slice(0, BODY_START_CHARS)}...` : start;
  return `HTTP ${typeof status === 'number' ? status : '?'}, not an AWS answer: ${shown ? JSON.stringify(shown) : 'an empty body'}`;
}
