// Release gates through the built `kubeship` binary on the testbed: a pre-deploy hook's log in the
// build output, the alarm gate refusing and baking, a canary whose steps are JUnit test cases and
// exports, and SIGTERM during a canary step (exit 4, canary removed, stable untouched).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  IMAGE_MARKERS,
  LOG_ANNOTATION_PREFIX,
  putLoadBalancerAlarm,
  setAlarmState,
  type TestbedInfo,
} from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { parseExports, removeTempDirs, tempDir } from '../harness.ts';
import { buildCli, cliEnv, type ProcessRun, runProcess } from './_cli.ts';
import { deployReportSchema } from './_report-schema.ts';

let bin: string;
let info: TestbedInfo;
let clients: Awaited<ReturnType<typeof adminClients>>;
const cleanups: Array<() => Promise<void>> = [];
const id = randomBytes(3).toString('hex');

beforeAll(async () => {
  [bin, clients] = await Promise.all([buildCli(), adminClients()]);
  info = clients.info;
}, 180_000);

afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup().catch(() => {})));
  removeTempDirs();
});

function kubeship(args: readonly string[], cwd: string, onSpawn?: (child: ChildProcess) => void) {
  return runProcess(process.execPath, [bin, ...args], {
    cwd,
    env: cliEnv(info),
    timeoutMs: 110_000,
    ...(onSpawn ? { onSpawn } : {}),
  });
}

function expectExit(run: ProcessRun, code: number): void {
  if (run.code !== code)
    throw new Error(
      `expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`,
    );
}

const objects = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'web', image: 'registry.local/web:1', ports: [{ containerPort: 8080 }] }],
        },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', annotations: { 'kubeship.dev/hook': 'pre-deploy' } },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: {
          annotations: { [`${LOG_ANNOTATION_PREFIX}migrate`]: 'Successfully applied 3 migrations\n' },
        },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'migrate', image: `registry.local/flyway-${IMAGE_MARKERS.exit0}` }],
        },
      },
    },
  },
];

async function project(prefix: string, alarm: string) {
  const ns = await testNamespace(clients.kc, prefix);
  cleanups.push(ns.remove);
  const cwd = tempDir('kubeship-gates-');
  writeFileSync(join(cwd, 'app.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  const environment = (canaryBakeSeconds: number) => ({
    cluster: { name: info.clusterName, region: info.region },
    namespace: ns.name,
    timeoutSeconds: 60,
    alarms: { names: [alarm], bakeSeconds: 2, intervalSeconds: 1 },
    canary: { steps: [{ percent: 50, bakeSeconds: canaryBakeSeconds }] },
  });
  writeFileSync(
    join(cwd, 'kubeship.config.yaml'),
    stringify({
      templates: { files: ['app.yaml'], name: 'web', imageRepository: 'registry.local/web' },
      environments: { test: environment(1), slow: environment(300) },
    }),
  );
  return { ns: ns.name, cwd };
}

describe.concurrent('release gates (built binary, testbed)', () => {
  it('hook log in the output, alarm gate refusing then baking, canary steps in JUnit and exports; SIGTERM mid-canary exits 4', async () => {
    const alarm = `kubeship-it-${id}-cli-5xx`;
    putLoadBalancerAlarm(info, alarm);
    const p = await project('cli-gates', alarm);

    const first = await kubeship(['deploy', '--env', 'test', '--tag', '1'], p.cwd);
    expectExit(first, 0);
    expect(first.stdout).toMatch(
      /pre-deploy hook migrate \| migrate-r1-\w+\/migrate: Successfully applied 3 migrations/,
    );
    expect(first.stdout).toMatch(/first release, no stable version to compare a canary with/);
    expect(first.stdout).toMatch(/✓ alarm bake: passed/);

    setAlarmState(info, { name: alarm, state: 'ALARM', reason: 'Threshold Crossed: 12 5xx' });
    const refused = await kubeship(['deploy', '--env', 'test', '--tag', '2'], p.cwd);
    expectExit(refused, 2);
    expect(refused.stderr + refused.stdout).toMatch(
      /not deploying: alarm .*cli-5xx is ALARM \(Threshold Crossed: 12 5xx\)/,
    );

    setAlarmState(info, { name: alarm, state: 'OK', reason: 'recovered' });
    const second = await kubeship(
      [
        'deploy',
        '--env',
        'test',
        '--tag',
        '2',
        '--exports',
        'e.env',
        '--report-junit',
        'j.xml',
        '--output',
        'json',
      ],
      p.cwd,
    );
    expectExit(second, 0);
    expect(parseExports(readFileSync(join(p.cwd, 'e.env'), 'utf8'))).toMatchObject({
      KUBESHIP_STRATEGY: 'canary',
      KUBESHIP_LAST_STEP: 'alarm bake: passed',
    });
    const report = deployReportSchema.parse(JSON.parse(second.stdout));
    expect(report.result.steps?.map((step) => [step.kind, step.name, step.outcome])).toEqual([
      ['hook', 'pre-deploy hook migrate', 'passed'],
      ['canary', 'canary step 1 (50%)', 'passed'],
      ['bake', 'alarm bake', 'passed'],
    ]);
    expect(report.events.filter((e) => e.type === 'hook-log').map((e) => e.line)).toEqual([
      'Successfully applied 3 migrations',
    ]);
    const junit = readFileSync(join(p.cwd, 'j.xml'), 'utf8');
    for (const name of ['pre-deploy hook migrate', 'canary step 1 (50%)', 'alarm bake'])
      expect(junit).toContain(`name="${name}"`);

    let child: ChildProcess | undefined;
    let stopping = false;
    const running = kubeship(['deploy', '--tag', '3', '--env', 'slow', '--exports', 's.env'], p.cwd, (c) => {
      child = c;
      c.stdout?.on('data', (chunk: Buffer | string) => {
        if (!stopping && String(chunk).includes('canary step 1 (50%):')) {
          stopping = true;
          child?.kill('SIGTERM');
        }
      });
    });
    const stopped = await running;
    expectExit(stopped, 4);
    expect(parseExports(readFileSync(join(p.cwd, 's.env'), 'utf8'))).toMatchObject({
      KUBESHIP_STRATEGY: 'canary',
      KUBESHIP_LAST_STEP: 'canary step 1 (50%): interrupted',
    });
    const deployments = await clients.apps.listNamespacedDeployment({ namespace: p.ns });
    expect(
      deployments.items.map((d) => [d.metadata?.name, d.spec?.template.spec?.containers[0]?.image]),
    ).toEqual([['web', 'registry.local/web:2']]);
  });
});
