// Pure: which objects of a release may be applied at the same time. Objects others need in
// place come in earlier waves; inside a wave the order does not matter to the API server.
import type { ObjectRef } from './plan.ts';

/** Kinds every other object may need to exist first: where they live, the types they are of. */
const FOUNDATION = new Set(['Namespace', 'CustomResourceDefinition']);

/**
 * Kinds a workload's pods read when they are admitted or started (their config, identity, rights,
 * quotas, classes and volumes): a pod that meets one missing fails to start (CreateContainerConfigError
 * is a doomed pod to the verification), so they are in place before any workload.
 */
const PREREQUISITES = new Set([
  'ServiceAccount',
  'ConfigMap',
  'Secret',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ResourceQuota',
  'LimitRange',
  'PriorityClass',
  'RuntimeClass',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'NetworkPolicy',
  'IngressClass',
]);

/** API groups of the kinds Kubernetes itself serves (`v1` is the core group). */
const BUILT_IN_GROUP =
  /^(?:|apps|batch|autoscaling|policy|networking\.k8s\.io|rbac\.authorization\.k8s\.io|storage\.k8s\.io|scheduling\.k8s\.io|node\.k8s\.io|coordination\.k8s\.io|discovery\.k8s\.io|apiextensions\.k8s\.io|certificates\.k8s\.io|events\.k8s\.io|resource\.k8s\.io)$/;

/** Kinds that change how the API server treats what is applied after them: last, as Helm orders them. */
const ADMISSION = new Set([
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
]);

function waveOf(object: ObjectRef): number {
  if (FOUNDATION.has(object.kind)) return 0;
  if (PREREQUISITES.has(object.kind)) return 1;
  const group = object.apiVersion.includes('/') ? (object.apiVersion.split('/')[0] ?? '') : '';
  // custom resources need their CRD served; admission changes what the rest would meet
  if (!BUILT_IN_GROUP.test(group) || ADMISSION.has(object.kind)) return 3;
  return 2;
}

/**
 * Pure: the objects in waves to apply one after the other, the objects of a wave together:
 * namespaces and CRDs; then what pods read (config, service accounts, RBAC, quotas, classes,
 * claims); then the workloads and the rest of the built-in kinds; then custom resources and
 * admission configuration. Each wave keeps the order of `objects`; empty waves are left out.
 */
export function applyWaves<T extends ObjectRef>(objects: readonly T[]): T[][] {
  const waves: T[][] = [[], [], [], []];
  for (const object of objects) waves[waveOf(object)]?.push(object);
  return waves.filter((wave) => wave.length > 0);
}
