import { describe, expect, it } from 'vitest';
import type { ContainerSpec } from './_behaviour.ts';
import { nextChangeAt, type PodForKubelet, podStatus, simulatePod, tick } from './_pod-simulation.ts';
import { crashAfter, IMAGE_MARKERS, READY_AFTER_ANNOTATION } from './markers.ts';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const timings = { readyDelayMs: 500, slowReadyDelayMs: 8000, relistMs: 1000 };

const podOf = (containers: ContainerSpec[], more: Partial<PodForKubelet['spec']> = {}): PodForKubelet => ({
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1' },
  spec: { nodeName: 'kwok-node-0', containers, ...more },
});

interface Step {
  readonly at: number;
  readonly status: { containerStatuses: Array<Record<string, unknown>>; phase: string };
  readonly events: Array<{ reason: string; message: string }>;
}

/** Runs the pod on virtual time, one change after the other, until `untilMs` after scheduling. */
function run(pod: PodForKubelet, untilMs: number): Step[] {
  const sim = simulatePod(pod, T0, '10.244.0.2', timings, READY_AFTER_ANNOTATION);
  const steps: Step[] = [];
  for (let now: number | undefined = T0; now !== undefined && now <= T0 + untilMs; now = nextChangeAt(sim)) {
    const events = tick(sim, now).map(({ reason, message }) => ({ reason, message }));
    steps.push({ at: now - T0, status: podStatus(sim, now, '127.0.0.1') as Step['status'], events });
  }
  return steps;
}

/** The app container's state at each step, in the words of `kubectl get pods`. */
const stateLine = (step: Step) => {
  const c = step.status.containerStatuses[0] as {
    state: Record<string, { reason?: string; exitCode?: number }>;
    restartCount: number;
    ready: boolean;
  };
  const [kind = '', detail = {}] = Object.entries(c.state)[0] ?? [];
  const what = detail.reason ?? kind;
  return `${step.at / 1000}s ${what}${detail.exitCode === undefined ? '' : ` ${detail.exitCode}`} restarts=${c.restartCount}${c.ready ? ' ready' : ''}`;
};

