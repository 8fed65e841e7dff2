// AWS Signature Version 4 for a presigned GET of `https://<host>/` without a body (the
// authentication is in the query string), the one kind of request the EKS token needs. It is ours
// rather than @smithy/signature-v4 because that signer loads @smithy/core (~190 KB of bundled
// code), which `kubeship token` paid on every kubectl command; the hashing is node:crypto's. The
// golden tokens of awscli v1 (_token.test.ts) and the testbed's token webhook check the bytes.
import { createHash, createHmac } from 'node:crypto';

/** What is signed: the request, the signer's keys and the moment of signing. */
export interface PresignedGet {
  /** Host of the URL; signed as the `host` header. */
  readonly host: string;
  /** The request's own query parameters (the X-Amz-* ones are added). */
  readonly query: Readonly<Record<string, string>>;
  /** Further headers the client must send, signed; lowercase names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly region: string;
  readonly service: string;
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** X-Amz-Date; milliseconds are dropped. */
  readonly signedAt: Date;
  /** X-Amz-Expires, in seconds. */
  readonly expiresInSeconds: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** SHA-256 of the empty body, in hex. */
const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * The query parameters of the presigned URL: the request's own, X-Amz-Algorithm, -Credential,
 * -Date, -Expires, -SignedHeaders, -Security-Token (when the credentials carry a session token)
 * and X-Amz-Signature, unencoded. Pure: the same input always gives the same signature.
 */
export function presignGet(request: PresignedGet): Record<string, string> {
  const { credentials } = request;
  const amzDate = request.signedAt
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${request.region}/${request.service}/aws4_request`;
  const headers = canonicalHeaders({ ...request.headers, host: request.host });
  const signedHeaders = Object.keys(headers).join(';');
  const query: Record<string, string> = {
    ...request.query,
    'X-Amz-Algorithm': ALGORITHM,
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(request.expiresInSeconds),
    'X-Amz-SignedHeaders': signedHeaders,
    ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
  };
  const canonicalRequest = [
    'GET',
    '/',
    canonicalQuery(query),
    ...Object.entries(headers).map(([name, value]) => `${name}:${value}`),
    '',
    signedHeaders,
    EMPTY_BODY_SHA256,
  ].join('\n');
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = [request.region, request.service, 'aws4_request'].reduce(
    (key, part) => hmac(key, part),
    hmac(`AWS4${credentials.secretAccessKey}`, day),
  );
  return { ...query, 'X-Amz-Signature': hmac(signingKey, stringToSign).toString('hex') };
}

/** RFC 3986 percent-encoding, as SigV4 wants it (only A-Z a-z 0-9 - _ . ~ stay as they are). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Lowercase names in code-point order; in values, runs of blanks and line breaks made one space, then trimmed. */
function canonicalHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const entries = Object.entries(headers).map(
    ([name, value]) => [name.toLowerCase(), value.replace(/[\r\n\t ]+/g, ' ').replace(/^ | $/g, '')] as const,
  );
  return Object.fromEntries(entries.sort(([a], [b]) => compare(a, b)));
}

/** Encoded `key=value` pairs in code-point order of the encoded keys. */
function canonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.entries(query)
    .map(([key, value]) => [uriEncode(key), uriEncode(value)] as const)
    .sort(([a], [b]) => compare(a, b))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}
