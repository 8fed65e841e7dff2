// Checks across the objects of one set (a YAML stream, or what render returns).
import { duplicates } from '../_duplicates.ts';
import type { ManifestIssue } from '../_errors.ts';
import { isRecord, type KubeObject, objectIdentity } from '../_kube-object.ts';
import { formatPath } from '../_path.ts';
import { podContainers, podTemplatePath, valueAt } from './workloads.ts';

/** An object of a set, with the YAML document it came from, if any. */
export interface Located {
  readonly object: KubeObject;
  readonly document?: number;
}

const located = (item: Located) => ({
  object: `${item.object.kind}/${item.object.metadata.name}`,
  ...(item.document === undefined ? {} : { document: item.document }),
});

function serviceTargets(items: readonly Located[]): ManifestIssue[] {
  const workloads = items.map((i) => i.object).filter((o) => podTemplatePath(o.kind) !== undefined);
  return items
    .filter(({ object }) => object.kind === 'Service' && object.apiVersion === 'v1')
    .flatMap((item) => {
      const svc = item.object;
      const selector = valueAt(svc, ['spec', 'selector']);
      if (!isRecord(selector) || Object.keys(selector).length === 0) return [];
      const selected = workloads.filter((w) => {
        const podLabels = valueAt(w, [...(podTemplatePath(w.kind) ?? []), 'metadata', 'labels']);
        return (
          (w.metadata.namespace ?? '') === (svc.metadata.namespace ?? '') &&
          isRecord(podLabels) &&
          Object.entries(selector).every(([k, v]) => podLabels[k] === v)
        );
      });
      const ports = selected
        .flatMap((w) => podContainers(w))
        .flatMap(({ container }) => (container.ports as Record<string, unknown>[] | undefined) ?? []);
      const svcPorts = valueAt(svc, ['spec', 'ports']);
      return (selected.length > 0 && Array.isArray(svcPorts) ? svcPorts : []).flatMap(
        (port: Record<string, unknown>, index) => {
          // a number reaches the pods whether or not a container declares it; a name must be declared
          const target = port.targetPort ?? port.port;
          const exposed = typeof target !== 'string' || ports.some((p) => p.name === target);
          return exposed
            ? []
            : [
                {
                  path: formatPath(['spec', 'ports', index, 'targetPort'], 'service'),
                  message: 'no container of the selected workloads exposes this target port',
                  value: target,
                  ...located(item),
                },
              ];
        },
      );
    });
}

/**
 * Rules across the objects of one set: no object twice, and a Service's named target ports
 * declared by the workloads it selects (when the set has any). A numeric target port is not
 * checked: Kubernetes sends traffic to it whether or not a container declares it.
 */
export function crossObjectIssues(items: readonly Located[]): ManifestIssue[] {
  return [
    ...duplicates(
      items,
      (item) => objectIdentity(item.object),
      (item) => ({ path: '', message: 'the same object appears twice', ...located(item) }),
    ),
    ...serviceTargets(items),
  ];
}
