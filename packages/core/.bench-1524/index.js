import {
  KUBERNETES_REQUEST_DEFAULTS,
  TOKEN_LIFETIME_MS,
  boundKubernetesRequests,
  connectToEks,
  connectWithKubeconfig,
  defaultRoleSessionName,
  describeKubernetesError,
  eksTokenFor,
  mintEksToken,
  unreachableCause
} from "./chunk-6XQNB4OG.js";
import {
  DEFAULT_ENVIRONMENT_TIMEOUT_SECONDS,
  planEnvironment,
  rolloutOptionsOf
} from "./chunk-2IYGPL5S.js";
import {
  CONFIG_CHECKSUM_ANNOTATION,
  MAX_CONFIG_DATA_BYTES,
  MAX_OBJECT_BYTES,
  assertWithinApiLimits,
  configObjectNames,
  createSsmClient,
  describeChange,
  manifestCall,
  objectId,
  planChanges,
  prepareRelease,
  readParameters,
  resolveConfig
} from "./chunk-EHAOCVS4.js";
import {
  AWS_REQUEST_DEFAULTS,
  awsClientSettings,
  networkCause,
  recordEndpoint
} from "./chunk-2HB6GEQ7.js";
import {
  KubeshipError,
  isKubeshipError
} from "./chunk-F3EYZL4G.js";

// src/apply/server.ts
import * as k8s3 from "@kubernetes/client-node";

// src/apply/_gone.ts
import * as k8s2 from "@kubernetes/client-node";

// src/apply/_raw.ts
import { setTimeout as delay } from "timers/promises";
import * as k8s from "@kubernetes/client-node";
var UnservedKindError = class extends Error {
  name = "UnservedKindError";
};
function warningsOf(rawHeaders) {
  const warnings = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] ?? "").toLowerCase() !== "warning") continue;
    const value = rawHeaders[i + 1] ?? "";
    const quoted = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(value);
    warnings.push(quoted ? (quoted[1] ?? "").replace(/\\(.)/g, "$1") : value);
  }
  return warnings;
}
var RawObjectClient = class {
  #kc;
  #paths;
  constructor(kc) {
    this.#kc = kc;
    this.#paths = k8s.KubernetesObjectApi.makeApiClient(kc);
  }
  /** The live object, or undefined when it does not exist. */
  async read(object) {
    const response = await this.#send("GET", await this.#path(object, "read"));
    if (response.status === 404) return void 0;
    return bodyOrThrow(response);
  }
  /**
   * Server-side apply as `fieldManager`, optionally as a dry-run; the response's `Warning`
   * headers go to `onWarnings`.
   */
  async apply(object, options) {
    const query = new URLSearchParams({ fieldManager: options.fieldManager, fieldValidation: "Strict" });
    if (options.force) query.set("force", "true");
    if (options.dryRun) query.set("dryRun", "All");
    const path = `${await this.#path(object, "patch")}?${query}`;
    const response = await this.#send("PATCH", path, JSON.stringify(object), "application/apply-patch+yaml");
    if (response.warnings.length > 0) options.onWarnings?.(response.warnings);
    return bodyOrThrow(response);
  }
  /** The URL path of the collection that holds `object` (what a watch of it asks for). */
  async collectionPath(object) {
    const path = await this.#path(object, "read");
    return path.slice(0, path.lastIndexOf("/"));
  }
  async #path(object, action) {
    try {
      return await this.#paths.specUriPath({ ...object, metadata: { ...object.metadata } }, action);
    } catch (error) {
      const unknownGroup = error instanceof k8s.ApiException && error.code === 404;
      if (unknownGroup || error instanceof Error && /Unrecognized API version and kind/.test(error.message))
        throw new UnservedKindError(`the cluster does not serve ${object.apiVersion} ${object.kind}`);
      throw error;
    }
  }
  #send(method, path, body, contentType) {
    return sendKubernetesRequest(this.#kc, method, path, {
      ...body === void 0 ? {} : { body },
      ...contentType === void 0 ? {} : { contentType }
    });
  }
};
var TOO_MANY_REQUESTS_RETRIES = 5;
async function sendKubernetesRequest(kc, method, path, options = {}) {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig has no current cluster");
  const context = new k8s.RequestContext(
    `${cluster.server.replace(/\/$/, "")}${path}`,
    method === "GET" ? k8s.HttpMethod.GET : k8s.HttpMethod.PATCH
  );
  context.setHeaderParam("accept", options.accept ?? "application/json");
  if (options.body !== void 0)
    context.setHeaderParam("content-type", options.contentType ?? "application/json");
  await kc.applySecurityAuthentication(context);
  const { getGlobalDispatcher, request } = (await import("undici")).default;
  const send = () => request(context.getUrl(), {
    method,
    headers: context.getHeaders(),
    ...options.body === void 0 ? {} : { body: options.body },
    dispatcher: context.getDispatcher() ?? getGlobalDispatcher()
  });
  let response = await send();
  for (let retry = 1; response.statusCode === 429 && retry <= TOO_MANY_REQUESTS_RETRIES; retry++) {
    await response.body.dump();
    const seconds = Number(response.headers["retry-after"]);
    await delay(Math.min((Number.isFinite(seconds) && seconds > 0 ? seconds * 1e3 : 1e3) * retry, 5e3));
    response = await send();
  }
  const text = await response.body.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : void 0;
  } catch {
  }
  const headers = {};
  const raw = [];
  for (const [name, value] of Object.entries(response.headers)) {
    const values = Array.isArray(value) ? value : value === void 0 ? [] : [value];
    headers[name] = values.join(", ");
    for (const one of values) raw.push(name, one);
  }
  return { status: response.statusCode, body: parsed, headers, warnings: warningsOf(raw) };
}
function bodyOrThrow(response) {
  if (response.status >= 200 && response.status < 300) return response.body;
  const status2 = response.body;
  throw new k8s.ApiException(
    response.status,
    status2?.message ?? `HTTP ${response.status}`,
    response.body,
    response.headers
  );
}

// src/apply/_gone.ts
var GONE_TIMEOUT_MS = 6e4;
async function untilGone(kc, object, timeoutMs = GONE_TIMEOUT_MS) {
  const client = new RawObjectClient(kc);
  const target = object;
  const path = await client.collectionPath(target);
  return new Promise((resolve3) => {
    let request;
    let settled = false;
    const done = (gone) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request?.abort();
      resolve3(gone);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    new k8s2.Watch(kc).watch(
      path,
      { fieldSelector: `metadata.name=${object.metadata.name}` },
      (type) => {
        if (type === "DELETED") done(true);
      },
      // the watch ended (a timeout of the server's): look again
      () => void client.read(target).then(
        (live2) => live2 === void 0 && done(true),
        () => void 0
      )
    ).then(
      async (controller) => {
        request = controller;
        if (settled) controller.abort();
        if (await client.read(target).catch(() => target) === void 0) done(true);
      },
      () => done(false)
    );
  });
}

// src/apply/server.ts
var FIELD_MANAGER = "kubeship";
async function readLive(kc, objects) {
  const client = new RawObjectClient(kc);
  const found = await Promise.all(
    objects.map(async (object) => {
      try {
        const live2 = await client.read(object);
        return live2 === void 0 ? void 0 : [objectId(object), live2];
      } catch (error) {
        if (error instanceof UnservedKindError) return void 0;
        throw describeKubernetesError(error, verbFor("get", object));
      }
    })
  );
  return new Map(found.filter((entry) => entry !== void 0));
}
async function dryRunAll(kc, objects, options) {
  const client = new RawObjectClient(kc);
  const warnings = [];
  const rejections = (await Promise.all(
    objects.map(async (object) => {
      try {
        await serverSideApply(client, object, { dryRun: true, force: options.force, warnings });
        return void 0;
      } catch (error) {
        if (!isReplaceable(object, error))
          return { id: objectId(object), error: asApplyError(error, object) };
      }
      try {
        await serverSideApply(client, replacementProbe(object), {
          dryRun: true,
          force: options.force,
          warnings,
          id: objectId(object)
        });
        return void 0;
      } catch (error) {
        return { id: objectId(object), error: asApplyError(error, object) };
      }
    })
  )).filter((rejection) => rejection !== void 0);
  if (rejections.length === 0) return { warnings };
  const access = rejections.find((r) => r.error.code === "FORBIDDEN" || r.error.code === "UNAUTHORIZED");
  if (access) throw access.error;
  const conflicts = rejections.every((r) => r.error.code === "APPLY_CONFLICT");
  throw new KubeshipError(
    conflicts ? "APPLY_CONFLICT" : "DRY_RUN_REJECTED",
    `the server-side dry-run rejected ${rejections.length} of ${objects.length} objects; nothing was applied:
${rejections.map((r) => `  - ${r.id}: ${r.error.message}`).join("\n")}`,
    {
      details: {
        rejections: rejections.map((r) => ({ object: r.id, code: r.error.code, message: r.error.message }))
      }
    }
  );
}
async function applyAll(kc, objects, options) {
  const client = new RawObjectClient(kc);
  const warnings = [];
  const applied = [];
  for (const object of objects) {
    const write = () => serverSideApply(client, object, { dryRun: false, force: options.force, warnings });
    try {
      applied.push(await write());
    } catch (error) {
      if (!isReplaceable(object, error)) throw asApplyError(error, object);
      await deleteForReplacement(kc, object);
      applied.push(await write().catch((again) => Promise.reject(asApplyError(again, object))));
    }
  }
  return Object.assign(applied, { warnings });
}
function serverSideApply(client, object, options) {
  const id = options.id ?? objectId(object);
  return client.apply(object, {
    fieldManager: FIELD_MANAGER,
    dryRun: options.dryRun,
    force: options.force,
    onWarnings: (texts) => options.warnings.push(...texts.map((message) => ({ object: id, message })))
  });
}
var IMMUTABLE = /field is immutable|may not change once set|is immutable|updates to .+ are forbidden/i;
function immutableFieldsOf(error) {
  if (statusOf(error) !== 422) return [];
  const causes = bodyOf(error)?.details?.causes ?? [];
  return causes.filter((c) => IMMUTABLE.test(c.message ?? "")).map((c) => c.field ?? "(unnamed field)");
}
function isReplaceable(object, error) {
  if (object.kind !== "Job" || !object.apiVersion.startsWith("batch/")) return false;
  const causes = bodyOf(error)?.details?.causes ?? [];
  return causes.length > 0 && immutableFieldsOf(error).length === causes.length;
}
function replacementProbe(object) {
  const name = `${object.metadata.name.slice(0, 40).replace(/[-.]+$/, "")}-kubeship-replace`;
  return { ...object, metadata: { ...object.metadata, name } };
}
async function deleteForReplacement(kc, object) {
  const ref = object;
  try {
    await k8s3.KubernetesObjectApi.makeApiClient(kc).delete(
      ref,
      void 0,
      void 0,
      void 0,
      void 0,
      "Foreground"
    );
  } catch (error) {
    if (statusOf(error) !== 404) throw describeKubernetesError(error, verbFor("delete", object));
  }
  if (!await untilGone(kc, object))
    throw new KubeshipError(
      "API_ERROR",
      `${objectId(object)} was deleted to be replaced (its ${immutableHint(object)} cannot change) but is still there after ${GONE_TIMEOUT_MS / 1e3} s: a finalizer or its dependents hold it`,
      { details: { object: objectId(object) } }
    );
}
var immutableHint = (object) => object.kind === "Job" ? "pod template" : "immutable fields";
function asApplyError(error, object) {
  if (statusOf(error) === 409) {
    const causes = bodyOf(error)?.details?.causes ?? [];
    const fields = causes.map((c) => `${c.field ?? "?"} (${c.message ?? "conflict"})`);
    return new KubeshipError(
      "APPLY_CONFLICT",
      `${objectId(object)}: fields owned by another field manager: ${fields.join("; ") || bodyOf(error)?.message}. Another tool changed them since the last deploy; make it stop managing them, or deploy with force to take them over.`,
      { details: { object: objectId(object), conflicts: causes } }
    );
  }
  const immutable = immutableFieldsOf(error);
  if (immutable.length > 0) {
    return new KubeshipError(
      "DRY_RUN_REJECTED",
      `${objectId(object)}: ${immutable.join(", ")} cannot change once set (the API server keeps ${immutable.length > 1 ? "them" : "it"} immutable): keep the live value, or delete the object to have the deploy create it anew`,
      { details: { object: objectId(object), fields: immutable, immutable: true } }
    );
  }
  const unknownField = statusOf(error) === 500 && /not declared in schema/.test(bodyOf(error)?.message ?? "");
  if (statusOf(error) === 422 || statusOf(error) === 400 || unknownField) {
    return new KubeshipError("DRY_RUN_REJECTED", bodyOf(error)?.message ?? "rejected by the API server", {
      details: { object: objectId(object) }
    });
  }
  if (error instanceof UnservedKindError || statusOf(error) === 404 && /no matches for kind/.test(bodyOf(error)?.message ?? "")) {
    return new KubeshipError(
      "DRY_RUN_REJECTED",
      `the cluster does not serve ${object.apiVersion} ${object.kind} (a typo in apiVersion or kind, or its CRD is not installed)`,
      { details: { object: objectId(object), apiVersion: object.apiVersion, kind: object.kind } }
    );
  }
  const missing = bodyOf(error)?.details;
  if (statusOf(error) === 404 && missing?.kind === "namespaces") {
    return new KubeshipError(
      "DRY_RUN_REJECTED",
      `namespace "${missing.name}" does not exist: create it first, or add a Namespace object to the templates`,
      { details: { object: objectId(object), namespace: missing.name } }
    );
  }
  return describeKubernetesError(error, verbFor("patch", object));
}
function verbFor(verb, object) {
  const namespace = object.metadata.namespace;
  return { verb, resource: object.kind, name: object.metadata.name, ...namespace ? { namespace } : {} };
}
function statusOf(error) {
  return error instanceof k8s3.ApiException ? error.code : void 0;
}
function bodyOf(error) {
  if (!(error instanceof k8s3.ApiException)) return void 0;
  const body = error.body;
  if (typeof body === "string") {
    try {
      return JSON.parse(body);
    } catch {
      return { message: body };
    }
  }
  return body;
}
async function missingNamespaces(kc, objects) {
  const created = new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
  const wanted = /* @__PURE__ */ new Map();
  for (const object of objects) {
    const namespace = object.metadata.namespace;
    if (!namespace || created.has(namespace)) continue;
    wanted.set(namespace, [...wanted.get(namespace) ?? [], objectId(object)]);
  }
  const client = new RawObjectClient(kc);
  const missing = await Promise.all(
    [...wanted].map(async ([namespace, ids]) => {
      try {
        const live2 = await client.read({
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: namespace }
        });
        return live2 === void 0 ? [{ namespace, objects: ids }] : [];
      } catch (error) {
        const mapped = describeKubernetesError(error, {
          verb: "get",
          resource: "namespaces",
          name: namespace
        });
        if (mapped.code === "FORBIDDEN") return [];
        throw mapped;
      }
    })
  );
  return missing.flat();
}

// src/clock.ts
var systemClock = {
  now: () => Date.now(),
  schedule(callback, ms) {
    const timer = setTimeout(callback, Math.max(0, ms));
    return () => clearTimeout(timer);
  }
};

// src/deploy/engine.ts
import { objectIdentity as objectIdentity4 } from "@kubeship/manifests";

