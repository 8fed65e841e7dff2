/**
 * Image markers: a container (or init container) whose image reference contains one of these
 * words behaves that way on the testbed's KWOK nodes; each container of a pod is judged by its own
 * image, so one sidecar can crash-loop while the app runs. Any other image runs and is Ready after
 * the ready delay (an init container without a marker completes with exit code 0).
 *
 * - `crashloop`: the container exits 1 (reason Error) and sits in CrashLoopBackOff with a growing
 *   restartCount and `lastState.terminated`; under `restartPolicy: Never` it stays terminated.
 * - `oomkilled`: like `crashloop`, with exit code 137 and reason OOMKilled.
 * - `exit1`: for Job pods: exits 1; with `restartPolicy: Never` the pod is Failed, with
 *   `OnFailure` (or `Always`) the container crash-loops.
 * - `exit0`: for Job pods: exits 0 (reason Completed); the pod Succeeds unless its restart policy
 *   is `Always`, where the kubelet restarts it into CrashLoopBackOff as a real one would.
 * - `neverready`: running, never Ready (a readiness probe that keeps failing); as an init
 *   container it never completes.
 * - `imagepullbackoff`: ErrImagePull, then ImagePullBackOff; the pod stays Pending (an init
 *   container that cannot be pulled keeps the app containers in PodInitializing).
 * - `unschedulable`: an admission webhook gives the pod a node selector no node matches, so the
 *   real scheduler leaves it Pending with PodScheduled=False, reason Unschedulable (pod-wide).
 * - `slowready`: Ready only after the slow ready delay.
 *
 * Each container logs a few lines through the real `pods/log` API; the last line of a failing one
 * is in {@link MARKER_LAST_LOG_LINES}. The annotation `logs.testbed.kubeship.dev/<container>`
 * replaces a container's log with its own text.
 *
 * The annotation {@link READY_AFTER_ANNOTATION} (a Go duration such as `"3s"`) overrides the
 * ready delay of one pod.
 */
export const IMAGE_MARKERS = {
  crashLoop: 'crashloop',
  imagePullBackOff: 'imagepullbackoff',
  unschedulable: 'unschedulable',
  slowReady: 'slowready',
  neverReady: 'neverready',
  oomKilled: 'oomkilled',
  exit0: 'exit0',
  exit1: 'exit1',
} as const;

/** The last log line each behaviour's container prints (as `kubectl logs` shows it). */
export const MARKER_LAST_LOG_LINES = {
  healthy: 'listening on :8080',
  crashloop: 'fatal: cannot connect to database',
  oomkilled: 'fatal: out of memory: the container was killed at its memory limit',
  exit1: 'error: job failed with exit code 1',
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
