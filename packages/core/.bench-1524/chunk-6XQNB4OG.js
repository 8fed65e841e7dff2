import {
  SecretValue,
  awsClientSettings,
  networkCause,
  recordEndpoint
} from "./chunk-2HB6GEQ7.js";
import {
  KubeshipError,
  isKubeshipError
} from "./chunk-F3EYZL4G.js";

// src/auth/_connection.ts
import { existsSync } from "fs";
import { homedir } from "os";
import { delimiter, join } from "path";
import { inspect } from "util";

// src/auth/_kubernetes-requests.ts
import { createHash } from "crypto";
var KUBERNETES_REQUEST_DEFAULTS = {
  requestTimeoutMs: 3e4,
  streamIdleMs: 3e5
};
function undiciCause(error, limits) {
  const message = typeof error.message === "string" ? error.message : "";
  switch (error.code) {
    case "UND_ERR_HEADERS_TIMEOUT":
      return `no answer within ${limits.requestTimeoutMs / 1e3} s (timeout)`;
    case "UND_ERR_BODY_TIMEOUT":
      return `the answer stalled for ${limits.requestTimeoutMs / 1e3} s (timeout)`;
    case "UND_ERR_CONNECT_TIMEOUT":
      return `could not connect (timeout: ${message})`;
    case "UND_ERR_SOCKET":
    case "UND_ERR_CLOSED":
      return `the connection was closed (${message || error.code})`;
    default:
      return void 0;
  }
}
var TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;
function unreachableError(error, request, limits) {
  if (typeof error !== "object" || error === null) return void 0;
  const shape = error;
  if (shape.name === "AbortError" || shape.code === "UND_ERR_ABORTED" || shape.code === "UND_ERR_ABORT")
    return void 0;
  const code = typeof shape.code === "string" ? shape.code : "";
  const cause = undiciCause(shape, limits) ?? (TLS_CODE.test(code) ? `TLS: ${String(shape.message)} (${code})` : void 0) ?? networkCause(error);
  if (!cause) return void 0;
  const path = request.path.split("?", 1)[0] ?? request.path;
  return new KubeshipError(
    "CLUSTER_UNREACHABLE",
    `the Kubernetes API at ${request.origin} failed ${request.method} ${path}: ${cause}`,
    { details: { endpoint: request.origin, method: request.method, path }, cause: error }
  );
}
var NamingHandler = class {
  #inner;
  #name;
  constructor(inner, name) {
    this.#inner = inner;
    this.#name = name;
  }
  onRequestStart(...args) {
    this.#inner.onRequestStart?.(...args);
  }
  onRequestUpgrade(...args) {
    this.#inner.onRequestUpgrade?.(...args);
  }
  onResponseStarted() {
    this.#inner.onResponseStarted?.();
  }
  onResponseStart(...args) {
    this.#inner.onResponseStart?.(...args);
  }
  onResponseData(...args) {
    this.#inner.onResponseData?.(...args);
  }
  onResponseEnd(...args) {
    this.#inner.onResponseEnd?.(...args);
  }
  onResponseError(controller, error) {
    this.#inner.onResponseError?.(controller, this.#name(error));
  }
  onBodySent(chunk) {
    this.#inner.onBodySent?.(chunk);
  }
  onRequestSent() {
    this.#inner.onRequestSent?.();
  }
};
var MAX_CONNECTIONS = 16;
function reuseDispatchers(kubeConfig, AgentOf) {
  const pairs = /* @__PURE__ */ new WeakMap();
  const target = kubeConfig;
  const create = target.createDispatcher?.bind(kubeConfig);
  if (!create) return pairs;
  let last;
  target.createDispatcher = (cluster, agentOptions) => {
    const { server, proxyUrl } = cluster ?? {};
    const key = createHash("sha256").update(JSON.stringify([server, proxyUrl, agentOptions])).digest("hex");
    if (last?.key !== key) {
      const options = kubeConfig.createDispatcherOptions(
        cluster,
        agentOptions
      );
      const connect = options.type === "agent" ? options.connect : void 0;
      const pair = connect ? {
        unary: new AgentOf({ connect, connections: MAX_CONNECTIONS }),
        stream: new AgentOf({ connect })
      } : { unary: create(cluster, agentOptions), stream: create(cluster, agentOptions) };
      if (pair.unary) pairs.set(pair.unary, pair);
      last = { key, pair };
    }
    return last.pair.unary;
  };
  return pairs;
}
var isStream = (url) => /[?&](?:watch|follow)=(?:true|1)(?:&|$)/.test(url);
async function boundKubernetesRequests(kubeConfig, options = {}) {
  const undici = (await import("undici")).default;
  const { getGlobalDispatcher } = undici;
  const limits = { ...KUBERNETES_REQUEST_DEFAULTS, ...options };
  const pairs = reuseDispatchers(kubeConfig, undici.Agent);
  const authenticate = kubeConfig.applySecurityAuthentication.bind(kubeConfig);
  kubeConfig.applySecurityAuthentication = async (context) => {
    await authenticate(context);
    const stream = isStream(context.getUrl());
    const given = context.getDispatcher();
    const pair = given ? pairs.get(given) : void 0;
    const base = (stream ? pair?.stream : pair?.unary) ?? given ?? getGlobalDispatcher();
    const timeouts = {
      headersTimeout: limits.requestTimeoutMs,
      bodyTimeout: stream ? limits.streamIdleMs : limits.requestTimeoutMs
    };
    context.setDispatcher(
      base.compose((dispatch) => (request, handler) => {
        const origin = typeof request.origin === "string" ? request.origin : request.origin?.origin ?? "";
        const named = (error) => unreachableError(error, { method: request.method, origin, path: request.path }, limits) ?? error;
        return dispatch({ ...request, ...timeouts }, new NamingHandler(handler, named));
      })
    );
  };
  return kubeConfig;
}

