import { IMAGE_MARKERS } from './markers.ts';

/** The probe timing the kubelet applies (seconds), with the kubelet's defaults. */
export interface ProbeTiming {
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly failureThreshold: number;
}

/** The parts of a container spec the simulated kubelet reads. */
export interface ContainerSpec {
  readonly name: string;
  readonly image?: string;
  readonly imagePullPolicy?: string;
  readonly restartPolicy?: string;
  readonly livenessProbe?: Partial<ProbeTiming>;
  readonly readinessProbe?: Partial<ProbeTiming>;
  readonly startupProbe?: Partial<ProbeTiming>;
}

/** A probe that fails until the kubelet kills the container. */
export interface FailingProbe {
  readonly kind: 'Liveness' | 'Startup';
  readonly timing: ProbeTiming;
}

/** What a container does once started, decided by its image marker. */
export type Behaviour =
  /** Runs; Ready `readyAfterMs` after start, or never (`undefined`) with failing readiness probes. */
  | { readonly kind: 'runs'; readonly readyAfterMs: number | undefined; readonly readiness: ProbeTiming }
  /** Runs `runMs`, then exits (itself, or killed by a failing probe). */
  | {
      readonly kind: 'exits';
      readonly runMs: number;
      readonly exitCode: number;
      readonly reason: string;
      readonly probe?: FailingProbe;
    }
  /** Its image cannot be pulled: the registry answers "not found". */
  | { readonly kind: 'pullFails' };

const DEFAULT_PROBE: ProbeTiming = { initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 3 };

/** A probe's timing with the kubelet's defaults filled in. */
export const probeTiming = (probe: Partial<ProbeTiming> | undefined): ProbeTiming => ({
  initialDelaySeconds: probe?.initialDelaySeconds ?? DEFAULT_PROBE.initialDelaySeconds,
  periodSeconds: probe?.periodSeconds ?? DEFAULT_PROBE.periodSeconds,
  failureThreshold: probe?.failureThreshold ?? DEFAULT_PROBE.failureThreshold,
});

/** When a failing probe makes the kubelet kill the container: its `failureThreshold`-th failed probe. */
export const probeKillAfterMs = (timing: ProbeTiming): number =>
  (timing.initialDelaySeconds + (timing.failureThreshold - 1) * timing.periodSeconds) * 1000;

const CRASH_AFTER = /crash-after-(\d+(?:\.\d+)?)s/;
const EXIT_AFTER = /-after-(\d+(?:\.\d+)?)s/;

/** The `-after-<N>s` suffix of a marker in milliseconds (0 when absent). */
const afterMs = (image: string, pattern: RegExp): number => {
  const match = pattern.exec(image);
  return match ? Math.round(Number(match[1]) * 1000) : 0;
};

/**
 * The behaviour of one container on the testbed's nodes, from its image marker (see
 * `markers.ts`); when an image carries several markers the first of this list wins:
 * imagepullbackoff, oomkilled, exit1, crashloop/crash-after-Ns, livenessfail, startupfail, exit0,
 * neverready, slowready.
 */
export function behaviourOf(
  container: ContainerSpec,
  delays: { readonly slowReadyAfterMs: number },
): Behaviour {
  const image = container.image ?? '';
  const readiness = probeTiming(container.readinessProbe);
  const exits = (exitCode: number, reason: string, runMs = afterMs(image, EXIT_AFTER)): Behaviour => ({
    kind: 'exits',
    runMs,
    exitCode,
    reason,
  });
  if (image.includes(IMAGE_MARKERS.imagePullBackOff)) return { kind: 'pullFails' };
  if (image.includes(IMAGE_MARKERS.oomKilled)) return exits(137, 'OOMKilled');
  if (image.includes(IMAGE_MARKERS.exit1)) return exits(1, 'Error');
  if (image.includes(IMAGE_MARKERS.crashLoop)) return exits(1, 'Error');
  if (CRASH_AFTER.test(image)) return exits(1, 'Error', afterMs(image, CRASH_AFTER));
  for (const [marker, kind, probe] of [
    [IMAGE_MARKERS.livenessFail, 'Liveness', container.livenessProbe],
    [IMAGE_MARKERS.startupFail, 'Startup', container.startupProbe],
  ] as const) {
    if (!image.includes(marker)) continue;
    // Without the probe no kubelet would kill it: it runs, its readiness failing.
    if (!probe) return { kind: 'runs', readyAfterMs: undefined, readiness };
    const timing = probeTiming(probe);
    return {
      kind: 'exits',
      runMs: probeKillAfterMs(timing),
      exitCode: 137,
      reason: 'Error',
      probe: { kind, timing },
    };
  }
  if (image.includes(IMAGE_MARKERS.exit0)) return exits(0, 'Completed');
  if (image.includes(IMAGE_MARKERS.neverReady)) return { kind: 'runs', readyAfterMs: undefined, readiness };
  if (image.includes(IMAGE_MARKERS.slowReady))
    return { kind: 'runs', readyAfterMs: delays.slowReadyAfterMs, readiness };
  return { kind: 'runs', readyAfterMs: 0, readiness };
}
