import { IAM_ROLE_ARN_PATTERN } from '@kubeship/manifests/checks';
import { explainFromAccessEntry } from '../access/eks-explain.ts';
import { KubeshipError } from '../errors.ts';
import { type AwsRequestLimits, awsClientSettings, networkCause, recordEndpoint } from './_aws-requests.ts';
import { type ClusterConnection, clusterConnection, eksKubeConfig } from './_connection.ts';
import { defaultCredentials } from './_default-credentials.ts';
import type { KubernetesRequestLimits } from './_kubernetes-requests.ts';
import { assertRoleSessionName, defaultRoleSessionName } from './_session-name.ts';
import {
  type AwsCredentialIdentity,
  type AwsCredentialIdentityProvider,
  assertClusterName,
  assertRegion,
  type EksToken,
  mintEksToken,
} from './_token.ts';
import { assertRefreshMargin, createTokenSource, DEFAULT_REFRESH_BEFORE_EXPIRY_MS } from './_token-source.ts';

/** Options of {@link connectToEks}. */
export interface EksConnectionOptions {
  /** The EKS cluster name. */
  clusterName: string;
  /** The cluster's region (also the region of STS and of the token's signature). */
  region: string;
  /** Assume this role first (cross-account deploys); its session is what the cluster sees. */
  roleArn?: string;
  /**
   * Session name for `roleArn`; default `kubeship-<CODEBUILD_BUILD_ID>` (sanitised, at most 64
   * characters), else `kubeship-<pid>-<epoch ms>`, so CloudTrail and the audit log name the build.
   */
  roleSessionName?: string;
  /** External id the role's trust policy requires, if any. */
  externalId?: string;
  /** Base credentials; default the AWS SDK's Node.js chain (env, SSO, web identity, CodeBuild/ECS container, IMDS). */
  credentials?: AwsCredentialIdentityProvider;
  /** Clock (epoch ms) used to sign tokens and decide when to re-mint them; default `Date.now`. */
  now?: () => number;
  /**
   * Re-mint a token this long before its 15-minute lifetime ends; default 60 000 (at 14 minutes).
   * Must be more than 0 and less than 15 minutes.
   */
  refreshBeforeExpiryMs?: number;
  /** Timeouts and attempts of the STS and EKS calls (default 5 s to connect, 20 s to answer, 3 attempts). */
  limits?: AwsRequestLimits;
  /** Time bounds of the Kubernetes API requests made through the connection (see {@link KubernetesRequestLimits}). */
  kubernetesLimits?: KubernetesRequestLimits;
}

/** Where DescribeCluster says the cluster's apiserver is. */
export interface ClusterAccess {
  readonly endpoint: string;
  /** Base64 of the cluster CA bundle (PEM), as EKS returns it. */
  readonly caData: string;
}

/** The subset of an EKS `Cluster` that {@link clusterAccessFrom} reads. */
export interface DescribedCluster {
  readonly status?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly certificateAuthority?: { readonly data?: string | undefined } | undefined;
}

const UNIDENTIFIED = 'an unidentified AWS principal';

/** Margin before an assumed role's credentials expire at which the role is assumed again. */
const ASSUMED_CREDENTIALS_MARGIN_MS = 5 * 60 * 1000;

/**
 * Connects to an EKS cluster with IAM: resolves credentials (optionally assuming `roleArn` through
 * STS), reads endpoint and CA with EKS DescribeCluster, and returns an in-memory KubeConfig whose
 * token is minted on demand and re-minted before it expires, so a rollout that waits 40 minutes
 * never gets a 401. Nothing is written to disk. AWS clients take their endpoints from the usual
 * configuration (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_EKS`, `AWS_ENDPOINT_URL_STS`, profiles);
 * the token always names the regional STS host, as the cluster's authenticator requires.
 *
 * Fails with INVALID_INPUT (bad names/options), AWS_CREDENTIALS (no credentials, or STS/EKS
 * refused them), AWS_UNREACHABLE (no answer in time, refused connection), CLUSTER_NOT_FOUND,
 * CLUSTER_NOT_ACTIVE, or API_ERROR.
 */
