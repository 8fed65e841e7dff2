// Rules that span fields: each returns every problem it finds, with the path in the spec.
import { duplicates } from '../_duplicates.ts';
import type { ManifestIssue } from '../_errors.ts';
import { formatPath, type PathSegment } from '../_path.ts';
import { parseQuantity } from '../_quantity.ts';
import type { ValidApp } from './app.ts';
import {
  type ContainerView,
  containersOf,
  findPort,
  hasService,
  hpaTargets,
  ingressBackend,
  listenPorts,
  probePort,
  servicePorts,
} from './resolve.ts';

type Rule = (app: ValidApp, containers: readonly ContainerView[]) => ManifestIssue[];

const issue = (path: readonly PathSegment[], message: string, value?: unknown): ManifestIssue => ({
  path: formatPath(path),
  message,
  ...(value === undefined ? {} : { value }),
});

/** Labels kubeship sets itself; user labels may not override them. */
const RESERVED_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/managed-by',
] as const;

const reservedLabels: Rule = (app) =>
  Object.keys(app.labels ?? {})
    .filter((key) => (RESERVED_LABELS as readonly string[]).includes(key))
    .map((key) => issue(['labels', key], 'is set by kubeship and cannot be overridden'));

const uniqueContainers: Rule = (_app, containers) =>
  duplicates(
    containers,
    (c) => c.name,
    (c, first) =>
      issue(
        [...c.path, c.path.length === 0 ? 'containerName' : 'name'],
        `duplicate container name (also ${formatPath(first.path) || 'the main container'})`,
        c.name,
      ),
  );

const uniquePorts: Rule = (_app, containers) => {
  const ports = containers.flatMap((c) =>
    c.ports.map((port, index) => ({ port, path: [...c.path, 'ports', index] })),
  );
  return [
    ...duplicates(
      ports,
      ({ port }) => `${port.containerPort}/${port.protocol}`,
      ({ port, path }, first) =>
        issue(
          [...path, 'containerPort'],
          `duplicate port (also ${formatPath(first.path)})`,
          port.containerPort,
        ),
    ),
    ...duplicates(
      ports,
      ({ port }) => port.name,
      ({ port, path }, first) =>
        issue([...path, 'name'], `duplicate port name (also ${formatPath(first.path)})`, port.name),
    ),
  ];
};

const probePorts: Rule = (_app, containers) =>
  containers.flatMap((container) =>
    (['readiness', 'liveness', 'startup'] as const).flatMap((kind) => {
      const probe = container.probes[kind];
      if (!probe || 'exec' in probe) return [];
      const path = [...container.path, 'probes', kind];
      const port = probePort(probe, container);
      if (port === undefined) return [issue(path, 'the probe needs a port: the container exposes none')];
      if (!findPort(containers, port, container)) {
        const where =
          typeof port === 'string'
            ? `container ${container.name} has no port named`
            : 'no container exposes port';
        return [issue(path, `the probe checks a port nobody listens on: ${where} ${port}`, port)];
      }
      const successThreshold = probe.successThreshold;
      return kind !== 'readiness' && successThreshold !== undefined && successThreshold !== 1
        ? [issue([...path, 'successThreshold'], `must be 1 for a ${kind} probe`, successThreshold)]
        : [];
    }),
  );

const resourceBounds: Rule = (_app, containers) =>
  containers.flatMap((c) =>
    Object.entries(c.resources.limits ?? {}).flatMap(([resource, limit]) => {
      const request = c.resources.requests?.[resource];
      const [l, r] = [parseQuantity(limit), request === undefined ? undefined : parseQuantity(request)];
      return l !== undefined && r !== undefined && l < r
        ? [
            issue(
              [...c.path, 'resources', 'limits', resource],
              `must be at least the request (${request})`,
              limit,
            ),
          ]
        : [];
    }),
  );

const keyReferences: Rule = (app, containers) =>
  containers.flatMap((c) =>
    Object.entries(c.env ?? {}).flatMap(([name, value]) => {
      const [ref, declared, kind] =
        typeof value !== 'object'
          ? []
          : 'configMapKeyRef' in value
            ? [value.configMapKeyRef, app.configMaps, 'ConfigMap']
            : 'secretKeyRef' in value
              ? [value.secretKeyRef, app.secrets, 'Secret']
              : [];
      const data = ref && declared?.[ref.name];
      return ref && data && !(ref.key in data) && !ref.optional
        ? [
            issue(
              [...c.path, 'env', name],
              `${kind} ${ref.name} (declared in this spec) has no key ${ref.key}`,
            ),
          ]
        : [];
    }),
  );

