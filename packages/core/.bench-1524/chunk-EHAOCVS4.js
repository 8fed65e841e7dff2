import {
  SecretValue,
  awsClientSettings,
  lastNetworkCause,
  networkCause,
  recordEndpoint
} from "./chunk-2HB6GEQ7.js";
import {
  KubeshipError
} from "./chunk-F3EYZL4G.js";

// src/apply/plan.ts
var REDACTED = "[redacted]";
var SECRET_FIELDS = /* @__PURE__ */ new Set(["data", "stringData"]);
function objectId(object) {
  const { namespace, name } = object.metadata;
  return namespace ? `${object.kind} ${namespace}/${name}` : `${object.kind} ${name}`;
}
function planChanges(desired, live) {
  return desired.map((object) => {
    const id = objectId(object);
    const current = live.get(id);
    const redact = object.kind === "Secret";
    if (current === void 0) return { action: "create", object, id, changes: [] };
    const changes = [];
    diffInto(changes, "", object, current, redact);
    const action = changes.length === 0 ? "unchanged" : changes.some((c) => replacedFor(object, c.path)) ? "replace" : "update";
    return { action, object, id, changes };
  });
}
function replacedFor(object, field) {
  return object.kind === "Job" && object.apiVersion.startsWith("batch/") && /^spec\.template(\.|\[|$)/.test(field);
}
function diffInto(changes, path, want, have, redact) {
  if (isRecord(want) && isRecord(have)) {
    for (const [field, value] of Object.entries(want)) {
      if (path === "metadata" && (field === "resourceVersion" || field === "managedFields")) continue;
      diffInto(changes, join(path, field), value, have[field], redact);
    }
    return;
  }
  if (Array.isArray(want) && Array.isArray(have) && want.every(hasName) && have.every(hasName)) {
    for (const item of want) {
      const match = have.find((candidate) => candidate.name === item.name);
      diffInto(changes, `${path}[${item.name}]`, item, match, redact);
    }
    return;
  }
  if (Array.isArray(want) && Array.isArray(have) && want.length === have.length) {
    want.forEach((item, i) => {
      diffInto(changes, `${path}[${i}]`, item, have[i], redact);
    });
    return;
  }
  if (have === void 0 && isZeroValue(want)) return;
  if (!equalValues(want, have)) {
    const secretLeaf = redact && SECRET_FIELDS.has(path.split(".")[0] ?? "");
    changes.push(
      secretLeaf ? { path, ...have === void 0 ? {} : { from: REDACTED }, to: REDACTED } : { path, ...have === void 0 ? {} : { from: have }, to: want }
    );
  }
}
function equalValues(want, have) {
  if (want === have) return true;
  if ((typeof want === "number" || typeof want === "string") && (typeof have === "number" || typeof have === "string")) {
    return String(want) === String(have);
  }
  return JSON.stringify(want) === JSON.stringify(have);
}
function isZeroValue(value) {
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) return Object.keys(value).length === 0;
  return value === 0 || value === false || value === "";
}
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function hasName(value) {
  return isRecord(value) && typeof value.name === "string";
}
function join(path, field) {
  return path === "" ? field : `${path}.${field}`;
}
function describeChange(change) {
  const show = (value) => value === void 0 ? "(unset)" : JSON.stringify(value);
  return `${change.path}: ${show(change.from)} -> ${show(change.to)}`;
}

// src/apply/limits.ts
var MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
var MAX_CONFIG_DATA_BYTES = 1024 * 1024;
function assertWithinApiLimits(objects) {
  const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  const problems = objects.flatMap((object) => {
    const bytes = Buffer.byteLength(JSON.stringify(object), "utf8");
    if (bytes > MAX_OBJECT_BYTES)
      return [
        `${objectId(object)} is ${mib(bytes)}; the API server stores at most ${mib(MAX_OBJECT_BYTES)} per object`
      ];
    if (object.kind !== "ConfigMap" && object.kind !== "Secret") return [];
    const { data, binaryData, stringData } = object;
    const dataBytes = [data, binaryData, stringData].reduce(
      (sum, part) => sum + Object.entries(part ?? {}).reduce(
        (n, [key, value]) => n + key.length + (typeof value === "string" ? Buffer.byteLength(value) : 0),
        0
      ),
      0
    );
    return dataBytes > MAX_CONFIG_DATA_BYTES ? [
      `${objectId(object)} holds ${mib(dataBytes)} of data; a ${object.kind} may hold at most ${mib(MAX_CONFIG_DATA_BYTES)}`
    ] : [];
  });
  if (problems.length > 0)
    throw new KubeshipError(
      "INVALID_INPUT",
      `objects too large for the Kubernetes API; nothing was sent:
  - ${problems.join("\n  - ")}`,
      {
        details: { problems }
      }
    );
}

