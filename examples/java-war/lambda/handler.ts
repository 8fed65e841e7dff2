// The alternative deploy step: a Lambda function that CodePipeline invokes (action provider Lambda)
// instead of a CodeBuild project. It deploys with @kubeship/core, the library behind the CLI, and
// reports to CodePipeline itself: a Lambda action fails only through PutJobFailureResult, and
// succeeds only through PutJobSuccessResult.
//
// The handler is small pure functions (read the event, plan the deploy, judge the result) around
// thin I/O, whose clients are injected so tests can run it against the testbed.
import {
  CodePipelineClient,
  type FailureType,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
} from '@aws-sdk/client-codepipeline';
import type { EnvironmentConfig, KubeshipConfig } from '@kubeship/codebuild-runner';
import {
  type ClusterConnection,
  connectToEks,
  type DeployResult,
  deployObjects,
  type EksConnectionOptions,
  type EvidenceOptions,
  formatEvent,
  formatResult,
  isKubeshipError,
  type KubeshipErrorCode,
  type PrepareReleaseOptions,
  planEnvironment,
  prepareRelease,
  type Release,
  rolloutOptionsOf,
} from '@kubeship/core';
import { type AppSpec, imageDigestOf } from '@kubeship/manifests';
import { javaWarConfig } from '../kubeship.config.ts';

/** The job event a CodePipeline Lambda invoke action sends (the fields this handler reads). */
export interface CodePipelineJobEvent {
  readonly 'CodePipeline.job': {
    readonly id: string;
    readonly accountId?: string;
    readonly data: {
      readonly actionConfiguration: {
        readonly configuration: { readonly FunctionName?: string; readonly UserParameters?: string };
      };
      readonly inputArtifacts?: ReadonlyArray<{
        readonly name: string;
        /** The source revision (the git commit) the artifact was made from. */
        readonly revision?: string | null;
      }>;
      readonly continuationToken?: string;
    };
  };
}

/** What the action's UserParameters say, as JSON: `{"env": "dev", "image": "#{BuildVariables.IMAGE_URI}"}`. */
export interface DeployParameters {
  readonly env: string;
  readonly image: string;
}

/** The parts of a job the handler uses. */
export interface JobRequest {
  readonly jobId: string;
  /** UserParameters, not yet validated (a bad value is reported to the job, not thrown). */
  readonly userParameters: string | undefined;
  /** The commit of the first input artifact, for the Deployment's change-cause. */
  readonly sourceRevision?: string;
}

/** Everything one deploy needs, decided before any I/O. */
export interface DeployPlan {
  readonly jobId: string;
  readonly environment: string;
  readonly image: string;
  readonly cluster: { readonly name: string; readonly region: string; readonly roleArn?: string };
  readonly release: PrepareReleaseOptions;
  readonly changeCause: string;
  readonly timeoutMs: number;
  readonly rollback: boolean;
  readonly lockWaitMs: number;
  readonly maxRestarts?: number;
  readonly unschedulableGraceMs?: number;
}

/** How the job ends, as CodePipeline will be told. */
export type JobOutcome =
  | {
      readonly kind: 'success';
      readonly summary: string;
      readonly outputVariables: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'failure'; readonly type: FailureType; readonly message: string };

/** A problem with the job's input: reported as a ConfigurationError, nothing is deployed. */
export class JobInputError extends Error {
  override readonly name = 'JobInputError';
}

/** Leave this much of the Lambda's time for the rollback's verification and the job result call. */
export const REPORTING_MARGIN_MS = 30_000;
/** CodePipeline shows at most this many characters of a summary; failure messages get 5000. */
const SUMMARY_LIMIT = 2048;
const MESSAGE_LIMIT = 5000;

/** Reads the job id, UserParameters and source revision out of the event; throws when there is no job. */
export function readJob(event: unknown): JobRequest {
  const job = (event as Partial<CodePipelineJobEvent> | null)?.['CodePipeline.job'];
  if (!job || typeof job.id !== 'string' || job.id === '') {
    throw new JobInputError('not a CodePipeline job event: no CodePipeline.job.id');
  }
  const revision = job.data?.inputArtifacts?.find((a) => typeof a.revision === 'string')?.revision;
  return {
    jobId: job.id,
    userParameters: job.data?.actionConfiguration?.configuration?.UserParameters,
    ...(revision ? { sourceRevision: revision } : {}),
  };
}

