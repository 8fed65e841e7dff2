// The pod template's spec: containers (with env, probes, hardened security contexts) and scheduling.
import { compact, nonEmpty } from '../_compact.ts';
import { isSsmReference, type SsmReference } from '../_ssm.ts';
import type { ValidApp } from '../spec/app.ts';
import {
  type ContainerView,
  containersOf,
  type Probe,
  probePort,
  serviceAccountName,
} from '../spec/resolve.ts';
import { selectorLabels } from './labels.ts';

/** Where each SSM parameter's value lives once core has resolved it. */
export interface SsmBinding {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly name: string;
  readonly key: string;
}

type EnvValue = NonNullable<ContainerView['env']>[string];

function envVar(name: string, value: EnvValue, bindingOf: (ref: SsmReference) => SsmBinding) {
  if (typeof value !== 'object') return { name, value: String(value) };
  if (isSsmReference(value)) {
    const binding = bindingOf(value);
    const ref = { name: binding.name, key: binding.key };
    return { name, valueFrom: binding.kind === 'Secret' ? { secretKeyRef: ref } : { configMapKeyRef: ref } };
  }
  return { name, valueFrom: value };
}

function probeObject(probe: Probe, container: ContainerView) {
  const timing = compact({
    initialDelaySeconds: probe.initialDelaySeconds,
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
    successThreshold: probe.successThreshold,
    failureThreshold: probe.failureThreshold,
  });
  const port = probePort(probe, container);
  if ('http' in probe) {
    const headers = Object.entries(probe.http.headers ?? {}).map(([name, value]) => ({ name, value }));
    return {
      httpGet: compact({
        path: probe.http.path,
        port,
        scheme: probe.http.scheme,
        httpHeaders: nonEmpty(headers),
      }),
      ...timing,
    };
  }
  if ('tcp' in probe) return { tcpSocket: { port }, ...timing };
  if ('grpc' in probe) return { grpc: compact({ port, service: probe.grpc.service }), ...timing };
  return { exec: { command: probe.exec.command }, ...timing };
}

function containerObject(
  container: ContainerView,
  image: string,
  bindingOf: (ref: SsmReference) => SsmBinding,
): Record<string, unknown> {
  const probe = (kind: 'readiness' | 'liveness' | 'startup') => {
    const p = container.probes[kind];
    return p ? probeObject(p, container) : undefined;
  };
  const { security } = container;
  return compact({
    name: container.name,
    image,
    imagePullPolicy: container.imagePullPolicy,
    command: container.command,
    args: container.args,
    ports: nonEmpty(
      container.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })),
    ),
    env: nonEmpty(Object.entries(container.env ?? {}).map(([name, value]) => envVar(name, value, bindingOf))),
    envFrom: container.envFrom,
    resources: container.resources,
    readinessProbe: probe('readiness'),
    livenessProbe: probe('liveness'),
    startupProbe: probe('startup'),
    securityContext: compact({
      allowPrivilegeEscalation: security.allowPrivilegeEscalation,
      readOnlyRootFilesystem: security.readOnlyRootFilesystem,
      runAsNonRoot: security.runAsNonRoot,
      runAsUser: security.runAsUser,
      runAsGroup: security.runAsGroup,
      capabilities: compact({
        drop: nonEmpty(security.capabilities.drop),
        add: nonEmpty(security.capabilities.add),
      }),
    }),
    volumeMounts: container.volumeMounts,
  });
}

function spreadConstraints(app: ValidApp) {
  if (app.topologySpread === 'none') return undefined;
  return [
    {
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: app.topologySpread === 'zones-required' ? 'DoNotSchedule' : 'ScheduleAnyway',
      labelSelector: { matchLabels: selectorLabels(app) },
      // spread each revision on its own, so a rollout does not count the old pods
      matchLabelKeys: ['pod-template-hash'],
    },
  ];
}

/** The pod spec of the app; `image` is the main container's (after any override). */
export function podSpec(
  app: ValidApp,
  image: string,
  bindingOf: (ref: SsmReference) => SsmBinding,
): Record<string, unknown> {
  const containers = containersOf(app).map((c) => ({
    role: c.role,
    object: containerObject(c, c.role === 'main' ? image : c.image, bindingOf),
  }));
  const { podSecurity } = app;
  return compact({
    serviceAccountName: serviceAccountName(app),
    automountServiceAccountToken: app.serviceAccount?.automountToken ?? false,
    securityContext: compact({
      runAsNonRoot: podSecurity.runAsNonRoot,
      runAsUser: podSecurity.runAsUser,
      runAsGroup: podSecurity.runAsGroup,
      fsGroup: podSecurity.fsGroup,
      seccompProfile: { type: podSecurity.seccompProfile },
    }),
    initContainers: nonEmpty(containers.filter((c) => c.role === 'init').map((c) => c.object)),
    containers: containers.filter((c) => c.role !== 'init').map((c) => c.object),
    imagePullSecrets: nonEmpty(app.imagePullSecrets?.map((name) => ({ name }))),
    nodeSelector: app.nodeSelector,
    tolerations: app.tolerations,
    topologySpreadConstraints: spreadConstraints(app),
    terminationGracePeriodSeconds: app.terminationGracePeriodSeconds,
    volumes: app.volumes,
  });
}
