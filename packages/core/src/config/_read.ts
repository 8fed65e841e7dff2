import {
  GetParametersByPathCommand,
  GetParametersCommand,
  type Parameter,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { SecretValue } from '../_secret-value.ts';
import { lastNetworkCause, networkCause, recordEndpoint } from '../auth/_aws-requests.ts';
import { KubeshipError } from '../errors.ts';
import { isSecretsManagerReference, SECRETS_MANAGER_PREFIX, splitSelector } from './_names.ts';
import type { ParameterProblem, PathParameters, SsmParameterType, SsmParameterValue } from './_types.ts';

/** Requests in flight at once by default: with SSM's ~50 ms latency this stays under its 40 TPS default. */
export const DEFAULT_MAX_CONCURRENCY = 4;
/** `GetParameters` accepts at most 10 names per call. */
export const NAMES_PER_CALL = 10;
const PAGE_SIZE = 10;
const MAX_PAGES = 10_000;
const TYPES: ReadonlySet<string> = new Set<SsmParameterType>(['String', 'StringList', 'SecureString']);
const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
  'ExpiredToken',
  'ExpiredTokenException',
]);

/** What to read. */
export interface ReadRequest {
  readonly paths: readonly string[];
  readonly names: readonly string[];
  readonly maxConcurrency?: number;
  readonly signal?: AbortSignal;
}

/** Everything read, by path and by name (in the order asked). */
export interface ReadResult {
  readonly byPath: readonly PathParameters[];
  readonly byName: readonly SsmParameterValue[];
}

/**
 * Runs at most `max` tasks at a time; a finished task hands its slot straight to the next waiter,
 * so the limit holds even when new tasks arrive meanwhile.
 */