// src/auth/_connection.ts
var EKS_AUTH_PROVIDER = "kubeship-eks-token";
var Connection = class {
  kubeConfig;
  server;
  principal;
  description;
  constructor(fields) {
    this.server = fields.server;
    this.principal = fields.principal;
    this.description = fields.description;
    this.kubeConfig = fields.kubeConfig;
    Object.defineProperty(this, "kubeConfig", { enumerable: false });
  }
  toString() {
    return this.description;
  }
  toJSON() {
    return { server: this.server, principal: this.principal, description: this.description };
  }
  [inspect.custom]() {
    return `ClusterConnection { ${this.description} }`;
  }
};
var EksTokenAuthenticator = class {
  #tokens;
  constructor(tokens) {
    this.#tokens = tokens;
  }
  isAuthProvider(user) {
    return user.authProvider?.name === EKS_AUTH_PROVIDER;
  }
  async applyAuthentication(_user, opts) {
    const token = await this.#tokens.current();
    opts.headers = {
      ...opts.headers,
      Authorization: `Bearer ${token.reveal()}`
    };
  }
  [inspect.custom]() {
    return "EksTokenAuthenticator {}";
  }
};
async function eksKubeConfig(options) {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kubeConfig = new KubeConfig();
  const name = `eks-${options.clusterName}`;
  kubeConfig.addAuthenticator(new EksTokenAuthenticator(options.tokens));
  kubeConfig.loadFromOptions({
    clusters: [{ name, server: options.server, caData: options.caData, skipTLSVerify: false }],
    users: [{ name, authProvider: { name: EKS_AUTH_PROVIDER } }],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name
  });
  return boundKubernetesRequests(kubeConfig, options.limits);
}
function clusterConnection(fields) {
  return new Connection(fields);
}
async function connectWithKubeconfig(options) {
  if (!options.context) {
    throw new KubeshipError("INVALID_INPUT", "a kubeconfig context must be named explicitly", {
      details: { field: "context" }
    });
  }
  const paths = kubeconfigPaths(options.kubeconfig);
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kubeConfig = new KubeConfig();
  paths.forEach((path, index) => {
    const part = index === 0 ? kubeConfig : new KubeConfig();
    try {
      part.loadFromFile(path);
      if (part !== kubeConfig) kubeConfig.mergeConfig(part, true);
    } catch (error) {
      throw new KubeshipError("INVALID_INPUT", `cannot read kubeconfig ${path}: ${firstLine(error)}`, {
        details: { file: path },
        cause: error
      });
    }
  });
  const contexts = kubeConfig.getContexts().map((context) => context.name);
  if (!contexts.includes(options.context)) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `kubeconfig context "${options.context}" not found in ${paths.join(delimiter)}; available contexts: ` + (contexts.length ? contexts.map((name) => `"${name}"`).join(", ") : "none"),
      { details: { field: "context", file: paths.join(delimiter), availableContexts: contexts } }
    );
  }
  kubeConfig.setCurrentContext(options.context);
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  if (!cluster || !user) {
    const missing = cluster ? "user" : "cluster";
    throw new KubeshipError(
      "INVALID_INPUT",
      `kubeconfig context "${options.context}" refers to a ${missing} that is not defined in ${paths.join(delimiter)}`,
      { details: { field: "context", file: paths.join(delimiter) } }
    );
  }
  const principal = `kubeconfig user "${user.name}"`;
  return clusterConnection({
    kubeConfig: await boundKubernetesRequests(kubeConfig, options.limits),
    server: cluster.server,
    principal,
    description: `kubeconfig context ${options.context} (${cluster.server}) as ${principal}`
  });
}
function kubeconfigPaths(explicit) {
  if (explicit) return [explicit].map(requireFile);
  const fromEnv = (process.env.KUBECONFIG ?? "").split(delimiter).filter(Boolean);
  if (fromEnv.length > 0) {
    const present = fromEnv.filter((path) => existsSync(path));
    if (present.length === 0) requireFile(fromEnv[0]);
    return present;
  }
  return [requireFile(join(homedir(), ".kube", "config"))];
}
function requireFile(path) {
  if (!existsSync(path)) {
    throw new KubeshipError("INVALID_INPUT", `kubeconfig file ${path} does not exist`, {
      details: { file: path }
    });
  }
  return path;
}
function firstLine(error) {
  return (error instanceof Error ? error.message : String(error)).split("\n", 1)[0] ?? "";
}

