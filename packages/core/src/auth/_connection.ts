import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { inspect } from 'node:util';
import type * as k8s from '@kubernetes/client-node';
import type { AccessExplainer } from '../access/explainer.ts';
import { KubeshipError } from '../errors.ts';
import { boundKubernetesRequests, type KubernetesRequestLimits } from './_kubernetes-requests.ts';
import type { TokenSource } from './_token-source.ts';

/** A way to reach one cluster: a client-node KubeConfig that always carries a valid credential. */
export interface ClusterConnection {
  /** In memory only, never written to disk. Build API clients and `Watch`/`Log` from it. */
  readonly kubeConfig: k8s.KubeConfig;
  /** The apiserver URL. */
  readonly server: string;
  /** Who the cluster sees: an IAM principal ARN, or `kubeconfig user "<name>"`. Pass it to `describeKubernetesError`. */
  readonly principal: string;
  /** For humans, e.g. `EKS cluster prod (us-east-1) as arn:aws:sts::111122223333:assumed-role/deployer/build-1`. */
  readonly description: string;
  /** EKS only: says, from the principal's access entry, why rights are missing (see `explainFromAccessEntry`). */
  readonly explainAccess?: AccessExplainer;
}

type Authenticator = Parameters<k8s.KubeConfig['addAuthenticator']>[0];

const EKS_AUTH_PROVIDER = 'kubeship-eks-token';

/** The connection object: prints its description, never the KubeConfig (which may hold key material). */
class Connection implements ClusterConnection {
  readonly kubeConfig: k8s.KubeConfig;
  readonly server: string;
  readonly principal: string;
  readonly description: string;
  declare readonly explainAccess?: AccessExplainer;

  constructor(fields: ClusterConnection) {
    // a function, not data: kept out of the connection's keys and JSON like the KubeConfig
    if (fields.explainAccess)
      Object.defineProperty(this, 'explainAccess', { value: fields.explainAccess, enumerable: false });
    this.server = fields.server;
    this.principal = fields.principal;
    this.description = fields.description;
    // Not enumerable: `util.inspect`, `JSON.stringify` and spreading skip it.
    this.kubeConfig = fields.kubeConfig;
    Object.defineProperty(this, 'kubeConfig', { enumerable: false });
  }

  toString(): string {
    return this.description;
  }

  toJSON(): object {
    return { server: this.server, principal: this.principal, description: this.description };
  }

  [inspect.custom](): string {
    return `ClusterConnection { ${this.description} }`;
  }
}

/**
 * Puts a fresh EKS token into every request the KubeConfig authenticates. client-node asks its
 * authenticators on each request of the generated API clients (`applySecurityAuthentication`),
 * of `Watch`, `Log`, `Metrics` and of its WebSocket clients (`applyToHTTPSOptions`), so a token
 * re-minted here reaches all of them; nothing holds a token between requests.
 */
class EksTokenAuthenticator implements Authenticator {
  readonly #tokens: TokenSource;

  constructor(tokens: TokenSource) {
    this.#tokens = tokens;
  }

  isAuthProvider(user: k8s.User): boolean {
    return (user.authProvider as { name?: unknown } | undefined)?.name === EKS_AUTH_PROVIDER;
  }

  async applyAuthentication(_user: k8s.User, opts: { headers?: unknown }): Promise<void> {
    const token = await this.#tokens.current();
    opts.headers = {
      ...(opts.headers as Record<string, string> | undefined),
      Authorization: `Bearer ${token.reveal()}`,
    };
  }

  [inspect.custom](): string {
    return 'EksTokenAuthenticator {}';
  }
}

/**
 * A KubeConfig for one EKS cluster whose user gets its token from `tokens` on every request;
 * every request is time-bounded by `limits`.
 */
