// Fleets through the built `kubeship` binary on the testbed. Most fleets here are kubeconfig
// contexts of the one shared testbed, each cluster with its own namespace (three control planes
// per case would not fit the 2-core machine next to the rest of the suite); the unreachable one is
// the same kubeconfig pointed at a closed port. One case runs on two real control planes: the
// shared testbed through EKS authentication, and a second testbed started for it.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { IMAGE_MARKERS, startTestbed, type TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { adminClients, testNamespace, watchUntil } from '../../../testbed/test/helpers.ts';
import { parseExports, parseXml, removeTempDirs, tempDir } from '../harness.ts';
import { buildCli, cliEnv, type ProcessRun, runProcess } from './_cli.ts';

let bin: string;
let info: TestbedInfo;
let clients: Awaited<ReturnType<typeof adminClients>>;
let context: string;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [bin, clients] = await Promise.all([buildCli(), adminClients()]);
  info = clients.info;
  context = (parse(info.adminKubeconfig) as { 'current-context': string })['current-context'];
}, 180_000);

afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup().catch(() => {})));
  removeTempDirs();
});

function kubeship(args: readonly string[], cwd: string, onSpawn?: (child: ChildProcess) => void) {
  return runProcess(process.execPath, [bin, ...args], {
    cwd,
    env: cliEnv(info),
    timeoutMs: 170_000,
    ...(onSpawn ? { onSpawn } : {}),
  });
}

function expectExit(run: ProcessRun, code: number): void {
  if (run.code !== code)
    throw new Error(
      `expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`,
    );
}

// the app container takes the deployed tag; the sidecar's image is a per-cluster variable, so one
// cluster of the fleet can crash-loop while the others run the same release
const APP = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - { name: web, image: registry.local/web:1 }
        - { name: side, image: "registry.local/side:\${SIDE}" }
`;

interface Cluster {
  readonly name: string;
  readonly namespace: string;
  side?: string;
  /** A kubeconfig whose server nobody listens on. */
  readonly unreachable?: boolean;
}

/** A fleet project: a namespace per cluster, the config written by `write` from the clusters' state. */
async function fleetProject(names: readonly string[], waves: ReadonlyArray<readonly string[]>) {
  const clusters = await Promise.all(
    names.map(async (name): Promise<Cluster> => {
      const ns = await testNamespace(clients.kc, `fleet-${name}`);
      cleanups.push(ns.remove);
      return { name, namespace: ns.name, side: 'ok' };
    }),
  );
  const cwd = tempDir('kubeship-fleet-');
  writeFileSync(join(cwd, 'app.yaml'), APP);
  const closed = join(cwd, 'closed.kubeconfig');
  writeFileSync(
    closed,
    info.adminKubeconfig.replace(/server: \S+/, `server: https://127.0.0.1:${await closedPort()}`),
  );
  const write = (all: readonly Cluster[] = clusters) =>
    writeFileSync(
      join(cwd, 'kubeship.config.yaml'),
      stringify({
        templates: { files: ['app.yaml'], name: 'web', imageRepository: 'registry.local/web' },
        environments: {
          prod: {
            namespace: 'unused',
            timeoutSeconds: 90,
            fleet: {
              clusters: Object.fromEntries(
                all.map((c) => [
                  c.name,
                  {
                    kubeconfig: { path: c.unreachable ? closed : info.adminKubeconfigPath, context },
                    namespace: c.namespace,
                    variables: { SIDE: c.side ?? 'ok' },
                  },
                ]),
              ),
              waves,
            },
          },
        },
      }),
    );
  write();
  return { cwd, clusters, write, byName: (name: string) => clusters.find((c) => c.name === name) as Cluster };
}