export async function connectToEks(options: EksConnectionOptions): Promise<ClusterConnection> {
  const { clusterName, region } = options;
  assertClusterName(clusterName);
  assertRegion(region);
  const refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? DEFAULT_REFRESH_BEFORE_EXPIRY_MS;
  assertRefreshMargin(refreshBeforeExpiryMs);
  if (options.roleArn !== undefined && !IAM_ROLE_ARN_PATTERN.test(options.roleArn)) {
    throw new KubeshipError('INVALID_INPUT', `"${options.roleArn}" is not an IAM role ARN`, {
      details: { field: 'roleArn' },
    });
  }
  if (options.roleSessionName !== undefined) assertRoleSessionName(options.roleSessionName);
  if (options.roleArn === undefined && (options.roleSessionName ?? options.externalId) !== undefined) {
    throw new KubeshipError('INVALID_INPUT', 'roleSessionName and externalId need roleArn', {
      details: { field: options.roleSessionName === undefined ? 'externalId' : 'roleSessionName' },
    });
  }
  const now = options.now ?? Date.now;

  const where: Where = { clusterName, region, ...(options.limits ? { limits: options.limits } : {}) };
  const [{ EKSClient, DescribeClusterCommand }, deployer] = await Promise.all([
    import('@aws-sdk/client-eks'),
    deployerCredentials(options, where, now),
  ]);
  const { credentials } = deployer;
  const principal = deployer.principal();

  const eks = new EKSClient({ region, credentials, ...awsClientSettings(options.limits) });
  const eksEndpoint = recordEndpoint(eks, `EKS in ${region}`);
  let access: ClusterAccess;
  try {
    const [described] = await Promise.all([
      eks.send(new DescribeClusterCommand({ name: clusterName })).catch((error: unknown) => {
        throw describeAwsError(error, { action: 'EKS DescribeCluster', endpoint: eksEndpoint(), ...where });
      }),
      principal,
    ]);
    access = clusterAccessFrom(described.cluster, where);
  } finally {
    eks.destroy();
  }

  const tokens = createTokenSource({
    mint: async () =>
      mintEksToken({
        clusterName,
        region,
        credentials: await resolveCredentials(credentials, where),
        now,
      }),
    now,
    refreshBeforeExpiryMs,
  });
  const who = await principal;
  return clusterConnection({
    kubeConfig: await eksKubeConfig({
      clusterName,
      server: access.endpoint,
      caData: access.caData,
      tokens,
      ...(options.kubernetesLimits ? { limits: options.kubernetesLimits } : {}),
    }),
    server: access.endpoint,
    principal: who,
    description: `EKS cluster ${clusterName} (${region}) as ${who}`,
    explainAccess: async (missing) => {
      const client = new EKSClient({ region, credentials, ...awsClientSettings(options.limits) });
      try {
        return await explainFromAccessEntry(client, { clusterName, principal: who }, missing);
      } finally {
        client.destroy();
      }
    },
  });
}

/**
 * The credentials a deploy uses: the default chain (or the given provider), optionally through
 * an assumed role (cached, re-assumed before expiry); `principal()` names who the cluster will see.
 * Fails fast with AWS_CREDENTIALS when no credentials can be found.
 */
async function deployerCredentials(
  options: Pick<EksConnectionOptions, 'roleArn' | 'roleSessionName' | 'externalId' | 'credentials'>,
  where: Where,
  now: () => number,
): Promise<{ credentials: AwsCredentialIdentityProvider; principal: () => Promise<string> }> {
  // The STS client is loaded only when it is used: `kubeship token` without a role never needs it.
  const sts = () => import('@aws-sdk/client-sts');
  const base = options.credentials ?? defaultCredentials();
  if (options.roleArn === undefined) {
    await resolveCredentials(base, where); // fail fast, before any AWS call
    return { credentials: base, principal: async () => callerArn(await sts(), base, where) };
  }
  const stsModule = await sts();
  const role = {
    roleArn: options.roleArn,
    roleSessionName:
      options.roleSessionName ?? defaultRoleSessionName({ env: process.env, pid: process.pid, now: now() }),
    ...(options.externalId === undefined ? {} : { externalId: options.externalId }),
  };
  const assumed = assumingRole(() => assumeRole(stsModule, base, role, where), now);
  await assumed.arn();
  return { credentials: assumed.credentials, principal: assumed.arn };
}

