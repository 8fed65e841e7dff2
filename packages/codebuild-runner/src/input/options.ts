import { resolve } from 'node:path';
import { AWS_REGION_PATTERN, IAM_ROLE_ARN_PATTERN, imageProblem } from '@kubeship/manifests/checks';
import { type EvidenceFlags, evidenceFlags } from './evidence.ts';
import {
  ENVIRONMENT_NAME,
  FLEET_CLUSTER_NAME,
  LIMITS,
  NUMERIC_ENV,
  NUMERIC_ENV_DEFAULTS,
  NUMERIC_FLAGS,
  parseWholeNumber,
} from './limits.ts';
import { checkOutputFiles, type OutputFiles } from './output-files.ts';
import { InputError, type InputProblem } from './problems.ts';

/** The values every command reads, parsed and checked once, before anything is contacted. */
export interface CliOptions {
  readonly output: 'human' | 'json';
  readonly timeoutSeconds?: number;
  readonly lockWaitSeconds?: number;
  readonly toRevision?: number;
  /** `kubeship diff --from-revision`: compare recorded releases instead of the plan and the cluster. */
  readonly fromRevision?: number;
  /** KUBESHIP_PROGRESS_INTERVAL: seconds without progress before a "still waiting" line. */
  readonly progressIntervalSeconds: number;
  /** KUBESHIP_AWS_TIMEOUT: the longest one AWS call, its retries included, may take (default 60 s). */
  readonly awsTimeoutSeconds: number;
  /** KUBESHIP_KUBE_TIMEOUT: the longest one Kubernetes API request may go without an answer (default 30 s). */
  readonly kubeTimeoutSeconds: number;
  readonly image?: string;
  /** `--tag` only; the CodeBuild commit is applied where the config says which repository it tags. */
  readonly tag?: string;
  /** `--env`, else KUBESHIP_ENV. */
  readonly environment?: string;
  /** `--region`, else AWS_REGION, else AWS_DEFAULT_REGION. */
  readonly region?: string;
  /** `--region` alone (it wins over a config file's region; `region` falls back to the environment). */
  readonly regionFlag?: string;
  /** `--config`: the config file to read instead of looking for one. */
  readonly configFile?: string;
  /** `--cluster <name>`: one cluster of a fleet environment. */
  readonly cluster?: string;
  /** `pipeline --format`, `--project-ref`, `--input-artifact`. */
  readonly pipelineFormat?: 'codepipeline' | 'codebuild-batch';
  readonly projectRef?: string;
  readonly inputArtifact?: string;
  /** `--cluster-name`, `--role-arn`, `--alias` (`token`, `kubeconfig`). */
  readonly clusterName?: string;
  readonly roleArn?: string;
  readonly alias?: string;
  /** `promote --from A --to B [--expect-digest sha256:...]`. */
  readonly from?: string;
  readonly to?: string;
  readonly expectDigest?: string;
  /** `--no-rollback`, `--no-prune`, `--allow-mass-prune`, `--force`. */
  readonly noRollback: boolean;
  readonly noPrune: boolean;
  readonly allowMassPrune: boolean;
  /** `--create-namespace`: create the release's missing namespaces (outside the release). */
  readonly createNamespace: boolean;
  /** `uninstall --dry-run`: list what would be deleted. */
  readonly dryRun: boolean;
  /** `uninstall --keep-history`: keep the release records. */
  readonly keepHistory: boolean;
  readonly force: boolean;
  /** `render --resolve-ssm [--reveal-secrets]`. */
  readonly resolveSsm: boolean;
  readonly revealSecrets: boolean;
  /** Absolute output paths, their directories created and writability checked. */
  readonly files: OutputFiles;
  /** `--evidence`, `--evidence-s3`: where the evidence bundle goes. */
  readonly evidence?: EvidenceFlags;
}

type Values = Readonly<Record<string, string | boolean | undefined>>;
type Env = Readonly<Record<string, string | undefined>>;

const OUTPUTS = ['human', 'json'] as const;
const ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SSM',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL_EKS',
  'AWS_ENDPOINT_URL_S3',
];
const FILE_FLAGS = { exports: 'exports', 'report-junit': 'reportJunit', out: 'out' } as const;

/**
 * Parses and checks a command's flags and the environment variables kubeship reads: enums,
 * every number against its range, regions, ARNs, image references, environment names, and the
 * output files (directories created, writability probed). Every problem is collected and thrown
 * together as one INVALID_INPUT error naming each flag or variable.
 */
