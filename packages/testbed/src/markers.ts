/**
 * Image markers: a container (or init container) whose image reference contains one of these
 * words behaves that way on the testbed's nodes; each container of a pod is judged by its own
 * image, so one sidecar can crash-loop while the app runs. Any other image runs and is Ready after
 * the ready delay (an init container without a marker completes with exit code 0). The testbed's
 * kubelet follows a real kubelet's timeline and records its events (docs/testbed.md has each step):
 *
 * - `crashloop`: exits 1 (reason Error) right after it starts; the kubelet restarts it at once,
 *   it exits again, and from then on it waits in CrashLoopBackOff (10 s, doubling up to 300 s,
 *   counted from each exit) between restarts. Under `restartPolicy: Never` it stays terminated.
 * - `crash-after-<N>s` (e.g. `crash-after-3s`): the same, each instance running N seconds first
 *   (not Ready while it runs). `-after-<N>s` also delays `oomkilled`, `exit1` and `exit0`.
 * - `oomkilled`: like `crashloop`, with exit code 137 and reason OOMKilled.
 * - `exit1`: for Job pods: exits 1; with `restartPolicy: Never` the pod is Failed, with
 *   `OnFailure` (or `Always`) the container crash-loops.
 * - `exit0`: for Job pods: exits 0 (reason Completed); the pod Succeeds unless its restart policy
 *   is `Always`, where the kubelet restarts it into CrashLoopBackOff as a real one would.
 * - `livenessfail`: runs, never Ready, its liveness probe failing from the first try (the
 *   container's own probe timing, the kubelet's defaults otherwise): `Unhealthy` events, `Killing`
 *   at the failure threshold, exit 137, restart, back-off. Without a liveness probe nothing kills it.
 * - `startupfail`: the same with the startup probe (`started: false` until it is killed).
 * - `neverready`: running, never Ready (a readiness probe that keeps failing, `Unhealthy` events);
 *   as an init container it never completes.
 * - `imagepullbackoff`: the registry answers "not found": ErrImagePull, then ImagePullBackOff until
 *   the image back-off (10 s doubling) allows the next pull; the pod stays Pending (an init
 *   container that cannot be pulled keeps the app containers in PodInitializing).
 * - `unschedulable`: an admission webhook gives the pod a node selector no node matches, so the
 *   real scheduler leaves it Pending with PodScheduled=False, reason Unschedulable (pod-wide).
 * - `slowready`: Ready only after the slow ready delay.
 *
 * Each container instance logs a few lines through the real `pods/log` API (`previous=true` gives
 * the instance before); the last line of a failing one is in {@link MARKER_LAST_LOG_LINES}. The
 * annotation `logs.testbed.kubeship.dev/<container>` replaces a container's log with its own text.
 *
 * The annotation {@link READY_AFTER_ANNOTATION} (a Go duration such as `"3s"`) overrides the
 * start delay of one pod.
 */
export const IMAGE_MARKERS = {
  crashLoop: 'crashloop',
  /** Prefix of `crash-after-<N>s`: see {@link crashAfter}. */
  crashAfter: 'crash-after-',
  imagePullBackOff: 'imagepullbackoff',
  unschedulable: 'unschedulable',
  slowReady: 'slowready',
  neverReady: 'neverready',
  oomKilled: 'oomkilled',
  exit0: 'exit0',
  exit1: 'exit1',
  livenessFail: 'livenessfail',
  startupFail: 'startupfail',
} as const;

/** The marker of a container that crashes `seconds` after each start: `crash-after-<seconds>s`. */
export const crashAfter = (seconds: number): string => `${IMAGE_MARKERS.crashAfter}${seconds}s`;

/** The last log line each behaviour's container prints (as `kubectl logs` shows it). */
export const MARKER_LAST_LOG_LINES = {
  healthy: 'listening on :8080',
  crashloop: 'fatal: cannot connect to database',
  oomkilled: 'fatal: out of memory: the container was killed at its memory limit',
  exit1: 'error: job failed with exit code 1',
  livenessfail: 'health: worker pool deadlocked, answering 500',
  startupfail: 'startup: still warming the cache',
  exit0: 'job finished: done',
  neverready: 'readiness: a dependency is not reachable, answering 503',
  slowready: 'listening on :8080',
} as const;

/** Pod annotation prefix: `logs.testbed.kubeship.dev/<container>` is that container's whole log. */
export const LOG_ANNOTATION_PREFIX = 'logs.testbed.kubeship.dev/';

/** Pod annotation: how long after scheduling the pod turns Ready (Go duration, e.g. `"2s"`). */
export const READY_AFTER_ANNOTATION = 'testbed.kubeship.dev/ready-after';

/** The node label the unschedulable marker selects on; no node carries it. */
export const UNSCHEDULABLE_NODE_LABEL = 'testbed.kubeship.dev/unschedulable';