const volumes: Rule = (app, containers) => {
  const declared = new Set((app.volumes ?? []).map((v) => v.name));
  return [
    ...duplicates(
      (app.volumes ?? []).map((volume, index) => ({ volume, index })),
      ({ volume }) => volume.name,
      ({ volume, index }) => issue(['volumes', index, 'name'], 'duplicate volume name', volume.name),
    ),
    ...containers.flatMap((c) => {
      const mounts = (c.volumeMounts ?? []).map((mount, index) => ({
        mount,
        path: [...c.path, 'volumeMounts', index],
      }));
      return [
        ...mounts
          .filter(({ mount }) => !declared.has(mount.name))
          .map(({ mount, path }) =>
            issue([...path, 'name'], 'mounts a volume that volumes does not declare', mount.name),
          ),
        ...duplicates(
          mounts,
          ({ mount }) => mount.mountPath,
          ({ mount, path }) => issue([...path, 'mountPath'], 'duplicate mount path', mount.mountPath),
        ),
      ];
    }),
  ];
};

const service: Rule = (app, containers) => {
  if (!hasService(app)) return [];
  const given = app.service === false ? undefined : app.service;
  const ports = servicePorts(app);
  const path = (index: number, field: string) => [
    'service',
    ...(given?.ports ? ['ports', index] : []),
    field,
  ];
  if (ports.length === 0)
    return [issue(['service'], 'the Service needs ports: give service.ports or container ports')];
  return [
    ...ports.flatMap((port, index) =>
      findPort(containers, port.targetPort)
        ? []
        : [issue(path(index, 'targetPort'), 'no container exposes this target port', port.targetPort)],
    ),
    ...ports.flatMap((port, index) =>
      port.nodePort !== undefined && given?.type === 'ClusterIP'
        ? [issue(path(index, 'nodePort'), 'needs service.type NodePort or LoadBalancer', port.nodePort)]
        : [],
    ),
    ...duplicates(
      ports.map((port, index) => ({ port, index })),
      ({ port }) => `${port.port}/${port.protocol}`,
      ({ port, index }) => issue(path(index, 'port'), 'duplicate Service port', port.port),
    ),
    ...duplicates(
      ports.map((port, index) => ({ port, index })),
      ({ port }) => port.name,
      ({ port, index }) =>
        issue(path(index, 'name'), 'duplicate Service port name: give each port its own name', port.name),
    ),
  ];
};

const ingress: Rule = (app) => {
  if (!app.ingress) return [];
  const { alb } = app.ingress;
  const appPorts = servicePorts(app);
  const extraServices = new Set(
    (app.extra ?? [])
      .filter((o) => o.kind === 'Service' && o.apiVersion === 'v1')
      .map((o) => o.metadata.name),
  );
  const backends = app.ingress.paths.flatMap((path, index) => {
    const at = ['ingress', 'paths', index];
    const backend = ingressBackend(app, path);
    if (backend.service === app.name && hasService(app)) {
      const known = appPorts.some((p) => p.name === backend.port || p.port === backend.port);
      return known ? [] : [issue([...at, 'port'], `Service ${app.name} has no such port`, backend.port)];
    }
    if (extraServices.has(backend.service)) {
      return backend.port === undefined
        ? [issue([...at, 'port'], 'is required for a Service from extra')]
        : [];
    }
    return [
      issue(
        [...at, 'service'],
        'names no Service of this spec (the app Service or one in extra)',
        backend.service,
      ),
    ];
  });
  const listeners = listenPorts(alb);
  const https = listeners.filter((l) => l.protocol === 'HTTPS').map((l) => l.port);
  const serviceType = app.service === false ? undefined : (app.service?.type ?? 'ClusterIP');
  return [
    ...backends,
    ...(alb.targetType === 'instance' && serviceType === 'ClusterIP'
      ? [
          issue(
            ['ingress', 'alb', 'targetType'],
            "'instance' targets need service.type NodePort (or LoadBalancer)",
          ),
        ]
      : []),
    ...(https.length > 0 && alb.certificateArn === undefined
      ? [issue(['ingress', 'alb', 'certificateArn'], 'is required for an HTTPS listener')]
      : []),
    ...(alb.sslRedirect !== undefined && !https.includes(alb.sslRedirect)
      ? [issue(['ingress', 'alb', 'sslRedirect'], 'must be the port of an HTTPS listener', alb.sslRedirect)]
      : []),
    ...duplicates(
      listeners.map((listener, index) => ({ listener, index })),
      ({ listener }) => String(listener.port),
      ({ listener, index }) =>
        issue(['ingress', 'alb', 'listenPorts', index], 'duplicate listener port', listener.port),
    ),
    ...(alb.healthcheck?.timeoutSeconds !== undefined &&
    alb.healthcheck.intervalSeconds !== undefined &&
    alb.healthcheck.timeoutSeconds >= alb.healthcheck.intervalSeconds
      ? [issue(['ingress', 'alb', 'healthcheck', 'timeoutSeconds'], 'must be less than intervalSeconds')]
      : []),
  ];
};