describe('the testbed kubelet timeline', () => {
  it('runs a container that crashes 3 s after each start as a kubelet does, state by state and event by event', () => {
    const steps = run(podOf([{ name: 'app', image: `registry.local/${crashAfter(3)}:1` }]), 30_000);
    expect(steps.map(stateLine)).toEqual([
      '0s ContainerCreating restarts=0',
      '0.5s running restarts=0',
      '3.5s Error 1 restarts=0',
      '4.5s running restarts=1',
      '7.5s Error 1 restarts=1',
      '8.5s CrashLoopBackOff restarts=1',
      // back-off 10 s from the second exit's finishedAt
      '17.5s running restarts=2',
      '20.5s Error 1 restarts=2',
      '21.5s CrashLoopBackOff restarts=2',
    ]);
    const image = `registry.local/${crashAfter(3)}:1`;
    expect(steps.flatMap((s) => s.events.map((e) => `${s.at / 1000}s ${e.reason}: ${e.message}`))).toEqual([
      `0s Pulling: Pulling image "${image}"`,
      `0.5s Pulled: Successfully pulled image "${image}" in 500ms (500ms including waiting). Image size: 12582912 bytes.`,
      '0.5s Created: Created container: app',
      '0.5s Started: Started container app',
      `4.5s Pulled: Container image "${image}" already present on machine`,
      '4.5s Created: Created container: app',
      '4.5s Started: Started container app',
      '8.5s BackOff: Back-off restarting failed container app in pod web-1_shop(u-1)',
      `17.5s Pulled: Container image "${image}" already present on machine`,
      '17.5s Created: Created container: app',
      '17.5s Started: Started container app',
      '21.5s BackOff: Back-off restarting failed container app in pod web-1_shop(u-1)',
    ]);
    const backingOff = steps[5]?.status.containerStatuses[0] as {
      state: { waiting: { message: string } };
      lastState: { terminated: Record<string, unknown> };
    };
    expect(backingOff.state.waiting.message).toBe(
      'back-off 10s restarting failed container=app pod=web-1_shop(u-1)',
    );
    expect(backingOff.lastState.terminated).toEqual({
      exitCode: 1,
      reason: 'Error',
      startedAt: '2026-12-01T10:00:04Z',
      finishedAt: '2026-12-01T10:00:07Z',
    });
  });

  it('doubles the crash back-off from 10 s up to 300 s, counted from each exit', () => {
    const steps = run(
      podOf([{ name: 'app', image: `registry.local/${IMAGE_MARKERS.crashLoop}:1` }]),
      1_500_000,
    );
    const restarts = steps.filter((s) => s.events.some((e) => e.reason === 'Started'));
    const gaps = restarts.slice(1).map((s, i) => (s.at - (restarts[i]?.at ?? 0)) / 1000);
    // first restart after the relist (1 s), then 10, 20, 40, ... 300 s of back-off (+ the relist of the exit, 0 s run)
    expect(gaps.slice(0, 8)).toEqual([1, 10, 20, 40, 80, 160, 300, 300]);
    const messages = steps.flatMap((s) =>
      (s.status.containerStatuses as Array<{ state: { waiting?: { reason: string; message: string } } }>)
        .map((c) => c.state.waiting)
        .filter((w) => w?.reason === 'CrashLoopBackOff')
        .map((w) => w?.message.split(' ')[1]),
    );
    expect([...new Set(messages)]).toEqual(['10s', '20s', '40s', '1m20s', '2m40s', '5m0s']);
  });

  it('kills a container whose liveness probe fails, with Unhealthy events, Killing and exit 137, then backs off', () => {
    const probe = { periodSeconds: 2, failureThreshold: 3 };
    const steps = run(
      podOf([{ name: 'app', image: `registry.local/${IMAGE_MARKERS.livenessFail}:1`, livenessProbe: probe }]),
      25_000,
    );
    expect(steps.map(stateLine)).toEqual([
      '0s ContainerCreating restarts=0',
      '0.5s running restarts=0',
      '2.5s running restarts=0',
      '4.5s Error 137 restarts=0',
      '5.5s running restarts=1',
      '7.5s running restarts=1',
      '9.5s Error 137 restarts=1',
      '10.5s CrashLoopBackOff restarts=1',
      '19.5s running restarts=2',
      '21.5s running restarts=2',
      '23.5s Error 137 restarts=2',
      '24.5s CrashLoopBackOff restarts=2',
    ]);
    const first = steps
      .slice(0, 4)
      .flatMap((s) => s.events.map((e) => `${s.at / 1000}s ${e.reason}: ${e.message}`));
    expect(first.filter((e) => /Unhealthy|Killing/.test(e))).toEqual([
      '0.5s Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500',
      '2.5s Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500',
      '4.5s Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500',
      '4.5s Killing: Container app failed liveness probe, will be restarted',
    ]);
  });

  it('kills a container whose startup probe fails, never started', () => {
    const steps = run(
      podOf([
        {
          name: 'app',
          image: `registry.local/${IMAGE_MARKERS.startupFail}:1`,
          startupProbe: { periodSeconds: 1, failureThreshold: 2 },
        },
      ]),
      3000,
    );
    expect(steps.some((s) => (s.status.containerStatuses[0] as { started: boolean }).started)).toBe(false);
    expect(steps.flatMap((s) => s.events).filter((e) => e.reason === 'Killing')).toEqual([
      { reason: 'Killing', message: 'Container app failed startup probe, will be restarted' },
    ]);
  });

  it('reports OOMKilled with exit code 137', () => {
    const steps = run(podOf([{ name: 'app', image: `registry.local/${IMAGE_MARKERS.oomKilled}:1` }]), 3000);
    expect(steps.map(stateLine)).toContain('0.5s OOMKilled 137 restarts=0');
    expect(steps.map(stateLine).at(-1)).toBe('2.5s CrashLoopBackOff restarts=1');
  });

  it('shows ErrImagePull, then ImagePullBackOff until the image back-off lets it pull again', () => {
    const image = `registry.local/${IMAGE_MARKERS.imagePullBackOff}:1`;
    const steps = run(podOf([{ name: 'app', image }]), 40_000);
    expect(steps.map(stateLine)).toEqual([
      '0s ContainerCreating restarts=0',
      '0.5s ErrImagePull restarts=0',
      '1.5s ImagePullBackOff restarts=0',
      '10.5s ImagePullBackOff restarts=0',
      '11s ErrImagePull restarts=0',
      '12s ImagePullBackOff restarts=0',
      '31s ImagePullBackOff restarts=0',
      '31.5s ErrImagePull restarts=0',
      '32.5s ImagePullBackOff restarts=0',
    ]);
    expect(steps.every((s) => s.status.phase === 'Pending')).toBe(true);
    expect(steps[1]?.events.map((e) => e.message)).toEqual([
      `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`,
      'Error: ErrImagePull',
    ]);
    expect(steps[2]?.events.map((e) => `${e.reason}: ${e.message}`)).toEqual([
      `BackOff: Back-off pulling image "${image}"`,
      'Failed: Error: ImagePullBackOff',
    ]);
  });

  it('runs a Job container that exits 1 under restartPolicy Never once: the pod is Failed', () => {
    const steps = run(
      podOf([{ name: 'job', image: `registry.local/${IMAGE_MARKERS.exit1}:1` }], { restartPolicy: 'Never' }),
      10_000,
    );
    expect(steps.map(stateLine)).toEqual(['0s ContainerCreating restarts=0', '0.5s Error 1 restarts=0']);
    expect(steps.at(-1)?.status.phase).toBe('Failed');
  });

  it('starts app containers only once the init containers completed', () => {
    const steps = run(
      podOf([{ name: 'app', image: 'registry.local/web:1' }], {
        initContainers: [{ name: 'migrate', image: 'registry.local/migrate:1' }],
      }),
      5000,
    );
    expect(steps.map((s) => `${s.at / 1000}s ${s.status.phase}`)).toEqual([
      '0s Pending',
      '0.5s Pending',
      '1s Running',
    ]);
    expect(steps.map(stateLine).at(-1)).toBe('1s running restarts=0 ready');
  });
});
