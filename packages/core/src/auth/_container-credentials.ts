// The credentials a CodeBuild or ECS container (or EKS Pod Identity's agent) serves its role's
// session on: one GET to a link-local or loopback endpoint, JSON back. Read here so that
// `kubeship token`, which kubectl runs before each of its commands, answers without loading the
// AWS SDK's credentials chain and core; any failure is left to that chain (defaultCredentials).
import { readFile } from 'node:fs/promises';
import type { AwsCredentialIdentity } from './_token.ts';

// Taken from Node without an ES import: the module facade an import builds reads every export of
// node:http, and its lazy WebSocket getters load Node's own copy of undici (~40 ms of the 60 ms
// `kubeship token` otherwise takes).
const { request } = process.getBuiltinModule('node:http');

/** Where the environment's container endpoint is, as the SDK's container provider finds it. */
const ECS_HOST = 'http://169.254.170.2';
/** The hosts a plain-HTTP endpoint may have (ECS, EKS Pod Identity, loopback): nothing else is asked. */
const LOCAL_HOST =
  /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]|169\.254\.170\.2|169\.254\.170\.23|\[fd00:ec2::23\])$/;
/** How long the endpoint may take (the SDK's own bound); the chain is asked after it. */
const TIMEOUT_MS = 1000;

/**
 * The URL of the container credentials endpoint the environment names
 * (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, as CodeBuild and ECS set it, or a FULL_URI on a local
 * host over HTTP), or undefined.
 */
export function containerEndpoint(env: NodeJS.ProcessEnv): URL | undefined {
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  if (relative) return URL.canParse(`${ECS_HOST}${relative}`) ? new URL(`${ECS_HOST}${relative}`) : undefined;
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (!full || !URL.canParse(full)) return undefined;
  const url = new URL(full);
  return url.protocol === 'http:' && LOCAL_HOST.test(url.hostname) ? url : undefined;
}

/**
 * The credentials `endpoint` serves, with the authorization the environment holds
 * (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE before AWS_CONTAINER_AUTHORIZATION_TOKEN). Throws on
 * anything else than a 200 with the four fields (the caller then asks the SDK's chain).
 */
export async function containerCredentials(
  endpoint: URL,
  env: NodeJS.ProcessEnv,
): Promise<AwsCredentialIdentity> {
  const authorization = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
    ? await readFile(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, 'utf8')
    : env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  const answer = JSON.parse(await get(endpoint, authorization)) as Record<string, unknown>;
  const { AccessKeyId, SecretAccessKey, Token, Expiration } = answer;
  if (
    typeof AccessKeyId !== 'string' ||
    typeof SecretAccessKey !== 'string' ||
    typeof Token !== 'string' ||
    typeof Expiration !== 'string' ||
    Number.isNaN(Date.parse(Expiration))
  )
    throw new Error('the container credentials endpoint answered without credentials');
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: Token,
    expiration: new Date(Expiration),
  };
}

function get(url: URL, authorization: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const sent = request(url, {
      method: 'GET',
      timeout: TIMEOUT_MS,
      headers: authorization === undefined ? {} : { authorization },
    });
    sent.on('timeout', () => sent.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    sent.on('error', reject);
    sent.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('error', reject);
      response.on('end', () =>
        response.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${response.statusCode}`)),
      );
    });
    sent.end();
  });
}
