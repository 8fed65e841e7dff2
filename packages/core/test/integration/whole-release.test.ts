import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { IMAGE_MARKERS } from '@kubeship/testbed';
import { afterEach, describe, expect, it } from 'vitest';
import {
  adminClients,
  enforceRestrictedPodSecurity,
  forbidPodsByQuota,
  testNamespace,
} from '../../../testbed/test/helpers.ts';
import { deployObjects } from '../../src/deploy/engine.ts';
import { rollbackRelease } from '../../src/deploy/rollback-release.ts';
import type { DeployObjectsOptions } from '../../src/deploy/types.ts';
import { readHistory } from '../../src/release/history.ts';
import { config, ingress } from './_objects.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function setup(prefix: string) {
  const clients = await adminClients();
  const ns = await testNamespace(clients.kc, prefix);
  cleanups.push(ns.remove);
  const run = (objects: KubeObject[], options: Partial<DeployObjectsOptions> = {}) =>
    deployObjects({
      kubeConfig: clients.kc,
      app: 'shop',
      namespace: ns.name,
      objects,
      timeoutMs: 60_000,
      ...options,
    });
  return { ...clients, namespace: ns.name, run };
}

const labels = { app: 'shop' };
const pod = (image: string, configVersion = '1') => ({
  metadata: { labels, annotations: { 'kubeship.dev/config-checksum': configVersion } },
  spec: { containers: [{ name: 'main', image, envFrom: [{ configMapRef: { name: 'shop-config' } }] }] },
});
const secret = (namespace: string, password: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'shop-secrets', namespace },
  data: { DB_PASSWORD: Buffer.from(password).toString('base64') },
});
const deployment = (
  namespace: string,
  image: string,
  configVersion = '1',
  replicas?: number,
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace, labels: { team: 'shop', tier: 'web' } },
  spec: {
    ...(replicas ? { replicas } : {}),
    selector: { matchLabels: labels },
    template: pod(image, configVersion),
  },
});
const statefulSet = (namespace: string, image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace },
  spec: {
    serviceName: 'db',
    replicas: 2,
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image }] } },
  },
});
const daemonSet = (namespace: string, image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image }] } },
  },
});
const job = (namespace: string, name: string, image: string): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace },
  spec: {
    backoffLimit: 0,
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image }] } },
  },
});