/** Parses and checks UserParameters: a JSON object with a configured `env` and a non-empty `image`. */
export function parseParameters(text: string | undefined, environments: readonly string[]): DeployParameters {
  if (!text)
    throw new JobInputError('UserParameters is empty: expected {"env": "<environment>", "image": "<uri>"}');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JobInputError(`UserParameters is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JobInputError('UserParameters must be a JSON object {"env": ..., "image": ...}');
  }
  const { env, image, ...rest } = value as Record<string, unknown>;
  const problems = [
    ...(typeof env === 'string' && environments.includes(env)
      ? []
      : [`env must be one of ${environments.join(', ')} (got ${JSON.stringify(env)})`]),
    ...(typeof image === 'string' && image.trim() !== ''
      ? []
      : [`image must be a non-empty image URI (got ${JSON.stringify(image)})`]),
    ...Object.keys(rest).map((key) => `unknown key ${JSON.stringify(key)}`),
  ];
  if (problems.length > 0) throw new JobInputError(`UserParameters: ${problems.join('; ')}`);
  return { env: env as string, image: (image as string).trim() };
}

/**
 * Pure: the deploy for one job. The environment comes from the kubeship config (the same file
 * the CLI reads); the timeout is the environment's, cut to what is left of the Lambda's time.
 */
export function planDeploy(
  job: JobRequest,
  config: KubeshipConfig,
  context: {
    readonly region?: string | undefined;
    readonly remainingMs: number;
    /** The one environment this function may deploy (its DEPLOY_ENVIRONMENT); default any. */
    readonly onlyEnvironment?: string | undefined;
  },
): DeployPlan {
  const configured = Object.keys(config.environments);
  const allowed = context.onlyEnvironment
    ? configured.filter((name) => name === context.onlyEnvironment)
    : configured;
  const { env, image } = parseParameters(job.userParameters, allowed);
  const environment = config.environments[env] as EnvironmentConfig;
  if (!environment.cluster) {
    throw new JobInputError(
      `environment ${env} names no EKS cluster (a kubeconfig context cannot work in Lambda)`,
    );
  }
  // the CLI's precedence rules, from the one planner in core
  const planned = planEnvironment(environment, {
    image,
    ...(context.region ? { region: context.region } : {}),
  });
  const { region, ssm } = planned;
  if (!region || !ssm)
    throw new JobInputError(`environment ${env}: no region (set cluster.region or AWS_REGION)`);
  if (config.app === undefined)
    throw new JobInputError('the config has no typed app (templates are not supported here)');
  const app: AppSpec =
    typeof config.app === 'function'
      ? config.app({ name: env, namespace: environment.namespace, variables: environment.variables ?? {} })
      : config.app;
  const timeoutMs = Math.min(planned.timeoutMs, context.remainingMs - REPORTING_MARGIN_MS);
  if (timeoutMs < 30_000) {
    throw new JobInputError(
      `only ${Math.round(context.remainingMs / 1000)} s of Lambda time left: raise the function's timeout`,
    );
  }
  return {
    jobId: job.jobId,
    environment: env,
    image,
    cluster: {
      name: environment.cluster.name,
      region,
      ...(environment.cluster.roleArn ? { roleArn: environment.cluster.roleArn } : {}),
    },
    release: {
      source: { app },
      namespace: environment.namespace,
      image,
      ...(planned.replicas === undefined ? {} : { replicas: planned.replicas }),
      ssm,
    },
    changeCause: [
      `kubeship deploy ${image}`,
      ...(job.sourceRevision ? [`commit ${job.sourceRevision}`] : []),
      `CodePipeline job ${job.jobId}`,
    ].join(', '),
    ...rolloutOptionsOf(planned),
    timeoutMs,
    lockWaitMs: Math.min(planned.lockWaitMs, timeoutMs),
  };
}

const FAILURE_TYPE_OF: Readonly<Record<KubeshipErrorCode, FailureType>> = {
  INVALID_INPUT: 'ConfigurationError',
  INVALID_MANIFEST: 'ConfigurationError',
  SSM_PARAMETERS_MISSING: 'ConfigurationError',
  CONFIG_COLLISION: 'ConfigurationError',
  CLUSTER_NOT_FOUND: 'ConfigurationError',
  CLUSTER_NOT_ACTIVE: 'SystemUnavailable',
  DRY_RUN_REJECTED: 'ConfigurationError',
  PRUNE_REFUSED: 'ConfigurationError',
  APPLY_CONFLICT: 'ConfigurationError',
  AWS_CREDENTIALS: 'PermissionError',
  AWS_UNREACHABLE: 'SystemUnavailable',
  CLUSTER_UNREACHABLE: 'SystemUnavailable',
  UNAUTHORIZED: 'PermissionError',
  FORBIDDEN: 'PermissionError',
  DEPLOY_LOCKED: 'JobFailed',
  ROLLOUT_FAILED: 'JobFailed',
  ROLLOUT_TIMEOUT: 'JobFailed',
  ROLLBACK_FAILED: 'JobFailed',
  INTERRUPTED: 'JobFailed',
  API_ERROR: 'SystemUnavailable',
};

