import { randomBytes } from 'node:crypto';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { KubeObject } from '@kubeship/manifests';
import { IMAGE_MARKERS, LOG_ANNOTATION_PREFIX, putLoadBalancerAlarm, setAlarmState } from '@kubeship/testbed';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedClients } from '../../../testbed/test/helpers.ts';
import { deployObjects } from '../../src/deploy/engine.ts';
import type { DeployObjectsOptions } from '../../src/deploy/types.ts';
import { isKubeshipError } from '../../src/errors.ts';
import type { DeployEvent } from '../../src/events/deploy-events.ts';
import { type AlarmGateOptions, createCloudWatchClient } from '../../src/gates/alarms.ts';
import { readHistory } from '../../src/release/history.ts';

const info = inject('testbed');
const id = randomBytes(3).toString('hex');
let cloudwatch: CloudWatchClient;

beforeAll(() => {
  cloudwatch = createCloudWatchClient({
    region: info.region,
    endpoint: info.aws.endpointUrl,
    credentials: info.aws.credentials,
  });
});

async function alarm(name: string): Promise<string> {
  const full = `kubeship-it-${id}-${name}`;
  putLoadBalancerAlarm(info, full);
  return full;
}

async function setup(prefix: string) {
  const t = await namespacedClients(prefix);
  const events: DeployEvent[] = [];
  const run = (objects: KubeObject[], options: Partial<DeployObjectsOptions> = {}) =>
    deployObjects({
      kubeConfig: t.kc,
      app: 'shop',
      namespace: t.ns,
      objects,
      timeoutMs: 60_000,
      onEvent: (event) => events.push(event),
      ...options,
    });
  const image = async () =>
    (await t.apps.readNamespacedDeployment({ name: 'web', namespace: t.ns })).spec?.template.spec
      ?.containers[0]?.image;
  const jobs = async () =>
    (await t.batch.listNamespacedJob({ namespace: t.ns })).items.map((j) => j.metadata?.name).sort();
  return { ...t, events, run, image, jobs };
}

const web = (namespace: string, image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
  },
});

const hook = (
  namespace: string,
  name: string,
  phase: 'pre-deploy' | 'post-deploy',
  image: string,
  log: string,
): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace, annotations: { 'kubeship.dev/hook': phase } },
  spec: {
    backoffLimit: 0,
    template: {
      metadata: { annotations: { [`${LOG_ANNOTATION_PREFIX}${name}`]: log } },
      spec: { restartPolicy: 'Never', containers: [{ name, image }] },
    },
  },
});

const hookLines = (events: readonly DeployEvent[]) =>
  events.flatMap((e) => (e.type === 'hook-log' ? [`${e.hook}: ${e.line}`] : []));

