import type { Manifest } from '@kubeship/core';
import type { CommandInput } from '../command-input.ts';
import { changeCause } from '../config/environment.ts';
import { deployOptionsFor } from './_deploy-options.ts';
import { chooseImage, connect, type OpenedEnvironment, openEnvironment, releaseFor } from './_environment.ts';
import { finishDeploy } from './_finish.ts';
import { blueGreenOf, canaryOf } from './_gates.ts';

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
  },
): Promise<number> {
  const opened = options.opened ?? (await openEnvironment(input, options.environment));
  const image = options.image ?? chooseImage(opened, { required: options.onlyDeployments });
  // the cluster side is loaded only once the input is known to be right
  const [
    { configObjectNames, deployObjects, KubeshipError, leftBehind, missingNamespaces },
    { createReporter },
  ] = await Promise.all([import('@kubeship/core'), import('../output/reporter.ts')]);
  const reporter = createReporter(input);
  reporter.note(
    `${options.command} ${opened.app} to ${opened.name} (namespace ${opened.namespace})${image ? ` with ${image}` : ''}`,
  );

  const release = await releaseFor(opened, input, { image });
  for (const note of release.notes) reporter.note(note);
  if (release.parameters.length > 0) {
    reporter.note(
      `config: ${release.parameters.length} SSM parameters (${release.parameters.filter((p) => p.type === 'SecureString').length} secure), checksum ${release.configChecksum?.slice(0, 12)}`,
    );
  }
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
  reporter.note(`connected: ${connection.description}`);
  const { noPrune } = input.options;
  if (noPrune) {
    const kept = await leftBehind(
      connection.kubeConfig,
      { app: release.app, namespace: opened.namespace },
      objects,
    );
    if (kept.length > 0)
      reporter.note(`--no-prune: keeping what the release no longer has: ${kept.join(', ')}`);
  }
  const missing = await missingNamespaces(connection.kubeConfig, objects);
  if (missing.length > 0) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `${missing.map((m) => `namespace "${m.namespace}" does not exist (it is the namespace of ${m.objects.join(', ')})`).join('; ')}: create it first, or deploy a Namespace object with the app`,
      { details: { missing } },
    );
  }
  if (opened.renderPlan) {
    const { adoptFromHelm } = await import('../config/rendered-source.ts');
    for (const note of await adoptFromHelm(
      opened.renderPlan,
      connection.kubeConfig,
      objects,
      opened.namespace,
    ))
      reporter.note(note);
  }
  const result = await deployObjects({
    ...(await deployOptionsFor(opened, input, reporter.listener)),
    kubeConfig: connection.kubeConfig,
    app: release.app,
    objects,
    // set-image ships only the Deployments and their config: the rest of the release stays as it is
    prune: !options.onlyDeployments && !noPrune,
    changeCause: changeCause(image, opened.build),
    ...(await canaryOf(opened)),
    ...blueGreenOf(opened),
  });
  return finishDeploy(result, {
    input,
    reporter,
    command: options.command,
    environment: opened.name,
    ...(image ? { image } : {}),
  });
}
