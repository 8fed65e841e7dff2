import type { DeployObjectsOptions } from '../deploy/types.ts';

// One place for the precedence rules that turn an environment of a kubeship config, and what the
// caller says (flags, the job's parameters, the build), into what to deploy where. The CLI and the
// Lambda example both plan with it, so a value means the same in a buildspec and in a Lambda.

/**
 * The settings of one environment that decide a deploy (the config file's `environments.<name>`;
 * optional fields may be given as undefined, as parsed configs have them).
 */
export interface EnvironmentSettings {
  readonly namespace: string;
  readonly cluster?:
    | { readonly name: string; readonly region?: string | undefined; readonly roleArn?: string | undefined }
    | undefined;
  readonly ssm?:
    | {
        readonly region?: string | undefined;
        readonly paths?: readonly string[] | undefined;
        readonly names?: readonly string[] | undefined;
      }
    | undefined;
  readonly replicas?: number | undefined;
  readonly timeoutSeconds?: number | undefined;
  readonly lockWaitSeconds?: number | undefined;
  readonly rollback?: boolean | undefined;
  /** Allow a release to prune every workload of the app, or most of its objects (`allowMassPrune`). */
  readonly allowMassPrune?: boolean | undefined;
  readonly maxRestarts?: number | undefined;
  readonly unschedulableGraceSeconds?: number | undefined;
}

/** What the caller adds: flags or job parameters (they win over the environment), the build, the runtime. */
export interface EnvironmentInputs {
  /** The exact image to deploy (`--image`, the job's image); wins over any tag. */
  readonly image?: string;
  /** A tag for the app's repository (`--tag`). */
  readonly tag?: string;
  /** The commit being built (CODEBUILD_RESOLVED_SOURCE_VERSION): the tag when none is given. */
  readonly sourceVersion?: string;
  /** The repository the app's images come from: what a tag is applied to. */
  readonly repository?: string;
  /** The runtime's region (AWS_REGION, AWS_DEFAULT_REGION): when the environment names none. */
  readonly region?: string;
  /** Overrides of the environment's own values (`--timeout`, `--wait-for-lock`). */
  readonly timeoutSeconds?: number;
  readonly lockWaitSeconds?: number;
  /** False turns rollback off whatever the environment says (`--no-rollback`). */
  readonly rollback?: boolean;
  /** True allows a mass prune whatever the environment says (`--allow-mass-prune`). */
  readonly allowMassPrune?: boolean;
}

/** Where and how one environment is deployed, all precedence applied. */
export interface EnvironmentPlan {
  readonly namespace: string;
  /** The cluster's region: `cluster.region`, else `ssm.region`, else the runtime's; undefined when none. */
  readonly region?: string;
  /** Where SSM is read: `ssm.region`, else the cluster's, else the runtime's; undefined when none. */
  readonly ssm?: { readonly region: string; readonly paths?: string[]; readonly names?: string[] };
  /** The image to deploy, else a tag that has no repository to go to, else neither (the config's own image). */
  readonly image: { readonly ref: string } | { readonly tagWithoutRepository: string } | undefined;
  readonly replicas?: number;
  readonly timeoutMs: number;
  readonly lockWaitMs: number;
  readonly rollback: boolean;
  /** A release may prune every workload of the app, or most of its objects. */
  readonly allowMassPrune: boolean;
  readonly maxRestarts?: number;
  readonly unschedulableGraceMs?: number;
}

/** A rollout may take this long unless the environment or the caller says otherwise. */
export const DEFAULT_ENVIRONMENT_TIMEOUT_SECONDS = 600;

/**
 * Pure: the plan of one environment. The caller's values win over the environment's, the
 * environment's over the runtime's; an image wins over a tag, a tag over the build's commit.
 */
export function planEnvironment(
  settings: EnvironmentSettings,
  inputs: EnvironmentInputs = {},
): EnvironmentPlan {
  const region = settings.cluster?.region ?? settings.ssm?.region ?? inputs.region;
  const ssmRegion = settings.ssm?.region ?? settings.cluster?.region ?? inputs.region;
  const tag = inputs.tag ?? inputs.sourceVersion;
  const image = inputs.image
    ? { ref: inputs.image }
    : tag
      ? inputs.repository
        ? { ref: `${inputs.repository}:${tag}` }
        : { tagWithoutRepository: tag }
      : undefined;
  const timeoutSeconds =
    inputs.timeoutSeconds ?? settings.timeoutSeconds ?? DEFAULT_ENVIRONMENT_TIMEOUT_SECONDS;
  const grace = settings.unschedulableGraceSeconds;
  return {
    namespace: settings.namespace,
    ...(region ? { region } : {}),
    ...(ssmRegion
      ? {
          ssm: {
            region: ssmRegion,
            ...(settings.ssm?.paths ? { paths: [...settings.ssm.paths] } : {}),
            ...(settings.ssm?.names ? { names: [...settings.ssm.names] } : {}),
          },
        }
      : {}),
    image,
    ...(settings.replicas === undefined ? {} : { replicas: settings.replicas }),
    timeoutMs: timeoutSeconds * 1000,
    lockWaitMs: (inputs.lockWaitSeconds ?? settings.lockWaitSeconds ?? 0) * 1000,
    rollback: inputs.rollback !== false && (settings.rollback ?? true),
    allowMassPrune: inputs.allowMassPrune === true || settings.allowMassPrune === true,
    ...(settings.maxRestarts === undefined ? {} : { maxRestarts: settings.maxRestarts }),
    ...(grace === undefined ? {} : { unschedulableGraceMs: grace * 1000 }),
  };
}

/** The rollout options of a plan, as `deployObjects` takes them. */
export function rolloutOptionsOf(
  plan: EnvironmentPlan,
): Required<Pick<DeployObjectsOptions, 'timeoutMs' | 'rollback' | 'allowMassPrune'>> &
  Pick<DeployObjectsOptions, 'maxRestarts' | 'unschedulableGraceMs'> {
  return {
    timeoutMs: plan.timeoutMs,
    rollback: plan.rollback,
    allowMassPrune: plan.allowMassPrune,
    ...(plan.maxRestarts === undefined ? {} : { maxRestarts: plan.maxRestarts }),
    ...(plan.unschedulableGraceMs === undefined ? {} : { unschedulableGraceMs: plan.unschedulableGraceMs }),
  };
}

export {
  type FleetProblem,
  type FleetSettings,
  type FleetTarget,
  fleetProblems,
  memberSettings,
} from './fleet.ts';
