import { createHash } from 'node:crypto';
import { configReferences, type KubeObject } from '@kubeship/manifests';

/**
 * The pod template annotation that carries {@link withContentChecksums}: a digest of the content of
 * the release's own ConfigMaps and Secrets the pods read, so a change of that content rolls them.
 */
export const CONTENT_CHECKSUM_ANNOTATION = 'kubeship.dev/content-checksum';

const POD_TEMPLATE_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
]);

/** JSON with object keys sorted at every level: the same content always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** sha256 over what a pod sees of a ConfigMap or Secret (its data, and a Secret's type). */
function contentDigest(object: KubeObject): string {
  const { data, binaryData, stringData, type } = object as Record<string, unknown>;
  return createHash('sha256')
    .update(canonical({ data: data ?? {}, binaryData: binaryData ?? {}, stringData: stringData ?? {}, type }))
    .digest('hex');
}

const key = (kind: string, namespace: string | undefined, name: string) =>
  `${kind}/${namespace ?? ''}/${name}`;

/**
 * Stamps every workload whose pods read ConfigMaps or Secrets of the same release (env, envFrom,
 * volumes) with {@link CONTENT_CHECKSUM_ANNOTATION}: sha256 over the digests of those objects'
 * content. Changed content gives a new pod template, so the workload rolls; unchanged content
 * gives the same bytes, so nothing rolls. Objects named in `exclude` (kubeship's own SSM config,
 * which has its own checksum of parameter versions) and objects outside the release are not
 * counted. Pure: returns copies, the input is not modified. Only a digest of the content is
 * written, never a value.
 */
export function withContentChecksums(
  objects: readonly KubeObject[],
  exclude: { readonly configMap: string; readonly secret: string },
): KubeObject[] {
  const digests = new Map<string, string>();
  for (const object of objects) {
    if (object.kind === 'ConfigMap' && object.metadata.name === exclude.configMap) continue;
    if (object.kind === 'Secret' && object.metadata.name === exclude.secret) continue;
    if (object.kind === 'ConfigMap' || object.kind === 'Secret')
      digests.set(key(object.kind, object.metadata.namespace, object.metadata.name), contentDigest(object));
  }
  if (digests.size === 0) return [...objects];
  return objects.map((object) => {
    if (!POD_TEMPLATE_KINDS.has(object.kind)) return object;
    const references = configReferences(object);
    const namespace = object.metadata.namespace;
    const rows = [
      ...references.configMaps.map((name) => key('ConfigMap', namespace, name)),
      ...references.secrets.map((name) => key('Secret', namespace, name)),
    ].flatMap((id) => {
      const digest = digests.get(id);
      return digest ? [`${id}=${digest}`] : [];
    });
    if (rows.length === 0) return object;
    const checksum = createHash('sha256')
      .update(`kubeship-content-v1\n${rows.join('\n')}`)
      .digest('hex');
    return annotateTemplate(object, checksum);
  });
}

function annotateTemplate(object: KubeObject, checksum: string): KubeObject {
  const copy = structuredClone(object);
  const spec = copy.spec as Record<string, unknown>;
  const holder = (
    copy.kind === 'CronJob' ? (spec.jobTemplate as { spec: Record<string, unknown> }).spec : spec
  ) as { template: { metadata?: { annotations?: Record<string, string> } } };
  holder.template.metadata = {
    ...holder.template.metadata,
    annotations: { ...holder.template.metadata?.annotations, [CONTENT_CHECKSUM_ANNOTATION]: checksum },
  };
  return copy;
}
