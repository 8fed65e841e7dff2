// Namespace, ServiceAccount, ConfigMaps and Secrets.
import type { KubeObject } from '../_kube-object.ts';
import type { ValidApp } from '../spec/app.ts';
import { serviceAccountName } from '../spec/resolve.ts';
import { commonLabels, MANAGED_BY, objectMetadata } from './labels.ts';

/** The Namespace, when the spec asks for it. */
export const namespace = (app: ValidApp): KubeObject | undefined =>
  app.createNamespace
    ? {
        apiVersion: 'v1',
        kind: 'Namespace',
        // not the app's labels: several apps may share a namespace
        metadata: { name: app.namespace, labels: { 'app.kubernetes.io/managed-by': MANAGED_BY } },
      }
    : undefined;

/** The ServiceAccount, with the IRSA role annotation, when the spec has one to create. */
export function serviceAccount(app: ValidApp): KubeObject | undefined {
  const account = app.serviceAccount;
  const name = serviceAccountName(app);
  if (!account?.create || name === undefined) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: objectMetadata(app, name, {
      ...account.annotations,
      ...(account.roleArn === undefined ? {} : { 'eks.amazonaws.com/role-arn': account.roleArn }),
    }),
  };
}

const byName = <T>(record: Readonly<Record<string, T>> | undefined): [string, T][] =>
  Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** The ConfigMaps, sorted by name. */
export const configMaps = (app: ValidApp): KubeObject[] =>
  byName(app.configMaps).map(([name, data]) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMetadata(app, name),
    data,
  }));

/** The Secrets (type Opaque, values base64-encoded), sorted by name. */
export const secrets = (app: ValidApp): KubeObject[] =>
  byName(app.secrets).map(([name, data]) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMetadata(app, name),
    type: 'Opaque',
    data: Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]),
    ),
  }));

// Kinds that live outside namespaces; every other extra object without a namespace gets the app's.
const CLUSTER_SCOPED = new Set([
  'APIService',
  'ClusterRole',
  'ClusterRoleBinding',
  'CSIDriver',
  'CustomResourceDefinition',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

/**
 * The raw extra objects, with the app's labels added (their own labels win) and the app's namespace when
 * they name none and are not of a cluster-scoped kind.
 */
export const extras = (app: ValidApp): KubeObject[] =>
  (app.extra ?? []).map((object) => {
    const copy = structuredClone(object);
    const namespace = copy.metadata.namespace ?? (CLUSTER_SCOPED.has(copy.kind) ? undefined : app.namespace);
    return {
      ...copy,
      metadata: {
        ...copy.metadata,
        ...(namespace === undefined ? {} : { namespace }),
        labels: { ...commonLabels(app), ...copy.metadata.labels },
      },
    };
  });
