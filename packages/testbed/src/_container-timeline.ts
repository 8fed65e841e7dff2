import type { Behaviour } from './_behaviour.ts';

/** The kubelet's container back-off: 10 s, doubled at each restart, at most 300 s (crashes and image pulls). */
export const BACK_OFF = { initialMs: 10_000, maxMs: 300_000 } as const;

/** One event the kubelet records about a container. */
export interface KubeletEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  readonly container: string;
  readonly init: boolean;
}

/** A container's terminated state, as the API shows it. */
export interface Terminated {
  readonly exitCode: number;
  readonly reason: string;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** A container's state, as the API shows it (times in ms since the epoch). */
export type ContainerState =
  | { readonly waiting: { readonly reason: string; readonly message?: string } }
  | { readonly running: { readonly startedAt: number } }
  | { readonly terminated: Terminated };

/** Where a container is in the kubelet's loop. */
type Step =
  | 'blocked' // waiting for init containers
  | 'pulling' // pulling the image (or creating the container)
  | 'pullFailed' // ErrImagePull shown, ImagePullBackOff next
  | 'pullBackOff' // waiting out the image back-off
  | 'running' // running; `nextAt` is its next change (ready, exit, probe)
  | 'restarting' // exited for the first time: restarted after the next relist
  | 'exited' // exited again: CrashLoopBackOff after the next relist
  | 'crashBackOff' // waiting out the crash back-off
  | 'done'; // terminated for good (or running with nothing more to happen)

/** One container (or init container) as the simulated kubelet runs it. */
export interface ContainerRecord {
  readonly name: string;
  readonly image: string;
  readonly init: boolean;
  /** An init container with `restartPolicy: Always`. */
  readonly sidecar: boolean;
  readonly pullAlways: boolean;
  readonly behaviour: Behaviour;
  restartCount: number;
  state: ContainerState;
  lastState: Terminated | undefined;
  ready: boolean;
  started: boolean;
  step: Step;
  /** When the next change happens (ms since the epoch); undefined when none is due. */
  nextAt: number | undefined;
  crashBackOffMs: number;
  pullBackOffMs: number;
  pulledOnce: boolean;
  startedAt: number;
  probeFailures: number;
}

/** What the kubelet's loop needs to know about the pod around a container. */
export interface TimelineContext {
  readonly restartPolicy: string;
  /** The pod as the kubelet formats it in messages: `name_namespace(uid)`. */
  readonly pod: string;
  /** Time to pull an image and create the container (the pod's ready delay). */
  readonly startMs: number;
  /** The kubelet's status relist period (1 s): how late an exit is acted on. */
  readonly relistMs: number;
}

/** A new container, waiting for its turn. */
export function newContainer(
  spec: { name: string; image: string; pullAlways: boolean },
  init: boolean,
  sidecar: boolean,
  behaviour: Behaviour,
  waitingReason: 'ContainerCreating' | 'PodInitializing',
): ContainerRecord {
  return {
    ...spec,
    init,
    sidecar,
    behaviour,
    restartCount: 0,
    state: { waiting: { reason: waitingReason } },
    lastState: undefined,
    ready: false,
    started: false,
    step: 'blocked',
    nextAt: undefined,
    crashBackOffMs: 0,
    pullBackOffMs: 0,
    pulledOnce: false,
    startedAt: 0,
    probeFailures: 0,
  };
}

/** Go's formatting of a whole-second duration (`10s`, `1m20s`, `5m0s`). */
export const goDuration = (ms: number): string => {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
};

const pullError = (image: string) =>
  `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;

/** Lets a blocked container start: the kubelet pulls its image (or finds it present) and creates it. */
export function unblock(c: ContainerRecord, now: number, ctx: TimelineContext): KubeletEvent[] {
  if (c.step !== 'blocked') return [];
  c.state = { waiting: { reason: 'ContainerCreating' } };
  return pull(c, now, ctx);
}

function pull(c: ContainerRecord, now: number, ctx: TimelineContext): KubeletEvent[] {
  c.step = 'pulling';
  c.nextAt = now + ctx.startMs;
  return c.pullAlways || !c.pulledOnce ? [event(c, 'Normal', 'Pulling', `Pulling image "${c.image}"`)] : [];
}

const event = (
  c: ContainerRecord,
  type: KubeletEvent['type'],
  reason: string,
  message: string,
): KubeletEvent => ({ type, reason, message, container: c.name, init: c.init });

/**
 * Runs every change of `c` due by `now`, in order, and returns the kubelet's events for them.
 * The sequence follows the kubelet: an exited container is restarted after the next relist the
 * first time, then waits in CrashLoopBackOff for the back-off (10 s doubling up to 300 s, counted
 * from its `finishedAt`); an image that cannot be pulled shows ErrImagePull, then ImagePullBackOff
 * until the image back-off (same constants) runs out and the pull is tried again.
 */
export function advance(c: ContainerRecord, now: number, ctx: TimelineContext): KubeletEvent[] {
  const events: KubeletEvent[] = [];
  while (c.nextAt !== undefined && c.nextAt <= now) {
    const at = c.nextAt;
    c.nextAt = undefined;
    events.push(...transition(c, at, ctx));
  }
  return events;
}

function transition(c: ContainerRecord, at: number, ctx: TimelineContext): KubeletEvent[] {
  switch (c.step) {
    case 'pulling':
      return c.behaviour.kind === 'pullFails' ? failPull(c, at, ctx) : start(c, at, ctx);
    case 'pullFailed': {
      c.step = 'pullBackOff';
      c.state = {
        waiting: {
          reason: 'ImagePullBackOff',
          message: `Back-off pulling image "${c.image}": ErrImagePull: ${pullError(c.image)}`,
        },
      };
      c.nextAt = at - ctx.relistMs + c.pullBackOffMs;
      return [
        event(c, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`),
        event(c, 'Warning', 'Failed', 'Error: ImagePullBackOff'),
      ];
    }
    case 'pullBackOff':
      return pull(c, at, ctx);
    case 'running':
      return whileRunning(c, at, ctx);
    case 'restarting':
      return restart(c, at, ctx);
    case 'exited': {
      const last = 'terminated' in c.state ? c.state.terminated : undefined;
      c.lastState = last;
      c.state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${goDuration(c.crashBackOffMs)} restarting failed container=${c.name} pod=${ctx.pod}`,
        },
      };
      c.step = 'crashBackOff';
      c.nextAt = (last?.finishedAt ?? at) + c.crashBackOffMs;
      return [
        event(c, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${ctx.pod}`),
      ];
    }
    case 'crashBackOff':
      c.crashBackOffMs = Math.min(c.crashBackOffMs * 2, BACK_OFF.maxMs);
      return restart(c, at, ctx);
    default:
      return [];
  }
}

