import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { untilGone } from '../apply/_gone.ts';
import { kubeApi } from '../apply/_kube-api.ts';
import { applyAll, readLive } from '../apply/server.ts';
import { describeKubernetesError } from '../auth/index.ts';

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
  const { core } = kubeApi(kc);
  await Promise.all(
    namespaces.map(async ({ metadata: { name } }) => {
      try {
        await core.deleteNamespace({ name });
      } catch (error) {
        if (error instanceof k8s.ApiException && error.code === 404) return;
        throw describeKubernetesError(error, { verb: 'delete', resource: 'namespaces', name });
      }
      await untilGone(kc, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }),
  );
}
