import type * as k8s from '@kubernetes/client-node';
import { kubeApi } from '../apply/_kube-api.ts';
import { RawObjectClient } from '../apply/_raw.ts';
import { FIELD_MANAGER } from '../apply/server.ts';
import { describeKubernetesError } from '../auth/index.ts';
import { KubeshipError } from '../errors.ts';
import { ownedReplicaSets, revisionOf } from './predicates.ts';

/** What a rollback went back to. */
export interface RollbackTarget {
  readonly fromRevision: number;
  readonly toRevision: number;
  readonly images: readonly string[];
}

/**
 * Pure: the pod template to roll back to, `kubectl rollout undo` style: the template of the
 * owned ReplicaSet with the highest revision below the current one (or exactly `toRevision`),
 * without the controller's `pod-template-hash` label. Undefined when there is none.
 */
export function previousTemplate(
  deployment: k8s.V1Deployment,
  replicaSets: readonly k8s.V1ReplicaSet[],
  toRevision?: number,
): { revision: number; template: k8s.V1PodTemplateSpec } | undefined {
  const current = revisionOf(deployment);
  const candidates = ownedReplicaSets(deployment, replicaSets)
    .map((rs) => ({ rs, revision: revisionOf(rs) }))
    .filter(({ revision }) =>
      toRevision === undefined ? revision > 0 && revision < current : revision === toRevision,
    )
    .sort((a, b) => b.revision - a.revision);
  const chosen = candidates[0];
  const template = chosen?.rs.spec?.template;
  if (!chosen || !template) return undefined;
  const { 'pod-template-hash': _, ...labels } = template.metadata?.labels ?? {};
  return { revision: chosen.revision, template: { ...template, metadata: { ...template.metadata, labels } } };
}

/**
 * Rolls the Deployment back to the previous (or a given) revision's pod template, written as a
 * server-side apply by the `kubeship` field manager over the last applied Deployment, so the next
 * deploy applies cleanly. Throws ROLLBACK_FAILED when there is no revision to go back to.
 */
export async function rollBack(
  kc: k8s.KubeConfig,
  options: {
    namespace: string;
    name: string;
    applied?: k8s.V1Deployment;
    toRevision?: number;
    changeCause?: string;
  },
): Promise<RollbackTarget> {
  const { apps } = kubeApi(kc);
  const context = { verb: 'get', resource: 'deployments', namespace: options.namespace, name: options.name };
  const [deployment, replicaSets] = await Promise.all([
    apps.readNamespacedDeployment({ name: options.name, namespace: options.namespace }),
    apps.listNamespacedReplicaSet({ namespace: options.namespace }),
  ]).catch((error: unknown) => {
    throw describeKubernetesError(error, context);
  });
  const previous = previousTemplate(deployment, replicaSets.items, options.toRevision);
  if (!previous) {
    throw new KubeshipError(
      'ROLLBACK_FAILED',
      options.toRevision === undefined
        ? `deployment ${options.namespace}/${options.name} has no earlier revision to roll back to (first deploy?)`
        : `deployment ${options.namespace}/${options.name} has no revision ${options.toRevision}`,
      { details: { namespace: options.namespace, name: options.name, revision: revisionOf(deployment) } },
    );
  }
  const base = options.applied ?? deployment;
  const annotations = {
    ...(options.applied?.metadata?.annotations ?? {}),
    ...(options.changeCause ? { 'kubernetes.io/change-cause': options.changeCause } : {}),
  };
  const body = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: { ...stripServerFields(base.spec), template: withoutNulls(previous.template) },
  };
  await new RawObjectClient(kc)
    .apply(body, { fieldManager: FIELD_MANAGER, force: true, dryRun: false })
    .catch((error: unknown) => {
      throw describeKubernetesError(error, { ...context, verb: 'patch' });
    });
  return {
    fromRevision: revisionOf(deployment),
    toRevision: previous.revision,
    images: (previous.template.spec?.containers ?? []).map((c) => c.image ?? ''),
  };
}

function stripServerFields(spec: k8s.V1DeploymentSpec | undefined): Partial<k8s.V1DeploymentSpec> {
  if (!spec) return {};
  const { template: _, ...rest } = spec;
  return withoutNulls(rest);
}

/** Deep copy without null/undefined values (RS templates carry `creationTimestamp: null`). */
function withoutNulls<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_, v) => (v === null ? undefined : v))) as T;
}
