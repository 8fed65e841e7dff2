/** Metadata of a {@link KubeObject}. */
export interface KubeMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** A Kubernetes object as plain data: what `render` returns, `loadYaml` loads and `toYaml` prints. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [key: string]: unknown;
}

/** A plain (non-array, non-null) object. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** How paths into an object of `kind` start: `deployment`, `horizontalPodAutoscaler`; `object` when unknown. */
export const kindPrefix = (kind: unknown): string =>
  typeof kind === 'string' && kind.length > 0 ? `${kind.charAt(0).toLowerCase()}${kind.slice(1)}` : 'object';

/** What makes an object unique in a cluster: API group, kind, namespace and name. */
export const objectIdentity = (object: KubeObject): string =>
  [
    object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '',
    object.kind,
    object.metadata.namespace ?? '',
    object.metadata.name,
  ].join('/');
