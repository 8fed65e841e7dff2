import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { inject } from 'vitest';

/** Admin clients for the shared testbed, and a fresh namespace for one test. */
export async function adminClients() {
  const info = inject('testbed');
  const kc = new k8s.KubeConfig();
  kc.loadFromString(info.adminKubeconfig);
  return {
    info,
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    rbac: kc.makeApiClient(k8s.RbacAuthorizationV1Api),
  };
}

/** Creates a namespace with a unique name; returns it and a cleanup function. */
export async function testNamespace(
  kc: k8s.KubeConfig,
  prefix: string,
): Promise<{ name: string; remove: () => Promise<void> }> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name } } });
  return { name, remove: async () => void (await core.deleteNamespace({ name })) };
}

/**
 * Watches a collection (e.g. `/api/v1/namespaces/x/pods`) until `done` holds for the objects
 * seen so far; rejects after `timeoutMs`. Watch-driven: no polling.
 */
export async function watchUntil<T extends k8s.KubernetesObject>(
  kc: k8s.KubeConfig,
  path: string,
  done: (objects: T[]) => boolean,
  options: { labelSelector?: string; timeoutMs?: number; resourceVersion?: string } = {},
): Promise<T[]> {
  const objects = new Map<string, T>();
  const watch = new k8s.Watch(kc);
  return new Promise<T[]>((resolve, reject) => {
    let request: AbortController | undefined;
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      request?.abort();
      if (error) reject(error);
      else resolve([...objects.values()]);
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(`timed out watching ${path}: ${JSON.stringify([...objects.values()].map(summary))}`),
        ),
      options.timeoutMs ?? 60_000,
    );
    // The client ends a watch request after a while (its own timeout); a long wait starts it again.
    // `resourceVersion` (of a list just read) makes the first watch start there, changes since included.
    let since = options.resourceVersion;
    const start = () => {
      if (finished) return;
      objects.clear();
      const query = {
        ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
        ...(since ? { resourceVersion: since } : {}),
      };
      since = undefined;
      watch
        .watch(
          path,
          query,
          (type: string, object: T) => {
            const key = object.metadata?.name ?? '';
            if (type === 'DELETED') objects.delete(key);
            else objects.set(key, object);
            if (done([...objects.values()])) finish();
          },
          (error: unknown) => {
            if (finished) return;
            const name = error instanceof Error ? error.name : '';
            if (!error || name === 'TimeoutError' || name === 'AbortError') start();
            else finish(error as Error);
          },
        )
        .then((controller) => {
          request = controller;
        }, finish);
    };
    start();
  });
}

function summary(object: k8s.KubernetesObject & { status?: unknown }) {
  return { name: object.metadata?.name, status: object.status };
}

/**
 * Makes the namespace enforce Pod Security `restricted`: a pod that runs as root (or asks for
 * privileges) is then refused at admission, so its ReplicaSet reports `FailedCreate`.
 */
export async function enforceRestrictedPodSecurity(kc: k8s.KubeConfig, namespace: string): Promise<void> {
  await kc.makeApiClient(k8s.CoreV1Api).patchNamespace(
    {
      name: namespace,
      body: {
        metadata: {
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
          },
        },
      },
    },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
}

/**
 * Gives the namespace a ResourceQuota of `pods: "0"` and waits until the quota controller has
 * computed its usage (admission only enforces a quota with status), so no pod can be created.
 */
export async function forbidPodsByQuota(kc: k8s.KubeConfig, namespace: string): Promise<void> {
  await kc.makeApiClient(k8s.CoreV1Api).createNamespacedResourceQuota({
    namespace,
    body: { metadata: { name: 'no-pods' }, spec: { hard: { pods: '0' } } },
  });
  await watchUntil<k8s.V1ResourceQuota>(kc, `/api/v1/namespaces/${namespace}/resourcequotas`, (quotas) =>
    quotas.some((q) => q.metadata?.name === 'no-pods' && q.status?.hard?.pods === '0'),
  );
}

/** Admin clients and a fresh namespace for one test, removed by the returned cleanup. */
export async function namespacedClients(prefix: string) {
  const clients = await adminClients();
  const ns = await testNamespace(clients.kc, prefix);
  return { ...clients, ns: ns.name, batch: clients.kc.makeApiClient(k8s.BatchV1Api), remove: ns.remove };
}
