// Which failure messages describe something that retrying cannot fix. The kubelet and the
// controllers retry everything; kubeship fails fast on what no retry will change, and gives
// the rest a grace period (a registry hiccup, a quota freed by the old pods going away).
import { quotaNeverFits } from './_quota.ts';

/** Image pull reasons the kubelet never retries into success. */
const DEFINITE_PULL_REASONS = new Set(['InvalidImageName', 'ErrImageNeverPull']);

/**
 * What registries and runtimes say when the image does not exist or the node may not read it
 * (containerd's `code = NotFound`, Docker Hub's "repository does not exist", ECR's 403).
 */
const DEFINITE_PULL_MESSAGE =
  /not found|code = NotFound|manifest unknown|name unknown|repository does not exist|invalid reference|unauthorized|access denied|denied:|authorization failed|no basic auth credentials|\b401\b|\b403\b/i;

/**
 * Whether an image pull failure (ErrImagePull, ImagePullBackOff, ...) is definite. Anything
 * else (timeouts, 429 toomanyrequests, connection resets, 5xx, an ImagePullBackOff message that
 * does not carry the cause) is treated as transient.
 */
export function isDefinitePullFailure(reason: string, message: string): boolean {
  return DEFINITE_PULL_REASONS.has(reason) || DEFINITE_PULL_MESSAGE.test(message);
}

/**
 * Pod creation errors that may clear up without a new deploy: a full quota (old pods are still
 * going away), a webhook that could not be called (as opposed to one that denied the request),
 * an apiserver or etcd hiccup, a ServiceAccount the admission cache does not know yet.
 */
const TRANSIENT_CREATE_MESSAGE =
  /exceeded quota|failed calling webhook|failed to call webhook|context deadline exceeded|timeout|timed out|connection refused|connection reset|the server is currently unable|too many requests|etcdserver|the object has been modified|error looking up service account/i;

/**
 * Whether a controller's failure to create pods (FailedCreate) is definite: Pod Security
 * violations, LimitRange maxima, webhook denials, invalid specs, a quota the pod alone exceeds.
 * Only the transient kinds above are not.
 */
export function isDefiniteCreateFailure(message: string): boolean {
  return (
    /denied the request/i.test(message) ||
    quotaNeverFits(message) === true ||
    !TRANSIENT_CREATE_MESSAGE.test(message)
  );
}
