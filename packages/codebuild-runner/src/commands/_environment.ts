import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type ClusterConnection,
  connectToEks,
  connectWithKubeconfig,
  KubeshipError,
  prepareRelease,
  type Release,
  type ReleaseSource,
} from '@kubeship/core';
import { type AppSpec, parseImageReference } from '@kubeship/manifests';
import { UsageError } from '../args.ts';
import { type BuildContext, buildContext, selectEnvironment } from '../config/environment.ts';
import { loadConfig } from '../config/load.ts';
import type { EnvironmentConfig } from '../config/schema.ts';
import type { CommandInput } from '../main.ts';

/** One environment of the config file, ready to use: nothing has been contacted yet. */
export interface OpenedEnvironment {
  readonly file: string;
  readonly name: string;
  readonly environment: EnvironmentConfig;
  readonly build: BuildContext;
  readonly source: ReleaseSource;
  /** The app's name: its Deployment, lease and config objects. */
  readonly app: string;
  readonly namespace: string;
  /** The repository deployed images come from (for --tag). */
  readonly repository?: string;
}

/** Loads and validates the config, picks the environment and builds the release source. */
export async function openEnvironment(input: CommandInput, name?: string): Promise<OpenedEnvironment> {
  const { file, config } = await loadConfig({
    cwd: input.io.cwd,
    ...(typeof input.values.config === 'string' ? { file: input.values.config } : {}),
  });
  const chosen = selectEnvironment(
    config,
    file,
    name ?? (input.values.env as string | undefined) ?? input.env.KUBESHIP_ENV,
  );
  const { environment } = chosen;
  const variables = { ...config.templates?.variables, ...environment.variables };
  const build = buildContext(input.env);
  if (config.app !== undefined) {
    const app =
      typeof config.app === 'function'
        ? config.app({ name: chosen.name, namespace: environment.namespace, variables })
        : config.app;
    const spec = app as AppSpec & { name: string; image?: string };
    const repository = typeof spec.image === 'string' ? repositoryOf(spec.image) : undefined;
    return {
      file,
      ...chosen,
      build,
      source: { app, file },
      app: spec.name,
      namespace: environment.namespace,
      ...(repository ? { repository } : {}),
    };
  }
  const templates = config.templates as NonNullable<typeof config.templates>;
  const texts = templates.files.map((template) => {
    const path = resolve(input.io.cwd, template);
    try {
      return { file: path, text: readFileSync(path, 'utf8') };
    } catch (error) {
      throw new KubeshipError(
        'INVALID_INPUT',
        `${file}: templates.files: cannot read ${path}: ${(error as Error).message}`,
        { details: { file: path } },
      );
    }
  });
  return {
    file,
    ...chosen,
    build,
    source: {
      templates: texts,
      variables,
      name: templates.name,
      ...(templates.imageRepository ? { imageRepository: templates.imageRepository } : {}),
    },
    app: templates.name,
    namespace: environment.namespace,
    ...(templates.imageRepository ? { repository: templates.imageRepository } : {}),
  };
}

/**
 * The image to deploy: `--image`, else `--tag` (or the commit CodeBuild resolved) on the app's
 * repository, else none (the config's own image). Inside CodeBuild a missing commit is an error:
 * some CodePipeline setups do not pass it, and deploying "latest" silently is worse.
 */
export function chooseImage(
  opened: OpenedEnvironment,
  input: CommandInput,
  options: { required?: boolean } = {},
): string | undefined {
  const image = input.values.image as string | undefined;
  const tag = (input.values.tag as string | undefined) ?? opened.build.sourceVersion;
  if (image && input.values.tag) throw new UsageError('give --image or --tag, not both');
  if (image) return image;
  if (tag) {
    if (!opened.repository)
      throw new UsageError(
        `--tag needs an image repository: set templates.imageRepository in ${opened.file}`,
      );
    return `${opened.repository}:${tag}`;
  }
  if (opened.build.buildId || options.required) {
    throw new UsageError(
      'no image tag: CODEBUILD_RESOLVED_SOURCE_VERSION is not set (some CodePipeline source actions do not pass it); pass --tag <tag> or --image <uri>',
    );
  }
  return undefined;
}

/** Connects to the environment's cluster: EKS with the build's IAM role, or a kubeconfig context. */
export async function connect(opened: OpenedEnvironment, input: CommandInput): Promise<ClusterConnection> {
  const { cluster, kubeconfig } = opened.environment;
  if (kubeconfig)
    return connectWithKubeconfig({
      context: kubeconfig.context,
      ...(kubeconfig.path ? { kubeconfig: resolve(input.io.cwd, kubeconfig.path) } : {}),
    });
  const target = cluster as NonNullable<typeof cluster>;
  return connectToEks({
    clusterName: target.name,
    region: regionOf(opened),
    ...(target.roleArn ? { roleArn: target.roleArn } : {}),
  });
}

/**
 * The objects this environment would get with `image`: spec or templates validated, SSM read
 * (or, `offline`, bound to placeholders). Nothing in the cluster is contacted.
 */
export function releaseFor(
  opened: OpenedEnvironment,
  input: CommandInput,
  options: { image?: string | undefined; offline?: boolean } = {},
): Promise<Release> {
  const ssm = ssmOptions(opened);
  return prepareRelease({
    source: opened.source,
    namespace: opened.namespace,
    ...(options.image ? { image: options.image } : {}),
    ...(opened.environment.replicas === undefined ? {} : { replicas: opened.environment.replicas }),
    ...(!options.offline && ssm ? { ssm } : { offline: Boolean(options.offline) }),
    ...(input.io.signal ? { signal: input.io.signal } : {}),
  });
}

/**
 * Where SSM parameters are read: the environment's `ssm` settings, in its SSM region, else the
 * cluster's or the build's region. Undefined when no region is known (a spec with SSM
 * references then fails validation, naming them).
 */
function ssmOptions(
  opened: OpenedEnvironment,
): { region: string; paths?: string[]; names?: string[] } | undefined {
  const { ssm, cluster } = opened.environment;
  const region = ssm?.region ?? cluster?.region ?? opened.build.region;
  if (!region) return undefined;
  return { region, ...(ssm?.paths ? { paths: ssm.paths } : {}), ...(ssm?.names ? { names: ssm.names } : {}) };
}

/** The AWS region of the environment: its cluster's, else AWS_REGION / AWS_DEFAULT_REGION. */
export function regionOf(opened: OpenedEnvironment): string {
  const region = opened.environment.cluster?.region ?? opened.environment.ssm?.region ?? opened.build.region;
  if (!region)
    throw new KubeshipError(
      'INVALID_INPUT',
      `${opened.file}: environments.${opened.name}: no region (set cluster.region or AWS_REGION)`,
    );
  return region;
}

function repositoryOf(image: string): string {
  const reference = parseImageReference(image);
  return reference.registry ? `${reference.registry}/${reference.repository}` : reference.repository;
}