describe.concurrent('hooks', () => {
  it('runs a pre-deploy migration with its log streamed; a failing one stops the release with nothing changed', async () => {
    const t = await setup('hook-pre');
    try {
      const good = await t.run([
        web(t.ns, 'registry.local/web:1'),
        hook(
          t.ns,
          'migrate',
          'pre-deploy',
          `registry.local/flyway:1-${IMAGE_MARKERS.exit0}`,
          'migrating to v1\nschema is up to date\n',
        ),
      ]);
      expect(good.outcome).toBe('deployed');
      expect(good.steps).toMatchObject([
        { kind: 'hook', name: 'pre-deploy hook migrate', outcome: 'passed', job: 'migrate-r1' },
      ]);
      expect(hookLines(t.events)).toEqual([
        'pre-deploy hook migrate: migrating to v1',
        'pre-deploy hook migrate: schema is up to date',
      ]);
      // the log came before the workload changed
      const firstApply = t.events.findIndex((e) => e.type === 'phase-started' && e.phase === 'apply');
      expect(t.events.findIndex((e) => e.type === 'hook-log')).toBeLessThan(firstApply);
      expect(await t.jobs()).toEqual([]); // deleted once it passed
      expect(good.objects.map((o) => o.kind)).toEqual(['Deployment']);

      t.events.length = 0;
      const bad = await t.run([
        web(t.ns, 'registry.local/web:2'),
        hook(
          t.ns,
          'migrate',
          'pre-deploy',
          `registry.local/flyway:2-${IMAGE_MARKERS.exit1}`,
          'migrating to v2\nERROR: column "email" already exists\n',
        ),
      ]);
      expect(bad).toMatchObject({ outcome: 'failed', code: 'ROLLOUT_FAILED' });
      expect(bad.message).toMatch(/pre-deploy hook migrate .*nothing else was changed/);
      expect(bad.steps?.[0]).toMatchObject({ outcome: 'failed', job: 'migrate-r2' });
      expect([bad.objects, bad.deployments]).toEqual([[], []]); // nothing of the release was applied
      expect(hookLines(t.events)).toContain('pre-deploy hook migrate: ERROR: column "email" already exists');
      expect(t.events.some((e) => e.type === 'phase-started' && e.phase === 'apply')).toBe(false);
      expect(await t.image()).toBe('registry.local/web:1');
      expect(await t.jobs()).toEqual(['migrate-r2']); // the failed run is kept for inspection
      expect((await readHistory(t.kc, { app: 'shop', namespace: t.ns })).map((r) => r.outcome)).toEqual([
        'deployed',
        'failed',
      ]);

      // the next run replaces the kept failed one
      const again = await t.run([
        web(t.ns, 'registry.local/web:2'),
        hook(t.ns, 'migrate', 'pre-deploy', `registry.local/flyway:3-${IMAGE_MARKERS.exit0}`, 'ok\n'),
      ]);
      expect(again.outcome).toBe('deployed');
      expect(await t.jobs()).toEqual([]);
      expect(await t.image()).toBe('registry.local/web:2');
    } finally {
      await t.remove();
    }
  });

  it('rolls the whole release back when a post-deploy hook smoke test fails after a healthy rollout', async () => {
    const t = await setup('hook-post');
    try {
      const smoke = (image: string) =>
        hook(t.ns, 'smoke', 'post-deploy', image, 'GET /healthz\nexpected 200, got 500\n');
      expect(
        (
          await t.run([
            web(t.ns, 'registry.local/web:1'),
            smoke(`registry.local/curl-${IMAGE_MARKERS.exit0}`),
          ])
        ).outcome,
      ).toBe('deployed');
      t.events.length = 0;
      const bad = await t.run([
        web(t.ns, 'registry.local/web:2'),
        smoke(`registry.local/curl-${IMAGE_MARKERS.exit1}`),
      ]);
      expect(bad).toMatchObject({ outcome: 'rolled-back', code: 'ROLLOUT_FAILED' });
      expect(bad.objects).toMatchObject([{ kind: 'Deployment', verdict: 'complete' }]);
      expect(bad.steps).toMatchObject([
        { name: 'post-deploy hook smoke', outcome: 'failed', job: 'smoke-r2' },
      ]);
      expect(bad.steps?.[0]?.evidence?.logs.flatMap((l) => l.lines ?? [])).toContain('expected 200, got 500');
      expect(hookLines(t.events)).toContain('post-deploy hook smoke: expected 200, got 500');
      expect(await t.image()).toBe('registry.local/web:1');
      expect(bad.rollback?.healthy).toBe(true);
    } finally {
      await t.remove();
    }
  });

  it('refuses a hook annotation on anything but a Job, before anything changes', async () => {
    const t = await setup('hook-bad');
    try {
      const wrong = web(t.ns, 'registry.local/web:1');
      const annotated = {
        ...wrong,
        metadata: { ...wrong.metadata, annotations: { 'kubeship.dev/hook': 'pre-deploy' } },
      };
      const error = await t.run([annotated]).catch((e: unknown) => e);
      expect(isKubeshipError(error, 'INVALID_INPUT')).toBe(true);
      expect((error as Error).message).toMatch(
        /Deployment .*web: annotation kubeship.dev\/hook is only for Jobs/,
      );
      expect((await t.apps.listNamespacedDeployment({ namespace: t.ns })).items).toEqual([]);
    } finally {
      await t.remove();
    }
  });
});