// src/auth/_eks.ts
import { IAM_ROLE_ARN_PATTERN } from "@kubeship/manifests/checks";

// src/auth/_session-name.ts
var MAX_LENGTH = 64;
var PREFIX = "kubeship-";
var VALID = /^[\w+=,.@-]{2,64}$/;
function defaultRoleSessionName(context) {
  const buildId = context.env.CODEBUILD_BUILD_ID?.trim();
  if (!buildId) return `${PREFIX}${context.pid}-${context.now}`;
  const sanitise = (text) => text.replace(/[^\w+=,.@-]/g, "-");
  const colon = buildId.lastIndexOf(":");
  if (colon < 0) return (PREFIX + sanitise(buildId)).slice(0, MAX_LENGTH);
  const id = sanitise(buildId.slice(colon + 1)).slice(-(MAX_LENGTH - PREFIX.length - 1));
  const room = MAX_LENGTH - PREFIX.length - 1 - id.length;
  const project = sanitise(buildId.slice(0, colon)).slice(0, Math.max(room, 0));
  return project ? `${PREFIX}${project}-${id}` : `${PREFIX}${id}`;
}
function assertRoleSessionName(name) {
  if (!VALID.test(name)) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `role session name "${name}" must be 2-64 characters of letters, digits and +=,.@_-`,
      { details: { field: "roleSessionName" } }
    );
  }
}