// src/config/_checksum.ts
import { createHash } from "crypto";
var CONFIG_CHECKSUM_ANNOTATION = "kubeship.dev/config-checksum";
function configChecksum(entries) {
  const rows = [...new Set(entries.map((e) => JSON.stringify([e.name, e.type, String(e.version)])))].sort();
  return createHash("sha256").update(`kubeship-config-v1
${rows.join("\n")}`).digest("hex");
}

// src/config/_build.ts
import { inspect } from "util";

// src/config/_names.ts
var SECRETS_MANAGER_PREFIX = "/aws/reference/secretsmanager/";
var ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
var DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
var DATA_KEY_MAX = 253;
function isSecretsManagerReference(name) {
  return name.startsWith(SECRETS_MANAGER_PREFIX);
}
function splitSelector(requested) {
  const fixed = requested.startsWith("arn:") ? 6 : 1;
  const parts = requested.split(":");
  if (parts.length <= fixed) return { base: requested, selector: void 0 };
  return { base: parts.slice(0, fixed).join(":"), selector: `:${parts.slice(fixed).join(":")}` };
}
function normalizePath(path) {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}
function tryEnvNameFor(parameterName, basePath) {
  const base = normalizePath(basePath);
  const prefix = base === "/" ? "/" : `${base}/`;
  if (!parameterName.startsWith(prefix) || parameterName.length === prefix.length) {
    return { problem: `SSM parameter ${parameterName} is not under the path ${base}` };
  }
  const relative = parameterName.slice(prefix.length);
  const envName = relative.split("/").filter((segment) => segment !== "").join("_").toUpperCase().replace(/[-.]/g, "_");
  if (!ENV_NAME.test(envName)) {
    return {
      problem: `SSM parameter ${parameterName} maps to "${envName}", which is not a valid environment variable name ([A-Z_][A-Z0-9_]*): rename the parameter`
    };
  }
  return envName;
}
function explicitKeyFor(requested) {
  const rooted = requested.startsWith("/") ? requested : `/${requested}`;
  const key = `ssm${rooted.replaceAll("/", ".").replace(/[^-._a-zA-Z0-9]/g, "_")}`;
  if (key.length > DATA_KEY_MAX) {
    return { problem: `SSM parameter name ${requested} is too long to be a ConfigMap/Secret key` };
  }
  return key;
}
function validateRequest(request) {
  const problems = [];
  if (!DNS_LABEL.test(request.app) || request.app.length > 63) {
    problems.push(`app "${request.app}" must be a DNS label (lowercase letters, digits, "-"; at most 63)`);
  }
  if (!DNS_LABEL.test(request.namespace) || request.namespace.length > 63) {
    problems.push(`namespace "${request.namespace}" must be a DNS label`);
  }
  const paths = [...new Set(request.paths.map(normalizePath))];
  for (const path of paths) {
    if (!path.startsWith("/")) problems.push(`SSM path "${path}" must start with "/"`);
    else if (isSecretsManagerReference(`${path}/`)) {
      problems.push(
        `SSM path ${path} is a Secrets Manager reference, which cannot be read by path: name each secret`
      );
    }
  }
  for (const a of paths) {
    for (const b of paths) {
      if (a !== b && (a === "/" || b.startsWith(`${a}/`))) {
        problems.push(`SSM paths ${a} and ${b} overlap: a parameter would be read twice under two names`);
      }
    }
  }
  const names = [...new Set(request.names)];
  for (const name of names) {
    if (name.trim() === "" || name !== name.trim())
      problems.push(`SSM parameter name "${name}" is not valid`);
  }
  if (problems.length > 0) {
    throw new KubeshipError("INVALID_INPUT", `Invalid configuration request:
- ${problems.join("\n- ")}`, {
      details: { problems }
    });
  }
  return { paths, names };
}