function failPull(c: ContainerRecord, at: number, ctx: TimelineContext): KubeletEvent[] {
  c.step = 'pullFailed';
  c.pullBackOffMs =
    c.pullBackOffMs === 0 ? BACK_OFF.initialMs : Math.min(c.pullBackOffMs * 2, BACK_OFF.maxMs);
  c.state = { waiting: { reason: 'ErrImagePull', message: pullError(c.image) } };
  c.nextAt = at + ctx.relistMs;
  return [
    event(c, 'Warning', 'Failed', `Failed to pull image "${c.image}": ${pullError(c.image)}`),
    event(c, 'Warning', 'Failed', 'Error: ErrImagePull'),
  ];
}

function restart(c: ContainerRecord, at: number, ctx: TimelineContext): KubeletEvent[] {
  if ('terminated' in c.state) c.lastState = c.state.terminated;
  c.restartCount += 1;
  const pulling = c.pullAlways ? [event(c, 'Normal', 'Pulling', `Pulling image "${c.image}"`)] : [];
  return [...pulling, ...start(c, at, ctx)];
}

function start(c: ContainerRecord, at: number, ctx: TimelineContext): KubeletEvent[] {
  const pulled =
    c.pullAlways || !c.pulledOnce
      ? `Successfully pulled image "${c.image}" in ${ctx.startMs}ms (${ctx.startMs}ms including waiting). Image size: 12582912 bytes.`
      : `Container image "${c.image}" already present on machine`;
  c.pulledOnce = true;
  c.state = { running: { startedAt: at } };
  c.startedAt = at;
  c.probeFailures = 0;
  const events = [
    event(c, 'Normal', 'Pulled', pulled),
    event(c, 'Normal', 'Created', `Created container: ${c.name}`),
    event(c, 'Normal', 'Started', `Started container ${c.name}`),
  ];
  const b = c.behaviour;
  c.started = !(b.kind === 'exits' && b.probe?.kind === 'Startup');
  c.ready = false;
  c.step = 'running';
  if (b.kind === 'exits') {
    c.nextAt = at + (b.probe ? b.probe.timing.initialDelaySeconds * 1000 : b.runMs);
    if (!b.probe && b.runMs === 0) events.push(...exit(c, at, ctx));
    return events;
  }
  if (b.kind !== 'runs') return events;
  if (b.readyAfterMs === undefined) {
    // an init container that never completes, or an app whose readiness probe keeps failing
    c.nextAt = c.init && !c.sidecar ? undefined : at + b.readiness.initialDelaySeconds * 1000;
  } else if (b.readyAfterMs === 0) {
    events.push(...becomeReady(c, at, ctx));
  } else {
    c.nextAt = at + b.readyAfterMs;
  }
  return events;
}