const autoscaling: Rule = (app, containers) => {
  if (!app.hpa) return [];
  const min = app.hpa.minReplicas ?? app.replicas;
  const targets = hpaTargets(app.hpa);
  const needsRequest = (resource: 'cpu' | 'memory') =>
    targets[resource] === undefined
      ? []
      : containers
          .filter((c) => c.role !== 'init' && c.resources.requests?.[resource] === undefined)
          .map((c) =>
            issue(
              [...c.path, 'resources', 'requests', resource],
              `is required: the HPA targets ${resource} utilization, a share of the request`,
            ),
          );
  return [
    ...(min < 1 ? [issue(['hpa', 'minReplicas'], 'must be at least 1 (from replicas)', min)] : []),
    ...(min > app.hpa.maxReplicas
      ? [issue(['hpa', 'maxReplicas'], `must be at least minReplicas (${min})`, app.hpa.maxReplicas)]
      : []),
    ...needsRequest('cpu'),
    ...needsRequest('memory'),
  ];
};

const rollout: Rule = (app) => [
  ...(typeof app.strategy === 'object' &&
  [app.strategy.maxSurge, app.strategy.maxUnavailable].every((v) => v === 0 || v === '0%')
    ? [issue(['strategy'], 'maxSurge and maxUnavailable cannot both be 0: the rollout could never progress')]
    : []),
  ...(app.progressDeadlineSeconds <= app.minReadySeconds
    ? [issue(['progressDeadlineSeconds'], `must be greater than minReadySeconds (${app.minReadySeconds})`)]
    : []),
];

const serviceAccount: Rule = (app) =>
  app.serviceAccount && !app.serviceAccount.create && app.serviceAccount.roleArn !== undefined
    ? [
        issue(
          ['serviceAccount', 'roleArn'],
          'needs create: true (kubeship can only annotate a ServiceAccount it renders)',
        ),
      ]
    : [];

const tolerations: Rule = (app) =>
  (app.tolerations ?? []).flatMap((t, index) => [
    ...(t.operator === 'Exists' && t.value !== undefined
      ? [issue(['tolerations', index, 'value'], "must be empty when operator is 'Exists'")]
      : []),
    ...(t.key === undefined && t.operator !== 'Exists'
      ? [issue(['tolerations', index, 'operator'], "must be 'Exists' when there is no key")]
      : []),
    ...(t.tolerationSeconds !== undefined && t.effect !== 'NoExecute'
      ? [issue(['tolerations', index, 'effect'], "must be 'NoExecute' when tolerationSeconds is set")]
      : []),
  ]);

const RULES: readonly Rule[] = [
  reservedLabels,
  uniqueContainers,
  uniquePorts,
  probePorts,
  resourceBounds,
  keyReferences,
  volumes,
  service,
  ingress,
  autoscaling,
  rollout,
  serviceAccount,
  tolerations,
];

/** Every cross-field problem of a spec that passed the schema. */
export function appIssues(app: ValidApp): ManifestIssue[] {
  const containers = containersOf(app);
  return RULES.flatMap((rule) => rule(app, containers));
}