export async function eksKubeConfig(options: {
  clusterName: string;
  server: string;
  caData: string;
  tokens: TokenSource;
  limits?: KubernetesRequestLimits;
}): Promise<k8s.KubeConfig> {
  const { KubeConfig } = await import('./_kube-config-class.ts');
  const kubeConfig = new KubeConfig();
  const name = `eks-${options.clusterName}`;
  kubeConfig.addAuthenticator(new EksTokenAuthenticator(options.tokens));
  kubeConfig.loadFromOptions({
    clusters: [{ name, server: options.server, caData: options.caData, skipTLSVerify: false }],
    users: [{ name, authProvider: { name: EKS_AUTH_PROVIDER } }],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  });
  return boundKubernetesRequests(kubeConfig, options.limits);
}

/** Wraps the parts of a connection into an object that prints only its description. */
export function clusterConnection(fields: ClusterConnection): ClusterConnection {
  return new Connection(fields);
}

/** Options of {@link connectWithKubeconfig}. */
export interface KubeconfigConnectionOptions {
  /** Kubeconfig file(s); default `$KUBECONFIG` (a path list, merged like kubectl) or `~/.kube/config`. */
  kubeconfig?: string;
  /** The context to use; required, so a deploy never lands on whatever context happens to be current. */
  context: string;
  /** Time bounds of the Kubernetes API requests (see {@link KubernetesRequestLimits}). */
  limits?: KubernetesRequestLimits;
}

/**
 * Connects through an existing kubeconfig context (a non-EKS cluster, the testbed). The file is
 * read, never written; credentials it names (client certificates, tokens, exec plugins) are used
 * as client-node does; every request is time-bounded by `limits`. An unknown context is
 * INVALID_INPUT naming the contexts that exist.
 */
export async function connectWithKubeconfig(
  options: KubeconfigConnectionOptions,
): Promise<ClusterConnection> {
  if (!options.context) {
    throw new KubeshipError('INVALID_INPUT', 'a kubeconfig context must be named explicitly', {
      details: { field: 'context' },
    });
  }
  const paths = kubeconfigPaths(options.kubeconfig);
  const { KubeConfig } = await import('./_kube-config-class.ts');
  const kubeConfig = new KubeConfig();
  paths.forEach((path, index) => {
    const part = index === 0 ? kubeConfig : new KubeConfig();
    try {
      part.loadFromFile(path);
      if (part !== kubeConfig) kubeConfig.mergeConfig(part, true);
    } catch (error) {
      throw new KubeshipError('INVALID_INPUT', `cannot read kubeconfig ${path}: ${firstLine(error)}`, {
        details: { file: path },
        cause: error,
      });
    }
  });

  const contexts = kubeConfig.getContexts().map((context) => context.name);
  if (!contexts.includes(options.context)) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `kubeconfig context "${options.context}" not found in ${paths.join(delimiter)}; available contexts: ` +
        (contexts.length ? contexts.map((name) => `"${name}"`).join(', ') : 'none'),
      { details: { field: 'context', file: paths.join(delimiter), availableContexts: contexts } },
    );
  }
  kubeConfig.setCurrentContext(options.context);
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  if (!cluster || !user) {
    const missing = cluster ? 'user' : 'cluster';
    throw new KubeshipError(
      'INVALID_INPUT',
      `kubeconfig context "${options.context}" refers to a ${missing} that is not defined in ${paths.join(delimiter)}`,
      { details: { field: 'context', file: paths.join(delimiter) } },
    );
  }
  const principal = `kubeconfig user "${user.name}"`;
  return clusterConnection({
    kubeConfig: await boundKubernetesRequests(kubeConfig, options.limits),
    server: cluster.server,
    principal,
    description: `kubeconfig context ${options.context} (${cluster.server}) as ${principal}`,
  });
}

function kubeconfigPaths(explicit: string | undefined): string[] {
  if (explicit) return [explicit].map(requireFile);
  const fromEnv = (process.env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (fromEnv.length > 0) {
    // kubectl skips listed files that do not exist, but at least one must.
    const present = fromEnv.filter((path) => existsSync(path));
    if (present.length === 0) requireFile(fromEnv[0] as string);
    return present;
  }
  return [requireFile(join(homedir(), '.kube', 'config'))];
}

function requireFile(path: string): string {
  if (!existsSync(path)) {
    throw new KubeshipError('INVALID_INPUT', `kubeconfig file ${path} does not exist`, {
      details: { file: path },
    });
  }
  return path;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
}