const clip = (text: string, limit: number) => (text.length <= limit ? text : `${text.slice(0, limit - 1)}…`);

/**
 * Pure: what CodePipeline is told about a finished deploy. Only a deploy verified healthy is a
 * success; a rollout that was rolled back is a failure (the new image is not running). The
 * output variables have the names the CodeBuild deploy exports, so later stages read either.
 */
export function outcomeOf(result: DeployResult, plan: Pick<DeployPlan, 'environment' | 'image'>): JobOutcome {
  const main = result.deployments[0];
  if (result.outcome === 'deployed' && !result.code) {
    const digest = imageDigestOf(plan.image) ?? '';
    return {
      kind: 'success',
      summary: clip(`${plan.environment}: ${result.message} (${plan.image})`, SUMMARY_LIMIT),
      outputVariables: {
        KUBESHIP_IMAGE: plan.image,
        KUBESHIP_IMAGE_DIGEST: digest,
        KUBESHIP_RELEASE: String(result.revision || ''),
        KUBESHIP_DEPLOYMENT_REVISION: String(main?.revisionAfter ?? ''),
        KUBESHIP_OUTCOME: result.outcome,
      },
    };
  }
  const reasons = result.deployments
    .filter((d) => d.verdict !== 'complete')
    .map(
      (d) =>
        `${d.namespace}/${d.name}: ${d.reason ?? d.verdict}${d.rollback ? `; rolled back to ${d.rollback.toRevision > 0 ? `release ${d.rollback.toRevision}` : 'the state before its first release'} (${d.rollback.healthy ? 'healthy' : 'NOT healthy'})` : ''}`,
    );
  return {
    kind: 'failure',
    type: result.code ? FAILURE_TYPE_OF[result.code] : 'JobFailed',
    message: clip(
      [
        `${plan.environment}: ${result.message}`,
        ...reasons,
        ...(result.evidenceBundle?.url ? [`evidence: ${result.evidenceBundle.url}`] : []),
      ].join('\n'),
      MESSAGE_LIMIT,
    ),
  };
}

/** Pure: what CodePipeline is told when the deploy threw (bad input, auth, API errors). */
export function outcomeOfError(error: unknown): JobOutcome {
  if (error instanceof JobInputError)
    return { kind: 'failure', type: 'ConfigurationError', message: error.message };
  if (isKubeshipError(error)) {
    return {
      kind: 'failure',
      type: FAILURE_TYPE_OF[error.code],
      message: clip(`${error.code}: ${error.message}`, MESSAGE_LIMIT),
    };
  }
  return {
    kind: 'failure',
    type: 'JobFailed',
    message: clip(`unexpected error: ${String(error)}`, MESSAGE_LIMIT),
  };
}

/** The I/O the handler does; tests replace the parts they need. */
export interface HandlerDependencies {
  /** Where PutJobSuccessResult / PutJobFailureResult go. */
  readonly codePipeline: Pick<CodePipelineClient, 'send'>;
  /** The kubeship config: the same file the CLI deploys from. */
  readonly config: KubeshipConfig;
  /** The default region (the Lambda runtime sets AWS_REGION). */
  readonly region?: string | undefined;
  /** Refuse jobs for any other environment (the function's DEPLOY_ENVIRONMENT). */
  readonly onlyEnvironment?: string | undefined;
  /** Connects to the cluster (default `connectToEks`: the function role's credentials, a minted EKS token). */
  readonly connect?: (options: EksConnectionOptions) => Promise<ClusterConnection>;
  /** Validates the app and reads SSM (default `prepareRelease`). */
  readonly prepare?: (options: PrepareReleaseOptions) => Promise<Release>;
  /** Applies, verifies and rolls back (default `deployObjects`). */
  readonly deploy?: typeof deployObjects;
  /** Where progress lines go (CloudWatch Logs through console.log in Lambda). */
  readonly log?: (line: string) => void;
  /**
   * Where a failed release's evidence bundle is uploaded before its rollback (the function's
   * EVIDENCE_S3 and EVIDENCE_KMS_KEY), in the function's region; absent: no bundle.
   */
  readonly evidence?: { readonly uri: string; readonly kmsKeyId?: string | undefined };
}

/** The part of the Lambda context the handler reads. */
export interface InvocationContext {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis(): number;
}

/** What one invocation did, for logs and tests. */
export interface HandlerResult {
  readonly jobId: string;
  readonly outcome: JobOutcome;
}

