import { IMAGE_DIGEST_PATTERN, imageDigestOf, pinnedImageOf } from '@kubeship/manifests';
import { KubeshipError } from '../errors.ts';
import type { DeploymentState } from '../rollout/state.ts';

/** What {@link promotionImage} checks the source environment against. */
export interface PromotionCheck {
  /** The source environment's name, for the messages. */
  readonly from: string;
  /**
   * The digest that was approved (`sha256:<64 hex>` or `sha512:<128 hex>`): the promotion is refused unless the
   * source runs exactly this. Without it, whatever the source runs healthy is promoted.
   */
  readonly expectDigest?: string;
}

/**
 * Pure: the image (`repository@sha256:...`) to promote out of a source environment, read with
 * `readDeploymentState`. Refuses with an INVALID_INPUT {@link KubeshipError} (nothing is deployed)
 * when the source is not healthy, when its ready pods do not all report one digest, or when
 * `expectDigest` is given and the source runs another one: a newer pipeline run that redeployed
 * the source while an older one waited at its approval cannot make the older one ship an image
 * nobody approved.
 */
export function promotionImage(state: DeploymentState, check: PromotionCheck): string {
  const { from, expectDigest } = check;
  if (expectDigest !== undefined && !IMAGE_DIGEST_PATTERN.test(expectDigest)) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `--expect-digest must be sha256:<64 lowercase hex digits> (or sha512:<128>), got ${JSON.stringify(expectDigest)}`,
      { details: { parameter: 'expect-digest' } },
    );
  }
  if (state.state.phase !== 'complete') {
    throw new KubeshipError(
      'INVALID_INPUT',
      `refusing to promote from ${from}: ${state.name} there is ${state.state.phase}${state.state.phase === 'failed' ? ` (${state.state.reason})` : ''}, not healthy`,
      { details: { environment: from, phase: state.state.phase } },
    );
  }
  const references = state.runningImageIds.map(pinnedImageOf);
  const digests = references.map((reference) => reference && imageDigestOf(reference));
  const [reference] = references;
  const [digest] = digests;
  if (!reference || !digest || digests.some((other) => other !== digest)) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `refusing to promote from ${from}: its pods do not report one image digest (${state.runningImageIds.join(', ') || 'none'})`,
      { details: { environment: from, imageIds: state.runningImageIds } },
    );
  }
  // repository@digest: a tag beside the digest (repository:tag@sha256:...) says nothing more
  const repository = reference.slice(0, reference.lastIndexOf('@')).replace(/:[^:/]+$/, '');
  const image = `${repository}@${digest}`;
  if (expectDigest !== undefined && digest !== expectDigest) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `refusing to promote from ${from}: it runs ${digest}, not the approved ${expectDigest} (a newer run deployed ${from} since the approval; approve that run instead)`,
      { details: { environment: from, running: digest, expected: expectDigest } },
    );
  }
  return image;
}
