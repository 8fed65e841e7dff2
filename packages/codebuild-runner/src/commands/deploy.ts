import { hostname } from 'node:os';
import type {
  ClusterConnection,
  DeployEventListener,
  DeployObjectsOptions,
  DeployResult,
  Manifest,
} from '@kubeship/core';
import { rolloutOptionsOf } from '@kubeship/core/environment';
import { changeCause } from '../config/environment.ts';
import type { CommandInput } from '../main.ts';
import type { Reporter } from '../output/reporter.ts';
import { chooseImage, connect, type OpenedEnvironment, openEnvironment, releaseFor } from './_environment.ts';
import { finishDeploy } from './_finish.ts';
import { wholeFleet } from './_fleet-open.ts';
import { alarmGate, blueGreenOf, canaryOf, evidenceOf } from './_gates.ts';

/** `kubeship deploy`: the whole app with its SSM config, verified, rolled back on failure. */
export function run(input: CommandInput): Promise<number> {
  return deployEnvironment(input, { command: 'deploy', onlyDeployments: false });
}

/** `kubeship set-image`: only the Deployment, with a new image; verified, undone on failure. */
export function runSetImage(input: CommandInput): Promise<number> {
  return deployEnvironment(input, { command: 'set-image', onlyDeployments: true });
}

/** Deploys one environment; shared by deploy, set-image and promote. */
export async function deployEnvironment(
  input: CommandInput,
  options: {
    command: string;
    onlyDeployments: boolean;
    environment?: string;
    image?: string;
    opened?: OpenedEnvironment;
    /** `kubeship check`: gets what deployObjects would, instead of a deploy. */
    check?: (
      request: DeployObjectsOptions,
      context: { reporter: Reporter; environment: string },
    ) => Promise<number>;
  },
): Promise<number> {
  // a check works on one cluster: openEnvironment refuses a whole fleet without --cluster
  const fleet = options.check
    ? undefined
    : await wholeFleet(input, options.opened?.name ?? options.environment);
  if (fleet) return (await import('./fleet.ts')).deployFleetEnvironment(input, options, fleet);
  const opened = options.opened ?? (await openEnvironment(input, options.environment));
  const image = options.image ?? chooseImage(opened, { required: options.onlyDeployments });
  const { createReporter } = await import('../output/reporter.ts');
  const reporter = createReporter(input);
  const prepared = await prepareDeploy(input, opened, { ...options, image, note: reporter.note });
  for (const message of prepared.warnings) reporter.listener({ type: 'warning', at: Date.now(), message });
  if (options.check)
    return options.check(prepared.request(reporter.listener), { reporter, environment: opened.name });
  return finishDeploy(await prepared.deploy(reporter.listener), {
    input,
    reporter,
    command: options.command,
    environment: opened.name,
    ...(image ? { image } : {}),
  });
}

/** A deploy of one cluster, checked and ready: nothing in the cluster has changed yet. */
export interface PreparedDeploy {
  readonly connection: ClusterConnection;
  /** What the release itself warns of (config no container reads): shown first, kept in the result. */
  readonly warnings: readonly string[];
  /** What the engine is given for this deploy (what `kubeship check` checks). */
  request(onEvent: DeployEventListener): DeployObjectsOptions;
  /** Ships the release to the cluster (Helm adoption, then the engine) and returns its result. */
  deploy(onEvent: DeployEventListener): Promise<DeployResult>;
}

/**
 * Everything a deploy of one cluster does before it changes anything: the release built (SSM
 * read), the cluster connected, its namespaces read (credentials and reachability proven).
 */
