// Checks of Kubernetes objects as they will reach the apiserver (loaded YAML, or rendered and patched).
import * as z from 'zod';
import { duplicates } from '../_duplicates.ts';
import type { ManifestIssue } from '../_errors.ts';
import { isRecord, kindPrefix } from '../_kube-object.ts';
import {
  annotations,
  configKey,
  dns1035Label,
  dns1123Label,
  dns1123Subdomain,
  envName,
  kubeObjectShape,
  labels,
  portName,
  portNumber,
  portRef,
  qualifiedName,
  quantity,
} from '../_names.ts';
import { formatPath, type PathSegment } from '../_path.ts';
import { parseQuantity } from '../_quantity.ts';
import { PARSE_OPTIONS, toManifestIssues } from '../_zod-issues.ts';
import { image } from '../spec/container.ts';
import { podContainers, podTemplatePath, SELECTOR_KINDS, valueAt, WORKLOAD_KINDS } from './workloads.ts';

const SUBDOMAIN_NAMED = new Set([
  ...WORKLOAD_KINDS,
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Ingress',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
]);

const nameFor = (kind: string) =>
  kind === 'Service'
    ? dns1035Label
    : kind === 'Namespace'
      ? dns1123Label
      : SUBDOMAIN_NAMED.has(kind)
        ? dns1123Subdomain
        : z.string().min(1);

const base = kubeObjectShape;

const probe = z
  .looseObject({
    httpGet: z.looseObject({ port: portRef }).optional(),
    tcpSocket: z.looseObject({ port: portRef }).optional(),
    grpc: z.looseObject({ port: portNumber }).optional(),
  })
  .optional();

const resourceList = z.record(qualifiedName, z.union([z.number().min(0), quantity])).optional();

const container = z.looseObject({
  name: dns1123Label,
  image,
  ports: z
    .array(
      z.looseObject({
        containerPort: portNumber,
        name: portName.optional(),
        protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
      }),
    )
    .optional(),
  env: z.array(z.looseObject({ name: envName })).optional(),
  resources: z.looseObject({ requests: resourceList, limits: resourceList }).optional(),
  readinessProbe: probe,
  livenessProbe: probe,
  startupProbe: probe,
});

const podTemplate = z.looseObject({
  metadata: z.looseObject({ labels: labels.optional(), annotations: annotations.optional() }).optional(),
  spec: z.looseObject({
    containers: z.array(container).min(1),
    initContainers: z.array(container).optional(),
  }),
});

/** Builds `{ a: { b: leaf } }` from `['a', 'b']`. */
const nested = (path: readonly string[], leaf: z.ZodType): z.ZodType =>
  path.reduceRight<z.ZodType>((inner, key) => z.looseObject({ [key]: inner }), leaf);

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'must be base64' });

const KIND_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  Service: z.looseObject({
    spec: z.looseObject({
      type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).optional(),
      selector: labels.optional(),
      ports: z
        .array(
          z.looseObject({
            port: portNumber,
            targetPort: portRef.optional(),
            nodePort: portNumber.optional(),
            name: portName.optional(),
          }),
        )
        .optional(),
    }),
  }),
  ConfigMap: z.looseObject({
    data: z.record(configKey, z.string()).optional(),
    binaryData: z.record(configKey, base64).optional(),
  }),
  Secret: z.looseObject({
    data: z.record(configKey, base64).optional(),
    stringData: z.record(configKey, z.string()).optional(),
  }),
  Ingress: z.looseObject({
    spec: z.looseObject({
      rules: z
        .array(
          z.looseObject({
            http: z
              .looseObject({
                paths: z.array(
                  z.looseObject({
                    path: z.string().startsWith('/', { error: "must start with '/'" }).optional(),
                    backend: z.looseObject({
                      service: z
                        .looseObject({
                          name: dns1035Label,
                          port: z.union([
                            z.looseObject({ name: portName }),
                            z.looseObject({ number: portNumber }),
                          ]),
                        })
                        .optional(),
                    }),
                  }),
                ),
              })
              .optional(),
          }),
        )
        .optional(),
    }),
  }),
};

function kindSchema(kind: string): z.ZodType {
  const template = podTemplatePath(kind);
  const named = z.looseObject({ metadata: z.looseObject({ name: nameFor(kind) }) });
  const specific = template === undefined ? KIND_SCHEMAS[kind] : nested(template, podTemplate);
  return specific ? z.intersection(named, specific) : named;
}

type Issue = { path: PathSegment[]; message: string; value: unknown };

