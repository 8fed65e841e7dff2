import type * as k8s from '@kubernetes/client-node';
import { bodyOrThrow, sendKubernetesRequest } from '../apply/_raw.ts';

/**
 * One request to the Kubernetes API with plain JSON in and out (client-node's typed models would
 * reshape `managedFields` and discovery documents), through the same bounded dispatcher as every
 * other Kubernetes request; an HTTP error is thrown as an ApiException (status and Status body),
 * as describeKubernetesError reads it.
 */
export async function kubeRequest(
  kc: k8s.KubeConfig,
  method: 'GET' | 'PATCH',
  path: string,
  options: { accept?: string; body?: unknown; contentType?: string } = {},
): Promise<unknown> {
  const response = await sendKubernetesRequest(kc, method, path, {
    ...(options.accept === undefined ? {} : { accept: options.accept }),
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
  });
  return bodyOrThrow(response);
}
