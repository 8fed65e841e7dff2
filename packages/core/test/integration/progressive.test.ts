import { randomBytes } from 'node:crypto';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import type { KubeObject } from '@kubeship/manifests';
import { aws } from '@kubeship/testbed';
import { describe, expect, inject, it } from 'vitest';
import { namespacedClients } from '../../../testbed/test/helpers.ts';
import { type DeployObjectsOptions, deployObjects } from '../../src/deploy/engine.ts';
import { createCloudWatchClient } from '../../src/gates/alarms.ts';
import type { DeployEvent } from '../../src/report/events.ts';

const info = inject('testbed');
const id = randomBytes(3).toString('hex');
const cloudwatch = () =>
  createCloudWatchClient({
    region: info.region,
    endpoint: info.aws.endpointUrl,
    credentials: info.aws.credentials,
  });
const setAlarmState = (name: string, state: 'OK' | 'ALARM', reason: string) =>
  aws(
    [
      'cloudwatch',
      'set-alarm-state',
      '--alarm-name',
      name,
      '--state-value',
      state,
      '--state-reason',
      reason,
      '--region',
      info.region,
    ],
    info.aws.credentials,
    info.aws.endpointUrl,
  );

const web = (namespace: string, image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace },
  spec: {
    replicas: 4,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
  },
});
const service = (namespace: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
});

async function setup(prefix: string) {
  const t = await namespacedClients(prefix);
  const events: DeployEvent[] = [];
  const run = (image: string, options: Partial<DeployObjectsOptions> = {}) =>
    deployObjects({
      kubeConfig: t.kc,
      app: 'web',
      namespace: t.ns,
      objects: [service(t.ns), web(t.ns, image)],
      timeoutMs: 60_000,
      onEvent: (event) => events.push(event),
      ...options,
    });
  const state = async () => {
    const deployments = (await t.apps.listNamespacedDeployment({ namespace: t.ns })).items;
    return deployments
      .map((d) => [
        d.metadata?.name,
        d.spec?.template.spec?.containers[0]?.image,
        d.status?.readyReplicas ?? 0,
      ])
      .sort();
  };
  return { ...t, events, run, state };
}

describe.concurrent('replica canary', () => {
  it('10% -> 50% -> 100% with the alarm firing at 50%: canary removed, stable untouched, the report names step 2', async () => {
    const t = await setup('canary-alarm');
    const alarm = `kubeship-it-${id}-canary-5xx`;
    const client = cloudwatch();
    await client.send(
      new PutMetricAlarmCommand({
        AlarmName: alarm,
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    setAlarmState(alarm, 'OK', 'reset by the test');
    try {
      expect((await t.run('registry.local/web:1')).outcome).toBe('deployed');
      const canarySizes: number[] = [];
      const result = await t.run('registry.local/web:2', {
        canary: {
          steps: [
            { percent: 10, bakeMs: 500 },
            { percent: 50, bakeMs: 120_000 },
            { percent: 100, bakeMs: 0 },
          ],
        },
        alarms: { names: [alarm], bakeMs: 0, intervalMs: 500, client },
        onEvent: (event) => {
          t.events.push(event);
          if (event.type === 'step-started' && event.kind === 'canary') {
            canarySizes.push(Number(/^(\d+) canary/.exec(event.detail)?.[1]));
            if (event.name.startsWith('canary step 2'))
              setAlarmState(alarm, 'ALARM', 'Threshold Crossed: 9 5xx in 1 minute');
          }
        },
      });
      expect(canarySizes).toEqual([1, 2]);
      expect(result).toMatchObject({ outcome: 'rolled-back', code: 'ROLLOUT_FAILED', strategy: 'canary' });
      expect(result.steps?.map((s) => [s.name, s.outcome, s.reason])).toEqual([
        ['canary step 1 (10%)', 'passed', undefined],
        ['canary step 2 (50%)', 'failed', 'AlarmTriggered'],
      ]);
      expect(result.steps?.[1]?.alarms?.[0]?.reason).toBe('Threshold Crossed: 9 5xx in 1 minute');
      expect(result.message).toMatch(/canary step 2 \(50%\)/);
      expect(await t.state()).toEqual([['web', 'registry.local/web:1', 4]]);
    } finally {
      setAlarmState(alarm, 'OK', 'test done');
      await t.remove();
    }
  });

  it('promotes after the last step: stable updated and verified, canary removed', async () => {
    const t = await setup('canary-ok');
    try {
      expect((await t.run('registry.local/web:1')).strategy).toBe('rolling');
      let during: Array<Array<string | number | undefined>> = [];
      const result = await t.run('registry.local/web:2', {
        canary: { steps: [{ percent: 25, bakeMs: 0 }] },
        onEvent: (event) => {
          t.events.push(event);
          if (event.type === 'step-finished') void t.state().then((s) => (during = s));
        },
      });
      expect(result).toMatchObject({ outcome: 'deployed', strategy: 'canary' });
      expect(result.steps).toMatchObject([
        { kind: 'canary', name: 'canary step 1 (25%)', outcome: 'passed' },
      ]);
      expect(during).toContainEqual(['web-canary', 'registry.local/web:2', 1]);
      expect(await t.state()).toEqual([['web', 'registry.local/web:2', 4]]);
      expect(result.objects.find((o) => o.kind === 'Deployment')?.verdict).toBe('complete');
    } finally {
      await t.remove();
    }
  });

  it('SIGTERM during a step: the canary is removed, stable untouched, interrupted', async () => {
    const t = await setup('canary-term');
    try {
      await t.run('registry.local/web:1');
      const controller = new AbortController();
      const result = await t.run('registry.local/web:2', {
        canary: { steps: [{ percent: 50, bakeMs: 300_000 }] },
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'step-started') controller.abort();
        },
      });
      expect(result).toMatchObject({ outcome: 'failed', code: 'INTERRUPTED' });
      expect(result.steps).toMatchObject([{ name: 'canary step 1 (50%)', outcome: 'interrupted' }]);
      expect(result.message).toMatch(/canary step 1 \(50%\)/);
      expect(await t.state()).toEqual([['web', 'registry.local/web:1', 4]]);
    } finally {
      await t.remove();
    }
  });
});