export async function prepareDeploy(
  input: CommandInput,
  opened: OpenedEnvironment,
  options: {
    command: string;
    onlyDeployments: boolean;
    image?: string | undefined;
    note(line: string): void;
  },
): Promise<PreparedDeploy> {
  const { image, note } = options;
  // Connecting (DescribeCluster, the Kubernetes client's load) changes nothing: it runs while core
  // loads and SSM is read; its failure is reported when it is awaited, after the release's own.
  connect(opened, input).catch(() => {});
  // the cluster side is loaded only once the input is known to be right
  const { configObjectNames, createNamespaces, deployObjects, KubeshipError, leftBehind, missingNamespaces } =
    await import('@kubeship/core');
  note(
    `${options.command} ${opened.app} to ${opened.name} (namespace ${opened.namespace})${image ? ` with ${image}` : ''}`,
  );
  const release = await releaseFor(opened, input, { image });
  for (const line of release.notes) note(line);
  if (release.parameters.length > 0) {
    note(
      `config: ${release.parameters.length} SSM parameters (${release.parameters.filter((p) => p.type === 'SecureString').length} secure), checksum ${release.configChecksum?.slice(0, 12)}`,
    );
  }
  if (release.injected)
    note(`config: SSM values reach ${release.injected.join(', ')} (envFrom; templates.injectConfig)`);
  // set-image ships the Deployments with the SSM ConfigMap and Secret they read: their pod
  // templates carry the checksum of that config, which must describe what is in the cluster
  const config = configObjectNames(release.app);
  const objects: readonly Manifest[] = options.onlyDeployments
    ? release.objects.filter(
        (o) =>
          o.kind === 'Deployment' ||
          (o.kind === 'ConfigMap' && o.metadata.name === config.configMap) ||
          (o.kind === 'Secret' && o.metadata.name === config.secret),
      )
    : release.objects;
  const connection = await connect(opened, input);
  note(`connected: ${connection.description}`);
  const noPrune = input.values['no-prune'] === true;
  if (noPrune) {
    const kept = await leftBehind(
      connection.kubeConfig,
      { app: release.app, namespace: opened.namespace },
      objects,
    );
    if (kept.length > 0) note(`--no-prune: keeping what the release no longer has: ${kept.join(', ')}`);
  }
  const missing = await missingNamespaces(connection.kubeConfig, objects);
  if (missing.length > 0 && input.values['create-namespace'] === true) {
    const created = await createNamespaces(
      connection.kubeConfig,
      missing.map((m) => m.namespace),
    );
    note(
      `--create-namespace: created ${created.map((n) => `namespace ${n}`).join(', ')} (not part of the release)`,
    );
  } else if (missing.length > 0) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `${missing.map((m) => `namespace "${m.namespace}" does not exist (it is the namespace of ${m.objects.join(', ')})`).join('; ')}: create it first, pass --create-namespace, or deploy a Namespace object with the app`,
      { details: { missing } },
    );
  }
  const gates = {
    ...(await alarmGate(opened, input)),
    ...(await canaryOf(opened)),
    ...blueGreenOf(opened),
    ...evidenceOf(opened, input),
  };
  const request = (onEvent: DeployEventListener): DeployObjectsOptions => ({
    kubeConfig: connection.kubeConfig,
    app: release.app,
    namespace: opened.namespace,
    objects,
    // set-image ships only the Deployments and their config: the rest of the release stays as it is
    prune: !options.onlyDeployments && !noPrune,
    changeCause: changeCause(image, opened.build),
    ...rolloutOptionsOf(opened.plan),
    force: Boolean(input.values.force),
    lease: { holder: opened.build.buildId ?? `${hostname()}-${process.pid}`, waitMs: opened.plan.lockWaitMs },
    ...gates,
    ...(input.io.signal ? { signal: input.io.signal } : {}),
    ...(connection.explainAccess ? { explainAccess: connection.explainAccess } : {}),
    onEvent,
  });
  const warnings = release.warnings ?? [];
  return {
    connection,
    warnings,
    request,
    async deploy(onEvent) {
      if (opened.renderPlan) {
        const { adoptFromHelm } = await import('../config/rendered-source.ts');
        for (const line of await adoptFromHelm(
          opened.renderPlan,
          connection.kubeConfig,
          objects,
          opened.namespace,
        ))
          note(line);
      }
      const deployed = await deployObjects(request(onEvent));
      return { ...deployed, warnings: [...warnings, ...deployed.warnings] };
    },
  };
}
