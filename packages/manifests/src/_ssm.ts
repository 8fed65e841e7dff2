import * as z from 'zod';
import { ManifestError } from './_errors.ts';
import { checkedString } from './_names.ts';

/** A value that comes from SSM Parameter Store; plain data so it works in YAML/JSON config files too. */
export interface SsmReference {
  /** The parameter name, e.g. `/wordpress/test/DB_PASSWORD`. */
  readonly ssm: string;
}

const HIERARCHICAL = /^(\/[a-zA-Z0-9_.-]+)+$/;
const PLAIN = /^[a-zA-Z0-9_.-]+$/;
const SECRETS_MANAGER = /^\/aws\/reference\/secretsmanager\/[a-zA-Z0-9/_+=.@-]+$/;
const PUBLIC = /^\/aws\/service\/[a-zA-Z0-9/_.-]+$/;
const RESERVED = /^\/?(aws|ssm)/i;
const MAX_LENGTH = 2048;
const MAX_DEPTH = 15;

/** Why `name` is not a usable SSM parameter name, or `undefined` when it is. */
function ssmNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'an SSM parameter name must not be empty';
  if (name.length > MAX_LENGTH) return `an SSM parameter name has at most ${MAX_LENGTH} characters`;
  if (SECRETS_MANAGER.test(name) || PUBLIC.test(name)) return undefined;
  if (RESERVED.test(name))
    return "SSM parameter names starting with 'aws' or 'ssm' are reserved (except /aws/reference/secretsmanager/... and /aws/service/...)";
  if (name.startsWith('/')) {
    if (!HIERARCHICAL.test(name))
      return "a hierarchical SSM parameter name is '/'-separated segments of letters, digits, '_', '.' and '-'";
    if (name.split('/').length - 1 > MAX_DEPTH)
      return `an SSM parameter name has at most ${MAX_DEPTH} levels`;
    return undefined;
  }
  return PLAIN.test(name)
    ? undefined
    : "an SSM parameter name starts with '/' (hierarchical) or is a plain name of letters, digits, '_', '.' and '-'";
}

/**
 * A reference to the SSM parameter `parameterName` (a hierarchical `/app/env/NAME`, a plain name, or
 * `/aws/reference/secretsmanager/<secret>`). Throws a `ManifestError` (`INVALID_SSM_NAME`) for a name
 * Parameter Store would refuse.
 */
export function ssm(parameterName: string): SsmReference {
  const problem = typeof parameterName === 'string' ? ssmNameProblem(parameterName) : 'must be a string';
  if (problem !== undefined) {
    throw new ManifestError('INVALID_SSM_NAME', 'invalid SSM parameter name', [
      { path: 'ssm', message: problem, value: parameterName },
    ]);
  }
  return Object.freeze({ ssm: parameterName });
}

/** Whether `value` has the shape of an {@link SsmReference}: an object whose only key is a string `ssm`. */
export function isSsmReference(value: unknown): value is SsmReference {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { ssm?: unknown }).ssm === 'string'
  );
}

/** The zod schema of an SSM reference with a valid name. */
export const ssmReferenceSchema = z.strictObject({ ssm: checkedString(ssmNameProblem) });
