import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { kubeApi } from '../apply/_kube-api.ts';
import { RawObjectClient } from '../apply/_raw.ts';
import { objectId } from '../apply/plan.ts';
import { FIELD_MANAGER } from '../apply/server.ts';
import { describeKubernetesError } from '../auth/index.ts';
import {
  autoscaledWorkloads,
  ownsReplicas,
  REPLICAS_HANDOVER_MANAGER,
  replicasHandover,
  withoutAutoscaledReplicas,
} from './_replicas.ts';

/**
 * Leaves `spec.replicas` out of every workload that an autoscaler (in the release, or live in
 * its namespace) scales, with a warning where the release set it.
 */
export async function hpaSafe(
  kc: k8s.KubeConfig,
  objects: readonly KubeObject[],
): Promise<{ objects: KubeObject[]; warnings: string[] }> {
  const namespaces = [
    ...new Set(
      objects
        .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
        .map((o) => o.metadata.namespace ?? 'default'),
    ),
  ];
  const { autoscaling } = kubeApi(kc);
  const live = await Promise.all(
    namespaces.map((namespace) =>
      autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }).then(
        (list) =>
          list.items.map((hpa) => ({
            apiVersion: 'autoscaling/v2',
            kind: 'HorizontalPodAutoscaler',
            metadata: { name: hpa.metadata?.name ?? '', namespace },
            spec: hpa.spec,
          })),
        (error: unknown) => {
          if (error instanceof k8s.ApiException && error.code === 404) return [];
          throw describeKubernetesError(error, {
            verb: 'list',
            resource: 'horizontalpodautoscalers.autoscaling',
            namespace,
          });
        },
      ),
    ),
  );
  const scaled = autoscaledWorkloads([...objects, ...live.flat()]);
  const { objects: safe, warnings } = withoutAutoscaledReplicas(objects, scaled);
  return { objects: safe, warnings };
}

/**
 * Before an apply that leaves `spec.replicas` out of a workload whose count kubeship applied so
 * far, hands the live count to another field manager: otherwise server-side apply would remove
 * the field and the workload would drop to one replica.
 */
export async function handOverReplicas(
  kc: k8s.KubeConfig,
  objects: readonly KubeObject[],
  liveBefore: ReadonlyMap<string, unknown>,
): Promise<void> {
  const client = new RawObjectClient(kc);
  for (const object of objects) {
    const spec = object.spec as Record<string, unknown> | undefined;
    if ((object.kind !== 'Deployment' && object.kind !== 'StatefulSet') || !spec || 'replicas' in spec)
      continue;
    const live = liveBefore.get(objectId(object));
    if (!live || !ownsReplicas(live, FIELD_MANAGER)) continue;
    await client
      .apply(replicasHandover(object, live) as k8s.KubernetesObject, {
        fieldManager: REPLICAS_HANDOVER_MANAGER,
        force: true,
        dryRun: false,
      })
      .catch((error: unknown) => {
        throw describeKubernetesError(error, {
          verb: 'patch',
          resource: `${object.kind.toLowerCase()}s.apps`,
          namespace: object.metadata.namespace ?? 'default',
          name: object.metadata.name,
        });
      });
  }
}