/**
 * One EKS token for the cluster with the deploy's credentials (optionally an assumed role), as
 * `kubeship token` prints it. Contacts STS only to assume a role; DescribeCluster is not needed.
 */
export async function eksTokenFor(
  options: Pick<
    EksConnectionOptions,
    'clusterName' | 'region' | 'roleArn' | 'roleSessionName' | 'credentials' | 'now' | 'limits'
  >,
): Promise<EksToken> {
  assertClusterName(options.clusterName);
  assertRegion(options.region);
  const now = options.now ?? Date.now;
  const where: Where = {
    clusterName: options.clusterName,
    region: options.region,
    ...(options.limits ? { limits: options.limits } : {}),
  };
  const { credentials } = await deployerCredentials(options, where, now);
  return mintEksToken({
    clusterName: where.clusterName,
    region: where.region,
    credentials: await resolveCredentials(credentials, where),
    now,
  });
}

/**
 * Reads endpoint and CA from a DescribeCluster result: a missing cluster is CLUSTER_NOT_FOUND, a
 * cluster that is not ACTIVE (CREATING, UPDATING, DELETING, FAILED, PENDING) is CLUSTER_NOT_ACTIVE.
 */
export function clusterAccessFrom(
  cluster: DescribedCluster | undefined,
  where: { clusterName: string; region: string },
): ClusterAccess {
  const details = { clusterName: where.clusterName, region: where.region };
  if (!cluster) {
    throw new KubeshipError(
      'CLUSTER_NOT_FOUND',
      `EKS cluster ${where.clusterName} not found in ${where.region}`,
      {
        details,
      },
    );
  }
  if (cluster.status !== 'ACTIVE') {
    throw new KubeshipError(
      'CLUSTER_NOT_ACTIVE',
      `EKS cluster ${where.clusterName} (${where.region}) is ${cluster.status ?? 'in an unknown state'}, not ACTIVE; ` +
        'deploy once it is ACTIVE',
      { details: { ...details, status: cluster.status } },
    );
  }
  const endpoint = cluster.endpoint;
  const caData = cluster.certificateAuthority?.data;
  if (!endpoint || !/^https:\/\//.test(endpoint) || !caData) {
    throw new KubeshipError(
      'API_ERROR',
      `EKS DescribeCluster of ${where.clusterName} (${where.region}) returned no ${endpoint ? 'certificate authority' : 'https endpoint'}`,
      { details },
    );
  }
  return { endpoint, caData };
}

// Errors that mean "these credentials are missing, wrong, expired or not allowed to do this".
const CREDENTIAL_ERRORS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'IncompleteSignature',
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'MissingAuthenticationToken',
  'NotAuthorized',
  'RegionDisabledException',
  'SignatureDoesNotMatch',
  'TokenProviderError',
  'UnauthorizedException',
  'UnrecognizedClientException',
]);

/**
 * Maps an AWS SDK error of STS or EKS to a KubeshipError: ResourceNotFound → CLUSTER_NOT_FOUND,
 * refused/missing credentials → AWS_CREDENTIALS, no answer (refused connection, timeout, unknown
 * host) → AWS_UNREACHABLE, anything else → API_ERROR.
 */
export function describeAwsError(
  error: unknown,
  context: { action: string; clusterName: string; region: string; endpoint?: string },
): KubeshipError {
  if (error instanceof KubeshipError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const name = typeof shape.name === 'string' ? shape.name : 'Error';
  const message = typeof shape.message === 'string' ? (shape.message.split('\n', 1)[0] ?? '') : String(error);
  const details = {
    action: context.action,
    clusterName: context.clusterName,
    region: context.region,
    ...(context.endpoint ? { endpoint: context.endpoint } : {}),
    awsError: name,
  };
  if (name === 'ResourceNotFoundException') {
    return new KubeshipError(
      'CLUSTER_NOT_FOUND',
      `EKS cluster ${context.clusterName} not found in ${context.region} (for the account of these credentials): ${message}`,
      { details, cause: error },
    );
  }
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    return new KubeshipError(
      'AWS_CREDENTIALS',
      `no AWS credentials were found (looked in the environment, profiles, web identity, container and instance role): ${message}`,
      { details, cause: error },
    );
  }
  if (CREDENTIAL_ERRORS.has(name) || shape.$metadata?.httpStatusCode === 403) {
    return new KubeshipError('AWS_CREDENTIALS', `AWS refused ${context.action}: ${name}: ${message}`, {
      details,
      cause: error,
    });
  }
  const at = context.endpoint ? ` at ${context.endpoint}` : '';
  const unreachable = networkCause(error);
  return new KubeshipError(
    unreachable ? 'AWS_UNREACHABLE' : 'API_ERROR',
    `${context.action} in ${context.region}${at} failed: ${unreachable ?? `${name}: ${message}`}`,
    { details, cause: error },
  );
}

