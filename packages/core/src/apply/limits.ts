// Pure: the sizes the Kubernetes API refuses, checked before anything is sent (kept apart from the
// requests in server.ts, so that a render checks them without loading the Kubernetes client).
import { KubeshipError } from '../errors.ts';
import { type ObjectRef, objectId } from './plan.ts';

/** The most an object may weigh, as JSON: etcd refuses values over 1.5 MiB. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
/** The most a ConfigMap's or Secret's data may weigh (the API server's own rule). */
export const MAX_CONFIG_DATA_BYTES = 1024 * 1024;

/**
 * Pure: refuses, before anything is sent, objects the API server would refuse for their size (or
 * fail on with a reset connection): INVALID_INPUT listing each with its size.
 */
export function assertWithinApiLimits(objects: readonly ObjectRef[]): void {
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  const problems = objects.flatMap((object) => {
    const bytes = Buffer.byteLength(JSON.stringify(object), 'utf8');
    if (bytes > MAX_OBJECT_BYTES)
      return [
        `${objectId(object)} is ${mib(bytes)}; the API server stores at most ${mib(MAX_OBJECT_BYTES)} per object`,
      ];
    if (object.kind !== 'ConfigMap' && object.kind !== 'Secret') return [];
    const { data, binaryData, stringData } = object as {
      data?: unknown;
      binaryData?: unknown;
      stringData?: unknown;
    };
    const dataBytes = [data, binaryData, stringData].reduce<number>(
      (sum, part) =>
        sum +
        Object.entries((part ?? {}) as Record<string, unknown>).reduce(
          (n, [key, value]) => n + key.length + (typeof value === 'string' ? Buffer.byteLength(value) : 0),
          0,
        ),
      0,
    );
    return dataBytes > MAX_CONFIG_DATA_BYTES
      ? [
          `${objectId(object)} holds ${mib(dataBytes)} of data; a ${object.kind} may hold at most ${mib(MAX_CONFIG_DATA_BYTES)}`,
        ]
      : [];
  });
  if (problems.length > 0)
    throw new KubeshipError(
      'INVALID_INPUT',
      `objects too large for the Kubernetes API; nothing was sent:\n  - ${problems.join('\n  - ')}`,
      {
        details: { problems },
      },
    );
}