// src/gates/alarms.ts
import {
  CloudWatchClient,
  DescribeAlarmsCommand
} from "@aws-sdk/client-cloudwatch";
function createCloudWatchClient(options) {
  const settings = awsClientSettings(options.limits);
  return new CloudWatchClient({
    region: options.region,
    requestHandler: settings.requestHandler,
    maxAttempts: settings.maxAttempts,
    ...options.credentials === void 0 ? {} : { credentials: options.credentials },
    ...options.endpoint === void 0 ? {} : { endpoint: options.endpoint }
  });
}
var DEFAULT_INTERVAL_MS = 1e4;
var NAMES_PER_CALL = 100;
async function readAlarms(gate, signal) {
  const calls = [];
  const names = [...new Set(gate.names ?? [])];
  for (let i = 0; i < names.length; i += NAMES_PER_CALL)
    calls.push({ AlarmNames: names.slice(i, i + NAMES_PER_CALL) });
  if (gate.prefix) calls.push({ AlarmNamePrefix: gate.prefix });
  const found = /* @__PURE__ */ new Map();
  const endpoint = recordEndpoint(gate.client, "the CloudWatch endpoint");
  for (const call of calls) {
    let token;
    do {
      const page = await gate.client.send(
        new DescribeAlarmsCommand({
          ...call,
          AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
          ...token ? { NextToken: token } : {}
        }),
        signal ? { abortSignal: signal } : {}
      ).catch((error) => {
        throw describeAlarmsError(error, endpoint());
      });
      for (const alarm of [...page.MetricAlarms ?? [], ...page.CompositeAlarms ?? []]) {
        const name = alarm.AlarmName ?? "";
        found.set(name, {
          name,
          state: alarm.StateValue ?? "INSUFFICIENT_DATA",
          reason: alarm.StateReason ?? "",
          since: alarm.StateUpdatedTimestamp ? new Date(alarm.StateUpdatedTimestamp).getTime() : 0
        });
      }
      token = page.NextToken;
    } while (token);
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}
function firingAlarms(alarms, insufficientData = "ok") {
  return alarms.filter(
    (a) => a.state === "ALARM" || a.state === "INSUFFICIENT_DATA" && insufficientData === "alarm"
  );
}
async function checkAlarmsBeforeDeploy(gate, signal) {
  const alarms = await readAlarms(gate, signal);
  const missing = (gate.names ?? []).filter((name) => !alarms.some((a) => a.name === name));
  if (missing.length > 0) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `CloudWatch alarm(s) ${missing.join(", ")} do not exist: a gate on a missing alarm would never stop a bad release`,
      { details: { alarms: missing } }
    );
  }
  if (gate.prefix && !(gate.names ?? []).length && alarms.length === 0) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `no CloudWatch alarm's name starts with "${gate.prefix}": the alarm gate would watch nothing`,
      { details: { prefix: gate.prefix } }
    );
  }
  const firing = firingAlarms(alarms, gate.insufficientData);
  if (firing.length > 0 && !gate.ignoreActiveAlarms) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `not deploying: ${firing.map((a) => `alarm ${a.name} is ${a.state} (${a.reason})`).join("; ")}; fix it first, or ignore active alarms to deploy anyway`,
      { details: { reason: "AlarmActive", alarms: firing } }
    );
  }
  return alarms;
}
async function bakeWithAlarms(gate, run) {
  const { clock } = run;
  const name = run.name ?? "alarm bake";
  const startedAt = clock.now();
  const intervalMs = Math.max(1, gate.intervalMs ?? DEFAULT_INTERVAL_MS);
  run.emit({
    type: "step-started",
    at: startedAt,
    kind: "bake",
    name,
    detail: `watching ${describeGate(gate)} for ${gate.bakeMs / 1e3}s`
  });
  const seen = /* @__PURE__ */ new Map();
  const finish = (step) => {
    const done = { kind: "bake", name, startedAt, finishedAt: clock.now(), ...step };
    run.emit({ type: "step-finished", at: done.finishedAt, step: done });
    return done;
  };
  for (; ; ) {
    if (run.signal?.aborted)
      return finish({
        outcome: "interrupted",
        reason: "Interrupted",
        message: "interrupted during the bake"
      });
    let alarms;
    try {
      alarms = await readAlarms(gate, run.signal);
    } catch (error) {
      if (run.signal?.aborted)
        return finish({
          outcome: "interrupted",
          reason: "Interrupted",
          message: "interrupted during the bake"
        });
      return finish({ outcome: "failed", reason: "AlarmsUnreadable", message: error.message });
    }
    for (const alarm of alarms) {
      if (seen.get(alarm.name) === alarm.state) continue;
      seen.set(alarm.name, alarm.state);
      run.emit({ type: "alarm", at: clock.now(), alarm });
    }
    const firing = firingAlarms(alarms, gate.insufficientData);
    if (firing.length > 0) {
      return finish({
        outcome: "failed",
        reason: "AlarmTriggered",
        message: firing.map((a) => `alarm ${a.name} is ${a.state}: ${a.reason}`).join("; "),
        alarms: firing
      });
    }
    const left = startedAt + gate.bakeMs - clock.now();
    if (left <= 0)
      return finish({
        outcome: "passed",
        message: `${alarms.length} alarm(s) stayed clear for ${gate.bakeMs / 1e3}s`
      });
    await wait(clock, Math.min(intervalMs, left), run.signal);
  }
}
function describeGate(gate) {
  const parts = [
    ...gate.names?.length ? [`alarm(s) ${gate.names.join(", ")}`] : [],
    ...gate.prefix ? [`alarms starting with "${gate.prefix}"`] : []
  ];
  return parts.join(" and ");
}
function wait(clock, ms, signal) {
  return new Promise((resolve3) => {
    const onAbort = () => {
      cancel();
      resolve3();
    };
    const cancel = clock.schedule(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve3();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
function describeAlarmsError(error, endpoint) {
  const name = error.name ?? "";
  const message = error.message ?? String(error);
  const unreachable = networkCause(error);
  if (unreachable)
    return new KubeshipError(
      "AWS_UNREACHABLE",
      `CloudWatch DescribeAlarms at ${endpoint} failed: ${unreachable}`,
      {
        details: { service: "CloudWatch", operation: "DescribeAlarms", endpoint },
        cause: error
      }
    );
  if (/AccessDenied|UnrecognizedClient|InvalidClientTokenId|ExpiredToken|CredentialsProvider/i.test(name))
    return new KubeshipError("AWS_CREDENTIALS", `CloudWatch DescribeAlarms refused: ${name}: ${message}`, {
      cause: error
    });
  return new KubeshipError("API_ERROR", `CloudWatch DescribeAlarms failed: ${name}: ${message}`, {
    cause: error
  });
}

// src/gates/hooks.ts
import * as k8s7 from "@kubernetes/client-node";
import {
  HOOK_ANNOTATION,
  HOOK_DELETE_POLICY_ANNOTATION,
  HOOK_TIMEOUT_ANNOTATION
} from "@kubeship/manifests";

// src/rollout/diagnostics.ts
import * as k8s4 from "@kubernetes/client-node";

// src/rollout/_quota.ts
import { parseQuantity } from "@kubeship/manifests";
var QUOTA_MESSAGE = /exceeded quota: [^,]+, requested: (\S+), used: (\S+), limited: (\S+)/;
function resourceList(text) {
  return new Map(
    text.split(",").flatMap((entry) => {
      const at = entry.indexOf("=");
      return at > 0 ? [[entry.slice(0, at), parseQuantity(entry.slice(at + 1))]] : [];
    })
  );
}
function quotaNeverFits(message) {
  const match = QUOTA_MESSAGE.exec(message);
  if (!match) return void 0;
  const requested = resourceList(match[1] ?? "");
  const limited = resourceList(match[3] ?? "");
  return [...requested].some(([resource, asked]) => {
    const hard = limited.get(resource);
    return asked !== void 0 && hard !== void 0 && asked > hard;
  });
}

// src/rollout/_failure-kinds.ts
var DEFINITE_PULL_REASONS = /* @__PURE__ */ new Set(["InvalidImageName", "ErrImageNeverPull"]);
var DEFINITE_PULL_MESSAGE = /not found|code = NotFound|manifest unknown|name unknown|repository does not exist|invalid reference|unauthorized|access denied|denied:|authorization failed|no basic auth credentials|\b401\b|\b403\b/i;
function isDefinitePullFailure(reason, message) {
  return DEFINITE_PULL_REASONS.has(reason) || DEFINITE_PULL_MESSAGE.test(message);
}
var TRANSIENT_CREATE_MESSAGE = /exceeded quota|failed calling webhook|failed to call webhook|context deadline exceeded|timeout|timed out|connection refused|connection reset|the server is currently unable|too many requests|etcdserver|the object has been modified|error looking up service account/i;
function isDefiniteCreateFailure(message) {
  return /denied the request/i.test(message) || quotaNeverFits(message) === true || !TRANSIENT_CREATE_MESSAGE.test(message);
}

// src/rollout/_time.ts
function timeOf(value) {
  if (value === void 0 || value === null) return void 0;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? void 0 : time;
}
function earliest(a, b) {
  if (a === void 0) return b;
  if (b === void 0) return a;
  return Math.min(a, b);
}

// src/rollout/predicates.ts
var REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
var DEFAULT_IMAGE_PULL_GRACE_MS = 9e4;
var IMAGE_FAILURES = /* @__PURE__ */ new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"]);
var START_FAILURES = /* @__PURE__ */ new Set([
  "ContainerCannotRun",
  "CreateContainerError",
  "RunContainerError",
  "StartError"
]);
var BENIGN_FAILED_PHASE_REASONS = /* @__PURE__ */ new Set([
  "Evicted",
  "Preempting",
  "Shutdown",
  "NodeShutdown",
  "Terminated"
]);
function revisionOf(object) {
  const value = Number(object.metadata?.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(value) ? value : 0;
}
function controlledBy(owner, items) {
  const uid = owner.metadata?.uid;
  if (uid === void 0) return [];
  return items.filter(
    (item) => item.metadata?.ownerReferences?.some((ref) => ref.controller && ref.uid === uid)
  );
}
function ownedReplicaSets(deployment, replicaSets) {
  return controlledBy(deployment, replicaSets);
}
function newReplicaSetOf(deployment, replicaSets) {
  const revision = revisionOf(deployment);
  if (revision === 0) return void 0;
  return ownedReplicaSets(deployment, replicaSets).find((rs) => revisionOf(rs) === revision);
}
function podsOf(replicaSet, pods) {
  return controlledBy(replicaSet, pods);
}
function judgePod(pod, rules, now, options = {}) {
  const name = pod.metadata?.name ?? "";
  if (pod.metadata?.deletionTimestamp) return {};
  const status2 = pod.status ?? {};
  if (!options.retriedByJob && status2.phase === "Failed" && !BENIGN_FAILED_PHASE_REASONS.has(status2.reason ?? "")) {
    return {
      doomed: {
        pod: name,
        reason: status2.reason || "PodFailed",
        message: status2.message || "the pod failed"
      }
    };
  }
  const pullSince = Math.max(
    rules.deployStartedAt,
    timeOf(status2.startTime) ?? timeOf(status2.conditions?.find((c) => c.type === "PodScheduled")?.lastTransitionTime) ?? rules.deployStartedAt
  );
  let recheckAt;
  let pulling;
  for (const container of [...status2.initContainerStatuses ?? [], ...status2.containerStatuses ?? []]) {
    const verdict = judgeContainer(name, container, pullSince, rules, now, options);
    if (verdict === void 0) continue;
    if ("doomed" in verdict) return verdict;
    recheckAt = earliest(recheckAt, verdict.recheckAt);
    pulling ??= verdict.waiting;
  }
  const later = recheckAt === void 0 ? {} : { recheckAt };
  const scheduled = status2.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    const since = Math.max(timeOf(scheduled.lastTransitionTime) ?? now, rules.deployStartedAt);
    const deadline = since + rules.unschedulableGraceMs;
    if (now >= deadline) {
      return {
        doomed: {
          pod: name,
          reason: "Unschedulable",
          message: scheduled.message ?? "no node can run the pod"
        }
      };
    }
    return {
      waiting: { pod: name, reason: `Unschedulable: ${scheduled.message ?? ""}`.trim() },
      recheckAt: deadline
    };
  }
  const ready = status2.conditions?.find((c) => c.type === "Ready")?.status === "True";
  if (ready) return later;
  if (pulling) return { waiting: pulling, ...later };
  const waitingContainer = status2.containerStatuses?.find((c) => c.state?.waiting?.reason);
  const reason = waitingContainer?.state?.waiting?.reason ?? (status2.phase === "Pending" ? "Pending" : "not ready");
  return { waiting: { pod: name, reason }, ...later };
}
function judgeContainer(pod, container, pullSince, rules, now, options) {
  const waiting = container.state?.waiting;
  const terminated = container.state?.terminated ?? container.lastState?.terminated;
  const base = { pod, container: container.name, restartCount: container.restartCount };
  const exit = terminated?.exitCode === void 0 ? {} : { exitCode: terminated.exitCode };
  if (waiting?.reason === "CrashLoopBackOff" && !options.retriedByJob) {
    return {
      doomed: {
        ...base,
        ...exit,
        reason: "CrashLoopBackOff",
        message: describeCrash(terminated, waiting.message)
      }
    };
  }
  if (waiting?.reason && IMAGE_FAILURES.has(waiting.reason)) {
    const message = waiting.message ?? waiting.reason;
    const deadline = pullSince + (rules.imagePullGraceMs ?? DEFAULT_IMAGE_PULL_GRACE_MS);
    if (isDefinitePullFailure(waiting.reason, message)) {
      return { doomed: { ...base, reason: waiting.reason, message } };
    }
    if (now >= deadline) {
      const seconds = Math.round((now - pullSince) / 1e3);
      return {
        doomed: { ...base, reason: waiting.reason, message: `still failing after ${seconds} s: ${message}` }
      };
    }
    return { waiting: { pod, reason: `${waiting.reason}: ${message}` }, recheckAt: deadline };
  }
  if (waiting?.reason === "CreateContainerConfigError" && !/failed to sync .*cache/i.test(waiting.message ?? "")) {
    return { doomed: { ...base, reason: waiting.reason, message: waiting.message ?? waiting.reason } };
  }
  const startFailure = [waiting?.reason, container.state?.terminated?.reason].find(
    (r) => r && START_FAILURES.has(r)
  );
  if (startFailure) {
    const message = waiting?.message ?? container.state?.terminated?.message ?? startFailure;
    return { doomed: { ...base, ...exit, reason: startFailure, message } };
  }
  if (container.restartCount >= rules.maxRestarts) {
    return {
      doomed: {
        ...base,
        ...exit,
        reason: "RestartLimit",
        message: `restarted ${container.restartCount} times; ${describeCrash(terminated)}`
      }
    };
  }
  return void 0;
}
function judgeCreateFailure(failure, rules, now) {
  const doomed = { pod: failure.object, reason: failure.reason, message: failure.message };
  if (isDefiniteCreateFailure(failure.message)) return { doomed };
  const deadline = Math.max(failure.since, rules.deployStartedAt) + rules.unschedulableGraceMs;
  if (now >= deadline) return { doomed };
  return {
    waiting: { pod: failure.object, reason: `${failure.reason}: ${failure.message}` },
    recheckAt: deadline
  };
}
function replicaFailureIn(object, conditions, rules) {
  const condition = conditions?.find((c) => c.type === "ReplicaFailure" && c.status === "True");
  const since = timeOf(condition?.lastTransitionTime) ?? rules.deployStartedAt;
  if (!condition || since < rules.deployStartedAt - 1e3) return void 0;
  return {
    object,
    reason: condition.reason || "FailedCreate",
    message: condition.message ?? "the controller cannot create pods",
    since
  };
}
function judgeRollout(deployment, replicaSets, pods, rules, now) {
  const status2 = deployment.status ?? {};
  const desired = deployment.spec?.replicas ?? 1;
  const owned = ownedReplicaSets(deployment, replicaSets);
  const ownedPods = owned.flatMap((rs) => podsOf(rs, pods)).filter((pod) => !pod.metadata?.deletionTimestamp);
  const counts = {
    desired,
    updated: status2.updatedReplicas ?? 0,
    ready: status2.readyReplicas ?? 0,
    available: status2.availableReplicas ?? 0,
    total: status2.replicas ?? 0
  };
  const observed = (deployment.metadata?.generation ?? 0) <= (status2.observedGeneration ?? -1);
  const newReplicaSet = observed ? newReplicaSetOf(deployment, replicaSets) : void 0;
  if (observed) {
    const deadline = status2.conditions?.find((c) => c.type === "Progressing");
    const deadlineAt = timeOf(deadline?.lastUpdateTime) ?? timeOf(deadline?.lastTransitionTime) ?? 0;
    if (deadline?.reason === "ProgressDeadlineExceeded" && deadlineAt >= rules.deployStartedAt - 1e3) {
      return { phase: "failed", counts, reason: "ProgressDeadlineExceeded", doomed: [] };
    }
  }
  const replicaFailure = observed ? replicaFailureIn(
    `ReplicaSet/${newReplicaSet?.metadata?.name}`,
    newReplicaSet?.status?.conditions,
    rules
  ) ?? replicaFailureIn(`Deployment/${deployment.metadata?.name}`, status2.conditions, rules) : void 0;
  const newPods = newReplicaSet ? podsOf(newReplicaSet, pods) : [];
  const verdicts = [
    ...replicaFailure ? [judgeCreateFailure(replicaFailure, rules, now)] : [],
    ...newPods.map((pod) => judgePod(pod, rules, now))
  ];
  const { doomed } = summarizeVerdicts(verdicts);
  if (doomed.length > 0) {
    return { phase: "failed", counts, reason: doomed[0]?.reason ?? "PodFailed", doomed };
  }
  const rsReady = newReplicaSet !== void 0 && (newReplicaSet.status?.availableReplicas ?? 0) >= (newReplicaSet.spec?.replicas ?? 0) && (newReplicaSet.status?.replicas ?? 0) === (newReplicaSet.spec?.replicas ?? 0);
  const oldPodsLeft = ownedPods.some((pod) => !newPods.includes(pod));
  if (observed && counts.updated >= desired && counts.total <= counts.updated && counts.available >= counts.updated && rsReady && !oldPodsLeft) {
    return { phase: "complete", counts };
  }
  const { waiting, recheckAt } = summarizeVerdicts(verdicts);
  return { phase: "progressing", counts, waiting, ...recheckAt === void 0 ? {} : { recheckAt } };
}
function summarizeVerdicts(verdicts) {
  const doomed = verdicts.flatMap((v) => "doomed" in v ? [v.doomed] : []);
  const waiting = verdicts.flatMap((v) => "waiting" in v && v.waiting ? [v.waiting] : []);
  const recheckAt = verdicts.reduce(
    (at, v) => earliest(at, "recheckAt" in v ? v.recheckAt : void 0),
    void 0
  );
  return { doomed, waiting, ...recheckAt === void 0 ? {} : { recheckAt } };
}
function describeCrash(terminated, fallback) {
  if (!terminated) return fallback ?? "the container keeps crashing";
  const parts = [`last exit code ${terminated.exitCode}`];
  if (terminated.reason) parts.push(`reason ${terminated.reason}`);
  if (terminated.message) parts.push(terminated.message.trim());
  return parts.join(", ");
}

// src/rollout/diagnostics.ts
async function collectEvidence(kc, options) {
  const core = kc.makeApiClient(k8s4.CoreV1Api);
  const apps = kc.makeApiClient(k8s4.AppsV1Api);
  const { namespace } = options;
  const [deployment, replicaSets, pods, events] = await Promise.all([
    options.kind === "Deployment" ? apps.readNamespacedDeployment({ name: options.name, namespace }).catch(() => void 0) : void 0,
    apps.listNamespacedReplicaSet({ namespace }).then(
      (l) => l.items,
      () => []
    ),
    core.listNamespacedPod({ namespace }).then(
      (l) => l.items,
      () => []
    ),
    core.listNamespacedEvent({ namespace }).then(
      (l) => l.items,
      () => []
    )
  ]);
  const newReplicaSet = deployment ? newReplicaSetOf(deployment, replicaSets) : void 0;
  const doomedPods = new Set(options.doomed.map((d) => d.pod));
  const owner = newReplicaSet?.metadata?.uid;
  const relevant = new Set(
    [
      deployment?.metadata?.uid,
      owner,
      ...pods.filter(
        (p) => doomedPods.has(p.metadata?.name ?? "") || owner && p.metadata?.ownerReferences?.some((o) => o.uid === owner)
      ).map((p) => p.metadata?.uid)
    ].filter((uid) => uid !== void 0)
  );
  const about = (event) => relevant.has(event.involvedObject.uid ?? "") || event.involvedObject.kind === options.kind && event.involvedObject.name === options.name;
  const evidenceEvents = events.filter((event) => about(event) && eventTime(event) >= options.since - 1e3).sort((a, b) => eventTime(a) - eventTime(b)).map((event) => ({
    object: `${event.involvedObject.kind}/${event.involvedObject.name}`,
    type: event.type ?? "Normal",
    reason: event.reason ?? "",
    message: (event.message ?? "").trim(),
    count: event.count ?? 1,
    ...eventTime(event) > 0 ? { lastSeen: new Date(eventTime(event)).toISOString() } : {}
  }));
  const logs = await Promise.all(
    options.doomed.filter((d) => d.container !== void 0).slice(0, 3).map((d) => tailLog(core, namespace, d, options.logLines ?? 20))
  );
  return { doomed: options.doomed, events: evidenceEvents, logs };
}
async function tailLog(core, namespace, doomed, lines) {
  const container = doomed.container;
  const previous = (doomed.restartCount ?? 0) > 0;
  try {
    const text = await core.readNamespacedPodLog({
      name: doomed.pod,
      namespace,
      container,
      tailLines: lines,
      previous
    });
    return { pod: doomed.pod, container, lines: text.split("\n").filter((line) => line.length > 0) };
  } catch (error) {
    const reason = error instanceof k8s4.ApiException ? `HTTP ${error.code}: ${messageOf(error.body)}` : String(error);
    return { pod: doomed.pod, container, unavailable: `logs unavailable (${reason})` };
  }
}
function messageOf(body) {
  if (typeof body === "string") {
    try {
      return JSON.parse(body).message ?? body;
    } catch {
      return body;
    }
  }
  return body?.message ?? "unknown error";
}
function eventTime(event) {
  const value = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  return value ? new Date(value).getTime() : 0;
}

// src/gates/_job-logs.ts
import { Writable } from "stream";
import * as k8s6 from "@kubernetes/client-node";

// src/rollout/_cluster-watch.ts
import * as k8s5 from "@kubernetes/client-node";
var MAX_RETRY_DELAY_MS = 5e3;
var collectionKey = (c) => `${c.apiVersion}/${c.kind}@${c.namespace ?? ""}`;
async function watchCollections(kc, collections, clock) {
  const objects = k8s5.KubernetesObjectApi.makeApiClient(kc);
  const unique = new Map(collections.map((c) => [collectionKey(c), c]));
  const informers = /* @__PURE__ */ new Map();
  const listeners = /* @__PURE__ */ new Set();
  const troubleListeners = /* @__PURE__ */ new Set();
  const cancels = /* @__PURE__ */ new Set();
  let stopped = false;
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  for (const [key, collection] of unique) {
    const path = await collectionPath(objects, collection);
    if (!path) continue;
    const informer = k8s5.makeInformer(
      kc,
      path,
      () => objects.list(collection.apiVersion, collection.kind, collection.namespace)
    );
    let retryDelay = 100;
    for (const verb of [k8s5.ADD, k8s5.UPDATE, k8s5.DELETE]) {
      informer.on(verb, () => {
        retryDelay = 100;
        notify();
      });
    }
    informer.on(k8s5.ERROR, (error) => {
      if (stopped) return;
      for (const listener of troubleListeners) listener(error);
      const cancel = clock.schedule(() => {
        cancels.delete(cancel);
        if (!stopped) informer.start().catch(() => void 0);
      }, retryDelay);
      cancels.add(cancel);
      retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS);
    });
    informers.set(key, informer);
  }
  await Promise.all([...informers.values()].map((informer) => informer.start()));
  return {
    list: (collection) => informers.get(collectionKey(collection))?.list(collection.namespace) ?? [],
    get: (collection, name) => informers.get(collectionKey(collection))?.get(name, collection.namespace),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onTrouble(listener) {
      troubleListeners.add(listener);
    },
    async stop() {
      stopped = true;
      for (const cancel of cancels) cancel();
      await Promise.all([...informers.values()].map((informer) => informer.stop()));
    }
  };
}
async function collectionPath(objects, collection) {
  try {
    return await objects.specUriPath(
      {
        apiVersion: collection.apiVersion,
        kind: collection.kind,
        metadata: collection.namespace ? { namespace: collection.namespace } : {}
      },
      "list"
    );
  } catch (error) {
    if (unreachableCause(error))
      throw describeKubernetesError(error, { verb: "list", resource: collectionKey(collection) });
    return void 0;
  }
}

// src/gates/_job-logs.ts
var JOB_NAME_LABELS = ["batch.kubernetes.io/job-name", "job-name"];
var DRAIN_MS = 3e3;
async function followJobLogs(kc, options) {
  const logs = new k8s6.Log(kc);
  const pods = { apiVersion: "v1", kind: "Pod", namespace: options.namespace };
  const watch = await watchCollections(kc, [pods], options.clock);
  const followed = /* @__PURE__ */ new Map();
  const follow = (pod, container) => {
    let rest = "";
    let finish = () => {
    };
    const done = new Promise((resolve3) => {
      finish = resolve3;
    });
    const emit = (text) => {
      const lines = (rest + text).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) options.onLine({ pod, container, line: line.replace(/\r$/, "") });
    };
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        emit(chunk.toString("utf8"));
        callback();
      },
      final(callback) {
        if (rest) options.onLine({ pod, container, line: rest });
        rest = "";
        finish();
        callback();
      }
    });
    sink.on("error", finish);
    sink.on("close", finish);
    const entry = { done };
    logs.log(options.namespace, pod, container, sink, { follow: true }).then(
      (abort) => {
        entry.abort = abort;
      },
      () => finish()
    );
    return entry;
  };
  const scan = (seen) => {
    for (const pod of seen) {
      const labels = pod.metadata?.labels ?? {};
      if (!JOB_NAME_LABELS.some((label) => labels[label] === options.job)) continue;
      const name = pod.metadata?.name ?? "";
      const statuses = [
        ...pod.status?.initContainerStatuses ?? [],
        ...pod.status?.containerStatuses ?? []
      ];
      for (const status2 of statuses) {
        if (!status2.state?.running && !status2.state?.terminated) continue;
        const key = `${name}/${status2.name}/${status2.restartCount}`;
        if (!followed.has(key)) followed.set(key, follow(name, status2.name));
      }
    }
  };
  const fromWatch = () => scan(watch.list(pods));
  const unsubscribe = watch.subscribe(fromWatch);
  fromWatch();
  return {
    async stop() {
      unsubscribe();
      const now = await kc.makeApiClient(k8s6.CoreV1Api).listNamespacedPod({
        namespace: options.namespace,
        labelSelector: `${JOB_NAME_LABELS[0]}=${options.job}`
      }).then(
        (list) => list.items,
        () => []
      );
      scan(now);
      await Promise.race([
        Promise.all([...followed.values()].map((f) => f.done)),
        new Promise((resolve3) => options.clock.schedule(resolve3, DRAIN_MS))
      ]);
      for (const entry of followed.values()) entry.abort?.abort();
      await watch.stop();
    }
  };
}

// src/gates/hooks.ts
var HOOK_OF_LABEL = "kubeship.dev/hook-of";
var HOOK_NAME_LABEL = "kubeship.dev/hook-name";
var DEFAULT_TIMEOUT_SECONDS = 300;
var DEFAULT_LOG_LINES = 20;
var MAX_TIMEOUT_SECONDS = 6 * 3600;
var MAX_HOOK_NAME = 52;
function splitHooks(objects) {
  const hooks = [];
  const rest = [];
  for (const object of objects) {
    const annotations = object.metadata.annotations ?? {};
    const phase2 = annotations[HOOK_ANNOTATION];
    if (phase2 === void 0) {
      rest.push(object);
      continue;
    }
    const problem = (field, message) => new KubeshipError("INVALID_INPUT", `${objectId(object)}: annotation ${field} ${message}`, {
      details: { object: objectId(object), annotation: field }
    });
    if (object.kind !== "Job") throw problem(HOOK_ANNOTATION, "is only for Jobs (batch/v1)");
    if (phase2 !== "pre-deploy" && phase2 !== "post-deploy")
      throw problem(HOOK_ANNOTATION, `must be pre-deploy or post-deploy, not "${phase2}"`);
    if (object.metadata.name.length > MAX_HOOK_NAME)
      throw problem(HOOK_ANNOTATION, `needs a Job name of at most ${MAX_HOOK_NAME} characters`);
    const timeout = annotations[HOOK_TIMEOUT_ANNOTATION] ?? String(DEFAULT_TIMEOUT_SECONDS);
    const seconds = /^[0-9]+$/.test(timeout) ? Number(timeout) : Number.NaN;
    if (!(seconds >= 1 && seconds <= MAX_TIMEOUT_SECONDS))
      throw problem(HOOK_TIMEOUT_ANNOTATION, `must be whole seconds from 1 to ${MAX_TIMEOUT_SECONDS}`);
    const policy = annotations[HOOK_DELETE_POLICY_ANNOTATION] ?? "succeeded";
    if (policy !== "succeeded" && policy !== "never")
      throw problem(HOOK_DELETE_POLICY_ANNOTATION, `must be succeeded or never, not "${policy}"`);
    hooks.push({
      phase: phase2,
      name: object.metadata.name,
      namespace: object.metadata.namespace ?? "default",
      timeoutMs: seconds * 1e3,
      deletePolicy: policy,
      job: object
    });
  }
  return { objects: rest, hooks };
}
function hookJob(hook, run) {
  const spec = hook.job.spec ?? {};
  return {
    ...hook.job,
    metadata: {
      ...hook.job.metadata,
      name: `${hook.name}-r${run.revision}`,
      namespace: hook.namespace,
      labels: { ...hook.job.metadata.labels, [HOOK_OF_LABEL]: run.app, [HOOK_NAME_LABEL]: hook.name }
    },
    spec: {
      ...spec,
      activeDeadlineSeconds: spec.activeDeadlineSeconds ?? Math.ceil(hook.timeoutMs / 1e3)
    }
  };
}
async function runHook(kc, hook, run) {
  const job = hookJob(hook, run);
  const jobName = job.metadata.name;
  const name = `${hook.phase} hook ${hook.name}`;
  const startedAt = run.clock.now();
  run.emit({ type: "step-started", at: startedAt, kind: "hook", name, detail: `Job ${jobName}` });
  await removeRuns(kc, hook, run.app);
  await applyAll(kc, [job], { force: true });
  const tail = logTail(run.logLines ?? DEFAULT_LOG_LINES);
  const logs = await followJobLogs(kc, {
    namespace: hook.namespace,
    job: jobName,
    clock: run.clock,
    onLine: (line) => {
      tail.add(line);
      run.emit({ type: "hook-log", at: run.clock.now(), hook: name, ...line });
    }
  });
  let verdict;
  try {
    [verdict] = await run.track([job], startedAt, hook.timeoutMs);
  } finally {
    await logs.stop();
  }
  const step = await stepOf(kc, { hook, job: jobName, name, startedAt, verdict, run, streamed: tail.logs() });
  if (step.outcome === "passed" && hook.deletePolicy === "succeeded")
    await deleteJob(kc, hook.namespace, jobName).catch(() => void 0);
  run.emit({ type: "step-finished", at: step.finishedAt, step });
  return step;
}
async function stepOf(kc, facts) {
  const { verdict, run } = facts;
  const base = { kind: "hook", name: facts.name, job: facts.job, startedAt: facts.startedAt };
  if (verdict?.outcome === "complete")
    return { ...base, outcome: "passed", message: verdict.summary, finishedAt: run.clock.now() };
  const outcome = verdict?.outcome === "timeout" || verdict?.outcome === "interrupted" ? verdict.outcome : "failed";
  const reason = verdict?.outcome === "failed" ? verdict.reason : outcome === "timeout" ? "HookTimeout" : outcome === "interrupted" ? "Interrupted" : "HookNotVerified";
  const collected = await collectEvidence(kc, {
    namespace: facts.hook.namespace,
    kind: "Job",
    name: facts.job,
    doomed: verdict?.outcome === "failed" ? verdict.doomed : [],
    since: facts.startedAt,
    ...run.logLines === void 0 ? {} : { logLines: run.logLines }
  });
  const evidence = collected.logs.length > 0 ? collected : { ...collected, logs: facts.streamed };
  const what = outcome === "timeout" ? `did not finish within ${facts.hook.timeoutMs / 1e3}s` : verdict?.summary ?? "";
  return {
    ...base,
    outcome,
    reason,
    message: `${reason}: ${what}; Job ${facts.job} is kept for inspection`,
    evidence,
    finishedAt: run.clock.now()
  };
}
function logTail(lines) {
  const byContainer = /* @__PURE__ */ new Map();
  return {
    add(line) {
      const key = `${line.pod}/${line.container}`;
      const entry = byContainer.get(key) ?? { pod: line.pod, container: line.container, lines: [] };
      byContainer.set(key, entry);
      entry.lines.push(line.line);
      if (entry.lines.length > lines) entry.lines.shift();
    },
    logs: () => [...byContainer.values()]
  };
}
async function removeRuns(kc, hook, app) {
  const batch = kc.makeApiClient(k8s7.BatchV1Api);
  const runs = await batch.listNamespacedJob({
    namespace: hook.namespace,
    labelSelector: `${HOOK_OF_LABEL}=${app},${HOOK_NAME_LABEL}=${hook.name}`
  });
  await Promise.all(runs.items.map((job) => deleteJob(kc, hook.namespace, job.metadata?.name ?? "")));
}
async function deleteJob(kc, namespace, name) {
  const batch = kc.makeApiClient(k8s7.BatchV1Api);
  await batch.deleteNamespacedJob({ name, namespace, propagationPolicy: "Background" }).catch(notFound);
  for (let i = 0; i < 100; i++) {
    const live2 = await batch.readNamespacedJob({ name, namespace }).catch(notFound);
    if (!live2) return;
    await new Promise((resolve3) => setTimeout(resolve3, 100));
  }
}
function notFound(error) {
  if (error.code === 404) return void 0;
  throw error;
}

// src/gates/steps.ts
var stepFailed = (step) => step.outcome !== "passed";

