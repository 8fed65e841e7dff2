import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Credentials the testbed knows, by access key id, and the principal they belong to. */
export interface KnownCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** The caller's ARN as STS would report it (an assumed-role ARN for role sessions). */
  readonly arn: string;
}

/** What a verified token proves. */
export interface TokenIdentity {
  readonly arn: string;
  /** The ARN access entries are keyed by: assumed-role ARNs become their role ARN. */
  readonly canonicalArn: string;
  readonly accessKeyId: string;
  readonly accountId: string;
  readonly sessionName?: string;
}

export type TokenVerdict = { ok: true; identity: TokenIdentity } | { ok: false; reason: string };

export interface VerifyOptions {
  readonly clusterName: string;
  readonly region: string;
  readonly now: Date;
  readonly lookup: (accessKeyId: string) => KnownCredentials | undefined;
}

const PREFIX = 'k8s-aws-v1.';
const LIFETIME_MS = 15 * 60 * 1000;
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const ALLOWED_QUERY_KEYS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);
const CLUSTER_HEADER = 'x-k8s-aws-id';
const EMPTY_PAYLOAD_SHA256 = createHash('sha256').update('').digest('hex');

/**
 * Verifies an EKS bearer token the way aws-iam-authenticator does, but offline: instead of
 * forwarding the presigned GetCallerIdentity URL to STS, it recomputes the SigV4 query
 * signature with credentials the testbed knows. Pure: the clock and the credentials are given.
 */
export function verifyEksToken(token: string, options: VerifyOptions): TokenVerdict {
  const fail = (reason: string): TokenVerdict => ({ ok: false, reason });
  if (!token.startsWith(PREFIX)) return fail('token does not start with k8s-aws-v1.');
  const encoded = token.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return fail('token is not base64url without padding');
  let url: URL;
  try {
    url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return fail('token does not decode to a URL');
  }
  if (url.protocol !== 'https:') return fail('presigned URL is not https');
  if (url.pathname !== '/') return fail('presigned URL path is not /');
  if (url.port !== '' || url.username !== '' || url.hash !== '')
    return fail('presigned URL has unexpected parts');
  const allowedHosts = new Set([`sts.${options.region}.amazonaws.com`]);
  if (options.region === 'us-east-1') allowedHosts.add('sts.amazonaws.com');
  if (!allowedHosts.has(url.hostname)) return fail(`STS host ${url.hostname} is not allowed`);

  const query = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    const lower = key.toLowerCase();
    if (!ALLOWED_QUERY_KEYS.has(lower)) return fail(`query parameter ${key} is not allowed`);
    if (query.has(lower)) return fail(`query parameter ${key} is repeated`);
    query.set(lower, value);
  }
  if (query.get('action') !== 'GetCallerIdentity') return fail('action is not GetCallerIdentity');
  if (query.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') return fail('algorithm is not AWS4-HMAC-SHA256');

  const signedHeaders = (query.get('x-amz-signedheaders') ?? '').split(';');
  if (!signedHeaders.includes(CLUSTER_HEADER)) return fail(`${CLUSTER_HEADER} is not a signed header`);
  const headerValues: Record<string, string> = { host: url.host, [CLUSTER_HEADER]: options.clusterName };
  for (const header of signedHeaders) {
    if (!(header in headerValues)) return fail(`signed header ${header} cannot be verified`);
  }

  const expires = Number(query.get('x-amz-expires'));
  if (!Number.isInteger(expires) || expires <= 0 || expires > 900) return fail('X-Amz-Expires is not 1..900');
  const amzDate = query.get('x-amz-date') ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) return fail('X-Amz-Date is malformed');
  const age = options.now.getTime() - signedAt.getTime();
  if (age > LIFETIME_MS) return fail('token expired');
  if (age < -MAX_CLOCK_SKEW_MS) return fail('token is dated in the future');

  const [accessKeyId, scopeDate, scopeRegion, scopeService, scopeTerminator, ...rest] = (
    query.get('x-amz-credential') ?? ''
  ).split('/');
  if (!accessKeyId || rest.length > 0 || scopeService !== 'sts' || scopeTerminator !== 'aws4_request') {
    return fail('X-Amz-Credential is malformed');
  }
  if (scopeDate !== amzDate.slice(0, 8)) return fail('credential scope date does not match X-Amz-Date');
  if (scopeRegion !== options.region)
    return fail(`credential scope region ${scopeRegion} is not ${options.region}`);
  const credentials = options.lookup(accessKeyId);
  if (!credentials) return fail('unknown access key');
  if ((credentials.sessionToken ?? '') !== (query.get('x-amz-security-token') ?? '')) {
    return fail('security token does not match the credentials');
  }

  const canonicalQuery = [...url.searchParams]
    .filter(([key]) => key.toLowerCase() !== 'x-amz-signature')
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders.map((header) => `${header}:${headerValues[header]}\n`).join('');
  const canonicalRequest = [
    'GET',
    '/',
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(';'),
    EMPTY_PAYLOAD_SHA256,
  ].join('\n');
  const scope = `${scopeDate}/${scopeRegion}/sts/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${credentials.secretAccessKey}`, scopeDate);
  for (const part of [scopeRegion, 'sts', 'aws4_request']) key = hmac(key, part);
  const expected = Buffer.from(hmac(key, stringToSign).toString('hex'));
  const actual = Buffer.from(query.get('x-amz-signature') ?? '');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    return fail('signature mismatch');

  return { ok: true, identity: identityOf(credentials) };
}

/** Canonicalises a caller ARN: `arn:aws:sts::A:assumed-role/R/S` becomes `arn:aws:iam::A:role/R`. */
export function canonicalPrincipalArn(arn: string): {
  canonicalArn: string;
  accountId: string;
  sessionName?: string;
} {
  const match = /^arn:(aws[\w-]*):(sts|iam)::(\d{12}):(.+)$/.exec(arn);
  if (!match) throw new Error(`not a principal ARN: ${arn}`);
  const [, partition, service, accountId, resource] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  const assumed = /^assumed-role\/([^/]+)\/(.+)$/.exec(resource);
  if (service === 'sts' && assumed) {
    return {
      canonicalArn: `arn:${partition}:iam::${accountId}:role/${assumed[1]}`,
      accountId,
      sessionName: assumed[2] as string,
    };
  }
  return { canonicalArn: arn, accountId };
}

function identityOf(credentials: KnownCredentials): TokenIdentity {
  const { canonicalArn, accountId, sessionName } = canonicalPrincipalArn(credentials.arn);
  return {
    arn: credentials.arn,
    canonicalArn,
    accountId,
    accessKeyId: credentials.accessKeyId,
    ...(sessionName === undefined ? {} : { sessionName }),
  };
}

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function hmac(key: string | Buffer, value: string): Buffer {
  return createHmac('sha256', key).update(value).digest();
}
