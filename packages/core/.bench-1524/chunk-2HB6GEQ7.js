// src/auth/_aws-requests.ts
var AWS_REQUEST_DEFAULTS = {
  connectTimeoutMs: 5e3,
  requestTimeoutMs: 2e4,
  maxAttempts: 3
};
function awsClientSettings(limits = {}) {
  const requestTimeout = limits.requestTimeoutMs ?? AWS_REQUEST_DEFAULTS.requestTimeoutMs;
  return {
    requestHandler: {
      connectionTimeout: Math.min(
        limits.connectTimeoutMs ?? AWS_REQUEST_DEFAULTS.connectTimeoutMs,
        requestTimeout
      ),
      requestTimeout,
      throwOnRequestTimeout: true
    },
    maxAttempts: limits.maxAttempts ?? AWS_REQUEST_DEFAULTS.maxAttempts
  };
}
var recorders = /* @__PURE__ */ new WeakMap();
function recordEndpoint(sdkClient, fallback) {
  const known = recorders.get(sdkClient);
  if (known) return () => known.endpoint ?? fallback;
  const record = {};
  recorders.set(sdkClient, record);
  sdkClient.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request;
      if (request?.hostname)
        record.endpoint = `${request.protocol ?? "https:"}//${request.hostname}${request.port ? `:${request.port}` : ""}`;
      try {
        return await next(args);
      } catch (error) {
        const cause = networkCause(error);
        if (cause) record.cause = cause;
        throw error;
      }
    },
    { step: "finalizeRequest", name: "kubeshipRecordEndpoint" }
  );
  return () => record.endpoint ?? fallback;
}
function lastNetworkCause(sdkClient) {
  return recorders.get(sdkClient)?.cause;
}
function networkCause(error) {
  if (typeof error !== "object" || error === null) return void 0;
  const shape = error;
  if (shape.$fault !== void 0 && shape.name !== "TimeoutError") return void 0;
  const attempts = typeof shape.$metadata?.attempts === "number" && shape.$metadata.attempts > 1 ? `, after ${shape.$metadata.attempts} attempts` : "";
  const message = typeof shape.message === "string" ? shape.message.split("\n", 1)[0] ?? "" : "";
  const code = typeof shape.code === "string" ? shape.code : void 0;
  if (shape.name === "TimeoutError" || code === "ETIMEDOUT") {
    const ms = /(\d+) ?ms/.exec(message)?.[1];
    const within = ms ? ` within ${Number(ms) / 1e3} s` : "";
    const what = /establishing a connection/.test(message) ? `could not connect${within}` : `no answer${within}`;
    return `${what} (timeout${attempts})`;
  }
  const known = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    ENOTFOUND: "host not found",
    EAI_AGAIN: "host name lookup failed",
    EHOSTUNREACH: "host unreachable",
    ENETUNREACH: "network unreachable",
    EPIPE: "connection closed",
    CERT_HAS_EXPIRED: "TLS certificate expired",
    DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed TLS certificate"
  };
  if (code && known[code]) return `${known[code]} (${message || code}${attempts})`;
  if (code && /^E[A-Z]+$/.test(code)) return `${message || code}${attempts ? ` (${attempts.slice(2)})` : ""}`;
  return void 0;
}

// src/_secret-value.ts
import { inspect } from "util";
var REDACTED = "[redacted]";
var SecretValue = class {
  #value;
  constructor(value) {
    this.#value = value;
  }
  /** The plaintext. Call it only where the value must leave the process (a Secret's data, a header). */
  reveal() {
    return this.#value;
  }
  toString() {
    return REDACTED;
  }
  toJSON() {
    return REDACTED;
  }
  [inspect.custom]() {
    return REDACTED;
  }
};

export {
  AWS_REQUEST_DEFAULTS,
  awsClientSettings,
  recordEndpoint,
  lastNetworkCause,
  networkCause,
  SecretValue
};
//# sourceMappingURL=chunk-2HB6GEQ7.js.map