// src/progressive/canary.ts
import * as k8s8 from "@kubernetes/client-node";

// src/progressive/alb.ts
var ALB_ACTIONS_PREFIX = "alb.ingress.kubernetes.io/actions.";
var weightedActionName = (service) => `${service}-weighted`;
function canaryService(stable, canarySelector) {
  const { clusterIP: _ip, clusterIPs: _ips, ...spec } = stable.spec ?? {};
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: `${stable.metadata.name}-canary`,
      ...stable.metadata.namespace ? { namespace: stable.metadata.namespace } : {},
      labels: { ...stable.metadata.labels },
      annotations: { "kubeship.dev/canary-of": stable.metadata.name }
    },
    spec: { ...spec, selector: { ...canarySelector } }
  };
}
function weightedIngress(ingress, service, canaryPercent) {
  const spec = ingress.spec ?? {};
  let port;
  const swap = (backend) => {
    if (backend?.service?.name !== service) return backend;
    port ??= backend.service.port;
    return { service: { name: weightedActionName(service), port: { name: "use-annotation" } } };
  };
  const rules = spec.rules?.map((rule) => ({
    ...rule,
    ...rule.http ? {
      http: {
        ...rule.http,
        paths: rule.http.paths?.map((path) => ({ ...path, backend: swap(path.backend) }))
      }
    } : {}
  }));
  const defaultBackend = swap(spec.defaultBackend);
  const servicePort = port?.name ?? String(port?.number ?? 80);
  const action = {
    type: "forward",
    forwardConfig: {
      targetGroups: [
        { serviceName: service, servicePort, weight: 100 - canaryPercent },
        { serviceName: `${service}-canary`, servicePort, weight: canaryPercent }
      ]
    }
  };
  return {
    ...ingress,
    metadata: {
      ...ingress.metadata,
      annotations: {
        ...ingress.metadata.annotations,
        [`${ALB_ACTIONS_PREFIX}${weightedActionName(service)}`]: JSON.stringify(action)
      }
    },
    spec: {
      ...spec,
      ...rules ? { rules } : {},
      ...defaultBackend ? { defaultBackend } : {}
    }
  };
}

// src/progressive/presets.ts
var CANARY = /^Canary(\d{1,2})Percent(\d{1,3})Minutes?$/;
var LINEAR = /^Linear(\d{1,2})PercentEvery(\d{1,3})Minutes?$/;
function canaryPreset(name) {
  const canary2 = CANARY.exec(name);
  const linear = LINEAR.exec(name);
  const percent = Number((canary2 ?? linear)?.[1]);
  const minutes = Number((canary2 ?? linear)?.[2]);
  if (!canary2 && !linear || !(percent >= 1 && percent <= 99) || !(minutes >= 1 && minutes <= 360)) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `unknown canary preset "${name}": use Canary<1-99>Percent<1-360>Minutes (e.g. Canary10Percent5Minutes) or Linear<1-99>PercentEvery<1-360>Minutes (e.g. Linear10PercentEvery1Minute), or explicit steps`,
      { details: { preset: name } }
    );
  }
  const bakeMs = minutes * 6e4;
  if (canary2) return [{ percent, bakeMs }];
  const steps = [];
  for (let share = percent; share < 100; share += percent) steps.push({ percent: share, bakeMs });
  return steps;
}
function checkCanarySteps(steps) {
  const problem = (index, message) => new KubeshipError("INVALID_INPUT", `canary step ${index + 1}: ${message}`, {
    details: { step: index + 1 }
  });
  if (steps.length === 0) throw new KubeshipError("INVALID_INPUT", "a canary needs at least one step");
  steps.forEach((step, index) => {
    if (!Number.isInteger(step.percent) || step.percent < 1 || step.percent > 100)
      throw problem(index, `percent must be a whole number from 1 to 100, not ${step.percent}`);
    if (index > 0 && step.percent <= (steps[index - 1]?.percent ?? 0))
      throw problem(index, "percentages must grow from step to step");
    if (!(step.bakeMs >= 0 && step.bakeMs <= 6 * 36e5))
      throw problem(index, "bake must be 0 to 6 hours");
  });
}
function canaryReplicas(stableReplicas, percent) {
  return Math.max(1, Math.ceil(stableReplicas * percent / 100));
}

// src/progressive/canary.ts
var TRACK_LABEL = "kubeship.dev/track";
var CANARY_OF_LABEL = "kubeship.dev/canary-of";
function canaryDeployment(desired, replicas, options = {}) {
  const track2 = options.track ?? "canary";
  const spec = desired.spec ?? {};
  const template = spec.template ?? {};
  const apart = (labels) => Object.fromEntries(
    Object.entries(labels ?? {}).filter(([key]) => !options.apartFrom || !(key in options.apartFrom))
  );
  const own = {
    [TRACK_LABEL]: track2,
    ...options.apartFrom ? { [CANARY_OF_LABEL]: desired.metadata.name } : {}
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: `${desired.metadata.name}-${track2}`,
      ...desired.metadata.namespace ? { namespace: desired.metadata.namespace } : {},
      labels: { ...desired.metadata.labels, [TRACK_LABEL]: track2 },
      annotations: { "kubeship.dev/canary-of": desired.metadata.name }
    },
    spec: {
      ...spec,
      replicas,
      selector: { matchLabels: { ...apart(spec.selector?.matchLabels), ...own } },
      template: {
        ...template,
        metadata: { ...template.metadata, labels: { ...apart(template.metadata?.labels), ...own } }
      }
    }
  };
}
async function runCanarySteps(kc, run) {
  const done = [];
  for (const [index, step] of run.steps.entries()) {
    const replicas = canaryReplicas(run.stableReplicas, step.percent);
    const name = `canary step ${index + 1} (${step.percent}%)`;
    const startedAt = run.clock.now();
    run.emit({
      type: "step-started",
      at: startedAt,
      kind: "canary",
      name,
      detail: `${replicas} canary pod(s) beside ${run.stableReplicas} stable, then ${step.bakeMs / 1e3}s bake`
    });
    const canary2 = canaryPieces(run, replicas);
    await applyAll(kc, [canary2.deployment, ...canary2.service ? [canary2.service] : []], { force: true });
    const [verdict] = await run.track([canary2.deployment], startedAt, run.timeoutMs);
    if (verdict?.outcome === "complete" && run.alb)
      await applyAll(kc, [weightedIngress(run.alb.ingress, run.alb.service.metadata.name, step.percent)], {
        force: true
      });
    const base = { kind: "canary", name, startedAt };
    let result2;
    if (verdict?.outcome !== "complete") {
      const outcome = verdict?.outcome === "timeout" || verdict?.outcome === "interrupted" ? verdict.outcome : "failed";
      result2 = {
        ...base,
        outcome,
        reason: verdict?.outcome === "failed" ? verdict.reason : outcome === "timeout" ? "CanaryTimeout" : "Interrupted",
        message: `${outcome === "interrupted" ? "interrupted while waiting for the canary" : "the canary did not become healthy"}: ${verdict?.summary ?? "no verdict"}`,
        finishedAt: run.clock.now()
      };
    } else {
      const bake2 = await bakeStep(run, step, name);
      result2 = {
        ...base,
        ...bake2,
        message: `${replicas} canary pod(s) healthy; ${bake2.message}`,
        finishedAt: run.clock.now()
      };
    }
    run.emit({ type: "step-finished", at: result2.finishedAt, step: result2 });
    done.push(result2);
    if (result2.outcome !== "passed") break;
  }
  return done;
}
function canaryPieces(run, replicas) {
  if (!run.alb) return { deployment: canaryDeployment(run.desired, replicas) };
  const apartFrom = (run.alb.service.spec ?? {}).selector ?? {};
  const deployment = canaryDeployment(run.desired, replicas, { apartFrom });
  const selector = deployment.spec.selector?.matchLabels ?? {};
  return { deployment, service: canaryService(run.alb.service, selector) };
}
async function restoreTraffic(kc, alb) {
  await applyAll(kc, [weightedIngress(alb.ingress, alb.service.metadata.name, 0)], { force: true });
  await applyAll(kc, [alb.ingress], { force: true });
  const core = kc.makeApiClient(k8s8.CoreV1Api);
  await core.deleteNamespacedService({
    name: `${alb.service.metadata.name}-canary`,
    namespace: alb.service.metadata.namespace ?? "default"
  }).catch((error) => {
    if (!(error instanceof k8s8.ApiException && error.code === 404)) throw error;
  });
}
async function bakeStep(run, step, name) {
  if (run.alarms) {
    const baked = await bakeWithAlarms(
      { ...run.alarms, bakeMs: step.bakeMs },
      {
        clock: run.clock,
        // the step reports itself; the alarm readings are worth showing as they come
        emit: (event) => {
          if (event.type === "alarm") run.emit(event);
        },
        name: `${name} bake`,
        ...run.signal ? { signal: run.signal } : {}
      }
    );
    return {
      outcome: baked.outcome,
      ...baked.reason ? { reason: baked.reason } : {},
      message: baked.message,
      ...baked.alarms ? { alarms: baked.alarms } : {}
    };
  }
  await new Promise((resolve3) => {
    if (run.signal?.aborted) return resolve3();
    const cancel = run.clock.schedule(resolve3, step.bakeMs);
    run.signal?.addEventListener(
      "abort",
      () => {
        cancel();
        resolve3();
      },
      { once: true }
    );
  });
  return run.signal?.aborted ? { outcome: "interrupted", reason: "Interrupted", message: "interrupted during the bake" } : { outcome: "passed", message: `baked ${step.bakeMs / 1e3}s` };
}
async function removeCanary(kc, desired, track2 = "canary") {
  const apps = kc.makeApiClient(k8s8.AppsV1Api);
  const core = kc.makeApiClient(k8s8.CoreV1Api);
  const namespace = desired.metadata.namespace ?? "default";
  const name = `${desired.metadata.name}-${track2}`;
  await apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy: "Foreground" }).catch((error) => {
    if (!(error instanceof k8s8.ApiException && error.code === 404)) throw error;
  });
  const labelSelector = `${TRACK_LABEL}=${track2}`;
  for (let i = 0; i < 600; i++) {
    const [deployment, pods] = await Promise.all([
      apps.readNamespacedDeployment({ name, namespace }).catch(() => void 0),
      core.listNamespacedPod({ namespace, labelSelector })
    ]);
    const own = pods.items.filter((pod) => pod.metadata?.name?.startsWith(`${name}-`));
    if (!deployment && own.length === 0) return;
    await new Promise((resolve3) => setTimeout(resolve3, 100));
  }
}

// src/progressive/blue-green.ts
var selectorOf = (object, path) => (path === "service" ? (object.spec ?? {}).selector : (object.spec ?? {}).selector?.matchLabels) ?? {};
function greenDeployment(run) {
  return canaryDeployment(run.desired, run.stableReplicas, {
    apartFrom: selectorOf(run.service, "service"),
    track: "green"
  });
}
function switchedService(service, selector) {
  return { ...service, spec: { ...service.spec ?? {}, selector: { ...selector } } };
}
async function runBlueGreen(kc, run) {
  const steps = [];
  const green2 = greenDeployment(run);
  const step = async (name, detail, work) => {
    const startedAt = run.clock.now();
    run.emit({ type: "step-started", at: startedAt, kind: "blue-green", name, detail });
    const done = {
      kind: "blue-green",
      name,
      startedAt,
      ...await work(),
      finishedAt: run.clock.now()
    };
    run.emit({ type: "step-finished", at: done.finishedAt, step: done });
    steps.push(done);
    return done.outcome === "passed";
  };
  const verified = await step(
    "green at full size",
    `${run.stableReplicas} pod(s) of ${green2.metadata.name}`,
    async () => {
      const since = run.clock.now();
      await applyAll(kc, [green2], { force: true });
      const [verdict] = await run.track([green2], since, run.timeoutMs);
      if (verdict?.outcome === "complete") return { outcome: "passed", message: verdict.summary };
      const outcome = verdict?.outcome === "timeout" || verdict?.outcome === "interrupted" ? verdict.outcome : "failed";
      return {
        outcome,
        reason: verdict?.outcome === "failed" ? verdict.reason : outcome === "timeout" ? "GreenTimeout" : "Interrupted",
        message: `green did not become healthy: ${verdict?.summary ?? "no verdict"}`
      };
    }
  );
  if (!verified) return steps;
  await step(
    "traffic on green",
    `Service ${run.service.metadata.name} selects green only; blue kept ${run.keepMs / 1e3}s`,
    async () => {
      await applyAll(kc, [switchedService(run.service, selectorOf(green2, "deployment"))], { force: true });
      const bake2 = await bakeStep(run, { bakeMs: run.keepMs }, "traffic on green");
      return bake2.outcome === "passed" ? { ...bake2, message: `blue kept ${run.keepMs / 1e3}s; ${bake2.message}` } : bake2;
    }
  );
  return steps;
}
async function endBlueGreen(kc, run) {
  await applyAll(kc, [run.service], { force: true });
  await removeCanary(kc, run.desired, "green");
}

// src/release/applyset.ts
import { createHash } from "crypto";
var APPLYSET = {
  id: "applyset.kubernetes.io/id",
  partOf: "applyset.kubernetes.io/part-of",
  tooling: "applyset.kubernetes.io/tooling",
  groupKinds: "applyset.kubernetes.io/contains-group-kinds",
  additionalNamespaces: "applyset.kubernetes.io/additional-namespaces"
};
var RELEASE_LABELS = {
  app: "kubeship.dev/app",
  role: "kubeship.dev/role",
  revision: "kubeship.dev/revision"
};
function applySetParentName(app) {
  return `kubeship.${app}`;
}
function applySetId(parent) {
  const digest = createHash("sha256").update(`${parent.name}.${parent.namespace}.${parent.kind}.${parent.group}`).digest("base64url");
  return `applyset-${digest}-v1`;
}
function appApplySetId(app, namespace) {
  return applySetId({ name: applySetParentName(app), namespace, kind: "ConfigMap", group: "" });
}
function groupKindOf(object) {
  const group = object.apiVersion.includes("/") ? object.apiVersion.split("/")[0] : "";
  return group ? `${object.kind}.${group}` : object.kind;
}
function withMembership(objects, id) {
  return objects.map((object) => ({
    ...object,
    metadata: { ...object.metadata, labels: { ...object.metadata.labels, [APPLYSET.partOf]: id } }
  }));
}
function applySetParent(options) {
  const groupKinds = [...new Set(options.members.map(groupKindOf))].sort();
  const others = [
    ...new Set(
      options.members.map((m) => m.metadata.namespace).filter((ns) => ns && ns !== options.namespace)
    )
  ].sort();
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: applySetParentName(options.app),
      namespace: options.namespace,
      labels: {
        [APPLYSET.id]: appApplySetId(options.app, options.namespace),
        [RELEASE_LABELS.app]: options.app,
        [RELEASE_LABELS.role]: "applyset-parent"
      },
      annotations: {
        [APPLYSET.tooling]: options.tooling,
        [APPLYSET.groupKinds]: groupKinds.join(","),
        ...others.length > 0 ? { [APPLYSET.additionalNamespaces]: others.join(",") } : {}
      }
    },
    data: { app: options.app, revision: String(options.revision) }
  };
}

// src/release/history.ts
import * as k8s9 from "@kubernetes/client-node";

// src/release/record.ts
import { gunzipSync, gzipSync } from "zlib";
var RECORD_SECRET_TYPE = "kubeship.dev/release.v1";
var MAX_RECORD_BYTES = 1024 * 1024 - 4096;
function recordSecretName(app, revision) {
  return `kubeship.${app}.v${revision}`;
}
function encodeRecord(record2) {
  const { objects, ...summary } = record2;
  const payload = gzipSync(Buffer.from(JSON.stringify(record2)));
  if (payload.length > MAX_RECORD_BYTES) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `the release of ${record2.app} is too large to record: ${objects.length} objects compress to ${payload.length} bytes (limit ${MAX_RECORD_BYTES})`,
      { details: { app: record2.app, bytes: payload.length } }
    );
  }
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: RECORD_SECRET_TYPE,
    metadata: {
      name: recordSecretName(record2.app, record2.revision),
      namespace: record2.namespace,
      labels: {
        [RELEASE_LABELS.app]: record2.app,
        [RELEASE_LABELS.role]: "release-record",
        [RELEASE_LABELS.revision]: String(record2.revision)
      },
      annotations: { "kubeship.dev/summary": JSON.stringify(summary) }
    },
    data: { release: payload.toString("base64") }
  };
}
function decodeRecord(secret) {
  const payload = secret.data?.release;
  if (!payload) return void 0;
  try {
    const record2 = JSON.parse(gunzipSync(Buffer.from(payload, "base64")).toString("utf8"));
    return Number.isInteger(record2.revision) && Array.isArray(record2.objects) ? record2 : void 0;
  } catch {
    return void 0;
  }
}
function summaryOf(secret) {
  try {
    const summary = JSON.parse(
      secret.metadata?.annotations?.["kubeship.dev/summary"] ?? ""
    );
    return Number.isInteger(summary.revision) ? summary : void 0;
  } catch {
    return void 0;
  }
}
function lastDeployed(records) {
  return [...records].filter((r) => r.outcome === "deployed").sort((a, b) => b.revision - a.revision)[0];
}

// src/release/history.ts
async function readHistory(kc, ref) {
  const core = kc.makeApiClient(k8s9.CoreV1Api);
  const list = await core.listNamespacedSecret({
    namespace: ref.namespace,
    labelSelector: `${RELEASE_LABELS.app}=${ref.app},${RELEASE_LABELS.role}=release-record`
  }).catch((error) => {
    if (error instanceof k8s9.ApiException && error.code === 404) return { items: [] };
    throw describeKubernetesError(error, { verb: "list", resource: "secrets", namespace: ref.namespace });
  });
  return list.items.map((secret) => summaryOf(secret)).filter((s) => s !== void 0).sort((a, b) => a.revision - b.revision);
}
function noSuchRelease(ref, history, wanted) {
  const known = history.map((r) => `${r.revision} (${r.outcome})`).join(", ") || "none";
  const what = wanted.revision === void 0 ? `${ref.app} in ${ref.namespace} has ${wanted.missing ?? "no recorded release"}` : `${wanted.key} ${wanted.revision}: ${ref.app} in ${ref.namespace} has no release ${wanted.revision}`;
  return new KubeshipError("INVALID_INPUT", `${what} (releases: ${known}); nothing was changed`, {
    details: {
      key: wanted.key,
      app: ref.app,
      namespace: ref.namespace,
      ...wanted.revision === void 0 ? {} : { revision: wanted.revision },
      revisions: history.map((r) => r.revision)
    }
  });
}
async function readRecord(kc, ref, revision) {
  const live2 = await new RawObjectClient(kc).read({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: recordSecretName(ref.app, revision), namespace: ref.namespace }
  }).catch((error) => {
    throw describeKubernetesError(error, { verb: "get", resource: "secrets", namespace: ref.namespace });
  });
  return live2 ? decodeRecord(live2) : void 0;
}
async function writeRecord(kc, record2, keep) {
  await applyOwn(kc, encodeRecord(record2));
  const ref = { app: record2.app, namespace: record2.namespace };
  const history = await readHistory(kc, ref);
  const protectedRevision = [...history].reverse().find((r) => r.outcome === "deployed")?.revision;
  const excess = history.filter((r) => r.revision !== protectedRevision).slice(0, Math.max(0, history.length - keep));
  const core = kc.makeApiClient(k8s9.CoreV1Api);
  await Promise.all(
    excess.map(
      (r) => core.deleteNamespacedSecret({ name: recordSecretName(ref.app, r.revision), namespace: ref.namespace }).catch(() => void 0)
    )
  );
}
async function applyOwn(kc, object) {
  await new RawObjectClient(kc).apply(object, { fieldManager: FIELD_MANAGER, force: true, dryRun: false }).catch((error) => {
    throw describeKubernetesError(error, {
      verb: "patch",
      resource: `${object.kind.toLowerCase()}s`,
      namespace: object.metadata.namespace ?? "",
      name: object.metadata.name
    });
  });
}

// src/release/prune.ts
import * as k8s10 from "@kubernetes/client-node";
import { objectIdentity } from "@kubeship/manifests";
function missingFrom(before, after) {
  const kept = new Set(after.map(objectIdentity));
  return before.filter((object) => !kept.has(objectIdentity(object)));
}
function inventoryAfter(previous, own, pruned) {
  const ownIds = new Set(own.map(objectIdentity));
  const prunedIds = new Set(pruned.map(objectIdentity));
  const before = /* @__PURE__ */ new Map();
  let kept = [];
  for (const member of previous) {
    const id = objectIdentity(member);
    if (ownIds.has(id)) {
      if (kept.length > 0) before.set(id, kept);
      kept = [];
    } else if (!prunedIds.has(id)) kept.push(member);
  }
  return [...own.flatMap((object) => [...before.get(objectIdentity(object)) ?? [], object]), ...kept];
}
async function leftBehind(kc, ref, objects) {
  const previous = lastDeployed(await readHistory(kc, ref));
  const record2 = previous ? await readRecord(kc, ref, previous.revision) : void 0;
  return missingFrom(record2?.objects ?? [], objects).map(objectId);
}
async function deleteMembers(kc, objects, applySetId2) {
  const client = k8s10.KubernetesObjectApi.makeApiClient(kc);
  const deleted = await Promise.all(
    objects.map(async (object) => {
      const context = {
        verb: "delete",
        resource: `${object.kind.toLowerCase()}s`,
        ...object.metadata.namespace ? { namespace: object.metadata.namespace } : {},
        name: object.metadata.name
      };
      const ref = {
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: {
          name: object.metadata.name,
          ...object.metadata.namespace ? { namespace: object.metadata.namespace } : {}
        }
      };
      try {
        const live2 = await client.read(ref);
        if (live2.metadata?.labels?.[APPLYSET.partOf] !== applySetId2) return void 0;
        await client.delete(ref, void 0, void 0, void 0, void 0, "Background");
        return objectId(object);
      } catch (error) {
        if (error instanceof k8s10.ApiException && error.code === 404) return void 0;
        throw describeKubernetesError(error, context);
      }
    })
  );
  return deleted.filter((id) => id !== void 0);
}

// src/rollout/rules/_common.ts
var asModel = (object) => object;
var failureRulesOf = (context) => ({
  ...context.rules,
  deployStartedAt: context.appliedAt
});
var isRecord = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
function generationObserved(object) {
  return (object.metadata?.generation ?? 0) <= (object.status?.observedGeneration ?? -1);
}
var awaitingController = (object) => progressing(`waiting for the controller to observe generation ${object.metadata?.generation ?? "?"}`);
var live = (pod) => !pod.metadata?.deletionTimestamp;
function judgePods(pods, context, more = {}) {
  const rules = failureRulesOf(context);
  const { doomed, waiting, recheckAt } = summarizeVerdicts([
    ...more.failure ? [judgeCreateFailure(more.failure, rules, context.now)] : [],
    ...pods.map((pod) => judgePod(pod, rules, context.now, more.options))
  ]);
  const doom = failedFromDoom(doomed, more.counts);
  return { waiting, ...doom ? { doom } : {}, ...recheckAt === void 0 ? {} : { recheckAt } };
}
var progressingOn = (summary, pods, counts) => progressing(`${summary}${waitingNote(pods.waiting)}`, {
  waiting: pods.waiting,
  recheckAt: pods.recheckAt,
  ...counts ? { counts } : {}
});
function eventLastSeen(event) {
  return timeOf(event.series?.lastObservedTime) ?? timeOf(event.lastTimestamp) ?? timeOf(event.eventTime) ?? timeOf(event.firstTimestamp) ?? timeOf(event.metadata?.creationTimestamp) ?? 0;
}
function eventFirstSeen(event) {
  return timeOf(event.firstTimestamp) ?? timeOf(event.eventTime) ?? timeOf(event.metadata?.creationTimestamp) ?? 0;
}
function eventsAbout(object, events, reasons, since) {
  const uid = typeof object.metadata.uid === "string" ? object.metadata.uid : void 0;
  return events.filter((event) => {
    const about = event.involvedObject;
    const same = about.uid ? about.uid === uid : about.kind === object.kind && about.name === object.metadata.name;
    return same && reasons.includes(event.reason ?? "") && eventLastSeen(event) >= since - 1e3;
  }).sort((a, b) => eventLastSeen(b) - eventLastSeen(a));
}
function judgeControllerPods(object, view, context, isCurrent, counts) {
  const pods = controlledBy(asModel(object), view.pods()).filter(live);
  const failure = createFailureFromEvents(object, view.events(), pods, context.appliedAt);
  return { pods, verdicts: judgePods(pods.filter(isCurrent), context, { failure, counts }) };
}
function createFailureFromEvents(object, events, ownedPods, appliedAt) {
  const lastCreated = Math.max(0, ...ownedPods.map((pod) => timeOf(pod.metadata?.creationTimestamp) ?? 0));
  const event = eventsAbout(object, events, ["FailedCreate"], appliedAt).find(
    (e) => eventLastSeen(e) > lastCreated
  );
  if (!event) return void 0;
  return {
    object: `${object.kind}/${object.metadata.name}`,
    reason: "FailedCreate",
    message: (event.message ?? "the controller cannot create pods").trim(),
    since: eventFirstSeen(event)
  };
}
function waitingNote(waiting) {
  const [first] = waiting;
  if (!first) return "";
  const more = waiting.length > 1 ? ` and ${waiting.length - 1} more` : "";
  return `; waiting on ${first.pod} (${first.reason})${more}`;
}
function describeDoom(doomed) {
  const who = doomed.pod.includes("/") ? doomed.pod : `pod ${doomed.pod}`;
  const container = doomed.container ? ` container ${doomed.container}` : "";
  return `${who}${container}: ${doomed.reason}: ${doomed.message}`;
}
var healthy = (summary, counts) => ({
  status: "healthy",
  summary,
  ...counts ? { counts } : {}
});
var progressing = (summary, more = {}) => ({
  status: "progressing",
  summary,
  waiting: more.waiting ?? [],
  ...more.counts ? { counts: more.counts } : {},
  ...more.recheckAt === void 0 ? {} : { recheckAt: more.recheckAt }
});
var failed = (reason, summary, doomed = [], counts) => ({ status: "failed", reason, summary, doomed, ...counts ? { counts } : {} });
function failedFromDoom(doomed, counts) {
  const [first] = doomed;
  if (!first) return void 0;
  const more = doomed.length > 1 ? ` (and ${doomed.length - 1} more)` : "";
  return failed(first.reason, `${describeDoom(first)}${more}`, doomed, counts);
}
function afterGrace(since, graceMs, now, verdicts) {
  const deadline = since + graceMs;
  return now >= deadline ? verdicts.failed() : verdicts.progressing(deadline);
}

