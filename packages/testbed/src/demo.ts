// The interim demo (until the kubeship CLI lands): on a fresh testbed, deploy a Deployment,
// roll it to a new image and watch the rolling update, then roll out a crashing image, spot the
// crash loop early and undo it. Everything goes through the real control plane.
import * as k8s from '@kubernetes/client-node';
import { IMAGE_MARKERS } from './markers.ts';
import { startTestbed } from './testbed.ts';

const started = Date.now();
const say = (line: string) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}`);
const namespace = 'demo';
const name = 'web';

type Verdict = 'done' | { failed: string } | undefined;

/** Watches the namespace's pods and the Deployment until `judge` returns a verdict. */
async function follow(
  kc: k8s.KubeConfig,
  apps: k8s.AppsV1Api,
  judge: (d: k8s.V1Deployment, pods: k8s.V1Pod[]) => Verdict,
) {
  const pods = new Map<string, k8s.V1Pod>();
  let deployment = await apps.readNamespacedDeployment({ name, namespace });
  let lastLine = '';
  const watch = new k8s.Watch(kc);
  const controllers: AbortController[] = [];
  try {
    return await new Promise<Exclude<Verdict, undefined>>((resolve, reject) => {
      const evaluate = () => {
        const s = deployment.status ?? {};
        const want = deployment.spec?.replicas ?? 0;
        const line = `${name}: ${s.updatedReplicas ?? 0}/${want} updated, ${s.availableReplicas ?? 0}/${want} available`;
        if (line !== lastLine) say(line);
        lastLine = line;
        const verdict = judge(deployment, [...pods.values()]);
        if (verdict) resolve(verdict);
      };
      const onError = (error: unknown) =>
        error && !(error instanceof Error && error.name === 'AbortError') && reject(error);
      Promise.all([
        watch.watch(
          `/apis/apps/v1/namespaces/${namespace}/deployments`,
          {},
          (_t: string, d: k8s.V1Deployment) => {
            deployment = d;
            evaluate();
          },
          onError,
        ),
        watch.watch(
          `/api/v1/namespaces/${namespace}/pods`,
          {},
          (type: string, pod: k8s.V1Pod) => {
            if (type === 'DELETED') pods.delete(pod.metadata?.name ?? '');
            else pods.set(pod.metadata?.name ?? '', pod);
            evaluate();
          },
          onError,
        ),
      ]).then((requests) => controllers.push(...requests), reject);
    });
  } finally {
    for (const controller of controllers) controller.abort();
  }
}

const complete = (d: k8s.V1Deployment): Verdict => {
  const want = d.spec?.replicas ?? 0;
  const s = d.status ?? {};
  return (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
    s.updatedReplicas === want &&
    s.replicas === want &&
    s.availableReplicas === want
    ? 'done'
    : undefined;
};

const crashLooping = (d: k8s.V1Deployment, pods: k8s.V1Pod[]): Verdict => {
  const image = d.spec?.template.spec?.containers[0]?.image;
  for (const pod of pods) {
    const status = pod.status?.containerStatuses?.find((c) => c.image === image);
    if (status?.state?.waiting?.reason === 'CrashLoopBackOff') {
      return {
        failed: `pod ${pod.metadata?.name}: ${status.name} in CrashLoopBackOff, restarts ${status.restartCount}, last exit code ${status.lastState?.terminated?.exitCode}`,
      };
    }
  }
  return complete(d);
};

async function setImage(apps: k8s.AppsV1Api, image: string) {
  say(`set image ${image}`);
  await apps.patchNamespacedDeployment(
    { name, namespace, body: { spec: { template: { spec: { containers: [{ name, image }] } } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
  );
}

say('starting the testbed (real kube-apiserver, controller-manager, scheduler, KWOK nodes, moto)');
const testbed = await startTestbed({ readyDelayMs: 1500 });
try {
  say(`testbed up at ${testbed.endpoint}`);
  const kc = new k8s.KubeConfig();
  kc.loadFromString(testbed.adminKubeconfig);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });

  const labels = { 'app.kubernetes.io/name': name };
  say('deploy registry.local/demo/web:1.0 (3 replicas, one at a time)');
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: { labels },
          spec: { containers: [{ name, image: 'registry.local/demo/web:1.0' }] },
        },
      },
    },
  });
  await follow(kc, apps, complete);
  say('deployed and healthy');

  await setImage(apps, 'registry.local/demo/web:1.1');
  await follow(kc, apps, complete);
  say('rolling update verified: 3/3 on 1.1');

  const previous = 'registry.local/demo/web:1.1';
  await setImage(apps, `registry.local/demo/web:1.2-${IMAGE_MARKERS.crashLoop}`);
  const verdict = await follow(kc, apps, crashLooping);
  if (verdict === 'done') throw new Error('the crashing image unexpectedly became healthy');
  say(`rollout failed early: ${verdict.failed}`);
  await setImage(apps, previous);
  await follow(kc, apps, complete);
  say(`rolled back to ${previous} and verified healthy`);
} finally {
  await testbed.stop();
  say('testbed stopped');
}
