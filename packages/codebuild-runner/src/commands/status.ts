import type { DeploymentState, ReleaseStatus } from '@kubeship/core';
import type { CommandInput } from '../command-input.ts';
import { EXIT } from '../exit-codes.ts';
import { connect, openEnvironment } from './_environment.ts';
import { outcomeText } from './history.ts';

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Pure: the human form of `kubeship status`: the live release, then every object of it with its
 * verdict (the app's Deployment with its own revision and images), then a later release that did
 * not stay (failed or rolled back).
 */
export function formatStatus(
  environment: string,
  release: ReleaseStatus,
  deployment?: DeploymentState,
): string {
  const count = (verdict: string) => release.objects.filter((o) => o.verdict === verdict).length;
  const tally = ['healthy', 'applied', 'progressing', 'failed', 'unverified', 'missing']
    .filter((verdict) => count(verdict) > 0)
    .map((verdict) => `${count(verdict)} ${verdict}`)
    .join(', ');
  const lines = [
    `${environment}: ${release.app} release ${release.live.revision} is live (deployed ${isoSeconds(release.live.finishedAt)}): ${release.objects.length} objects, ${tally || 'none'}`,
    ...release.objects.map((o) => {
      const isApp = deployment && o.kind === 'Deployment' && o.name === deployment.name;
      const extra = isApp
        ? ` (Deployment revision ${deployment.revision}, image ${deployment.images.join(', ')})`
        : '';
      return `  ${o.verdict.padEnd(11)} ${o.id}: ${o.summary}${o.reason ? ` [${o.reason}]` : ''}${extra}`;
    }),
  ];
  if (release.latest)
    lines.push(
      `  latest release ${release.latest.revision}: ${outcomeText(release.latest)} (${isoSeconds(release.latest.finishedAt)}); release ${release.live.revision} is what runs`,
    );
  return `${lines.join('\n')}\n`;
}

/** `kubeship status`: the live release and the state of each of its objects, as lines or JSON. */
export async function run(input: CommandInput): Promise<number> {
  const opened = await openEnvironment(input);
  const connection = await connect(opened, input);
  const { isKubeshipError, readDeploymentState, readReleaseStatus } = await import('@kubeship/core');
  const ref = { app: opened.app, namespace: opened.namespace };
  const [release, deployment] = await Promise.all([
    readReleaseStatus(connection.kubeConfig, ref),
    readDeploymentState(connection.kubeConfig, opened.namespace, opened.app).catch((error: unknown) => {
      // an app whose templates name no Deployment after the app has only its objects' verdicts
      if (isKubeshipError(error) && error.details.status === 404) return undefined;
      throw error;
    }),
  ]);
  if (input.options.output === 'json') {
    const document = {
      environment: opened.name,
      ...deployment,
      ...(deployment ? { deploymentRevision: deployment.revision } : {}),
      release: release.live.revision,
      ...(release.latest ? { latestRelease: release.latest } : {}),
      objects: release.objects,
    };
    input.io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    return EXIT.ok;
  }
  input.io.stdout(formatStatus(opened.name, release, deployment));
  return EXIT.ok;
}