// src/config/_build.ts
function configObjectNames(app) {
  return { configMap: `${app}-config`, secret: `${app}-secrets` };
}
var byName = (a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
function mapEntries(read) {
  const entries = [];
  const invalid = [];
  const claims = /* @__PURE__ */ new Map();
  const claim = (key, name) => claims.set(key, [...claims.get(key) ?? [], name]);
  for (const { path, parameters } of read.byPath) {
    for (const parameter of [...parameters].sort(byName)) {
      const envName = tryEnvNameFor(parameter.name, path);
      if (typeof envName !== "string") invalid.push(envName.problem);
      else {
        claim(envName, parameter.name);
        entries.push({ parameter, key: envName, envName });
      }
    }
  }
  const fromPaths = new Map(entries.map((entry) => [entry.parameter.name, entry]));
  const aliases = /* @__PURE__ */ new Map();
  for (const parameter of [...read.byName].sort(byName)) {
    const same = fromPaths.get(parameter.name);
    if (same) {
      aliases.set(parameter.name, same);
      continue;
    }
    const key = explicitKeyFor(parameter.name);
    if (typeof key !== "string") invalid.push(key.problem);
    else {
      claim(key, parameter.name);
      entries.push({ parameter, key });
    }
  }
  if (invalid.length > 0) {
    throw new KubeshipError("INVALID_INPUT", `Invalid SSM parameter names:
- ${invalid.join("\n- ")}`, {
      details: { problems: invalid }
    });
  }
  const collisions = [...claims].filter(([, names]) => names.length > 1).sort(([a], [b]) => a < b ? -1 : 1);
  if (collisions.length > 0) {
    const lines = collisions.map(([key, names]) => `${names.join(" and ")} all map to ${key}`);
    throw new KubeshipError(
      "CONFIG_COLLISION",
      `SSM parameters collide (rename one of each group):
- ${lines.join("\n- ")}`,
      { details: { collisions: collisions.map(([key, parameters]) => ({ key, parameters })) } }
    );
  }
  return { entries, aliases };
}
function redactedInInspect(object) {
  Object.defineProperty(object, inspect.custom, {
    enumerable: false,
    value: (_depth, options, nested) => nested(
      { ...object, data: Object.fromEntries(Object.keys(object.data).map((key) => [key, "[redacted]"])) },
      options
    )
  });
  return object;
}
function buildConfig(read, options) {
  const { entries, aliases } = mapEntries(read);
  const names = configObjectNames(options.app);
  const metadata = (name) => ({
    name,
    namespace: options.namespace,
    labels: { "app.kubernetes.io/managed-by": "kubeship", "app.kubernetes.io/name": options.app }
  });
  const bindingOf = (entry) => entry.parameter.type === "SecureString" ? { kind: "Secret", name: names.secret, key: entry.key } : { kind: "ConfigMap", name: names.configMap, key: entry.key };
  const sorted = [...entries].sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const plain = sorted.filter((e) => e.parameter.type !== "SecureString");
  const secure = sorted.filter((e) => e.parameter.type === "SecureString");
  const configMap = plain.length === 0 ? void 0 : redactedInInspect({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: metadata(names.configMap),
    data: Object.fromEntries(plain.map((e) => [e.key, e.parameter.value.reveal()]))
  });
  const secret = secure.length === 0 ? void 0 : redactedInInspect({
    apiVersion: "v1",
    kind: "Secret",
    metadata: metadata(names.secret),
    type: "Opaque",
    data: Object.fromEntries(
      secure.map((e) => [e.key, Buffer.from(e.parameter.value.reveal(), "utf8").toString("base64")])
    )
  });
  const bindings = /* @__PURE__ */ new Map();
  for (const entry of entries) bindings.set(entry.parameter.name, bindingOf(entry));
  for (const [name, entry] of aliases) bindings.set(name, bindingOf(entry));
  const env = sorted.flatMap((entry) => {
    if (entry.envName === void 0) return [];
    const ref = { name: bindingOf(entry).name, key: entry.key };
    return [
      {
        name: entry.envName,
        valueFrom: entry.parameter.type === "SecureString" ? { secretKeyRef: ref } : { configMapKeyRef: ref }
      }
    ];
  });
  env.sort(byName);
  const parameters = entries.map((entry) => ({
    name: entry.parameter.name,
    type: entry.parameter.type,
    version: entry.parameter.version,
    ...entry.envName === void 0 ? {} : { envName: entry.envName },
    binding: bindingOf(entry)
  })).sort(byName);
  const checksum = configChecksum(
    entries.map((e) => ({ name: e.parameter.name, type: e.parameter.type, version: e.parameter.revision }))
  );
  return {
    ...configMap ? { configMap } : {},
    ...secret ? { secret } : {},
    objects: [configMap, secret].filter((o) => o !== void 0),
    env,
    parameters,
    checksum,
    podTemplateAnnotations: { [CONFIG_CHECKSUM_ANNOTATION]: checksum },
    bindingFor(parameterName) {
      const binding = bindings.get(parameterName);
      if (binding) return binding;
      throw new KubeshipError(
        "INVALID_INPUT",
        `SSM parameter ${parameterName} was not resolved: list it in the names (or paths) to read`,
        { details: { parameter: parameterName } }
      );
    }
  };
}

// src/config/_client.ts
import { SSMClient } from "@aws-sdk/client-ssm";
var SSM_MAX_ATTEMPTS = 8;
function createSsmClient(options) {
  return new SSMClient({
    region: options.region,
    retryMode: "adaptive",
    requestHandler: awsClientSettings(options.limits).requestHandler,
    maxAttempts: options.maxAttempts ?? SSM_MAX_ATTEMPTS,
    ...options.credentials === void 0 ? {} : { credentials: options.credentials },
    ...options.endpoint === void 0 ? {} : { endpoint: options.endpoint }
  });
}

// src/config/_read.ts
import {
  GetParametersByPathCommand,
  GetParametersCommand
} from "@aws-sdk/client-ssm";
var DEFAULT_MAX_CONCURRENCY = 4;
var NAMES_PER_CALL = 10;
var PAGE_SIZE = 10;
var MAX_PAGES = 1e4;
var TYPES = /* @__PURE__ */ new Set(["String", "StringList", "SecureString"]);
var CREDENTIAL_ERRORS = /* @__PURE__ */ new Set([
  "CredentialsProviderError",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "InvalidClientTokenId",
  "MissingAuthenticationToken",
  "ExpiredToken",
  "ExpiredTokenException"
]);
function concurrencyLimit(max) {
  let active = 0;
  const waiting = [];
  return async (task) => {
    if (active >= max) await new Promise((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
function errorName(error) {
  return error instanceof Error ? error.name : typeof error;
}
function classify(error) {
  const name = errorName(error);
  if (name === "AbortError") return "aborted";
  if (name === "AccessDeniedException") return "access-denied";
  if (name === "InvalidKeyId" || name.startsWith("KMS")) return "kms";
  if (name === "ValidationException" || name === "ParameterNotFound" || name === "ParameterVersionNotFound") {
    return "rejected";
  }
  if (CREDENTIAL_ERRORS.has(name)) return "credentials";
  return "other";
}
function describe(error) {
  const name = errorName(error);
  const isServiceError = typeof error === "object" && error !== null && "$fault" in error;
  return isServiceError && error instanceof Error && error.message ? `${name}: ${error.message}` : name;
}
function revisionOf(parameter, requested) {
  if (isSecretsManagerReference(requested) && parameter.SourceResult) {
    try {
      const source = JSON.parse(parameter.SourceResult);
      if (typeof source.VersionId === "string") return `secretsmanager:${source.VersionId}`;
      const current = Object.entries(source.VersionIdsToStages ?? {}).find(
        ([, stages]) => Array.isArray(stages) && stages.includes("AWSCURRENT")
      );
      if (current) return `secretsmanager:${current[0]}`;
    } catch {
    }
  }
  if (isSecretsManagerReference(requested) && parameter.LastModifiedDate) {
    return `modified:${parameter.LastModifiedDate.toISOString()}`;
  }
  return String(parameter.Version ?? 0);
}
function toValue(parameter, name) {
  const type = parameter.Type ?? "";
  if (!TYPES.has(type)) {
    throw new KubeshipError("API_ERROR", `SSM returned parameter ${name} with unexpected type "${type}"`, {
      details: { parameter: name, type }
    });
  }
  return {
    name,
    type,
    version: parameter.Version ?? 0,
    revision: revisionOf(parameter, name),
    value: new SecretValue(parameter.Value ?? "")
  };
}
function answers(requested, parameter) {
  const { base, selector } = splitSelector(requested);
  if (selector !== void 0) {
    if (parameter.Selector !== void 0 && parameter.Selector !== selector) return false;
    if (parameter.Selector === void 0 && /^:\d+$/.test(selector)) {
      if (parameter.Version !== Number(selector.slice(1))) return false;
    }
  }
  if (parameter.Name === base || parameter.ARN === base) return true;
  if (isSecretsManagerReference(base) && parameter.Name === base.slice(SECRETS_MANAGER_PREFIX.length)) {
    return true;
  }
  if (base.startsWith("arn:")) {
    const path = (base.split(":")[5] ?? "").replace(/^parameter/, "");
    return parameter.Name === path || parameter.Name === path.slice(1);
  }
  return false;
}
async function readParameters(client, request) {
  const limit = concurrencyLimit(request.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
  const signal = request.signal;
  const endpoint = recordEndpoint(client, "the SSM endpoint");
  const problems = [];
  const failures = [];
  const call = (send) => limit(async () => {
    signal?.throwIfAborted();
    return send(signal ? { abortSignal: signal } : {});
  });
  const attributable = (kind) => kind === "access-denied" || kind === "kms" || kind === "rejected";
  const problemFor = (name, kind, error) => {
    const errorKind = classify(error);
    const reason = errorKind === "access-denied" || errorKind === "kms" ? errorKind : /^Parameter(Version)?NotFound$/.test(errorName(error)) ? "not-found" : "rejected";
    return { name, kind, reason, detail: describe(error) };
  };
  async function readPath(path) {
    const found = [];
    try {
      let token;
      for (let page = 1; ; page++) {
        const input = {
          Path: path,
          Recursive: true,
          WithDecryption: true,
          MaxResults: PAGE_SIZE,
          ...token === void 0 ? {} : { NextToken: token }
        };
        const output = await call((options) => client.send(new GetParametersByPathCommand(input), options));
        for (const parameter of output.Parameters ?? []) {
          if (!parameter.Name) throw new KubeshipError("API_ERROR", `SSM returned a nameless parameter`);
          found.push(toValue(parameter, parameter.Name));
        }
        const next = output.NextToken || void 0;
        if (next === void 0) break;
        if (next === token || page >= MAX_PAGES) {
          throw new KubeshipError("API_ERROR", `SSM kept paging without end reading the path ${path}`, {
            details: { path }
          });
        }
        token = next;
      }
      if (found.length === 0) problems.push({ name: path, kind: "path", reason: "empty-path" });
    } catch (error) {
      if (attributable(classify(error))) problems.push(problemFor(path, "path", error));
      else failures.push({ error, what: `path ${path}`, operation: "GetParametersByPath" });
    }
    return { path, parameters: found };
  }
  const byName2 = /* @__PURE__ */ new Map();
  async function readNames(names) {
    try {
      const input = { Names: [...names], WithDecryption: true };
      const output = await call((options) => client.send(new GetParametersCommand(input), options));
      const invalid = new Set(output.InvalidParameters ?? []);
      const returned = output.Parameters ?? [];
      for (const name of names) {
        const parameter = invalid.has(name) ? void 0 : returned.find((p) => answers(name, p));
        if (parameter) byName2.set(name, toValue(parameter, name));
        else problems.push({ name, kind: "parameter", reason: "not-found" });
      }
    } catch (error) {
      const kind = classify(error);
      if (attributable(kind) && names.length > 1) {
        await Promise.all(names.map((name) => readNames([name])));
      } else if (attributable(kind)) {
        problems.push(problemFor(names[0] ?? "", "parameter", error));
      } else {
        failures.push({ error, what: `parameters ${names.join(", ")}`, operation: "GetParameters" });
      }
    }
  }
  const chunks = [];
  for (let i = 0; i < request.names.length; i += NAMES_PER_CALL) {
    chunks.push(request.names.slice(i, i + NAMES_PER_CALL));
  }
  const [byPath] = await Promise.all([
    Promise.all(request.paths.map(readPath)),
    Promise.all(chunks.map(readNames))
  ]);
  const failure = failures[0];
  if (failure) throw fatalError(failure, endpoint(), signal, lastNetworkCause(client));
  if (problems.length > 0) throw problemsError(problems);
  return {
    byPath,
    byName: request.names.flatMap((name) => {
      const value = byName2.get(name);
      return value ? [value] : [];
    })
  };
}
function fatalError(failure, endpoint, signal, lastCause) {
  const { error, what, operation } = failure;
  if (error instanceof KubeshipError) return error;
  const call = `SSM ${operation} (${what}) at ${endpoint}`;
  const details = { service: "SSM", operation, endpoint, awsError: errorName(error) };
  const deadline = signal?.aborted ? signal.reason : void 0;
  if (deadline?.name === "TimeoutError") {
    const last = lastCause ? `; the last attempt: ${lastCause}` : "";
    return new KubeshipError("AWS_UNREACHABLE", `${call} failed: ${String(deadline.message)}${last}`, {
      details
    });
  }
  const kind = classify(error);
  if (kind === "aborted" || signal?.aborted) {
    return new KubeshipError("INTERRUPTED", `Reading SSM ${what} was interrupted`);
  }
  const description = describe(error);
  if (errorName(error) === "CredentialsProviderError") {
    return new KubeshipError(
      "AWS_CREDENTIALS",
      `no AWS credentials were found to read SSM ${what} (looked in the environment, profiles, web identity, container and instance role)`,
      { details }
    );
  }
  if (kind === "credentials") {
    return new KubeshipError("AWS_CREDENTIALS", `AWS refused the credentials for ${call} (${description})`, {
      details
    });
  }
  const unreachable = networkCause(error);
  return new KubeshipError(
    unreachable ? "AWS_UNREACHABLE" : "API_ERROR",
    `${call} failed: ${unreachable ?? description}`,
    {
      details
    }
  );
}
var REASONS = {
  "not-found": "not found",
  "empty-path": "no parameters under this path",
  "access-denied": "access denied",
  kms: "could not be decrypted (KMS)",
  rejected: "rejected by SSM"
};
function problemsError(problems) {
  const sorted = [...problems].sort(
    (a, b) => a.kind.localeCompare(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
  const lines = sorted.map(
    (p) => `${p.kind} ${p.name}: ${REASONS[p.reason]}${p.detail === void 0 ? "" : ` (${p.detail})`}`
  );
  const denied = sorted.every((p) => p.reason === "access-denied");
  const message = denied ? `Access to ${sorted.length} SSM parameter(s) or path(s) was denied:
- ${lines.join("\n- ")}` : `${sorted.length} SSM parameter(s) or path(s) are missing or unreadable:
- ${lines.join("\n- ")}`;
  return new KubeshipError(denied ? "AWS_CREDENTIALS" : "SSM_PARAMETERS_MISSING", message, {
    details: { problems: sorted }
  });
}

// src/config/resolve.ts
async function resolveConfig(options) {
  const { paths, names } = validateRequest({
    paths: options.paths ?? [],
    names: options.names ?? [],
    app: options.app,
    namespace: options.namespace
  });
  const target = { app: options.app, namespace: options.namespace };
  if (paths.length === 0 && names.length === 0) return buildConfig({ byPath: [], byName: [] }, target);
  const client = options.ssmClient ?? createSsmClient({
    region: options.region,
    ...options.credentials === void 0 ? {} : { credentials: options.credentials }
  });
  try {
    const read = await readParameters(client, {
      paths,
      names,
      ...options.maxConcurrency === void 0 ? {} : { maxConcurrency: options.maxConcurrency },
      ...options.signal === void 0 ? {} : { signal: options.signal }
    });
    return buildConfig(read, target);
  } finally {
    if (!options.ssmClient) client.destroy();
  }
}

// src/deploy/release.ts
import {
  loadYaml,
  ManifestError,
  render,
  replaceImage,
  ssmReferences,
  validateApp
} from "@kubeship/manifests";
var CLUSTER_SCOPED = /* @__PURE__ */ new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "StorageClass",
  "PersistentVolume",
  "IngressClass",
  "PriorityClass",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration"
]);
var FIRST_KINDS = /* @__PURE__ */ new Set(["Namespace", "ServiceAccount"]);
async function prepareRelease(options) {
  const { namespace } = options;
  const { source } = options;
  const spec = "app" in source ? source.app : void 0;
  const file = "app" in source ? source.file : void 0;
  const app = spec ? manifestCall(() => validateApp(spec, file)).name : source.name;
  const names = [...spec ? manifestCall(() => ssmReferences(spec)) : [], ...options.ssm?.names ?? []];
  const paths = options.ssm?.paths ?? [];
  if (!options.ssm && !options.offline && names.length > 0) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `the app reads SSM parameters (${names.join(", ")}) but no SSM region is configured`
    );
  }
  const config = options.offline ? placeholderConfig(app) : options.ssm && (names.length > 0 || paths.length > 0) ? await resolveConfig({
    app,
    namespace,
    region: options.ssm.region,
    paths: [...paths],
    names: [...new Set(names)],
    ...options.ssm.credentials ? { credentials: options.ssm.credentials } : {},
    ...options.signal ? { signal: options.signal } : {}
  }) : void 0;
  const rendered = "app" in source ? renderApp(source.app, options, config) : templateObjects(source, options, config);
  const configObjects = config?.objects ?? [];
  const head = rendered.filter((o) => FIRST_KINDS.has(o.kind));
  const tail = rendered.filter((o) => !FIRST_KINDS.has(o.kind));
  return {
    app,
    namespace,
    objects: [...head, ...configObjects, ...tail],
    parameters: config?.parameters ?? [],
    ...config?.checksum ? { configChecksum: config.checksum } : {}
  };
}
function renderApp(spec, options, config) {
  const pathEnv = Object.fromEntries(
    (config?.env ?? []).map((variable) => [variable.name, variable.valueFrom])
  );
  const withEnvironment = {
    ...spec,
    namespace: options.namespace,
    ...options.replicas === void 0 ? {} : { replicas: options.replicas },
    env: { ...pathEnv, ...spec.env }
  };
  return manifestCall(
    () => render(withEnvironment, {
      ...config ? { ssmBinding: config.bindingFor, podTemplateAnnotations: config.podTemplateAnnotations } : {},
      ...options.image ? { image: options.image } : {}
    })
  );
}
function templateObjects(source, options, config) {
  let objects = "rendered" in source ? source.rendered.flatMap((file) => file.objects) : source.templates.flatMap(
    (template) => manifestCall(
      () => loadYaml(template.text, { file: template.file, variables: source.variables ?? {} })
    )
  );
  if (options.image) {
    if (!source.imageRepository) {
      throw new KubeshipError(
        "INVALID_INPUT",
        "an image was given but no imageRepository says which containers of the templates get it"
      );
    }
    const replaced = replaceImage(objects, source.imageRepository, options.image);
    if (replaced.replaced === 0) {
      throw new KubeshipError(
        "INVALID_INPUT",
        `no container in the templates runs ${source.imageRepository}, so ${options.image} would change nothing`
      );
    }
    objects = replaced.objects;
  }
  return objects.map((object) => {
    const namespaced = CLUSTER_SCOPED.has(object.kind) ? object : {
      ...object,
      metadata: { ...object.metadata, namespace: object.metadata.namespace ?? options.namespace }
    };
    return withPodTemplateAnnotations(
      namespaced,
      config?.podTemplateAnnotations ?? {},
      options.replicas
    );
  });
}
function withPodTemplateAnnotations(object, annotations, replicas) {
  if (object.kind !== "Deployment") return object;
  const spec = object.spec ?? {};
  const template = spec.template ?? {};
  return {
    ...object,
    spec: {
      ...spec,
      ...replicas === void 0 ? {} : { replicas },
      template: {
        ...template,
        metadata: {
          ...template.metadata,
          annotations: { ...template.metadata?.annotations, ...annotations }
        }
      }
    }
  };
}
function placeholderConfig(app) {
  const secret = configObjectNames(app).secret;
  return {
    objects: [],
    env: [],
    parameters: [],
    checksum: "",
    podTemplateAnnotations: {},
    bindingFor: (name) => {
      const key = explicitKeyFor(name);
      if (typeof key !== "string")
        throw new KubeshipError("INVALID_INPUT", key.problem, { details: { parameter: name } });
      return { kind: "Secret", name: secret, key };
    }
  };
}
function manifestCall(call) {
  try {
    return call();
  } catch (error) {
    if (error instanceof ManifestError) {
      throw new KubeshipError("INVALID_MANIFEST", error.message, {
        details: {
          manifestCode: error.code,
          issues: error.issues,
          ...error.file ? { file: error.file } : {}
        },
        cause: error
      });
    }
    throw error;
  }
}

export {
  objectId,
  planChanges,
  describeChange,
  MAX_OBJECT_BYTES,
  MAX_CONFIG_DATA_BYTES,
  assertWithinApiLimits,
  CONFIG_CHECKSUM_ANNOTATION,
  configObjectNames,
  createSsmClient,
  readParameters,
  resolveConfig,
  prepareRelease,
  manifestCall
};
//# sourceMappingURL=chunk-EHAOCVS4.js.map