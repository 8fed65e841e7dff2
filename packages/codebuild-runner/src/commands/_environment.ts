import { resolve } from 'node:path';
// Nothing here loads the Kubernetes client until a command needs the cluster: a config that is
// wrong is reported in a fraction of a second.
import type { ClusterConnection, Release, ReleaseSource } from '@kubeship/core';
import { type EnvironmentPlan, planEnvironment } from '@kubeship/core/environment';
import { KubeshipError } from '@kubeship/core/errors';
import type { KubeObject } from '@kubeship/manifests';
import { UsageError } from '../args.ts';
import type { CommandInput } from '../command-input.ts';
import { appFromConfig } from '../config/app-source.ts';
import { type BuildContext, buildContext, selectEnvironment } from '../config/environment.ts';
import { loadConfig } from '../config/load.ts';
import { planRenderedSource, type RenderPlan } from '../config/rendered-source.ts';
import type { EnvironmentConfig } from '../config/schema.ts';
import { readTemplates } from '../config/templates.ts';
import { awsLimits, kubernetesLimits } from '../input/limits.ts';
import { fleetMemberOf, refuseWholeFleet } from './_fleet-member.ts';

/** One environment of the config file, ready to use: nothing has been contacted yet. */
export interface OpenedEnvironment {
  readonly file: string;
  readonly name: string;
  readonly environment: EnvironmentConfig;
  readonly build: BuildContext;
  /** What to deploy; for a Helm chart or Kustomize overlay, filled by {@link releaseFor}'s render. */
  readonly source: ReleaseSource;
  /** The config's Helm chart or Kustomize overlay (templates.helm / templates.kustomize). */
  readonly renderPlan?: RenderPlan;
  /** The app's name: its Deployment, lease and config objects. */
  readonly app: string;
  readonly namespace: string;
  /** The repository deployed images come from (for --tag). */
  readonly repository?: string;
  /** The objects of each template file, loaded and checked (templates only). */
  readonly templateObjects?: ReadonlyArray<{ file: string; objects: KubeObject[] }>;
  /** Where and how to deploy: the environment with the flags and the build applied (core's planner). */
  readonly plan: EnvironmentPlan;
}

/** Loads and validates the config, picks the environment and builds the release source. */
export async function openEnvironment(input: CommandInput, name?: string): Promise<OpenedEnvironment> {
  const { file, config } = await loadConfig({
    cwd: input.io.cwd,
    ...(input.options.configFile === undefined ? {} : { file: input.options.configFile }),
  });
  const chosen = fleetMemberOf(
    selectEnvironment(config, file, name ?? input.options.environment),
    input.options.cluster,
    file,
  );
  const { environment } = chosen;
  const variables = { ...config.templates?.variables, ...environment.variables };
  const build = buildContext(input.env);
  const plan = (repository: string | undefined) =>
    planEnvironment(environment, {
      ...(input.options.image ? { image: input.options.image } : {}),
      ...(input.options.tag ? { tag: input.options.tag } : {}),
      ...(build.sourceVersion ? { sourceVersion: build.sourceVersion } : {}),
      ...(repository ? { repository } : {}),
      ...(build.region ? { region: build.region } : {}),
      ...(input.options.timeoutSeconds === undefined ? {} : { timeoutSeconds: input.options.timeoutSeconds }),
      ...(input.options.lockWaitSeconds === undefined
        ? {}
        : { lockWaitSeconds: input.options.lockWaitSeconds }),
      ...(input.options.noRollback ? { rollback: false } : {}),
      ...(input.options.allowMassPrune ? { allowMassPrune: true } : {}),
    });
  if (config.app !== undefined) {
    const app = appFromConfig(config, file, {
      name: chosen.name,
      namespace: environment.namespace,
      variables,
    });
    return {
      file,
      ...chosen,
      build,
      source: { app: app.spec, file },
      app: app.name,
      namespace: environment.namespace,
      ...(app.repository ? { repository: app.repository } : {}),
      plan: plan(app.repository),
    };
  }
  const templates = config.templates as NonNullable<typeof config.templates>;
  const renderPlan = planRenderedSource(templates, input.io.cwd);
  const { texts, loaded } = renderPlan
    ? { texts: [], loaded: [] }
    : readTemplates({
        configFile: file,
        cwd: input.io.cwd,
        files: templates.files ?? [],
        variables,
        namespace: environment.namespace,
      });
  const sourceOptions = {
    ...(templates.imageRepository ? { imageRepository: templates.imageRepository } : {}),
    ...injectConfigOf(templates.injectConfig),
  };
  return {
    file,
    ...chosen,
    build,
    source: renderPlan
      ? { rendered: [], name: templates.name, ...sourceOptions }
      : { templates: texts, loaded, variables, name: templates.name, ...sourceOptions },
    ...(renderPlan ? { renderPlan } : {}),
    app: templates.name,
    namespace: environment.namespace,
    ...(templates.imageRepository ? { repository: templates.imageRepository } : {}),
    templateObjects: loaded,
    plan: plan(templates.imageRepository),
  };
}

