import { behaviourOf, type ContainerSpec } from './_behaviour.ts';
import {
  advance,
  type ContainerRecord,
  type ContainerState,
  initDone,
  type KubeletEvent,
  newContainer,
  type TimelineContext,
  unblock,
} from './_container-timeline.ts';

/** The parts of a pod the simulated kubelet reads. */
export interface PodForKubelet {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec: {
    readonly nodeName?: string;
    readonly restartPolicy?: string;
    readonly containers: readonly ContainerSpec[];
    readonly initContainers?: readonly ContainerSpec[];
  };
}

/** Timings of the simulated kubelet. */
export interface KubeletTimings {
  /** From scheduling to running (and Ready, for a healthy container): pull, create, start. */
  readonly readyDelayMs: number;
  /** From start to Ready for a `slowready` image. */
  readonly slowReadyDelayMs: number;
  /** The status relist period (the kubelet's PLEG: 1 s). */
  readonly relistMs: number;
}

/** One pod as the simulated kubelet runs it. */
export interface PodSimulation {
  readonly context: TimelineContext;
  readonly containers: readonly ContainerRecord[];
  readonly startTime: number;
  readonly podIP: string;
  /** Each condition's status and when it last changed (the kubelet keeps `lastTransitionTime`). */
  readonly conditions: Map<string, { status: 'True' | 'False'; at: number }>;
}

/** A Go duration of the ready-after annotation (`1.5s`, `300ms`, `2m`) in ms; undefined if unreadable. */
export function parseGoDuration(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = text.trim();
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * (units[match[2] ?? 's'] ?? 0);
    rest = rest.slice(match[0].length);
  }
  return total;
}

