// A deploy of one cluster, prepared up to the moment it changes something: shared by `deploy` and
// the fleet, which deploys each of its clusters through it.
import type {
  ClusterConnection,
  DeployEventListener,
  DeployObjectsOptions,
  DeployResult,
  Manifest,
} from '@kubeship/core';
import type { CommandInput } from '../command-input.ts';
import { changeCause } from '../config/environment.ts';
import { deployOptionsFor } from './_deploy-options.ts';
import { connect, type OpenedEnvironment, releaseFor } from './_environment.ts';
import { blueGreenOf, canaryOf, evidenceOf } from './_gates.ts';

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
  const { configObjectNames, deployObjects, KubeshipError, leftBehind, missingNamespaces } = await import(
    '@kubeship/core'
  );
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
  const { noPrune } = input.options;
  if (noPrune) {
    const kept = await leftBehind(
      connection.kubeConfig,
      { app: release.app, namespace: opened.namespace },
      objects,
    );
    if (kept.length > 0) note(`--no-prune: keeping what the release no longer has: ${kept.join(', ')}`);
  }
  const missing = await missingNamespaces(connection.kubeConfig, objects);
  const createNamespaces = input.options.createNamespace ? missing.map((m) => m.namespace) : [];
  if (createNamespaces.length > 0) {
    note(
      `--create-namespace: creating ${createNamespaces.map((n) => `namespace ${n}`).join(', ')} (not part of the release; removed again if the deploy stops before it changes anything)`,
    );
  } else if (missing.length > 0) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `${missing.map((m) => `namespace "${m.namespace}" does not exist (it is the namespace of ${m.objects.join(', ')})`).join('; ')}: create it first, pass --create-namespace, or deploy a Namespace object with the app`,
      { details: { missing } },
    );
  }
  const shared = {
    ...(await deployOptionsFor(opened, input)),
    ...(await canaryOf(opened)),
    ...blueGreenOf(opened),
    ...evidenceOf(opened, input),
  };
  const request = (onEvent: DeployEventListener): DeployObjectsOptions => ({
    ...shared,
    kubeConfig: connection.kubeConfig,
    app: release.app,
    namespace: opened.namespace,
    objects,
    // set-image ships only the Deployments and their config: the rest of the release stays as it is
    prune: !options.onlyDeployments && !noPrune,
    ...(createNamespaces.length > 0 ? { createNamespaces } : {}),
    changeCause: changeCause(image, opened.build),
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