export function concurrencyLimit(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
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

type ErrorKind = 'access-denied' | 'kms' | 'rejected' | 'credentials' | 'aborted' | 'other';

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function classify(error: unknown): ErrorKind {
  const name = errorName(error);
  if (name === 'AbortError') return 'aborted';
  if (name === 'AccessDeniedException') return 'access-denied';
  if (name === 'InvalidKeyId' || name.startsWith('KMS')) return 'kms';
  if (name === 'ValidationException' || name === 'ParameterNotFound' || name === 'ParameterVersionNotFound') {
    return 'rejected';
  }
  if (CREDENTIAL_ERRORS.has(name)) return 'credentials';
  return 'other';
}

/**
 * AWS's error name and, for service errors, its message (server-written, never a value). Other errors'
 * messages are left out: a deserialization error can quote the response body, which holds values.
 */
function describe(error: unknown): string {
  const name = errorName(error);
  const isServiceError = typeof error === 'object' && error !== null && '$fault' in error;
  return isServiceError && error instanceof Error && error.message ? `${name}: ${error.message}` : name;
}

/** The change-detection revision; for a Secrets Manager reference, the secret's version id. */
function revisionOf(parameter: Parameter, requested: string): string {
  if (isSecretsManagerReference(requested) && parameter.SourceResult) {
    try {
      // SourceResult is the GetSecretValue response and holds SecretString: read the id, keep nothing else.
      const source = JSON.parse(parameter.SourceResult) as {
        VersionId?: unknown;
        VersionIdsToStages?: Record<string, unknown>;
      };
      if (typeof source.VersionId === 'string') return `secretsmanager:${source.VersionId}`;
      const current = Object.entries(source.VersionIdsToStages ?? {}).find(
        ([, stages]) => Array.isArray(stages) && stages.includes('AWSCURRENT'),
      );
      if (current) return `secretsmanager:${current[0]}`;
    } catch {
      // fall through to the modification date
    }
  }
  if (isSecretsManagerReference(requested) && parameter.LastModifiedDate) {
    return `modified:${parameter.LastModifiedDate.toISOString()}`;
  }
  return String(parameter.Version ?? 0);
}

function toValue(parameter: Parameter, name: string): SsmParameterValue {
  const type = parameter.Type ?? '';
  if (!TYPES.has(type)) {
    throw new KubeshipError('API_ERROR', `SSM returned parameter ${name} with unexpected type "${type}"`, {
      details: { parameter: name, type },
    });
  }
  return {
    name,
    type: type as SsmParameterType,
    version: parameter.Version ?? 0,
    revision: revisionOf(parameter, name),
    value: new SecretValue(parameter.Value ?? ''),
  };
}

/** Whether `parameter` from a GetParameters response is the one asked for as `requested`. */
export function answers(requested: string, parameter: Parameter): boolean {
  const { base, selector } = splitSelector(requested);
  if (selector !== undefined) {
    if (parameter.Selector !== undefined && parameter.Selector !== selector) return false;
    if (parameter.Selector === undefined && /^:\d+$/.test(selector)) {
      if (parameter.Version !== Number(selector.slice(1))) return false;
    }
  }
  if (parameter.Name === base || parameter.ARN === base) return true;
  // Some implementations name a Secrets Manager reference by the secret's own name.
  if (isSecretsManagerReference(base) && parameter.Name === base.slice(SECRETS_MANAGER_PREFIX.length)) {
    return true;
  }
  if (base.startsWith('arn:')) {
    const path = (base.split(':')[5] ?? '').replace(/^parameter/, '');
    return parameter.Name === path || parameter.Name === path.slice(1);
  }
  return false;
}

/**
 * Reads every path (`GetParametersByPath`, recursive, decrypted, all pages) and every name
 * (`GetParameters` in chunks of {@link NAMES_PER_CALL}, decrypted), at most `maxConcurrency` requests in
 * flight. Collects every problem (missing names, empty paths, denied access, KMS failures) and throws
 * them together once everything has been tried: AWS_CREDENTIALS when all of them are access denials,
 * SSM_PARAMETERS_MISSING otherwise. Errors name parameters and paths, never values.
 */
export async function readParameters(client: SSMClient, request: ReadRequest): Promise<ReadResult> {
  const limit = concurrencyLimit(request.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
  const signal = request.signal;
  const endpoint = recordEndpoint(client, 'the SSM endpoint');
  const problems: ParameterProblem[] = [];
  const failures: Array<{ error: unknown; what: string; operation: string }> = [];
  const call = <T>(send: (options: { abortSignal?: AbortSignal }) => Promise<T>) =>
    limit(async () => {
      signal?.throwIfAborted();
      return send(signal ? { abortSignal: signal } : {});
    });

  const attributable = (kind: ErrorKind) => kind === 'access-denied' || kind === 'kms' || kind === 'rejected';
  const problemFor = (name: string, kind: 'parameter' | 'path', error: unknown): ParameterProblem => {
    const errorKind = classify(error);
    const reason: ParameterProblem['reason'] =
      errorKind === 'access-denied' || errorKind === 'kms'
        ? errorKind
        : /^Parameter(Version)?NotFound$/.test(errorName(error))
          ? 'not-found'
          : 'rejected';
    return { name, kind, reason, detail: describe(error) };
  };

  async function readPath(path: string): Promise<PathParameters> {
    const found: SsmParameterValue[] = [];
    try {
      let token: string | undefined;
      for (let page = 1; ; page++) {
        const input = {
          Path: path,
          Recursive: true,
          WithDecryption: true,
          MaxResults: PAGE_SIZE,
          ...(token === undefined ? {} : { NextToken: token }),
        };
        const output = await call((options) => client.send(new GetParametersByPathCommand(input), options));
        for (const parameter of output.Parameters ?? []) {
          if (!parameter.Name) throw new KubeshipError('API_ERROR', `SSM returned a nameless parameter`);
          found.push(toValue(parameter, parameter.Name));
        }
        const next = output.NextToken || undefined;
        if (next === undefined) break;
        if (next === token || page >= MAX_PAGES) {
          throw new KubeshipError('API_ERROR', `SSM kept paging without end reading the path ${path}`, {
            details: { path },
          });
        }
        token = next;
      }
      if (found.length === 0) problems.push({ name: path, kind: 'path', reason: 'empty-path' });
    } catch (error) {
      if (attributable(classify(error))) problems.push(problemFor(path, 'path', error));
      else failures.push({ error, what: `path ${path}`, operation: 'GetParametersByPath' });
    }
    return { path, parameters: found };
  }

  const byName = new Map<string, SsmParameterValue>();
  async function readNames(names: readonly string[]): Promise<void> {
    try {
      const input = { Names: [...names], WithDecryption: true };
      const output = await call((options) => client.send(new GetParametersCommand(input), options));
      const invalid = new Set(output.InvalidParameters ?? []);
      const returned = output.Parameters ?? [];
      for (const name of names) {
        const parameter = invalid.has(name) ? undefined : returned.find((p) => answers(name, p));
        if (parameter) byName.set(name, toValue(parameter, name));
        else problems.push({ name, kind: 'parameter', reason: 'not-found' });
      }
    } catch (error) {
      const kind = classify(error);
      if (attributable(kind) && names.length > 1) {
        // One unreadable name fails the whole call: ask one by one to say which.
        await Promise.all(names.map((name) => readNames([name])));
      } else if (attributable(kind)) {
        problems.push(problemFor(names[0] ?? '', 'parameter', error));
      } else {
        failures.push({ error, what: `parameters ${names.join(', ')}`, operation: 'GetParameters' });
      }
    }
  }

  const chunks: string[][] = [];
  for (let i = 0; i < request.names.length; i += NAMES_PER_CALL) {
    chunks.push(request.names.slice(i, i + NAMES_PER_CALL));
  }
  const [byPath] = await Promise.all([
    Promise.all(request.paths.map(readPath)),
    Promise.all(chunks.map(readNames)),
  ]);

  const failure = failures[0];
  if (failure) throw fatalError(failure, endpoint(), signal, lastNetworkCause(client));
  if (problems.length > 0) throw problemsError(problems);
  return {
    byPath,
    byName: request.names.flatMap((name) => {
      const value = byName.get(name);
      return value ? [value] : [];
    }),
  };
}

function fatalError(
  failure: { error: unknown; what: string; operation: string },
  endpoint: string,
  signal: AbortSignal | undefined,
  lastCause: string | undefined,
): KubeshipError {
  const { error, what, operation } = failure;
  if (error instanceof KubeshipError) return error;
  const call = `SSM ${operation} (${what}) at ${endpoint}`;
  const details = { service: 'SSM', operation, endpoint, awsError: errorName(error) };
  const deadline = signal?.aborted
    ? (signal.reason as { name?: unknown; message?: unknown } | undefined)
    : undefined;
  if (deadline?.name === 'TimeoutError') {
    const last = lastCause ? `; the last attempt: ${lastCause}` : '';
    return new KubeshipError('AWS_UNREACHABLE', `${call} failed: ${String(deadline.message)}${last}`, {
      details,
    });
  }
  const kind = classify(error);
  if (kind === 'aborted' || signal?.aborted) {
    return new KubeshipError('INTERRUPTED', `Reading SSM ${what} was interrupted`);
  }
  const description = describe(error);
  if (errorName(error) === 'CredentialsProviderError') {
    return new KubeshipError(
      'AWS_CREDENTIALS',
      `no AWS credentials were found to read SSM ${what} (looked in the environment, profiles, web identity, container and instance role)`,
      { details },
    );
  }
  if (kind === 'credentials') {
    return new KubeshipError('AWS_CREDENTIALS', `AWS refused the credentials for ${call} (${description})`, {
      details,
    });
  }
  const unreachable = networkCause(error);
  return new KubeshipError(
    unreachable ? 'AWS_UNREACHABLE' : 'API_ERROR',
    `${call} failed: ${unreachable ?? description}`,
    {
      details,
    },
  );
}

const REASONS: Record<ParameterProblem['reason'], string> = {
  'not-found': 'not found',
  'empty-path': 'no parameters under this path',
  'access-denied': 'access denied',
  kms: 'could not be decrypted (KMS)',
  rejected: 'rejected by SSM',
};

function problemsError(problems: ParameterProblem[]): KubeshipError {
  const sorted = [...problems].sort(
    (a, b) => a.kind.localeCompare(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const lines = sorted.map(
    (p) => `${p.kind} ${p.name}: ${REASONS[p.reason]}${p.detail === undefined ? '' : ` (${p.detail})`}`,
  );
  const denied = sorted.every((p) => p.reason === 'access-denied');
  const message = denied
    ? `Access to ${sorted.length} SSM parameter(s) or path(s) was denied:\n- ${lines.join('\n- ')}`
    : `${sorted.length} SSM parameter(s) or path(s) are missing or unreadable:\n- ${lines.join('\n- ')}`;
  return new KubeshipError(denied ? 'AWS_CREDENTIALS' : 'SSM_PARAMETERS_MISSING', message, {
    details: { problems: sorted },
  });
}
