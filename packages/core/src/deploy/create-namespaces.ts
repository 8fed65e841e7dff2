import type * as k8s from '@kubernetes/client-node';
import { ensureNamespaces } from './_namespaces.ts';

/**
 * Creates the namespaces of `names` that do not exist yet (`deploy --create-namespace`) and
 * returns the ones it created. They are not members of the release: a later prune or uninstall
 * leaves them, as Helm leaves the namespace of `--create-namespace`.
 */
export async function createNamespaces(kc: k8s.KubeConfig, names: readonly string[]): Promise<string[]> {
  const created = await ensureNamespaces(
    kc,
    names.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  );
  return created.map((namespace) => namespace.metadata.name);
}
