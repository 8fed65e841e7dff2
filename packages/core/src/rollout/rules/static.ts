import { failed, healthy } from './_common.ts';
import type { HealthRule } from './types.ts';

/**
 * A kind whose existence is all there is to check: `staticKind`, always healthy with `detail`
 * (default "applied (no runtime status)").
 */
export function staticRule(name: string, detail = 'applied (no runtime status)'): HealthRule {
  return { name, needs: [], staticKind: true, judge: () => healthy(detail) };
}

/** Namespaces: static, except that a namespace being deleted takes the release down with it. */
export const namespaceRule: HealthRule = {
  ...staticRule('Namespace'),
  judge(object) {
    const phase = (object.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Terminating') {
      return failed('NamespaceTerminating', `namespace ${object.metadata.name} is being deleted`);
    }
    return healthy('applied (no runtime status)');
  },
};

/** Kinds without runtime status, by `group/Kind` (the core group is empty). */
export const STATIC_KINDS: readonly string[] = [
  '/ConfigMap',
  '/Secret',
  '/ServiceAccount',
  '/Endpoints',
  '/LimitRange',
  '/ResourceQuota',
  '/PodTemplate',
  '/PersistentVolume',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'networking.k8s.io/NetworkPolicy',
  'networking.k8s.io/IngressClass',
  'policy/PodDisruptionBudget',
  'discovery.k8s.io/EndpointSlice',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'coordination.k8s.io/Lease',
  'apps/ControllerRevision',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
];
