// Service and Ingress (with the AWS Load Balancer Controller's annotations).
import { compact } from '../_compact.ts';
import type { KubeObject } from '../_kube-object.ts';
import type { ValidApp } from '../spec/app.ts';
import {
  defaultHealthcheckPath,
  hasService,
  ingressBackend,
  listenPorts,
  servicePorts,
} from '../spec/resolve.ts';
import { objectMetadata, selectorLabels } from './labels.ts';

/** The Service, unless the app has none. */
export function service(app: ValidApp): KubeObject | undefined {
  if (!hasService(app) || app.service === false) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMetadata(app, app.name, app.service?.annotations),
    spec: {
      type: app.service?.type ?? 'ClusterIP',
      selector: selectorLabels(app),
      ports: servicePorts(app).map((port) => ({ ...port })),
    },
  };
}

type Ingress = NonNullable<ValidApp['ingress']>;

const ALB = 'alb.ingress.kubernetes.io/';

/** The `alb.ingress.kubernetes.io/*` annotations of the typed options, all as strings. */
function albAnnotations(app: ValidApp, alb: Ingress['alb']): Record<string, string> {
  const hc = alb.healthcheck ?? {};
  const text = (value: string | number | undefined) => (value === undefined ? undefined : String(value));
  const values = {
    scheme: alb.scheme,
    'target-type': alb.targetType,
    'listen-ports': JSON.stringify(listenPorts(alb).map(({ protocol, port }) => ({ [protocol]: port }))),
    'certificate-arn': [alb.certificateArn ?? []].flat().join(',') || undefined,
    'ssl-redirect': text(alb.sslRedirect),
    'ssl-policy': alb.sslPolicy,
    'healthcheck-path': hc.path ?? defaultHealthcheckPath(app),
    'healthcheck-port': text(hc.port),
    'healthcheck-protocol': hc.protocol,
    'healthcheck-interval-seconds': text(hc.intervalSeconds),
    'healthcheck-timeout-seconds': text(hc.timeoutSeconds),
    'healthy-threshold-count': text(hc.healthyThreshold),
    'unhealthy-threshold-count': text(hc.unhealthyThreshold),
    'success-codes': hc.successCodes,
    'group.name': alb.groupName,
    'group.order': text(alb.groupOrder),
    'load-balancer-name': alb.loadBalancerName,
    tags:
      alb.tags &&
      Object.entries(alb.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    'inbound-cidrs': alb.inboundCidrs?.join(','),
  };
  return Object.fromEntries(
    Object.entries(compact(values)).map(([key, value]) => [`${ALB}${key}`, value as string]),
  );
}

/** The Ingress (networking.k8s.io/v1), if the app has one. */
export function ingress(app: ValidApp): KubeObject | undefined {
  if (!app.ingress) return undefined;
  const spec = app.ingress;
  const paths = spec.paths.map((path) => {
    const backend = ingressBackend(app, path);
    return {
      path: path.path,
      pathType: path.pathType,
      backend: {
        service: {
          name: backend.service,
          port: typeof backend.port === 'number' ? { number: backend.port } : { name: backend.port },
        },
      },
    };
  });
  const annotations = spec.className === 'alb' ? albAnnotations(app, spec.alb) : {};
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: objectMetadata(app, app.name, { ...annotations, ...spec.annotations }),
    spec: {
      ingressClassName: spec.className,
      rules:
        spec.hosts.length > 0 ? spec.hosts.map((host) => ({ host, http: { paths } })) : [{ http: { paths } }],
    },
  };
}
