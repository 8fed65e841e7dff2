// `kubeship deploy` on a fleet environment: the single-cluster deploy of each cluster, run wave by
// wave by core's deployFleet, and one report. Nothing here deploys by itself.
import { hostname } from 'node:os';
import type { FleetEvent } from '@kubeship/core';
import { KubeshipError } from '@kubeship/core/errors';
import { ManifestError } from '@kubeship/manifests';
import { UsageError } from '../args.ts';
import type { CommandInput } from '../command-input.ts';
import { EXIT, EXIT_CODE_OF } from '../exit-codes.ts';
import { writeOutputFile } from '../input/output-files.ts';
import { fleetExports, fleetJunit, fleetReportOf, fleetTable } from '../output/fleet-report.ts';
import { createReporter, type Reporter } from '../output/reporter.ts';
import { chooseImage, type OpenedEnvironment, openEnvironment } from './_environment.ts';
import { memberInput } from './_fleet-member.ts';
import type { WholeFleet } from './_fleet-open.ts';
import { type PreparedDeploy, prepareDeploy } from './_prepare-deploy.ts';

interface Member {
  readonly opened: OpenedEnvironment;
  readonly image: string | undefined;
  /** The cluster's own reporter, made when it starts deploying: its lines prefixed with the cluster. */
  reporter?: Reporter;
  prepared?: PreparedDeploy;
  /** What its reporter's closing report printed (JSON mode: the single-cluster report). */
  report: string;
}

/**
 * Deploys a fleet environment: every cluster's environment opened and its image chosen first
 * (bad input: exit 2 before any cluster is contacted), then core's deployFleet checks every
 * cluster and deploys wave by wave with each cluster's own single-cluster deploy.
 */
export async function deployFleetEnvironment(
  input: CommandInput,
  options: { command: string; onlyDeployments: boolean; image?: string },
  whole: WholeFleet,
): Promise<number> {
  const { fleet, clusters } = whole;
  const json = input.options.output === 'json';
  const log = json ? input.io.stderr : input.io.stdout;
  const prefixed = (cluster: string) => (text: string) => log(text.replace(/^(?=.)/gm, `[${cluster}] `));
  const members = new Map<string, Member>();
  for (const cluster of clusters) {
    const memberOpened = await openEnvironment(memberInput(input, cluster), whole.name);
    const image = options.image ?? chooseImage(memberOpened, { required: options.onlyDeployments });
    members.set(cluster, { opened: memberOpened, image, report: '' });
  }
  const member = (cluster: string) => members.get(cluster) as Member;
  const reporterOf = (cluster: string) => {
    const m = member(cluster);
    m.reporter ??= createReporter({
      ...memberInput(input, cluster),
      io: {
        ...input.io,
        // JSON mode: the cluster's report is kept for the fleet's; its lines go to stderr
        stdout: json
          ? (text) => {
              m.report += text;
            }
          : prefixed(cluster),
        stderr: prefixed(cluster),
      },
    });
    return m.reporter;
  };
  const { deployFleet, rollbackRelease } = await import('@kubeship/core');
  log(
    `${options.command} ${member(clusters[0] as string).opened.app} to fleet ${whole.name}: ${fleet.waves.map((w, i) => `wave ${i + 1} [${w.join(', ')}]`).join(', ')}\n`,
  );
  const result = await deployFleet({
    waves: fleet.waves,
    ...(fleet.maxParallel ? { maxParallel: fleet.maxParallel } : {}),
    ...(fleet.onWaveFailure ? { onWaveFailure: fleet.onWaveFailure } : {}),
    async check(cluster) {
      const m = member(cluster);
      const note = prefixed(cluster);
      m.prepared = await typed(() =>
        prepareDeploy(memberInput(input, cluster), m.opened, {
          ...options,
          image: m.image,
          note: (line) => note(`${line}\n`),
        }),
      );
    },
    deploy: (cluster, onEvent) => (member(cluster).prepared as PreparedDeploy).deploy(onEvent),
    revert(cluster, deployed, onEvent) {
      const m = member(cluster);
      return rollbackRelease({
        kubeConfig: (m.prepared as PreparedDeploy).connection.kubeConfig,
        app: m.opened.app,
        namespace: m.opened.namespace,
        toRevision: deployed.previousRevision,
        timeoutMs: m.opened.plan.timeoutMs,
        lease: {
          holder: m.opened.build.buildId ?? `${hostname()}-${process.pid}`,
          waitMs: m.opened.plan.lockWaitMs,
        },
        changeCause: `kubeship fleet ${whole.name}: its wave failed, back to release ${deployed.previousRevision}`,
        ...(input.io.signal ? { signal: input.io.signal } : {}),
        onEvent,
      });
    },
    ...(input.io.signal ? { signal: input.io.signal } : {}),
    onEvent(event: FleetEvent) {
      if (event.type === 'cluster-event') reporterOf(event.cluster).listener(event.event);
      else log(`${fleetLine(event)}\n`);
    },
  });
  const singles = new Map<string, Record<string, unknown>>();
  for (const c of result.clusters) {
    const m = member(c.cluster);
    if (!c.result) continue;
    reporterOf(c.cluster).finish(c.result, {
      command: options.command,
      environment: whole.name,
      exitCode: c.result.code ? EXIT_CODE_OF[c.result.code] : EXIT.ok,
      ...(m.image ? { image: m.image } : {}),
    });
    if (json) singles.set(c.cluster, JSON.parse(m.report) as Record<string, unknown>);
  }
  const image = options.image ?? [...members.values()][0]?.image;
  const report = fleetReportOf(result, {
    command: options.command,
    environment: whole.name,
    image,
    singles,
  });
  const { files } = input.options;
  if (files.reportJunit) writeOutputFile(files.reportJunit, fleetJunit(report));
  if (files.exports) writeOutputFile(files.exports, fleetExports(report));
  if (json) input.io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else input.io.stdout(`${fleetTable(report)}\n`);
  return report.exitCode;
}

/** A fleet step as a human line. */
function fleetLine(event: Exclude<FleetEvent, { type: 'cluster-event' }>): string {
  switch (event.type) {
    case 'fleet-check':
      return `fleet: connecting to and checking ${event.clusters.length} clusters before the first wave`;
    case 'wave-started':
      return `fleet: wave ${event.wave} started: ${event.clusters.join(', ')}`;
    case 'wave-finished':
      return `fleet: wave ${event.wave} ${event.passed ? 'passed: every cluster healthy' : 'failed'}`;
    case 'cluster-finished':
      return `fleet: ${event.cluster} ${event.status}: ${event.message}`;
  }
}

/** Runs `work`, turning the CLI's own input errors into typed ones (the fleet runner reports codes). */
async function typed<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ManifestError)
      throw new KubeshipError('INVALID_MANIFEST', error.message, { cause: error });
    if (error instanceof UsageError)
      throw new KubeshipError('INVALID_INPUT', error.message, { cause: error });
    throw error;
  }
}