export function parseCliOptions(values: Values, env: Env, cwd: string): CliOptions {
  const problems: InputProblem[] = [];
  const flag = (name: string): string | undefined => {
    const value = values[name];
    if (typeof value !== 'string') return undefined;
    if (value.trim() === '') {
      problems.push({ where: `--${name}`, message: 'must not be empty' });
      return undefined;
    }
    return value;
  };
  const variable = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  };

  const output = flag('output') ?? 'human';
  if (!(OUTPUTS as readonly string[]).includes(output))
    problems.push({ where: '--output', message: `must be human or json, not ${JSON.stringify(output)}` });

  const numbers: Partial<Record<keyof typeof LIMITS, number>> = {};
  for (const [name, meaning] of Object.entries(NUMERIC_FLAGS)) {
    const raw = flag(name);
    if (raw === undefined) continue;
    const parsed = parseWholeNumber(raw, LIMITS[meaning]);
    if (typeof parsed === 'number') numbers[meaning] = parsed;
    else problems.push({ where: `--${name}`, message: parsed.problem });
  }
  for (const [name, meaning] of Object.entries(NUMERIC_ENV)) {
    const raw = variable(name);
    if (raw === undefined) continue;
    const parsed = parseWholeNumber(raw, LIMITS[meaning]);
    if (typeof parsed === 'number') numbers[meaning] = parsed;
    else problems.push({ where: name, message: parsed.problem });
  }

  const image = flag('image');
  if (image !== undefined) {
    const problem = imageProblem(image);
    if (problem) problems.push({ where: '--image', message: `${problem}, not ${JSON.stringify(image)}` });
  }
  const tag = flag('tag');
  if (tag !== undefined && imageProblem(`tagged:${tag}`))
    problems.push({ where: '--tag', message: tagProblem(tag) });
  if (image !== undefined && tag !== undefined)
    problems.push({ where: '--image/--tag', message: 'give --image or --tag, not both' });
  if (values['from-revision'] !== undefined && (image !== undefined || tag !== undefined))
    problems.push({
      where: '--from-revision',
      message: 'compares recorded releases: give it without --image or --tag',
    });
  const sourceVersion = variable('CODEBUILD_RESOLVED_SOURCE_VERSION');
  if (image === undefined && tag === undefined && sourceVersion && imageProblem(`tagged:${sourceVersion}`)) {
    problems.push({
      where: 'CODEBUILD_RESOLVED_SOURCE_VERSION',
      message: `${tagProblem(sourceVersion)}; pass --tag <tag> or --image <uri>`,
    });
  }

  for (const name of ['env', 'from', 'to']) {
    const value = flag(name);
    if (value !== undefined && !ENVIRONMENT_NAME.test(value))
      problems.push({ where: `--${name}`, message: environmentNameProblem(value) });
  }
  const kubeshipEnv = variable('KUBESHIP_ENV');
  if (kubeshipEnv !== undefined && !ENVIRONMENT_NAME.test(kubeshipEnv))
    problems.push({ where: 'KUBESHIP_ENV', message: environmentNameProblem(kubeshipEnv) });

  const region = flag('region');
  if (region !== undefined && !AWS_REGION_PATTERN.test(region))
    problems.push({ where: '--region', message: regionProblem(region) });
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    const value = variable(name);
    if (value !== undefined && !AWS_REGION_PATTERN.test(value))
      problems.push({ where: name, message: regionProblem(value) });
  }
  for (const name of ENDPOINT_VARIABLES) {
    const value = variable(name);
    if (value !== undefined && !isHttpUrl(value))
      problems.push({ where: name, message: `must be an http(s) URL, not ${JSON.stringify(value)}` });
  }
  const roleArn = flag('role-arn');
  if (roleArn !== undefined && !IAM_ROLE_ARN_PATTERN.test(roleArn))
    problems.push({
      where: '--role-arn',
      message: `must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), not ${JSON.stringify(roleArn)}`,
    });
  const [configFile, clusterName, alias, expectDigest] = [
    'config',
    'cluster-name',
    'alias',
    'expect-digest',
  ].map(flag);
  const [cluster, pipelineFormat, projectRef, inputArtifact] = [
    'cluster',
    'format',
    'project-ref',
    'input-artifact',
  ].map(flag);
  for (const [name, value, pattern, what] of [
    ['--cluster', cluster, FLEET_CLUSTER_NAME, 'a fleet cluster name (lowercase letters, digits, -)'],
    ['--format', pipelineFormat, /^(codepipeline|codebuild-batch)$/, 'codepipeline or codebuild-batch'],
    ['--project-ref', projectRef, /^[A-Za-z0-9]{1,255}$/, 'a CloudFormation logical id'],
    ['--input-artifact', inputArtifact, /^[A-Za-z0-9_-]{1,100}$/, 'a CodePipeline artifact name'],
  ] as const)
    if (value !== undefined && !pattern.test(value))
      problems.push({ where: name, message: `must be ${what}, not ${JSON.stringify(value)}` });
  if (values['reveal-secrets'] === true && values['resolve-ssm'] !== true)
    problems.push({ where: '--reveal-secrets', message: 'needs --resolve-ssm' });

  const evidence = evidenceFlags(values, flag, cwd, problems);
  const requested = Object.entries(FILE_FLAGS).flatMap(([name, key]) => {
    const value = flag(name);
    return value === undefined ? [] : [{ flag: `--${name}`, key, path: resolve(cwd, value) }];
  });
  // Files are probed only once everything else is right: a wrong flag creates no directory.
  const files = problems.length === 0 ? checkOutputFiles(requested, problems) : {};
  if (problems.length > 0) throw new InputError('invalid arguments or environment', problems);

  const environment = flag('env') ?? kubeshipEnv;
  const ifGiven = (key: keyof CliOptions, value: string | undefined) =>
    value === undefined ? {} : { [key]: value };
  const effectiveRegion = region ?? variable('AWS_REGION') ?? variable('AWS_DEFAULT_REGION');
  return {
    output: output as CliOptions['output'],
    ...(numbers.timeoutSeconds === undefined ? {} : { timeoutSeconds: numbers.timeoutSeconds }),
    ...(numbers.lockWaitSeconds === undefined ? {} : { lockWaitSeconds: numbers.lockWaitSeconds }),
    ...(numbers.revision === undefined ? {} : { toRevision: numbers.revision }),
    ...(numbers.fromRevision === undefined ? {} : { fromRevision: numbers.fromRevision }),
    progressIntervalSeconds: numbers.progressIntervalSeconds ?? NUMERIC_ENV_DEFAULTS.progressIntervalSeconds,
    awsTimeoutSeconds: numbers.awsTimeoutSeconds ?? NUMERIC_ENV_DEFAULTS.awsTimeoutSeconds,
    kubeTimeoutSeconds: numbers.kubeTimeoutSeconds ?? NUMERIC_ENV_DEFAULTS.kubeTimeoutSeconds,
    ...(image === undefined ? {} : { image }),
    ...(tag === undefined ? {} : { tag }),
    ...(environment === undefined ? {} : { environment }),
    ...(effectiveRegion === undefined ? {} : { region: effectiveRegion }),
    ...ifGiven('regionFlag', region),
    ...ifGiven('configFile', configFile),
    ...ifGiven('clusterName', clusterName),
    ...ifGiven('cluster', cluster),
    ...ifGiven('pipelineFormat', pipelineFormat),
    ...ifGiven('projectRef', projectRef),
    ...ifGiven('inputArtifact', inputArtifact),
    ...ifGiven('roleArn', roleArn),
    ...ifGiven('alias', alias),
    ...ifGiven('from', flag('from')),
    ...ifGiven('to', flag('to')),
    ...ifGiven('expectDigest', expectDigest),
    noRollback: values['no-rollback'] === true,
    noPrune: values['no-prune'] === true,
    allowMassPrune: values['allow-mass-prune'] === true,
    createNamespace: values['create-namespace'] === true,
    dryRun: values['dry-run'] === true,
    keepHistory: values['keep-history'] === true,
    force: values.force === true,
    resolveSsm: values['resolve-ssm'] === true,
    revealSecrets: values['reveal-secrets'] === true,
    files,
    ...(evidence ? { evidence } : {}),
  };
}

function tagProblem(tag: string): string {
  return `must be an image tag (1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'), not ${JSON.stringify(tag)}`;
}

function environmentNameProblem(name: string): string {
  return `must be an environment name (a lowercase word: letters, digits, '-'), not ${JSON.stringify(name)}`;
}

function regionProblem(region: string): string {
  return `must be an AWS region such as us-east-1, not ${JSON.stringify(region)}`;
}

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}