// Pod rules: what the API server refuses (duplicate container names, port names twice in the pod,
// limits below requests), and a probe on a port name no container declares (the kubelet cannot
// resolve it, so the probe can never pass). A port number needs no declaration (containerPort is
// informational; a duplicate is only a warning of the API server), so numbers are not checked.
function podIssues(object: Record<string, unknown>): Issue[] {
  const containers = podContainers(object);
  const ports = containers.flatMap(({ path, container }) =>
    ((container.ports as Record<string, unknown>[] | undefined) ?? []).map((port, index) => ({
      port,
      path: [...path, 'ports', index],
      owner: container,
    })),
  );
  const dupes = [
    ...duplicates(
      containers,
      ({ container }) => String(container.name),
      ({ path, container }) => ({
        path: [...path, 'name'],
        message: 'duplicate container name',
        value: container.name,
      }),
    ),
    ...duplicates(
      ports,
      ({ port }) => (typeof port.name === 'string' ? port.name : undefined),
      ({ path, port }) => ({ path: [...path, 'name'], message: 'duplicate port name', value: port.name }),
    ),
  ];
  const probes = containers.flatMap(({ path, container }) =>
    (['readinessProbe', 'livenessProbe', 'startupProbe'] as const).flatMap((field) => {
      const handler = container[field];
      const port = ['httpGet', 'tcpSocket', 'grpc']
        .map((key) => valueAt(handler, [key, 'port']))
        .find((p) => p !== undefined);
      // a number is probed whether or not a container declares it; a name must be declared
      if (typeof port !== 'string') return [];
      const exposed = ports.some(({ port: p, owner }) => owner === container && p.name === port);
      return exposed
        ? []
        : [{ path: [...path, field], message: 'the probe checks a port no container exposes', value: port }];
    }),
  );
  const bounds = containers.flatMap(({ path, container }) => {
    const requests = valueAt(container, ['resources', 'requests']);
    const limits = valueAt(container, ['resources', 'limits']);
    return Object.entries(isRecord(limits) ? limits : {}).flatMap(([resource, limit]) => {
      const request = isRecord(requests) ? requests[resource] : undefined;
      const [l, r] = [
        parseQuantity(String(limit)),
        request === undefined ? undefined : parseQuantity(String(request)),
      ];
      return l !== undefined && r !== undefined && l < r
        ? [
            {
              path: [...path, 'resources', 'limits', resource],
              message: `must be at least the request (${String(request)})`,
              value: limit,
            },
          ]
        : [];
    });
  });
  return [...dupes, ...probes, ...bounds];
}

function selectorIssues(object: Record<string, unknown>): Issue[] {
  if (typeof object.kind !== 'string' || !SELECTOR_KINDS.has(object.kind)) return [];
  const selector = valueAt(object, ['spec', 'selector', 'matchLabels']);
  const podLabels = valueAt(object, ['spec', 'template', 'metadata', 'labels']);
  return Object.entries(isRecord(selector) ? selector : {})
    .filter(([key, value]) => !isRecord(podLabels) || podLabels[key] !== value)
    .map(([key, value]) => ({
      path: ['spec', 'selector', 'matchLabels', key],
      message: 'the selector does not match the pod template labels (spec.template.metadata.labels)',
      value,
    }));
}

const isSecretData = (kind: unknown) => (path: readonly PropertyKey[]) =>
  kind === 'Secret' && (path[0] === 'data' || path[0] === 'stringData');

/** Every problem of one object; paths start with the kind, e.g. `deployment.spec.template.spec.containers[0].image`. */
export function objectIssues(value: unknown): ManifestIssue[] {
  if (!isRecord(value)) {
    return [
      {
        path: '',
        message: 'not a Kubernetes object: expected a mapping with apiVersion, kind and metadata.name',
      },
    ];
  }
  const prefix = kindPrefix(value.kind);
  const hideValue = isSecretData(value.kind);
  const shape = base.safeParse(value, PARSE_OPTIONS);
  if (!shape.success) return toManifestIssues(shape.error.issues, { prefix, hideValue });
  const where = `${shape.data.kind}/${shape.data.metadata.name}`;
  const specific = kindSchema(shape.data.kind).safeParse(value, PARSE_OPTIONS);
  const issues = specific.success
    ? [...podIssues(value), ...selectorIssues(value)].map((issue) => ({
        ...issue,
        path: formatPath(issue.path, prefix),
      }))
    : toManifestIssues(specific.error.issues, { prefix, hideValue });
  return issues.map((issue) => ({ ...issue, object: where }));
}
