// `./dev bench --only fleet`: a fleet of 3 clusters x 20 Deployments deployed in one wave by one
// `kubeship deploy`, against the same three clusters deployed by three single `kubeship deploy`s one
// after another (their times summed). The three clusters are three control planes: the bench's
// testbed and two more started for the round (each its own apiserver, controllers and KWOK nodes),
// reached through their admin kubeconfig contexts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestbed } from '../packages/testbed/src/index.ts';

/** Clusters of the measured fleet, and Deployments of each. */
export const FLEET_CLUSTERS = 3;
export const FLEET_DEPLOYMENTS = 20;

/** One measured process: wall time, peak RSS and exit code. */
export interface FleetBenchSample {
  readonly ms: number;
  readonly rssKb: number;
  readonly code: number;
}

/** What the bench script lends the fleet scenario. */
export interface FleetBenchContext {
  readonly work: string;
  readonly bin: string;
  readonly kubeconfig: string;
  readonly timeoutSeconds: number;
  /** The YAML of the 20-Deployment app with `image`. */
  readonly appYaml: (image: string) => string;
  readonly measure: (
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    cwd: string,
  ) => Promise<FleetBenchSample & { output: string }>;
  /** Creates a namespace in the cluster of `kubeconfig` (not measured). */
  readonly createNamespace: (name: string, kubeconfig: string) => Promise<void>;
  readonly env: NodeJS.ProcessEnv;
}

/** One round: the fleet deploy, and the three single deploys (summed; peak RSS is the largest). */
export async function fleetRound(
  context: FleetBenchContext,
  round: number,
  image: string,
): Promise<{ fleet: FleetBenchSample; singles: FleetBenchSample }> {
  const others = await Promise.all(
    Array.from({ length: FLEET_CLUSTERS - 1 }, (_, i) =>
      startTestbed({ clusterName: `fleet-${i + 2}`, nodes: 2 }),
    ),
  );
  try {
    return await measureRound(context, round, image, [
      context.kubeconfig,
      ...others.map((testbed) => testbed.adminKubeconfigPath),
    ]);
  } finally {
    await Promise.all(others.map((testbed) => testbed.stop()));
  }
}

async function measureRound(
  context: FleetBenchContext,
  round: number,
  image: string,
  kubeconfigs: readonly string[],
): Promise<{ fleet: FleetBenchSample; singles: FleetBenchSample }> {
  const project = async (kind: 'fleet' | 'single') => {
    const dir = join(context.work, `fleet-${kind}-${round}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'app.yaml'), context.appYaml(image));
    const members = await Promise.all(
      Array.from({ length: FLEET_CLUSTERS }, async (_, i) => {
        const namespace = `bench-${kind}-${round}-${i + 1}`;
        const path = kubeconfigs[i] as string;
        await context.createNamespace(namespace, path);
        const kubeContext = /current-context: (\S+)/.exec(readFileSync(path, 'utf8'))?.[1];
        return [`c${i + 1}`, { kubeconfig: { path, context: kubeContext }, namespace }] as const;
      }),
    );
    const shared = { timeoutSeconds: context.timeoutSeconds };
    const environments =
      kind === 'fleet'
        ? {
            fleet: {
              ...shared,
              namespace: 'bench',
              fleet: { clusters: Object.fromEntries(members), waves: [members.map(([name]) => name)] },
            },
          }
        : Object.fromEntries(members.map(([name, member]) => [name, { ...shared, ...member }]));
    writeFileSync(
      join(dir, 'kubeship.config.json'),
      JSON.stringify({
        templates: { files: ['app.yaml'], name: 'web', imageRepository: image.replace(/:[^:]*$/, '') },
        environments,
      }),
    );
    return { dir, names: members.map(([name]) => name) };
  };
  const deploy = (dir: string, environment: string) =>
    context.measure(
      process.execPath,
      [context.bin, 'deploy', '--env', environment, '--image', image],
      context.env,
      dir,
    );
  const fleet = await project('fleet');
  const singles = await project('single');
  const measured = { fleet: await deploy(fleet.dir, 'fleet'), singles: [] as FleetBenchSample[] };
  for (const name of singles.names) measured.singles.push(await deploy(singles.dir, name));
  for (const sample of [measured.fleet, ...measured.singles])
    if (sample.code !== 0)
      throw new Error(`a fleet bench deploy failed (exit ${sample.code}):\n${sample.output.slice(-2000)}`);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.error(
    `[bench] fleet    ${FLEET_CLUSTERS} x ${FLEET_DEPLOYMENTS} Deployments: one fleet deploy ${seconds(measured.fleet.ms)}, ${FLEET_CLUSTERS} single deploys ${measured.singles.map((s) => seconds(s.ms)).join(' + ')}`,
  );
  return {
    fleet: measured.fleet,
    singles: {
      ms: measured.singles.reduce((sum, s) => sum + s.ms, 0),
      rssKb: Math.max(...measured.singles.map((s) => s.rssKb)),
      code: 0,
    },
  };
}

/** The markdown lines of the fleet scenario: medians of the rounds, the ratio against its target. */
export function fleetTable(
  rounds: ReadonlyArray<{ fleet: FleetBenchSample; singles: FleetBenchSample }>,
  median: (numbers: readonly number[]) => number,
): string[] {
  const fleetS = median(rounds.map((r) => r.fleet.ms)) / 1000;
  const singlesS = median(rounds.map((r) => r.singles.ms)) / 1000;
  const fleetMb = median(rounds.map((r) => r.fleet.rssKb)) / 1024;
  const singleMb = median(rounds.map((r) => r.singles.rssKb)) / 1024;
  return [
    '',
    `| fleet (${FLEET_CLUSTERS} clusters x ${FLEET_DEPLOYMENTS} Deployments) | time | peak RSS |`,
    '|---|---|---|',
    `| one fleet deploy, one wave | ${fleetS.toFixed(1)} s | ${fleetMb.toFixed(0)} MB |`,
    `| ${FLEET_CLUSTERS} single deploys one after another (summed) | ${singlesS.toFixed(1)} s | ${singleMb.toFixed(0)} MB |`,
    `| ratio (target < 0.5x, RSS < 250 MB) | ${(fleetS / singlesS).toFixed(2)}x | |`,
  ];
}
