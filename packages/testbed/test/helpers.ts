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
  options: { labelSelector?: string; timeoutMs?: number } = {},
): Promise<T[]> {
  const objects = new Map<string, T>();
  const watch = new k8s.Watch(kc);
  return new Promise<T[]>((resolve, reject) => {
    let request: AbortController | undefined;
    const finish = (error?: Error) => {
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
    watch
      .watch(
        path,
        options.labelSelector ? { labelSelector: options.labelSelector } : {},
        (type: string, object: T) => {
          const key = object.metadata?.name ?? '';
          if (type === 'DELETED') objects.delete(key);
          else objects.set(key, object);
          if (done([...objects.values()])) finish();
        },
        (error: unknown) => {
          if (error && !(error instanceof Error && error.name === 'AbortError')) finish(error as Error);
        },
      )
      .then((controller) => {
        request = controller;
      }, finish);
  });
}

function summary(object: k8s.KubernetesObject & { status?: unknown }) {
  return { name: object.metadata?.name, status: object.status };
}
