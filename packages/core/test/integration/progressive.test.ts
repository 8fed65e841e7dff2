import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { putLoadBalancerAlarm, setAlarmState } from '@kubeship/testbed';
import { describe, expect, inject, it } from 'vitest';
import { namespacedClients, watchUntil } from '../../../testbed/test/helpers.ts';
import { deployObjects } from '../../src/deploy/engine.ts';
import type { DeployObjectsOptions } from '../../src/deploy/types.ts';
import type { DeployEvent } from '../../src/events/deploy-events.ts';
import { createCloudWatchClient } from '../../src/gates/alarms.ts';

const info = inject('testbed');
const id = randomBytes(3).toString('hex');
const cloudwatch = () =>
  createCloudWatchClient({
    region: info.region,
    endpoint: info.aws.endpointUrl,
    credentials: info.aws.credentials,
  });

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

const ingress = (namespace: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace, annotations: { 'alb.ingress.kubernetes.io/scheme': 'internal' } },
  spec: {
    ingressClassName: 'alb',
    rules: [
      {
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
          ],
        },
      },
    ],
  },
});
const ACTION = 'alb.ingress.kubernetes.io/actions.web-weighted';

async function setup(prefix: string) {
  const t = await namespacedClients(prefix);
  const events: DeployEvent[] = [];
  const run = (image: string, options: Partial<DeployObjectsOptions> = {}) =>
    deployObjects({
      kubeConfig: t.kc,
      app: 'web',
      namespace: t.ns,
      objects: [service(t.ns), web(t.ns, image), ingress(t.ns)],
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

describe.concurrent('canary (replicas behind the Service, or ALB weights)', () => {
  it('10% -> 50% -> 100% with the alarm firing at 50%: canary removed, stable untouched, the report names step 2', async () => {
    const t = await setup('canary-alarm');
    const alarm = `kubeship-it-${id}-canary-5xx`;
    const client = cloudwatch();
    putLoadBalancerAlarm(info, alarm);
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
              setAlarmState(info, {
                name: alarm,
                state: 'ALARM',
                reason: 'Threshold Crossed: 9 5xx in 1 minute',
              });
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
      setAlarmState(info, { name: alarm, state: 'OK', reason: 'test done' });
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

  it('ALB weighted: the Ingress forwards 90/10 to the canary Service at 10%; an alarm at 50% puts the Ingress back, canary gone', async () => {
    const t = await setup('canary-alb');
    const alarm = `kubeship-it-${id}-alb-5xx`;
    const client = cloudwatch();
    putLoadBalancerAlarm(info, alarm);
    const networking = t.kc.makeApiClient(k8s.NetworkingV1Api);
    try {
      await t.run('registry.local/web:1');
      let atStep2: Promise<k8s.V1Ingress> | undefined;
      let canaryEndpoints: Promise<k8s.V1EndpointSlice[]> | undefined;
      const result = await t.run('registry.local/web:2', {
        canary: {
          steps: [
            { percent: 10, bakeMs: 8_000 },
            { percent: 50, bakeMs: 120_000 },
          ],
          alb: { ingress: 'web', service: 'web' },
        },
        alarms: { names: [alarm], bakeMs: 0, intervalMs: 500, client },
        onEvent: (event) => {
          if (event.type !== 'step-started' || event.kind !== 'canary') return;
          if (event.name.startsWith('canary step 1'))
            canaryEndpoints = watchUntil<k8s.V1EndpointSlice>(
              t.kc,
              `/apis/discovery.k8s.io/v1/namespaces/${t.ns}/endpointslices`,
              (slices) =>
                slices.some((slice) =>
                  slice.endpoints?.some((e) => e.targetRef?.name?.startsWith('web-canary-')),
                ),
              { labelSelector: 'kubernetes.io/service-name=web-canary', timeoutMs: 30_000 },
            );
          if (event.name.startsWith('canary step 2')) {
            atStep2 = networking.readNamespacedIngress({ name: 'web', namespace: t.ns });
            setAlarmState(info, { name: alarm, state: 'ALARM', reason: 'Threshold Crossed: 7 5xx' });
          }
        },
      });
      expect(result).toMatchObject({ outcome: 'rolled-back', code: 'ROLLOUT_FAILED' });
      expect(result.steps?.map((s) => [s.name, s.outcome, s.reason])).toEqual([
        ['canary step 1 (10%)', 'passed', undefined],
        ['canary step 2 (50%)', 'failed', 'AlarmTriggered'],
      ]);
      // during step 1: the stable and canary target groups at 90/10, the backend using the action
      const during = await atStep2;
      expect(JSON.parse(during?.metadata?.annotations?.[ACTION] ?? '{}')).toEqual({
        type: 'forward',
        forwardConfig: {
          targetGroups: [
            { serviceName: 'web', servicePort: '80', weight: 90 },
            { serviceName: 'web-canary', servicePort: '80', weight: 10 },
          ],
        },
      });
      expect(during?.spec?.rules?.[0]?.http?.paths[0]?.backend.service).toEqual({
        name: 'web-weighted',
        port: { name: 'use-annotation' },
      });
      // the canary pods were endpoints of the canary Service only
      expect((await canaryEndpoints)?.length).toBeGreaterThan(0);
      // after: the Ingress as the release has it (all traffic to stable), no canary Service or Deployment
      const after = await networking.readNamespacedIngress({ name: 'web', namespace: t.ns });
      expect(after.metadata?.annotations?.[ACTION]).toBeUndefined();
      expect(after.spec?.rules?.[0]?.http?.paths[0]?.backend.service?.name).toBe('web');
      expect(
        (await t.core.listNamespacedService({ namespace: t.ns })).items.map((s) => s.metadata?.name),
      ).toEqual(['web']);
      expect(await t.state()).toEqual([['web', 'registry.local/web:1', 4]]);
    } finally {
      setAlarmState(info, { name: alarm, state: 'OK', reason: 'test done' });
      await t.remove();
    }
  });
});

describe.concurrent('blue/green', () => {
  const endpointsOf = (t: Awaited<ReturnType<typeof setup>>, done: (pods: string[]) => boolean) =>
    watchUntil<k8s.V1EndpointSlice>(
      t.kc,
      `/apis/discovery.k8s.io/v1/namespaces/${t.ns}/endpointslices`,
      (slices) => done(slices.flatMap((s) => (s.endpoints ?? []).map((e) => e.targetRef?.name ?? ''))),
      { labelSelector: 'kubernetes.io/service-name=web', timeoutMs: 30_000 },
    );

  it('green verified at full size, the Service switched to green only, then promoted; SIGTERM while kept switches back at once', async () => {
    const t = await setup('blue-green');
    try {
      await t.run('registry.local/web:1');
      let onGreen: Promise<unknown> | undefined;
      const result = await t.run('registry.local/web:2', {
        blueGreen: { service: 'web', keepMs: 6_000 },
        onEvent: (event) => {
          if (event.type === 'step-started' && event.name === 'traffic on green')
            onGreen = endpointsOf(
              t,
              (pods) => pods.length === 4 && pods.every((p) => p.startsWith('web-green-')),
            );
        },
      });
      expect(result).toMatchObject({ outcome: 'deployed', strategy: 'blue-green' });
      expect(result.steps?.map((s) => [s.kind, s.name, s.outcome])).toEqual([
        ['blue-green', 'green at full size', 'passed'],
        ['blue-green', 'traffic on green', 'passed'],
      ]);
      await onGreen; // while blue was kept, the Service's endpoints were the four green pods only
      await endpointsOf(t, (pods) => pods.length === 4 && pods.every((p) => !p.startsWith('web-green-')));
      expect(await t.state()).toEqual([['web', 'registry.local/web:2', 4]]);

      // stopped while traffic is on green: back on blue (web:2) at once, green removed
      const controller = new AbortController();
      const stopped = await t.run('registry.local/web:3', {
        blueGreen: { service: 'web', keepMs: 300_000 },
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'step-started' && event.name === 'traffic on green') controller.abort();
        },
      });
      expect(stopped).toMatchObject({ outcome: 'failed', code: 'INTERRUPTED' });
      expect(stopped.steps?.at(-1)).toMatchObject({ name: 'traffic on green', outcome: 'interrupted' });
      expect(await t.state()).toEqual([['web', 'registry.local/web:2', 4]]);
      const live = await t.core.readNamespacedService({ name: 'web', namespace: t.ns });
      expect(live.spec?.selector).toEqual({ app: 'web' });
    } finally {
      await t.remove();
    }
  });
});
