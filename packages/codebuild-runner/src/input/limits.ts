// Every number kubeship reads from a flag, an environment variable or the config file, with its
// range, in one table: a value out of range is refused where it is read, never turned into a
// 1 ms timer (setTimeout overflows past 2^31 ms) or a NaN interval.

/** One numeric input's range (whole numbers only) and unit, for messages. */
export interface NumberLimit {
  readonly min: number;
  readonly max: number;
  readonly unit: string;
}

const SIX_HOURS = 6 * 3600;
const REVISION = { min: 1, max: 2 ** 31 - 1, unit: 'revision' } as const;

/** The ranges, by what the number means. */
export const LIMITS = {
  timeoutSeconds: { min: 1, max: SIX_HOURS, unit: 'seconds' },
  lockWaitSeconds: { min: 0, max: SIX_HOURS, unit: 'seconds' },
  unschedulableGraceSeconds: { min: 0, max: SIX_HOURS, unit: 'seconds' },
  maxRestarts: { min: 1, max: 1000, unit: 'restarts' },
  replicas: { min: 0, max: 10_000, unit: 'replicas' },
  revision: REVISION,
  fromRevision: REVISION,
  progressIntervalSeconds: { min: 1, max: 3600, unit: 'seconds' },
  awsTimeoutSeconds: { min: 1, max: 600, unit: 'seconds' },
  kubeTimeoutSeconds: { min: 1, max: 600, unit: 'seconds' },
} as const satisfies Record<string, NumberLimit>;

/** What each numeric flag means. */
export const NUMERIC_FLAGS = {
  timeout: 'timeoutSeconds',
  'wait-for-lock': 'lockWaitSeconds',
  'to-revision': 'revision',
  'from-revision': 'fromRevision',
} as const satisfies Record<string, keyof typeof LIMITS>;

/** What each numeric environment variable means. */
export const NUMERIC_ENV = {
  KUBESHIP_PROGRESS_INTERVAL: 'progressIntervalSeconds',
  KUBESHIP_AWS_TIMEOUT: 'awsTimeoutSeconds',
  KUBESHIP_KUBE_TIMEOUT: 'kubeTimeoutSeconds',
} as const satisfies Record<string, keyof typeof LIMITS>;

/** Defaults of the numeric environment variables. */
export const NUMERIC_ENV_DEFAULTS = {
  progressIntervalSeconds: 20,
  awsTimeoutSeconds: 60,
  kubeTimeoutSeconds: 30,
} as const;

/** Environment names in the config file, `--env`, `--from`, `--to` and KUBESHIP_ENV. */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * A cluster's name in a fleet: what `--cluster` takes, and (with - as _) a CodeBuild batch
 * identifier and a CodePipeline action name, so it is a DNS-1123 label of at most 50 characters.
 */
export const FLEET_CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]{0,48}[a-z0-9])?$/;

/** The whole number in `raw` if it is one within `limit`, else the problem with it. */
export function parseWholeNumber(raw: string, limit: NumberLimit): number | { problem: string } {
  const text = raw.trim();
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(value) && value >= limit.min && value <= limit.max) return value;
  return {
    problem: `must be a whole number of ${limit.unit} from ${limit.min} to ${limit.max}, not ${JSON.stringify(raw)}`,
  };
}

/** The limits of each AWS attempt: a third of KUBESHIP_AWS_TIMEOUT (three attempts per call). */
export function awsLimits(awsTimeoutSeconds: number): { requestTimeoutMs: number } {
  return { requestTimeoutMs: Math.max(1000, Math.floor((awsTimeoutSeconds * 1000) / 3)) };
}

/** The time bound of each Kubernetes API request: KUBESHIP_KUBE_TIMEOUT without an answer. */
export function kubernetesLimits(kubeTimeoutSeconds: number): { requestTimeoutMs: number } {
  return { requestTimeoutMs: kubeTimeoutSeconds * 1000 };
}
