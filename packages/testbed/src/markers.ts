/**
 * Image markers: a pod whose container image reference contains one of these words behaves
 * that way on the testbed's KWOK nodes. Any other image becomes Ready after the ready delay.
 *
 * - `crashloop`: the container runs, exits 1, and sits in CrashLoopBackOff with a growing
 *   restartCount and `lastState.terminated` (exit code 1, reason Error).
 * - `imagepullbackoff`: ErrImagePull, then ImagePullBackOff; the pod stays Pending.
 * - `unschedulable`: an admission webhook gives the pod a node selector no node matches, so the
 *   real scheduler leaves it Pending with PodScheduled=False, reason Unschedulable.
 * - `slowready`: Ready only after the slow ready delay.
 *
 * The annotation {@link READY_AFTER_ANNOTATION} (a Go duration such as `"3s"`) overrides the
 * ready delay of one pod.
 */
export const IMAGE_MARKERS = {
  crashLoop: 'crashloop',
  imagePullBackOff: 'imagepullbackoff',
  unschedulable: 'unschedulable',
  slowReady: 'slowready',
} as const;

/** Pod annotation: how long after scheduling the pod turns Ready (Go duration, e.g. `"2s"`). */
export const READY_AFTER_ANNOTATION = 'testbed.kubeship.dev/ready-after';

/** The node label the unschedulable marker selects on; no node carries it. */
export const UNSCHEDULABLE_NODE_LABEL = 'testbed.kubeship.dev/unschedulable';
