import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { IMAGE_MARKERS, MARKER_LAST_LOG_LINES } from '../../src/index.ts';
import {
  enforceRestrictedPodSecurity,
  forbidPodsByQuota,
  namespacedClients,
  watchUntil,
} from '../helpers.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function namespace(prefix: string) {
  const clients = await namespacedClients(prefix);
  cleanups.push(clients.remove);
  return clients;
}

const image = (marker: string) => `registry.local/${marker}:1`;

/** Creates the pod and waits until `done` holds for it, as the real API reports it. */
async function podUntil(
  kc: k8s.KubeConfig,
  namespace: string,
  spec: k8s.V1PodSpec,
  done: (pod: k8s.V1Pod) => boolean,
  annotations?: Record<string, string>,
): Promise<k8s.V1Pod> {
  await kc.makeApiClient(k8s.CoreV1Api).createNamespacedPod({
    namespace,
    body: { metadata: { name: 'p', ...(annotations ? { annotations } : {}) }, spec },
  });
  const [pod] = await watchUntil<k8s.V1Pod>(
    kc,
    `/api/v1/namespaces/${namespace}/pods`,
    ([p]) => !!p && done(p),
    {
      timeoutMs: 30_000,
    },
  );
  return pod as k8s.V1Pod;
}

const status = (pod: k8s.V1Pod, name: string) =>
  [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find(
    (c) => c.name === name,
  );

describe('per-container behaviour on the testbed', () => {
  it('only the sidecar crash-loops; the app container runs and is ready', async () => {
    const { kc, ns } = await namespace('sidecar');
    const pod = await podUntil(
      kc,
      ns,
      {
        containers: [
          { name: 'app', image: image('app') },
          { name: 'proxy', image: image(IMAGE_MARKERS.crashLoop) },
        ],
      },
      (p) => status(p, 'proxy')?.state?.waiting?.reason === 'CrashLoopBackOff',
    );
    expect(status(pod, 'app')).toMatchObject({ ready: true, state: { running: expect.anything() } });
    expect(status(pod, 'proxy')?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(status(pod, 'proxy')?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('an init container that cannot be pulled holds the app in PodInitializing', async () => {
    const { kc, ns } = await namespace('init-pull');
    const pod = await podUntil(
      kc,
      ns,
      {
        initContainers: [{ name: 'migrate', image: image(IMAGE_MARKERS.imagePullBackOff) }],
        containers: [{ name: 'app', image: image('app') }],
      },
      (p) => status(p, 'migrate')?.state?.waiting?.reason === 'ImagePullBackOff',
    );
    expect(status(pod, 'app')?.state?.waiting?.reason).toBe('PodInitializing');
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
    });
  });

  it('a healthy init container completes before the app starts', async () => {
    const { kc, ns } = await namespace('init-ok');
    const pod = await podUntil(
      kc,
      ns,
      {
        initContainers: [{ name: 'migrate', image: image('migrate') }],
        containers: [{ name: 'app', image: image('app') }],
      },
      (p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
    );
    expect(status(pod, 'migrate')?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('a neverready container runs but never turns Ready', async () => {
    const { kc, ns } = await namespace('neverready');
    const pod = await podUntil(
      kc,
      ns,
      { containers: [{ name: 'app', image: image(IMAGE_MARKERS.neverReady) }] },
      (p) => p.status?.phase === 'Running',
    );
    expect(status(pod, 'app')).toMatchObject({
      ready: false,
      started: true,
      state: { running: expect.anything() },
    });
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False' });
  });

  it('an oomkilled container is terminated with OOMKilled, then backs off', async () => {
    const { kc, ns } = await namespace('oom');
    const pod = await podUntil(
      kc,
      ns,
      { containers: [{ name: 'app', image: image(IMAGE_MARKERS.oomKilled) }] },
      (p) => status(p, 'app')?.state?.waiting?.reason === 'CrashLoopBackOff',
    );
    expect(status(pod, 'app')?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it('serves container logs through pods/log, with previous and tailLines', async () => {
    const { kc, core, ns } = await namespace('logs');
    await podUntil(
      kc,
      ns,
      {
        containers: [
          { name: 'app', image: image('app') },
          { name: 'worker', image: image(IMAGE_MARKERS.crashLoop) },
        ],
      },
      (p) => status(p, 'worker')?.state?.waiting?.reason === 'CrashLoopBackOff',
    );
    const app = await core.readNamespacedPodLog({ name: 'p', namespace: ns, container: 'app' });
    expect(app.trim().split('\n').at(-1)).toBe(MARKER_LAST_LOG_LINES.healthy);
    const crashed = await core.readNamespacedPodLog({
      name: 'p',
      namespace: ns,
      container: 'worker',
      previous: true,
      tailLines: 1,
    });
    expect(crashed).toBe(`${MARKER_LAST_LOG_LINES.crashloop}\n`);
    const refused = core.readNamespacedPodLog({ name: 'p', namespace: ns, container: 'app', previous: true });
    await expect(refused).rejects.toThrow(/previous terminated container \W+app\W+ in pod \W+p\W+ not found/);
  });

  it('a pod annotation replaces one container log', async () => {
    const { kc, core, ns } = await namespace('logs-custom');
    await podUntil(
      kc,
      ns,
      { containers: [{ name: 'app', image: image('app') }] },
      (p) => p.status?.phase === 'Running',
      { 'logs.testbed.kubeship.dev/app': 'one\ntwo\n' },
    );
    expect(
      await core.readNamespacedPodLog({ name: 'p', namespace: ns, container: 'app', tailLines: 1 }),
    ).toBe('two\n');
  });
});

describe('FailedCreate is reproducible', () => {
  const deployment = (image: string, securityContext?: k8s.V1SecurityContext): k8s.V1Deployment => ({
    metadata: { name: 'web' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image, ...(securityContext ? { securityContext } : {}) }] },
      },
    },
  });
  const failedCreate = async (kc: k8s.KubeConfig, ns: string) => {
    const [rs] = await watchUntil<k8s.V1ReplicaSet>(
      kc,
      `/apis/apps/v1/namespaces/${ns}/replicasets`,
      ([r]) => !!r?.status?.conditions?.some((c) => c.type === 'ReplicaFailure' && c.status === 'True'),
      { timeoutMs: 30_000 },
    );
    return rs?.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  };

  it('Pod Security restricted refuses a root pod', async () => {
    const { kc, apps, core, ns } = await namespace('psa');
    await enforceRestrictedPodSecurity(kc, ns);
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment(image('web'), { runAsUser: 0 }),
    });
    const condition = await failedCreate(kc, ns);
    expect(condition?.reason).toBe('FailedCreate');
    expect(condition?.message).toMatch(/violates PodSecurity "restricted:latest"/);
    expect((await core.listNamespacedPod({ namespace: ns })).items).toHaveLength(0);
  });

  it('a pods: "0" quota refuses every pod', async () => {
    const { kc, apps, ns } = await namespace('quota');
    await forbidPodsByQuota(kc, ns);
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment(image('web')) });
    const condition = await failedCreate(kc, ns);
    expect(condition?.message).toMatch(/exceeded quota: no-pods/);
  });
});