/** A loopback port nobody listens on: one the system just gave out, closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function deploymentOf(namespace: string): Promise<k8s.V1Deployment> {
  return clients.apps.readNamespacedDeployment({ name: 'web', namespace });
}
const imageOf = async (namespace: string) =>
  (await deploymentOf(namespace)).spec?.template.spec?.containers[0]?.image;

interface FleetJson {
  outcome: string;
  exitCode: number;
  failedWave: number | null;
  clusters: Array<{
    cluster: string;
    wave: number;
    status: string;
    exitCode: number;
    result?: { outcome: string };
  }>;
}
const statuses = (run: ProcessRun) =>
  (JSON.parse(run.stdout) as FleetJson).clusters.map((c) => [c.cluster, c.status, c.exitCode]);

describe('kubeship deploy on a fleet', () => {
  it('3 clusters in 2 waves deploy healthy; a crash loop in wave 2 puts wave 2 back and leaves wave 1 on the new release; a crash loop in wave 1 leaves wave 2 untouched', async () => {
    const fleet = await fleetProject(['a', 'b', 'c'], [['a'], ['b', 'c']]);
    const deploy = (tag: string, ...more: string[]) =>
      kubeship(['deploy', '--env', 'prod', '--tag', tag, '--output', 'json', ...more], fleet.cwd);

    // 1. healthy: every cluster on tag one, one report with a suite per cluster
    const first = await deploy('one', '--report-junit', 'fleet.xml', '--exports', 'fleet.env');
    expectExit(first, 0);
    expect(statuses(first)).toEqual([
      ['a', 'deployed', 0],
      ['b', 'deployed', 0],
      ['c', 'deployed', 0],
    ]);
    for (const c of fleet.clusters) expect(await imageOf(c.namespace)).toBe('registry.local/web:one');
    expect(first.stderr).toContain('[b] ');
    const suites = parseXml(readFileSync(join(fleet.cwd, 'fleet.xml'), 'utf8')).children;
    expect(suites.map((s) => s.attributes.name)).toEqual([
      'kubeship deploy (prod/a)',
      'kubeship deploy (prod/b)',
      'kubeship deploy (prod/c)',
    ]);
    expect(parseExports(readFileSync(join(fleet.cwd, 'fleet.env'), 'utf8'))).toMatchObject({
      KUBESHIP_FLEET_OUTCOME: 'deployed',
      KUBESHIP_CLUSTERS_DEPLOYED: 'a,b,c',
      KUBESHIP_CLUSTERS_UNTOUCHED: '',
    });

    // 2. wave 2's second cluster crash-loops: c rolls itself back, b (healthy) is put back, a keeps two
    fleet.byName('c').side = IMAGE_MARKERS.crashLoop;
    fleet.write();
    const second = await deploy('two', '--exports', 'fleet.env');
    expectExit(second, 1);
    const report = JSON.parse(second.stdout) as FleetJson;
    expect(report).toMatchObject({ outcome: 'stopped', failedWave: 2, exitCode: 1 });
    expect(statuses(second)).toEqual([
      ['a', 'deployed', 0],
      ['b', 'reverted', 1],
      ['c', 'failed', 1],
    ]);
    expect(report.clusters[2]?.result?.outcome).toBe('rolled-back');
    expect(await imageOf(fleet.byName('a').namespace)).toBe('registry.local/web:two');
    expect(await imageOf(fleet.byName('b').namespace)).toBe('registry.local/web:one');
    expect(await imageOf(fleet.byName('c').namespace)).toBe('registry.local/web:one');
    expect(parseExports(readFileSync(join(fleet.cwd, 'fleet.env'), 'utf8'))).toMatchObject({
      KUBESHIP_FLEET_OUTCOME: 'stopped',
      KUBESHIP_CLUSTERS_DEPLOYED: 'a',
      KUBESHIP_CLUSTERS_ROLLED_BACK: 'b,c',
    });

    // 3. wave 1 crash-loops: wave 2 is not touched at all
    fleet.byName('a').side = IMAGE_MARKERS.crashLoop;
    fleet.byName('c').side = 'ok';
    fleet.write();
    const before = await Promise.all(
      ['b', 'c'].map(async (n) => (await deploymentOf(fleet.byName(n).namespace)).metadata?.resourceVersion),
    );
    const third = await deploy('three');
    expectExit(third, 1);
    expect(statuses(third)).toEqual([
      ['a', 'failed', 1],
      ['b', 'untouched', 0],
      ['c', 'untouched', 0],
    ]);
    const after = await Promise.all(
      ['b', 'c'].map(async (n) => (await deploymentOf(fleet.byName(n).namespace)).metadata?.resourceVersion),
    );
    expect(after).toEqual(before);
    expect(await imageOf(fleet.byName('a').namespace)).toBe('registry.local/web:two');

    // status of the whole fleet: one line set per cluster
    const status = await kubeship(['status', '--env', 'prod'], fleet.cwd);
    expectExit(status, 0);
    for (const name of ['a', 'b', 'c']) expect(status.stdout).toContain(`[${name}] prod:`);
  }, 600_000);

  it('one unreachable cluster: exit 3 before anything changes anywhere', async () => {
    const fleet = await fleetProject(['a', 'b'], [['a'], ['b']]);
    fleet.write([fleet.byName('a'), { ...fleet.byName('b'), unreachable: true }]);
    const run = await kubeship(['deploy', '--env', 'prod', '--tag', 'one', '--output', 'json'], fleet.cwd);
    expectExit(run, 3);
    expect(statuses(run)).toEqual([
      ['a', 'untouched', 0],
      ['b', 'refused', 3],
    ]);
    expect((JSON.parse(run.stdout) as FleetJson).outcome).toBe('not-started');
    const live = await clients.apps.listNamespacedDeployment({ namespace: fleet.byName('a').namespace });
    expect(live.items).toEqual([]);
  }, 240_000);

  it('SIGTERM mid-wave: the running clusters stop as a single deploy does (exit 4), the next wave is untouched', async () => {
    const fleet = await fleetProject(['a', 'b', 'c'], [['a', 'b'], ['c']]);
    let child: ChildProcess | undefined;
    const running = kubeship(
      ['deploy', '--env', 'prod', '--tag', `one-${IMAGE_MARKERS.slowReady}`, '--output', 'json'],
      fleet.cwd,
      (spawned) => {
        child = spawned;
      },
    );
    // wave 1 is under way once a's new pods exist
    await watchUntil<k8s.V1Pod>(
      clients.kc,
      `/api/v1/namespaces/${fleet.byName('a').namespace}/pods`,
      (pods) => pods.length > 0,
      { timeoutMs: 60_000 },
    );
    child?.kill('SIGTERM');
    const run = await running;
    expectExit(run, 4);
    const report = JSON.parse(run.stdout) as FleetJson;
    expect(report.outcome).toBe('interrupted');
    expect(report.clusters.find((c) => c.cluster === 'c')?.status).toBe('untouched');
    const live = await clients.apps.listNamespacedDeployment({ namespace: fleet.byName('c').namespace });
    expect(live.items).toEqual([]);
  }, 240_000);

  it('two real control planes in two waves: the shared testbed through EKS, then a second testbed', async () => {
    const second = await startTestbed({ nodes: 1 });
    cleanups.push(() => second.stop());
    const eks = await testNamespace(clients.kc, 'fleet-eks');
    cleanups.push(eks.remove);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(second.adminKubeconfig);
    await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: 'shop' } } });
    const cwd = tempDir('kubeship-fleet-two-');
    writeFileSync(join(cwd, 'app.yaml'), APP.replace('${SIDE}', 'ok'));
    writeFileSync(
      join(cwd, 'kubeship.config.yaml'),
      stringify({
        templates: { files: ['app.yaml'], name: 'web', imageRepository: 'registry.local/web' },
        environments: {
          prod: {
            namespace: 'shop',
            timeoutSeconds: 90,
            fleet: {
              clusters: {
                home: { cluster: { name: info.clusterName, region: info.region }, namespace: eks.name },
                away: {
                  kubeconfig: {
                    path: second.adminKubeconfigPath,
                    context: (parse(second.adminKubeconfig) as { 'current-context': string })[
                      'current-context'
                    ],
                  },
                },
              },
              waves: [['home'], ['away']],
            },
          },
        },
      }),
    );
    // human output: each cluster's lines prefixed with it, then the table
    const run = await kubeship(['deploy', '--env', 'prod', '--tag', 'one'], cwd);
    expectExit(run, 0);
    expect(run.stdout).toMatch(/^\[away\] .*: verified healthy$/m);
    expect(run.stdout).toContain('fleet prod: deployed (exit 0): all 2 clusters deployed and healthy');
    expect(run.stdout).toMatch(/^ {2}home +1 +deployed +0 +0 -> 1 /m);
    expect(run.stdout).toMatch(/^ {2}away +2 +deployed +0 +0 -> 1 /m);
    expect(await imageOf(eks.name)).toBe('registry.local/web:one');
    const away = await kc
      .makeApiClient(k8s.AppsV1Api)
      .readNamespacedDeployment({ name: 'web', namespace: 'shop' });
    expect(away.spec?.template.spec?.containers[0]?.image).toBe('registry.local/web:one');
  }, 240_000);
});