// src/rollout/rules/cron-schedule.ts
var FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
  },
  { name: "day-of-week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] }
];
var DESCRIPTORS = /* @__PURE__ */ new Set([
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly"
]);
var GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
function isTimeZone(zone) {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
function scheduleProblem(schedule) {
  let rest = schedule.trim();
  const zone = /^(?:CRON_)?TZ=(\S*)\s*(.*)$/.exec(rest);
  if (zone) {
    if (!isTimeZone(zone[1] ?? "")) return `unknown time zone "${zone[1]}"`;
    rest = zone[2] ?? "";
  }
  if (rest === "") return "the schedule is empty";
  if (rest.startsWith("@")) return descriptorProblem(rest);
  const fields = rest.split(/\s+/);
  if (fields.length !== FIELDS.length) {
    return `expected 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  }
  for (const [index, text] of fields.entries()) {
    const field = FIELDS[index];
    for (const part of text.split(",")) {
      const problem = partProblem(part, field);
      if (problem) return `${field.name} field "${text}": ${problem}`;
    }
  }
  return void 0;
}
function descriptorProblem(text) {
  const every = /^@every\s+(\S+)$/.exec(text);
  if (every) {
    const duration = every[1] ?? "";
    return GO_DURATION.test(duration) && /[1-9]/.test(duration) ? void 0 : `"${duration}" is not a positive duration such as 90s or 1h30m`;
  }
  return DESCRIPTORS.has(text.toLowerCase()) ? void 0 : `unknown descriptor "${text}"`;
}
function partProblem(part, field) {
  const [range = "", step, extra] = part.split("/");
  if (extra !== void 0) return `"${part}" has more than one step`;
  if (step !== void 0 && !/^\d+$/.test(step)) return `step "${step}" is not a number`;
  if (step !== void 0 && Number(step) === 0) return "a step must be at least 1";
  if (range === "*" || range === "?") return void 0;
  const [from = "", to, beyond] = range.split("-");
  if (beyond !== void 0) return `"${range}" is not a range`;
  const start = fieldValue(from, field);
  if (typeof start === "string") return start;
  if (to === void 0) return void 0;
  const end = fieldValue(to, field);
  if (typeof end === "string") return end;
  return start > end ? `range ${from}-${to} ends before it starts` : void 0;
}
function fieldValue(text, field) {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) return `"${text}" is not a number${field.names ? " or a name" : ""}`;
  const value = Number(text);
  if (value < field.min || value > field.max) return `${value} is outside ${field.min}-${field.max}`;
  return value;
}

// src/rollout/rules/cron-job.ts
var EXPECT_SUSPENDED_ANNOTATION = "kubeship.dev/expect-suspended";
var cronJobRule = {
  name: "CronJob",
  needs: [],
  judge(object) {
    const cronJob = asModel(object);
    const schedule = cronJob.spec?.schedule ?? "";
    const timeZone = cronJob.spec?.timeZone;
    const problem = scheduleProblem(schedule) ?? (timeZone !== void 0 && timeZone !== null && !isTimeZone(timeZone) ? `unknown time zone "${timeZone}"` : void 0);
    if (problem) return failed("InvalidSchedule", `schedule "${schedule}": ${problem}`);
    const when = `schedule "${schedule}"${timeZone ? ` (${timeZone})` : ""}`;
    if (cronJob.spec?.suspend) {
      if (cronJob.metadata?.annotations?.[EXPECT_SUSPENDED_ANNOTATION] === "true") {
        return healthy(`suspended as expected; ${when}`);
      }
      return failed(
        "Suspended",
        `spec.suspend is true: no Job will run on ${when} (annotate ${EXPECT_SUSPENDED_ANNOTATION}: "true" if intended)`
      );
    }
    const last = cronJob.status?.lastScheduleTime;
    const active = cronJob.status?.active?.length ?? 0;
    return healthy(
      `${when}; ${last ? `last scheduled ${new Date(last).toISOString()}` : "not scheduled yet"}${active > 0 ? `, ${active} Job(s) running` : ""}`
    );
  }
};

// src/rollout/rules/hpa.ts
var DEFAULT_METRICS_GRACE_MS = 6e4;
var V1_CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions";
var FAILING_REASONS = /* @__PURE__ */ new Set([
  "FailedGetScale",
  "FailedUpdateScale",
  "FailedGetResourceMetric",
  "FailedGetContainerResourceMetric",
  "FailedGetPodsMetric",
  "FailedGetObjectMetric",
  "FailedGetExternalMetric",
  "FailedComputeMetricsReplicas",
  "InvalidSelector",
  "InvalidMetricSourceType"
]);
var DEFINITE_MESSAGE = /missing request for/i;
var horizontalPodAutoscalerRule = {
  name: "HorizontalPodAutoscaler",
  needs: [],
  judge(object, _view, context) {
    const hpa = asModel(object);
    if (hpa.status?.observedGeneration !== void 0 && !generationObserved(hpa))
      return awaitingController(hpa);
    const conditions = conditionsOf(hpa);
    const able = conditions.find((c) => c.type === "AbleToScale");
    const active = conditions.find((c) => c.type === "ScalingActive");
    if (!able || !active) return progressing("waiting for the HPA controller to evaluate it (every 15 s)");
    const failing = [able, active].find((c) => c.status === "False" && FAILING_REASONS.has(c.reason ?? ""));
    if (failing) {
      const summary = `${failing.type} False: ${failing.reason}: ${failing.message ?? ""}`.trim();
      const fail = () => failed(failing.reason ?? "ScalingInactive", summary);
      if (DEFINITE_MESSAGE.test(failing.message ?? "")) return fail();
      const grace = context.rules.metricsGraceMs ?? DEFAULT_METRICS_GRACE_MS;
      return afterGrace(context.appliedAt, grace, context.now, {
        failed: fail,
        progressing: (recheckAt) => progressing(summary, { recheckAt })
      });
    }
    const replicas = `${hpa.status?.currentReplicas ?? 0} replica(s) (min ${hpa.spec?.minReplicas ?? 1}, max ${hpa.spec?.maxReplicas})`;
    if (active.status === "False" && active.reason === "ScalingDisabled") {
      return healthy(`scaling disabled: ${active.message ?? "the target is scaled to 0"}`);
    }
    if (active.status === "True") {
      const backoff = able.status === "True" ? "" : `; ${able.reason}`;
      const limited = conditions.find((c) => c.type === "ScalingLimited" && c.status === "True");
      return healthy(`scaling active: ${replicas}${backoff}${limited ? `; limited: ${limited.reason}` : ""}`);
    }
    return progressing(
      `ScalingActive ${active.status}: ${active.reason ?? ""}: ${active.message ?? ""}; ${replicas}`
    );
  }
};
function conditionsOf(hpa) {
  if (hpa.status?.conditions) return hpa.status.conditions;
  const annotation = hpa.metadata?.annotations?.[V1_CONDITIONS_ANNOTATION];
  if (!annotation) return [];
  try {
    const parsed = JSON.parse(annotation);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

// src/rollout/rules/load-balancer.ts
var WAIT_FOR_ADDRESS_ANNOTATION = "kubeship.dev/wait-for-address";
var LOAD_BALANCER_TIMEOUT_MS = 15 * 6e4;
var TROUBLE_REASONS = [
  "SyncLoadBalancerFailed",
  "FailedBuildModel",
  "FailedDeployModel",
  "FailedLoadBalancer"
];
function loadBalancerRule(kind) {
  return {
    name: kind,
    needs: ["events"],
    timeoutMs: LOAD_BALANCER_TIMEOUT_MS,
    judge(object, view, context) {
      const addresses = addressesOf(object);
      if (addresses.length > 0) return healthy(`load balancer address ${addresses.join(", ")}`);
      const [warning] = eventsAbout(object, view.events(), TROUBLE_REASONS, context.appliedAt);
      const note = warning ? `; ${warning.reason}: ${warning.message?.trim() ?? ""}` : "";
      return progressing(`waiting for a load balancer address${note}`);
    }
  };
}
function addressesOf(object) {
  const status2 = object.status;
  return (status2?.loadBalancer?.ingress ?? []).flatMap(
    (entry) => [entry.hostname, entry.ip].filter((a) => typeof a === "string" && a !== "")
  );
}

// src/rollout/rules/custom-resource-definition.ts
var customResourceDefinitionRule = {
  name: "CustomResourceDefinition",
  needs: [],
  judge(object) {
    const crd = asModel(object);
    const conditions = crd.status?.conditions ?? [];
    const names = conditions.find((c) => c.type === "NamesAccepted");
    if (names?.status === "False") {
      return failed(
        names.reason || "NamesNotAccepted",
        `names not accepted: ${names.message ?? names.reason}`
      );
    }
    const served = `${crd.spec?.names?.plural ?? "?"}.${crd.spec?.group ?? "?"}`;
    const established = conditions.find((c) => c.type === "Established");
    if (established?.status === "True") {
      const versions = (crd.spec?.versions ?? []).filter((v) => v.served).map((v) => v.name);
      return healthy(`established: ${served} served as ${versions.join(", ") || "no version"}`);
    }
    const why = established?.message ?? names?.message;
    return progressing(`waiting for the API server to establish ${served}${why ? `: ${why}` : ""}`);
  }
};

// src/rollout/rules/daemon-set.ts
var GENERATION_LABEL = "pod-template-generation";
var daemonSetRule = {
  name: "DaemonSet",
  needs: ["pods", "events"],
  judge(object, view, context) {
    const set = asModel(object);
    const status2 = set.status;
    if (!status2 || !generationObserved(set)) return awaitingController(set);
    const desired = status2.desiredNumberScheduled;
    const counts = {
      desired,
      updated: status2.updatedNumberScheduled ?? 0,
      ready: status2.numberReady,
      available: status2.numberAvailable ?? 0,
      total: status2.currentNumberScheduled + status2.numberMisscheduled
    };
    const isNew = (pod) => pod.metadata?.labels?.[GENERATION_LABEL] === String(set.metadata?.generation);
    const { pods, verdicts } = judgeControllerPods(object, view, context, isNew, counts);
    if (verdicts.doom) return verdicts.doom;
    if (desired === 0) {
      return healthy(
        "no node runs it: desiredNumberScheduled is 0 (no node matches its nodeSelector, affinity and tolerations)",
        counts
      );
    }
    const onDelete = set.spec?.updateStrategy?.type === "OnDelete";
    const oldPods = pods.filter((pod) => !isNew(pod)).length;
    const available = counts.available >= desired && (status2.numberUnavailable ?? 0) === 0;
    if (available && onDelete) {
      const note = oldPods > 0 ? `; ${oldPods} pod(s) keep the old template until deleted` : "";
      return healthy(
        `${desired}/${desired} nodes available; updateStrategy OnDelete: pods are not rolled${note}`,
        counts
      );
    }
    if (available && counts.updated >= desired && counts.ready >= desired && oldPods === 0) {
      return healthy(`${desired}/${desired} nodes run the updated pod, all available`, counts);
    }
    const rolling = set.spec?.updateStrategy?.rollingUpdate;
    const pace = onDelete ? "OnDelete: pods are not rolled" : `maxUnavailable ${rolling?.maxUnavailable ?? 1}, maxSurge ${rolling?.maxSurge ?? 0}`;
    const old = oldPods > 0 ? `, ${oldPods} old pod(s) left` : "";
    return progressingOn(
      `${counts.updated}/${desired} nodes updated, ${counts.available} available (${pace})${old}`,
      verdicts,
      counts
    );
  }
};

// src/rollout/rules/deployment.ts
var deploymentRule = {
  name: "Deployment",
  needs: ["replicaSets", "pods"],
  judge(object, view, context) {
    const deployment = asModel(object);
    const state = judgeRollout(
      deployment,
      view.replicaSets(),
      view.pods(),
      failureRulesOf(context),
      context.now
    );
    const { counts } = state;
    const replicas = `${counts.updated}/${counts.desired} updated, ${counts.ready} ready, ${counts.available} available`;
    if (state.phase === "complete") return healthy(`rollout complete: ${replicas}`, counts);
    if (state.phase === "failed") {
      const progress = deployment.status?.conditions?.find((c) => c.type === "Progressing");
      return failedFromDoom(state.doomed, counts) ?? failed(state.reason, `${state.reason}: ${progress?.message ?? "the rollout stopped"}`, [], counts);
    }
    const observing = generationObserved(deployment) ? "" : `waiting for the controller to observe generation ${deployment.metadata?.generation}; `;
    return progressingOn(`${observing}${replicas}`, state, counts);
  }
};

// src/rollout/rules/generic.ts
var genericRule = {
  name: "generic",
  needs: [],
  judge(object) {
    const status2 = isRecord(object.status) ? object.status : {};
    const generation = typeof object.metadata.generation === "number" ? object.metadata.generation : void 0;
    const observed = typeof status2.observedGeneration === "number" ? status2.observedGeneration : void 0;
    const all = Array.isArray(status2.conditions) ? status2.conditions.filter(isCondition) : [];
    if (all.length === 0 && observed === void 0) {
      return { status: "unverified", summary: "no status conditions or observedGeneration to judge" };
    }
    const stale = (c) => c.observedGeneration !== void 0 && generation !== void 0 && c.observedGeneration < generation;
    const current = all.filter((c) => !stale(c));
    const is = (type, value = "True") => current.find((c) => c.type === type && c.status === value);
    const stuck = is("Stalled") ?? is("Failed");
    if (stuck) return failed(stuck.reason || stuck.type, describe(stuck));
    if (generation !== void 0 && observed !== void 0 && observed < generation) {
      return progressing(`waiting for the controller to observe generation ${generation}`);
    }
    const reconciling = is("Reconciling");
    if (reconciling) return progressing(describe(reconciling));
    const ready = all.find((c) => c.type === "Ready") ?? all.find((c) => c.type === "Available");
    if (ready && stale(ready)) {
      return progressing(`${ready.type} describes generation ${ready.observedGeneration}, not ${generation}`);
    }
    if (ready) return ready.status === "True" ? healthy(describe(ready)) : progressing(describe(ready));
    return observedOnly(object, observed);
  }
};
function observedOnly(object, observed) {
  if (observed !== void 0) return healthy(`observedGeneration ${observed} is current; no Ready condition`);
  return {
    status: "unverified",
    summary: `${object.kind} has conditions but none of Ready, Available, Reconciling, Stalled or Failed`
  };
}
function describe(condition) {
  const reason = condition.reason ? `: ${condition.reason}` : "";
  const message = condition.message ? `: ${condition.message}` : "";
  return `${condition.type} ${condition.status}${reason}${message}`;
}
function isCondition(value) {
  return isRecord(value) && typeof value.type === "string" && typeof value.status === "string";
}

// src/rollout/rules/job.ts
var CONTROLLER_UID_LABELS = ["batch.kubernetes.io/controller-uid", "controller-uid"];
var DEFAULT_BACKOFF_LIMIT = 6;
var jobRule = {
  name: "Job",
  needs: ["pods"],
  judge(object, view, context) {
    const job = asModel(object);
    const status2 = job.status ?? {};
    const conditions = status2.conditions ?? [];
    const failure = isTrue(conditions, "Failed") ?? isTrue(conditions, "FailureTarget");
    if (failure) {
      const reason = failure.reason || "JobFailed";
      return failed(reason, `${reason}: ${failure.message ?? "the Job failed"}`);
    }
    const pods = podsOfJob(job, view.pods());
    const success = isTrue(conditions, "Complete") ?? isTrue(conditions, "SuccessCriteriaMet");
    if (success) {
      const when = status2.completionTime ? ` at ${new Date(status2.completionTime).toISOString()}` : "";
      return healthy(`completed${when}: ${succeededCount(job, pods)} pod(s) succeeded`);
    }
    if (job.spec?.suspend) return healthy("suspended: the Job runs no pods until it is resumed");
    const running = pods.filter(
      (pod) => live(pod) && !["Succeeded", "Failed"].includes(pod.status?.phase ?? "")
    );
    const verdicts = judgePods(running, context, { options: { retriedByJob: true } });
    if (verdicts.doom) return verdicts.doom;
    const limit = job.spec?.backoffLimit ?? DEFAULT_BACKOFF_LIMIT;
    const attempts = failedAttempts(job, pods);
    const countsAttempts = !job.spec?.podFailurePolicy && job.spec?.backoffLimitPerIndex === void 0;
    if (countsAttempts && attempts.count > limit) {
      const last = attempts.last ? `; last: ${describeDoom(attempts.last)}` : "";
      return failed(
        "BackoffLimitExceeded",
        `${attempts.count} failed attempt(s) exceed backoffLimit ${limit}${last}`,
        attempts.last ? [attempts.last] : []
      );
    }
    const of = job.spec?.completions === void 0 || job.spec.completions === null ? "" : `/${job.spec.completions}`;
    return progressingOn(
      `${succeededCount(job, pods)}${of} succeeded, ${status2.active ?? 0} active, ${attempts.count} failed (backoffLimit ${limit})`,
      verdicts
    );
  }
};
function succeededCount(job, pods) {
  const counted = (job.status?.succeeded ?? 0) + (job.status?.uncountedTerminatedPods?.succeeded?.length ?? 0);
  return Math.max(counted, pods.filter((pod) => pod.status?.phase === "Succeeded").length);
}
function isTrue(conditions, type) {
  return conditions.find((c) => c.type === type && c.status === "True");
}
function podsOfJob(job, pods) {
  const uid = job.metadata?.uid;
  if (uid === void 0) return [];
  return pods.filter(
    (pod) => CONTROLLER_UID_LABELS.some((label) => pod.metadata?.labels?.[label] === uid) || pod.metadata?.ownerReferences?.some((owner) => owner.controller && owner.uid === uid)
  );
}
function failedAttempts(job, pods) {
  const failedPods = pods.filter((pod) => pod.status?.phase === "Failed");
  const onFailure = job.spec?.template.spec?.restartPolicy === "OnFailure";
  const containers = pods.flatMap(
    (pod) => [...pod.status?.initContainerStatuses ?? [], ...pod.status?.containerStatuses ?? []].map(
      (container) => ({ pod, container })
    )
  );
  const restarts = onFailure ? containers.reduce((sum, { container }) => sum + container.restartCount, 0) : 0;
  const count = Math.max(job.status?.failed ?? 0, failedPods.length) + restarts;
  const exits = containers.map(({ pod, container }) => ({
    pod,
    container,
    exit: container.state?.terminated ?? container.lastState?.terminated
  })).filter(({ exit: exit2 }) => exit2 !== void 0 && exit2.exitCode !== 0).sort((a, b) => finishedAt(b.exit) - finishedAt(a.exit));
  const [latest] = exits;
  if (!latest?.exit) return { count };
  const { exit } = latest;
  const reason = exit.reason || "Error";
  return {
    count,
    last: {
      pod: latest.pod.metadata?.name ?? "",
      container: latest.container.name,
      reason,
      message: `exit code ${exit.exitCode}${exit.message ? `: ${exit.message.trim()}` : ""}`,
      exitCode: exit.exitCode,
      restartCount: latest.container.restartCount
    }
  };
}
function finishedAt(exit) {
  return timeOf(exit?.finishedAt) ?? 0;
}

// src/rollout/rules/persistent-volume-claim.ts
var DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
var SELECTED_NODE_ANNOTATION = "volume.kubernetes.io/selected-node";
var persistentVolumeClaimRule = {
  name: "PersistentVolumeClaim",
  needs: ["events"],
  judge(object, view, context) {
    const claim = asModel(object);
    const phase2 = claim.status?.phase ?? "Pending";
    const size = claim.status?.capacity?.storage ?? claim.spec?.resources?.requests?.storage;
    if (phase2 === "Bound") {
      return healthy(`bound to ${claim.spec?.volumeName ?? "a volume"}${size ? ` (${size})` : ""}`);
    }
    if (phase2 === "Lost") {
      return failed("ClaimLost", `the claim lost its volume ${claim.spec?.volumeName ?? ""}`.trim());
    }
    const [provisioningFailed] = eventsAbout(
      object,
      view.events(),
      ["ProvisioningFailed"],
      context.appliedAt
    );
    if (provisioningFailed) {
      const message = provisioningFailed.message?.trim() ?? "provisioning failed";
      const fail = () => failed("ProvisioningFailed", `ProvisioningFailed: ${message}`);
      if (isDefiniteCreateFailure(message)) return fail();
      const since = Math.max(eventFirstSeen(provisioningFailed), context.appliedAt);
      return afterGrace(since, context.rules.unschedulableGraceMs, context.now, {
        failed: fail,
        progressing: (recheckAt) => progressing(`provisioning is failing, retried: ${message}`, { recheckAt })
      });
    }
    const selectedNode = claim.metadata?.annotations?.[SELECTED_NODE_ANNOTATION];
    if (!selectedNode && waitsForFirstConsumer(object, claim, view)) {
      return healthy("Pending: waits for first consumer (volumeBindingMode WaitForFirstConsumer)");
    }
    if (claim.spec?.storageClassName === "") {
      return progressing(
        "Pending: waiting for a matching PersistentVolume (no StorageClass: static binding)"
      );
    }
    const [provisioning] = eventsAbout(object, view.events(), ["ExternalProvisioning", "Provisioning"], 0);
    const note = provisioning?.message ? `: ${provisioning.message.trim()}` : "";
    return progressing(
      `Pending: waiting for the volume to be provisioned${selectedNode ? ` on node ${selectedNode}` : ""}${note}`
    );
  }
};
function waitsForFirstConsumer(object, claim, view) {
  const classes = view.storageClasses?.();
  if (classes) {
    const name = claim.spec?.storageClassName;
    const storageClass = name === void 0 || name === null ? classes.find((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true") : classes.find((c) => c.metadata?.name === name);
    if (storageClass) return storageClass.volumeBindingMode === "WaitForFirstConsumer";
  }
  return eventsAbout(object, view.events(), ["WaitForFirstConsumer"], 0).length > 0;
}

// src/rollout/rules/pod.ts
var podRule = {
  name: "Pod",
  needs: [],
  judge(object, _view, context) {
    const pod = asModel(object);
    const status2 = pod.status ?? {};
    const restartPolicy = pod.spec?.restartPolicy ?? "Always";
    if (status2.phase === "Succeeded") {
      if (restartPolicy !== "Always") return healthy("completed successfully");
      return failed("Completed", "the pod completed although its restartPolicy is Always");
    }
    if (status2.phase === "Failed") {
      const exit = [...status2.initContainerStatuses ?? [], ...status2.containerStatuses ?? []].find(
        (c) => (c.state?.terminated?.exitCode ?? 0) !== 0
      );
      const code = exit?.state?.terminated?.exitCode;
      const reason = status2.reason || exit?.state?.terminated?.reason || "PodFailed";
      const why = status2.message || (exit ? `container ${exit.name} exited with code ${code}` : "the pod failed");
      return failed(reason, `${reason}: ${why}`, [
        {
          pod: pod.metadata?.name ?? "",
          reason,
          message: why,
          ...exit ? { container: exit.name, restartCount: exit.restartCount } : {},
          ...code === void 0 ? {} : { exitCode: code }
        }
      ]);
    }
    const verdicts = judgePods([pod], context);
    if (verdicts.doom) return verdicts.doom;
    if (status2.conditions?.some((c) => c.type === "Ready" && c.status === "True")) {
      return healthy(`ready on node ${pod.spec?.nodeName ?? "?"}`);
    }
    return progressingOn(status2.phase ?? "Pending", verdicts);
  }
};

// src/rollout/rules/replica-set.ts
var replicaSetRule = {
  name: "ReplicaSet",
  needs: ["pods"],
  judge(object, view, context) {
    const set = asModel(object);
    if (!set.status || !generationObserved(set)) return awaitingController(set);
    const desired = set.spec?.replicas ?? 1;
    const counts = {
      desired,
      updated: set.status.replicas,
      ready: set.status.readyReplicas ?? 0,
      available: set.status.availableReplicas ?? 0,
      total: set.status.replicas
    };
    const failure = replicaFailureIn(
      `ReplicaSet/${object.metadata.name}`,
      set.status.conditions,
      failureRulesOf(context)
    );
    const verdicts = judgePods(podsOf(set, view.pods()).filter(live), context, { failure, counts });
    if (verdicts.doom) return verdicts.doom;
    const replicas = `${counts.ready}/${desired} ready, ${counts.available} available`;
    if (counts.total === desired && counts.available >= desired) return healthy(replicas, counts);
    return progressingOn(replicas, verdicts, counts);
  }
};

// src/rollout/rules/stateful-set.ts
var REVISION_LABEL = "controller-revision-hash";
var POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
var statefulSetRule = {
  name: "StatefulSet",
  needs: ["pods", "events"],
  judge(object, view, context) {
    const set = asModel(object);
    const status2 = set.status ?? {};
    const desired = set.spec?.replicas ?? 1;
    const counts = {
      desired,
      updated: status2.updatedReplicas ?? 0,
      ready: status2.readyReplicas ?? 0,
      available: status2.availableReplicas ?? status2.readyReplicas ?? 0,
      total: status2.replicas ?? 0
    };
    if (!generationObserved(set)) return awaitingController(set);
    const revision = status2.updateRevision ?? "";
    const onDelete = set.spec?.updateStrategy?.type === "OnDelete";
    const partition = onDelete ? desired : Math.max(0, set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0);
    const isNew = (pod) => pod.metadata?.labels?.[REVISION_LABEL] === revision;
    const { pods, verdicts } = judgeControllerPods(object, view, context, isNew, counts);
    const stale = pods.filter((pod) => !isNew(pod) && indexOf(pod, set) >= partition);
    if (verdicts.doom) return verdicts.doom;
    const toUpdate = Math.max(0, desired - partition);
    const allReady = counts.total === desired && counts.ready >= desired && counts.available >= desired;
    const rolled = stale.length === 0 && counts.updated >= toUpdate && (onDelete || partition > 0 || status2.currentRevision === revision);
    if (allReady && rolled) return healthy(doneSummary(set, pods, partition, onDelete), counts);
    const progress = onDelete ? `${counts.ready}/${desired} ready (OnDelete: pods are not rolled)` : `${counts.ready}/${desired} ready, ${Math.min(counts.updated, toUpdate)}/${toUpdate} on revision ${revision}`;
    return progressingOn(progress, verdicts, counts);
  }
};
function doneSummary(set, pods, partition, onDelete) {
  const desired = set.spec?.replicas ?? 1;
  const revision = set.status?.updateRevision ?? "";
  const behind = pods.filter((pod) => pod.metadata?.labels?.[REVISION_LABEL] !== revision).length;
  if (onDelete) {
    const note = behind > 0 ? `; ${behind} pod(s) keep their old revision until deleted` : "";
    return `${desired}/${desired} ready; updateStrategy OnDelete: the controller does not roll pods${note}`;
  }
  if (partition > 0 && behind > 0) {
    return `${desired}/${desired} ready; partitioned rollout done: pods from index ${partition} on revision ${revision}, ${behind} below the partition stay on ${set.status?.currentRevision ?? "their revision"}`;
  }
  return `${desired}/${desired} ready, all on revision ${revision}`;
}
function indexOf(pod, set) {
  const label = pod.metadata?.labels?.[POD_INDEX_LABEL];
  const suffix = pod.metadata?.name?.slice((set.metadata?.name ?? "").length + 1);
  const ordinal = label ?? suffix ?? "";
  return /^\d+$/.test(ordinal) ? Number(ordinal) - (set.spec?.ordinals?.start ?? 0) : -1;
}

// src/rollout/rules/static.ts
function staticRule(name, detail = "applied (no runtime status)") {
  return { name, needs: [], staticKind: true, judge: () => healthy(detail) };
}
var namespaceRule = {
  ...staticRule("Namespace"),
  judge(object) {
    const phase2 = object.status?.phase;
    if (phase2 === "Terminating") {
      return failed("NamespaceTerminating", `namespace ${object.metadata.name} is being deleted`);
    }
    return healthy("applied (no runtime status)");
  }
};
var STATIC_KINDS = [
  "/ConfigMap",
  "/Secret",
  "/ServiceAccount",
  "/Endpoints",
  "/LimitRange",
  "/ResourceQuota",
  "/PodTemplate",
  "/PersistentVolume",
  "rbac.authorization.k8s.io/Role",
  "rbac.authorization.k8s.io/RoleBinding",
  "rbac.authorization.k8s.io/ClusterRole",
  "rbac.authorization.k8s.io/ClusterRoleBinding",
  "networking.k8s.io/NetworkPolicy",
  "networking.k8s.io/IngressClass",
  "policy/PodDisruptionBudget",
  "discovery.k8s.io/EndpointSlice",
  "storage.k8s.io/StorageClass",
  "storage.k8s.io/CSIDriver",
  "scheduling.k8s.io/PriorityClass",
  "node.k8s.io/RuntimeClass",
  "coordination.k8s.io/Lease",
  "apps/ControllerRevision",
  "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
  "admissionregistration.k8s.io/MutatingWebhookConfiguration",
  "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
  "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
  "admissionregistration.k8s.io/MutatingAdmissionPolicy",
  "admissionregistration.k8s.io/MutatingAdmissionPolicyBinding"
];

// src/rollout/rules/registry.ts
var loadBalancerService = loadBalancerRule("Service");
var addressedIngress = loadBalancerRule("Ingress");
var staticIngress = staticRule(
  "Ingress",
  "applied (an Ingress gets an address only where a controller serves it)"
);
var RULES = new Map([
  ["apps/Deployment", deploymentRule],
  ["apps/StatefulSet", statefulSetRule],
  ["apps/DaemonSet", daemonSetRule],
  ["apps/ReplicaSet", replicaSetRule],
  ["batch/Job", jobRule],
  ["batch/CronJob", cronJobRule],
  ["/Pod", podRule],
  ["/PersistentVolumeClaim", persistentVolumeClaimRule],
  ["/Namespace", namespaceRule],
  ["/Service", serviceRule],
  ["networking.k8s.io/Ingress", ingressRule],
  ["autoscaling/HorizontalPodAutoscaler", horizontalPodAutoscalerRule],
  ["apiextensions.k8s.io/CustomResourceDefinition", customResourceDefinitionRule],
  ...STATIC_KINDS.map((key) => [key, staticRule(key.slice(key.indexOf("/") + 1))])
]);
function healthRuleFor(object) {
  const slash = object.apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : object.apiVersion.slice(0, slash);
  const choice = RULES.get(`${group}/${object.kind}`) ?? genericRule;
  return typeof choice === "function" ? choice(object) : choice;
}
function serviceRule(object) {
  const type = object.spec?.type ?? "ClusterIP";
  if (type === "LoadBalancer") return loadBalancerService;
  return staticRule("Service", `applied (${type} Service: no runtime status)`);
}
function ingressRule(object) {
  return object.metadata?.annotations?.[WAIT_FOR_ADDRESS_ANNOTATION] === "true" ? addressedIngress : staticIngress;
}

// src/rollout/tracker.ts
var targetId = (target) => `${target.kind} ${target.namespace ? `${target.namespace}/` : ""}${target.name}`;
var targetOf = (object) => ({
  apiVersion: object.apiVersion,
  kind: object.kind,
  ...object.metadata.namespace ? { namespace: object.metadata.namespace } : {},
  name: object.metadata.name
});
var RELATED = {
  pods: { apiVersion: "v1", kind: "Pod" },
  replicaSets: { apiVersion: "apps/v1", kind: "ReplicaSet" },
  events: { apiVersion: "v1", kind: "Event" },
  jobs: { apiVersion: "batch/v1", kind: "Job" }
};
var STORAGE_CLASSES = { apiVersion: "storage.k8s.io/v1", kind: "StorageClass" };
async function trackRollouts(options) {
  const clock = options.clock ?? systemClock;
  const rules = {
    deployStartedAt: options.startedAt,
    maxRestarts: options.maxRestarts ?? 3,
    unschedulableGraceMs: options.unschedulableGraceMs ?? 6e4,
    imagePullGraceMs: options.imagePullGraceMs ?? 3e4,
    ...options.metricsGraceMs === void 0 ? {} : { metricsGraceMs: options.metricsGraceMs }
  };
  const settleMs = options.statusSettleMs ?? 3e3;
  const all = options.targets.map((object) => ({
    object,
    target: targetOf(object),
    rule: healthRuleFor(object)
  }));
  const verdicts = /* @__PURE__ */ new Map();
  for (const { target, rule } of all) {
    if (rule.staticKind) {
      verdicts.set(targetId(target), {
        target,
        outcome: "applied",
        summary: "applied (no runtime status to verify)",
        at: clock.now()
      });
    }
  }
  const tracked = all.filter(({ rule }) => !rule.staticKind).map(({ target, rule }) => ({
    target,
    rule,
    collection: {
      apiVersion: target.apiVersion,
      kind: target.kind,
      ...target.namespace ? { namespace: target.namespace } : {}
    }
  }));
  const order = all.map(({ target }) => targetId(target));
  const ordered = () => order.map((id) => verdicts.get(id));
  if (tracked.length === 0) return ordered();
  const collections = tracked.flatMap((t) => [
    t.collection,
    ...t.rule.needs.map((need) => ({
      ...RELATED[need],
      ...t.target.namespace ? { namespace: t.target.namespace } : {}
    })),
    ...t.target.kind === "PersistentVolumeClaim" ? [STORAGE_CLASSES] : []
  ]);
  const cleanups = [];
  let watch;
  try {
    watch = await watchCollections(options.kubeConfig, collections, clock);
    const live2 = watch;
    live2.onTrouble((error) => options.onWatchTrouble?.(error));
    const viewOf = (namespace) => {
      const list = (need) => live2.list({ ...RELATED[need], ...namespace ? { namespace } : {} });
      return {
        pods: () => list("pods"),
        replicaSets: () => list("replicaSets"),
        events: () => list("events"),
        jobs: () => list("jobs"),
        storageClasses: () => live2.list(STORAGE_CLASSES)
      };
    };
    const deadline = options.startedAt + options.timeoutMs;
    return await new Promise((resolve3) => {
      const lastProgress = /* @__PURE__ */ new Map();
      const rechecks = /* @__PURE__ */ new Map();
      const decide = (verdict) => {
        verdicts.set(targetId(verdict.target), verdict);
        if (verdicts.size === order.length) resolve3(ordered());
      };
      const endAll = (outcome) => {
        for (const { target } of tracked) {
          if (verdicts.has(targetId(target))) continue;
          const last = lastProgress.get(targetId(target))?.progress;
          decide({
            target,
            outcome,
            summary: last?.summary ?? "not observed yet",
            waiting: last?.waiting ?? [],
            ...last?.counts ? { counts: last.counts } : {},
            at: clock.now()
          });
        }
      };
      const evaluate = (entry) => {
        const id = targetId(entry.target);
        if (verdicts.has(id)) return;
        const now = clock.now();
        const object = live2.get(entry.collection, entry.target.name);
        const health = object ? entry.rule.judge(object, viewOf(entry.target.namespace), {
          rules,
          now,
          appliedAt: options.startedAt
        }) : { status: "progressing", summary: "not in the watch cache yet", waiting: [] };
        rechecks.get(id)?.();
        rechecks.delete(id);
        const counts = "counts" in health && health.counts ? { counts: health.counts } : {};
        if (health.status === "healthy") {
          decide({ target: entry.target, outcome: "complete", summary: health.summary, ...counts, at: now });
          return;
        }
        if (health.status === "failed") {
          decide({
            target: entry.target,
            outcome: "failed",
            reason: health.reason,
            summary: health.summary,
            doomed: health.doomed,
            ...counts,
            at: now
          });
          return;
        }
        if (health.status === "unverified") {
          const settledAt = options.startedAt + settleMs;
          if (now >= settledAt) {
            decide({ target: entry.target, outcome: "unverified", summary: health.summary, at: now });
          } else {
            rechecks.set(
              id,
              clock.schedule(() => evaluate(entry), settledAt - now)
            );
          }
          return;
        }
        const progress = {
          target: entry.target,
          summary: health.summary,
          ...counts,
          waiting: health.waiting
        };
        const json = JSON.stringify([health.summary, health.waiting]);
        if (lastProgress.get(id)?.json !== json) {
          lastProgress.set(id, { json, progress });
          options.onProgress?.(progress);
        }
        if (health.recheckAt !== void 0) {
          rechecks.set(
            id,
            clock.schedule(() => evaluate(entry), health.recheckAt - now)
          );
        }
      };
      const evaluateAll = () => tracked.forEach(evaluate);
      let queued;
      const evaluateSoon = () => {
        queued ??= setImmediate(() => {
          queued = void 0;
          evaluateAll();
        });
      };
      cleanups.push(live2.subscribe(evaluateSoon));
      cleanups.push(() => clearImmediate(queued));
      cleanups.push(clock.schedule(() => endAll("timeout"), deadline - clock.now()));
      cleanups.push(() => {
        for (const cancel of rechecks.values()) cancel();
      });
      if (options.signal) {
        const onAbort = () => endAll("interrupted");
        if (options.signal.aborted) onAbort();
        options.signal.addEventListener("abort", onAbort, { once: true });
        cleanups.push(() => options.signal?.removeEventListener("abort", onAbort));
      }
      evaluateAll();
    });
  } finally {
    for (const cleanup of cleanups) cleanup();
    await watch?.stop();
  }
}

// src/deploy/_hpa-safe.ts
import * as k8s11 from "@kubernetes/client-node";

// src/deploy/_replicas.ts
var REPLICAS_HANDOVER_MANAGER = "kubeship-replicas-handover";
var SCALERS = /* @__PURE__ */ new Set(["HorizontalPodAutoscaler", "ScaledObject"]);
var targetKey = (kind, namespace, name) => `${kind} ${namespace ?? ""}/${name}`;
function autoscaledWorkloads(scalers) {
  const targets = /* @__PURE__ */ new Map();
  for (const scaler of scalers) {
    if (!SCALERS.has(scaler.kind)) continue;
    const ref = scaler.spec?.scaleTargetRef;
    if (!ref?.name) continue;
    targets.set(
      targetKey(ref.kind ?? "Deployment", scaler.metadata.namespace, ref.name),
      `${scaler.kind} ${scaler.metadata.name}`
    );
  }
  return targets;
}
function withoutAutoscaledReplicas(objects, scaled) {
  const warnings = [];
  const stripped = [];
  const result2 = objects.map((object) => {
    const scaler = scaled.get(targetKey(object.kind, object.metadata.namespace, object.metadata.name));
    const spec = object.spec;
    if (!scaler || !spec || !("replicas" in spec)) return object;
    const { replicas, ...rest } = spec;
    warnings.push(
      `${object.kind} ${object.metadata.name}: spec.replicas (${String(replicas)}) is not applied: ${scaler} scales it`
    );
    const without = { ...object, spec: rest };
    stripped.push(without);
    return without;
  });
  return { objects: result2, warnings, stripped };
}
function ownsReplicas(live2, fieldManager) {
  const entries = live2?.metadata?.managedFields;
  return (entries ?? []).some((entry) => {
    const spec = entry.fieldsV1?.["f:spec"];
    return entry.manager === fieldManager && entry.operation === "Apply" && spec !== void 0 && "f:replicas" in spec;
  });
}
function replicasHandover(object, live2) {
  const replicas = live2.spec?.replicas ?? 1;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name: object.metadata.name,
      ...object.metadata.namespace ? { namespace: object.metadata.namespace } : {}
    },
    spec: { replicas }
  };
}

// src/deploy/_hpa-safe.ts
async function hpaSafe(kc, objects) {
  const namespaces = [
    ...new Set(
      objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet").map((o) => o.metadata.namespace ?? "default")
    )
  ];
  const autoscaling = kc.makeApiClient(k8s11.AutoscalingV2Api);
  const live2 = await Promise.all(
    namespaces.map(
      (namespace) => autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }).then(
        (list) => list.items.map((hpa) => ({
          apiVersion: "autoscaling/v2",
          kind: "HorizontalPodAutoscaler",
          metadata: { name: hpa.metadata?.name ?? "", namespace },
          spec: hpa.spec
        })),
        (error) => {
          if (error instanceof k8s11.ApiException && error.code === 404) return [];
          throw describeKubernetesError(error, {
            verb: "list",
            resource: "horizontalpodautoscalers.autoscaling",
            namespace
          });
        }
      )
    )
  );
  const scaled = autoscaledWorkloads([...objects, ...live2.flat()]);
  const { objects: safe, warnings } = withoutAutoscaledReplicas(objects, scaled);
  return { objects: safe, warnings };
}
async function handOverReplicas(kc, objects, liveBefore) {
  const client = new RawObjectClient(kc);
  for (const object of objects) {
    const spec = object.spec;
    if (object.kind !== "Deployment" && object.kind !== "StatefulSet" || !spec || "replicas" in spec)
      continue;
    const live2 = liveBefore.get(objectId(object));
    if (!live2 || !ownsReplicas(live2, FIELD_MANAGER)) continue;
    await client.apply(replicasHandover(object, live2), {
      fieldManager: REPLICAS_HANDOVER_MANAGER,
      force: true,
      dryRun: false
    }).catch((error) => {
      throw describeKubernetesError(error, {
        verb: "patch",
        resource: `${object.kind.toLowerCase()}s.apps`,
        namespace: object.metadata.namespace ?? "default",
        name: object.metadata.name
      });
    });
  }
}

// src/deploy/_namespaces.ts
import * as k8s12 from "@kubernetes/client-node";
async function ensureNamespaces(kc, objects) {
  const declared = objects.filter((o) => o.kind === "Namespace");
  if (declared.length === 0) return [];
  const live2 = await readLive(kc, declared);
  const missing = declared.filter((ns) => !live2.has(`Namespace ${ns.metadata.name}`));
  if (missing.length > 0) await applyAll(kc, missing, { force: false });
  return missing;
}
async function removeNamespaces(kc, namespaces) {
  if (namespaces.length === 0) return;
  const core = kc.makeApiClient(k8s12.CoreV1Api);
  await Promise.all(
    namespaces.map(async ({ metadata: { name } }) => {
      try {
        await core.deleteNamespace({ name });
      } catch (error) {
        if (error instanceof k8s12.ApiException && error.code === 404) return;
        throw describeKubernetesError(error, { verb: "delete", resource: "namespaces", name });
      }
      await untilGone(kc, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
    })
  );
}

// src/deploy/_restore.ts
import { AppsV1Api as AppsV1Api4, CoreV1Api as CoreV1Api6 } from "@kubernetes/client-node";
import { objectIdentity as objectIdentity3 } from "@kubeship/manifests";

// src/release/restore.ts
import { objectIdentity as objectIdentity2 } from "@kubeship/manifests";
var SERVER_FIELDS = [
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "managedFields",
  "selfLink"
];
function asAppliable(live2) {
  const { status: _, ...rest } = live2;
  const metadata = Object.fromEntries(
    Object.entries(live2.metadata).filter(([key]) => !SERVER_FIELDS.includes(key))
  );
  return { ...rest, metadata };
}
function restorePlan(options) {
  const previous = new Map((options.previous ?? []).map((o) => [objectIdentity2(o), o]));
  const adopted = [];
  const legacyDeployments = [];
  const remove = [];
  for (const object of options.applied) {
    const id = objectIdentity2(object);
    if (previous.has(id)) continue;
    const before = options.liveBefore.get(id);
    if (!before) remove.push(object);
    else if (object.kind === "Deployment") legacyDeployments.push(object);
    else adopted.push(asAppliable(before));
  }
  return { apply: [...previous.values(), ...adopted], remove: remove.reverse(), legacyDeployments };
}

// src/rollout/rollback.ts
import * as k8s13 from "@kubernetes/client-node";
function previousTemplate(deployment, replicaSets, toRevision) {
  const current = revisionOf(deployment);
  const candidates = ownedReplicaSets(deployment, replicaSets).map((rs) => ({ rs, revision: revisionOf(rs) })).filter(
    ({ revision }) => toRevision === void 0 ? revision > 0 && revision < current : revision === toRevision
  ).sort((a, b) => b.revision - a.revision);
  const chosen = candidates[0];
  const template = chosen?.rs.spec?.template;
  if (!chosen || !template) return void 0;
  const { "pod-template-hash": _, ...labels } = template.metadata?.labels ?? {};
  return { revision: chosen.revision, template: { ...template, metadata: { ...template.metadata, labels } } };
}
async function rollBack(kc, options) {
  const apps = kc.makeApiClient(k8s13.AppsV1Api);
  const context = { verb: "get", resource: "deployments", namespace: options.namespace, name: options.name };
  const [deployment, replicaSets] = await Promise.all([
    apps.readNamespacedDeployment({ name: options.name, namespace: options.namespace }),
    apps.listNamespacedReplicaSet({ namespace: options.namespace })
  ]).catch((error) => {
    throw describeKubernetesError(error, context);
  });
  const previous = previousTemplate(deployment, replicaSets.items, options.toRevision);
  if (!previous) {
    throw new KubeshipError(
      "ROLLBACK_FAILED",
      options.toRevision === void 0 ? `deployment ${options.namespace}/${options.name} has no earlier revision to roll back to (first deploy?)` : `deployment ${options.namespace}/${options.name} has no revision ${options.toRevision}`,
      { details: { namespace: options.namespace, name: options.name, revision: revisionOf(deployment) } }
    );
  }
  const base = options.applied ?? deployment;
  const annotations = {
    ...options.applied?.metadata?.annotations ?? {},
    ...options.changeCause ? { "kubernetes.io/change-cause": options.changeCause } : {}
  };
  const body = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: options.name,
      namespace: options.namespace,
      ...Object.keys(annotations).length ? { annotations } : {}
    },
    spec: { ...stripServerFields(base.spec), template: withoutNulls(previous.template) }
  };
  await new RawObjectClient(kc).apply(body, { fieldManager: FIELD_MANAGER, force: true, dryRun: false }).catch((error) => {
    throw describeKubernetesError(error, { ...context, verb: "patch" });
  });
  return {
    fromRevision: revisionOf(deployment),
    toRevision: previous.revision,
    images: (previous.template.spec?.containers ?? []).map((c) => c.image ?? "")
  };
}
function stripServerFields(spec) {
  if (!spec) return {};
  const { template: _, ...rest } = spec;
  return withoutNulls(rest);
}
function withoutNulls(value) {
  return JSON.parse(JSON.stringify(value, (_, v) => v === null ? void 0 : v));
}

// src/deploy/_restore.ts
async function restoreRelease(kc, options) {
  const liveBefore = new Map(
    [...options.liveBefore.values()].map((o) => [objectIdentity3(o), o])
  );
  const plan2 = restorePlan({
    applied: options.applied,
    ...options.previous ? { previous: options.previous.objects } : {},
    liveBefore
  });
  const toRevision = options.previous?.revision ?? 0;
  if (plan2.apply.length === 0 && plan2.legacyDeployments.length === 0) {
    return {
      healthy: false,
      toRevision,
      message: "this is the first release: there is nothing to go back to, its objects are left for inspection",
      objects: [],
      removed: []
    };
  }
  const since = options.clock.now();
  options.emit({
    type: "rollback-started",
    at: since,
    toRevision,
    objects: plan2.apply.length + plan2.legacyDeployments.length
  });
  const restored = plan2.apply.map((object) => withChangeCause(object, options.changeCause));
  const failures = /* @__PURE__ */ new Map();
  try {
    await applyAll(kc, restored, { force: true });
  } catch (error) {
    return {
      healthy: false,
      toRevision,
      message: `putting release ${toRevision} back failed: ${error.message}`,
      objects: [],
      removed: []
    };
  }
  await Promise.all(
    restored.filter((o) => o.kind === "StatefulSet").map((o) => replaceBrokenPods(kc, o).catch(() => void 0))
  );
  const legacy = [];
  for (const deployment of plan2.legacyDeployments) {
    try {
      await rollBack(kc, {
        namespace: deployment.metadata.namespace ?? "default",
        name: deployment.metadata.name,
        applied: deployment,
        changeCause: options.changeCause
      });
      legacy.push(deployment);
    } catch (error) {
      failures.set(objectId(deployment), error.message);
    }
  }
  const removed = await deleteMembers(kc, plan2.remove, options.applySetId).catch((error) => {
    failures.set("remove", error.message);
    return [];
  });
  const verdicts = await options.track([...restored, ...legacy], since);
  const byId = new Map(verdicts.map((v) => [targetId(v.target), v]));
  const objects = [...restored, ...legacy, ...plan2.legacyDeployments.filter((d) => !legacy.includes(d))].map(
    (object) => {
      const verdict = byId.get(targetId(targetOf(object)));
      const error = failures.get(objectId(object));
      const healthy3 = !error && verdict !== void 0 && verdict.outcome !== "failed" && verdict.outcome !== "timeout" && verdict.outcome !== "interrupted";
      return {
        id: objectId(object),
        images: imagesOf(object),
        healthy: healthy3,
        ...error ? { error } : !healthy3 && verdict ? { error: `rollback ${verdict.outcome === "failed" ? verdict.reason : verdict.outcome}` } : {}
      };
    }
  );
  const healthy2 = failures.size === 0 && objects.every((o) => o.healthy);
  options.emit({ type: "rolled-back", at: options.clock.now(), toRevision, healthy: healthy2 });
  const what = toRevision > 0 ? `release ${toRevision}` : "the state before this release";
  return {
    healthy: healthy2,
    toRevision,
    message: healthy2 ? `rolled back to ${what} and it is verified healthy` : `rolling back to ${what} did not end healthy: ${[...failures.values(), ...objects.filter((o) => !o.healthy).map((o) => `${o.id}: ${o.error ?? "not healthy"}`)].join("; ")}`,
    objects,
    removed
  };
}
function withChangeCause(object, changeCause) {
  if (!["Deployment", "StatefulSet", "DaemonSet"].includes(object.kind)) return object;
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata.annotations, "kubernetes.io/change-cause": changeCause }
    }
  };
}
async function replaceBrokenPods(kc, statefulSet) {
  const apps = kc.makeApiClient(AppsV1Api4);
  const core = kc.makeApiClient(CoreV1Api6);
  const namespace = statefulSet.metadata.namespace ?? "default";
  const name = statefulSet.metadata.name;
  let live2 = await apps.readNamespacedStatefulSet({ name, namespace });
  for (let i = 0; i < 50 && (live2.status?.observedGeneration ?? 0) < (live2.metadata?.generation ?? 0); i++) {
    await new Promise((resolve3) => setTimeout(resolve3, 100));
    live2 = await apps.readNamespacedStatefulSet({ name, namespace });
  }
  const revision = live2.status?.updateRevision;
  const pods = await core.listNamespacedPod({ namespace });
  const broken = pods.items.filter(
    (pod) => pod.metadata?.ownerReferences?.some((o) => o.uid === live2.metadata?.uid) && pod.metadata?.labels?.["controller-revision-hash"] !== revision && !pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")
  );
  await Promise.all(
    broken.map((pod) => core.deleteNamespacedPod({ name: pod.metadata?.name ?? "", namespace }))
  );
}

// src/deploy/lease.ts
import * as k8s14 from "@kubernetes/client-node";
var status = (error) => error instanceof k8s14.ApiException ? error.code : void 0;
var LEASE_GONE_RETRIES = 5;
async function acquireDeployLease(kc, options) {
  const api = kc.makeApiClient(k8s14.CoordinationV1Api);
  const { namespace, holder, clock } = options;
  const name = `kubeship-${options.app}`;
  const duration = options.durationSeconds ?? 60;
  const context = { verb: "create", resource: "leases", namespace, name };
  const giveUpAt = clock.now() + (options.waitMs ?? 0);
  let acquiredAt = clock.now();
  const spec = () => ({
    holderIdentity: holder,
    leaseDurationSeconds: duration,
    acquireTime: new k8s14.V1MicroTime(acquiredAt),
    renewTime: new k8s14.V1MicroTime(clock.now())
  });
  const tryAcquire = async () => {
    for (let attempt = 1; ; attempt++) {
      const outcome = await tryAcquireOnce();
      if (outcome !== "gone" || attempt >= LEASE_GONE_RETRIES) {
        if (outcome === "gone")
          throw new KubeshipError(
            "DEPLOY_LOCKED",
            `the lease ${namespace}/${name} kept disappearing while kubeship tried to take it: another deploy of ${options.app} is taking and releasing it`,
            { details: { namespace, lease: name } }
          );
        return outcome;
      }
    }
  };
  const tryAcquireOnce = async () => {
    acquiredAt = clock.now();
    try {
      await api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec: spec() } });
      return { acquired: true };
    } catch (error) {
      if (status(error) === 404) throw namespaceMissing(namespace, error);
      if (status(error) !== 409) throw describeKubernetesError(error, context);
    }
    let lease;
    try {
      lease = await api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (status(error) === 404) return "gone";
      throw describeKubernetesError(error, { ...context, verb: "get" });
    }
    const held = lease.spec?.holderIdentity;
    if (held && held !== holder && timesOf(lease, duration).expiresAt >= clock.now())
      return { acquired: false, lease };
    try {
      await api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: spec() } });
      return { acquired: true };
    } catch (error) {
      if (status(error) === 409) return { acquired: false, lease };
      if (status(error) === 404) return "gone";
      throw describeKubernetesError(error, { ...context, verb: "update" });
    }
  };
  let told = "";
  for (; ; ) {
    const attempt = await tryAcquire();
    if (attempt.acquired) break;
    const other = attempt.lease.spec;
    const times = timesOf(attempt.lease, duration);
    const now = clock.now();
    const remaining = giveUpAt - now;
    if (remaining <= 0 || options.signal?.aborted) {
      const since = other?.acquireTime ? `since ${iso(new Date(other.acquireTime).getTime())}, ` : "";
      throw new KubeshipError(
        options.signal?.aborted ? "INTERRUPTED" : "DEPLOY_LOCKED",
        `${options.signal?.aborted ? "interrupted while waiting: " : ""}another deploy of ${options.app} holds the lease ${namespace}/${name}: ${other?.holderIdentity} (${since}renewed ${iso(times.renewedAt)}; it expires at ${iso(times.expiresAt)} unless renewed)`,
        {
          details: {
            namespace,
            lease: name,
            holder: other?.holderIdentity,
            expiresAt: new Date(times.expiresAt).toISOString()
          }
        }
      );
    }
    const wait2 = {
      lease: `${namespace}/${name}`,
      holder: other?.holderIdentity ?? "",
      renewedAt: times.renewedAt,
      expiresAt: times.expiresAt,
      stale: now >= times.staleAt,
      giveUpAt
    };
    const said = `${wait2.holder}|${wait2.renewedAt}|${wait2.expiresAt}|${wait2.stale}`;
    if (said !== told) options.onWaiting?.(wait2);
    told = said;
    const next = [times.expiresAt + 50, ...wait2.stale ? [] : [times.staleAt]].map((at) => at - now);
    await leaseChangeOrTimeout(kc, {
      namespace,
      name,
      resourceVersion: attempt.lease.metadata?.resourceVersion,
      timeoutMs: Math.max(0, Math.min(remaining, ...next)),
      clock,
      ...options.signal ? { signal: options.signal } : {}
    });
  }
  let cancelRenewal = () => {
  };
  const renew = () => {
    cancelRenewal = clock.schedule(
      async () => {
        try {
          const lease = await api.readNamespacedLease({ name, namespace });
          if (lease.spec?.holderIdentity !== holder) return;
          await api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: spec() } });
        } catch {
        }
        renew();
      },
      duration * 1e3 / 3
    );
  };
  renew();
  return {
    name,
    holder,
    async release() {
      cancelRenewal();
      try {
        const lease = await api.readNamespacedLease({ name, namespace });
        if (lease.spec?.holderIdentity !== holder) return;
        const resourceVersion = lease.metadata?.resourceVersion;
        await api.deleteNamespacedLease({
          name,
          namespace,
          body: { preconditions: resourceVersion ? { resourceVersion } : {} }
        });
      } catch (error) {
        if (status(error) !== 404 && status(error) !== 409)
          throw describeKubernetesError(error, { ...context, verb: "delete" });
      }
    }
  };
}
function timesOf(lease, defaultDuration) {
  const renewedAt = new Date(lease.spec?.renewTime ?? 0).getTime();
  const durationMs = (lease.spec?.leaseDurationSeconds ?? defaultDuration) * 1e3;
  return { renewedAt, expiresAt: renewedAt + durationMs, staleAt: renewedAt + durationMs * 2 / 3 };
}
var iso = (ms) => new Date(ms).toISOString();
function namespaceMissing(namespace, cause) {
  return new KubeshipError(
    "INVALID_INPUT",
    `namespace "${namespace}" does not exist, so the deploy lease cannot be taken there: create the namespace, or deploy a Namespace object with the app`,
    { details: { namespace }, cause }
  );
}
async function leaseChangeOrTimeout(kc, wait2) {
  const { clock, signal } = wait2;
  const watch = new k8s14.Watch(kc);
  let request;
  const cancels = [];
  await new Promise((resolve3) => {
    if (signal?.aborted) return resolve3();
    cancels.push(clock.schedule(resolve3, wait2.timeoutMs));
    const onAbort = () => resolve3();
    signal?.addEventListener("abort", onAbort, { once: true });
    cancels.push(() => signal?.removeEventListener("abort", onAbort));
    const ended = (error) => {
      if (error) cancels.push(clock.schedule(resolve3, Math.min(1e3, wait2.timeoutMs)));
      else resolve3();
    };
    watch.watch(
      `/apis/coordination.k8s.io/v1/namespaces/${wait2.namespace}/leases`,
      {
        fieldSelector: `metadata.name=${wait2.name}`,
        ...wait2.resourceVersion ? { resourceVersion: wait2.resourceVersion } : {}
      },
      () => resolve3(),
      ended
    ).then((controller) => {
      request = controller;
    }, ended);
  });
  for (const cancel of cancels) cancel();
  request?.abort();
}

// src/deploy/engine.ts
var DEFAULT_TIMEOUT_MS = 10 * 6e4;
var WORKLOAD_KINDS = /* @__PURE__ */ new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"]);
async function deployObjects(options) {
  const ctx = validate(options);
  await lock(ctx);
  try {
    await plan(ctx);
    await checkAlarms(ctx);
    await dryRun(ctx);
    await runHooks(ctx, "pre-deploy");
    if (failed2(ctx)) {
      await record(ctx);
      return await result(ctx);
    }
    await apply(ctx);
    await verify(ctx);
    if (!failed2(ctx)) await canary(ctx);
    if (!failed2(ctx)) await runHooks(ctx, "post-deploy");
    if (!failed2(ctx)) await bake(ctx);
    if (failed2(ctx)) {
      await diagnose(ctx);
      await rollBack2(ctx);
    } else {
      await prune(ctx);
    }
    await record(ctx);
    return await result(ctx);
  } catch (error) {
    if (ctx.applied || ctx.hooksStarted.length > 0) return await stop(ctx, error);
    if (!ctx.applied && (ctx.lease || !ctx.options.lease))
      await phase(ctx, "release", () => removeNamespaces(ctx.kc, ctx.createdNamespaces));
    throw error;
  } finally {
    await release(ctx);
  }
}
async function phase(ctx, name, work) {
  const at = ctx.clock.now();
  ctx.emit({ type: "phase-started", phase: name, at });
  try {
    return await work();
  } catch (error) {
    ctx.stoppedIn ??= name;
    throw error;
  } finally {
    ctx.durations[name] = (ctx.durations[name] ?? 0) + ctx.clock.now() - at;
    ctx.emit({
      type: "phase-finished",
      phase: name,
      at: ctx.clock.now(),
      durationMs: ctx.durations[name] ?? 0
    });
  }
}
function validate(options) {
  const clock = options.clock ?? systemClock;
  if (options.objects.length === 0) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `nothing to deploy: the release of ${options.app} has no objects`
    );
  }
  const ids = /* @__PURE__ */ new Set();
  for (const object of options.objects) {
    const id = objectIdentity4(object);
    if (ids.has(id)) {
      throw new KubeshipError("INVALID_INPUT", `${objectId(object)} appears twice in the release`, {
        details: { object: objectId(object) }
      });
    }
    ids.add(id);
  }
  const namespace = options.namespace ?? options.objects.find((o) => o.kind === "Deployment")?.metadata.namespace ?? options.objects.find((o) => o.metadata.namespace)?.metadata.namespace ?? "default";
  const applySetId2 = appApplySetId(options.app, namespace);
  const split = splitHooks(options.objects);
  if (options.canary && options.blueGreen)
    throw new KubeshipError("INVALID_INPUT", "a release is shipped by canary or by blue/green, not both");
  if (options.canary) {
    checkCanarySteps(options.canary.steps);
    canaryTarget(split.objects, options);
  }
  if (options.blueGreen) {
    canaryTarget(split.objects, options);
    blueGreenService(split.objects, options.blueGreen);
  }
  if (split.objects.length === 0) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `the release of ${options.app} has only hooks: nothing to deploy`
    );
  }
  const objects = withMembership(
    split.objects.map((object) => withChangeCause2(object, options.changeCause)),
    applySetId2
  );
  return {
    options,
    kc: options.kubeConfig,
    clock,
    emit: options.onEvent ?? (() => {
    }),
    namespace,
    applySetId: applySetId2,
    startedAt: clock.now(),
    durations: {},
    warnings: [],
    objects,
    hooks: split.hooks,
    steps: [],
    createdNamespaces: [],
    liveBefore: /* @__PURE__ */ new Map(),
    previous: void 0,
    revision: 0,
    changes: [],
    toPrune: [],
    applied: false,
    appliedAt: 0,
    verdicts: [],
    evidence: /* @__PURE__ */ new Map(),
    pruned: [],
    hooksStarted: []
  };
}
async function lock(ctx) {
  ctx.createdNamespaces = await ensureNamespaces(ctx.kc, ctx.objects);
  if (!ctx.options.lease) return;
  const lease = ctx.options.lease;
  ctx.lease = await phase(
    ctx,
    "lock",
    () => acquireDeployLease(ctx.kc, {
      namespace: ctx.namespace,
      app: ctx.options.app,
      holder: lease.holder,
      ...lease.waitMs === void 0 ? {} : { waitMs: lease.waitMs },
      ...lease.durationSeconds === void 0 ? {} : { durationSeconds: lease.durationSeconds },
      clock: ctx.clock,
      ...ctx.options.signal ? { signal: ctx.options.signal } : {},
      onWaiting: (wait2) => ctx.emit({ type: "lease-waiting", at: ctx.clock.now(), wait: wait2 })
    })
  );
}
async function plan(ctx) {
  await phase(ctx, "plan", async () => {
    const ref = { app: ctx.options.app, namespace: ctx.namespace };
    const history = await readHistory(ctx.kc, ref);
    ctx.revision = Math.max(0, ...history.map((r) => r.revision)) + 1;
    const previous = lastDeployed(history);
    ctx.previous = previous ? await readRecord(ctx.kc, ref, previous.revision) : void 0;
    const safe = await hpaSafe(ctx.kc, ctx.objects);
    ctx.objects = safe.objects;
    ctx.warnings.push(...safe.warnings);
    ctx.liveBefore = await readLive(ctx.kc, ctx.objects);
    ctx.toPrune = ctx.options.prune === false ? [] : missingFrom(ctx.previous?.objects ?? [], ctx.objects);
  });
  if (ctx.options.canary || ctx.options.blueGreen) {
    const desired = canaryTarget(ctx.objects, ctx.options);
    const stable = ctx.liveBefore.get(objectId(desired));
    const alb = albTargets(ctx.objects, ctx.options);
    const bg = ctx.options.blueGreen;
    const blueGreen = bg ? { service: blueGreenService(ctx.objects, bg), keepMs: bg.keepMs } : void 0;
    if (stable)
      ctx.canary = {
        desired,
        stableReplicas: stable.spec?.replicas ?? 1,
        ...alb ? { alb } : {},
        ...blueGreen ? { blueGreen } : {}
      };
    else
      warn(ctx, [
        `${objectId(desired)}: first release, no stable version to compare a canary with: deployed in full`
      ]);
  }
  const plan2 = planChanges(ctx.objects, ctx.liveBefore);
  ctx.changes = [
    ...plan2.map((p) => ({ id: p.id, action: p.action, fields: p.changes.map((c) => c.path) })),
    ...ctx.toPrune.map((o) => ({ id: objectId(o), action: "prune", fields: [] }))
  ];
  ctx.emit({ type: "plan", at: ctx.clock.now(), changes: ctx.changes });
}
async function checkAlarms(ctx) {
  const gate = ctx.options.alarms;
  if (!gate) return;
  await phase(ctx, "alarm-check", () => checkAlarmsBeforeDeploy(gate, ctx.options.signal));
}
async function dryRun(ctx) {
  const extra = [
    ...ctx.hooks.map((hook) => hookJob(hook, { app: ctx.options.app, revision: ctx.revision })),
    ...ctx.canary ? [
      ctx.canary.blueGreen ? greenDeployment({ ...ctx.canary, service: ctx.canary.blueGreen.service }) : canaryDeployment(ctx.canary.desired, 1)
    ] : []
  ];
  const { warnings } = await phase(
    ctx,
    "dry-run",
    () => dryRunAll(ctx.kc, [...ctx.objects, ...extra], { force: ctx.options.force ?? false })
  );
  warn(
    ctx,
    warnings.map((w) => `${w.object}: ${w.message}`)
  );
}
async function apply(ctx) {
  ctx.appliedAt = ctx.clock.now();
  ctx.applied = true;
  const applied = await phase(ctx, "apply", async () => {
    await handOverReplicas(ctx.kc, ctx.objects, ctx.liveBefore);
    const now = ctx.objects.filter((o) => o !== ctx.canary?.desired);
    return applyAll(ctx.kc, now, { force: ctx.options.force ?? false });
  });
  warn(
    ctx,
    applied.warnings.map((w) => `${w.object}: ${w.message}`)
  );
}
async function verify(ctx) {
  ctx.verdicts = await phase(
    ctx,
    "rollout",
    () => track(ctx, ctx.objects, ctx.appliedAt, ctx.options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  );
  for (const verdict of ctx.verdicts) {
    const target = {
      namespace: verdict.target.namespace ?? "",
      name: verdict.target.name,
      kind: verdict.target.kind
    };
    if (verdict.outcome === "complete")
      ctx.emit({
        type: "rollout-complete",
        at: verdict.at,
        target,
        summary: verdict.summary,
        ...countsOf(verdict)
      });
    if (verdict.outcome === "failed")
      ctx.emit({
        type: "rollout-failed",
        at: verdict.at,
        target,
        reason: verdict.reason,
        summary: verdict.summary,
        doomed: verdict.doomed
      });
    if (verdict.outcome === "timeout" || verdict.outcome === "interrupted")
      ctx.emit({
        type: "rollout-timeout",
        at: verdict.at,
        target,
        outcome: verdict.outcome,
        summary: verdict.summary,
        waiting: verdict.waiting
      });
    if (verdict.outcome === "unverified")
      ctx.emit({ type: "unverified", at: verdict.at, target, summary: verdict.summary });
  }
}
async function canary(ctx) {
  const target = ctx.canary;
  if (!target) return;
  const timeoutMs = ctx.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  await phase(ctx, "canary", async () => {
    try {
      const bg = target.blueGreen;
      const run = {
        desired: target.desired,
        stableReplicas: target.stableReplicas,
        ...ctx.options.alarms ? { alarms: ctx.options.alarms } : {},
        clock: ctx.clock,
        emit: ctx.emit,
        ...ctx.options.signal ? { signal: ctx.options.signal } : {},
        timeoutMs,
        track: (objects, since2, ms) => track(ctx, objects, since2, ms)
      };
      const steps = bg ? await runBlueGreen(ctx.kc, { ...run, service: bg.service, keepMs: bg.keepMs }) : await runCanarySteps(ctx.kc, {
        ...run,
        steps: ctx.options.canary?.steps ?? [],
        ...target.alb ? { alb: target.alb } : {}
      });
      ctx.steps.push(...steps);
      if (steps.some(stepFailed)) return;
      const since = ctx.clock.now();
      await applyAll(ctx.kc, [target.desired], { force: ctx.options.force ?? false });
      const [promoted] = await track(ctx, [target.desired], since, timeoutMs);
      const id = targetId(targetOf(target.desired));
      if (promoted) ctx.verdicts = ctx.verdicts.map((v) => targetId(v.target) === id ? promoted : v);
    } finally {
      if (target.alb) await restoreTraffic(ctx.kc, target.alb);
      if (target.blueGreen)
        await endBlueGreen(ctx.kc, { service: target.blueGreen.service, desired: target.desired });
      else await removeCanary(ctx.kc, target.desired);
    }
  });
}
async function runHooks(ctx, at) {
  const hooks = ctx.hooks.filter((hook) => hook.phase === at);
  if (hooks.length === 0) return;
  await phase(ctx, at, async () => {
    for (const hook of hooks) {
      ctx.hooksStarted.push(`${hook.phase} hook ${hook.name}`);
      const step = await runHook(ctx.kc, hook, {
        app: ctx.options.app,
        revision: ctx.revision,
        clock: ctx.clock,
        emit: ctx.emit,
        track: (objects, since, timeoutMs) => track(ctx, objects, since, timeoutMs),
        ...ctx.options.logLines === void 0 ? {} : { logLines: ctx.options.logLines }
      });
      ctx.steps.push(step);
      if (stepFailed(step)) return;
    }
  });
}
async function bake(ctx) {
  const gate = ctx.options.alarms;
  if (!gate || gate.bakeMs <= 0) return;
  const step = await phase(
    ctx,
    "bake",
    () => bakeWithAlarms(gate, {
      clock: ctx.clock,
      emit: ctx.emit,
      ...ctx.options.signal ? { signal: ctx.options.signal } : {}
    })
  );
  ctx.steps.push(step);
}
async function diagnose(ctx) {
  await phase(ctx, "diagnose", async () => {
    for (const verdict of failedVerdicts(ctx)) {
      if (!verdict.target.namespace) continue;
      const found = await collectEvidence(ctx.kc, {
        namespace: verdict.target.namespace,
        kind: verdict.target.kind,
        name: verdict.target.name,
        doomed: verdict.outcome === "failed" ? verdict.doomed : [],
        since: ctx.appliedAt,
        ...ctx.options.logLines === void 0 ? {} : { logLines: ctx.options.logLines }
      });
      ctx.evidence.set(targetId(verdict.target), found);
      const target = {
        namespace: verdict.target.namespace,
        name: verdict.target.name,
        kind: verdict.target.kind
      };
      ctx.emit({ type: "evidence", at: ctx.clock.now(), target, evidence: found });
    }
  });
}
async function rollBack2(ctx) {
  if (ctx.options.rollback === false || ctx.options.signal?.aborted) return;
  const reason = [
    ...failedVerdicts(ctx).map((v) => v.outcome === "failed" ? v.reason : v.outcome),
    ...failedSteps(ctx).map((step) => `${step.name} ${step.reason ?? step.outcome}`)
  ].join(", ");
  ctx.restore = await phase(
    ctx,
    "rollback",
    () => restoreRelease(ctx.kc, {
      applied: ctx.objects,
      previous: ctx.previous,
      liveBefore: ctx.liveBefore,
      applySetId: ctx.applySetId,
      changeCause: `kubeship rollback after ${reason}`,
      clock: ctx.clock,
      emit: ctx.emit,
      track: (objects, since) => track(
        ctx,
        objects,
        since,
        ctx.options.rollbackTimeoutMs ?? ctx.options.timeoutMs ?? DEFAULT_TIMEOUT_MS
      )
    })
  );
}
async function prune(ctx) {
  if (ctx.toPrune.length === 0) return;
  ctx.pruned = await phase(ctx, "prune", () => deleteMembers(ctx.kc, ctx.toPrune, ctx.applySetId));
  for (const id of ctx.pruned) ctx.emit({ type: "pruned", at: ctx.clock.now(), id });
}
async function record(ctx) {
  const outcome = summarise(ctx).outcome;
  const recordOutcome = outcome === "deployed" ? "deployed" : outcome === "rolled-back" ? "rolled-back" : "failed";
  const pruned = recordOutcome === "deployed" ? ctx.toPrune : [];
  const inventory = inventoryAfter(ctx.previous?.objects ?? [], ctx.objects, pruned);
  const interrupted = ctx.options.signal?.aborted ?? false;
  await phase(ctx, "record", async () => {
    const entry = {
      app: ctx.options.app,
      namespace: ctx.namespace,
      revision: ctx.revision,
      outcome: recordOutcome,
      objects: inventory,
      images: [...new Set(inventory.flatMap(imagesOf))],
      ...ctx.options.changeCause ? { changeCause: ctx.options.changeCause } : {},
      ...ctx.options.labels ? { labels: ctx.options.labels } : {},
      ...ctx.options.restoredFrom === void 0 ? {} : { restoredFrom: ctx.options.restoredFrom },
      startedAt: ctx.startedAt,
      finishedAt: ctx.clock.now()
    };
    await writeRecord(ctx.kc, entry, ctx.options.historyLimit ?? 10);
    if (!ctx.applied) return;
    const current = recordOutcome === "deployed" || interrupted || !ctx.previous ? entry : ctx.previous;
    const members = recordOutcome === "rolled-back" && ctx.previous ? ctx.previous.objects : inventory;
    await applyOwn(
      ctx.kc,
      applySetParent({
        app: ctx.options.app,
        namespace: ctx.namespace,
        members,
        revision: current.revision,
        tooling: ctx.options.tooling ?? "kubeship/v0"
      })
    );
  });
}
async function stop(ctx, error) {
  const typed = error instanceof KubeshipError ? error : unreachableCause(error);
  ctx.stopped = {
    phase: ctx.stoppedIn ?? "rollout",
    code: typed?.code ?? "API_ERROR",
    message: typed?.message ?? (error instanceof Error ? error.message : String(error))
  };
  try {
    await record(ctx);
  } catch (failure) {
    ctx.recordError = failure instanceof Error ? failure.message : String(failure);
  }
  return result(ctx);
}
async function release(ctx) {
  const lease = ctx.lease;
  if (!lease) return;
  try {
    await phase(ctx, "release", () => lease.release());
  } catch (error) {
    if (!ctx.applied && ctx.hooksStarted.length === 0) throw error;
    warn(ctx, [
      `the deploy lease ${lease.name} could not be released (${error instanceof Error ? error.message : String(error)}): it expires on its own`
    ]);
  }
}
function track(ctx, objects, since, timeoutMs) {
  return trackRollouts({
    kubeConfig: ctx.kc,
    targets: objects,
    startedAt: since,
    timeoutMs,
    clock: ctx.clock,
    ...ctx.options.signal ? { signal: ctx.options.signal } : {},
    ...ctx.options.maxRestarts === void 0 ? {} : { maxRestarts: ctx.options.maxRestarts },
    ...ctx.options.unschedulableGraceMs === void 0 ? {} : { unschedulableGraceMs: ctx.options.unschedulableGraceMs },
    ...ctx.options.imagePullGraceMs === void 0 ? {} : { imagePullGraceMs: ctx.options.imagePullGraceMs },
    ...ctx.options.metricsGraceMs === void 0 ? {} : { metricsGraceMs: ctx.options.metricsGraceMs },
    onProgress: (p) => ctx.emit({
      type: "progress",
      at: ctx.clock.now(),
      target: { namespace: p.target.namespace ?? "", name: p.target.name, kind: p.target.kind },
      summary: p.summary,
      ...p.counts ? { counts: p.counts } : {},
      waiting: p.waiting
    })
  });
}
function warn(ctx, messages) {
  for (const message of messages) {
    if (ctx.warnings.includes(message)) continue;
    ctx.warnings.push(message);
    ctx.emit({ type: "warning", at: ctx.clock.now(), message });
  }
}
var failedVerdicts = (ctx) => ctx.verdicts.filter(
  (v) => v.outcome === "failed" || v.outcome === "timeout" || v.outcome === "interrupted"
);
var failedSteps = (ctx) => ctx.steps.filter(stepFailed);
var failed2 = (ctx) => failedVerdicts(ctx).length > 0 || failedSteps(ctx).length > 0;
var countsOf = (verdict) => "counts" in verdict && verdict.counts ? { counts: verdict.counts } : {};
async function result(ctx) {
  const byId = new Map(ctx.verdicts.map((v) => [targetId(v.target), v]));
  const released = ctx.applied ? ctx.objects : [];
  const objects = released.map((object) => {
    const verdict = byId.get(targetId(targetOf(object)));
    return {
      id: objectId(object),
      kind: object.kind,
      ...object.metadata.namespace ? { namespace: object.metadata.namespace } : {},
      name: object.metadata.name,
      verdict: verdict?.outcome ?? "applied",
      summary: verdict?.summary ?? "",
      ...verdict?.outcome === "failed" ? { reason: verdict.reason } : {}
    };
  });
  const workloads = released.filter((o) => WORKLOAD_KINDS.has(o.kind));
  const revisionsAfter = await readLive(
    ctx.kc,
    workloads.filter((o) => o.kind === "Deployment")
  ).catch(() => /* @__PURE__ */ new Map());
  const deployments = workloads.map((object) => {
    const id = objectId(object);
    const verdict = byId.get(targetId(targetOf(object)));
    const evidence = ctx.evidence.get(targetId(targetOf(object)));
    const restored = ctx.restore?.objects.find((o) => o.id === id);
    return {
      kind: object.kind,
      namespace: object.metadata.namespace ?? "",
      name: object.metadata.name,
      revisionBefore: revisionOf(ctx.liveBefore.get(id) ?? {}),
      revisionAfter: revisionOf(revisionsAfter.get(id) ?? {}),
      images: imagesOf(object),
      verdict: verdict?.outcome ?? "applied",
      ...verdict ? { summary: verdict.summary } : {},
      ...verdict?.outcome === "failed" ? { reason: verdict.reason } : {},
      ...verdict && "waiting" in verdict ? { waiting: verdict.waiting } : {},
      ...evidence ? { evidence } : {},
      ...restored ? {
        rollback: {
          toRevision: ctx.previous?.revision ?? 0,
          images: restored.images,
          healthy: restored.healthy,
          ...restored.error ? { error: restored.error } : {}
        }
      } : {}
    };
  });
  return {
    ...summarise(ctx),
    revision: ctx.revision,
    previousRevision: ctx.previous?.revision ?? 0,
    changes: ctx.changes,
    objects,
    deployments,
    pruned: ctx.pruned,
    warnings: ctx.warnings,
    ...ctx.restore ? { rollback: ctx.restore } : {},
    ...ctx.stopped ? { stopped: ctx.stopped } : {},
    strategy: ctx.canary ? ctx.canary.blueGreen ? "blue-green" : "canary" : "rolling",
    steps: ctx.steps,
    durationsMs: ctx.durations,
    startedAt: ctx.startedAt,
    finishedAt: ctx.clock.now()
  };
}
function summarise(ctx) {
  if (ctx.stopped)
    return {
      outcome: "failed",
      code: ctx.stopped.code === "INTERRUPTED" ? "INTERRUPTED" : "ROLLBACK_FAILED",
      message: stoppedMessage(ctx, ctx.stopped)
    };
  const bad = failedVerdicts(ctx);
  const steps = failedSteps(ctx);
  if (bad.length === 0 && steps.length === 0)
    return { outcome: "deployed", message: healthyMessage(ctx.verdicts, ctx.steps) };
  const names = [
    ...bad.map(
      (v) => `${v.target.kind} ${v.target.name} (${v.outcome === "failed" ? v.reason : v.outcome === "timeout" ? "timed out" : "interrupted"})`
    ),
    ...steps.map((step) => `${step.name} (${step.reason ?? step.outcome}: ${step.message})`)
  ].join(", ");
  if (!ctx.applied) {
    if (ctx.options.signal?.aborted || steps.some((s) => s.outcome === "interrupted"))
      return {
        outcome: "failed",
        code: "INTERRUPTED",
        message: `interrupted during ${names}; nothing else was changed`
      };
    return {
      outcome: "failed",
      code: steps.some((s) => s.outcome === "timeout") ? "ROLLOUT_TIMEOUT" : "ROLLOUT_FAILED",
      message: `${names}; nothing else was changed`
    };
  }
  if (ctx.options.signal?.aborted || bad.some((v) => v.outcome === "interrupted") || steps.some((s) => s.outcome === "interrupted"))
    return { outcome: "failed", code: "INTERRUPTED", message: `interrupted while waiting for ${names}` };
  if (ctx.options.rollback === false)
    return {
      outcome: "failed",
      code: "ROLLBACK_FAILED",
      message: `rollout failed: ${names}; rollback is turned off: a human must look`
    };
  const timedOut = bad.some((v) => v.outcome === "timeout") || steps.some((s) => s.outcome === "timeout");
  if (ctx.restore?.healthy) {
    return {
      outcome: "rolled-back",
      code: timedOut ? "ROLLOUT_TIMEOUT" : "ROLLOUT_FAILED",
      message: `rollout ${timedOut ? "timed out" : "failed"}: ${names}; ${ctx.restore.message}`
    };
  }
  return {
    outcome: "failed",
    code: "ROLLBACK_FAILED",
    message: `rollout failed: ${names}; ${ctx.restore?.message ?? "not rolled back"}: a human must look`
  };
}
function stoppedMessage(ctx, stopped) {
  const ids = ctx.objects.map(objectId);
  const listed = `${ids.slice(0, 10).join(", ")}${ids.length > 10 ? `, and ${ids.length - 10} more` : ""}`;
  const healthy2 = ctx.verdicts.length > 0 && failedVerdicts(ctx).length === 0;
  const applied = !ctx.applied ? `${ctx.hooksStarted.join(", ")} started (nothing else of the release was applied), then ${stopped.phase} stopped` : stopped.phase === "apply" ? `applying the release (${listed}) stopped part way` : `the release was applied (${listed})${healthy2 ? " and verified healthy" : ""}, then ${stopped.phase} stopped`;
  const recorded = ctx.recordError ? `the release record could not be written (${ctx.recordError})` : `release ${ctx.revision} is recorded as failed`;
  return `${applied}: ${stopped.code}: ${stopped.message}; ${recorded}; the cluster was changed: a human must look`;
}
function healthyMessage(verdicts, steps) {
  const of = (outcome) => verdicts.filter((v) => v.outcome === outcome);
  const verified = of("complete");
  const unverified = of("unverified");
  const applied = of("applied");
  const list = (vs) => vs.map((v) => `${v.target.kind} ${v.target.name}`).join(", ");
  const parts = [
    verified.length > 0 ? `verified healthy: ${list(verified)}` : "nothing in this release has a health to verify",
    ...applied.length > 0 ? [`${applied.length} applied (no runtime status)`] : [],
    ...unverified.length > 0 ? [`NOT verified (no rule can tell): ${list(unverified)}`] : [],
    ...steps.length > 0 ? [`passed ${steps.map((s) => s.name).join(", ")}`] : []
  ];
  return `deployed; ${parts.join("; ")}`;
}
function albTargets(objects, options) {
  const alb = options.canary?.alb;
  if (!alb) return void 0;
  const ingress = objects.find((o) => o.kind === "Ingress" && o.metadata.name === alb.ingress);
  const service = objects.find((o) => o.kind === "Service" && o.metadata.name === alb.service);
  const problem = (message) => new KubeshipError("INVALID_INPUT", `canary.alb: ${message}`, { details: { parameter: "canary.alb" } });
  if (!ingress) throw problem(`the Ingress ${alb.ingress} is not in the release`);
  if (!service) throw problem(`the Service ${alb.service} is not in the release`);
  if (!JSON.stringify(ingress.spec ?? {}).includes(`"name":"${alb.service}"`))
    throw problem(`the Ingress ${alb.ingress} sends no traffic to the Service ${alb.service}`);
  return { ingress, service };
}
function blueGreenService(objects, blueGreen) {
  const service = objects.find((o) => o.kind === "Service" && o.metadata.name === blueGreen.service);
  if (!service) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `blueGreen.service: the Service ${blueGreen.service} is not in the release`,
      {
        details: { parameter: "blueGreen.service" }
      }
    );
  }
  if (!(blueGreen.keepMs >= 0 && blueGreen.keepMs <= 6 * 36e5))
    throw new KubeshipError("INVALID_INPUT", "blueGreen.keepMs must be 0 to 6 hours", {
      details: { parameter: "blueGreen.keepMs" }
    });
  return service;
}
function canaryTarget(objects, options) {
  const deployments = objects.filter((o) => o.kind === "Deployment");
  const wanted = options.canary?.deployment ?? options.blueGreen?.deployment;
  const found = wanted ? deployments.find((d) => d.metadata.name === wanted) : deployments.find((d) => d.metadata.name === options.app) ?? (deployments.length === 1 ? deployments[0] : void 0);
  if (!found) {
    throw new KubeshipError(
      "INVALID_INPUT",
      wanted ? `the canary Deployment ${wanted} is not in the release` : `a canary needs one Deployment: name it (canary.deployment) among ${deployments.map((d) => d.metadata.name).join(", ") || "none"}`,
      { details: { parameter: "canary.deployment" } }
    );
  }
  return found;
}
function withChangeCause2(object, changeCause) {
  if (!changeCause || !WORKLOAD_KINDS.has(object.kind)) return object;
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata.annotations, "kubernetes.io/change-cause": changeCause }
    }
  };
}
function imagesOf(object) {
  const spec = object.spec;
  const pod = object.kind === "Pod" ? spec : spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
  return [...pod?.initContainers ?? [], ...pod?.containers ?? []].map((c) => c.image ?? "");
}

// src/deploy/promote-guard.ts
import { IMAGE_DIGEST_PATTERN, imageDigestOf, pinnedImageOf } from "@kubeship/manifests";
function promotionImage(state, check) {
  const { from, expectDigest } = check;
  if (expectDigest !== void 0 && !IMAGE_DIGEST_PATTERN.test(expectDigest)) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `--expect-digest must be sha256:<64 lowercase hex digits> (or sha512:<128>), got ${JSON.stringify(expectDigest)}`,
      { details: { parameter: "expect-digest" } }
    );
  }
  if (state.state.phase !== "complete") {
    throw new KubeshipError(
      "INVALID_INPUT",
      `refusing to promote from ${from}: ${state.name} there is ${state.state.phase}${state.state.phase === "failed" ? ` (${state.state.reason})` : ""}, not healthy`,
      { details: { environment: from, phase: state.state.phase } }
    );
  }
  const references = state.runningImageIds.map(pinnedImageOf);
  const digests = references.map((reference2) => reference2 && imageDigestOf(reference2));
  const [reference] = references;
  const [digest] = digests;
  if (!reference || !digest || digests.some((other) => other !== digest)) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `refusing to promote from ${from}: its pods do not report one image digest (${state.runningImageIds.join(", ") || "none"})`,
      { details: { environment: from, imageIds: state.runningImageIds } }
    );
  }
  const repository = reference.slice(0, reference.lastIndexOf("@")).replace(/:[^:/]+$/, "");
  const image = `${repository}@${digest}`;
  if (expectDigest !== void 0 && digest !== expectDigest) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `refusing to promote from ${from}: it runs ${digest}, not the approved ${expectDigest} (a newer run deployed ${from} since the approval; approve that run instead)`,
      { details: { environment: from, running: digest, expected: expectDigest } }
    );
  }
  return image;
}

// src/deploy/rollback-release.ts
async function rollbackRelease(options) {
  const ref = { app: options.app, namespace: options.namespace };
  const history = await readHistory(options.kubeConfig, ref);
  const deployed = history.filter((r) => r.outcome === "deployed");
  const current = deployed.at(-1);
  const wanted = options.toRevision === void 0 ? deployed.filter((r) => r.revision < (current?.revision ?? 0)).at(-1) : history.find((r) => r.revision === options.toRevision);
  const record2 = wanted ? await readRecord(options.kubeConfig, ref, wanted.revision) : void 0;
  if (!record2) {
    throw noSuchRelease(ref, history, {
      key: "--to-revision",
      revision: options.toRevision,
      missing: "no earlier deployed release to roll back to"
    });
  }
  const { toRevision: _, ...rest } = options;
  return deployObjects({
    ...rest,
    objects: record2.objects.map(({ metadata: { labels, ...metadata }, ...object }) => ({
      ...object,
      metadata: { ...metadata, ...labels ? { labels } : {} }
    })),
    restoredFrom: record2.revision,
    changeCause: options.changeCause ?? `kubeship rollback to release ${record2.revision}`
  });
}

// src/release/diff.ts
function diffReleases(from, to) {
  const byId = (objects) => new Map(objects.map((o) => [objectId(o), o]));
  const earlier = byId(from.objects);
  const later = byId(to.objects);
  const forward = planChanges(to.objects, earlier);
  const backward = new Map(planChanges(from.objects, later).map((p) => [p.id, p]));
  const kept = forward.map((planned) => {
    if (planned.action === "create") return { id: planned.id, action: "added", changes: [] };
    const unset = (backward.get(planned.id)?.changes ?? []).filter((c) => !("from" in c)).map((c) => ({ path: c.path, from: c.to }));
    const changes = [...planned.changes, ...unset];
    return { id: planned.id, action: changes.length > 0 ? "changed" : "unchanged", changes };
  });
  const removed = from.objects.filter((o) => !later.has(objectId(o))).map((o) => ({ id: objectId(o), action: "removed", changes: [] }));
  return [...kept, ...removed];
}
async function compareReleases(kc, ref, revisions) {
  const history = await readHistory(kc, ref);
  const to = revisions.to ?? history.at(-1)?.revision;
  const read = async (key, revision) => {
    const record2 = revision === void 0 ? void 0 : await readRecord(kc, ref, revision);
    if (!record2) throw noSuchRelease(ref, history, { key, revision });
    return record2;
  };
  const earlier = await read("--from-revision", revisions.from);
  const later = await read("--to-revision", to);
  return {
    app: ref.app,
    namespace: ref.namespace,
    from: earlier.revision,
    to: later.revision,
    objects: diffReleases(earlier, later)
  };
}

// src/report/human.ts
var paint = (style, code, text) => style.color ? `\x1B[${code}m${text}\x1B[0m` : text;
var red = (s, t) => paint(s, 31, t);
var green = (s, t) => paint(s, 32, t);
var yellow = (s, t) => paint(s, 33, t);
var bold = (s, t) => paint(s, 1, t);
function elapsed(at, startedAt) {
  return `[${((at - startedAt) / 1e3).toFixed(1).padStart(6)}s]`;
}
function progressLine(progress) {
  const who = progress.target.kind && progress.target.kind !== "Deployment" ? `${progress.target.kind} ${progress.target.name}` : progress.target.name;
  if (!progress.counts) return `${who}: ${progress.summary ?? ""}`;
  const { desired, updated, available } = progress.counts;
  return `${who}: ${updated}/${desired} updated, ${available}/${desired} available`;
}
function stillWaitingLine(progress) {
  const pods = progress.waiting.slice(0, 3).map((w) => `${w.pod} (${w.reason})`);
  const more = progress.waiting.length > 3 ? ` and ${progress.waiting.length - 3} more` : "";
  return `still waiting for ${progressLine(progress)}${pods.length ? `; pods: ${pods.join(", ")}${more}` : ""}`;
}
var PLAN_MARKS = { create: "+", prune: "-", replace: "\xB1" };
var PLAN_NOTES = {
  prune: " (prune once healthy)",
  replace: " (replace: delete and create anew)"
};
function formatEvent(event, startedAt, style) {
  const at = elapsed(event.at, startedAt);
  switch (event.type) {
    case "phase-started":
      return [`${at} ${event.phase}...`];
    case "phase-finished":
      return [];
    case "plan": {
      const changed = event.changes.filter((c) => c.action !== "unchanged");
      if (changed.length === 0)
        return [`${at} plan: nothing to change (${event.changes.length} objects up to date)`];
      return [
        `${at} plan: ${changed.length} to change, ${event.changes.length - changed.length} unchanged`,
        ...changed.map(
          (c) => `${at}   ${PLAN_MARKS[c.action] ?? "~"} ${c.id}${PLAN_NOTES[c.action] ?? ""}${c.fields.length ? `: ${c.fields.join(", ")}` : ""}`
        )
      ];
    }
    case "progress":
      return [`${at} ${progressLine(event)}`];
    case "rollout-complete":
      return [`${at} ${green(style, "\u2713")} ${progressLine(event)}: verified healthy`];
    case "unverified":
      return [
        `${at} ${yellow(style, "?")} ${event.target.kind} ${event.target.name}: applied, NOT verified: ${event.summary}`
      ];
    case "rollout-failed":
      return [
        `${at} ${red(style, "\u2717")} ${progressLine({ target: event.target })}rollout failed: ${event.reason}${event.summary && event.summary !== event.reason ? ` (${event.summary})` : ""}`,
        ...event.doomed.slice(0, 5).map(
          (d) => `${at}     pod ${d.pod}${d.container ? ` container ${d.container}` : ""}: ${d.reason}: ${d.message}`
        )
      ];
    case "rollout-timeout":
      return [
        `${at} ${red(style, "\u2717")} ${progressLine({ target: event.target })}${event.outcome === "interrupted" ? "interrupted" : "timed out"} while ${event.summary}; waiting on ${event.waiting.map((w) => `${w.pod} (${w.reason})`).join(", ") || "the controller"}`
      ];
    case "evidence":
      return evidenceBlock(event.evidence, at, style);
    case "rollback-started":
      return [
        `${at} ${yellow(style, "\u21BA")} rolling the whole release back to ${event.toRevision > 0 ? `release ${event.toRevision}` : "the state before it"} (${event.objects} objects)`
      ];
    case "rolled-back":
      return [
        event.healthy ? `${at} ${green(style, "\u2713")} rolled back to ${event.toRevision > 0 ? `release ${event.toRevision}` : "the state before"} and verified healthy` : `${at} ${red(style, "\u2717")} the rollback did not become healthy`
      ];
    case "step-started":
      return [`${at} ${event.name}: ${event.detail}...`];
    case "hook-log":
      return [`${at}   ${event.hook} | ${event.pod}/${event.container}: ${event.line}`];
    case "alarm":
      return [
        `${at}   alarm ${event.alarm.name}: ${event.alarm.state === "ALARM" ? red(style, "ALARM") : event.alarm.state}${event.alarm.reason ? ` (${event.alarm.reason})` : ""}`
      ];
    case "step-finished":
      return stepLines(event.step, at, style);
    case "pruned":
      return [`${at}   - pruned ${event.id} (no longer in the release)`];
    case "lease-waiting":
      return [`${at}   ${leaseWaitLine(event.wait, event.at)}`];
    case "warning":
      return [`${at} ${yellow(style, "warning:")} ${event.message}`];
  }
}
function leaseWaitLine(wait2, now) {
  const when = (ms) => `${new Date(ms).toISOString().slice(11, 19)}Z`;
  const inSeconds = (ms) => `in ${Math.max(0, Math.ceil((ms - now) / 1e3))} s`;
  const held = `waiting for the deploy lease ${wait2.lease} held by ${wait2.holder}`;
  const giveUp = `waiting until ${when(wait2.giveUpAt)}`;
  return wait2.stale ? `${held}, which has not renewed it since ${when(wait2.renewedAt)} (stopped or killed?): it expires ${inSeconds(wait2.expiresAt)} (${when(wait2.expiresAt)}), then this deploy takes it over; ${giveUp}` : `${held} (renewed ${when(wait2.renewedAt)}; it expires ${inSeconds(wait2.expiresAt)}, at ${when(wait2.expiresAt)}, unless renewed); ${giveUp}`;
}
function stepLines(step, at, style) {
  const took = `${((step.finishedAt - step.startedAt) / 1e3).toFixed(1)}s`;
  if (step.outcome === "passed")
    return [`${at} ${green(style, "\u2713")} ${step.name}: passed in ${took}: ${step.message}`];
  return [
    `${at} ${red(style, "\u2717")} ${step.name}: ${step.outcome} after ${took}: ${step.message}`,
    ...step.evidence ? evidenceBlock(step.evidence, at, style) : []
  ];
}
function evidenceBlock(evidence, at, style) {
  const lines = [`${at} ${bold(style, "evidence")}`];
  for (const event of evidence.events.slice(-15)) {
    lines.push(
      `${at}   event ${event.type} ${event.reason} on ${event.object}${event.count > 1 ? ` (x${event.count})` : ""}: ${event.message}`
    );
  }
  for (const log of evidence.logs) {
    if (log.unavailable) {
      lines.push(`${at}   logs of ${log.pod}/${log.container}: ${log.unavailable}`);
      continue;
    }
    lines.push(`${at}   last ${log.lines?.length ?? 0} log lines of ${log.pod}/${log.container}:`);
    for (const line of log.lines ?? []) lines.push(`${at}     | ${line}`);
  }
  return lines;
}
function formatResult(result2, style) {
  const headline = result2.outcome === "deployed" ? green(style, `DEPLOYED: ${result2.message}`) : result2.outcome === "rolled-back" ? yellow(style, `ROLLED BACK: ${result2.message}`) : red(style, `FAILED: ${result2.message}`);
  const lines = [bold(style, headline)];
  lines.push(
    `  release ${result2.revision}${result2.previousRevision ? ` (previous: ${result2.previousRevision})` : " (first)"}`
  );
  for (const d of result2.deployments) {
    const rollback = d.rollback ? d.rollback.healthy ? `, rolled back (${d.rollback.images.join(", ")})` : `, rollback failed: ${d.rollback.error ?? "not healthy"}` : "";
    const revisions = d.kind === "Deployment" ? `, revision ${d.revisionBefore} -> ${d.revisionAfter}` : "";
    lines.push(
      `  ${d.kind} ${d.namespace}/${d.name}: ${d.verdict}${revisions}, ${d.images.join(", ")}${rollback}`
    );
  }
  const others = result2.objects.filter(
    (o) => !result2.deployments.some((d) => d.kind === o.kind && d.name === o.name)
  );
  const count = (verdict) => others.filter((o) => o.verdict === verdict).length;
  if (others.length > 0) {
    lines.push(
      `  other objects: ${count("complete")} verified, ${count("applied")} applied (no runtime status), ${count("unverified")} not verified, ${count("failed")} failed`
    );
  }
  for (const o of others.filter((o2) => o2.verdict === "unverified"))
    lines.push(`  NOT verified: ${o.id}: ${o.summary}`);
  for (const step of result2.steps ?? [])
    lines.push(`  ${step.name}: ${step.outcome}${step.reason ? ` (${step.reason})` : ""}`);
  for (const id of result2.pruned) lines.push(`  pruned: ${id}`);
  const phases = Object.entries(result2.durationsMs).map(
    ([phase2, ms]) => `${phase2} ${(ms / 1e3).toFixed(1)}s`
  );
  lines.push(`  took ${((result2.finishedAt - result2.startedAt) / 1e3).toFixed(1)}s (${phases.join(", ")})`);
  return lines;
}

// src/rollout/state.ts
import * as k8s15 from "@kubernetes/client-node";
async function readDeploymentState(kc, namespace, name) {
  const apps = kc.makeApiClient(k8s15.AppsV1Api);
  const core = kc.makeApiClient(k8s15.CoreV1Api);
  const [deployment, replicaSets, pods] = await Promise.all([
    apps.readNamespacedDeployment({ name, namespace }),
    apps.listNamespacedReplicaSet({ namespace }),
    core.listNamespacedPod({ namespace })
  ]).catch((error) => {
    throw describeKubernetesError(error, { verb: "get", resource: "deployments", namespace, name });
  });
  const now = Date.now();
  const state = judgeRollout(
    deployment,
    replicaSets.items,
    pods.items,
    { deployStartedAt: 0, maxRestarts: 3, unschedulableGraceMs: 6e4 },
    now
  );
  const current = newReplicaSetOf(deployment, replicaSets.items);
  const ready = pods.items.filter(
    (pod) => pod.metadata?.ownerReferences?.some((o) => o.uid === current?.metadata?.uid) && pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")
  );
  return {
    namespace,
    name,
    revision: revisionOf(deployment),
    images: (deployment.spec?.template.spec?.containers ?? []).map((c) => c.image ?? ""),
    runningImageIds: [
      ...new Set(ready.flatMap((pod) => (pod.status?.containerStatuses ?? []).map((c) => c.imageID)))
    ].filter((id) => id !== ""),
    state
  };
}

// src/sources/_kube-request.ts
async function kubeRequest(kc, method, path, options = {}) {
  const response = await sendKubernetesRequest(kc, method, path, {
    ...options.accept === void 0 ? {} : { accept: options.accept },
    ...options.body === void 0 ? {} : { body: JSON.stringify(options.body) },
    ...options.contentType === void 0 ? {} : { contentType: options.contentType }
  });
  return bodyOrThrow(response);
}

// src/sources/capabilities.ts
var AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
async function readClusterCapabilities(kc) {
  const [version, core, groups] = await Promise.all([
    get(kc, "/version", "application/json"),
    get(kc, "/api", AGGREGATED),
    get(kc, "/apis", AGGREGATED)
  ]);
  return {
    kubeVersion: version.gitVersion ?? "",
    apiVersions: [.../* @__PURE__ */ new Set([...apiVersionsOf(core), ...apiVersionsOf(groups)])].sort()
  };
}
function apiVersionsOf(list) {
  if (list.kind === "APIGroupDiscoveryList") {
    return (list.items ?? []).flatMap(
      (group) => (group.versions ?? []).flatMap((v) => {
        const groupVersion = group.metadata?.name ? `${group.metadata.name}/${v.version}` : v.version;
        const kinds = (v.resources ?? []).flatMap(
          (r) => r.responseKind?.kind ? [`${groupVersion}/${r.responseKind.kind}`] : []
        );
        return [groupVersion, ...kinds];
      })
    );
  }
  return [
    ...list.versions ?? [],
    ...(list.groups ?? []).flatMap((group) => (group.versions ?? []).map((v) => v.groupVersion))
  ];
}
async function get(kc, path, accept) {
  try {
    return await kubeRequest(kc, "GET", path, { accept });
  } catch (error) {
    throw describeKubernetesError(error, { verb: "get", resource: path });
  }
}

// src/sources/helm.ts
import { existsSync, statSync } from "fs";
import { join, resolve } from "path";
import { HOOK_ANNOTATION as HOOK_ANNOTATION2 } from "@kubeship/manifests";
import { stringify } from "yaml";

// src/sources/_rendered.ts
import { loadYaml } from "@kubeship/manifests";
function parseRendered(text, fallback) {
  const groups = /* @__PURE__ */ new Map();
  for (const document of text.split(/^---[ \t]*$/m)) {
    if (document.trim() === "") continue;
    const file = /^# Source: (.+)$/m.exec(document)?.[1]?.trim() ?? fallback;
    groups.set(file, [...groups.get(file) ?? [], document]);
  }
  return [...groups].map(([file, documents]) => ({
    file,
    objects: manifestCall(() => loadYaml(documents.join("\n---\n"), { file }))
  }));
}

// src/sources/_tool-process.ts
import { spawn } from "child_process";
var DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;
var STDERR_LINES_QUOTED = 20;
function runTool(run) {
  const limit = run.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const shown = `${run.command} ${run.args[0] ?? ""}`.trim();
  return new Promise((resolve3, reject) => {
    const child = spawn(run.command, run.args, {
      cwd: run.cwd,
      stdio: ["pipe", "pipe", "pipe"]
    });
    const stdout = [];
    const stderr = [];
    let bytes = 0;
    let stopped;
    const stop2 = (why) => {
      stopped ??= why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(
      () => stop2(`did not finish within ${run.timeoutMs / 1e3} s (killed)`),
      run.timeoutMs
    );
    const onAbort = () => stop2("was interrupted");
    run.signal?.addEventListener("abort", onAbort, { once: true });
    const collect = (into) => (chunk) => {
      bytes += chunk.length;
      if (bytes > limit) stop2(`printed more than ${Math.round(limit / 1024 / 1024)} MiB (killed)`);
      else into.push(chunk);
    };
    child.stdout.on("data", collect(stdout));
    child.stderr.on("data", collect(stderr));
    child.stdin.on("error", () => {
    });
    child.stdin.end(run.input ?? "");
    const finish = () => {
      clearTimeout(timer);
      run.signal?.removeEventListener("abort", onAbort);
    };
    child.on("error", (error) => {
      finish();
      reject(
        error.code === "ENOENT" ? new KubeshipError(
          "INVALID_INPUT",
          `${run.command} is not installed (not found${run.command.includes("/") ? "" : " on PATH"}): install ${run.install}, or set ${run.binaryKey} to its path`,
          { details: { tool: run.command, key: run.binaryKey, missing: true } }
        ) : new KubeshipError("INVALID_INPUT", `cannot run ${run.command}: ${error.message}`, {
          details: { tool: run.command, key: run.binaryKey }
        })
      );
    });
    child.on("close", (code) => {
      finish();
      const errorText = redact(Buffer.concat(stderr).toString("utf8"), run.redact ?? []);
      if (stopped || code !== 0) {
        const quoted = errorText.trim().split("\n").slice(-STDERR_LINES_QUOTED).join("\n");
        reject(
          new KubeshipError(
            stopped === "was interrupted" ? "INTERRUPTED" : "INVALID_INPUT",
            `${shown} ${stopped ?? `failed (exit ${code})`}${quoted ? `:
${indent(quoted)}` : ""}`,
            { details: { tool: run.command, exitCode: code, stderr: quoted } }
          )
        );
        return;
      }
      resolve3({ stdout: Buffer.concat(stdout).toString("utf8"), stderr: errorText });
    });
  });
}
function isMissingTool(error) {
  return isKubeshipError(error, "INVALID_INPUT") && error.details.missing === true;
}
function redact(text, secrets) {
  return secrets.filter((s) => s.length > 0).reduce((out, secret) => out.split(secret).join("[redacted]"), text);
}
function indent(text) {
  return text.split("\n").map((line) => `    ${line}`).join("\n");
}

// src/sources/helm.ts
var HELM_HOOK_ANNOTATION = "helm.sh/hook";
var DEFAULT_TIMEOUT_MS2 = 6e4;
var VALUES_KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
async function renderHelmChart(options) {
  checkFiles(options);
  const { values, parameters, secure } = await valuesFromSsm(options);
  const args = [
    "template",
    options.releaseName,
    options.chart,
    "--namespace",
    options.namespace,
    "--include-crds",
    ...(options.valuesFiles ?? []).flatMap((file) => ["--values", file]),
    ...values ? ["--values", "-"] : [],
    ...Object.entries(options.set ?? {}).flatMap(([key, value]) => [
      typeof value === "string" ? "--set-string" : "--set",
      `${key}=${typeof value === "string" ? escapeSetValue(value) : String(value)}`
    ]),
    ...options.capabilities ? [
      "--kube-version",
      options.capabilities.kubeVersion,
      ...options.capabilities.apiVersions.flatMap((v) => ["--api-versions", v])
    ] : []
  ];
  const { stdout } = await runTool({
    command: options.binary ?? "helm",
    args,
    install: "Helm 3 or 4",
    binaryKey: "templates.helm.binary",
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS2,
    redact: secure,
    ...values ? { input: stringify(values) } : {},
    ...options.signal ? { signal: options.signal } : {}
  });
  const { files, hooks, refused } = mapHooks(parseRendered(stdout, options.chart), options.hooks ?? "map");
  if (refused.length > 0) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `${options.chart}: the chart has Helm hooks kubeship cannot run as its own (only Jobs of pre-install,pre-upgrade or post-install,post-upgrade map onto its pre-deploy and post-deploy hooks):
${refused.map((h) => `  - ${h.kind} ${h.name} (${h.events.join(", ")}) in ${h.file}`).join("\n")}
set hooks: skip to deploy the chart without them (run what they do yourself)`,
      { details: { file: options.chart, hooks: refused } }
    );
  }
  refuseExposedSecrets(files, secure, parameters);
  const images = [...new Set(files.flatMap((f) => f.objects.flatMap((o) => imagesOf(o))))];
  if (options.expectImage && !images.includes(options.expectImage)) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `${options.chart}: no container of the rendered chart runs ${options.expectImage} (it runs ${images.join(", ") || "none"}): check the image values keys`,
      { details: { file: options.chart, image: options.expectImage, images } }
    );
  }
  return { files, hooks, parameters };
}
function checkFiles(options) {
  const problems = [];
  const chart = resolve(options.chart);
  if (!existsSync(chart)) problems.push(`the chart ${options.chart} does not exist`);
  else if (statSync(chart).isDirectory() && !existsSync(join(chart, "Chart.yaml")))
    problems.push(`${options.chart} is no Helm chart (it has no Chart.yaml)`);
  for (const file of options.valuesFiles ?? []) {
    if (!existsSync(file)) problems.push(`the values file ${file} does not exist`);
    else if (!statSync(file).isFile()) problems.push(`the values file ${file} is not a file`);
  }
  for (const key of Object.keys(options.setFromSsm ?? {})) {
    if (!VALUES_KEY.test(key))
      problems.push(`setFromSsm.${key}: a values key is a dotted path of names (letters, digits, _ and -)`);
  }
  if (problems.length > 0) {
    throw new KubeshipError("INVALID_INPUT", problems.join("; "), {
      details: { file: options.chart, problems }
    });
  }
}
async function valuesFromSsm(options) {
  const entries = Object.entries(options.setFromSsm ?? {});
  if (entries.length === 0) return { parameters: [], secure: [] };
  if (options.offline) {
    return { values: nest(entries.map(([key, name]) => [key, `ssm:${name}`])), parameters: [], secure: [] };
  }
  if (!options.ssm) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `setFromSsm reads SSM parameters (${entries.map(([, n]) => n).join(", ")}) but no SSM region is configured`
    );
  }
  const client = createSsmClient({
    region: options.ssm.region,
    ...options.ssm.credentials === void 0 ? {} : { credentials: options.ssm.credentials }
  });
  try {
    const names = [...new Set(entries.map(([, name]) => name))];
    const read = await readParameters(client, {
      paths: [],
      names,
      ...options.signal ? { signal: options.signal } : {}
    });
    const byName = new Map(read.byName.map((p) => [p.name, p]));
    const found = entries.map(([key, name]) => ({ key, parameter: byName.get(name), name }));
    return {
      values: nest(found.map(({ key, parameter }) => [key, parameter?.value.reveal() ?? ""])),
      parameters: found.map(({ key, name, parameter }) => ({
        key,
        parameter: name,
        type: parameter?.type ?? "String",
        version: parameter?.version ?? 0
      })),
      secure: found.flatMap(
        ({ parameter }) => parameter?.type === "SecureString" ? [parameter.value.reveal()] : []
      )
    };
  } finally {
    client.destroy();
  }
}
function nest(entries) {
  const root = {};
  for (const [key, value] of entries) {
    const path = key.split(".");
    let node = root;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== "object" || next === null) node[part] = {};
      node = node[part];
    }
    node[path[path.length - 1]] = value;
  }
  return root;
}
function escapeSetValue(value) {
  return value.replace(/\\/g, "\\\\").replace(/,/g, "\\,");
}
function isTestEvent(event) {
  return event === "test" || event === "test-success";
}
var PHASE_EVENTS = {
  "pre-deploy": ["pre-install", "pre-upgrade"],
  "post-deploy": ["post-install", "post-upgrade"]
};
function phaseOf(kind, events) {
  if (kind !== "Job") return void 0;
  const set = new Set(events);
  for (const [phase2, wanted] of Object.entries(PHASE_EVENTS))
    if (set.size === wanted.length && wanted.every((e) => set.has(e))) return phase2;
  return void 0;
}
function mapHooks(files, policy) {
  const hooks = [];
  const refused = [];
  const kept = files.map((file) => ({
    file: file.file,
    objects: file.objects.flatMap((object) => {
      const annotation = object.metadata.annotations?.[HELM_HOOK_ANNOTATION];
      if (annotation === void 0) return [object];
      const events = annotation.split(",").map((e) => e.trim()).filter(Boolean);
      const hook = { file: file.file, kind: object.kind, name: object.metadata.name, events };
      const phase2 = events.every(isTestEvent) || policy === "ignore" ? void 0 : phaseOf(object.kind, events);
      if (phase2) {
        hooks.push({ ...hook, phase: phase2 });
        const annotations = { ...object.metadata.annotations, [HOOK_ANNOTATION2]: phase2 };
        return [{ ...object, metadata: { ...object.metadata, annotations } }];
      }
      hooks.push(hook);
      if (policy === "map" && !events.every(isTestEvent)) refused.push(hook);
      return [];
    })
  }));
  return { files: kept.filter((f) => f.objects.length > 0), hooks, refused };
}
function refuseExposedSecrets(files, secure, parameters) {
  if (secure.length === 0) return;
  const exposed = files.flatMap(
    (file) => file.objects.filter((object) => object.kind !== "Secret").flatMap((object) => {
      const text = JSON.stringify(object);
      return secure.some((value) => value !== "" && text.includes(value)) ? [`${object.kind} ${object.metadata.name} (${file.file})`] : [];
    })
  );
  if (exposed.length === 0) return;
  const keys = parameters.filter((p) => p.type === "SecureString").map((p) => `setFromSsm.${p.key}`);
  throw new KubeshipError(
    "INVALID_INPUT",
    `the chart writes a SecureString value (${keys.join(", ")}) into ${exposed.join(", ")}, which is not a Secret: anyone who can read it would see the value; make the chart put it into a Secret`,
    { details: { objects: exposed, keys } }
  );
}

// src/sources/helm-adoption.ts
import * as k8s16 from "@kubernetes/client-node";
var HELM_MANAGERS = /* @__PURE__ */ new Set(["helm", "Helm"]);
var RELEASE_ANNOTATION = "meta.helm.sh/release-name";
var NAMESPACE_ANNOTATION = "meta.helm.sh/release-namespace";
async function adoptHelmRelease(kc, objects, release2) {
  const core = kc.makeApiClient(k8s16.CoreV1Api);
  const selector = `owner=helm,name=${release2.releaseName}`;
  const secrets = await core.listNamespacedSecret({ namespace: release2.namespace, labelSelector: selector }).catch((error) => {
    throw describeKubernetesError(error, {
      verb: "list",
      resource: "secrets",
      namespace: release2.namespace
    });
  });
  const releaseSecrets = secrets.items.map((s) => s.metadata?.name ?? "").sort();
  if (releaseSecrets.length === 0) return { adopted: [], releaseSecrets };
  const live2 = await readLive(kc, objects);
  const owned = objects.filter((object) => {
    const annotations = live2.get(objectId(object))?.metadata?.annotations ?? {};
    return annotations[RELEASE_ANNOTATION] === release2.releaseName && (annotations[NAMESPACE_ANNOTATION] ?? release2.namespace) === release2.namespace;
  });
  if (owned.length === 0) return { adopted: [], releaseSecrets };
  await dryRunAll(kc, objects, { force: true });
  const paths = k8s16.KubernetesObjectApi.makeApiClient(kc);
  const time = (release2.now?.() ?? /* @__PURE__ */ new Date()).toISOString().replace(/\.\d+Z$/, "Z");
  const adopted = [];
  for (const object of owned) {
    const current = live2.get(objectId(object));
    const managedFields = takeOverManagedFields(
      current?.metadata?.managedFields ?? [],
      object.apiVersion,
      time
    );
    if (!managedFields) continue;
    const target = { apiVersion: object.apiVersion, kind: object.kind, metadata: { ...object.metadata } };
    const patch = { metadata: { resourceVersion: current?.metadata?.resourceVersion, managedFields } };
    await paths.specUriPath(target, "patch").then(
      (path) => kubeRequest(kc, "PATCH", `${path}?fieldManager=${FIELD_MANAGER}`, {
        body: patch,
        contentType: "application/merge-patch+json"
      })
    ).catch((error) => {
      throw describeKubernetesError(error, {
        verb: "patch",
        resource: object.kind,
        name: object.metadata.name,
        ...current?.metadata?.namespace ? { namespace: current.metadata.namespace } : {}
      });
    });
    adopted.push(objectId(object));
  }
  return { adopted, releaseSecrets };
}
function takeOverManagedFields(entries, apiVersion, time) {
  const isHelm = (e) => HELM_MANAGERS.has(e.manager ?? "") && !e.subresource;
  const isOwnApply = (e) => e.manager === FIELD_MANAGER && e.operation === "Apply" && !e.subresource;
  const taken = entries.filter((e) => isHelm(e) || isOwnApply(e));
  if (!entries.some(isHelm)) return void 0;
  const fieldsV1 = taken.reduce((merged, e) => unionFields(merged, e.fieldsV1), {});
  return [
    ...entries.filter((e) => !isHelm(e) && !isOwnApply(e)),
    { manager: FIELD_MANAGER, operation: "Apply", apiVersion, time, fieldsType: "FieldsV1", fieldsV1 }
  ];
}
function unionFields(a, b) {
  if (!isRecord2(a)) return b ?? {};
  if (!isRecord2(b)) return a;
  const out = { ...a };
  for (const [key, value] of Object.entries(b)) out[key] = key in out ? unionFields(out[key], value) : value;
  return out;
}
function isRecord2(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// src/sources/kustomize.ts
import { existsSync as existsSync2, mkdtempSync, rmSync, statSync as statSync2, writeFileSync } from "fs";
import { tmpdir } from "os";
import { basename, join as join2, relative, resolve as resolve2 } from "path";
import { parseImageReference } from "@kubeship/manifests";
import { stringify as stringify2 } from "yaml";
var KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
var DEFAULT_TIMEOUT_MS3 = 6e4;
var INSTALL = "kustomize v5 (or kubectl, whose `kubectl kustomize` is used when kustomize is missing)";
async function renderKustomization(options) {
  const dir = resolve2(options.dir);
  if (!existsSync2(dir) || !statSync2(dir).isDirectory())
    throw new KubeshipError("INVALID_INPUT", `the Kustomize directory ${options.dir} does not exist`, {
      details: { file: options.dir }
    });
  if (!KUSTOMIZATION_FILES.some((name) => existsSync2(join2(dir, name))))
    throw new KubeshipError(
      "INVALID_INPUT",
      `${options.dir} has no kustomization.yaml (nor kustomization.yml, Kustomization)`,
      { details: { file: options.dir } }
    );
  const wrapper = options.image ? imageWrapper(dir, options.image) : void 0;
  try {
    const { stdout } = await build(wrapper?.dir ?? dir, options);
    const files = parseRendered(stdout, options.dir);
    const expected = wrapper?.image;
    if (options.image && !files.some((f) => f.objects.some((o) => imagesOf(o).includes(expected ?? "")))) {
      throw new KubeshipError(
        "INVALID_INPUT",
        `${options.dir}: no container of the overlay runs the image ${options.image.name}, so ${options.image.reference} would change nothing`,
        { details: { file: options.dir, image: options.image.name } }
      );
    }
    return files;
  } finally {
    if (wrapper) rmSync(wrapper.dir, { recursive: true, force: true });
  }
}
async function build(target, options) {
  const run = (command) => ({
    command,
    args: basename(command) === "kubectl" ? ["kustomize", target] : ["build", target],
    install: INSTALL,
    binaryKey: "templates.kustomize.binary",
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS3,
    ...options.signal ? { signal: options.signal } : {}
  });
  if (options.binary) return runTool(run(options.binary));
  try {
    return await runTool(run("kustomize"));
  } catch (error) {
    if (!isMissingTool(error)) throw error;
    return runTool(run("kubectl")).catch((fallback) => {
      throw isMissingTool(fallback) ? new KubeshipError(
        "INVALID_INPUT",
        `neither kustomize nor kubectl is installed (not found on PATH): install ${INSTALL}, or set templates.kustomize.binary to its path`,
        { details: { key: "templates.kustomize.binary" } }
      ) : fallback;
    });
  }
}
function imageWrapper(dir, image) {
  const wrapper = mkdtempSync(join2(tmpdir(), "kubeship-kustomize-"));
  const reference = parseImageReference(image.reference);
  const newName = reference.registry ? `${reference.registry}/${reference.repository}` : reference.repository;
  writeFileSync(
    join2(wrapper, "kustomization.yaml"),
    stringify2({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: [relative(wrapper, dir)],
      images: [
        {
          name: image.name,
          newName,
          ...reference.digest ? { digest: reference.digest } : { newTag: reference.tag ?? "latest" }
        }
      ]
    })
  );
  return {
    dir: wrapper,
    image: reference.digest ? `${newName}@${reference.digest}` : `${newName}:${reference.tag ?? "latest"}`
  };
}
export {
  ALB_ACTIONS_PREFIX,
  AWS_REQUEST_DEFAULTS,
  CONFIG_CHECKSUM_ANNOTATION,
  DEFAULT_ENVIRONMENT_TIMEOUT_SECONDS,
  FIELD_MANAGER,
  KUBERNETES_REQUEST_DEFAULTS,
  KubeshipError,
  MAX_CONFIG_DATA_BYTES,
  MAX_OBJECT_BYTES,
  REVISION_ANNOTATION,
  TOKEN_LIFETIME_MS,
  TRACK_LABEL,
  acquireDeployLease,
  adoptHelmRelease,
  assertWithinApiLimits,
  bakeWithAlarms,
  boundKubernetesRequests,
  canaryDeployment,
  canaryPreset,
  canaryReplicas,
  canaryService,
  checkAlarmsBeforeDeploy,
  checkCanarySteps,
  collectEvidence,
  compareReleases,
  configObjectNames,
  connectToEks,
  connectWithKubeconfig,
  createCloudWatchClient,
  createSsmClient,
  defaultRoleSessionName,
  deployObjects,
  describeChange,
  describeKubernetesError,
  diffReleases,
  eksTokenFor,
  elapsed,
  endBlueGreen,
  firingAlarms,
  formatEvent,
  formatResult,
  greenDeployment,
  hookJob,
  isKubeshipError,
  judgePod,
  judgeRollout,
  leaseWaitLine,
  leftBehind,
  mintEksToken,
  missingNamespaces,
  newReplicaSetOf,
  objectId,
  planChanges,
  planEnvironment,
  prepareRelease,
  previousTemplate,
  progressLine,
  promotionImage,
  readAlarms,
  readClusterCapabilities,
  readDeploymentState,
  readHistory,
  readLive,
  readRecord,
  renderHelmChart,
  renderKustomization,
  resolveConfig,
  revisionOf,
  rollBack,
  rollbackRelease,
  rolloutOptionsOf,
  runBlueGreen,
  splitHooks,
  stillWaitingLine,
  switchedService,
  systemClock,
  takeOverManagedFields,
  targetId,
  trackRollouts,
  weightedActionName,
  weightedIngress
};
//# sourceMappingURL=index.js.map