// Turns zod issues into ManifestIssues: one per problem, with a readable path, rule and (safe) value.
import type * as z from 'zod';
import type { ManifestIssue } from './_errors.ts';
import { formatPath } from './_path.ts';

type ZodIssue = z.core.$ZodIssue;

/** Parse options that make zod report the input and word its default messages our way. */
export const PARSE_OPTIONS = { reportInput: true, error: messageFor } as const;

/**
 * Maps zod issues; `prefix` starts every path, and `hideValue` says which paths hold values that must
 * never be shown (Secret data).
 */
export function toManifestIssues(
  issues: readonly ZodIssue[],
  options: { prefix?: string; hideValue?: (path: readonly PropertyKey[]) => boolean } = {},
): ManifestIssue[] {
  const hide = options.hideValue ?? (() => false);
  const issue = (path: readonly PropertyKey[], message: string, value: unknown, hasValue: boolean) => ({
    path: formatPath(path, options.prefix),
    message,
    ...(hasValue && value !== undefined && !hide(path) ? { value } : {}),
  });
  const map = (list: readonly ZodIssue[], base: readonly PropertyKey[]): ManifestIssue[] =>
    list.flatMap((item): ManifestIssue[] => {
      const path = [...base, ...item.path];
      switch (item.code) {
        case 'invalid_union': {
          const branch = bestBranch(item.errors);
          return branch ? map(branch, path) : [issue(path, item.message, item.input, 'input' in item)];
        }
        case 'invalid_key':
          return [issue(path, item.issues[0]?.message ?? item.message, item.input, true)];
        case 'unrecognized_keys': {
          const input = item.input as Record<string, unknown> | undefined;
          return item.keys.map((key) => issue([...path, key], 'unknown field', input?.[key], true));
        }
        default:
          return [issue(path, item.message, item.input, 'input' in item)];
      }
    });
  return map(issues, []);
}

// The one union branch that got past the type check (its issues are all below the root), if exactly one did.
function bestBranch(branches: readonly (readonly ZodIssue[])[]): readonly ZodIssue[] | undefined {
  const matched = branches.filter((issues) => issues.every((issue) => issue.path.length > 0));
  return matched.length === 1 ? matched[0] : undefined;
}

function messageFor(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `expected ${issue.expected}, got ${typeName(issue.input)}`;
    case 'too_small':
      return bound('at least', 'more than', issue.origin, issue.minimum, issue.inclusive);
    case 'too_big':
      return bound('at most', 'less than', issue.origin, issue.maximum, issue.inclusive);
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
}

function bound(
  inclusiveWord: string,
  exclusiveWord: string,
  origin: string,
  limit: number | bigint,
  inclusive: boolean | undefined,
): string {
  const word = inclusive === false ? exclusiveWord : inclusiveWord;
  if (origin === 'string')
    return limit === 1 && word === 'at least' ? 'must not be empty' : `must have ${word} ${limit} characters`;
  if (origin === 'array' || origin === 'set')
    return `must have ${word} ${limit} item${limit === 1 ? '' : 's'}`;
  return `must be ${word} ${limit}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'a fractional number';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
