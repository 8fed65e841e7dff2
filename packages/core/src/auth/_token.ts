import { AWS_REGION_PATTERN } from '@kubeship/manifests/checks';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { SecretValue } from '../_secret-value.ts';
import { KubeshipError } from '../errors.ts';

/** AWS credentials as the AWS SDK v3 describes them (structurally its `AwsCredentialIdentity`). */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Resolves AWS credentials (structurally the SDK's `AwsCredentialIdentityProvider`). */
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/** An EKS bearer token and the moment the cluster stops accepting it. */
export interface EksToken {
  /** `k8s-aws-v1.…`; reveal it only into an `Authorization` header. */
  readonly token: SecretValue;
  /** X-Amz-Date of the presigned URL (whole seconds). */
  readonly signedAt: Date;
  /** `signedAt` + 15 minutes: aws-iam-authenticator refuses the token after that. */
  readonly expiresAt: Date;
}

/** How long aws-iam-authenticator accepts a token after its X-Amz-Date. */
export const TOKEN_LIFETIME_MS = 15 * 60 * 1000;

const TOKEN_PREFIX = 'k8s-aws-v1.';
const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** The presigned URL's own expiry; aws-iam-authenticator ignores it and applies its 15 minutes. */
const PRESIGN_EXPIRES_SECONDS = 60;
// botocore's order; the token is compared byte for byte with `aws eks get-token`.
const QUERY_ORDER = [
  'Action',
  'Version',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
] as const;

/**
 * Mints an EKS bearer token in the aws-iam-authenticator format, as `aws eks get-token` does:
 * `k8s-aws-v1.` + base64url (no padding) of a presigned STS `GetCallerIdentity` GET URL on the
 * regional STS host, with the cluster name as the signed header `x-k8s-aws-id`. Offline: nothing
 * is sent to AWS; the cluster's authenticator forwards the URL to STS to learn who signed it.
 */
export async function mintEksToken(options: {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentity;
  now?: () => number;
}): Promise<EksToken> {
  const { clusterName, region, credentials } = options;
  assertClusterName(clusterName);
  assertRegion(region);
  const signedAt = new Date(Math.floor((options.now ?? Date.now)() / 1000) * 1000);
  const host = stsHost(region);
  const signer = new SignatureV4({
    service: 'sts',
    region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
  });
  const presigned = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname: host,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host, [CLUSTER_ID_HEADER]: clusterName },
    }),
    { signingDate: signedAt, expiresIn: PRESIGN_EXPIRES_SECONDS },
  );
  const query = QUERY_ORDER.flatMap((key) => {
    const value = presigned.query?.[key];
    return typeof value === 'string' ? [`${key}=${rfc3986(value)}`] : [];
  }).join('&');
  const url = `https://${host}/?${query}`;
  return {
    token: new SecretValue(TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url')),
    signedAt,
    expiresAt: new Date(signedAt.getTime() + TOKEN_LIFETIME_MS),
  };
}

/** The regional STS host aws-iam-authenticator expects (never a global or overridden endpoint). */
export function stsHost(region: string): string {
  return `sts.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

/** Throws INVALID_INPUT unless `region` looks like an AWS region (e.g. `eu-west-1`). */
export function assertRegion(region: string): void {
  if (!AWS_REGION_PATTERN.test(region)) {
    throw new KubeshipError('INVALID_INPUT', `"${region}" is not an AWS region name (e.g. us-east-1)`, {
      details: { field: 'region' },
    });
  }
}

/** Throws INVALID_INPUT unless `name` is a valid EKS cluster name. */
export function assertClusterName(name: string): void {
  if (!/^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/.test(name)) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `"${name}" is not an EKS cluster name (1-100 letters, digits, - and _, starting with a letter or digit)`,
      { details: { field: 'clusterName' } },
    );
  }
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