// src/auth/_token.ts
import { AWS_REGION_PATTERN } from "@kubeship/manifests/checks";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
var TOKEN_LIFETIME_MS = 15 * 60 * 1e3;
var TOKEN_PREFIX = "k8s-aws-v1.";
var CLUSTER_ID_HEADER = "x-k8s-aws-id";
var PRESIGN_EXPIRES_SECONDS = 60;
var QUERY_ORDER = [
  "Action",
  "Version",
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-SignedHeaders",
  "X-Amz-Security-Token",
  "X-Amz-Signature"
];
async function mintEksToken(options) {
  const { clusterName, region, credentials } = options;
  assertClusterName(clusterName);
  assertRegion(region);
  const signedAt = new Date(Math.floor((options.now ?? Date.now)() / 1e3) * 1e3);
  const host = stsHost(region);
  const signer = new SignatureV4({
    service: "sts",
    region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}
    },
    sha256: Hash.bind(null, "sha256"),
    uriEscapePath: true
  });
  const presigned = await signer.presign(
    new HttpRequest({
      method: "GET",
      protocol: "https:",
      hostname: host,
      path: "/",
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
      headers: { host, [CLUSTER_ID_HEADER]: clusterName }
    }),
    { signingDate: signedAt, expiresIn: PRESIGN_EXPIRES_SECONDS }
  );
  const query = QUERY_ORDER.flatMap((key) => {
    const value = presigned.query?.[key];
    return typeof value === "string" ? [`${key}=${rfc3986(value)}`] : [];
  }).join("&");
  const url = `https://${host}/?${query}`;
  return {
    token: new SecretValue(TOKEN_PREFIX + Buffer.from(url, "utf8").toString("base64url")),
    signedAt,
    expiresAt: new Date(signedAt.getTime() + TOKEN_LIFETIME_MS)
  };
}
function stsHost(region) {
  return `sts.${region}.${region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com"}`;
}
function assertRegion(region) {
  if (!AWS_REGION_PATTERN.test(region)) {
    throw new KubeshipError("INVALID_INPUT", `"${region}" is not an AWS region name (e.g. us-east-1)`, {
      details: { field: "region" }
    });
  }
}
function assertClusterName(name) {
  if (!/^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/.test(name)) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `"${name}" is not an EKS cluster name (1-100 letters, digits, - and _, starting with a letter or digit)`,
      { details: { field: "clusterName" } }
    );
  }
}
function rfc3986(value) {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  );
}

// src/auth/_token-source.ts
var DEFAULT_REFRESH_BEFORE_EXPIRY_MS = 6e4;
function createTokenSource(options) {
  const margin = options.refreshBeforeExpiryMs ?? DEFAULT_REFRESH_BEFORE_EXPIRY_MS;
  assertRefreshMargin(margin);
  let cached;
  let minting;
  const fresh = (token, now) => now >= token.signedAt.getTime() && now < token.expiresAt.getTime() - margin;
  return {
    async current() {
      if (cached && fresh(cached, options.now())) return cached.token;
      minting ??= options.mint().then(
        (token) => {
          cached = token;
          minting = void 0;
          return token;
        },
        (error) => {
          minting = void 0;
          throw error;
        }
      );
      return (await minting).token;
    }
  };
}
function assertRefreshMargin(margin) {
  if (!Number.isFinite(margin) || margin <= 0 || margin >= TOKEN_LIFETIME_MS) {
    throw new KubeshipError(
      "INVALID_INPUT",
      `refreshBeforeExpiryMs must be more than 0 and less than ${TOKEN_LIFETIME_MS} (15 minutes), not ${margin}`,
      { details: { field: "refreshBeforeExpiryMs" } }
    );
  }
}

