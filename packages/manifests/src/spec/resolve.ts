// Defaults that depend on other fields, resolved in one place for both the rules and the renderers.
import type * as z from 'zod';
import type { PathSegment } from '../_path.ts';
import type { ValidApp } from './app.ts';
import type { containerPort, initContainer, probe } from './container.ts';

type Fields = Omit<z.output<typeof initContainer>, 'name'>;
export type ContainerPort = z.output<typeof containerPort>;
export type Probe = z.output<typeof probe>;
export type ProbeKind = 'readiness' | 'liveness' | 'startup';

/** One container of the pod, whatever its role, with the path of its fields in the spec. */
export interface ContainerView extends Fields {
  readonly role: 'main' | 'sidecar' | 'init';
  readonly name: string;
  readonly path: readonly PathSegment[];
  readonly ports: readonly ContainerPort[];
  readonly probes: Partial<Record<ProbeKind, Probe | false | undefined>>;
}

/** The main container first, then sidecars, then init containers. */
export function containersOf(app: ValidApp): ContainerView[] {
  return [
    {
      ...app,
      role: 'main',
      name: app.containerName ?? app.name,
      path: [],
      ports: app.ports,
      probes: app.probes,
    },
    ...(app.sidecars ?? []).map((sidecar, index) => ({
      ...sidecar,
      role: 'sidecar' as const,
      path: ['sidecars', index],
      probes: sidecar.probes ?? {},
    })),
    ...(app.initContainers ?? []).map((init, index) => ({
      ...init,
      role: 'init' as const,
      path: ['initContainers', index],
      ports: [],
      probes: {},
    })),
  ];
}

/** The container port `ref` names (by name in `own`, by number in any running container). */
export function findPort(
  containers: readonly ContainerView[],
  ref: string | number,
  own?: ContainerView,
): ContainerPort | undefined {
  const candidates = typeof ref === 'string' && own ? [own] : containers.filter((c) => c.role !== 'init');
  return candidates
    .flatMap((container) => container.ports)
    .find((port) => (typeof ref === 'string' ? port.name === ref : port.containerPort === ref));
}

/** The port a probe checks: its own, else the container's first port (by name; gRPC needs a number). */
export function probePort(probe: Probe, container: ContainerView): string | number | undefined {
  const first = container.ports[0];
  if ('http' in probe) return probe.http.port ?? first?.name;
  if ('tcp' in probe) return probe.tcp.port ?? first?.name;
  if ('grpc' in probe) return probe.grpc.port ?? first?.containerPort;
  return undefined;
}

/** A Service port with its defaults filled in. */
export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: string | number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly nodePort?: number;
}

/** Whether a Service is rendered: when asked for, or by default when the main container has ports. */
export const hasService = (app: ValidApp): boolean =>
  app.service !== false && (app.service !== undefined || app.ports.length > 0);

/** The Service's ports with defaults: every main container port, or the given ones completed. */
export function servicePorts(app: ValidApp): ServicePort[] {
  if (!hasService(app) || app.service === false) return [];
  const containers = containersOf(app);
  const given = app.service?.ports ?? app.ports.map((p) => ({ port: p.containerPort, targetPort: p.name }));
  return given.map((port) => {
    const targetPort = port.targetPort ?? app.ports[0]?.name ?? port.port;
    const target = findPort(containers, targetPort);
    return {
      name: ('name' in port ? port.name : undefined) ?? target?.name ?? `port-${port.port}`,
      port: port.port,
      targetPort,
      protocol: ('protocol' in port ? port.protocol : undefined) ?? target?.protocol ?? 'TCP',
      ...('nodePort' in port && port.nodePort !== undefined ? { nodePort: port.nodePort } : {}),
    };
  });
}

/** The Ingress backend of a path: its own service and port, else the app's Service and first port. */
export function ingressBackend(
  app: ValidApp,
  path: { service?: string | undefined; port?: string | number | undefined },
): { service: string; port: string | number | undefined } {
  return { service: path.service ?? app.name, port: path.port ?? servicePorts(app)[0]?.name };
}

/** The ALB listeners: given ones, else HTTP 80 plus HTTPS 443 when a certificate is set. */
export function listenPorts(alb: NonNullable<ValidApp['ingress']>['alb']) {
  return (
    alb.listenPorts ?? [
      { protocol: 'HTTP' as const, port: 80 },
      ...(alb.certificateArn === undefined ? [] : [{ protocol: 'HTTPS' as const, port: 443 }]),
    ]
  );
}

/** The pod count the app runs with: the HPA's minimum when autoscaled, else `replicas`. */
const minimumPods = (app: ValidApp): number =>
  app.hpa ? (app.hpa.minReplicas ?? app.replicas) : app.replicas;

/** The PDB to render: the given one, else `maxUnavailable: 1` when more than one pod runs. */
export function disruptionBudget(app: ValidApp) {
  if (app.pdb === false) return undefined;
  return app.pdb ?? (minimumPods(app) > 1 ? { maxUnavailable: 1 } : undefined);
}

/** HPA metrics: the given utilization targets, else 70% CPU. */
export function hpaTargets(hpa: NonNullable<ValidApp['hpa']>): { cpu?: number; memory?: number } {
  if (hpa.cpuUtilization === undefined && hpa.memoryUtilization === undefined) return { cpu: 70 };
  return {
    ...(hpa.cpuUtilization === undefined ? {} : { cpu: hpa.cpuUtilization }),
    ...(hpa.memoryUtilization === undefined ? {} : { memory: hpa.memoryUtilization }),
  };
}

/** The ServiceAccount name pods run as, if the app names one. */
export const serviceAccountName = (app: ValidApp): string | undefined =>
  app.serviceAccount ? (app.serviceAccount.name ?? app.name) : undefined;

/**
 * The ALB health check path when none is given: the readiness probe's HTTP path, but only when that probe
 * checks the container port the Ingress sends traffic to (the ALB checks the traffic port by default).
 */
export function defaultHealthcheckPath(app: ValidApp): string | undefined {
  const readiness = app.probes.readiness;
  const firstPath = app.ingress?.paths[0];
  if (!readiness || !('http' in readiness) || !firstPath) return undefined;
  const containers = containersOf(app);
  const main = containers[0];
  const probed = main && findPort(containers, probePort(readiness, main) ?? '', main);
  const backend = ingressBackend(app, firstPath);
  const servicePort = servicePorts(app).find((p) => p.name === backend.port || p.port === backend.port);
  const served =
    backend.service === app.name && servicePort ? findPort(containers, servicePort.targetPort) : undefined;
  return probed !== undefined && probed === served ? readiness.http.path : undefined;
}
