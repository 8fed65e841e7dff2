import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { applyAll, readLive } from '../apply/server.ts';
import { describeKubernetesError } from '../auth/index.ts';

const GONE_TIMEOUT_MS = 60_000;

/**
 * Creates the Namespaces the release declares that do not exist yet (a first deploy: its lease
 * and records live there) and returns the ones it created. Creation is atomic: of two first
 * deploys racing, one creates it and both then queue on the lease inside.
 */
export async function ensureNamespaces(
  kc: k8s.KubeConfig,
  objects: readonly KubeObject[],
): Promise<KubeObject[]> {
  const declared = objects.filter((o) => o.kind === 'Namespace');
  if (declared.length === 0) return [];
  const live = await readLive(kc, declared);
  const missing = declared.filter((ns) => !live.has(`Namespace ${ns.metadata.name}`));
  if (missing.length > 0) await applyAll(kc, missing, { force: false });
  return missing;
}

/**
 * Deletes namespaces a deploy created before it stopped short of applying, and waits until they
 * are gone, so that a corrected deploy right after does not meet a namespace still Terminating.
 */
export async function removeNamespaces(kc: k8s.KubeConfig, namespaces: readonly KubeObject[]): Promise<void> {
  if (namespaces.length === 0) return;
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await Promise.all(
    namespaces.map(async ({ metadata: { name } }) => {
      try {
        await core.deleteNamespace({ name });
      } catch (error) {
        if (error instanceof k8s.ApiException && error.code === 404) return;
        throw describeKubernetesError(error, { verb: 'delete', resource: 'namespaces', name });
      }
      await untilGone(kc, name);
    }),
  );
}

/** Watches the namespace until it is deleted (its finalizers done), at most a minute. */
async function untilGone(kc: k8s.KubeConfig, name: string): Promise<void> {
  const watch = new k8s.Watch(kc);
  await new Promise<void>((resolve) => {
    let request: AbortController | undefined;
    const done = () => {
      clearTimeout(timer);
      request?.abort();
      resolve();
    };
    const timer = setTimeout(done, GONE_TIMEOUT_MS);
    watch
      .watch(
        '/api/v1/namespaces',
        { fieldSelector: `metadata.name=${name}` },
        (type) => {
          if (type === 'DELETED') done();
        },
        () => done(),
      )
      .then(async (controller) => {
        request = controller;
        // it may have gone before the watch started
        const still = await kc
          .makeApiClient(k8s.CoreV1Api)
          .readNamespace({ name })
          .then(
            () => true,
            () => false,
          );
        if (!still) done();
      }, done);
  });
}