// src/auth/_eks.ts
var UNIDENTIFIED = "an unidentified AWS principal";
var ASSUMED_CREDENTIALS_MARGIN_MS = 5 * 60 * 1e3;
async function connectToEks(options) {
  const { clusterName, region } = options;
  assertClusterName(clusterName);
  assertRegion(region);
  const refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? DEFAULT_REFRESH_BEFORE_EXPIRY_MS;
  assertRefreshMargin(refreshBeforeExpiryMs);
  if (options.roleArn !== void 0 && !IAM_ROLE_ARN_PATTERN.test(options.roleArn)) {
    throw new KubeshipError("INVALID_INPUT", `"${options.roleArn}" is not an IAM role ARN`, {
      details: { field: "roleArn" }
    });
  }
  if (options.roleSessionName !== void 0) assertRoleSessionName(options.roleSessionName);
  if (options.roleArn === void 0 && (options.roleSessionName ?? options.externalId) !== void 0) {
    throw new KubeshipError("INVALID_INPUT", "roleSessionName and externalId need roleArn", {
      details: { field: options.roleSessionName === void 0 ? "externalId" : "roleSessionName" }
    });
  }
  const now = options.now ?? Date.now;
  const where = { clusterName, region, ...options.limits ? { limits: options.limits } : {} };
  const [{ EKSClient, DescribeClusterCommand }, deployer] = await Promise.all([
    import("@aws-sdk/client-eks"),
    deployerCredentials(options, where, now)
  ]);
  const { credentials } = deployer;
  const principal = deployer.principal();
  const eks = new EKSClient({ region, credentials, ...awsClientSettings(options.limits) });
  const eksEndpoint = recordEndpoint(eks, `EKS in ${region}`);
  let access;
  try {
    const [described] = await Promise.all([
      eks.send(new DescribeClusterCommand({ name: clusterName })).catch((error) => {
        throw describeAwsError(error, { action: "EKS DescribeCluster", endpoint: eksEndpoint(), ...where });
      }),
      principal
    ]);
    access = clusterAccessFrom(described.cluster, where);
  } finally {
    eks.destroy();
  }
  const tokens = createTokenSource({
    mint: async () => mintEksToken({
      clusterName,
      region,
      credentials: await resolveCredentials(credentials, where),
      now
    }),
    now,
    refreshBeforeExpiryMs
  });
  const who = await principal;
  return clusterConnection({
    kubeConfig: await eksKubeConfig({
      clusterName,
      server: access.endpoint,
      caData: access.caData,
      tokens,
      ...options.kubernetesLimits ? { limits: options.kubernetesLimits } : {}
    }),
    server: access.endpoint,
    principal: who,
    description: `EKS cluster ${clusterName} (${region}) as ${who}`
  });
}
async function deployerCredentials(options, where, now) {
  const sts = () => import("@aws-sdk/client-sts");
  const base = options.credentials ?? (await import("@aws-sdk/credential-provider-node")).defaultProvider();
  if (options.roleArn === void 0) {
    await resolveCredentials(base, where);
    return { credentials: base, principal: async () => callerArn(await sts(), base, where) };
  }
  const stsModule = await sts();
  const role = {
    roleArn: options.roleArn,
    roleSessionName: options.roleSessionName ?? defaultRoleSessionName({ env: process.env, pid: process.pid, now: now() }),
    ...options.externalId === void 0 ? {} : { externalId: options.externalId }
  };
  const assumed = assumingRole(() => assumeRole(stsModule, base, role, where), now);
  await assumed.arn();
  return { credentials: assumed.credentials, principal: assumed.arn };
}
async function eksTokenFor(options) {
  assertClusterName(options.clusterName);
  assertRegion(options.region);
  const now = options.now ?? Date.now;
  const where = {
    clusterName: options.clusterName,
    region: options.region,
    ...options.limits ? { limits: options.limits } : {}
  };
  const { credentials } = await deployerCredentials(options, where, now);
  return mintEksToken({
    clusterName: where.clusterName,
    region: where.region,
    credentials: await resolveCredentials(credentials, where),
    now
  });
}
function clusterAccessFrom(cluster, where) {
  const details = { clusterName: where.clusterName, region: where.region };
  if (!cluster) {
    throw new KubeshipError(
      "CLUSTER_NOT_FOUND",
      `EKS cluster ${where.clusterName} not found in ${where.region}`,
      {
        details
      }
    );
  }
  if (cluster.status !== "ACTIVE") {
    throw new KubeshipError(
      "CLUSTER_NOT_ACTIVE",
      `EKS cluster ${where.clusterName} (${where.region}) is ${cluster.status ?? "in an unknown state"}, not ACTIVE; deploy once it is ACTIVE`,
      { details: { ...details, status: cluster.status } }
    );
  }
  const endpoint = cluster.endpoint;
  const caData = cluster.certificateAuthority?.data;
  if (!endpoint || !/^https:\/\//.test(endpoint) || !caData) {
    throw new KubeshipError(
      "API_ERROR",
      `EKS DescribeCluster of ${where.clusterName} (${where.region}) returned no ${endpoint ? "certificate authority" : "https endpoint"}`,
      { details }
    );
  }
  return { endpoint, caData };
}
var CREDENTIAL_ERRORS = /* @__PURE__ */ new Set([
  "AccessDenied",
  "AccessDeniedException",
  "CredentialsProviderError",
  "ExpiredToken",
  "ExpiredTokenException",
  "IncompleteSignature",
  "InvalidAccessKeyId",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "MissingAuthenticationToken",
  "NotAuthorized",
  "RegionDisabledException",
  "SignatureDoesNotMatch",
  "TokenProviderError",
  "UnauthorizedException",
  "UnrecognizedClientException"
]);
function describeAwsError(error, context) {
  if (error instanceof KubeshipError) return error;
  const shape = typeof error === "object" && error !== null ? error : {};
  const name = typeof shape.name === "string" ? shape.name : "Error";
  const message = typeof shape.message === "string" ? shape.message.split("\n", 1)[0] ?? "" : String(error);
  const details = {
    action: context.action,
    clusterName: context.clusterName,
    region: context.region,
    ...context.endpoint ? { endpoint: context.endpoint } : {},
    awsError: name
  };
  if (name === "ResourceNotFoundException") {
    return new KubeshipError(
      "CLUSTER_NOT_FOUND",
      `EKS cluster ${context.clusterName} not found in ${context.region} (for the account of these credentials): ${message}`,
      { details, cause: error }
    );
  }
  if (name === "CredentialsProviderError" || name === "TokenProviderError") {
    return new KubeshipError(
      "AWS_CREDENTIALS",
      `no AWS credentials were found (looked in the environment, profiles, web identity, container and instance role): ${message}`,
      { details, cause: error }
    );
  }
  if (CREDENTIAL_ERRORS.has(name) || shape.$metadata?.httpStatusCode === 403) {
    return new KubeshipError("AWS_CREDENTIALS", `AWS refused ${context.action}: ${name}: ${message}`, {
      details,
      cause: error
    });
  }
  const at = context.endpoint ? ` at ${context.endpoint}` : "";
  const unreachable = networkCause(error);
  return new KubeshipError(
    unreachable ? "AWS_UNREACHABLE" : "API_ERROR",
    `${context.action} in ${context.region}${at} failed: ${unreachable ?? `${name}: ${message}`}`,
    { details, cause: error }
  );
}
async function callerArn(sts, credentials, where) {
  const client = new sts.STSClient({ region: where.region, credentials, ...awsClientSettings(where.limits) });
  const endpoint = recordEndpoint(client, `STS in ${where.region}`);
  try {
    return (await client.send(new sts.GetCallerIdentityCommand({}))).Arn ?? UNIDENTIFIED;
  } catch (error) {
    const mapped = describeAwsError(error, {
      action: "STS GetCallerIdentity",
      endpoint: endpoint(),
      ...where
    });
    if (mapped.code === "AWS_CREDENTIALS") throw mapped;
    return UNIDENTIFIED;
  } finally {
    client.destroy();
  }
}
async function assumeRole(sts, base, role, where) {
  const client = new sts.STSClient({
    region: where.region,
    credentials: base,
    ...awsClientSettings(where.limits)
  });
  const endpoint = recordEndpoint(client, `STS in ${where.region}`);
  try {
    const out = await client.send(
      new sts.AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: role.roleSessionName,
        ...role.externalId === void 0 ? {} : { ExternalId: role.externalId }
      })
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error("AssumeRole returned no credentials");
    return {
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...c.SessionToken === void 0 ? {} : { sessionToken: c.SessionToken },
        ...c.Expiration === void 0 ? {} : { expiration: c.Expiration }
      },
      arn: out.AssumedRoleUser?.Arn ?? `${role.roleArn} (session ${role.roleSessionName})`
    };
  } catch (error) {
    throw describeAwsError(error, {
      action: `STS AssumeRole of ${role.roleArn}`,
      endpoint: endpoint(),
      ...where
    });
  } finally {
    client.destroy();
  }
}
async function resolveCredentials(provider, where) {
  try {
    return await provider();
  } catch (error) {
    throw describeAwsError(error, { action: "resolving AWS credentials", ...where });
  }
}
function assumingRole(assume, now) {
  let cached;
  let pending;
  const current = async () => {
    const expiration = cached?.credentials.expiration?.getTime();
    if (cached && (expiration === void 0 || now() < expiration - ASSUMED_CREDENTIALS_MARGIN_MS))
      return cached;
    pending ??= assume().then(
      (result) => {
        cached = result;
        pending = void 0;
        return result;
      },
      (error) => {
        pending = void 0;
        throw error;
      }
    );
    return pending;
  };
  return {
    credentials: async () => (await current()).credentials,
    arn: async () => (await current()).arn
  };
}

