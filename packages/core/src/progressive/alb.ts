// ALB weighted canary (AWS Load Balancer Controller): the Ingress forwards to the stable and the
// canary Service's target groups with weights kubeship steps.
import type { KubeObject } from '@kubeship/manifests';

/** The annotation prefix of the AWS Load Balancer Controller's custom actions. */
export const ALB_ACTIONS_PREFIX = 'alb.ingress.kubernetes.io/actions.';

type Backend = { service?: { name?: string; port?: { name?: string; number?: number } } };
type IngressSpec = {
  defaultBackend?: Backend;
  rules?: Array<{ http?: { paths?: Array<{ backend?: Backend }> } }>;
};

/** The name of the weighted action (and of the backend that uses it). */
export const weightedActionName = (service: string) => `${service}-weighted`;

/**
 * Pure: the `<service>-canary` Service: the stable Service with the canary pods' selector, so the
 * controller makes it a target group of its own.
 */
export function canaryService(
  stable: KubeObject,
  canarySelector: Readonly<Record<string, string>>,
): KubeObject {
  const { clusterIP: _ip, clusterIPs: _ips, ...spec } = (stable.spec ?? {}) as Record<string, unknown>;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `${stable.metadata.name}-canary`,
      ...(stable.metadata.namespace ? { namespace: stable.metadata.namespace } : {}),
      labels: { ...stable.metadata.labels },
      annotations: { 'kubeship.dev/canary-of': stable.metadata.name },
    },
    spec: { ...spec, selector: { ...canarySelector } },
  };
}

/**
 * Pure: the Ingress with every backend of `service` sent through a forward action that splits
 * traffic between the stable and the canary target groups: `canaryPercent` to the canary.
 */
export function weightedIngress(ingress: KubeObject, service: string, canaryPercent: number): KubeObject {
  const spec = (ingress.spec ?? {}) as IngressSpec;
  let port: { name?: string; number?: number } | undefined;
  const swap = (backend: Backend | undefined): Backend | undefined => {
    if (backend?.service?.name !== service) return backend;
    port ??= backend.service.port;
    return { service: { name: weightedActionName(service), port: { name: 'use-annotation' } } };
  };
  const rules = spec.rules?.map((rule) => ({
    ...rule,
    ...(rule.http
      ? {
          http: {
            ...rule.http,
            paths: rule.http.paths?.map((path) => ({ ...path, backend: swap(path.backend) })),
          },
        }
      : {}),
  }));
  const defaultBackend = swap(spec.defaultBackend);
  const servicePort = port?.name ?? String(port?.number ?? 80);
  const action = {
    type: 'forward',
    forwardConfig: {
      targetGroups: [
        { serviceName: service, servicePort, weight: 100 - canaryPercent },
        { serviceName: `${service}-canary`, servicePort, weight: canaryPercent },
      ],
    },
  };
  return {
    ...ingress,
    metadata: {
      ...ingress.metadata,
      annotations: {
        ...ingress.metadata.annotations,
        [`${ALB_ACTIONS_PREFIX}${weightedActionName(service)}`]: JSON.stringify(action),
      },
    },
    spec: {
      ...spec,
      ...(rules ? { rules } : {}),
      ...(defaultBackend ? { defaultBackend } : {}),
    },
  };
}
