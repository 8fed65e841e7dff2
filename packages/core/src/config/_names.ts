import { KubeshipError } from '../errors.ts';

/** Names under this prefix are Secrets Manager secrets read through Parameter Store (GetParameters only). */
export const SECRETS_MANAGER_PREFIX = '/aws/reference/secretsmanager/';

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DATA_KEY_MAX = 253;

/** True for `/aws/reference/secretsmanager/...` names (with or without a selector). */
export function isSecretsManagerReference(name: string): boolean {
  return name.startsWith(SECRETS_MANAGER_PREFIX);
}

/**
 * Splits a requested name into the parameter it names and its selector (`:3`, `:label`), as SSM does:
 * `/app/db:3` -> `/app/db` + `:3`; an ARN keeps its own colons: `arn:aws:ssm:r:a:parameter/x:2` -> ARN + `:2`.
 */
export function splitSelector(requested: string): { base: string; selector: string | undefined } {
  const fixed = requested.startsWith('arn:') ? 6 : 1;
  const parts = requested.split(':');
  if (parts.length <= fixed) return { base: requested, selector: undefined };
  return { base: parts.slice(0, fixed).join(':'), selector: `:${parts.slice(fixed).join(':')}` };
}

/** `/app/prod/` -> `/app/prod`; `/` stays `/`. */
export function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/**
 * The environment variable name of a parameter read by path: its name relative to `basePath`, segments
 * joined with `_`, uppercased, `-` and `.` turned into `_`. `/app/prod/db/host` under `/app/prod` is
 * `DB_HOST`; `/app/prod/log-level` is `LOG_LEVEL`. Throws INVALID_INPUT when the result is not a
 * C identifier (`[A-Z_][A-Z0-9_]*`) or the parameter is not under `basePath`.
 */
export function envNameFor(parameterName: string, basePath: string): string {
  const result = tryEnvNameFor(parameterName, basePath);
  if (typeof result === 'string') return result;
  throw new KubeshipError('INVALID_INPUT', result.problem, {
    details: { parameter: parameterName, basePath },
  });
}

/** {@link envNameFor} without throwing: the name, or why there is none. */
export function tryEnvNameFor(parameterName: string, basePath: string): string | { problem: string } {
  const base = normalizePath(basePath);
  const prefix = base === '/' ? '/' : `${base}/`;
  if (!parameterName.startsWith(prefix) || parameterName.length === prefix.length) {
    return { problem: `SSM parameter ${parameterName} is not under the path ${base}` };
  }
  const relative = parameterName.slice(prefix.length);
  const envName = relative
    .split('/')
    .filter((segment) => segment !== '')
    .join('_')
    .toUpperCase()
    .replace(/[-.]/g, '_');
  if (!ENV_NAME.test(envName)) {
    return {
      problem:
        `SSM parameter ${parameterName} maps to "${envName}", which is not a valid environment variable ` +
        'name ([A-Z_][A-Z0-9_]*): rename the parameter',
    };
  }
  return envName;
}

/**
 * The data key of an explicitly named parameter (an `ssm(...)` reference): `ssm` followed by the name
 * with `/` turned into `.` and any other character a key cannot hold into `_`, e.g.
 * `/aws/reference/secretsmanager/prod/db` -> `ssm.aws.reference.secretsmanager.prod.db`. Such keys always
 * contain a `.`, so they never equal the env-var keys of path-based parameters.
 */
export function explicitKeyFor(requested: string): string | { problem: string } {
  const rooted = requested.startsWith('/') ? requested : `/${requested}`;
  const key = `ssm${rooted.replaceAll('/', '.').replace(/[^-._a-zA-Z0-9]/g, '_')}`;
  if (key.length > DATA_KEY_MAX) {
    return { problem: `SSM parameter name ${requested} is too long to be a ConfigMap/Secret key` };
  }
  return key;
}

/** What `resolveConfig` is asked for, checked before any request is made. */
export interface ConfigRequest {
  readonly paths: readonly string[];
  readonly names: readonly string[];
  readonly app: string;
  readonly namespace: string;
}

/**
 * Validates and normalizes a request: paths absolute, not Secrets Manager references, not nested in
 * each other (a parameter would get two env names); names non-empty; app and namespace DNS labels.
 * Every problem is reported in one INVALID_INPUT error.
 */
export function validateRequest(request: ConfigRequest): { paths: string[]; names: string[] } {
  const problems: string[] = [];
  if (!DNS_LABEL.test(request.app) || request.app.length > 63) {
    problems.push(`app "${request.app}" must be a DNS label (lowercase letters, digits, "-"; at most 63)`);
  }
  if (!DNS_LABEL.test(request.namespace) || request.namespace.length > 63) {
    problems.push(`namespace "${request.namespace}" must be a DNS label`);
  }
  const paths = [...new Set(request.paths.map(normalizePath))];
  for (const path of paths) {
    if (!path.startsWith('/')) problems.push(`SSM path "${path}" must start with "/"`);
    else if (isSecretsManagerReference(`${path}/`)) {
      problems.push(
        `SSM path ${path} is a Secrets Manager reference, which cannot be read by path: name each secret`,
      );
    }
  }
  for (const a of paths) {
    for (const b of paths) {
      if (a !== b && (a === '/' || b.startsWith(`${a}/`))) {
        problems.push(`SSM paths ${a} and ${b} overlap: a parameter would be read twice under two names`);
      }
    }
  }
  const names = [...new Set(request.names)];
  for (const name of names) {
    if (name.trim() === '' || name !== name.trim())
      problems.push(`SSM parameter name "${name}" is not valid`);
  }
  if (problems.length > 0) {
    throw new KubeshipError('INVALID_INPUT', `Invalid configuration request:\n- ${problems.join('\n- ')}`, {
      details: { problems },
    });
  }
  return { paths, names };
}
