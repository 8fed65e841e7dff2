import type { KubeObject } from '@kubeship/manifests';

/** The shop app's ConfigMap with one value. */
export const config = (namespace: string, value: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'shop-config', namespace },
  data: { GREETING: value },
});

/** An Ingress in front of the Service `web`. */
export const ingress = (namespace: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace },
  spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
});
