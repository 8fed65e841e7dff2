import { type AppSpec, AWS_REGION_PATTERN, IAM_ROLE_ARN_PATTERN } from '@kubeship/manifests';
import * as z from 'zod';
import { ENVIRONMENT_NAME, LIMITS, type NumberLimit } from '../input/limits.ts';
import { checkFleet, fleetSchema } from './fleet-schema.ts';

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

const renderTimeout = z.int().min(1).max(600, { error: 'must be at most 600 seconds' });
const binary = z.string().min(1);

/** `templates.helm`: a chart rendered with `helm template`. */
const helmSource = z.strictObject({
  /** A chart directory (with Chart.yaml) or a packaged .tgz. */
  chart: z.string().min(1),
  /** Helm's release name (`.Release.Name`); default: templates.name. */
  releaseName: dnsLabel.optional(),
  values: z.array(z.string().min(1)).optional(),
  set: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Values read from SSM Parameter Store: values key (dotted path) -> parameter name. */
  setFromSsm: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, { error: 'values keys are dotted paths of names' }),
      z.string().min(1),
    )
    .optional(),
  /** The values key that gets the deployed image's tag, e.g. image.tag (else kubeship replaces the image). */
  imageValuesKey: z.string().min(1).optional(),
  /** The values key that gets the deployed image's repository, e.g. image.repository. */
  imageRepositoryValuesKey: z.string().min(1).optional(),
  /** Helm hooks: map Jobs onto kubeship's hooks and refuse the rest (default), skip the rest, or ignore all. */
  hooks: z.enum(['map', 'skip', 'ignore']).optional(),
  binary: binary.optional(),
  timeoutSeconds: renderTimeout.optional(),
});

/** `templates.kustomize`: an overlay rendered with `kustomize build` (or `kubectl kustomize`). */
const kustomizeSource = z.strictObject({
  dir: z.string().min(1),
  /** The image name `kustomize edit set image` would match; default: templates.imageRepository. */
  imageName: z.string().min(1).optional(),
  binary: binary.optional(),
  timeoutSeconds: renderTimeout.optional(),
});

const alarmName = z.string().min(1).max(255);
/** The CloudWatch alarm gate of an environment. */
const alarmGate = z
  .strictObject({
    /** Alarm names (metric or composite); each must exist. */
    names: z.array(alarmName).min(1).max(500).optional(),
    /** Every alarm whose name starts with this. */
    prefix: alarmName.optional(),
    /** Watch the alarms this long once the release is healthy (0: only the check before the deploy). */
    bakeSeconds: z.int().min(0).max(21_600),
    /** Seconds between two reads of the alarms (default 10). */
    intervalSeconds: z.int().min(1).max(300).optional(),
    /** INSUFFICIENT_DATA counts as ok (default) or as alarm. */
    insufficientData: z.enum(['ok', 'alarm']).optional(),
    /** Deploy even when an alarm is in ALARM before the deploy (or set KUBESHIP_IGNORE_ALARMS=true). */
    ignoreActive: z.boolean().optional(),
    /** Default: the cluster's region. */
    region: region.optional(),
  })
  .refine((gate) => gate.names !== undefined || gate.prefix !== undefined, {
    error: 'needs names or prefix (the alarms to watch)',
  });

/** A canary: CodeDeploy-style preset name or explicit steps, for one Deployment. */
const canary = z
  .strictObject({
    /** `Canary10Percent5Minutes`, `Linear10PercentEvery1Minute`, ... */
    preset: z.string().min(1).max(64).optional(),
    /** Ascending shares of the stable replica count, each baked for bakeSeconds. */
    steps: z
      .array(z.strictObject({ percent: z.int().min(1).max(100), bakeSeconds: z.int().min(0).max(21_600) }))
      .min(1)
      .max(50)
      .optional(),
    /** The Deployment to canary (default: the one named like the app). */
    deployment: dnsLabel.optional(),
    /** ALB weighted canary: the Ingress whose backends on `service` get stepped target-group weights. */
    alb: z.strictObject({ ingress: z.string().min(1), service: z.string().min(1) }).optional(),
  })
  .refine((c) => (c.preset === undefined) !== (c.steps === undefined), {
    error: 'needs exactly one of preset or steps',
  });

const environmentObject = z.strictObject({
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
  /** Allow a release to prune every workload of the app, or more than half of its objects (default false). */
  allowMassPrune: z.boolean().optional(),
  maxRestarts: bounded(LIMITS.maxRestarts).optional(),
  unschedulableGraceSeconds: bounded(LIMITS.unschedulableGraceSeconds).optional(),
  /** Wait this long for another deploy of the app to finish (default 0: fail at once). */
  lockWaitSeconds: bounded(LIMITS.lockWaitSeconds).optional(),
  /** CloudWatch alarms that gate the release: checked before it starts, watched for bakeSeconds once healthy. */
  alarms: alarmGate.optional(),
  /** Ship the app's Deployment through canary steps instead of a rolling update. */
  canary: canary.optional(),
  /** Or blue/green: green verified at full size, the Service switched, blue kept keepSeconds. */
  blueGreen: z
    .strictObject({
      service: dnsLabel,
      keepSeconds: z.int().min(0).max(21_600),
      deployment: dnsLabel.optional(),
    })
    .optional(),
});

const environment = environmentObject
  .extend({
    /** Or several clusters in ordered waves, each overriding what it needs (see docs/fleets.md). */
    fleet: fleetSchema(environmentObject).optional(),
  })
  .refine(
    (env) => [env.cluster, env.kubeconfig, env.fleet].filter((target) => target !== undefined).length === 1,
    { error: 'needs exactly one of cluster (EKS), kubeconfig (a context) or fleet (several clusters)' },
  )
  .superRefine(checkFleet);

/** The config file's schema (the app spec itself is validated by @kubeship/manifests). */
export const configSchema = z
  .strictObject({
    /** The typed app (an object, or a function of the environment). */
    app: z.unknown().optional(),
    /** Or the team's own YAML templates. */
    templates: z
      .strictObject({
        files: z.array(z.string().min(1)).min(1).optional(),
        /** Or a Helm chart, rendered with `helm template` (see docs/sources.md). */
        helm: helmSource.optional(),
        /** Or a Kustomize overlay, rendered with `kustomize build`. */
        kustomize: kustomizeSource.optional(),
        /** The app's name (Deployment to track, lease, config object names). */
        name: dnsLabel,
        /** Containers whose image is this repository get the deployed tag or image. */
        imageRepository: z.string().min(1).optional(),
        variables: variables.optional(),
      })
      .refine((t) => [t.files, t.helm, t.kustomize].filter((s) => s !== undefined).length === 1, {
        error: 'needs exactly one of files (YAML), helm (a chart) or kustomize (an overlay)',
      })
      .optional(),
    environments: z.record(
      z.string().regex(ENVIRONMENT_NAME, { error: 'environment names are lowercase words' }),
      environment,
    ),
  })
  .refine((config) => (config.app === undefined) !== (config.templates === undefined), {
    error:
      'needs exactly one of app (a typed spec) or templates (YAML files), a Helm chart or a Kustomize overlay',
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