describe('a release is one thing: verified whole, rolled back whole', () => {
  it('verifies a Deployment and a StatefulSet, and rolls both back when the StatefulSet crash-loops', async () => {
    const t = await setup('mixed');
    const good = await t.run([
      deployment(t.namespace, 'registry.local/web:1'),
      statefulSet(t.namespace, 'registry.local/db:1'),
    ]);
    expect(good.outcome).toBe('deployed');
    expect(good.objects.map((o) => [o.kind, o.verdict])).toEqual([
      ['Deployment', 'complete'],
      ['StatefulSet', 'complete'],
    ]);
    expect(good.message).toMatch(/verified healthy: Deployment web, StatefulSet db/);
    const bad = await t.run([
      deployment(t.namespace, 'registry.local/web:2'),
      statefulSet(t.namespace, `registry.local/db:2-${IMAGE_MARKERS.crashLoop}`),
    ]);
    expect(bad).toMatchObject({
      outcome: 'rolled-back',
      code: 'ROLLOUT_FAILED',
      revision: 2,
      previousRevision: 1,
    });
    expect(bad.objects.find((o) => o.kind === 'StatefulSet')).toMatchObject({
      verdict: 'failed',
      reason: 'CrashLoopBackOff',
    });
    const sts = await t.apps.readNamespacedStatefulSet({ name: 'db', namespace: t.namespace });
    const web = await t.apps.readNamespacedDeployment({ name: 'web', namespace: t.namespace });
    expect(sts.spec?.template.spec?.containers[0]?.image).toBe('registry.local/db:1');
    expect(web.spec?.template.spec?.containers[0]?.image).toBe('registry.local/web:1');
    expect(
      (await readHistory(t.kc, { app: 'shop', namespace: t.namespace })).map((r) => [r.revision, r.outcome]),
    ).toEqual([
      [1, 'deployed'],
      [2, 'rolled-back'],
    ]);
  });

  it('judges a rolled-back DaemonSet by its controller: pods of the restored template count as updated, whatever their pod-template-generation', async () => {
    const t = await setup('ds-back');
    expect((await t.run([daemonSet(t.namespace, 'registry.local/agent:1')])).outcome).toBe('deployed');
    const bad = await t.run([daemonSet(t.namespace, `registry.local/agent:2-${IMAGE_MARKERS.crashLoop}`)]);
    expect(bad).toMatchObject({ outcome: 'rolled-back', code: 'ROLLOUT_FAILED' });
    expect(bad.rollback).toMatchObject({ healthy: true, toRevision: 1 });
    const agent = await t.apps.readNamespacedDaemonSet({ name: 'agent', namespace: t.namespace });
    expect(agent.spec?.template.spec?.containers[0]?.image).toBe('registry.local/agent:1');
    // the restored pods kept the generation label of release 1: only the controller's hash says they are current
    const pods = await t.core.listNamespacedPod({ namespace: t.namespace, labelSelector: 'app=agent' });
    const generations = pods.items.map((p) => p.metadata?.labels?.['pod-template-generation']);
    expect(generations).toContain('1');
    expect(agent.metadata?.generation).toBe(3);
  });

  it.each([
    ['DaemonSet', (ns: string, image: string) => daemonSet(ns, image)],
    [
      'Job',
      (ns: string, image: string) =>
        job(ns, 'migrate', image.replace(IMAGE_MARKERS.crashLoop, IMAGE_MARKERS.exit1)),
    ],
  ])('fails fast on a %s that cannot work and puts the release back', async (kind, make) => {
    const t = await setup(kind.toLowerCase());
    await t.run([deployment(t.namespace, 'registry.local/web:1')]);
    const started = Date.now();
    const bad = await t.run([
      deployment(t.namespace, 'registry.local/web:1'),
      make(t.namespace, `registry.local/x:1-${IMAGE_MARKERS.crashLoop}`),
    ]);
    expect(bad.outcome).toBe('rolled-back');
    expect(bad.objects.find((o) => o.kind === kind)?.verdict).toBe('failed');
    expect(Date.now() - started).toBeLessThan(30_000);
    // the failed release created it: putting release 1 back removes it
    expect(bad.rollback?.removed).toEqual([`${kind} ${t.namespace}/${make(t.namespace, '').metadata.name}`]);
  });

  it('puts config back with the workload: the ConfigMap and Secret, the pod template labels and checksum; the next deploy has no drift', async () => {
    const t = await setup('config');
    await t.run([
      config(t.namespace, 'hello'),
      secret(t.namespace, 'old-password'),
      deployment(t.namespace, 'registry.local/web:1', 'v1'),
    ]);
    const bad = await t.run([
      config(t.namespace, 'bonjour'),
      secret(t.namespace, 'new-password'),
      deployment(t.namespace, `registry.local/web:2-${IMAGE_MARKERS.crashLoop}`, 'v2'),
    ]);
    expect(bad.outcome).toBe('rolled-back');
    const cm = await t.core.readNamespacedConfigMap({ name: 'shop-config', namespace: t.namespace });
    expect(cm.data).toEqual({ GREETING: 'hello' });
    const stored = await t.core.readNamespacedSecret({ name: 'shop-secrets', namespace: t.namespace });
    expect(stored.data).toEqual({ DB_PASSWORD: Buffer.from('old-password').toString('base64') });
    const web = await t.apps.readNamespacedDeployment({ name: 'web', namespace: t.namespace });
    expect(web.metadata?.labels).toMatchObject({ team: 'shop', tier: 'web' });
    expect(web.spec?.template.metadata?.annotations?.['kubeship.dev/config-checksum']).toBe('v1');
    const again = await t.run([
      config(t.namespace, 'hello'),
      secret(t.namespace, 'old-password'),
      deployment(t.namespace, 'registry.local/web:1', 'v1'),
    ]);
    expect(
      again.changes.filter(
        (c) => c.action !== 'unchanged' && c.fields.some((f) => !f.includes('change-cause')),
      ),
    ).toEqual([]);
  });

  it('prunes what a healthy release no longer has; a failed one leaves it in place', async () => {
    const t = await setup('prune');
    const networking = t.kc.makeApiClient(k8s.NetworkingV1Api);
    await t.run([deployment(t.namespace, 'registry.local/web:1'), ingress(t.namespace)]);
    const failed = await t.run([deployment(t.namespace, `registry.local/web:2-${IMAGE_MARKERS.crashLoop}`)]);
    expect(failed.outcome).toBe('rolled-back');
    expect(failed.changes).toContainEqual({ id: `Ingress ${t.namespace}/web`, action: 'prune', fields: [] });
    await expect(
      networking.readNamespacedIngress({ name: 'web', namespace: t.namespace }),
    ).resolves.toBeDefined();
    const pruned = await t.run([deployment(t.namespace, 'registry.local/web:3')]);
    expect(pruned).toMatchObject({ outcome: 'deployed', pruned: [`Ingress ${t.namespace}/web`] });
    await expect(
      networking.readNamespacedIngress({ name: 'web', namespace: t.namespace }),
    ).rejects.toMatchObject({ code: 404 });
    // and `rollback` to release 1 brings it back, through the same engine
    const back = await rollbackRelease({
      kubeConfig: t.kc,
      app: 'shop',
      namespace: t.namespace,
      toRevision: 1,
      timeoutMs: 60_000,
      lease: { holder: 'test' },
    });
    expect(back).toMatchObject({ outcome: 'deployed' });
    await expect(
      networking.readNamespacedIngress({ name: 'web', namespace: t.namespace }),
    ).resolves.toBeDefined();
  });

  it('keeps the replica count when an HPA is added to a running 2-replica app', async () => {
    const t = await setup('hpa');
    await t.run([deployment(t.namespace, 'registry.local/web:1', '1', 2)]);
    const hpa: KubeObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: t.namespace },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 5,
      },
    };
    const seen: number[] = [];
    const watch = await new k8s.Watch(t.kc).watch(
      `/apis/apps/v1/namespaces/${t.namespace}/deployments`,
      {},
      (_type: string, d: k8s.V1Deployment) => seen.push(d.spec?.replicas ?? -1),
      () => undefined,
    );
    // the pods request no CPU: the HPA cannot compute a utilization (missing request for cpu) and fails the release
    const printed: string[] = [];
    const result = await t.run([deployment(t.namespace, 'registry.local/web:1', '1', 2), hpa], {
      metricsGraceMs: 1000,
      onEvent: (event) => {
        if (event.type === 'warning') printed.push(event.message);
      },
    });
    watch.abort();
    expect(result.objects.find((o) => o.kind === 'HorizontalPodAutoscaler')?.reason).toMatch(
      /FailedGetResourceMetric|Metric/i,
    );
    expect(
      result.warnings.some((w) => /spec.replicas \(2\) is not applied: HorizontalPodAutoscaler web/.test(w)),
    ).toBe(true);
    // and it is printed (a warning event), not only kept in the result
    expect(printed.some((w) => /spec.replicas \(2\) is not applied/.test(w))).toBe(true);
    const web = await t.apps.readNamespacedDeployment({ name: 'web', namespace: t.namespace });
    expect(web.spec?.replicas).toBe(2);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(2);
  });

  it('fails fast on FailedCreate (Pod Security) and shows the dry-run warning', async () => {
    const t = await setup('psa');
    await t.run([deployment(t.namespace, 'registry.local/web:1')]);
    await enforceRestrictedPodSecurity(t.kc, t.namespace);
    const root = deployment(t.namespace, 'registry.local/web:2');
    const spec = root.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } };
    spec.template.spec.containers[0] = {
      ...spec.template.spec.containers[0],
      securityContext: { runAsUser: 0 },
    };
    const started = Date.now();
    const bad = await t.run([root]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(bad.outcome).toBe('rolled-back');
    expect(bad.objects[0]?.reason).toMatch(/FailedCreate/);
    expect(bad.warnings.join('\n')).toMatch(/would violate PodSecurity "restricted:latest"/);
  });

  it('fails a quota the pod can never fit (pods: "0") within 2 s of the ReplicaSet condition, not after the grace', async () => {
    const t = await setup('quota');
    await t.run([deployment(t.namespace, 'registry.local/web:1')]);
    await forbidPodsByQuota(t.kc, t.namespace);
    let conditionAt: number | undefined;
    const watch = await new k8s.Watch(t.kc).watch(
      `/apis/apps/v1/namespaces/${t.namespace}/replicasets`,
      {},
      (_type: string, rs: k8s.V1ReplicaSet) => {
        const failure = rs.status?.conditions?.find(
          (c) => c.type === 'ReplicaFailure' && c.status === 'True',
        );
        if (failure && conditionAt === undefined)
          conditionAt = new Date(failure.lastTransitionTime ?? 0).getTime();
      },
      () => undefined,
    );
    let failedAt: number | undefined;
    const bad = await t.run([deployment(t.namespace, 'registry.local/web:2')], {
      // the default grace: a quota that others hold would wait this long
      unschedulableGraceMs: 60_000,
      onEvent: (event) => {
        if (event.type === 'rollout-failed') failedAt ??= event.at;
      },
    });
    watch.abort();
    expect(bad.outcome).toBe('rolled-back');
    expect(bad.objects[0]?.reason).toBe('FailedCreate');
    expect(bad.objects[0]?.summary).toMatch(/exceeded quota: no-pods, requested: pods=1/);
    // lastTransitionTime has whole seconds: up to 1 s of the difference is its rounding
    expect((failedAt ?? Number.POSITIVE_INFINITY) - (conditionAt ?? 0)).toBeLessThan(3000);
  });

  it('says so when nothing in a release can be verified, and refuses an empty release', async () => {
    const t = await setup('static');
    const result = await t.run([config(t.namespace, 'x')]);
    expect(result.message).toMatch(/nothing in this release has a health to verify/);
    await expect(t.run([])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