/** The Lambda handler, with its I/O injected. */
export function createHandler(
  dependencies: HandlerDependencies,
): (event: unknown, context: InvocationContext) => Promise<HandlerResult> {
  const connect = dependencies.connect ?? connectToEks;
  const prepare = dependencies.prepare ?? prepareRelease;
  const deploy = dependencies.deploy ?? deployObjects;
  const log = dependencies.log ?? ((line: string) => console.log(line));

  return async (event, context) => {
    const job = readJob(event); // no job id: nothing to report to, so this one throws
    let outcome: JobOutcome;
    try {
      const plan = planDeploy(job, dependencies.config, {
        region: dependencies.region,
        remainingMs: context.getRemainingTimeInMillis(),
        onlyEnvironment: dependencies.onlyEnvironment,
      });
      log(
        `job ${job.jobId}: deploy ${plan.image} to ${plan.environment} (${plan.cluster.name}, namespace ${plan.release.namespace})`,
      );
      const release = await prepare(plan.release);
      const connection = await connect({
        clusterName: plan.cluster.name,
        region: plan.cluster.region,
        ...(plan.cluster.roleArn ? { roleArn: plan.cluster.roleArn } : {}),
      });
      log(`connected: ${connection.description}`);
      const startedAt = Date.now();
      const result = await deploy({
        kubeConfig: connection.kubeConfig,
        app: release.app,
        objects: release.objects,
        changeCause: plan.changeCause,
        timeoutMs: plan.timeoutMs,
        rollback: plan.rollback,
        lease: { holder: `codepipeline-job-${job.jobId}`, waitMs: plan.lockWaitMs },
        // a right the access review finds refused is explained from the cluster's access entry
        ...(connection.explainAccess ? { explainAccess: connection.explainAccess } : {}),
        ...(dependencies.evidence
          ? { evidence: evidenceOptions(dependencies.evidence, dependencies.region ?? plan.cluster.region) }
          : {}),
        ...(plan.maxRestarts === undefined ? {} : { maxRestarts: plan.maxRestarts }),
        ...(plan.unschedulableGraceMs === undefined
          ? {}
          : { unschedulableGraceMs: plan.unschedulableGraceMs }),
        onEvent: (deployEvent) => {
          for (const line of formatEvent(deployEvent, startedAt, { color: false })) log(line);
        },
      });
      for (const line of formatResult(result, { color: false })) log(line);
      outcome = outcomeOf(result, plan);
    } catch (error) {
      outcome = outcomeOfError(error);
      log(`job ${job.jobId}: ${outcome.kind === 'failure' ? outcome.message : ''}`);
    }
    await report(dependencies.codePipeline, job.jobId, outcome, context.awsRequestId);
    return { jobId: job.jobId, outcome };
  };
}

/** The evidence upload for `deployObjects` (the bucket is in `region`): SSE-KMS with the key when one is given. */
function evidenceOptions(
  evidence: NonNullable<HandlerDependencies['evidence']>,
  region: string,
): EvidenceOptions {
  return {
    s3: {
      uri: evidence.uri,
      region,
      ...(evidence.kmsKeyId ? { kmsKeyId: evidence.kmsKeyId } : {}),
    },
  };
}

/** Tells CodePipeline how the job ended. */
async function report(
  client: Pick<CodePipelineClient, 'send'>,
  jobId: string,
  outcome: JobOutcome,
  requestId: string | undefined,
): Promise<void> {
  if (outcome.kind === 'success') {
    await client.send(
      new PutJobSuccessResultCommand({
        jobId,
        outputVariables: { ...outcome.outputVariables },
        executionDetails: {
          summary: outcome.summary,
          percentComplete: 100,
          ...(requestId ? { externalExecutionId: requestId } : {}),
        },
      }),
    );
    return;
  }
  await client.send(
    new PutJobFailureResultCommand({
      jobId,
      failureDetails: {
        type: outcome.type,
        message: outcome.message,
        ...(requestId ? { externalExecutionId: requestId } : {}),
      },
    }),
  );
}

let lambdaHandler: ReturnType<typeof createHandler> | undefined;

/**
 * The Lambda entry point (`index.handler` in the bundle). Clients and config are made on the
 * first invocation: cluster names and namespaces come from the function's environment variables
 * (JAVA_WAR_<ENV>_CLUSTER, JAVA_WAR_<ENV>_NAMESPACE), as for the CodeBuild deploy.
 */
export function handler(event: unknown, context: InvocationContext): Promise<HandlerResult> {
  lambdaHandler ??= createHandler({
    codePipeline: new CodePipelineClient({}),
    config: javaWarConfig(process.env),
    region: process.env.AWS_REGION,
    onlyEnvironment: process.env.DEPLOY_ENVIRONMENT,
    ...(process.env.EVIDENCE_S3
      ? { evidence: { uri: process.env.EVIDENCE_S3, kmsKeyId: process.env.EVIDENCE_KMS_KEY } }
      : {}),
  });
  return lambdaHandler(event, context);
}