/** `templates.injectConfig` as the release source takes it (true is the default). */
function injectConfigOf(inject: boolean | string[] | undefined): { injectConfig?: false | string[] } {
  if (inject === undefined || inject === true) return {};
  return { injectConfig: inject };
}

/**
 * The image to deploy: `--image`, else `--tag` (or the commit CodeBuild resolved) on the app's
 * repository, else none (the config's own image). Inside CodeBuild a missing commit is an error:
 * some CodePipeline setups do not pass it, and deploying "latest" silently is worse. Outside
 * CodeBuild a command that needs an image (`set-image`) asks for one.
 */
export function chooseImage(
  opened: OpenedEnvironment,
  options: { required?: boolean } = {},
): string | undefined {
  const planned = opened.plan.image;
  if (planned && 'ref' in planned) return planned.ref;
  if (planned)
    throw new UsageError(`--tag needs an image repository: set templates.imageRepository in ${opened.file}`);
  if (opened.build.buildId) {
    throw new UsageError(
      'no image tag: CODEBUILD_RESOLVED_SOURCE_VERSION is not set (some CodePipeline source actions do not pass it); pass --tag <tag> or --image <uri>',
    );
  }
  if (options.required)
    throw new UsageError("no image to set: pass --image <uri>, or --tag <tag> for the app's repository");
  return undefined;
}

const connections = new WeakMap<OpenedEnvironment, Promise<ClusterConnection>>();

/**
 * Connects to the environment's cluster: EKS with the build's IAM role, or a kubeconfig context.
 * One connection per opened environment (rendering a chart reads the cluster's capabilities first).
 */
export function connect(opened: OpenedEnvironment, input: CommandInput): Promise<ClusterConnection> {
  const known = connections.get(opened);
  if (known) return known;
  const connecting = connectOnce(opened, input);
  connections.set(opened, connecting);
  return connecting;
}

async function connectOnce(opened: OpenedEnvironment, input: CommandInput): Promise<ClusterConnection> {
  refuseWholeFleet(opened);
  const { cluster, kubeconfig } = opened.environment;
  const { connectToEks, connectWithKubeconfig } = await import('@kubeship/core/auth');
  if (kubeconfig)
    return connectWithKubeconfig({
      context: kubeconfig.context,
      limits: kubernetesLimits(input.options.kubeTimeoutSeconds),
      ...(kubeconfig.path ? { kubeconfig: resolve(input.io.cwd, kubeconfig.path) } : {}),
    });
  const target = cluster as NonNullable<typeof cluster>;
  return connectToEks({
    clusterName: target.name,
    region: regionOf(opened),
    ...(target.roleArn ? { roleArn: target.roleArn } : {}),
    limits: awsLimits(input.options.awsTimeoutSeconds),
    kubernetesLimits: kubernetesLimits(input.options.kubeTimeoutSeconds),
  });
}

/** Aborts after `ms` with a TimeoutError saying so; the timer never keeps the process alive. */
function deadline(ms: number, message: string): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    const reason = new Error(message);
    reason.name = 'TimeoutError';
    controller.abort(reason);
  }, ms);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/**
 * The objects this environment would get with `image`: spec or templates validated, SSM read
 * (or, `offline`, bound to placeholders). Nothing in the cluster is contacted.
 */
