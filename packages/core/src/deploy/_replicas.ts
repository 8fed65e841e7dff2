import type { KubeObject } from '@kubeship/manifests';

/** The field manager that keeps a workload's replica count when kubeship stops applying it. */
export const REPLICAS_HANDOVER_MANAGER = 'kubeship-replicas-handover';

const SCALERS = new Set(['HorizontalPodAutoscaler', 'ScaledObject']);

/** `Deployment ns/name`: the key of a scale target. */
const targetKey = (kind: string, namespace: string | undefined, name: string) =>
  `${kind} ${namespace ?? ''}/${name}`;

/**
 * Pure: the workloads an autoscaler scales: HorizontalPodAutoscalers and KEDA ScaledObjects in the
 * release, and live HPAs of the cluster.
 */
export function autoscaledWorkloads(scalers: readonly KubeObject[]): Map<string, string> {
  const targets = new Map<string, string>();
  for (const scaler of scalers) {
    if (!SCALERS.has(scaler.kind)) continue;
    const ref = (scaler.spec as { scaleTargetRef?: { kind?: string; name?: string } } | undefined)
      ?.scaleTargetRef;
    if (!ref?.name) continue;
    targets.set(
      targetKey(ref.kind ?? 'Deployment', scaler.metadata.namespace, ref.name),
      `${scaler.kind} ${scaler.metadata.name}`,
    );
  }
  return targets;
}

/**
 * Pure: leaves `spec.replicas` out of every workload an autoscaler scales, so that applying never
 * resets the count the autoscaler chose; a template that sets it gets a warning naming the scaler.
 */
export function withoutAutoscaledReplicas(
  objects: readonly KubeObject[],
  scaled: ReadonlyMap<string, string>,
): { objects: KubeObject[]; warnings: string[]; stripped: KubeObject[] } {
  const warnings: string[] = [];
  const stripped: KubeObject[] = [];
  const result = objects.map((object) => {
    const scaler = scaled.get(targetKey(object.kind, object.metadata.namespace, object.metadata.name));
    const spec = object.spec as Record<string, unknown> | undefined;
    if (!scaler || !spec || !('replicas' in spec)) return object;
    const { replicas, ...rest } = spec;
    warnings.push(
      `${object.kind} ${object.metadata.name}: spec.replicas (${String(replicas)}) is not applied: ${scaler} scales it`,
    );
    const without = { ...object, spec: rest };
    stripped.push(without);
    return without;
  });
  return { objects: result, warnings, stripped };
}

/**
 * Pure: whether kubeship's own apply owns `spec.replicas` of the live object. When it does and the
 * next apply leaves the field out, server-side apply would remove it (back to 1 replica): the
 * count must first be handed to another manager.
 */
export function ownsReplicas(live: unknown, fieldManager: string): boolean {
  const entries = (
    live as {
      metadata?: { managedFields?: Array<{ manager?: string; operation?: string; fieldsV1?: unknown }> };
    }
  )?.metadata?.managedFields;
  return (entries ?? []).some((entry) => {
    const spec = (entry.fieldsV1 as Record<string, Record<string, unknown>> | undefined)?.['f:spec'];
    return (
      entry.manager === fieldManager &&
      entry.operation === 'Apply' &&
      spec !== undefined &&
      'f:replicas' in spec
    );
  });
}

/** Pure: the apply that hands the live replica count to {@link REPLICAS_HANDOVER_MANAGER}. */
export function replicasHandover(object: KubeObject, live: unknown): KubeObject {
  const replicas = (live as { spec?: { replicas?: number } }).spec?.replicas ?? 1;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name: object.metadata.name,
      ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    },
    spec: { replicas },
  };
}