type StsModule = typeof import('@aws-sdk/client-sts');
type Where = { clusterName: string; region: string; limits?: AwsRequestLimits };

/** The caller's ARN, for messages; an STS that cannot be reached does not stop the deploy. */
async function callerArn(
  sts: StsModule,
  credentials: AwsCredentialIdentityProvider,
  where: Where,
): Promise<string> {
  const client = new sts.STSClient({ region: where.region, credentials, ...awsClientSettings(where.limits) });
  const endpoint = recordEndpoint(client, `STS in ${where.region}`);
  try {
    return (await client.send(new sts.GetCallerIdentityCommand({}))).Arn ?? UNIDENTIFIED;
  } catch (error) {
    // Tokens are minted offline, so a build without a route to STS can still deploy.
    const mapped = describeAwsError(error, {
      action: 'STS GetCallerIdentity',
      endpoint: endpoint(),
      ...where,
    });
    if (mapped.code === 'AWS_CREDENTIALS') throw mapped;
    return UNIDENTIFIED;
  } finally {
    client.destroy();
  }
}

/** One STS AssumeRole call; its credentials and the assumed-role ARN the cluster will see. */
async function assumeRole(
  sts: StsModule,
  base: AwsCredentialIdentityProvider,
  role: { roleArn: string; roleSessionName: string; externalId?: string },
  where: Where,
): Promise<{ credentials: AwsCredentialIdentity; arn: string }> {
  const client = new sts.STSClient({
    region: where.region,
    credentials: base,
    ...awsClientSettings(where.limits),
  });
  const endpoint = recordEndpoint(client, `STS in ${where.region}`);
  try {
    const out = await client.send(
      new sts.AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: role.roleSessionName,
        ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
    return {
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken === undefined ? {} : { sessionToken: c.SessionToken }),
        ...(c.Expiration === undefined ? {} : { expiration: c.Expiration }),
      },
      arn: out.AssumedRoleUser?.Arn ?? `${role.roleArn} (session ${role.roleSessionName})`,
    };
  } catch (error) {
    throw describeAwsError(error, {
      action: `STS AssumeRole of ${role.roleArn}`,
      endpoint: endpoint(),
      ...where,
    });
  } finally {
    client.destroy();
  }
}

async function resolveCredentials(
  provider: AwsCredentialIdentityProvider,
  where: Where,
): Promise<AwsCredentialIdentity> {
  try {
    return await provider();
  } catch (error) {
    throw describeAwsError(error, { action: 'resolving AWS credentials', ...where });
  }
}

/**
 * Caches an assumed role's credentials and assumes the role again when they near expiry (per the
 * injected clock); concurrent callers share one AssumeRole call.
 */
export function assumingRole(
  assume: () => Promise<{ credentials: AwsCredentialIdentity; arn: string }>,
  now: () => number,
): { credentials: AwsCredentialIdentityProvider; arn: () => Promise<string> } {
  let cached: { credentials: AwsCredentialIdentity; arn: string } | undefined;
  let pending: Promise<{ credentials: AwsCredentialIdentity; arn: string }> | undefined;
  const current = async () => {
    const expiration = cached?.credentials.expiration?.getTime();
    if (cached && (expiration === undefined || now() < expiration - ASSUMED_CREDENTIALS_MARGIN_MS))
      return cached;
    pending ??= assume().then(
      (result) => {
        cached = result;
        pending = undefined;
        return result;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
  return {
    credentials: async () => (await current()).credentials,
    arn: async () => (await current()).arn,
  };
}