export async function releaseFor(
  opened: OpenedEnvironment,
  input: CommandInput,
  options: { image?: string | undefined; offline?: boolean; readsCluster?: boolean } = {},
): Promise<Release & { readonly notes: readonly string[] }> {
  const [{ prepareRelease }, { checkRelease, checkReservedNames }] = await Promise.all([
    import('@kubeship/core/prepare'),
    import('../config/release-checks.ts'),
  ]);
  const { environment } = opened;
  const rendered = opened.renderPlan ? await renderFor(opened, opened.renderPlan, input, options) : undefined;
  // the rendered objects, with what the config says about them (injectConfig)
  const source: ReleaseSource = rendered ? { ...opened.source, ...rendered.source } : opened.source;
  const image = rendered ? rendered.image : options.image;
  checkReservedNames(
    'app' in source
      ? { kind: 'app', spec: source.app, file: opened.file }
      : { kind: 'templates', loaded: rendered?.loaded ?? opened.templateObjects ?? [] },
    {
      app: opened.app,
      namespace: opened.namespace,
      readsSsm: (environment.ssm?.paths?.length ?? 0) + (environment.ssm?.names?.length ?? 0) > 0,
    },
  );
  // offline (render), the parameters to show as placeholders even where no region is known
  const ssm =
    options.offline && !opened.plan.ssm && environment.ssm
      ? {
          region: '',
          ...(environment.ssm.paths ? { paths: environment.ssm.paths } : {}),
          ...(environment.ssm.names ? { names: environment.ssm.names } : {}),
        }
      : opened.plan.ssm;
  const seconds = input.options.awsTimeoutSeconds;
  const limit = deadline(seconds * 1000, `no answer within ${seconds} s (KUBESHIP_AWS_TIMEOUT)`);
  try {
    const release = await prepareRelease({
      source,
      namespace: opened.namespace,
      ...(image ? { image } : {}),
      ...(opened.plan.replicas === undefined ? {} : { replicas: opened.plan.replicas }),
      ...(ssm ? { ssm } : {}),
      offline: Boolean(options.offline),
      signal: input.io.signal ? AbortSignal.any([input.io.signal, limit.signal]) : limit.signal,
    });
    checkRelease(release, {
      file: opened.file,
      ...('app' in source ? { env: (source.app as { env?: Record<string, unknown> }).env ?? {} } : {}),
    });
    return { ...release, notes: rendered?.notes ?? [] };
  } finally {
    limit.clear();
  }
}

/**
 * Renders the environment's chart or overlay: with the target cluster's capabilities unless
 * `readsCluster` is false (`render` contacts no cluster), SSM values unless `offline`.
 */
async function renderFor(
  opened: OpenedEnvironment,
  plan: RenderPlan,
  input: CommandInput,
  options: { image?: string | undefined; offline?: boolean; readsCluster?: boolean },
) {
  const [{ renderSource }, { readClusterCapabilities }] = await Promise.all([
    import('../config/rendered-source.ts'),
    import('@kubeship/core'),
  ]);
  const region = opened.plan.ssm?.region;
  return renderSource(plan, {
    namespace: opened.namespace,
    ...(options.image ? { image: options.image } : {}),
    offline: Boolean(options.offline),
    ...(options.readsCluster === false
      ? {}
      : { capabilities: async () => readClusterCapabilities((await connect(opened, input)).kubeConfig) }),
    ...(region ? { ssmRegion: region } : {}),
    ...(input.io.signal ? { signal: input.io.signal } : {}),
  });
}

/** The AWS region of the environment: its cluster's, else AWS_REGION / AWS_DEFAULT_REGION. */
export function regionOf(opened: OpenedEnvironment): string {
  const { region } = opened.plan;
  if (!region)
    throw new KubeshipError(
      'INVALID_INPUT',
      `${opened.file}: environments.${opened.name}: no region (set cluster.region or AWS_REGION)`,
    );
  return region;
}