/** A running container's due change: Ready, a failed probe, its exit. */
function whileRunning(c: ContainerRecord, at: number, ctx: TimelineContext): KubeletEvent[] {
  const b = c.behaviour;
  if (b.kind === 'runs') {
    if (b.readyAfterMs !== undefined) return becomeReady(c, at, ctx);
    c.nextAt = at + b.readiness.periodSeconds * 1000;
    return [
      event(c, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503'),
    ];
  }
  if (b.kind !== 'exits') return [];
  if (!b.probe) return exit(c, at, ctx);
  c.probeFailures += 1;
  const failed = event(
    c,
    'Warning',
    'Unhealthy',
    `${b.probe.kind} probe failed: HTTP probe failed with statuscode: 500`,
  );
  if (c.probeFailures < b.probe.timing.failureThreshold) {
    c.nextAt = at + b.probe.timing.periodSeconds * 1000;
    return [failed];
  }
  const killing = event(
    c,
    'Normal',
    'Killing',
    `Container ${c.name} failed ${b.probe.kind.toLowerCase()} probe, will be restarted`,
  );
  return [failed, killing, ...exit(c, at, ctx)];
}

/** Ready; an init container that is not a sidecar completes instead (exit code 0). */
function becomeReady(c: ContainerRecord, at: number, ctx: TimelineContext): KubeletEvent[] {
  if (c.init && !c.sidecar) {
    return exit(c, at, ctx, { exitCode: 0, reason: 'Completed' });
  }
  c.ready = true;
  c.step = 'done';
  return [];
}

function exit(
  c: ContainerRecord,
  at: number,
  ctx: TimelineContext,
  how: { exitCode: number; reason: string } = c.behaviour.kind === 'exits'
    ? c.behaviour
    : { exitCode: 0, reason: 'Completed' },
): KubeletEvent[] {
  c.state = {
    terminated: { exitCode: how.exitCode, reason: how.reason, startedAt: c.startedAt, finishedAt: at },
  };
  c.ready = false;
  c.started = false;
  const restarts =
    c.sidecar ||
    (how.exitCode !== 0 && ctx.restartPolicy !== 'Never') ||
    (how.exitCode === 0 && !c.init && ctx.restartPolicy === 'Always');
  if (!restarts) {
    c.step = 'done';
    c.nextAt = undefined;
    return [];
  }
  // The kubelet restarts a container at once the first time, then backs off (doBackOff).
  if (c.crashBackOffMs === 0) {
    c.crashBackOffMs = BACK_OFF.initialMs;
    c.step = 'restarting';
  } else {
    c.step = 'exited';
  }
  c.nextAt = at + ctx.relistMs;
  return [];
}

/** Whether an init container lets the next one (and finally the app containers) start. */
export const initDone = (c: ContainerRecord): boolean =>
  c.sidecar
    ? 'running' in c.state && c.started
    : 'terminated' in c.state && c.state.terminated.exitCode === 0 && c.step === 'done';
