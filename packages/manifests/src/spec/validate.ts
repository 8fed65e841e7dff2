import { manifestError, throwIfAny } from '../_errors.ts';
import type { PathSegment } from '../_path.ts';
import { isSsmReference } from '../_ssm.ts';
import { PARSE_OPTIONS, toManifestIssues } from '../_zod-issues.ts';
import { type AppSpec, appSchema, type ValidApp } from './app.ts';
import { containersOf } from './resolve.ts';
import { appIssues } from './rules.ts';

/**
 * Checks an application spec (from a `kubeship.config.ts`, or parsed JSON/YAML) and returns it with every
 * default filled in. Throws one `ManifestError` (`INVALID_SPEC`) listing every problem; `source` (a file
 * name) goes into the error. Schema problems are reported first; rules spanning fields (ports that no
 * container exposes, duplicate names, backends naming no Service...) once the shape is right.
 */
export function validateApp(spec: unknown, source?: string): ValidApp {
  const parsed = appSchema.safeParse(spec, PARSE_OPTIONS);
  const summary = 'invalid application spec';
  if (!parsed.success) {
    const issues = toManifestIssues(parsed.error.issues, { hideValue: (path) => path[0] === 'secrets' });
    throw manifestError('INVALID_SPEC', summary, issues, { file: source });
  }
  throwIfAny('INVALID_SPEC', summary, appIssues(parsed.data), { file: source });
  return parsed.data;
}

/**
 * Declares an application spec in a `kubeship.config.ts`: returns `spec` unchanged, typed, after checking it
 * (throws a `ManifestError` listing every problem, so a bad config fails when it is loaded).
 */
export function defineApp(spec: AppSpec): AppSpec {
  validateApp(spec);
  return spec;
}

/** One place the spec reads an SSM parameter. */
export interface SsmUse {
  readonly parameter: string;
  /** The path of the env var, e.g. `['env', 'DB_PASSWORD']` or `['sidecars', 0, 'env', 'TOKEN']`. */
  readonly path: readonly PathSegment[];
}

/** Every env var of a valid app that comes from SSM, in container and env order. */
export function ssmUses(app: ValidApp): SsmUse[] {
  return containersOf(app).flatMap((container) =>
    Object.entries(container.env ?? {}).flatMap(([name, value]) =>
      isSsmReference(value) ? [{ parameter: value.ssm, path: [...container.path, 'env', name] }] : [],
    ),
  );
}

/**
 * The SSM parameter names a spec references (unique, sorted): what core must read before rendering.
 * Throws a `ManifestError` when the spec is invalid.
 */
export function ssmReferences(spec: AppSpec): string[] {
  return [...new Set(ssmUses(validateApp(spec)).map((use) => use.parameter))].sort();
}