describe.concurrent('bake with CloudWatch alarms', () => {
  const gate = (names: string[], extra: Partial<AlarmGateOptions> = {}): AlarmGateOptions => ({
    names,
    bakeMs: 2_000,
    intervalMs: 500,
    client: cloudwatch,
    ...extra,
  });

  it('rolls back within one poll interval of an alarm going into ALARM during the bake', async () => {
    const t = await setup('bake-alarm');
    const name = await alarm('5xx');
    try {
      expect((await t.run([web(t.ns, 'registry.local/web:1')])).outcome).toBe('deployed');
      let firedAt = 0;
      const bad = await t.run([web(t.ns, 'registry.local/web:2')], {
        alarms: gate([name], { bakeMs: 300_000, intervalMs: 1_000 }),
        onEvent: (event) => {
          t.events.push(event);
          if (event.type === 'step-started' && event.kind === 'bake') {
            setAlarmState(info, {
              name,
              state: 'ALARM',
              reason: 'Threshold Crossed: 1 datapoint [42.0] was greater than the threshold (5.0)',
            });
            firedAt = Date.now();
          }
        },
      });
      expect(bad).toMatchObject({ outcome: 'rolled-back', code: 'ROLLOUT_FAILED' });
      const bake = bad.steps?.find((s) => s.kind === 'bake');
      expect(bake).toMatchObject({ outcome: 'failed', reason: 'AlarmTriggered' });
      expect(bake?.alarms).toMatchObject([
        { name, state: 'ALARM', reason: expect.stringMatching(/Threshold Crossed.*42\.0/) },
      ]);
      // one interval (1 s) plus a DescribeAlarms call; generous for a loaded machine, far below the bake
      expect((bake?.finishedAt ?? 0) - firedAt).toBeLessThan(15_000);
      expect(bad.message).toMatch(/alarm bake \(AlarmTriggered: alarm .* is ALARM: Threshold Crossed/);
      expect(await t.image()).toBe('registry.local/web:1');
    } finally {
      await t.remove();
    }
  });

  it('deploys after bakeSeconds when the alarms stay OK, and refuses to start while one is already in ALARM', async () => {
    const t = await setup('bake-ok');
    const name = await alarm('latency');
    try {
      const good = await t.run([web(t.ns, 'registry.local/web:1')], { alarms: gate([name]) });
      expect(good.outcome).toBe('deployed');
      const bake = good.steps?.find((s) => s.kind === 'bake');
      expect(bake).toMatchObject({ outcome: 'passed' });
      expect((bake?.finishedAt ?? 0) - (bake?.startedAt ?? 0)).toBeGreaterThanOrEqual(2_000);
      expect(
        t.events.some((e) => e.type === 'alarm' && e.alarm.name === name && e.alarm.state === 'OK'),
      ).toBe(true);

      setAlarmState(info, { name, state: 'ALARM', reason: 'Threshold Crossed: p99 latency 2.3 s' });
      const refused = await t
        .run([web(t.ns, 'registry.local/web:2')], { alarms: gate([name]) })
        .catch((e: unknown) => e);
      expect(isKubeshipError(refused, 'INVALID_INPUT')).toBe(true);
      expect((refused as Error).message).toMatch(
        /not deploying: alarm .*latency is ALARM \(Threshold Crossed: p99 latency 2.3 s\)/,
      );
      expect(await t.image()).toBe('registry.local/web:1');

      const missing = await t
        .run([web(t.ns, 'registry.local/web:2')], { alarms: gate([`${name}-typo`]) })
        .catch((e: unknown) => e);
      expect((missing as Error).message).toMatch(/latency-typo do not exist/);

      const forced = await t.run([web(t.ns, 'registry.local/web:2')], {
        alarms: gate([name], { ignoreActiveAlarms: true, bakeMs: 0 }),
      });
      expect(forced.outcome).toBe('deployed');
      expect(await t.image()).toBe('registry.local/web:2');
    } finally {
      await t.remove();
    }
  });
});