/** A new simulation of `pod`, scheduled at `now`, with `podIP` given by the node. */
export function simulatePod(
  pod: PodForKubelet,
  now: number,
  podIP: string,
  timings: KubeletTimings,
  readyAfterAnnotation: string,
): PodSimulation {
  const startMs = parseGoDuration(pod.metadata.annotations?.[readyAfterAnnotation]) ?? timings.readyDelayMs;
  const slowReadyAfterMs = Math.max(0, timings.slowReadyDelayMs - timings.readyDelayMs);
  const inits = pod.spec.initContainers ?? [];
  const record = (spec: ContainerSpec, init: boolean, first: boolean) =>
    newContainer(
      {
        name: spec.name,
        image: spec.image ?? '',
        pullAlways:
          spec.imagePullPolicy === 'Always' ||
          (spec.imagePullPolicy === undefined && /:latest$|^[^:@]*$/.test(spec.image ?? '')),
      },
      init,
      init && spec.restartPolicy === 'Always',
      behaviourOf(spec, { slowReadyAfterMs }),
      first ? 'ContainerCreating' : 'PodInitializing',
    );
  return {
    context: {
      restartPolicy: pod.spec.restartPolicy ?? 'Always',
      pod: `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
      startMs,
      relistMs: timings.relistMs,
    },
    containers: [
      ...inits.map((spec, i) => record(spec, true, i === 0)),
      ...pod.spec.containers.map((spec) => record(spec, false, inits.length === 0)),
    ],
    startTime: now,
    podIP,
    conditions: new Map(),
  };
}

/**
 * Runs the pod's containers up to `now`: init containers one after the other (a sidecar counts
 * once started), then every app container; returns the kubelet's events in order.
 */
export function tick(sim: PodSimulation, now: number): KubeletEvent[] {
  const events: KubeletEvent[] = [];
  let gateOpen = true;
  for (const c of sim.containers) {
    if (!gateOpen) break;
    // a change due now may open the gate for the next containers, within this same pass
    if (c.step === 'blocked') events.push(...unblock(c, now, sim.context));
    events.push(...advance(c, now, sim.context));
    if (c.init) gateOpen = initDone(c);
  }
  return events;
}

/** When the next change of the pod is due (undefined when nothing will change by itself). */
export function nextChangeAt(sim: PodSimulation): number | undefined {
  const due = sim.containers.flatMap((c) => (c.nextAt === undefined ? [] : [c.nextAt]));
  return due.length > 0 ? Math.min(...due) : undefined;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function stateJson(state: ContainerState): object {
  if ('running' in state) return { running: { startedAt: iso(state.running.startedAt) } };
  if ('terminated' in state) return { terminated: terminatedJson(state.terminated) };
  return { waiting: state.waiting };
}

const terminatedJson = (t: { exitCode: number; reason: string; startedAt: number; finishedAt: number }) => ({
  exitCode: t.exitCode,
  reason: t.reason,
  startedAt: iso(t.startedAt),
  finishedAt: iso(t.finishedAt),
});

function imageId(image: string): string {
  if (image.includes('@sha256:')) return image;
  let hash = 0n;
  for (const char of image) hash = (hash * 131n + BigInt(char.charCodeAt(0))) % 2n ** 256n;
  return `${image.replace(/:[^:/@]+$/, '')}@sha256:${hash.toString(16).padStart(64, '0')}`;
}

function containerStatusJson(c: ContainerRecord): object {
  const ran = c.restartCount > 0 || !('waiting' in c.state);
  return {
    name: c.name,
    image: c.image,
    imageID: ran ? imageId(c.image) : '',
    ...(ran ? { containerID: `containerd://${c.name}-${c.restartCount}` } : {}),
    ready: c.ready,
    started: c.started,
    restartCount: c.restartCount,
    state: stateJson(c.state),
    lastState: c.lastState ? { terminated: terminatedJson(c.lastState) } : {},
  };
}

/** The pod phase by the kubelet's rules (getPhase), from its containers' states. */
function phaseOf(sim: PodSimulation): string {
  const policy = sim.context.restartPolicy;
  const inits = sim.containers.filter((c) => c.init);
  const apps = sim.containers.filter((c) => !c.init);
  const initFailed = inits.some(
    (c) => !c.sidecar && c.step === 'done' && 'terminated' in c.state && c.state.terminated.exitCode !== 0,
  );
  if (initFailed && policy === 'Never') return 'Failed';
  if (!inits.every(initDone)) return 'Pending';
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of apps) {
    if ('running' in c.state) running += 1;
    else if ('terminated' in c.state) {
      stopped += 1;
      if (c.state.terminated.exitCode === 0) succeeded += 1;
    } else if (c.lastState) stopped += 1;
    else waiting += 1;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (policy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  return policy === 'OnFailure' ? 'Running' : 'Failed';
}

/** The pod's whole `status`, as the kubelet reports it at `now`. */
export function podStatus(sim: PodSimulation, now: number, hostIP: string): object {
  const phase = phaseOf(sim);
  const inits = sim.containers.filter((c) => c.init);
  const apps = sim.containers.filter((c) => !c.init);
  const initialized = inits.every(initDone);
  const ready =
    phase === 'Running' && initialized && [...apps, ...inits.filter((c) => c.sidecar)].every((c) => c.ready);
  const notReady =
    phase === 'Succeeded' ? 'PodCompleted' : phase === 'Failed' ? 'PodFailed' : 'ContainersNotReady';
  const condition = (type: string, status: boolean, reason?: string) => {
    const value = status ? 'True' : 'False';
    const previous = sim.conditions.get(type);
    const at = previous && previous.status === value ? previous.at : now;
    const why = status ? undefined : reason;
    sim.conditions.set(type, { status: value, at });
    return { type, status: value, ...(why ? { reason: why } : {}), lastTransitionTime: iso(at) };
  };
  return {
    phase,
    conditions: [
      condition('PodReadyToStartContainers', true),
      condition('Initialized', initialized, 'ContainersNotInitialized'),
      condition('Ready', ready, notReady),
      condition('ContainersReady', ready, notReady),
      condition('PodScheduled', true),
    ],
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP: sim.podIP,
    podIPs: [{ ip: sim.podIP }],
    startTime: iso(sim.startTime),
    initContainerStatuses: inits.map(containerStatusJson),
    containerStatuses: apps.map(containerStatusJson),
  };
}
