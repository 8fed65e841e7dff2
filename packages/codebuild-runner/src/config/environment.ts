import { KubeshipError } from '@kubeship/core/errors';
import type { EnvironmentConfig, KubeshipConfig } from './schema.ts';

/** The CodeBuild facts kubeship uses, read from the build's environment variables. */
export interface BuildContext {
  /** The commit being built (CODEBUILD_RESOLVED_SOURCE_VERSION): the default image tag. */
  readonly sourceVersion?: string;
  /** CODEBUILD_BUILD_ID: the deploy lease holder and part of the change cause. */
  readonly buildId?: string;
  /** CODEBUILD_INITIATOR: who started the build (e.g. codepipeline/wordpress). */
  readonly initiator?: string;
  /** AWS_REGION or AWS_DEFAULT_REGION. */
  readonly region?: string;
}

/** Reads the build context from environment variables. */
export function buildContext(env: Readonly<Record<string, string | undefined>>): BuildContext {
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  const context = {
    sourceVersion: pick('CODEBUILD_RESOLVED_SOURCE_VERSION'),
    buildId: pick('CODEBUILD_BUILD_ID'),
    initiator: pick('CODEBUILD_INITIATOR'),
    region: pick('AWS_REGION', 'AWS_DEFAULT_REGION'),
  };
  return Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined)) as BuildContext;
}

/** The environment named by `--env` or KUBESHIP_ENV, with its name. */
export function selectEnvironment(
  config: KubeshipConfig,
  file: string,
  name: string | undefined,
): { name: string; environment: EnvironmentConfig } {
  const names = Object.keys(config.environments);
  const chosen = name ?? (names.length === 1 ? names[0] : undefined);
  if (!chosen) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `${file} has environments ${names.join(', ')}: choose one with --env or KUBESHIP_ENV`,
      {
        details: { file, environments: names },
      },
    );
  }
  const environment = config.environments[chosen];
  if (!environment) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `${file} has no environment "${chosen}" (it has ${names.join(', ')})`,
      {
        details: { file, environment: chosen, environments: names },
      },
    );
  }
  return { name: chosen, environment };
}

/** The change cause recorded on the Deployment: what is deployed, from which commit, by which build. */
export function changeCause(image: string | undefined, context: BuildContext): string {
  const parts = [`kubeship deploy${image ? ` ${image}` : ''}`];
  if (context.sourceVersion) parts.push(`commit ${context.sourceVersion}`);
  if (context.buildId) parts.push(`build ${context.buildId}`);
  if (context.initiator) parts.push(`by ${context.initiator}`);
  return parts.join(', ');
}
