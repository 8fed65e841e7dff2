import { type AppSpec, AWS_REGION_PATTERN, IAM_ROLE_ARN_PATTERN } from '@kubeship/manifests';
import * as z from 'zod';
import { ENVIRONMENT_NAME, LIMITS, type NumberLimit } from '../input/limits.ts';

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
  error: 'must be a DNS-1123 label (lowercase letters, digits, -)',
});
const region = z.string().regex(AWS_REGION_PATTERN, { error: 'must be an AWS region such as us-east-1' });
const roleArn = z.string().regex(IAM_ROLE_ARN_PATTERN, { error: 'must be an IAM role ARN' });
/** A whole number within one of the shared {@link LIMITS}. */
const bounded = (limit: NumberLimit) =>
  z
    .int()
    .min(limit.min)
    .max(limit.max, { error: `must be at most ${limit.max} ${limit.unit}` });

const variables = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'variable names are letters, digits and _' }),
  z.string(),
);

const ssmPath = z.string().regex(/^\/[\w.\-/]*$/, { error: 'must be an SSM path starting with /' });

const environment = z
  .strictObject({
    /** The EKS cluster to deploy to (authenticated with the build's IAM role). */
    cluster: z
      .strictObject({
        name: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/, {
          error: 'must be an EKS cluster name (1-100 letters, digits, - and _)',
        }),
        region: region.optional(),
        roleArn: roleArn.optional(),
      })
      .optional(),
    /** Or a kubeconfig context (non-EKS clusters, local testing). */
    kubeconfig: z.strictObject({ path: z.string().optional(), context: z.string().min(1) }).optional(),
    namespace: dnsLabel,
    /** SSM parameters: every parameter under `paths` becomes an env var; `names` are read one by one. */
    ssm: z
      .strictObject({
        paths: z.array(ssmPath).optional(),
        names: z.array(z.string().min(1)).optional(),
        region: region.optional(),
      })
      .optional(),
    /** Values for `${VAR}` placeholders in templates, and for the app function. */
    variables: variables.optional(),
    replicas: bounded(LIMITS.replicas).optional(),
    timeoutSeconds: bounded(LIMITS.timeoutSeconds).optional(),
    rollback: z.boolean().optional(),
    maxRestarts: bounded(LIMITS.maxRestarts).optional(),
    unschedulableGraceSeconds: bounded(LIMITS.unschedulableGraceSeconds).optional(),
    /** Wait this long for another deploy of the app to finish (default 0: fail at once). */
    lockWaitSeconds: bounded(LIMITS.lockWaitSeconds).optional(),
  })
  .refine((env) => (env.cluster === undefined) !== (env.kubeconfig === undefined), {
    error: 'needs exactly one of cluster (EKS) or kubeconfig (a context)',
  });

/** The config file's schema (the app spec itself is validated by @kubeship/manifests). */
export const configSchema = z
  .strictObject({
    /** The typed app (an object, or a function of the environment). */
    app: z.unknown().optional(),
    /** Or the team's own YAML templates. */
    templates: z
      .strictObject({
        files: z.array(z.string().min(1)).min(1),
        /** The app's name (Deployment to track, lease, config object names). */
        name: dnsLabel,
        /** Containers whose image is this repository get the deployed tag or image. */
        imageRepository: z.string().min(1).optional(),
        variables: variables.optional(),
      })
      .optional(),
    environments: z.record(
      z.string().regex(ENVIRONMENT_NAME, { error: 'environment names are lowercase words' }),
      environment,
    ),
  })
  .refine((config) => (config.app === undefined) !== (config.templates === undefined), {
    error: 'needs exactly one of app (a typed spec) or templates (YAML files)',
  })
  .refine((config) => Object.keys(config.environments).length > 0, {
    error: 'needs at least one environment',
    path: ['environments'],
  });

/** What the app function receives. */
export interface EnvironmentContext {
  readonly name: string;
  readonly namespace: string;
  readonly variables: Readonly<Record<string, string>>;
}

/** One environment of the config file. */
export type EnvironmentConfig = z.input<typeof environment>;

/** The kubeship config file (kubeship.config.ts, .js, .mjs, .yaml, .yml or .json). */
export interface KubeshipConfig extends Omit<z.input<typeof configSchema>, 'app'> {
  readonly app?: AppSpec | ((environment: EnvironmentContext) => AppSpec);
}

/** Identity helper that gives a kubeship.config.ts its types. */
export function defineConfig(config: KubeshipConfig): KubeshipConfig {
  return config;
}