// src/auth/_kubernetes-errors.ts
function describeKubernetesError(error, context) {
  if (isKubeshipError(error)) return error;
  const target = describeTarget(context);
  const unreachable = unreachableCause(error);
  if (unreachable) {
    return new KubeshipError("CLUSTER_UNREACHABLE", `could not ${target}: ${unreachable.message}`, {
      details: { ...unreachable.details, verb: context.verb, resource: context.resource },
      cause: error
    });
  }
  const details = {
    verb: context.verb,
    resource: context.resource,
    ...context.namespace === void 0 ? {} : { namespace: context.namespace },
    ...context.name === void 0 ? {} : { name: context.name }
  };
  const failure = httpFailureOf(error);
  if (!failure) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}${causeOf(error)}` : String(error);
    return new KubeshipError("API_ERROR", `could not ${target}: ${firstLine2(reason)}`, {
      details,
      cause: error
    });
  }
  const withStatus = {
    ...details,
    status: failure.status,
    ...failure.reason ? { reason: failure.reason } : {}
  };
  if (failure.status === 401) {
    const who = context.principal ?? "this connection";
    return new KubeshipError(
      "UNAUTHORIZED",
      `the cluster refused the credentials of ${who} (HTTP 401) trying to ${target}: check that the principal has an EKS access entry (or aws-auth mapping) for this cluster, that the token is for this cluster and region, and that the clock is right`,
      { details: withStatus, cause: error }
    );
  }
  if (failure.status === 403) {
    return new KubeshipError(
      "FORBIDDEN",
      `not allowed to ${target}` + (failure.message ? `: ${failure.message}` : " (HTTP 403)") + "; grant it with a Role/ClusterRole binding for the mapped user or group",
      { details: withStatus, cause: error }
    );
  }
  return new KubeshipError(
    "API_ERROR",
    `could not ${target}: HTTP ${failure.status}${failure.reason ? ` ${failure.reason}` : ""}` + (failure.message ? `: ${failure.message}` : ""),
    { details: withStatus, cause: error }
  );
}
function describeTarget(context) {
  const name = context.name === void 0 ? "" : ` "${context.name}"`;
  const where = context.namespace === void 0 ? "" : ` in namespace "${context.namespace}"`;
  return `${context.verb} ${context.resource}${name}${where}`;
}
function httpFailureOf(error) {
  if (typeof error !== "object" || error === null) return void 0;
  const shape = error;
  const status = typeof shape.code === "number" ? shape.code : typeof shape.statusCode === "number" ? shape.statusCode : void 0;
  if (status === void 0) return void 0;
  const body = parseStatus(shape.body);
  return {
    status,
    ...typeof body?.reason === "string" && body.reason ? { reason: body.reason } : {},
    ...typeof body?.message === "string" && body.message ? { message: firstLine2(body.message) } : {}
  };
}
function parseStatus(body) {
  if (typeof body === "string") {
    try {
      return parseStatus(JSON.parse(body));
    } catch {
      return void 0;
    }
  }
  if (typeof body === "object" && body !== null && body.kind === "Status") {
    return body;
  }
  return void 0;
}
function unreachableCause(error) {
  const cause = error instanceof Error ? error.cause : void 0;
  if (isKubeshipError(error, "CLUSTER_UNREACHABLE")) return error;
  return isKubeshipError(cause, "CLUSTER_UNREACHABLE") ? cause : void 0;
}
function causeOf(error) {
  const cause = error.cause;
  const text = typeof cause?.message === "string" && cause.message ? cause.message : cause?.code;
  return typeof text === "string" && text ? ` (${text})` : "";
}
function firstLine2(text) {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 500 ? `${line.slice(0, 500)}\u2026` : line;
}

export {
  KUBERNETES_REQUEST_DEFAULTS,
  boundKubernetesRequests,
  connectWithKubeconfig,
  defaultRoleSessionName,
  TOKEN_LIFETIME_MS,
  mintEksToken,
  connectToEks,
  eksTokenFor,
  describeKubernetesError,
  unreachableCause
};
//# sourceMappingURL=chunk-6XQNB4OG.js.map